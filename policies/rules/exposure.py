"""Exposure: a cluster's Kubernetes API is public only to declared, specific deployer networks.

The program creates Kubernetes objects through each cluster's API from wherever `pulumi up` runs,
so the clusters keep a public endpoint; it must answer the deployers' CIDRs only
(``blueprint:deployerCidrs``, docs/deploying.md) and every call is still IAM-authenticated. The
CIDR checks are those of the stack configuration (blueprint.catalogs.kubernetes): no 0.0.0.0/0,
no range wider than /16, no private or reserved range, no IPv6 on the IPv4 clusters.
"""

from __future__ import annotations

from typing import Any, Iterable

from blueprint.catalogs.kubernetes import MAX_DEPLOYER_CIDRS, deployer_cidr_problem
from policies.rules.model import MANDATORY, Context, Resource, Rule, is_unknown, truthy

EKS_CLUSTER = "aws:eks/cluster:Cluster"
GKE_CLUSTER = "gcp:container/cluster:Cluster"


def _cidr_messages(r: Resource, where: str, cidrs: Any) -> Iterable[str]:
    if is_unknown(cidrs):
        return
    listed = [c for c in (cidrs or []) if not is_unknown(c)]
    if not cidrs:
        yield (f"cluster {r.name!r} has a public API endpoint open to every address ({where} is empty); list the "
               "deployers' CIDRs (blueprint:deployerCidrs) or make the endpoint private")
        return
    if len(cidrs) > MAX_DEPLOYER_CIDRS:
        yield f"cluster {r.name!r}: {where} lists {len(cidrs)} CIDRs; at most {MAX_DEPLOYER_CIDRS} (EKS quota)"
    for cidr in listed:
        problem = deployer_cidr_problem(cidr)
        if problem:
            yield f"cluster {r.name!r}: {where} entry {cidr!r}: {problem}"


def check_eks_endpoint(r: Resource, ctx: Context) -> Iterable[str]:
    vpc = r.get("vpcConfig", default={}) or {}
    if is_unknown(vpc):
        return
    public = vpc.get("endpointPublicAccess")
    if is_unknown(public):
        return
    # EKS creates the public endpoint unless endpointPublicAccess is false (EKS API, VpcConfigRequest).
    if truthy(public) is False:
        return
    yield from _cidr_messages(r, "vpcConfig.publicAccessCidrs", vpc.get("publicAccessCidrs"))
    private = vpc.get("endpointPrivateAccess")
    if not is_unknown(private) and truthy(private) is not True:
        yield (f"cluster {r.name!r}: endpointPrivateAccess is off, so nodes reach the API over the internet and "
               "their NAT addresses would have to be allowed too; enable the private endpoint")


def check_gke_endpoint(r: Resource, ctx: Context) -> Iterable[str]:
    private = r.get("privateClusterConfig", "enablePrivateEndpoint")
    if is_unknown(private) or truthy(private) is True:
        return
    networks = r.get("masterAuthorizedNetworksConfig", default=None)
    if is_unknown(networks):
        return
    if not networks:
        yield (f"cluster {r.name!r} has a public control-plane endpoint without masterAuthorizedNetworksConfig: "
               "every address may reach it; list the deployers' CIDRs or enable the private endpoint")
        return
    if truthy(networks.get("gcpPublicCidrsAccessEnabled")) is True:
        yield (f"cluster {r.name!r}: gcpPublicCidrsAccessEnabled lets every Google Cloud public IP reach the control "
               "plane; set it to false")
    blocks = networks.get("cidrBlocks")
    cidrs = blocks if is_unknown(blocks) else [b.get("cidrBlock") if isinstance(b, dict) else b for b in blocks or []]
    yield from _cidr_messages(r, "masterAuthorizedNetworksConfig.cidrBlocks", cidrs)


def check_endpoint(r: Resource, ctx: Context) -> Iterable[str]:
    return check_eks_endpoint(r, ctx) if r.type == EKS_CLUSTER else check_gke_endpoint(r, ctx)


RULES = (
    Rule(
        id="api-endpoint-deployer-cidrs",
        description="A Kubernetes cluster's API endpoint is private, or public only to 1..40 specific IPv4 CIDRs (the "
                    "deployers): none 0.0.0.0/0, wider than /16, private or reserved; EKS keeps its private endpoint "
                    "for the nodes; GKE does not open it to Google Cloud's public ranges.",
        enforcement=MANDATORY,
        remediation="Set blueprint:deployerCidrs to the networks `pulumi up` runs from (EksCluster public_access_cidrs, "
                    "GkeCluster master_authorized_cidrs), or leave them empty for a private-only endpoint.",
        category="exposure", scope="resource", check=check_endpoint, types=(EKS_CLUSTER, GKE_CLUSTER),
    ),
)
