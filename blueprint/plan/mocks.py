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
from typing import Any, Callable, Mapping, Optional

import pulumi

from blueprint.catalogs import accelerators, residency

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


# Resource types whose physical ID has an AWS prefix (the rest use their name).
_AWS_ID_PREFIX = {
    "aws:ec2/vpc:Vpc": "vpc", "aws:ec2/subnet:Subnet": "subnet", "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/internetGateway:InternetGateway": "igw", "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/securityGroup:SecurityGroup": "sg", "aws:ec2/eip:Eip": "eipalloc",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce", "aws:ec2/flowLog:FlowLog": "fl",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
}


def _aws_computed_state(typ: str, logical: str, name: str, physical_id: str, region: str, partition: str,
                        inputs: dict) -> dict:
    """Attributes AWS computes for the resource types blueprint reads back (endpoints, DNS names,
    validation records), shaped as AWS returns them. ``_id`` overrides the physical ID."""
    h = _digest(typ, logical, length=12)
    if typ == "aws:eks/cluster:Cluster":
        return {"endpoint": f"https://{h.upper()}.gr7.{region}.eks.amazonaws.com",
                "certificateAuthority": {"data": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg=="},
                "identities": [{"oidcs": [{"issuer": f"https://oidc.eks.{region}.amazonaws.com/id/{h.upper()}"}]}],
                "vpcConfig": {**(inputs.get("vpcConfig") or {}), "clusterSecurityGroupId": f"sg-{_digest(logical, 'eks')}",
                              "vpcId": (inputs.get("vpcConfig") or {}).get("vpcId", "")},
                "arn": f"arn:{partition}:eks:{region}:{ACCOUNT_ID}:cluster/{name}", "status": "ACTIVE"}
    if typ == "aws:eks/nodeGroup:NodeGroup":
        # nodeGroupNamePrefix: the provider appends a 26-character unique ID (id.PrefixedUniqueId).
        prefix = inputs.get("nodeGroupNamePrefix")
        node_group = inputs.get("nodeGroupName") or (f"{prefix}{_digest(logical, 'ng', length=26)}" if prefix else name)
        return {"nodeGroupName": node_group,
                "arn": f"arn:{partition}:eks:{region}:{ACCOUNT_ID}:nodegroup/{inputs.get('clusterName', '')}/{node_group}/{h}",
                "resources": [{"autoscalingGroups": [{"name": f"eks-{node_group}-{h}"}], "remoteAccessSecurityGroupId": ""}],
                "status": "ACTIVE"}
    if typ == "aws:ec2/launchTemplate:LaunchTemplate":
        # A new template has version 1, which is both its latest and (update_default_version) default.
        return {"latestVersion": 1, "defaultVersion": 1}
    if typ == "aws:lb/loadBalancer:LoadBalancer":
        lb_name = inputs.get("name") or logical[:32]
        suffix = f"app/{lb_name}/{h[:16]}"
        return {"arn": f"arn:{partition}:elasticloadbalancing:{region}:{ACCOUNT_ID}:loadbalancer/{suffix}",
                "arnSuffix": suffix, "dnsName": f"{lb_name}-{int(h[:8], 16)}.{region}.elb.amazonaws.com",
                "zoneId": "Z" + _digest("elb", region, length=13).upper(), "_id": f"arn:{partition}:elasticloadbalancing:{region}:{ACCOUNT_ID}:loadbalancer/{suffix}"}
    if typ == "aws:lb/targetGroup:TargetGroup":
        tg_name = inputs.get("name") or logical[:32]
        suffix = f"targetgroup/{tg_name}/{h[:16]}"
        arn = f"arn:{partition}:elasticloadbalancing:{region}:{ACCOUNT_ID}:{suffix}"
        return {"arn": arn, "arnSuffix": suffix, "_id": arn}
    if typ == "aws:lb/listener:Listener":
        arn = f"arn:{partition}:elasticloadbalancing:{region}:{ACCOUNT_ID}:listener/app/{logical[:32]}/{h[:16]}/{h[-8:]}"
        return {"arn": arn, "_id": arn}
    if typ == "aws:acm/certificate:Certificate":
        domains = [inputs.get("domainName", "")] + list(inputs.get("subjectAlternativeNames") or [])
        options = [{"domainName": d, "resourceRecordName": f"_{_digest(d, length=32)}.{d}.",
                    "resourceRecordType": "CNAME",
                    "resourceRecordValue": f"_{_digest(d, 'v', length=32)}.xlfgrmvvlj.acm-validations.aws."} for d in domains if d]
        return {"arn": f"arn:{partition}:acm:{region}:{ACCOUNT_ID}:certificate/{_uuid(h)}", "domainValidationOptions": options,
                "status": "PENDING_VALIDATION"}
    if typ == "aws:rds/cluster:Cluster":
        ident = inputs.get("clusterIdentifier") or name
        host = f"{ident}.cluster-{h}.{region}.rds.amazonaws.com"
        state = {"clusterIdentifier": ident, "endpoint": host, "readerEndpoint": host.replace(".cluster-", ".cluster-ro-"),
                 "arn": f"arn:{partition}:rds:{region}:{ACCOUNT_ID}:cluster:{ident}",
                 "clusterResourceId": f"cluster-{h.upper()}", "port": 5432 if "postgres" in str(inputs.get("engine")) else 3306,
                 "_id": ident}
        if inputs.get("manageMasterUserPassword"):
            state["masterUserSecrets"] = [{"secretArn": f"arn:{partition}:secretsmanager:{region}:{ACCOUNT_ID}:secret:rds!cluster-{_uuid(h)}-{h[:6]}",
                                           "kmsKeyId": inputs.get("masterUserSecretKmsKeyId", ""), "secretStatus": "active"}]
        return state
    if typ == "aws:rds/clusterInstance:ClusterInstance":
        ident = inputs.get("identifier") or name
        return {"identifier": ident, "endpoint": f"{ident}.{h}.{region}.rds.amazonaws.com",
                "arn": f"arn:{partition}:rds:{region}:{ACCOUNT_ID}:db:{ident}", "_id": ident}
    if typ == "aws:rds/globalCluster:GlobalCluster":
        ident = inputs.get("globalClusterIdentifier") or name
        return {"globalClusterIdentifier": ident, "arn": f"arn:{partition}:rds::{ACCOUNT_ID}:global-cluster:{ident}",
                "globalClusterResourceId": f"cluster-{h}", "_id": ident}
    if typ in ("aws:rds/subnetGroup:SubnetGroup", "aws:rds/clusterParameterGroup:ClusterParameterGroup", "aws:rds/parameterGroup:ParameterGroup"):
        kind = {"aws:rds/subnetGroup:SubnetGroup": "subgrp", "aws:rds/clusterParameterGroup:ClusterParameterGroup": "cluster-pg",
                "aws:rds/parameterGroup:ParameterGroup": "pg"}[typ]
        return {"arn": f"arn:{partition}:rds:{region}:{ACCOUNT_ID}:{kind}:{name}", "_id": name}
    if typ == "aws:route53/healthCheck:HealthCheck":
        hc = _uuid(h)
        return {"arn": f"arn:{partition}:route53:::healthcheck/{hc}", "_id": hc}
    if typ == "aws:route53/record:Record":
        fqdn = str(inputs.get("name", "")).rstrip(".")
        return {"fqdn": fqdn, "_id": f"{inputs.get('zoneId', '')}_{fqdn}_{inputs.get('type', '')}_{inputs.get('setIdentifier', '')}".rstrip("_")}
    if typ == "aws:sqs/queue:Queue":
        queue = inputs.get("name") or name
        return {"arn": f"arn:{partition}:sqs:{region}:{ACCOUNT_ID}:{queue}", "url": f"https://sqs.{region}.amazonaws.com/{ACCOUNT_ID}/{queue}",
                "_id": f"https://sqs.{region}.amazonaws.com/{ACCOUNT_ID}/{queue}"}
    if typ == "aws:sns/topic:Topic":
        topic = inputs.get("name") or name
        arn = f"arn:{partition}:sns:{region}:{ACCOUNT_ID}:{topic}"
        return {"arn": arn, "_id": arn}
    if typ == "aws:backup/vault:Vault":
        return {"arn": f"arn:{partition}:backup:{region}:{ACCOUNT_ID}:backup-vault:{name}", "_id": name}
    if typ == "aws:backup/plan:Plan":
        plan_id = _uuid(h)
        return {"arn": f"arn:{partition}:backup:{region}:{ACCOUNT_ID}:backup-plan:{plan_id}", "_id": plan_id, "version": h}
    if typ == "aws:cloudwatch/metricAlarm:MetricAlarm":
        alarm = inputs.get("name") or name
        return {"arn": f"arn:{partition}:cloudwatch:{region}:{ACCOUNT_ID}:alarm:{alarm}", "_id": alarm}
    if typ == "aws:wafv2/webAcl:WebAcl":
        scope = "global" if inputs.get("scope") == "CLOUDFRONT" else "regional"
        acl_id = _uuid(h)
        return {"arn": f"arn:{partition}:wafv2:{region}:{ACCOUNT_ID}:{scope}/webacl/{name}/{acl_id}", "_id": acl_id,
                "capacity": 0, "lockToken": _uuid(h[::-1])}
    if typ == "aws:secretsmanager/secret:Secret":
        return {"arn": f"arn:{partition}:secretsmanager:{region}:{ACCOUNT_ID}:secret:{name}-{h[:6]}"}
    return {}


def _gcp_computed_state(typ: str, logical: str, name: str, inputs: dict, config: Mapping[str, str]) -> dict:
    """Attributes GCP computes for the types blueprint reads back, shaped as the APIs return them."""
    project = config.get("gcp:project") or "project"
    h = _digest(typ, logical, length=12)
    if typ == "gcp:compute/globalAddress:GlobalAddress":
        if inputs.get("purpose") == "VPC_PEERING":
            return {"address": inputs.get("address") or f"10.{int(h[:2], 16) % 200 + 20}.0.0",
                    "selfLink": f"https://www.googleapis.com/compute/v1/projects/{project}/global/addresses/{name}"}
        return {"address": f"34.{int(h[:2], 16) % 100 + 100}.{int(h[2:4], 16)}.{int(h[4:6], 16) % 250 + 1}",
                "selfLink": f"https://www.googleapis.com/compute/v1/projects/{project}/global/addresses/{name}"}
    if typ == "gcp:compute/networkEndpointGroup:NetworkEndpointGroup":
        return {"selfLink": f"https://www.googleapis.com/compute/v1/projects/{project}/zones/{inputs.get('zone', '')}/networkEndpointGroups/{name}",
                "size": 0}
    if typ == "gcp:sql/databaseInstance:DatabaseInstance":
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
    if typ == "gcp:storage/bucket:Bucket":
        return {"url": f"gs://{name}", "selfLink": f"https://www.googleapis.com/storage/v1/b/{name}"}
    if typ == "gcp:networkservices/serviceLbPolicies:ServiceLbPolicies":
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
}


def _gcp_platform_state(typ: str, logical: str, name: str, inputs: dict, config: Mapping[str, str]) -> dict:
    """KMS ids, service-account and service-agent emails, VPC self links, GKE endpoint and CA, as GCP
    returns them; ``_id`` is the resource's id (the KMS / GKE resource name)."""
    project = config.get("gcp:project") or "project"
    compute = f"https://www.googleapis.com/compute/v1/projects/{project}"
    region = inputs.get("region") or config.get("gcp:region") or ""
    location = inputs.get("location") or region
    if typ == "gcp:kms/keyRing:KeyRing":
        return {"_id": f"projects/{project}/locations/{location}/keyRings/{name}"}
    if typ == "gcp:kms/cryptoKey:CryptoKey":
        return {"_id": f"{inputs.get('keyRing') or f'projects/{project}/locations/{region}/keyRings/ring'}/cryptoKeys/{name}"}
    if typ == "gcp:serviceaccount/account:Account":
        email = f"{inputs.get('accountId', name)}@{inputs.get('project') or project}.iam.gserviceaccount.com"
        resource = f"projects/{inputs.get('project') or project}/serviceAccounts/{email}"
        return {"_id": resource, "name": resource, "email": email, "member": f"serviceAccount:{email}",
                "uniqueId": "1" + str(int(_digest(logical, length=16), 16)).rjust(20, "0")[:20]}
    if typ == "gcp:projects/serviceIdentity:ServiceIdentity":
        service = inputs.get("service", "")
        domain = _GCP_SERVICE_AGENT_DOMAINS.get(service, "gcp-sa-" + service.split(".")[0])
        email = f"service-{GCP_PROJECT_NUMBER}@{domain}.iam.gserviceaccount.com"
        return {"_id": f"projects/{project}/services/{service}", "email": email, "member": f"serviceAccount:{email}"}
    if typ == "gcp:compute/network:Network":
        return {"selfLink": f"{compute}/global/networks/{name}", "_id": f"projects/{project}/global/networks/{name}"}
    if typ == "gcp:compute/subnetwork:Subnetwork":
        return {"selfLink": f"{compute}/regions/{region}/subnetworks/{name}",
                "_id": f"projects/{project}/regions/{region}/subnetworks/{name}"}
    if typ == "gcp:compute/router:Router":
        return {"selfLink": f"{compute}/regions/{region}/routers/{name}",
                "_id": f"projects/{project}/regions/{region}/routers/{name}"}
    if typ == "gcp:container/cluster:Cluster":
        private = inputs.get("privateClusterConfig") or {}
        block = private.get("masterIpv4CidrBlock") or "172.16.0.0/28"
        endpoint = str(ipaddress.ip_network(block, strict=False)[2])
        return {"_id": f"projects/{project}/locations/{location}/clusters/{name}", "endpoint": endpoint,
                "masterAuth": {**(inputs.get("masterAuth") or {}),
                               "clusterCaCertificate": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg=="},
                "privateClusterConfig": {**private, "privateEndpoint": endpoint},
                "selfLink": f"https://container.googleapis.com/v1/projects/{project}/locations/{location}/clusters/{name}"}
    if typ == "gcp:pubsub/topic:Topic":
        return {"_id": f"projects/{project}/topics/{name}"}
    if typ == "gcp:pubsub/subscription:Subscription":
        return {"_id": f"projects/{project}/subscriptions/{name}"}
    if typ == "gcp:monitoring/alertPolicy:AlertPolicy":
        return {"_id": f"projects/{project}/alertPolicies/{int(_digest(logical, length=12), 16)}",
                "name": f"projects/{project}/alertPolicies/{int(_digest(logical, length=12), 16)}"}
    if typ == "gcp:container/nodePool:NodePool":
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
        self._invokes: dict[str, Callable[[dict, str], dict]] = {
            "aws:index/getRegion:getRegion": self._aws_region,
            "aws:index/getCallerIdentity:getCallerIdentity": self._aws_caller,
            "aws:index/getPartition:getPartition": self._aws_partition,
            "aws:index/getAvailabilityZones:getAvailabilityZones": self._aws_zones,
            "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings": self._aws_offerings,
            "aws:ssm/getParameter:getParameter": self._aws_ssm_parameter,
            "aws:route53/getZone:getZone": self._aws_route53_zone,
            "aws:elb/getServiceAccount:getServiceAccount": self._aws_elb_service_account,
            "aws:eks/getNodeGroup:getNodeGroup": self._aws_eks_node_group,
            "aws:secretsmanager/getRandomPassword:getRandomPassword": self._aws_random_password,
            "gcp:compute/getZones:getZones": self._gcp_zones,
            "gcp:organizations/getProject:getProject": self._gcp_project,
            "gcp:compute/getRegions:getRegions": self._gcp_regions,
            "gcp:dns/getManagedZone:getManagedZone": self._gcp_dns_managed_zone,
            "gcp:storage/getTransferProjectServiceAccount:getTransferProjectServiceAccount": self._gcp_transfer_agent,
            "gcp:storage/getProjectServiceAccount:getProjectServiceAccount": self._gcp_storage_agent,
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
        if args.typ == "kubernetes:core/v1:Namespace" and args.resource_id:
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
        prefix = _AWS_ID_PREFIX.get(args.typ)
        physical_id = f"{prefix}-{_digest(region, args.typ, args.name)}" if prefix else name
        if args.typ == "aws:s3/bucket:Bucket":
            bucket = inputs.get("bucket") or (inputs.get("bucketPrefix") or "") + _digest(args.name, length=26)
            state.update(bucket=bucket, arn=f"arn:{partition}:s3:::{bucket}", bucketRegionalDomainName=f"{bucket}.s3.{region}.amazonaws.com", region=region)
            physical_id = bucket
        elif args.typ == "aws:kms/key:Key":
            physical_id = f"{_digest(args.name, length=8)}-{_digest(args.name, 'b', length=4)}-{_digest(args.name, 'c', length=4)}-{_digest(args.name, 'd', length=4)}-{_digest(args.name, 'e', length=12)}"
            state.update(keyId=physical_id, arn=f"arn:{partition}:kms:{region}:{ACCOUNT_ID}:key/{physical_id}")
        elif args.typ == "aws:cloudwatch/logGroup:LogGroup":
            state["arn"] = f"arn:{partition}:logs:{region}:{ACCOUNT_ID}:log-group:{name}"
        elif module == "iam":
            kind = args.typ.split(":")[-1].lower()
            state["arn"] = f"arn:{partition}:iam::{ACCOUNT_ID}:{kind}/{name}"
        else:
            resource = args.typ.split(":")[-1][:1].lower() + args.typ.split(":")[-1][1:]
            state.setdefault("arn", f"arn:{partition}:{module}:{region}:{ACCOUNT_ID}:{resource}/{physical_id}")
        state.update(_aws_computed_state(args.typ, args.name, name, physical_id, region, partition, inputs))
        physical_id = state.pop("_id", physical_id)
        if args.typ == "aws:ec2/eip:Eip":
            state.update(allocationId=physical_id, publicIp=f"198.51.100.{int(_digest(args.name, length=2), 16) % 250 + 1}")
        if args.typ == "aws:ec2/vpc:Vpc":
            state.update(defaultSecurityGroupId=f"sg-{_digest(args.name, 'default')}", mainRouteTableId=f"rtb-{_digest(args.name, 'main')}", defaultNetworkAclId=f"acl-{_digest(args.name)}")
        state["id"] = physical_id
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

    def _aws_eks_node_group(self, args: dict, region: str) -> dict:
        # DescribeNodegroup: the managed node group's Auto Scaling group is named eks-<group>-<uuid>.
        cluster, group = args.get("clusterName", ""), args.get("nodeGroupName", "")
        partition, _ = aws_partition(region)
        h = _digest("aws:eks/nodeGroup:NodeGroup", cluster, group, length=12)
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
