"""The Kubernetes control plane: its version and who may reach its API.

``KUBERNETES_VERSION`` is the ONE place the Kubernetes minor lives: ``EksCluster`` creates its
clusters at it, GKE's REGULAR release channel creates them at it today, and Helm chart pins that
depend on the minor import it from here.

The deployer CIDRs (``blueprint:deployerCidrs``) are the networks ``pulumi up`` runs from. The
program talks to each cluster's API (Helm releases, Deployments, TargetGroupBindings, NEG
Services), so the clusters' public endpoints answer exactly these networks and nothing else
(docs/deploying.md). The same checks serve the configuration rules (blueprint/config/rules.py) and
the ``api-endpoint-deployer-cidrs`` policy (blueprint/policies/exposure.py).
"""

from __future__ import annotations

import ipaddress
from typing import Optional

# Amazon EKS Kubernetes release calendar (https://docs.aws.amazon.com/eks/latest/userguide/
# kubernetes-versions.html#kubernetes-release-calendar, as mirrored by https://endoflife.date/amazon-eks):
# 1.35, Amazon EKS release 2026-01-28, end of standard support March 27, 2027, end of extended
# support March 27, 2028. The newest minor whose EKS row could be confirmed
# (a 1.36 row could not); EksCluster pairs it with upgradePolicy STANDARD, so at 2027-03-27 EKS
# upgrades the control plane instead of billing extended support. GKE: 1.35.8-gke.1036000 is the
# REGULAR channel's default version for cluster creation since 2026-09-17 (GKE regular-channel
# release notes, https://docs.cloud.google.com/kubernetes-engine/docs/release-notes#September_17_2026).
KUBERNETES_VERSION = "1.35"
KUBERNETES_STANDARD_SUPPORT_ENDS = "2027-03-27"  # EKS calendar row of KUBERNETES_VERSION
# The EKS calendar's "End of standard support" per minor (same sources as above; each row as
# endoflife.date/amazon-eks lists it). A minor absent here is treated as out of standard support by
# the deploy-kubernetes-support readiness check (blueprint/readiness/kubernetes_support.py).
EKS_STANDARD_SUPPORT_ENDS: dict[str, str] = {
    "1.29": "2025-03-23",
    "1.30": "2025-07-23",
    "1.31": "2025-11-26",
    "1.32": "2026-03-23",
    "1.33": "2026-07-29",
    "1.34": "2026-12-02",
    KUBERNETES_VERSION: KUBERNETES_STANDARD_SUPPORT_ENDS,
}

# The fewest CIDRs both clouds accept on one cluster: EKS "Public endpoint access CIDR ranges per
# cluster" = 40, not adjustable (quota L-93A74D60, https://docs.aws.amazon.com/general/latest/gr/
# eks.html#limits_eks); GKE "You can add up to 50 authorized networks (allowed CIDR blocks)"
# (https://cloud.google.com/kubernetes-engine/docs/how-to/latest/network-isolation).
MAX_DEPLOYER_CIDRS = 40
# A deployer is a CI runner's NAT, a VPN pool or an office egress: a /16 (65,536 addresses) is
# already far wider than any of them. Wider prefixes (0.0.0.0/1 + 128.0.0.0/1 is the internet
# in two lines) are refused, so "limited to the deployers" stays true.
MIN_DEPLOYER_PREFIX = 16
# RFC 5737 documentation ranges: the shipped stack files carry them as placeholders the user
# replaces (they route nowhere, so a forgotten placeholder opens nothing). Every other non-public
# range is refused: EKS rejects reserved addresses in publicAccessCidrs ("The block cannot include
# reserved addresses", EKS user guide, "Cluster API server endpoint") and a public endpoint never
# sees a private source address (in-VPC callers use the private endpoint).
DOCUMENTATION_RANGES = tuple(ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"))


def _documentation(network: ipaddress.IPv4Network) -> bool:
    return any(network.subnet_of(doc) for doc in DOCUMENTATION_RANGES)


PLACEHOLDER_WARNING = ("an RFC 5737 documentation placeholder (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24): "
                       "replace it with a deployer's egress CIDR before `pulumi up` (docs/deploying.md); EKS refuses "
                       "reserved blocks and GKE calls from the real deployer would time out")


def placeholder_cidrs(cidrs: object) -> list[str]:
    """The entries of ``cidrs`` inside an RFC 5737 documentation range: legal to plan and check (the
    shipped stacks carry them), but a real deploy with them fails."""
    found = []
    for cidr in cidrs if isinstance(cidrs, (list, tuple)) else ():
        try:
            network = ipaddress.ip_network(cidr, strict=False) if isinstance(cidr, str) else None
        except ValueError:
            continue
        if network is not None and network.version == 4 and _documentation(network):
            found.append(cidr)
    return found


def deployer_cidr_problem(cidr: object) -> Optional[str]:
    """Why ``cidr`` may not open a cluster's public API endpoint, or None when it may."""
    if not isinstance(cidr, str) or "/" not in cidr:
        return "not a CIDR block; write the network with its prefix length, e.g. 203.0.113.10/32 for one address"
    try:
        network = ipaddress.ip_network(cidr, strict=False)
    except ValueError as exc:
        return f"not a CIDR block ({exc}); e.g. 203.0.113.0/24"
    if network.version != 4:
        # EKS: "You can't add IPv6 CIDR blocks to IPv4 clusters" (VpcConfigRequest.publicAccessCidrs);
        # every blueprint cluster is IPv4.
        return "an IPv6 block; the clusters are IPv4 and their public endpoints accept IPv4 CIDRs only"
    if network.prefixlen == 0:
        return f"opens the Kubernetes API to the whole internet; allowed: public IPv4 /{MIN_DEPLOYER_PREFIX} to /32 blocks, the deployers' egress"
    if str(network) != cidr:
        return f"has host bits set; write the network: {network}"
    if not network.is_global and not _documentation(network):
        return ("a private or reserved range, which never reaches a public endpoint; list the public egress "
                "addresses of the deployers (callers inside the VPC use the private endpoint)")
    if network.prefixlen < MIN_DEPLOYER_PREFIX:
        return (f"/{network.prefixlen} is wider than any deployer's egress; allowed: /{MIN_DEPLOYER_PREFIX} to /32 "
                "(list the NAT, VPN or office addresses themselves)")
    return None


def deployer_cidrs_problems(cidrs: tuple[str, ...] | list[str]) -> list[tuple[Optional[int], str]]:
    """Every problem of a whole list: (index or None for the list, message)."""
    found: list[tuple[Optional[int], str]] = []
    if not cidrs:
        return [(None, "must list at least one CIDR")]
    if len(cidrs) > MAX_DEPLOYER_CIDRS:
        found.append((None, f"{len(cidrs)} CIDRs; allowed: 1..{MAX_DEPLOYER_CIDRS} (EKS accepts 40 public-access "
                            "CIDRs per cluster, GKE 50 authorized networks)"))
    seen: dict[str, int] = {}
    for i, cidr in enumerate(cidrs):
        problem = deployer_cidr_problem(cidr)
        if problem:
            found.append((i, problem))
        elif cidr in seen:
            found.append((i, f"duplicate of entry [{seen[cidr]}]"))
        seen.setdefault(str(cidr), i)
    return found
