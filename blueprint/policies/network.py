"""Network exposure: nothing is reachable from the internet but the load balancers' listeners.

AWS: a security-group ingress whose source is a public address range (not private, reserved or
documentation space: ``ipaddress``'s ``is_private``) may only open TCP 80 or 443, the load
balancer's listeners (HTTPS, and HTTP that only redirects: ``tls-listener``); ``network-internet-
ingress-target`` adds that such a rule sits on a load balancer's own security group. Everything
else (the databases' engine ports, all ports, ``-1``) is reached from inside the VPC only.

GCP: the global external Application Load Balancer reaches the backends from Google's front ends
and health checkers only, so a firewall never needs the internet as a source: an enabled INGRESS
allow rule may list only private ranges and Google's load-balancer ranges (35.191.0.0/16,
130.211.0.0/22; IPv6 2600:2d00:1:b029::/64, 2600:2d00:1:1::/64: "Firewall rules", Cloud Load
Balancing docs, https://cloud.google.com/load-balancing/docs/firewall-rules). A rule with no
source at all gets 0.0.0.0/0 from the API (hashicorp/terraform-provider-google#6789), and is read so.
"""

from __future__ import annotations

import ipaddress
from typing import Any, Iterable, Optional

from blueprint.types import aws, gcp
from blueprint.policies.model import MANDATORY, Context, Resource, Rule, is_unknown, number, truthy

# The only ports the internet may reach: the load balancers' HTTPS listener and the HTTP one that redirects.
LISTENER_PORTS = (80, 443)
# Google's front ends and health checkers (Cloud Load Balancing, "Firewall rules").
GOOGLE_LB_RANGES = tuple(ipaddress.ip_network(c) for c in (
    "35.191.0.0/16", "130.211.0.0/22", "2600:2d00:1:b029::/64", "2600:2d00:1:1::/64"))
# AWS: "-1" (or "all") is every protocol and port (EC2 API, IpPermission.IpProtocol).
_ALL_PROTOCOLS = ("-1", "all")
_TCP = ("tcp", "6")

INGRESS_TYPES = (aws.EC2_SECURITY_GROUP, aws.EC2_DEFAULT_SECURITY_GROUP, aws.EC2_SECURITY_GROUP_RULE,
                 aws.VPC_SECURITY_GROUP_INGRESS_RULE)


def is_public(cidr: Any) -> Optional[bool]:
    """True for a range with internet addresses; None when it is not a CIDR (unknown, a prefix list)."""
    if not isinstance(cidr, str):
        return None
    try:
        net = ipaddress.ip_network(cidr.strip(), strict=False)
    except ValueError:
        return None
    return not net.is_private


def _listener_only(protocol: Any, from_port: Any, to_port: Any) -> bool:
    """TCP to one port that is a listener port (80 or 443)."""
    low, high = number(from_port), number(to_port)
    return str(protocol).lower() in _TCP and low is not None and low == high and int(low) in LISTENER_PORTS


def _ports(protocol: Any, from_port: Any, to_port: Any) -> str:
    if str(protocol).lower() in _ALL_PROTOCOLS:
        return "all protocols and ports (-1)"
    low, high = (f"{n:g}" if n is not None else "?" for n in (number(from_port), number(to_port)))
    return f"{protocol} {low if low == high else f'{low}-{high}'}"


def _permissions(r: Resource) -> Iterable[tuple[str, Any, Any, Any, list[Any]]]:
    """(where, protocol, fromPort, toPort, source CIDRs) of each ingress permission the resource declares."""
    if r.type == aws.VPC_SECURITY_GROUP_INGRESS_RULE:
        p = r.props
        yield "", p.get("ipProtocol"), p.get("fromPort"), p.get("toPort"), [p.get("cidrIpv4"), p.get("cidrIpv6")]
    elif r.type == aws.EC2_SECURITY_GROUP_RULE:
        p = r.props
        if str(p.get("type") or "").lower() == "ingress":
            yield "", p.get("protocol"), p.get("fromPort"), p.get("toPort"), [*(p.get("cidrBlocks") or []),
                                                                               *(p.get("ipv6CidrBlocks") or [])]
    else:
        ingress = r.props.get("ingress")
        for i, p in enumerate(ingress if isinstance(ingress, list) else []):
            p = p if isinstance(p, dict) else {}
            yield f"ingress[{i}] ", p.get("protocol"), p.get("fromPort"), p.get("toPort"), [
                *(p.get("cidrBlocks") or []), *(p.get("ipv6CidrBlocks") or [])]


def internet_permissions(r: Resource) -> Iterable[tuple[str, str, str, bool]]:
    """(where, source, ports, listener-only) of each permission open to a public range."""
    for where, protocol, low, high, sources in _permissions(r):
        if any(is_unknown(v) for v in (protocol, low, high)):
            continue
        for source in sources:
            if is_public(source):
                yield where, source, _ports(protocol, low, high), _listener_only(protocol, low, high)


def check_aws_ingress(r: Resource) -> Iterable[str]:
    for where, source, ports, listener in internet_permissions(r):
        if not listener:
            yield (f"{r.type} {r.name!r}: {where}ingress from {source} to {ports}; from the internet only TCP "
                   f"{' or '.join(map(str, LISTENER_PORTS))} (the load balancer's listeners) may be open, everything "
                   "else (database ports, all ports) only from inside the VPC")


def _firewall_sources(r: Resource) -> list[Any]:
    ranges = r.props.get("sourceRanges")
    if ranges:
        return list(ranges)
    if r.props.get("sourceTags") or r.props.get("sourceServiceAccounts"):
        return []
    return ["0.0.0.0/0"]  # no source at all: the API applies 0.0.0.0/0 (module docstring)


def _google_lb(cidr: str) -> bool:
    net = ipaddress.ip_network(cidr.strip(), strict=False)
    return any(net.version == g.version and net.subnet_of(g) for g in GOOGLE_LB_RANGES)


def check_gcp_firewall(r: Resource) -> Iterable[str]:
    p = r.props
    if any(is_unknown(p.get(k)) for k in ("direction", "disabled", "allows", "sourceRanges")):
        return
    if str(p.get("direction") or "INGRESS").upper() != "INGRESS" or truthy(p.get("disabled")) or not p.get("allows"):
        return
    for source in _firewall_sources(r):
        if is_public(source) and not _google_lb(source):
            allows = ", ".join(f"{(a or {}).get('protocol')} {','.join((a or {}).get('ports') or ['all ports'])}"
                               for a in p.get("allows") or [])
            yield (f"firewall {r.name!r}: sourceRanges {source!r} lets the internet reach {allows}; only private ranges "
                   "and Google's load-balancer and health-check ranges (35.191.0.0/16, 130.211.0.0/22) may be "
                   "allowed in (the global load balancer is the only way in from the internet)")


def check_ingress(r: Resource, ctx: Context) -> Iterable[str]:
    return check_gcp_firewall(r) if r.type == gcp.COMPUTE_FIREWALL else check_aws_ingress(r)


def _group_ids(rule: Resource) -> list[Any]:
    if rule.type in (aws.VPC_SECURITY_GROUP_INGRESS_RULE, aws.EC2_SECURITY_GROUP_RULE):
        return [rule.props.get("securityGroupId")]
    return [rule.ident("id")]


def check_ingress_target(ctx: Context) -> Iterable[tuple[Optional[str], str]]:
    """Internet ingress (to 80/443) sits on a security group that a load balancer of the stack uses."""
    lb_groups: set[str] = set()
    for lb in ctx.of_type(aws.LB_LOAD_BALANCER):
        groups = lb.props.get("securityGroups")
        if is_unknown(groups):
            return
        lb_groups.update(g for g in groups or [] if isinstance(g, str))
    for rule in ctx.of_type(*INGRESS_TYPES):
        opened = [(where, source, ports) for where, source, ports, _ in internet_permissions(rule)]
        if not opened:
            continue
        ids = _group_ids(rule)
        if any(is_unknown(i) for i in ids) or any(i in lb_groups for i in ids):
            continue
        where, source, ports = opened[0]
        yield rule.urn, (f"{rule.type} {rule.name!r}: {where}ingress from {source} to {ports} is on security group "
                         f"{ids[0]!r}, which no load balancer of the stack uses; only a load balancer's own security "
                         "group may be open to the internet")


RULES = (
    Rule(
        id="network-internet-ingress",
        description="Nothing is open to the internet but the load balancers' listeners: AWS security-group ingress "
                    "from a public range (0.0.0.0/0, ::/0, any non-private CIDR) only to TCP 80 or 443; GCP "
                    "firewalls allow in only private ranges and Google's load-balancer/health-check ranges.",
        enforcement=MANDATORY,
        remediation="AWS: open database and node ports to the VPC CIDR or a security group only (AuroraDatabase "
                    "allowed_cidrs); GCP: source_ranges of private ranges or 35.191.0.0/16 and 130.211.0.0/22.",
        category="exposure", scope="resource", check=check_ingress, types=(*INGRESS_TYPES, gcp.COMPUTE_FIREWALL),
    ),
    Rule(
        id="network-internet-ingress-target",
        description="AWS: security-group ingress open to the internet sits on a security group a load balancer "
                    "of the stack uses (aws.lb.LoadBalancer securityGroups), not on a node, database or endpoint group.",
        enforcement=MANDATORY,
        remediation="Put internet-facing ingress only on the load balancer's security group (blueprint.components."
                    "aws.LoadBalancer); reach everything else through it.",
        category="exposure", scope="stack", check=check_ingress_target,
    ),
)
