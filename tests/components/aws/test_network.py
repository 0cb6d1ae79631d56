"""Network: per-zone subnets/NAT/routes, encrypted flow logs, private endpoints, Args validation."""

from __future__ import annotations

import ipaddress
import json

import pytest
from pydantic import ValidationError

from blueprint.plan.engine import plan_program
from blueprint.components.aws.network import Network, NetworkArgs, subnet_cidrs

CMK = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
TAGS = {"blueprint:workload": "fraud-scoring", "blueprint:tier": "mission-critical"}
ZONES3 = ["eu-central-1a", "eu-central-1b", "eu-central-1c"]


def _args(**overrides) -> NetworkArgs:
    return NetworkArgs(**{"zones": ZONES3, "flow_logs_kms_key_arn": CMK, "tags": TAGS, **overrides})


def _plan(**overrides):
    args = _args(**overrides)
    return plan_program(lambda: Network("net", args), stack="test", config={"aws:region": "eu-central-1"})


@pytest.fixture(scope="module")
def plan():
    return _plan()


@pytest.fixture(scope="module")
def single_nat_plan():
    return _plan(nat_gateways="single")


# --- secure / HA defaults ------------------------------------------------------------------


def test_vpc_has_dns_and_default_cidr(plan):
    vpc = plan.named("net-vpc")
    assert vpc.type == "aws:ec2/vpc:Vpc"
    assert vpc.inputs["cidrBlock"] == "10.0.0.0/16"
    assert vpc.inputs["enableDnsSupport"] is True
    assert vpc.inputs["enableDnsHostnames"] is True


def test_default_security_group_is_locked(plan):
    sg = plan.named("net-default-sg")
    assert sg.type == "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
    assert sg.inputs.get("ingress") == []
    assert sg.inputs.get("egress") == []


@pytest.mark.parametrize("zone", ZONES3)
def test_one_public_and_one_private_subnet_per_zone(plan, zone):
    public = plan.named(f"net-{zone}-public-subnet")
    private = plan.named(f"net-{zone}-private-subnet")
    for subnet in (public, private):
        assert subnet.type == "aws:ec2/subnet:Subnet"
        assert subnet.inputs["availabilityZone"] == zone
        assert subnet.zone == zone
        assert subnet.inputs["mapPublicIpOnLaunch"] is False
    assert public.inputs["tags"]["kubernetes.io/role/elb"] == "1"
    assert private.inputs["tags"]["kubernetes.io/role/internal-elb"] == "1"
    assert len(plan.of_type("aws:ec2/subnet:Subnet")) == 6


def test_subnet_cidrs_are_inside_the_vpc_and_do_not_overlap(plan):
    vpc = ipaddress.ip_network(plan.named("net-vpc").inputs["cidrBlock"])
    nets = [ipaddress.ip_network(s.inputs["cidrBlock"]) for s in plan.of_type("aws:ec2/subnet:Subnet")]
    assert len(nets) == 6
    assert all(n.subnet_of(vpc) for n in nets)
    for i, a in enumerate(nets):
        for b in nets[i + 1 :]:
            assert not a.overlaps(b), (a, b)


def test_subnet_layout_is_deterministic():
    assert subnet_cidrs("10.0.0.0/16", 3) == (
        ["10.0.192.0/22", "10.0.196.0/22", "10.0.200.0/22"],
        ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"],
    )
    public, private = subnet_cidrs("172.16.0.0/20", 6)
    assert private[-1] == "172.16.10.0/23" and public[-1] == "172.16.13.64/26"


def test_public_route_table_routes_to_internet_gateway(plan):
    route = plan.named("net-public-default-route")
    assert route.inputs["destinationCidrBlock"] == "0.0.0.0/0"
    assert plan.named("net-igw").urn in route.dependencies
    for zone in ZONES3:
        rta = plan.named(f"net-{zone}-public-rta")
        assert plan.named("net-public-rt").urn in rta.dependencies
        assert plan.named(f"net-{zone}-public-subnet").urn in rta.dependencies


@pytest.mark.parametrize("zone", ZONES3)
def test_nat_per_zone_in_that_zones_public_subnet(plan, zone):
    nat = plan.named(f"net-{zone}-nat")
    assert nat.type == "aws:ec2/natGateway:NatGateway"
    assert nat.zone == zone
    assert plan.named(f"net-{zone}-public-subnet").urn in nat.dependencies
    assert plan.named(f"net-{zone}-eip").urn in nat.dependencies
    assert plan.named(f"net-{zone}-eip").inputs["domain"] == "vpc"
    assert len(plan.of_type("aws:ec2/natGateway:NatGateway")) == 3


@pytest.mark.parametrize("zone", ZONES3)
def test_private_route_goes_to_the_same_zones_nat(plan, zone):
    route = plan.named(f"net-{zone}-private-default-route")
    assert route.inputs["destinationCidrBlock"] == "0.0.0.0/0"
    assert plan.named(f"net-{zone}-nat").urn in route.dependencies
    assert plan.named(f"net-{zone}-private-rt").urn in route.dependencies
    others = {plan.named(f"net-{z}-nat").urn for z in ZONES3 if z != zone}
    assert not others & set(route.dependencies)
    rta = plan.named(f"net-{zone}-private-rta")
    assert plan.named(f"net-{zone}-private-subnet").urn in rta.dependencies


def test_flow_log_group_is_encrypted_with_the_cmk_and_retained(plan):
    group = plan.named("net-flow-logs")
    assert group.type == "aws:cloudwatch/logGroup:LogGroup"
    assert group.inputs["kmsKeyId"] == CMK
    assert group.inputs["retentionInDays"] == 365


def test_flow_log_captures_all_vpc_traffic_into_the_group(plan):
    flow = plan.named("net-flow-log")
    assert flow.type == "aws:ec2/flowLog:FlowLog"
    assert flow.inputs["trafficType"] == "ALL"
    assert flow.inputs["logDestinationType"] == "cloud-watch-logs"
    assert flow.inputs["maxAggregationInterval"] == 60
    for dep in ("net-vpc", "net-flow-logs", "net-flow-logs-role"):
        assert plan.named(dep).urn in flow.dependencies


def test_flow_log_role_is_least_privilege(plan):
    trust = json.loads(plan.named("net-flow-logs-role").inputs["assumeRolePolicy"])
    (stmt,) = trust["Statement"]
    assert stmt["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert stmt["Condition"]["StringEquals"] == {"aws:SourceAccount": "123456789012"}
    policy = json.loads(plan.named("net-flow-logs-policy").inputs["policy"])
    (s,) = policy["Statement"]
    group_arn = plan.named("net-flow-log").inputs["logDestination"]  # the log group's ARN
    assert s["Effect"] == "Allow"
    assert s["Resource"] == [group_arn, f"{group_arn}:*"]
    assert all(a.startswith("logs:") for a in s["Action"])
    assert "logs:CreateLogGroup" not in s["Action"]
    assert plan.named("net-flow-logs").urn in plan.named("net-flow-logs-policy").dependencies


def test_s3_gateway_endpoint_on_private_route_tables(plan):
    ep = plan.named("net-s3-endpoint")
    assert ep.inputs["vpcEndpointType"] == "Gateway"
    assert ep.inputs["serviceName"] == "com.amazonaws.eu-central-1.s3"
    assert len(ep.inputs["routeTableIds"]) == 3
    for zone in ZONES3:
        assert plan.named(f"net-{zone}-private-rt").urn in ep.dependencies


@pytest.mark.parametrize("service,child", [("ecr.api", "ecr-api"), ("ecr.dkr", "ecr-dkr"), ("sts", "sts")])
def test_interface_endpoints_are_private_and_in_private_subnets(plan, service, child):
    ep = plan.named(f"net-{child}-endpoint")
    assert ep.inputs["vpcEndpointType"] == "Interface"
    assert ep.inputs["serviceName"] == f"com.amazonaws.eu-central-1.{service}"
    assert ep.inputs["privateDnsEnabled"] is True
    assert len(ep.inputs["subnetIds"]) == 3
    for zone in ZONES3:
        assert plan.named(f"net-{zone}-private-subnet").urn in ep.dependencies
        assert plan.named(f"net-{zone}-public-subnet").urn not in ep.dependencies
    assert plan.named("net-endpoints-sg").urn in ep.dependencies


def test_endpoint_security_group_allows_only_https_from_the_vpc(plan):
    sg = plan.named("net-endpoints-sg")
    assert not sg.inputs.get("ingress") and not sg.inputs.get("egress")  # no inline rules
    rules = plan.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") + plan.of_type(
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
    )
    assert {r.name for r in rules} == {"net-endpoints-https-in", "net-endpoints-https-out"}
    for rule in rules:
        assert rule.inputs["ipProtocol"] == "tcp"
        assert rule.inputs["fromPort"] == 443 and rule.inputs["toPort"] == 443
        assert rule.inputs["cidrIpv4"] == "10.0.0.0/16"


def test_no_endpoints_requested_creates_no_interface_endpoints():
    plan = _plan(interface_endpoints=())
    endpoints = plan.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
    assert [e.name for e in endpoints] == ["net-s3-endpoint"]
    assert not plan.of_type("aws:ec2/securityGroup:SecurityGroup")


def test_every_taggable_child_carries_workload_tag_and_its_name(plan):
    component = plan.of_type("blueprint:aws:Network")[0]
    tagged = [r for r in plan.resources if r.custom and "tags" in r.inputs]  # every taggable child sets tags
    assert len(tagged) >= 25
    for r in tagged:
        assert r.inputs["tags"]["blueprint:workload"] == "fraud-scoring", r.name
        assert r.inputs["tags"]["Name"] == r.name
    for r in plan.resources:
        if r.custom and not r.type.startswith("pulumi:providers:"):
            assert r.parent == component.urn, r.name


def test_planned_region_is_the_provider_region(plan):
    assert plan.named("net-vpc").region == "eu-central-1"
    assert plan.named("net-vpc").workload == "fraud-scoring"


def test_outputs_and_names_are_stable():
    net = {}

    def program():
        net["n"] = Network("net", _args())

    plan_program(program, stack="test", config={"aws:region": "eu-central-1"})
    n = net["n"]
    assert list(n.private_subnet_ids_by_zone) == ZONES3
    assert len(n.public_subnet_ids) == len(n.private_subnet_ids) == len(n.private_route_table_ids) == 3
    assert len(n.nat_gateway_ids) == 3


# --- settings the tiers drive --------------------------------------------------------------


def test_single_nat_lives_in_first_zone_and_serves_every_zone(single_nat_plan):
    nats = single_nat_plan.of_type("aws:ec2/natGateway:NatGateway")
    assert [n.name for n in nats] == ["net-eu-central-1a-nat"]
    assert len(single_nat_plan.of_type("aws:ec2/eip:Eip")) == 1
    nat_urn = nats[0].urn
    assert single_nat_plan.named("net-eu-central-1a-public-subnet").urn in nats[0].dependencies
    for zone in ZONES3:
        assert nat_urn in single_nat_plan.named(f"net-{zone}-private-default-route").dependencies
    # Private route tables stay per zone (switching back to per-zone NAT only changes routes).
    assert len(single_nat_plan.of_type("aws:ec2/routeTable:RouteTable")) == 4


def test_two_zones_versus_three_zones():
    two = _plan(zones=["eu-central-1a", "eu-central-1b"])
    assert {s.zone for s in two.of_type("aws:ec2/subnet:Subnet")} == {"eu-central-1a", "eu-central-1b"}
    assert len(two.of_type("aws:ec2/subnet:Subnet")) == 4
    assert len(two.of_type("aws:ec2/natGateway:NatGateway")) == 2
    with pytest.raises(KeyError):
        two.named("net-eu-central-1c-private-subnet")


def test_custom_cidr_and_retention():
    plan = _plan(cidr_block="172.20.0.0/18", flow_log_retention_days=90)
    vpc = ipaddress.ip_network("172.20.0.0/18")
    assert plan.named("net-vpc").inputs["cidrBlock"] == "172.20.0.0/18"
    assert all(ipaddress.ip_network(s.inputs["cidrBlock"]).subnet_of(vpc) for s in plan.of_type("aws:ec2/subnet:Subnet"))
    assert plan.named("net-flow-logs").inputs["retentionInDays"] == 90


# --- validation ---------------------------------------------------------------------------


def test_fails_too_few_zones():
    with pytest.raises(ValidationError, match=r"zones: .* 1 zone\(s\); pass 2\.\.6"):
        _args(zones=["eu-central-1a"])


def test_fails_too_many_zones():
    with pytest.raises(ValidationError, match=r"zones: .* 7 zone\(s\)"):
        _args(zones=[f"us-east-1{c}" for c in "abcdefg"])


def test_fails_duplicate_zones():
    with pytest.raises(ValidationError, match=r"zones: .*repeats \['eu-central-1a'\]"):
        _args(zones=["eu-central-1a", "eu-central-1a", "eu-central-1b"])


def test_fails_zones_from_two_regions():
    with pytest.raises(ValidationError, match=r"zones: .*span regions \['eu-central-1', 'eu-west-1'\]"):
        _args(zones=["eu-central-1a", "eu-west-1b"])


@pytest.mark.parametrize("zone", ["eu-central-1", "EU-CENTRAL-1A", "a", "us-east-1-bos-1a"])
def test_fails_zone_that_is_not_an_az_name(zone):
    with pytest.raises(ValidationError, match=r"zones: .* is not an availability-zone name"):
        _args(zones=["eu-central-1a", zone])


@pytest.mark.parametrize(
    "cidr,reason",
    [
        ("not-a-cidr", "not a network address"),
        ("10.0.0.1/16", "not a network address"),
        ("10.0.0.0/8", "prefix /8"),
        ("10.0.0.0/24", "prefix /24"),
        ("8.8.0.0/16", "not inside a private"),
        ("100.64.0.0/16", "not inside a private"),
        ("fd00::/48", "IPv6"),
    ],
)
def test_fails_bad_cidr(cidr, reason):
    with pytest.raises(ValidationError, match=rf"cidr_block: '{cidr}'.*{reason}"):
        _args(cidr_block=cidr)


@pytest.mark.parametrize("days", [0, 2, 366, -1])
def test_fails_retention_not_allowed_by_cloudwatch(days):
    with pytest.raises(ValidationError, match=rf"flow_log_retention_days: {days} is not a CloudWatch Logs retention value"):
        _args(flow_log_retention_days=days)


def test_fails_unknown_nat_mode():
    with pytest.raises(ValidationError, match="nat_gateways"):
        _args(nat_gateways="none")


def test_fails_missing_flow_log_key():
    with pytest.raises(ValidationError, match="flow_logs_kms_key_arn"):
        NetworkArgs(zones=ZONES3)


@pytest.mark.parametrize("key", ["alias/blueprint", "1234abcd-12ab-34cd-56ef-1234567890ab", ""])
def test_fails_flow_log_key_that_is_not_a_key_arn(key):
    with pytest.raises(ValidationError, match=r"flow_logs_kms_key_arn: .* is not a KMS key ARN"):
        _args(flow_logs_kms_key_arn=key)


def test_fails_s3_as_interface_endpoint():
    with pytest.raises(ValidationError, match=r"interface_endpoints: 's3' is always created as a gateway endpoint"):
        _args(interface_endpoints=("sts", "s3"))


def test_fails_duplicate_or_malformed_interface_endpoint():
    with pytest.raises(ValidationError, match=r"interface_endpoints: .*repeats \['sts'\]"):
        _args(interface_endpoints=("sts", "sts"))
    with pytest.raises(ValidationError, match=r"interface_endpoints: 'com.amazonaws.eu-central-1.sts!'"):
        _args(interface_endpoints=("com.amazonaws.eu-central-1.sts!",))
