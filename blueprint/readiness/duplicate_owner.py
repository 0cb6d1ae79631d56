"""deploy-duplicate-owner: two planned resources must never own the same physical object.

The mocks create both; the cloud creates the first and refuses the second ("already exists"), or,
where the provider overwrites (Route 53 ``allowOverwrite``), both stacks' resources then manage one
record and deleting either deletes it for both. Two cases:

* Route 53 records with the same hosted zone, name, type and ``setIdentifier`` (the same record
  set: ChangeResourceRecordSets identifies a record by name, type and, for routing policies, set
  identifier, https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html).
  The known case: two regional certificates whose DNS validation asks for the same CNAME
  (ACM: one validation record per domain name, https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html).
* Two resources of one type with the same explicit physical name (the name tables' ``prop``) in the
  scope where that name must be unique: the region (one account per stack) for regional AWS types,
  the account for IAM, S3 and Aurora global clusters, the project for global GCP types, and the
  parent (cluster, key ring, router, VPC, zone, ...) for names scoped to one. Names reused per region
  (an Aurora cluster identifier in each region of its global database) are legal and not reported.
  Autonamed resources never collide (random suffix); Kubernetes objects are per cluster and not checked.
"""

from __future__ import annotations

from typing import Iterable, Optional

from blueprint.plan.model import Plan, PlannedResource
from blueprint.readiness import ReadinessProblem
from blueprint.readiness.graph import get
from blueprint.readiness.names import NAME_RULES

CHECK_ID = "deploy-duplicate-owner"
RECORD = "aws:route53/record:Record"
RECORD_SOURCE = ("https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html (a record set is "
                 "name + type + set identifier); https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html")
NAME_SOURCE = "the type's name uniqueness scope (see the source of its name-limit row: {source})"
REGION = "@region"  # scope part: the resource's region
# Where each type's explicit name must be unique: input names (and REGION). A type absent here is
# not checked (certificates may repeat a domain; Route 53 records have their own key above).
SCOPES: dict[str, tuple[str, ...]] = {
    # AWS, account-wide names.
    "aws:iam/role:Role": (), "aws:iam/policy:Policy": (), "aws:s3/bucket:Bucket": (),
    "aws:rds/globalCluster:GlobalCluster": (),
    # AWS, regional names (one account per stack).
    **{t: (REGION,) for t in (
        "aws:lb/loadBalancer:LoadBalancer", "aws:lb/targetGroup:TargetGroup", "aws:cloudwatch/logGroup:LogGroup",
        "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:ec2/launchTemplate:LaunchTemplate", "aws:eks/cluster:Cluster",
        "aws:rds/cluster:Cluster", "aws:rds/clusterInstance:ClusterInstance",
        "aws:rds/clusterParameterGroup:ClusterParameterGroup", "aws:rds/subnetGroup:SubnetGroup",
        "aws:secretsmanager/secret:Secret", "aws:sns/topic:Topic", "aws:sqs/queue:Queue", "aws:kms/alias:Alias",
        "aws:backup/vault:Vault", "aws:backup/plan:Plan")},
    # AWS, names unique within a parent.
    "aws:eks/nodeGroup:NodeGroup": (REGION, "clusterName"),
    "aws:iam/rolePolicy:RolePolicy": ("role",),
    "aws:ec2/securityGroup:SecurityGroup": (REGION, "vpcId"),
    "aws:backup/selection:Selection": (REGION, "planId"),
    "aws:wafv2/webAcl:WebAcl": (REGION, "scope"),
    # GCP, project-wide (global) names.
    **{t: ("project",) for t in (
        "gcp:compute/backendService:BackendService", "gcp:compute/firewall:Firewall",
        "gcp:compute/globalAddress:GlobalAddress", "gcp:compute/globalForwardingRule:GlobalForwardingRule",
        "gcp:compute/healthCheck:HealthCheck", "gcp:compute/managedSslCertificate:ManagedSslCertificate",
        "gcp:compute/network:Network", "gcp:compute/sSLPolicy:SSLPolicy", "gcp:compute/targetHttpProxy:TargetHttpProxy",
        "gcp:compute/targetHttpsProxy:TargetHttpsProxy", "gcp:compute/uRLMap:URLMap",
        "gcp:sql/databaseInstance:DatabaseInstance", "gcp:pubsub/topic:Topic", "gcp:pubsub/subscription:Subscription",
        "gcp:serviceaccount/account:Account", "gcp:storage/transferJob:TransferJob", "gcp:storage/bucket:Bucket")},
    # GCP, names unique within a location or parent.
    "gcp:compute/subnetwork:Subnetwork": ("project", REGION),
    "gcp:compute/router:Router": ("project", REGION),
    "gcp:compute/routerNat:RouterNat": ("project", REGION, "router"),
    "gcp:compute/networkEndpointGroup:NetworkEndpointGroup": ("project", "zone"),
    "gcp:container/cluster:Cluster": ("project", "location"),
    "gcp:container/nodePool:NodePool": ("project", "location", "cluster"),
    "gcp:kms/keyRing:KeyRing": ("project", "location"),
    "gcp:kms/cryptoKey:CryptoKey": ("keyRing",),
    "gcp:networkservices/serviceLbPolicies:ServiceLbPolicies": ("project", "location"),
    "gcp:dns/recordSet:RecordSet": ("project", "managedZone", "type"),
}


def _scope(resource: PlannedResource, fields: tuple[str, ...]) -> Optional[tuple]:
    """The scope key, or None when a part is unknown (an Output the plan cannot resolve)."""
    parts: list = []
    for field in fields:
        value = resource.region if field == REGION else get(resource.inputs, field)
        if field == "project" and value is None:
            value = ""  # the provider's default project: the same for every resource of the stack
        if value is not None and not isinstance(value, str):
            return None
        parts.append(value)
    return tuple(parts)


def _record_key(record: PlannedResource) -> Optional[tuple]:
    zone, name, type_ = (record.inputs.get(k) for k in ("zoneId", "name", "type"))
    if not all(isinstance(v, str) and v for v in (zone, name, type_)):
        return None
    set_id = record.inputs.get("setIdentifier")
    return (RECORD, zone, name.lower().rstrip("."), type_, set_id if isinstance(set_id, str) else None)


def _name_key(resource: PlannedResource) -> Optional[tuple]:
    fields = SCOPES.get(resource.type)
    rule = NAME_RULES.get(resource.type)
    if fields is None or rule is None:
        return None
    name = get(resource.inputs, rule.prop)
    scope = _scope(resource, fields)
    if not isinstance(name, str) or not name or scope is None:
        return None
    return (resource.type, scope, name)


def _problem(resource: PlannedResource, first: PlannedResource, key: tuple) -> ReadinessProblem:
    if key[0] == RECORD:
        value = {"zoneId": key[1], "name": key[2], "type": key[3], "setIdentifier": key[4]}
        rule = (f"is the same Route 53 record set as {first.name!r} ({first.urn}): the second create fails (or, with "
                "allowOverwrite, both own one record and deleting either deletes it); create it once")
        source = RECORD_SOURCE
    else:
        value = {"name": key[2], "scope": dict(zip(SCOPES[resource.type], key[1]))}
        rule = (f"has the same physical name as {first.name!r} ({first.urn}) in the scope where it must be unique, "
                "so the cloud refuses the second create; give each its own name")
        source = NAME_SOURCE.format(source=NAME_RULES[resource.type].source)
    return ReadinessProblem(check=CHECK_ID, urn=resource.urn, type=resource.type, name=resource.name,
                            value=value, rule=rule, source=source)


def check(plan: Plan) -> Iterable[ReadinessProblem]:
    owners: dict[tuple, PlannedResource] = {}
    for resource in plan:
        if not resource.custom:
            continue
        key = _record_key(resource) if resource.type == RECORD else _name_key(resource)
        if key is None:
            continue
        if key in owners:
            yield _problem(resource, owners[key], key)
        else:
            owners[key] = resource
