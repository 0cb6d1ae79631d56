"""Network (global VPC + firewall baseline) and RegionalSubnet (subnet, secondary ranges, flow logs,
Cloud Router + NAT); address plan; validation."""

from __future__ import annotations

import pulumi
import pulumi_gcp as gcp
import pytest
from pydantic import ValidationError

from blueprint.plan.engine import plan_program
from blueprint.components.gcp.network import Network, NetworkArgs
from blueprint.components.gcp.regional_subnet import RegionalSubnet, RegionalSubnetArgs, region_cidrs
from tests.components._helpers import child_names

CONFIG = {"gcp:project": "acme-ml-prod", "gcp:region": "europe-west4"}
REGIONS = ("europe-west4", "europe-west1")


def _program(out: dict, network_overrides: dict | None = None) -> None:
    net = Network("net", NetworkArgs(name="blueprint-prod", **(network_overrides or {})))
    out["net"] = net
    for index, region in enumerate(REGIONS):
        provider = gcp.Provider(f"gcp-{region}", project="acme-ml-prod", region=region)
        out[region] = RegionalSubnet(
            f"net-{region}",
            RegionalSubnetArgs(network=net.self_link, region=region, subnet_name=f"blueprint-prod-{region}",
                               region_index=index),
            pulumi.ResourceOptions(provider=provider),
        )
    pulumi.export("self_link", net.self_link)
    pulumi.export("subnet", out["europe-west4"].self_link)


@pytest.fixture(scope="module")
def built() -> dict:
    out: dict = {}
    out["plan"] = plan_program(lambda: _program(out), stack="test", config=CONFIG)
    return out


@pytest.fixture(scope="module")
def plan(built):
    return built["plan"]


def _firewalls(plan) -> dict:
    return {r.name: r for r in plan.of_type("gcp:compute/firewall:Firewall")}


# --- Network --------------------------------------------------------------------------------


def test_one_global_custom_mode_vpc_with_global_routing(plan):
    (vpc,) = plan.of_type("gcp:compute/network:Network")
    assert vpc.name == "net-vpc"
    assert vpc.inputs["name"] == "blueprint-prod"
    assert vpc.inputs["autoCreateSubnetworks"] is False
    assert vpc.inputs["routingMode"] == "GLOBAL"
    assert vpc.inputs["mtu"] == 1460
    assert vpc.region == "global"


def test_logged_deny_all_ingress_at_the_lowest_priority(plan):
    rule = _firewalls(plan)["net-deny-all-ingress"].inputs
    assert rule["direction"] == "INGRESS"
    assert rule["priority"] == 65534
    assert rule["denies"] == [{"protocol": "all"}]
    assert rule["sourceRanges"] == ["0.0.0.0/0"]
    assert rule["logConfig"] == {"metadata": "INCLUDE_ALL_METADATA"}
    assert rule["name"] == "blueprint-prod-deny-all-ingress"


def test_health_checkers_reach_only_the_serving_ports(plan):
    rule = _firewalls(plan)["net-allow-health-checks"].inputs
    assert rule["sourceRanges"] == ["35.191.0.0/16", "130.211.0.0/22"]
    assert rule["allows"] == [{"protocol": "tcp", "ports": ["8080"]}]
    assert rule["priority"] < 65534
    assert rule["logConfig"] == {"metadata": "INCLUDE_ALL_METADATA"}


def test_no_ssh_by_default(plan):
    assert "net-allow-iap-ssh" not in _firewalls(plan)
    for rule in _firewalls(plan).values():
        for allow in rule.inputs.get("allows", []):
            assert "22" not in allow.get("ports", [])


def test_iap_ssh_and_ports_follow_args():
    out: dict = {}
    plan = plan_program(lambda: _program(out, {"allow_iap_ssh": True, "health_check_ports": (9000, 8080)}),
                        stack="test", config=CONFIG)
    rules = _firewalls(plan)
    assert rules["net-allow-iap-ssh"].inputs["sourceRanges"] == ["35.235.240.0/20"]
    assert rules["net-allow-iap-ssh"].inputs["allows"] == [{"protocol": "tcp", "ports": ["22"]}]
    assert rules["net-allow-health-checks"].inputs["allows"] == [{"protocol": "tcp", "ports": ["8080", "9000"]}]


def test_no_health_check_rule_without_ports():
    out: dict = {}
    plan = plan_program(lambda: _program(out, {"health_check_ports": ()}), stack="test", config=CONFIG)
    assert set(_firewalls(plan)) == {"net-deny-all-ingress"}


# --- RegionalSubnet -------------------------------------------------------------------------


def test_subnet_per_region_with_pods_and_services_ranges(plan):
    subnets = {r.name: r for r in plan.of_type("gcp:compute/subnetwork:Subnetwork")}
    assert set(subnets) == {f"net-{r}-subnet" for r in REGIONS}
    primary = subnets["net-europe-west4-subnet"]
    assert primary.region == "europe-west4"
    assert primary.inputs["ipCidrRange"] == "10.0.0.0/20"
    assert primary.inputs["secondaryIpRanges"] == [
        {"rangeName": "pods", "ipCidrRange": "10.4.0.0/14"},
        {"rangeName": "services", "ipCidrRange": "10.8.0.0/20"},
    ]
    second = subnets["net-europe-west1-subnet"]
    assert second.region == "europe-west1"
    assert second.inputs["ipCidrRange"] == "10.16.0.0/20"
    assert [r["ipCidrRange"] for r in second.inputs["secondaryIpRanges"]] == ["10.20.0.0/14", "10.24.0.0/20"]
    assert primary.inputs["network"] == "https://www.googleapis.com/compute/v1/projects/acme-ml-prod/global/networks/blueprint-prod"


def test_private_google_access_and_flow_logs(plan):
    for subnet in plan.of_type("gcp:compute/subnetwork:Subnetwork"):
        assert subnet.inputs["privateIpGoogleAccess"] is True
        assert subnet.inputs["stackType"] == "IPV4_ONLY"
        assert subnet.inputs["logConfig"] == {"aggregationInterval": "INTERVAL_5_SEC", "flowSampling": 0.5,
                                              "metadata": "INCLUDE_ALL_METADATA"}


def test_router_and_nat_per_region(plan):
    routers = {r.name: r for r in plan.of_type("gcp:compute/router:Router")}
    nats = {r.name: r for r in plan.of_type("gcp:compute/routerNat:RouterNat")}
    assert set(routers) == {f"net-{r}-router" for r in REGIONS}
    assert set(nats) == {f"net-{r}-nat" for r in REGIONS}
    nat = nats["net-europe-west4-nat"]
    assert nat.region == "europe-west4" and routers["net-europe-west4-router"].region == "europe-west4"
    assert nat.inputs["router"] == "blueprint-prod-europe-west4-router"
    assert nat.inputs["natIpAllocateOption"] == "AUTO_ONLY"
    assert nat.inputs["sourceSubnetworkIpRangesToNat"] == "ALL_SUBNETWORKS_ALL_IP_RANGES"
    assert nat.inputs["logConfig"] == {"enable": True, "filter": "ERRORS_ONLY"}
    assert nat.inputs["enableDynamicPortAllocation"] is True
    assert nat.inputs["minPortsPerVm"] == 64 and nat.inputs["maxPortsPerVm"] == 4096


def test_children_parented(plan):
    assert child_names(plan, "blueprint:gcp:RegionalSubnet", "net-europe-west4") == {
        "net-europe-west4-subnet", "net-europe-west4-router", "net-europe-west4-nat"}
    assert plan.named("net-europe-west4").type == "blueprint:gcp:RegionalSubnet"
    assert plan.named("net-europe-west4").region == "europe-west4"
    assert child_names(plan, "blueprint:gcp:Network") == {
        "net-vpc", "net-deny-all-ingress", "net-allow-health-checks"}


def test_outputs(built):
    subnet = built["europe-west4"]
    assert subnet.pods_range_name == "pods" and subnet.services_range_name == "services"
    assert subnet.master_ipv4_cidr_block == "172.16.0.0/28"
    assert built["europe-west1"].master_ipv4_cidr_block == "172.16.1.0/28"
    assert built["plan"].outputs["subnet"].endswith("/regions/europe-west4/subnetworks/blueprint-prod-europe-west4")


def test_address_plan_never_overlaps_between_regions():
    import ipaddress

    nets = [ipaddress.ip_network(c) for i in range(16) for k, c in region_cidrs(i).items()]
    for i, a in enumerate(nets):
        for b in nets[i + 1:]:
            assert not a.overlaps(b), (a, b)
    assert region_cidrs(0) == {"nodes": "10.0.0.0/20", "pods": "10.4.0.0/14", "services": "10.8.0.0/20",
                               "master": "172.16.0.0/28"}


def test_explicit_ranges():
    args = RegionalSubnetArgs(network="n", region="us-central1", subnet_name="s", nodes_cidr="10.200.0.0/20",
                              pods_cidr="10.128.0.0/14", services_cidr="10.200.16.0/20")
    assert args.cidrs()["pods"] == "10.128.0.0/14"


# --- validation -----------------------------------------------------------------------------


def _subnet(**overrides) -> RegionalSubnetArgs:
    return RegionalSubnetArgs(**{"network": "n", "region": "europe-west4", "subnet_name": "s", **overrides})


@pytest.mark.parametrize("name", ["Blueprint", "1vpc", "vpc-", "a" * 44])
def test_fails_invalid_network_name(name):
    with pytest.raises(ValidationError, match="name: .* is not a valid GCP resource name"):
        NetworkArgs(name=name)


def test_fails_port_out_of_range():
    with pytest.raises(ValidationError, match="health_check_ports: 70000 is not a TCP port"):
        NetworkArgs(name="vpc", health_check_ports=(70000,))


def test_fails_mtu_out_of_range():
    with pytest.raises(ValidationError, match="mtu: 9000 is outside 1300..8896"):
        NetworkArgs(name="vpc", mtu=9000)


def test_fails_region_index_out_of_range():
    with pytest.raises(ValidationError, match="region_index: 16 is outside 0..15"):
        _subnet(region_index=16)


def test_fails_public_range():
    with pytest.raises(ValidationError, match="pods_cidr: '8.8.0.0/14' is not a private IPv4 range"):
        _subnet(pods_cidr="8.8.0.0/14")


def test_fails_overlapping_ranges():
    with pytest.raises(ValidationError, match="nodes_cidr: 10.4.0.0/20 overlaps pods_cidr 10.4.0.0/14"):
        _subnet(nodes_cidr="10.4.0.0/20")


def test_fails_host_bits_set():
    with pytest.raises(ValidationError, match="nodes_cidr: '10.0.0.1/20' is not a CIDR block"):
        _subnet(nodes_cidr="10.0.0.1/20")


def test_fails_zone_as_region():
    with pytest.raises(ValidationError, match="region: 'europe-west4-a' is not a GCP region name"):
        _subnet(region="europe-west4-a")


def test_fails_nat_ports_not_power_of_two():
    with pytest.raises(ValidationError, match="nat_min_ports_per_vm: 100 must be a power of two"):
        _subnet(nat_min_ports_per_vm=100)


def test_fails_unknown_field():
    with pytest.raises(ValidationError, match="auto_create_subnetworks"):
        NetworkArgs(name="vpc", auto_create_subnetworks=True)
