"""Pulumi SDK mocks that answer like the clouds would, per region, from the catalogs.

Resources get deterministic, realistically shaped IDs and ARNs; invokes (availability zones,
instance-type offerings, caller identity, partition, SSM AMI parameters, GCP zones, ...) answer for
the region of the provider (or the invoke's own ``region`` argument), so a plan in any catalogued
region is right for that region. An invoke with no realistic answer fails loudly instead of
returning something made up.
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional

import pulumi

from blueprint.catalogs import accelerators, residency
from blueprint.types import aws, gcp, k8s

ACCOUNT_ID = "123456789012"  # the documentation account of AWS's own examples
GCP_PROJECT_NUMBER = "123456789012"

_DIRECTIONS = {"north": "n", "south": "s", "east": "e", "west": "w", "central": "c",
               "northeast": "ne", "southeast": "se", "northwest": "nw", "southwest": "sw"}


def _digest(*parts: str, length: int = 17) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def aws_zone_id(zone: str) -> str:
    """us-east-1a -> use1-az1 (the shape of AWS zone IDs; the index follows the zone letter)."""
    region, letter = zone[:-1], zone[-1]
    geo, direction, number = region.split("-")
    return f"{geo}{_DIRECTIONS.get(direction, direction[:1])}{number}-az{ord(letter) - ord('a') + 1}"


def aws_partition(region: str) -> tuple[str, str]:
    if region.startswith("cn-"):
        return "aws-cn", "amazonaws.com.cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov", "amazonaws.com"
    return "aws", "amazonaws.com"


@dataclass(frozen=True)
class _AwsAsk:
    """One AWS resource registration as the per-type computed-state functions read it; ``h`` is the
    registration's digest the realistic IDs are cut from."""

    typ: str
    logical: str
    name: str
    region: str
    partition: str
    inputs: dict

    @property
    def h(self) -> str:
        return _digest(self.typ, self.logical, length=12)

    def arn(self, service: str, rest: str) -> str:
        """arn:<partition>:<service>:<region>:<account>:<rest>"""
        return f"arn:{self.partition}:{service}:{self.region}:{ACCOUNT_ID}:{rest}"


def _eks_cluster(a: _AwsAsk) -> dict:
    h, vpc_config = a.h, a.inputs.get("vpcConfig") or {}
    return {"endpoint": f"https://{h.upper()}.gr7.{a.region}.eks.amazonaws.com",
            "certificateAuthority": {"data": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg=="},
            "identities": [{"oidcs": [{"issuer": f"https://oidc.eks.{a.region}.amazonaws.com/id/{h.upper()}"}]}],
            "vpcConfig": {**vpc_config, "clusterSecurityGroupId": f"sg-{_digest(a.logical, 'eks')}",
                          "vpcId": vpc_config.get("vpcId", "")},
            "arn": a.arn("eks", f"cluster/{a.name}"), "status": "ACTIVE"}


def _eks_node_group(a: _AwsAsk) -> dict:
    # nodeGroupNamePrefix: the provider appends a 26-character unique ID (id.PrefixedUniqueId).
    prefix = a.inputs.get("nodeGroupNamePrefix")
    node_group = a.inputs.get("nodeGroupName") or (f"{prefix}{_digest(a.logical, 'ng', length=26)}" if prefix else a.name)
    return {"nodeGroupName": node_group,
            "arn": a.arn("eks", f"nodegroup/{a.inputs.get('clusterName', '')}/{node_group}/{a.h}"),
            "resources": [{"autoscalingGroups": [{"name": f"eks-{node_group}-{a.h}"}], "remoteAccessSecurityGroupId": ""}],
            "status": "ACTIVE"}


def _launch_template(a: _AwsAsk) -> dict:
    # A new template has version 1, which is both its latest and (update_default_version) default.
    return {"latestVersion": 1, "defaultVersion": 1}


def _load_balancer(a: _AwsAsk) -> dict:
    lb_name = a.inputs.get("name") or a.logical[:32]
    suffix = f"app/{lb_name}/{a.h[:16]}"
    arn = a.arn("elasticloadbalancing", f"loadbalancer/{suffix}")
    return {"arn": arn, "arnSuffix": suffix, "dnsName": f"{lb_name}-{int(a.h[:8], 16)}.{a.region}.elb.amazonaws.com",
            "zoneId": "Z" + _digest("elb", a.region, length=13).upper(), "_id": arn}


def _target_group(a: _AwsAsk) -> dict:
    suffix = f"targetgroup/{a.inputs.get('name') or a.logical[:32]}/{a.h[:16]}"
    arn = a.arn("elasticloadbalancing", suffix)
    return {"arn": arn, "arnSuffix": suffix, "_id": arn}


def _listener(a: _AwsAsk) -> dict:
    arn = a.arn("elasticloadbalancing", f"listener/app/{a.logical[:32]}/{a.h[:16]}/{a.h[-8:]}")
    return {"arn": arn, "_id": arn}


def _certificate(a: _AwsAsk) -> dict:
    domains = [a.inputs.get("domainName", "")] + list(a.inputs.get("subjectAlternativeNames") or [])
    options = [{"domainName": d, "resourceRecordName": f"_{_digest(d, length=32)}.{d}.",
                "resourceRecordType": "CNAME",
                "resourceRecordValue": f"_{_digest(d, 'v', length=32)}.xlfgrmvvlj.acm-validations.aws."} for d in domains if d]
    return {"arn": a.arn("acm", f"certificate/{_uuid(a.h)}"), "domainValidationOptions": options,
            "status": "PENDING_VALIDATION"}


def _rds_cluster(a: _AwsAsk) -> dict:
    ident, h = a.inputs.get("clusterIdentifier") or a.name, a.h
    host = f"{ident}.cluster-{h}.{a.region}.rds.amazonaws.com"
    state = {"clusterIdentifier": ident, "endpoint": host, "readerEndpoint": host.replace(".cluster-", ".cluster-ro-"),
             "arn": a.arn("rds", f"cluster:{ident}"), "clusterResourceId": f"cluster-{h.upper()}",
             "port": 5432 if "postgres" in str(a.inputs.get("engine")) else 3306, "_id": ident}
    if a.inputs.get("manageMasterUserPassword"):
        state["masterUserSecrets"] = [{"secretArn": a.arn("secretsmanager", f"secret:rds!cluster-{_uuid(h)}-{h[:6]}"),
                                       "kmsKeyId": a.inputs.get("masterUserSecretKmsKeyId", ""), "secretStatus": "active"}]
    return state


def _rds_cluster_instance(a: _AwsAsk) -> dict:
    ident = a.inputs.get("identifier") or a.name
    return {"identifier": ident, "endpoint": f"{ident}.{a.h}.{a.region}.rds.amazonaws.com",
            "arn": a.arn("rds", f"db:{ident}"), "_id": ident}


def _rds_global_cluster(a: _AwsAsk) -> dict:
    ident = a.inputs.get("globalClusterIdentifier") or a.name
    return {"globalClusterIdentifier": ident, "arn": f"arn:{a.partition}:rds::{ACCOUNT_ID}:global-cluster:{ident}",
            "globalClusterResourceId": f"cluster-{a.h}", "_id": ident}


# The ARN resource kind of RDS's named groups (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Tagging.ARN.Constructing.html).
_RDS_GROUP_KIND = {aws.RDS_SUBNET_GROUP: "subgrp", aws.RDS_CLUSTER_PARAMETER_GROUP: "cluster-pg", aws.RDS_PARAMETER_GROUP: "pg"}


def _rds_group(a: _AwsAsk) -> dict:
    return {"arn": a.arn("rds", f"{_RDS_GROUP_KIND[a.typ]}:{a.name}"), "_id": a.name}


def _health_check(a: _AwsAsk) -> dict:
    hc = _uuid(a.h)
    return {"arn": f"arn:{a.partition}:route53:::healthcheck/{hc}", "_id": hc}


def _record(a: _AwsAsk) -> dict:
    fqdn = str(a.inputs.get("name", "")).rstrip(".")
    inputs = a.inputs
    return {"fqdn": fqdn, "_id": f"{inputs.get('zoneId', '')}_{fqdn}_{inputs.get('type', '')}_{inputs.get('setIdentifier', '')}".rstrip("_")}


def _queue(a: _AwsAsk) -> dict:
    queue = a.inputs.get("name") or a.name
    url = f"https://sqs.{a.region}.amazonaws.com/{ACCOUNT_ID}/{queue}"
    return {"arn": a.arn("sqs", queue), "url": url, "_id": url}


def _topic(a: _AwsAsk) -> dict:
    arn = a.arn("sns", a.inputs.get("name") or a.name)
    return {"arn": arn, "_id": arn}


def _event_rule(a: _AwsAsk) -> dict:
    # A default-bus rule: arn:<partition>:events:<region>:<account>:rule/<name> (EventBridge API reference,
    # PutRule RuleArn; Service Authorization Reference, Amazon EventBridge resource type "rule-on-default-event-bus").
    return {"arn": a.arn("events", f"rule/{a.inputs.get('name') or a.name}")}


def _backup_vault(a: _AwsAsk) -> dict:
    return {"arn": a.arn("backup", f"backup-vault:{a.name}"), "_id": a.name}


def _backup_plan(a: _AwsAsk) -> dict:
    plan_id = _uuid(a.h)
    return {"arn": a.arn("backup", f"backup-plan:{plan_id}"), "_id": plan_id, "version": a.h}


def _metric_alarm(a: _AwsAsk) -> dict:
    alarm = a.inputs.get("name") or a.name
    return {"arn": a.arn("cloudwatch", f"alarm:{alarm}"), "_id": alarm}


def _web_acl(a: _AwsAsk) -> dict:
    scope = "global" if a.inputs.get("scope") == "CLOUDFRONT" else "regional"
    acl_id = _uuid(a.h)
    return {"arn": a.arn("wafv2", f"{scope}/webacl/{a.name}/{acl_id}"), "_id": acl_id,
            "capacity": 0, "lockToken": _uuid(a.h[::-1])}


def _secret(a: _AwsAsk) -> dict:
    return {"arn": a.arn("secretsmanager", f"secret:{a.name}-{a.h[:6]}")}


def _ecr_repository(a: _AwsAsk) -> dict:
    # <account>.dkr.ecr.<region>.amazonaws.com/<name> (ECR "Private registry" concepts; Repository.repositoryUrl).
    name = a.inputs.get("name") or a.name
    _, suffix = aws_partition(a.region)
    return {"arn": a.arn("ecr", f"repository/{name}"), "registryId": ACCOUNT_ID,
            "repositoryUrl": f"{ACCOUNT_ID}.dkr.ecr.{a.region}.{suffix}/{name}", "_id": name}


def _ecr_replication(a: _AwsAsk) -> dict:
    return {"registryId": ACCOUNT_ID, "_id": ACCOUNT_ID}


# Attributes AWS computes for the resource types blueprint reads back (endpoints, DNS names,
# validation records), shaped as AWS returns them, one small function per type. ``_id`` overrides
# the physical ID.
_AWS_COMPUTED: dict[str, Callable[[_AwsAsk], dict]] = {
    aws.EKS_CLUSTER: _eks_cluster, aws.EKS_NODE_GROUP: _eks_node_group, aws.EC2_LAUNCH_TEMPLATE: _launch_template,
    aws.LB_LOAD_BALANCER: _load_balancer, aws.LB_TARGET_GROUP: _target_group, aws.LB_LISTENER: _listener,
    aws.ACM_CERTIFICATE: _certificate, aws.RDS_CLUSTER: _rds_cluster, aws.RDS_CLUSTER_INSTANCE: _rds_cluster_instance,
    aws.RDS_GLOBAL_CLUSTER: _rds_global_cluster, **{t: _rds_group for t in _RDS_GROUP_KIND},
    aws.ROUTE53_HEALTH_CHECK: _health_check, aws.ROUTE53_RECORD: _record, aws.SQS_QUEUE: _queue,
    aws.SNS_TOPIC: _topic, aws.BACKUP_VAULT: _backup_vault, aws.BACKUP_PLAN: _backup_plan,
    aws.CLOUDWATCH_METRIC_ALARM: _metric_alarm, aws.WAFV2_WEB_ACL: _web_acl, aws.SECRETSMANAGER_SECRET: _secret,
    aws.ECR_REPOSITORY: _ecr_repository, aws.ECR_REPLICATION_CONFIGURATION: _ecr_replication,
    aws.CLOUDWATCH_EVENT_RULE: _event_rule,
}


def _aws_computed_state(typ: str, logical: str, name: str, region: str, partition: str, inputs: dict) -> dict:
    """The computed attributes of one AWS registration ({} for a type AWS computes nothing we read)."""
    compute = _AWS_COMPUTED.get(typ)
    return compute(_AwsAsk(typ, logical, name, region, partition, inputs)) if compute else {}


def _gcp_computed_state(typ: str, logical: str, name: str, inputs: dict, config: Mapping[str, str]) -> dict:
    """Attributes GCP computes for the types blueprint reads back, shaped as the APIs return them."""
    project = config.get("gcp:project") or "project"
    h = _digest(typ, logical, length=12)
    if typ == gcp.COMPUTE_GLOBAL_ADDRESS:
        if inputs.get("purpose") == "VPC_PEERING":
            return {"address": inputs.get("address") or f"10.{int(h[:2], 16) % 200 + 20}.0.0",
                    "selfLink": f"https://www.googleapis.com/compute/v1/projects/{project}/global/addresses/{name}"}
        return {"address": f"34.{int(h[:2], 16) % 100 + 100}.{int(h[2:4], 16)}.{int(h[4:6], 16) % 250 + 1}",
                "selfLink": f"https://www.googleapis.com/compute/v1/projects/{project}/global/addresses/{name}"}
    if typ == gcp.COMPUTE_NETWORK_ENDPOINT_GROUP:
        return {"selfLink": f"https://www.googleapis.com/compute/v1/projects/{project}/zones/{inputs.get('zone', '')}/networkEndpointGroups/{name}",
                "size": 0}
    if typ == gcp.SQL_DATABASE_INSTANCE:
        region = inputs.get("region") or config.get("gcp:region") or ""
        settings = inputs.get("settings") or {}
        state: dict = {}
        # Cloud SQL makes a write endpoint for an Enterprise Plus primary on private services access
        # ("Connect to an instance using a write endpoint"); it keeps the designation it was given.
        if (not inputs.get("masterInstanceName") and settings.get("edition") == "ENTERPRISE_PLUS"
                and (settings.get("ipConfiguration") or {}).get("privateNetwork")):
            state["replicationCluster"] = {**(inputs.get("replicationCluster") or {}),
                                           "psaWriteEndpoint": f"{h[:13]}.{_digest(project, length=13)}.global.sql-psa.goog."}
        return {**state, "connectionName": f"{project}:{region}:{name}",
                "privateIpAddress": f"10.{int(h[:2], 16) % 200 + 20}.{int(h[2:4], 16)}.{int(h[4:6], 16) % 250 + 2}",
                "selfLink": f"https://sqladmin.googleapis.com/sql/v1beta4/projects/{project}/instances/{name}",
                "serviceAccountEmailAddress": f"p{_digest(project, length=12)}-{h[:6]}@gcp-sa-cloud-sql.iam.gserviceaccount.com"}
    if typ == gcp.STORAGE_BUCKET:
        return {"url": f"gs://{name}", "selfLink": f"https://www.googleapis.com/storage/v1/b/{name}"}
    if typ == gcp.ARTIFACTREGISTRY_REPOSITORY:
        # The provider's id and `name`: projects/<p>/locations/<l>/repositories/<id> (Artifact Registry REST Repository).
        path = f"projects/{inputs.get('project') or project}/locations/{inputs.get('location', '')}/repositories/{inputs.get('repositoryId', name)}"
        return {"_id": path, "name": path}
    if typ == gcp.SECRETMANAGER_SECRET:
        # `name` is projects/<number>/secrets/<id> (Secret Manager REST Secret.name); the id projects/<p>/secrets/<id>.
        secret_id = inputs.get("secretId", name)
        return {"_id": f"projects/{inputs.get('project') or project}/secrets/{secret_id}",
                "name": f"projects/{GCP_PROJECT_NUMBER}/secrets/{secret_id}"}
    if typ == gcp.PROJECTS_IAM_CUSTOM_ROLE:
        # `name` of a project custom role: projects/<project>/roles/<roleId> (IAM REST Role.name).
        path = f"projects/{inputs.get('project') or project}/roles/{inputs.get('roleId', name)}"
        return {"_id": path, "name": path}
    if typ == gcp.LOGGING_PROJECT_SINK:
        # A project sink writes as the project's Cloud Logging service agent (Cloud Logging "Set destination
        # permissions": writerIdentity serviceAccount:service-<PROJECT_NUMBER>@gcp-sa-logging.iam.gserviceaccount.com).
        return {"writerIdentity": f"serviceAccount:service-{GCP_PROJECT_NUMBER}@gcp-sa-logging.iam.gserviceaccount.com"}
    if typ == gcp.NETWORKSERVICES_SERVICE_LB_POLICIES:
        # The provider's id is the policy's full resource path.
        return {"_id": f"projects/{project}/locations/{inputs.get('location') or 'global'}/serviceLbPolicies/{name}"}
    return {}


def _uuid(h: str) -> str:
    d = _digest(h, length=32)
    return f"{d[:8]}-{d[8:12]}-{d[12:16]}-{d[16:20]}-{d[20:]}"


# Service agents that gcp.projects.ServiceIdentity creates, by API (Cloud IAM "service agents" reference;
# GoogleCloudPlatform/cloud-foundation-fabric modules/project/service-agents.yaml for monitoring).
_GCP_SERVICE_AGENT_DOMAINS = {
    "sqladmin.googleapis.com": "gcp-sa-cloud-sql", "pubsub.googleapis.com": "gcp-sa-pubsub",
    "monitoring.googleapis.com": "gcp-sa-monitoring-notification",
    "container.googleapis.com": "container-engine-robot", "compute.googleapis.com": "compute-system",
    "servicenetworking.googleapis.com": "service-networking", "secretmanager.googleapis.com": "gcp-sa-secretmanager",
    # PAM: service-<number>@gcp-sa-pam.iam.gserviceaccount.com (https://cloud.google.com/iam/docs/pam-permissions-and-setup).
    "privilegedaccessmanager.googleapis.com": "gcp-sa-pam",
    # Cloud Run Service Agent: service-<number>@serverless-robot-prod.iam.gserviceaccount.com
    # (cloud-foundation-fabric service-agents.yaml, run -> serverless-robot-prod).
    "run.googleapis.com": "serverless-robot-prod",
}


def _gcp_platform_state(typ: str, logical: str, name: str, inputs: dict, config: Mapping[str, str]) -> dict:
    """KMS ids, service-account and service-agent emails, VPC self links, GKE endpoint and CA, as GCP
    returns them; ``_id`` is the resource's id (the KMS / GKE resource name)."""
    project = config.get("gcp:project") or "project"
    compute = f"https://www.googleapis.com/compute/v1/projects/{project}"
    region = inputs.get("region") or config.get("gcp:region") or ""
    location = inputs.get("location") or region
    if typ == gcp.KMS_KEY_RING:
        return {"_id": f"projects/{project}/locations/{location}/keyRings/{name}"}
    if typ == gcp.KMS_CRYPTO_KEY:
        return {"_id": f"{inputs.get('keyRing') or f'projects/{project}/locations/{region}/keyRings/ring'}/cryptoKeys/{name}"}
    if typ == gcp.SERVICEACCOUNT_ACCOUNT:
        email = f"{inputs.get('accountId', name)}@{inputs.get('project') or project}.iam.gserviceaccount.com"
        resource = f"projects/{inputs.get('project') or project}/serviceAccounts/{email}"
        return {"_id": resource, "name": resource, "email": email, "member": f"serviceAccount:{email}",
                "uniqueId": "1" + str(int(_digest(logical, length=16), 16)).rjust(20, "0")[:20]}
    if typ == gcp.PROJECTS_SERVICE_IDENTITY:
        service = inputs.get("service", "")
        domain = _GCP_SERVICE_AGENT_DOMAINS.get(service, "gcp-sa-" + service.split(".")[0])
        email = f"service-{GCP_PROJECT_NUMBER}@{domain}.iam.gserviceaccount.com"
        return {"_id": f"projects/{project}/services/{service}", "email": email, "member": f"serviceAccount:{email}"}
    if typ == gcp.COMPUTE_NETWORK:
        return {"selfLink": f"{compute}/global/networks/{name}", "_id": f"projects/{project}/global/networks/{name}"}
    if typ == gcp.COMPUTE_SUBNETWORK:
        return {"selfLink": f"{compute}/regions/{region}/subnetworks/{name}",
                "_id": f"projects/{project}/regions/{region}/subnetworks/{name}"}
    if typ == gcp.COMPUTE_ROUTER:
        return {"selfLink": f"{compute}/regions/{region}/routers/{name}",
                "_id": f"projects/{project}/regions/{region}/routers/{name}"}
    if typ == gcp.CONTAINER_CLUSTER:
        private = inputs.get("privateClusterConfig") or {}
        block = private.get("masterIpv4CidrBlock") or "172.16.0.0/28"
        endpoint = str(ipaddress.ip_network(block, strict=False)[2])
        return {"_id": f"projects/{project}/locations/{location}/clusters/{name}", "endpoint": endpoint,
                "masterAuth": {**(inputs.get("masterAuth") or {}),
                               "clusterCaCertificate": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg=="},
                "privateClusterConfig": {**private, "privateEndpoint": endpoint},
                "selfLink": f"https://container.googleapis.com/v1/projects/{project}/locations/{location}/clusters/{name}"}
    if typ == gcp.PUBSUB_TOPIC:
        return {"_id": f"projects/{project}/topics/{name}"}
    if typ == gcp.PUBSUB_SUBSCRIPTION:
        return {"_id": f"projects/{project}/subscriptions/{name}"}
    if typ == gcp.MONITORING_ALERT_POLICY:
        return {"_id": f"projects/{project}/alertPolicies/{int(_digest(logical, length=12), 16)}",
                "name": f"projects/{project}/alertPolicies/{int(_digest(logical, length=12), 16)}"}
    if typ == gcp.CONTAINER_NODE_POOL:
        cluster = str(inputs.get("cluster", "")).rsplit("/", 1)[-1]
        return {"_id": f"{project}/{location}/{cluster}/{name}",
                "instanceGroupUrls": [f"{compute}/zones/{z}/instanceGroupManagers/gke-{cluster[:15]}-{name[:15]}-"
                                      f"{_digest(logical, z, length=8)}-grp" for z in inputs.get("nodeLocations") or []]}
    return {}


class UnansweredInvoke(LookupError):
    """An invoke the offline plan has no realistic answer for (it never invents one)."""


class PlanMocks(pulumi.runtime.Mocks):
    """Answers resource registrations and invokes; ``region_of_provider`` maps a provider
    reference (``urn::id``) to its region so answers fit the resource's region."""

    def __init__(self, config: Mapping[str, str], region_of_provider: Callable[[Optional[str]], Optional[str]]):
        self._config = config
        self._region_of_provider = region_of_provider
        # Region switch plan ARN -> its inputs: what ListRoute53HealthChecks answers from.
        self._region_switch_plans: dict[str, dict] = {}
        self._invokes: dict[str, Callable[[dict, str], dict]] = {
            aws.INVOKE_GET_REGION: self._aws_region,
            aws.INVOKE_GET_CALLER_IDENTITY: self._aws_caller,
            aws.INVOKE_GET_PARTITION: self._aws_partition,
            aws.INVOKE_GET_AVAILABILITY_ZONES: self._aws_zones,
            aws.INVOKE_EC2_GET_INSTANCE_TYPE_OFFERINGS: self._aws_offerings,
            aws.INVOKE_SSM_GET_PARAMETER: self._aws_ssm_parameter,
            aws.INVOKE_ROUTE53_GET_ZONE: self._aws_route53_zone,
            aws.INVOKE_ARCREGIONSWITCH_GET_ROUTE53_HEALTH_CHECKS: self._aws_region_switch_health_checks,
            aws.INVOKE_ELB_GET_SERVICE_ACCOUNT: self._aws_elb_service_account,
            aws.INVOKE_EKS_GET_NODE_GROUP: self._aws_eks_node_group,
            aws.INVOKE_SECRETSMANAGER_GET_RANDOM_PASSWORD: self._aws_random_password,
            gcp.INVOKE_COMPUTE_GET_ZONES: self._gcp_zones,
            gcp.INVOKE_ORGANIZATIONS_GET_PROJECT: self._gcp_project,
            gcp.INVOKE_COMPUTE_GET_REGIONS: self._gcp_regions,
            gcp.INVOKE_DNS_GET_MANAGED_ZONE: self._gcp_dns_managed_zone,
            gcp.INVOKE_STORAGE_GET_TRANSFER_PROJECT_SERVICE_ACCOUNT: self._gcp_transfer_agent,
            gcp.INVOKE_STORAGE_GET_PROJECT_SERVICE_ACCOUNT: self._gcp_storage_agent,
        }

    # -- regions -------------------------------------------------------------------------------
    def _region(self, cloud: str, args: dict, provider: Optional[str]) -> str:
        region = args.get("region") or self._region_of_provider(provider) or self._config.get(f"{cloud}:region")
        if not region:
            raise ValueError(f"no region for a {cloud} call: set {cloud}:region or pass an explicit provider")
        return region

    # -- resources -----------------------------------------------------------------------------
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[Optional[str], dict]:
        inputs = dict(args.inputs)
        # Reads (Resource.get) arrive without ``custom`` (the SDK's MockMonitor.ReadResource omits it).
        if args.typ == k8s.NAMESPACE and args.resource_id:
            # A read of an existing namespace (Namespace.get, e.g. kube-system): the API server's object,
            # with the UID it assigned (one per cluster: the cluster's provider picks it).
            uid = _uuid(_digest(args.resource_id, str(args.provider or ""), length=32))
            return args.resource_id, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": args.resource_id, "uid": uid},
                                      "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}
        if not args.custom or args.typ.startswith("pulumi:providers:"):
            return (f"{args.name}-id" if args.custom else None), inputs
        cloud = args.typ.split(":", 1)[0]
        if cloud == "aws":
            return self._aws_resource(args, inputs)
        if cloud == "gcp":
            state = {"name": inputs.get("name", f"{args.name}-{_digest(args.name, length=7)}"), **inputs}
            state.setdefault("selfLink", f"https://www.googleapis.com/compute/v1/projects/p/{args.typ.split('/')[0]}/{state['name']}")
            state.update(_gcp_computed_state(args.typ, args.name, state["name"], inputs, self._config))
            state.update(_gcp_platform_state(args.typ, args.name, state["name"], inputs, self._config))
            return state.pop("_id", state["name"]), state
        return f"{args.name}-{_digest(args.typ, args.name, length=8)}", inputs

    def _aws_resource(self, args: pulumi.runtime.MockResourceArgs, inputs: dict) -> tuple[str, dict]:
        region = inputs.get("region") or self._region_of_provider(args.provider) or self._config.get("aws:region") or "us-east-1"
        partition, _ = aws_partition(region)
        module = args.typ.split(":")[1].split("/")[0]
        auto_name = f"{args.name}-{_digest(args.typ, args.name, length=7)}"
        name = inputs.get("name") or auto_name
        state: dict[str, Any] = {"name": name, **inputs}
        prefix = aws.MOCK_ID_PREFIX.get(args.typ)
        physical_id = f"{prefix}-{_digest(region, args.typ, args.name)}" if prefix else name
        if args.typ == aws.S3_BUCKET:
            bucket = inputs.get("bucket") or (inputs.get("bucketPrefix") or "") + _digest(args.name, length=26)
            state.update(bucket=bucket, arn=f"arn:{partition}:s3:::{bucket}", bucketRegionalDomainName=f"{bucket}.s3.{region}.amazonaws.com", region=region)
            physical_id = bucket
        elif args.typ == aws.KMS_KEY:
            physical_id = f"{_digest(args.name, length=8)}-{_digest(args.name, 'b', length=4)}-{_digest(args.name, 'c', length=4)}-{_digest(args.name, 'd', length=4)}-{_digest(args.name, 'e', length=12)}"
            state.update(keyId=physical_id, arn=f"arn:{partition}:kms:{region}:{ACCOUNT_ID}:key/{physical_id}")
        elif args.typ == aws.CLOUDWATCH_LOG_GROUP:
            state["arn"] = f"arn:{partition}:logs:{region}:{ACCOUNT_ID}:log-group:{name}"
        elif module == "iam":
            kind = args.typ.split(":")[-1].lower()
            state["arn"] = f"arn:{partition}:iam::{ACCOUNT_ID}:{kind}/{name}"
        else:
            resource = args.typ.split(":")[-1][:1].lower() + args.typ.split(":")[-1][1:]
            state.setdefault("arn", f"arn:{partition}:{module}:{region}:{ACCOUNT_ID}:{resource}/{physical_id}")
        state.update(_aws_computed_state(args.typ, args.name, name, region, partition, inputs))
        physical_id = state.pop("_id", physical_id)
        if args.typ == aws.EC2_EIP:
            state.update(allocationId=physical_id, publicIp=f"198.51.100.{int(_digest(args.name, length=2), 16) % 250 + 1}")
        if args.typ == aws.EC2_VPC:
            state.update(defaultSecurityGroupId=f"sg-{_digest(args.name, 'default')}", mainRouteTableId=f"rtb-{_digest(args.name, 'main')}", defaultNetworkAclId=f"acl-{_digest(args.name)}")
        state["id"] = physical_id
        if args.typ == aws.ARCREGIONSWITCH_PLAN:
            self._region_switch_plans[state["arn"]] = inputs
        return physical_id, state

    # -- invokes -------------------------------------------------------------------------------
    def call(self, args: pulumi.runtime.MockCallArgs) -> dict:
        handler = self._invokes.get(args.token)
        if handler is None:
            raise UnansweredInvoke(
                f"the offline plan has no realistic answer for invoke {args.token}; "
                "add one to blueprint/plan/mocks.py (from the catalogs) before using it"
            )
        cloud = args.token.split(":", 1)[0]
        return handler(args.args, self._region(cloud, args.args, args.provider))

    def _aws_region(self, args: dict, region: str) -> dict:
        found = residency.find_region("aws", region)
        return {"id": region, "region": region, "name": region,
                "description": found.display if found else region, "endpoint": f"ec2.{region}.amazonaws.com"}

    def _aws_caller(self, args: dict, region: str) -> dict:
        partition, _ = aws_partition(region)
        return {"id": ACCOUNT_ID, "accountId": ACCOUNT_ID, "userId": "AIDACKCEVSQ6C2EXAMPLE",
                "arn": f"arn:{partition}:iam::{ACCOUNT_ID}:user/blueprint-plan"}

    def _aws_partition(self, args: dict, region: str) -> dict:
        partition, suffix = aws_partition(region)
        return {"id": partition, "partition": partition, "dnsSuffix": suffix,
                "reverseDnsPrefix": ".".join(reversed(suffix.split(".")))}

    def _aws_zones(self, args: dict, region: str) -> dict:
        found = residency.find_region("aws", region)
        if found is None:
            raise ValueError(f"{region} is not a catalogued AWS region")
        zones = [z for z in found.zones if z not in (args.get("excludeNames") or [])]
        return {"id": region, "names": zones, "zoneIds": [aws_zone_id(z) for z in zones],
                "groupNames": [region] * len(zones), "state": args.get("state")}

    def _aws_offerings(self, args: dict, region: str) -> dict:
        filters = {f["name"]: f["values"] for f in args.get("filters") or []}
        wanted_zones = set(filters.get("location") or [])
        types = filters.get("instance-type") or []
        if args.get("locationType", "region") != "availability-zone":
            raise ValueError("the offline plan answers instance-type offerings per availability-zone only")
        rows = [(t, z) for t in types for z in accelerators.aws_offering_zones(t, region)
                if not wanted_zones or z in wanted_zones]
        return {"id": region, "instanceTypes": [t for t, _ in rows], "locations": [z for _, z in rows],
                "locationTypes": ["availability-zone"] * len(rows)}

    def _aws_ssm_parameter(self, args: dict, region: str) -> dict:
        name = args["name"]
        if not name.startswith("/aws/service/"):
            raise ValueError(f"the offline plan answers only AWS public parameters, not {name}")
        value = f"ami-0{_digest(region, name, length=16)}" if "/ami" in name or "image_id" in name else _digest(name, length=12)
        partition, _ = aws_partition(region)
        return {"id": name, "name": name, "type": "String", "value": value, "insecureValue": value, "version": 1,
                "arn": f"arn:{partition}:ssm:{region}::parameter{name}", "withDecryption": True}

    def _aws_route53_zone(self, args: dict, region: str) -> dict:
        name = (args.get("name") or "").rstrip(".")
        if not name:
            raise ValueError("the offline plan looks up Route 53 zones by name only")
        zone_id = "Z" + _digest("zone", name, length=20).upper()
        servers = [f"ns-{int(_digest(name, str(i), length=3), 16) % 2048}.awsdns-{i:02d}.{tld}"
                   for i, tld in enumerate(("com", "net", "org", "co.uk"))]
        return {"id": zone_id, "zoneId": zone_id, "name": name, "privateZone": bool(args.get("privateZone")),
                "arn": f"arn:aws:route53:::hostedzone/{zone_id}", "nameServers": servers,
                "primaryNameServer": servers[0], "resourceRecordSetCount": 2, "callerReference": name,
                "comment": "", "tags": {}}

    def _aws_region_switch_health_checks(self, args: dict, region: str) -> dict:
        """ListRoute53HealthChecks: one health check per region of each record a Route53HealthCheck
        step names, created by Region switch with the plan ("Amazon Route 53 health check execution
        block": blocks over the same records share them); states as the block starts them
        (active/passive: the standby's unhealthy)."""
        plan = self._region_switch_plans.get(args.get("planArn") or "")
        if plan is None:
            raise ValueError(f"no Region switch plan {args.get('planArn')!r} in the offline plan")
        found: dict[tuple, dict] = {}
        for workflow in plan.get("workflows") or []:
            for step in workflow.get("steps") or []:
                for config in step.get("route53HealthCheckConfigs") or []:
                    for r in plan.get("regions") or []:
                        key = (config["hostedZoneId"], config["recordName"], r)
                        standby = plan.get("recoveryApproach") == "activePassive" and r != plan.get("primaryRegion")
                        found[key] = {"healthCheckId": _uuid(_digest(*map(str, key))), "hostedZoneId": key[0],
                                      "recordName": key[1], "region": r, "status": "unhealthy" if standby else "healthy"}
        return {"id": args["planArn"], "planArn": args["planArn"], "region": region, "healthChecks": list(found.values())}

    def _aws_eks_node_group(self, args: dict, region: str) -> dict:
        # DescribeNodegroup: the managed node group's Auto Scaling group is named eks-<group>-<uuid>.
        cluster, group = args.get("clusterName", ""), args.get("nodeGroupName", "")
        partition, _ = aws_partition(region)
        h = _digest(aws.EKS_NODE_GROUP, cluster, group, length=12)
        return {"id": f"{cluster}:{group}", "clusterName": cluster, "nodeGroupName": group, "status": "ACTIVE",
                "arn": f"arn:{partition}:eks:{region}:{ACCOUNT_ID}:nodegroup/{cluster}/{group}/{h}",
                "resources": [{"autoscalingGroups": [{"name": f"eks-{group}-{h}"}], "remoteAccessSecurityGroupId": ""}]}

    def _aws_elb_service_account(self, args: dict, region: str) -> dict:
        partition, _ = aws_partition(region)
        account = str(int(_digest("elb", region, length=10), 16))[:12].rjust(12, "0")
        return {"id": account, "arn": f"arn:{partition}:iam::{account}:root", "region": region}

    def _aws_random_password(self, args: dict, region: str) -> dict:
        """Secrets Manager GetRandomPassword, deterministic here: the requested length, and letters
        and digits only when punctuation is excluded (the only shape blueprint asks for)."""
        length = int(args.get("passwordLength") or 32)
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
        if not args.get("excludePunctuation"):
            alphabet += "!#$%&()*+,-.:;<=>?[]^_{|}~"
        seed = _digest("random-password", region, str(sorted(args.items())), length=64)
        password = "".join(alphabet[int(seed[(2 * i) % 64:(2 * i) % 64 + 2], 16) % len(alphabet)] for i in range(length))
        return {**args, "id": region, "randomPassword": password}

    def _gcp_transfer_agent(self, args: dict, region: str) -> dict:
        project = args.get("project") or self._config.get("gcp:project") or "project"
        email = f"project-{GCP_PROJECT_NUMBER}@storage-transfer-service.iam.gserviceaccount.com"
        return {"id": project, "project": project, "email": email, "member": f"serviceAccount:{email}",
                "subjectId": str(int(_digest(project, length=12), 16))}

    def _gcp_storage_agent(self, args: dict, region: str) -> dict:
        """Cloud Storage's service agent (storage.projects.serviceAccount.get): service-<number>@gs-project-accounts."""
        project = args.get("project") or self._config.get("gcp:project") or "project"
        email = f"service-{GCP_PROJECT_NUMBER}@gs-project-accounts.iam.gserviceaccount.com"
        return {"id": project, "project": project, "emailAddress": email, "member": f"serviceAccount:{email}"}

    def _gcp_zones(self, args: dict, region: str) -> dict:
        found = residency.find_region("gcp", region)
        if found is None:
            raise ValueError(f"{region} is not a catalogued GCP region")
        return {"id": f"projects/p/regions/{region}", "names": list(found.zones), "region": region, "project": args.get("project")}

    def _gcp_project(self, args: dict, region: str) -> dict:
        project = args.get("projectId") or self._config.get("gcp:project") or "project"
        return {"id": f"projects/{project}", "projectId": project, "number": GCP_PROJECT_NUMBER, "name": project}

    def _gcp_dns_managed_zone(self, args: dict, region: str) -> dict:
        """Cloud DNS managedZones.get by zone name; the DNS name follows the convention
        ``ml-example-com`` <-> ``ml.example.com.`` (the only shape the offline plan can infer)."""
        name = args.get("name") or ""
        if not name:
            raise ValueError("the offline plan looks up Cloud DNS managed zones by name only")
        project = args.get("project") or self._config.get("gcp:project") or "project"
        dns_name = name.replace("-", ".") + "."
        servers = [f"ns-cloud-{c}{i}.googledomains.com." for i, c in enumerate("aaaa", start=1)]
        return {"id": f"projects/{project}/managedZones/{name}", "name": name, "dnsName": dns_name,
                "managedZoneId": str(int(_digest("zone", name, length=12), 16)), "description": "",
                "nameServers": servers, "visibility": "public", "project": project}

    def _gcp_regions(self, args: dict, region: str) -> dict:
        names = list(residency.all_regions("gcp"))
        return {"id": "projects/p", "names": names, "project": args.get("project")}
