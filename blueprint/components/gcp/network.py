"""Network (GCP): the stack's one global custom-mode VPC and its firewall baseline. Subnets, Cloud
Router and Cloud NAT are per region (``RegionalSubnet``).

Children (component named ``n``):
    ``n-vpc``                        gcp.compute.Network (custom mode, GLOBAL dynamic routing)
    ``n-deny-all-ingress``           gcp.compute.Firewall: deny every ingress, lowest priority, logged
    ``n-allow-health-checks``        gcp.compute.Firewall: Google front ends / health checkers
                                     (35.191.0.0/16, 130.211.0.0/22) to the serving ports only
    ``n-allow-iap-ssh``              gcp.compute.Firewall: IAP TCP forwarding (35.235.240.0/20) to 22,
                                     only if ``allow_iap_ssh``

GCP denies ingress implicitly; the explicit deny-all rule (priority 65534) is there so denied
connections are logged. Egress stays open (the implied allow): nodes reach Google APIs by Private
Google Access and the internet through Cloud NAT only (nodes have no external IPs).
"""

from __future__ import annotations

import pulumi
import pulumi_gcp as gcp
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ._labels import check_name

# Source ranges of Google Cloud load balancer proxies and health checkers (Cloud Load Balancing,
# "Health checks overview" > "Probe IP ranges and firewall rules") for external Application Load
# Balancers and container-native (NEG) backends.
HEALTH_CHECK_RANGES = ("35.191.0.0/16", "130.211.0.0/22")
# Identity-Aware Proxy TCP forwarding source range (IAP docs, "Using IAP for TCP forwarding").
IAP_RANGE = "35.235.240.0/20"
# Firewall rule logging: full metadata, so a denied or allowed flow can be traced to VMs and networks.
FIREWALL_LOG_METADATA = "INCLUDE_ALL_METADATA"


class NetworkArgs(BaseModel):
    """The stack's global VPC."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    name: str = Field(description="VPC name (RFC 1035, 1..63 characters), unique per project; firewall rules are "
                      "named '<name>-<rule>'.")
    health_check_ports: tuple[int, ...] = Field(
        default=(8080,),
        description="TCP ports of the serving pods that load balancer health checks and proxies reach (pod IPs via "
        "NEGs). Default (8080,), the services' usual container port; () creates no allow rule.",
    )
    # Secure default: no SSH path at all; GKE nodes are operated through the Kubernetes API.
    allow_iap_ssh: bool = Field(default=False, description="Allow SSH (22) from IAP TCP forwarding only. Default False.")
    mtu: int = Field(default=1460, description="VPC MTU, 1300..8896; default 1460 (GCP's default, safe for every "
                     "peering and VPN).")
    description: str = Field(default="blueprint VPC (custom mode, global routing)", max_length=2048,
                             description="VPC description.")

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        # Leave room for '-deny-all-ingress' (17 characters) in the firewall rule names.
        return check_name("name", v, max_length=63 - len("-allow-health-checks"))

    @field_validator("health_check_ports")
    @classmethod
    def _ports(cls, v: tuple[int, ...]) -> tuple[int, ...]:
        for port in v:
            if not 1 <= port <= 65535:
                raise ValueError(f"health_check_ports: {port} is not a TCP port; use 1..65535")
        if len(set(v)) != len(v):
            raise ValueError(f"health_check_ports: {list(v)!r} lists a port twice; list each port once")
        return tuple(sorted(v))

    @field_validator("mtu")
    @classmethod
    def _mtu(cls, v: int) -> int:
        if not 1300 <= v <= 8896:
            raise ValueError(f"mtu: {v} is outside 1300..8896 (the VPC MTU range); default 1460")
        return v


class Network(pulumi.ComponentResource):
    """One global custom-mode VPC with GLOBAL routing and a logged deny-by-default ingress baseline."""

    id: pulumi.Output[str]
    self_link: pulumi.Output[str]
    name: pulumi.Output[str]

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("blueprint:gcp:Network", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        log = gcp.compute.FirewallLogConfigArgs(metadata=FIREWALL_LOG_METADATA)

        vpc = gcp.compute.Network(
            f"{name}-vpc",
            name=args.name,
            description=args.description,
            # Custom mode: only the subnets RegionalSubnet creates, with planned, non-overlapping ranges.
            auto_create_subnetworks=False,
            # GLOBAL: each region's Cloud Router learns and advertises routes for every region, so a
            # hybrid link or a region rebuild needs no routing change.
            routing_mode="GLOBAL",
            mtu=args.mtu,
            opts=child,
        )
        gcp.compute.Firewall(
            f"{name}-deny-all-ingress",
            name=f"{args.name}-deny-all-ingress",
            network=vpc.self_link,
            description="Deny all other ingress (logged); the allow rules have higher priority.",
            direction="INGRESS",
            priority=65534,
            denies=[gcp.compute.FirewallDenyArgs(protocol="all")],
            source_ranges=["0.0.0.0/0"],
            log_config=log,
            opts=child,
        )
        if args.health_check_ports:
            gcp.compute.Firewall(
                f"{name}-allow-health-checks",
                name=f"{args.name}-allow-health-checks",
                network=vpc.self_link,
                description="Google Cloud load balancer proxies and health checkers to the serving ports only.",
                direction="INGRESS",
                priority=1000,
                allows=[gcp.compute.FirewallAllowArgs(protocol="tcp", ports=[str(p) for p in args.health_check_ports])],
                source_ranges=list(HEALTH_CHECK_RANGES),
                log_config=log,
                opts=child,
            )
        if args.allow_iap_ssh:
            gcp.compute.Firewall(
                f"{name}-allow-iap-ssh",
                name=f"{args.name}-allow-iap-ssh",
                network=vpc.self_link,
                description="SSH through Identity-Aware Proxy TCP forwarding only.",
                direction="INGRESS",
                priority=1000,
                allows=[gcp.compute.FirewallAllowArgs(protocol="tcp", ports=["22"])],
                source_ranges=[IAP_RANGE],
                log_config=log,
                opts=child,
            )

        self.id = vpc.id
        self.self_link = vpc.self_link
        self.name = vpc.name
        self.register_outputs({"id": self.id, "self_link": self.self_link, "name": self.name})
