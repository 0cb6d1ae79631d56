"""Exposure: a cluster's Kubernetes API is public only to declared, specific deployer networks.

The program creates Kubernetes objects through each cluster's API from wherever `pulumi up` runs,
so the clusters keep a public endpoint; it must answer the deployers' CIDRs only
(``blueprint:deployerCidrs``, docs/deploying.md) and every call is still IAM-authenticated. The
CIDR checks are those of the stack configuration (blueprint.catalogs.kubernetes): no 0.0.0.0/0,
no range wider than /16, no private or reserved range, no IPv6 on the IPv4 clusters. A GKE
DNS-based endpoint open to external traffic is refused too: authorized networks do not limit it
(GKE "About network isolation"), and the program never uses it (its kubeconfig names the IP endpoint).

``api-endpoint-placeholder-cidrs`` reports the RFC 5737 placeholders the shipped stacks carry. It
is advisory everywhere, offline and in CrossGuard: a rule has one enforcement level in both
(blueprint/policies/model.py ``Rule``), and the shipped stacks must still pass ``blueprint check``.
"""

from __future__ import annotations

from typing import Any, Iterable

from blueprint.catalogs.kubernetes import MAX_DEPLOYER_CIDRS, PLACEHOLDER_WARNING, deployer_cidr_problem, placeholder_cidrs
from blueprint.analysis.endpoints import api_endpoint_cidrs
from blueprint.types import aws, gcp
from blueprint.policies.model import ADVISORY, MANDATORY, Context, Resource, Rule, is_unknown, truthy

EKS_CLUSTER = aws.EKS_CLUSTER
GKE_CLUSTER = gcp.CONTAINER_CLUSTER


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


def check_gke_dns_endpoint(r: Resource) -> Iterable[str]:
    """GKE's DNS-based endpoint with external traffic allowed answers any address (IAM only)."""
    if truthy(r.get("controlPlaneEndpointsConfig", "dnsEndpointConfig", "allowExternalTraffic")) is True:
        yield (f"cluster {r.name!r}: controlPlaneEndpointsConfig.dnsEndpointConfig.allowExternalTraffic is true, so the "
               "DNS-based control-plane endpoint answers any address (authorized networks do not apply to it); set it "
               "to false (the program's kubeconfig uses the IP endpoint)")


def check_gke_endpoint(r: Resource, ctx: Context) -> Iterable[str]:
    yield from check_gke_dns_endpoint(r)
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
    yield from _cidr_messages(r, *_endpoint_cidrs(r))


def check_endpoint(r: Resource, ctx: Context) -> Iterable[str]:
    return check_eks_endpoint(r, ctx) if r.type == EKS_CLUSTER else check_gke_endpoint(r, ctx)


def _endpoint_cidrs(r: Resource) -> tuple[str, Any]:
    return api_endpoint_cidrs(r.type, r.props, is_unknown)


def check_placeholders(r: Resource, ctx: Context) -> Iterable[str]:
    where, cidrs = _endpoint_cidrs(r)
    if is_unknown(cidrs):
        return
    for cidr in placeholder_cidrs([c for c in cidrs or [] if not is_unknown(c)]):
        yield f"cluster {r.name!r}: {where} entry {cidr!r} is {PLACEHOLDER_WARNING}"


RULES = (
    Rule(
        id="api-endpoint-deployer-cidrs",
        description="A Kubernetes cluster's API endpoint is private, or public only to 1..40 specific IPv4 CIDRs (the "
                    "deployers): none 0.0.0.0/0, wider than /16, private or reserved; EKS keeps its private endpoint "
                    "for the nodes; GKE does not open it to Google Cloud's public ranges.",
        enforcement=MANDATORY,
        remediation="Set blueprint:deployerCidrs to the networks `pulumi up` runs from (EksCluster public_access_cidrs, "
                    "GkeCluster master_authorized_cidrs); keep a GKE DNS-based endpoint closed to external traffic.",
        category="exposure", scope="resource", check=check_endpoint, types=(EKS_CLUSTER, GKE_CLUSTER),
    ),
    Rule(
        id="api-endpoint-placeholder-cidrs",
        description="A cluster's API endpoint lists an RFC 5737 documentation placeholder (192.0.2.0/24, "
                    "198.51.100.0/24, 203.0.113.0/24) as a deployer CIDR: a real deploy with it fails. Advisory "
                    "(offline and in CrossGuard alike): the shipped stacks carry these placeholders.",
        enforcement=ADVISORY,
        remediation="Replace the placeholders in blueprint:deployerCidrs with the networks `pulumi up` runs from "
                    "(docs/deploying.md) before `pulumi up`.",
        category="exposure", scope="resource", check=check_placeholders, types=(EKS_CLUSTER, GKE_CLUSTER),
    ),
)
