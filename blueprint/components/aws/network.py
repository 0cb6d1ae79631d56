"""Network: one VPC per region, public and private subnets in every zone, NAT per zone,
encrypted flow logs and private VPC endpoints.

Children (component named ``n``, zone ``z``):
    ``n-vpc``, ``n-default-sg``, ``n-igw``
    ``n-z-public-subnet``, ``n-z-private-subnet``
    ``n-public-rt``, ``n-public-default-route``, ``n-z-public-rta``
    ``n-z-eip``, ``n-z-nat`` (every zone, or only the first zone when ``nat_gateways="single"``)
    ``n-z-private-rt``, ``n-z-private-default-route``, ``n-z-private-rta``
    ``n-flow-logs`` (log group), ``n-flow-logs-role``, ``n-flow-logs-policy``, ``n-flow-log``
    ``n-s3-endpoint``, ``n-endpoints-sg``, ``n-endpoints-https-in``, ``n-endpoints-https-out``,
    ``n-<service with '.' as '-'>-endpoint`` per interface endpoint (e.g. ``n-ecr-api-endpoint``)

Subnet layout (deterministic; zone *position* picks the block, so append zones, never reorder):
the VPC CIDR /P is cut into eight /P+3 blocks; private subnet i is block i (large: EKS pods take
VPC IPs); block 6 is cut into eight /P+6 public subnets (load balancers and NAT only); block 7 is
kept free for later use. For 10.0.0.0/16: private 10.0.0.0/19, 10.0.32.0/19, ...; public
10.0.192.0/22, 10.0.196.0/22, ...
"""

from __future__ import annotations

import ipaddress
import json
import re
from typing import Literal

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ._names import iam_role_name_prefix
from ._tags import merge_tags
from ._types import KmsKeyArn, Tags

# Regular AWS availability-zone names: <region><letter>, e.g. eu-central-1a, us-gov-west-1b.
# (Local Zones / Wavelength zones such as us-east-1-bos-1a are not supported.)
_ZONE = re.compile(r"^(?P<region>[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+)(?P<letter>[a-z])$")

# Values CloudWatch Logs accepts for retention_in_days (0 = never expire is deliberately excluded:
# flow logs must age out; use 3653 for ten years).
CLOUDWATCH_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)

_RFC1918 = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
_ENDPOINT_SERVICE = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)*$")


def subnet_cidrs(cidr_block: str, zone_count: int) -> tuple[list[str], list[str]]:
    """(public, private) subnet CIDRs for ``zone_count`` zones, in zone order (see module doc)."""
    vpc = ipaddress.ip_network(cidr_block)
    blocks = list(vpc.subnets(prefixlen_diff=3))
    private = [str(b) for b in blocks[:zone_count]]
    public = [str(b) for b in list(blocks[6].subnets(prefixlen_diff=3))[:zone_count]]
    return public, private


class NetworkArgs(BaseModel):
    """Settings of one regional VPC."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    zones: tuple[str, ...] = Field(
        description="2..6 distinct availability-zone names of one region, e.g. ('eu-central-1a', 'eu-central-1b'). "
        "HA: at least two zones. Order fixes each zone's subnet CIDRs: append, never reorder.",
    )
    cidr_block: str = Field(
        default="10.0.0.0/16",
        description="Private IPv4 (RFC 1918) VPC CIDR, prefix /16../20; default 10.0.0.0/16.",
    )
    # HA default: one NAT gateway per zone, so losing a zone never cuts egress of the other zones.
    nat_gateways: Literal["per-zone", "single"] = Field(
        default="per-zone",
        description="'per-zone' (default, HA: a zone loss never cuts the others' egress) or 'single' "
        "(one NAT in the first zone: cheaper, a single point of failure for egress).",
    )
    flow_logs_kms_key_arn: KmsKeyArn = Field(
        description="pulumi.Input[str]: ARN of the customer-managed KMS key that encrypts the flow-log group (required).",
    )
    flow_log_retention_days: int = Field(
        default=365,
        description="Flow-log retention; one of CloudWatch Logs' allowed values (0/never is refused). Default 365.",
    )
    # Secure default: ECR and STS reached privately (image pulls and IRSA without the NAT); S3 always
    # gets a gateway endpoint.
    interface_endpoints: tuple[str, ...] = Field(
        default=("ecr.api", "ecr.dkr", "sts"),
        description="Interface endpoint services (suffix after com.amazonaws.<region>.), private DNS on, "
        "HTTPS only from the VPC CIDR. S3 is always a gateway endpoint and must not be listed.",
    )
    tags: Tags = Field(default_factory=dict, description="Tags merged onto every taggable child.")

    @field_validator("zones")
    @classmethod
    def _zones(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if not 2 <= len(v) <= 6:
            raise ValueError(f"zones: {list(v)} has {len(v)} zone(s); pass 2..6 availability zones of one region")
        duplicates = sorted({z for z in v if v.count(z) > 1})
        if duplicates:
            raise ValueError(f"zones: {list(v)} repeats {duplicates}; list each availability zone once")
        regions = {}
        for z in v:
            m = _ZONE.match(z)
            if not m:
                raise ValueError(
                    f"zones: {z!r} is not an availability-zone name; use names like 'eu-central-1a' (region + letter)"
                )
            regions.setdefault(m.group("region"), []).append(z)
        if len(regions) > 1:
            raise ValueError(
                f"zones: {list(v)} span regions {sorted(regions)}; a Network is one VPC in one region, "
                "so pass zones of a single region (create one Network per region)"
            )
        return v

    @field_validator("cidr_block")
    @classmethod
    def _cidr(cls, v: str) -> str:
        try:
            net = ipaddress.ip_network(v, strict=True)
        except ValueError as exc:
            raise ValueError(f"cidr_block: {v!r} is not a network address in CIDR form ({exc}); e.g. '10.0.0.0/16'") from None
        if net.version != 4:
            raise ValueError(f"cidr_block: {v!r} is IPv6; pass a private IPv4 CIDR such as '10.0.0.0/16'")
        if not 16 <= net.prefixlen <= 20:
            raise ValueError(f"cidr_block: {v!r} has prefix /{net.prefixlen}; use a prefix between /16 and /20")
        if not any(net.subnet_of(r) for r in _RFC1918):
            raise ValueError(
                f"cidr_block: {v!r} is not inside a private (RFC 1918) range; use 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16"
            )
        return v

    @field_validator("flow_log_retention_days")
    @classmethod
    def _retention(cls, v: int) -> int:
        if v not in CLOUDWATCH_RETENTION_DAYS:
            raise ValueError(
                f"flow_log_retention_days: {v} is not a CloudWatch Logs retention value; choose one of {list(CLOUDWATCH_RETENTION_DAYS)}"
            )
        return v

    @field_validator("interface_endpoints")
    @classmethod
    def _endpoints(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for s in v:
            if not _ENDPOINT_SERVICE.match(s):
                raise ValueError(
                    f"interface_endpoints: {s!r} is not a service suffix; pass e.g. 'ecr.api' for com.amazonaws.<region>.ecr.api"
                )
            if s == "s3":
                raise ValueError("interface_endpoints: 's3' is always created as a gateway endpoint; remove it from the list")
        duplicates = sorted({s for s in v if v.count(s) > 1})
        if duplicates:
            raise ValueError(f"interface_endpoints: {list(v)} repeats {duplicates}; list each service once")
        return v


class Network(pulumi.ComponentResource):
    """One VPC in one region with per-zone subnets, NAT, encrypted flow logs and private endpoints."""

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("blueprint:aws:Network", name, None, opts)
        invoke = pulumi.InvokeOutputOptions(parent=self)
        region = aws.get_region_output(opts=invoke).region
        identity = aws.get_caller_identity_output(opts=invoke)
        partition = aws.get_partition_output(opts=invoke)

        vpc, igw = self._vpc(name, args)
        public_subnets, private_subnets = self._subnets(name, args, vpc)
        self._public_routing(name, args, vpc, igw, public_subnets)
        nats = self._nat_gateways(name, args, igw, public_subnets)
        private_rts = self._private_routing(name, args, vpc, nats, private_subnets)
        log_group = self._flow_logs(name, args, vpc, pulumi.Output.all(partition.partition, identity.account_id, region))
        private_rt_ids = [rt.id for rt in private_rts.values()]
        private_subnet_ids = [s.id for s in private_subnets.values()]
        self._endpoints(name, args, vpc, region, private_rt_ids, private_subnet_ids)

        # --- outputs ------------------------------------------------------------------------
        self.zones: tuple[str, ...] = args.zones
        self.region: pulumi.Output[str] = region
        self.vpc_id: pulumi.Output[str] = vpc.id
        self.cidr_block: pulumi.Output[str] = vpc.cidr_block
        self.public_subnet_ids: list[pulumi.Output[str]] = [s.id for s in public_subnets.values()]
        self.private_subnet_ids: list[pulumi.Output[str]] = private_subnet_ids
        self.public_subnet_ids_by_zone: dict[str, pulumi.Output[str]] = {z: s.id for z, s in public_subnets.items()}
        self.private_subnet_ids_by_zone: dict[str, pulumi.Output[str]] = {z: s.id for z, s in private_subnets.items()}
        self.nat_gateway_ids: list[pulumi.Output[str]] = [n.id for n in nats.values()]
        self.private_route_table_ids: list[pulumi.Output[str]] = private_rt_ids
        self.flow_log_group_name: pulumi.Output[str] = log_group.name
        self.register_outputs(
            {
                "vpc_id": self.vpc_id,
                "cidr_block": self.cidr_block,
                "public_subnet_ids": self.public_subnet_ids,
                "private_subnet_ids": self.private_subnet_ids,
                "private_subnet_ids_by_zone": self.private_subnet_ids_by_zone,
                "nat_gateway_ids": self.nat_gateway_ids,
                "private_route_table_ids": self.private_route_table_ids,
                "flow_log_group_name": self.flow_log_group_name,
            }
        )

    def _child(self, *depends_on: pulumi.Resource) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, depends_on=list(depends_on)) if depends_on else pulumi.ResourceOptions(parent=self)

    def _vpc(self, name: str, args: NetworkArgs) -> tuple[aws.ec2.Vpc, aws.ec2.InternetGateway]:
        """The VPC, its locked default security group and the internet gateway."""
        tags = args.tags
        vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.cidr_block,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags=merge_tags(tags, f"{name}-vpc"),
            opts=self._child(),
        )
        # Adopting the default SG with no rules removes AWS's allow-all rules from it.
        aws.ec2.DefaultSecurityGroup(
            f"{name}-default-sg",
            vpc_id=vpc.id,
            ingress=[],
            egress=[],
            tags=merge_tags(tags, f"{name}-default-sg"),
            opts=self._child(),
        )
        igw = aws.ec2.InternetGateway(
            f"{name}-igw", vpc_id=vpc.id, tags=merge_tags(tags, f"{name}-igw"), opts=self._child()
        )
        return vpc, igw

    def _subnets(self, name: str, args: NetworkArgs, vpc: aws.ec2.Vpc) -> tuple[dict[str, aws.ec2.Subnet], dict[str, aws.ec2.Subnet]]:
        """(public, private) subnets by zone, CIDRs by zone position (module doc)."""
        public_cidrs, private_cidrs = subnet_cidrs(args.cidr_block, len(args.zones))
        public_subnets: dict[str, aws.ec2.Subnet] = {}
        private_subnets: dict[str, aws.ec2.Subnet] = {}
        for zone, pub_cidr, priv_cidr in zip(args.zones, public_cidrs, private_cidrs):
            n = f"{name}-{zone}-public-subnet"
            public_subnets[zone] = aws.ec2.Subnet(
                n,
                vpc_id=vpc.id,
                availability_zone=zone,
                cidr_block=pub_cidr,
                map_public_ip_on_launch=False,  # nothing gets a public IP implicitly
                tags={**merge_tags(args.tags, n), "kubernetes.io/role/elb": "1"},
                opts=self._child(),
            )
            n = f"{name}-{zone}-private-subnet"
            private_subnets[zone] = aws.ec2.Subnet(
                n,
                vpc_id=vpc.id,
                availability_zone=zone,
                cidr_block=priv_cidr,
                map_public_ip_on_launch=False,
                tags={**merge_tags(args.tags, n), "kubernetes.io/role/internal-elb": "1"},
                opts=self._child(),
            )
        return public_subnets, private_subnets

    def _public_routing(self, name: str, args: NetworkArgs, vpc: aws.ec2.Vpc, igw: aws.ec2.InternetGateway,
                        public_subnets: dict[str, aws.ec2.Subnet]) -> None:
        public_rt = aws.ec2.RouteTable(
            f"{name}-public-rt", vpc_id=vpc.id, tags=merge_tags(args.tags, f"{name}-public-rt"), opts=self._child()
        )
        aws.ec2.Route(
            f"{name}-public-default-route",
            route_table_id=public_rt.id,
            destination_cidr_block="0.0.0.0/0",
            gateway_id=igw.id,
            opts=self._child(),
        )
        for zone, subnet in public_subnets.items():
            aws.ec2.RouteTableAssociation(
                f"{name}-{zone}-public-rta", route_table_id=public_rt.id, subnet_id=subnet.id, opts=self._child()
            )

    def _nat_gateways(self, name: str, args: NetworkArgs, igw: aws.ec2.InternetGateway,
                      public_subnets: dict[str, aws.ec2.Subnet]) -> dict[str, aws.ec2.NatGateway]:
        """One NAT gateway per zone (HA default) or one in the first zone."""
        tags = args.tags
        nats: dict[str, aws.ec2.NatGateway] = {}
        for zone in _nat_zones(args):
            eip = aws.ec2.Eip(
                f"{name}-{zone}-eip", domain="vpc", tags=merge_tags(tags, f"{name}-{zone}-eip"), opts=self._child(igw)
            )
            nats[zone] = aws.ec2.NatGateway(
                f"{name}-{zone}-nat",
                allocation_id=eip.allocation_id,
                subnet_id=public_subnets[zone].id,
                connectivity_type="public",
                tags=merge_tags(tags, f"{name}-{zone}-nat"),
                opts=self._child(igw),
            )
        return nats

    def _private_routing(self, name: str, args: NetworkArgs, vpc: aws.ec2.Vpc, nats: dict[str, aws.ec2.NatGateway],
                         private_subnets: dict[str, aws.ec2.Subnet]) -> dict[str, aws.ec2.RouteTable]:
        """Each zone egresses through its own NAT (or the single one)."""
        private_rts: dict[str, aws.ec2.RouteTable] = {}
        for zone, subnet in private_subnets.items():
            nat = nats.get(zone, nats[_nat_zones(args)[0]])
            rt = aws.ec2.RouteTable(
                f"{name}-{zone}-private-rt", vpc_id=vpc.id, tags=merge_tags(args.tags, f"{name}-{zone}-private-rt"),
                opts=self._child(),
            )
            aws.ec2.Route(
                f"{name}-{zone}-private-default-route",
                route_table_id=rt.id,
                destination_cidr_block="0.0.0.0/0",
                nat_gateway_id=nat.id,
                opts=self._child(),
            )
            aws.ec2.RouteTableAssociation(
                f"{name}-{zone}-private-rta", route_table_id=rt.id, subnet_id=subnet.id, opts=self._child()
            )
            private_rts[zone] = rt
        return private_rts

    def _flow_logs(self, name: str, args: NetworkArgs, vpc: aws.ec2.Vpc, where: pulumi.Output[list[str]]
                   ) -> aws.cloudwatch.LogGroup:
        """CMK-encrypted log group, least-privilege delivery role, the VPC's flow log.
        ``where``: (partition, account id, region)."""
        tags = args.tags
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-flow-logs",
            kms_key_id=args.flow_logs_kms_key_arn,
            retention_in_days=args.flow_log_retention_days,
            tags=merge_tags(tags, f"{name}-flow-logs"),
            opts=self._child(),
        )
        role = aws.iam.Role(
            f"{name}-flow-logs-role",
            name_prefix=iam_role_name_prefix(f"{name}-flow-logs-role"),  # fits IAM's 64 (blueprint/components/aws/_names.py)
            assume_role_policy=where.apply(lambda a: _flow_logs_assume_role(*a)),
            description=f"VPC flow-log delivery for {name}",
            tags=merge_tags(tags, f"{name}-flow-logs-role"),
            opts=self._child(),
        )
        role_policy = aws.iam.RolePolicy(
            f"{name}-flow-logs-policy",
            role=role.id,
            policy=log_group.arn.apply(_flow_logs_write_policy),
            opts=self._child(),
        )
        aws.ec2.FlowLog(
            f"{name}-flow-log",
            vpc_id=vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=log_group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=60,
            tags=merge_tags(tags, f"{name}-flow-log"),
            opts=self._child(role_policy),
        )
        return log_group

    def _endpoints(self, name: str, args: NetworkArgs, vpc: aws.ec2.Vpc, region: pulumi.Output[str],
                   private_rt_ids: list[pulumi.Output[str]], private_subnet_ids: list[pulumi.Output[str]]) -> None:
        """S3 gateway endpoint; interface endpoints behind an HTTPS-from-the-VPC security group."""
        aws.ec2.VpcEndpoint(
            f"{name}-s3-endpoint",
            vpc_id=vpc.id,
            service_name=region.apply(lambda r: f"com.amazonaws.{r}.s3"),
            vpc_endpoint_type="Gateway",
            route_table_ids=private_rt_ids,
            tags=merge_tags(args.tags, f"{name}-s3-endpoint"),
            opts=self._child(),
        )
        if not args.interface_endpoints:
            return
        sg = self._endpoints_security_group(name, args, vpc)
        for service in args.interface_endpoints:
            n = f"{name}-{service.replace('.', '-')}-endpoint"
            aws.ec2.VpcEndpoint(
                n,
                vpc_id=vpc.id,
                service_name=region.apply(lambda r, s=service: f"com.amazonaws.{r}.{s}"),
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                subnet_ids=private_subnet_ids,
                security_group_ids=[sg.id],
                tags=merge_tags(args.tags, n),
                opts=self._child(),
            )

    def _endpoints_security_group(self, name: str, args: NetworkArgs, vpc: aws.ec2.Vpc) -> aws.ec2.SecurityGroup:
        sg = aws.ec2.SecurityGroup(
            f"{name}-endpoints-sg",
            vpc_id=vpc.id,
            description="Interface VPC endpoints: HTTPS from inside the VPC only",
            tags=merge_tags(args.tags, f"{name}-endpoints-sg"),
            opts=self._child(),
        )
        # Separate rule resources (pulumi-aws v7's recommendation over inline rules).
        for direction, rule, description in (
            ("in", aws.vpc.SecurityGroupIngressRule, "HTTPS from the VPC"),
            ("out", aws.vpc.SecurityGroupEgressRule, "HTTPS within the VPC only (replaces the default allow-all egress)"),
        ):
            rule(
                f"{name}-endpoints-https-{direction}",
                security_group_id=sg.id,
                ip_protocol="tcp",
                from_port=443,
                to_port=443,
                cidr_ipv4=args.cidr_block,
                description=description,
                tags=merge_tags(args.tags, f"{name}-endpoints-https-{direction}"),
                opts=self._child(),
            )
        return sg


def _nat_zones(args: NetworkArgs) -> list[str]:
    return list(args.zones) if args.nat_gateways == "per-zone" else [args.zones[0]]


def _flow_logs_assume_role(partition: str, account: str, region: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                    # Confused-deputy guard: only flow logs of this account and region.
                    "Condition": {
                        "StringEquals": {"aws:SourceAccount": account},
                        "ArnLike": {"aws:SourceArn": f"arn:{partition}:ec2:{region}:{account}:vpc-flow-log/*"},
                    },
                }
            ],
        }
    )


def _flow_logs_write_policy(arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "WriteFlowLogsToThisGroupOnly",
                    "Effect": "Allow",
                    "Action": [
                        "logs:CreateLogStream",
                        "logs:PutLogEvents",
                        "logs:DescribeLogGroups",
                        "logs:DescribeLogStreams",
                    ],
                    "Resource": [arn, f"{arn}:*"],
                }
            ],
        }
    )
