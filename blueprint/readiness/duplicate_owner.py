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
from blueprint.types import aws, gcp

CHECK_ID = "deploy-duplicate-owner"
RECORD = aws.ROUTE53_RECORD
RECORD_SOURCE = ("https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html (a record set is "
                 "name + type + set identifier); https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html")
NAME_SOURCE = "the type's name uniqueness scope (see the source of its name-limit row: {source})"
REGION = "@region"  # scope part: the resource's region
# Where each type's explicit name must be unique: input names (and REGION). A type absent here is
# not checked (certificates may repeat a domain; Route 53 records have their own key above).
SCOPES: dict[str, tuple[str, ...]] = {
    # AWS, account-wide names.
    aws.IAM_ROLE: (), aws.IAM_POLICY: (), aws.S3_BUCKET: (),
    aws.RDS_GLOBAL_CLUSTER: (),
    # AWS, regional names (one account per stack).
    **{t: (REGION,) for t in (
        aws.LB_LOAD_BALANCER, aws.LB_TARGET_GROUP, aws.CLOUDWATCH_LOG_GROUP,
        aws.CLOUDWATCH_METRIC_ALARM, aws.EC2_LAUNCH_TEMPLATE, aws.EKS_CLUSTER,
        aws.RDS_CLUSTER, aws.RDS_CLUSTER_INSTANCE,
        aws.RDS_CLUSTER_PARAMETER_GROUP, aws.RDS_SUBNET_GROUP,
        aws.SECRETSMANAGER_SECRET, aws.SNS_TOPIC, aws.SQS_QUEUE, aws.KMS_ALIAS,
        aws.BACKUP_VAULT, aws.BACKUP_PLAN)},
    # AWS, names unique within a parent.
    aws.EKS_NODE_GROUP: (REGION, "clusterName"),
    aws.IAM_ROLE_POLICY: ("role",),
    aws.EC2_SECURITY_GROUP: (REGION, "vpcId"),
    aws.BACKUP_SELECTION: (REGION, "planId"),
    aws.WAFV2_WEB_ACL: (REGION, "scope"),
    # GCP, project-wide (global) names.
    **{t: ("project",) for t in (
        gcp.COMPUTE_BACKEND_SERVICE, gcp.COMPUTE_FIREWALL,
        gcp.COMPUTE_GLOBAL_ADDRESS, gcp.COMPUTE_GLOBAL_FORWARDING_RULE,
        gcp.COMPUTE_HEALTH_CHECK, gcp.COMPUTE_MANAGED_SSL_CERTIFICATE,
        gcp.COMPUTE_NETWORK, gcp.COMPUTE_SSL_POLICY, gcp.COMPUTE_TARGET_HTTP_PROXY,
        gcp.COMPUTE_TARGET_HTTPS_PROXY, gcp.COMPUTE_URL_MAP,
        gcp.SQL_DATABASE_INSTANCE, gcp.PUBSUB_TOPIC, gcp.PUBSUB_SUBSCRIPTION,
        gcp.SERVICEACCOUNT_ACCOUNT, gcp.STORAGE_TRANSFER_JOB, gcp.STORAGE_BUCKET)},
    # GCP, names unique within a location or parent.
    gcp.COMPUTE_SUBNETWORK: ("project", REGION),
    gcp.COMPUTE_ROUTER: ("project", REGION),
    gcp.COMPUTE_ROUTER_NAT: ("project", REGION, "router"),
    gcp.COMPUTE_NETWORK_ENDPOINT_GROUP: ("project", "zone"),
    gcp.CONTAINER_CLUSTER: ("project", "location"),
    gcp.CONTAINER_NODE_POOL: ("project", "location", "cluster"),
    gcp.KMS_KEY_RING: ("project", "location"),
    gcp.KMS_CRYPTO_KEY: ("keyRing",),
    gcp.NETWORKSERVICES_SERVICE_LB_POLICIES: ("project", "location"),
    gcp.DNS_RECORD_SET: ("project", "managedZone", "type"),
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
