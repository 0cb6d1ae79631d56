"""RegionalSubnet (GCP): one region's share of the global VPC: a subnet for the nodes with
secondary ranges for GKE pods and services, Private Google Access, VPC flow logs, and a Cloud
Router + Cloud NAT for the private nodes' egress.

Children (component named ``n``):
    ``n-subnet``   gcp.compute.Subnetwork (nodes primary range; secondary ranges ``pods``, ``services``)
    ``n-router``   gcp.compute.Router
    ``n-nat``      gcp.compute.RouterNat (AUTO_ONLY addresses, every range of the region's subnets)

Address plan (``region_index`` i = 0 for the primary region, 1 for the second, ... up to 15): each
region owns 10.(16*i).0.0/12, so the regions of one VPC never overlap and can be routed globally:

    nodes     10.(16i).0.0/20      4,096 node IPs
    pods      10.(16i+4).0.0/14    262,144 pod IPs (a /24 per node at 110 pods/node: 1,024 nodes)
    services  10.(16i+8).0.0/20    4,096 ClusterIPs
    GKE control plane  172.16.(i).0/28  (``master_ipv4_cidr_block`` for GkeCluster)

i = 0 gives the documented 10.0.0.0/20, 10.4.0.0/14, 10.8.0.0/20; i = 1 gives 10.16.0.0/20,
10.20.0.0/14, 10.24.0.0/20. Explicit ranges may be passed instead.

Cloud NAT is a regional, Google-managed, software-defined service (no per-zone gateway to lose), so
one NAT per region keeps every zone's egress when a zone fails.
"""

from __future__ import annotations

import ipaddress
from typing import Annotated, Any

import pulumi
import pulumi_gcp as gcp
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from blueprint.components._validation import IntBetween, checked

from ._types import GcpName, Region

PODS_RANGE_NAME = "pods"
SERVICES_RANGE_NAME = "services"
MAX_REGIONS = 16
# VPC flow logs: 5-second aggregation (finest), half of the flows sampled (GCP's default rate, a
# balance of forensics and log volume), every metadata field (VM, GKE pod/service annotations).
FLOW_LOG_AGGREGATION = "INTERVAL_5_SEC"
FLOW_LOG_SAMPLING = 0.5
FLOW_LOG_METADATA = "INCLUDE_ALL_METADATA"


def region_cidrs(region_index: int) -> dict[str, str]:
    """The address plan of region ``region_index`` (0..15): nodes, pods, services, master."""
    if not 0 <= region_index < MAX_REGIONS:
        raise ValueError(f"region_index: {region_index} is outside 0..{MAX_REGIONS - 1}")
    base = 16 * region_index
    return {
        "nodes": f"10.{base}.0.0/20",
        "pods": f"10.{base + 4}.0.0/14",
        "services": f"10.{base + 8}.0.0/20",
        "master": f"172.16.{region_index}.0/28",
    }


def _private_cidr(field: str, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        net = ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        raise ValueError(f"{field}: {value!r} is not a CIDR block with its host bits zero ({exc}); e.g. '10.0.0.0/20'")
    if net.version != 4 or not net.is_private:
        raise ValueError(f"{field}: {value!r} is not a private IPv4 range; use RFC 1918 space such as 10.0.0.0/8")
    return value


# The router's name adds '-router' to the subnet's, within GCE's 63 characters.
SubnetName = GcpName(63 - len("-router"))
RegionIndex = IntBetween(0, MAX_REGIONS - 1, note="; the address plan gives each region a 10.(16*i).0.0/12 block")
PrivateCidr = Annotated[str, checked(_private_cidr)]


class RegionalSubnetArgs(BaseModel):
    """One region's subnet, secondary ranges and NAT in the stack's VPC."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    network: Any = Field(description="pulumi.Input[str]: the VPC's self link or id, e.g. Network(...).self_link.")
    region: Region = Field(description="Region, e.g. 'europe-west4'.")
    subnet_name: SubnetName = Field(description="Subnet name (RFC 1035, up to 56 characters); the router and NAT are "
                             "'<subnet_name>-router' / '-nat'.")
    region_index: RegionIndex = Field(default=0, description="Position of the region in the stack's address plan (0 primary, "
                              "1 second, ... 15); selects the non-overlapping default ranges. Default 0.")
    nodes_cidr: PrivateCidr | None = Field(default=None, description="Primary (node) range; default from region_index.")
    pods_cidr: PrivateCidr | None = Field(default=None, description="Secondary range 'pods'; default from region_index.")
    services_cidr: PrivateCidr | None = Field(default=None, description="Secondary range 'services'; default from region_index.")
    nat_min_ports_per_vm: int = Field(
        default=64,
        description="Cloud NAT minimum ports per VM (dynamic port allocation on, up to 4096). Default 64.",
    )

    @field_validator("nat_min_ports_per_vm")
    @classmethod
    def _ports(cls, v: int) -> int:
        if v < 32 or v > 4096 or v & (v - 1):
            raise ValueError(f"nat_min_ports_per_vm: {v} must be a power of two in 32..4096 (dynamic port allocation); "
                             "default 64")
        return v

    @model_validator(mode="after")
    def _no_overlap(self) -> RegionalSubnetArgs:
        ranges = self.cidrs()
        nets = {k: ipaddress.ip_network(v) for k, v in ranges.items() if k != "master"}
        keys = list(nets)
        for i, a in enumerate(keys):
            for b in keys[i + 1:]:
                if nets[a].overlaps(nets[b]):
                    raise ValueError(f"{a}_cidr: {ranges[a]} overlaps {b}_cidr {ranges[b]}; give each range its own space")
        return self

    def cidrs(self) -> dict[str, str]:
        plan = region_cidrs(self.region_index)
        return {
            "nodes": self.nodes_cidr or plan["nodes"],
            "pods": self.pods_cidr or plan["pods"],
            "services": self.services_cidr or plan["services"],
            "master": plan["master"],
        }


class RegionalSubnet(pulumi.ComponentResource):
    """A region's node subnet (pods/services secondary ranges, Private Google Access, flow logs)
    with Cloud Router + Cloud NAT."""

    def __init__(self, name: str, args: RegionalSubnetArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("blueprint:gcp:RegionalSubnet", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        cidrs = args.cidrs()

        subnet = gcp.compute.Subnetwork(
            f"{name}-subnet",
            name=args.subnet_name,
            network=args.network,
            region=args.region,
            ip_cidr_range=cidrs["nodes"],
            secondary_ip_ranges=[
                gcp.compute.SubnetworkSecondaryIpRangeArgs(range_name=PODS_RANGE_NAME, ip_cidr_range=cidrs["pods"]),
                gcp.compute.SubnetworkSecondaryIpRangeArgs(range_name=SERVICES_RANGE_NAME,
                                                           ip_cidr_range=cidrs["services"]),
            ],
            # Nodes without external IPs still reach Google APIs (Artifact Registry, Cloud KMS, logging).
            private_ip_google_access=True,
            stack_type="IPV4_ONLY",
            log_config=gcp.compute.SubnetworkLogConfigArgs(
                aggregation_interval=FLOW_LOG_AGGREGATION, flow_sampling=FLOW_LOG_SAMPLING, metadata=FLOW_LOG_METADATA
            ),
            opts=child,
        )
        router, nat = self._nat(name, args)

        self.id: pulumi.Output[str] = subnet.id
        self.self_link: pulumi.Output[str] = subnet.self_link
        self.name: pulumi.Output[str] = subnet.name
        self.region: str = args.region
        self.pods_range_name: str = PODS_RANGE_NAME
        self.services_range_name: str = SERVICES_RANGE_NAME
        self.cidrs: dict[str, str] = cidrs
        self.master_ipv4_cidr_block: str = cidrs["master"]
        self.router_name: pulumi.Output[str] = router.name
        self.nat_name: pulumi.Output[str] = nat.name
        self.register_outputs({
            "id": self.id, "self_link": self.self_link, "name": self.name, "router_name": self.router_name,
            "nat_name": self.nat_name,
        })

    def _nat(self, name: str, args: RegionalSubnetArgs) -> tuple[gcp.compute.Router, gcp.compute.RouterNat]:
        """Cloud Router + Cloud NAT: egress for nodes without external IPs, dynamic port allocation."""
        child = pulumi.ResourceOptions(parent=self)
        router = gcp.compute.Router(
            f"{name}-router",
            name=f"{args.subnet_name}-router",
            network=args.network,
            region=args.region,
            description=f"Cloud NAT for {args.region}",
            opts=child,
        )
        nat = gcp.compute.RouterNat(
            f"{name}-nat",
            name=f"{args.subnet_name}-nat",
            router=router.name,
            region=args.region,
            nat_ip_allocate_option="AUTO_ONLY",
            source_subnetwork_ip_ranges_to_nat="ALL_SUBNETWORKS_ALL_IP_RANGES",
            # Dynamic port allocation: busy nodes (image pulls, model downloads) get more ports on demand.
            enable_dynamic_port_allocation=True,
            enable_endpoint_independent_mapping=False,
            min_ports_per_vm=args.nat_min_ports_per_vm,
            max_ports_per_vm=4096,
            log_config=gcp.compute.RouterNatLogConfigArgs(enable=True, filter="ERRORS_ONLY"),
            opts=child,
        )
        return router, nat
