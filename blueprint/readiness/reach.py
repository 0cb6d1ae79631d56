"""deploy-cluster-reach: the deployer must reach the API of every cluster it creates objects in.

Every ``kubernetes:*`` resource (and the ``pulumi:providers:kubernetes`` itself) goes through a
Kubernetes provider whose kubeconfig comes from a cluster in the same program (the provider's
``dependencies``). ``pulumi up`` runs on a laptop or a CI runner outside the VPC, so on the first
deploy from empty that cluster's API endpoint must accept the deployer, and only it:

* EKS: ``vpcConfig.endpointPublicAccess`` true (the API default) with ``publicAccessCidrs`` listing
  specific CIDRs. With public access off, "your cluster's Kubernetes API server can only receive
  requests from within the cluster VPC"; an absent list means the default 0.0.0.0/0.
  With the public endpoint limited that way, ``endpointPrivateAccess`` must be true, or the nodes
  cannot reach the API either.
  AWS, "Cluster API server endpoint" https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
  and the API's VpcConfigRequest https://docs.aws.amazon.com/eks/latest/APIReference/API_VpcConfigRequest.html
* GKE: ``privateClusterConfig.enablePrivateEndpoint`` false (the external endpoint stays on) with
  ``masterAuthorizedNetworksConfig.cidrBlocks`` listing specific CIDRs: with authorized networks
  enabled and no blocks, external clients are refused; without authorized networks the external
  endpoint is open to any address. Only the IP endpoint counts: the program's kubeconfig
  (blueprint/components/gcp/gke_cluster.py ``kubeconfig``) points at ``cluster.endpoint``, never at the
  DNS-based endpoint, so ``dnsEndpointConfig.allowExternalTraffic`` does not make it reachable.
  Google, "About network isolation in GKE" https://cloud.google.com/kubernetes-engine/docs/concepts/network-isolation
  and "Add authorized networks for control plane access"
  https://cloud.google.com/kubernetes-engine/docs/how-to/authorized-networks
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from blueprint.analysis.endpoints import deployer_cidrs
from blueprint.plan.model import Plan, PlannedResource
from blueprint.readiness import ReadinessProblem
from blueprint.readiness.graph import EKS_CLUSTER, get, provider_cluster

CHECK_ID = "deploy-cluster-reach"
K8S_PROVIDER = "pulumi:providers:kubernetes"
EKS_SOURCE = ("AWS 'Cluster API server endpoint' https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html; "
              "https://docs.aws.amazon.com/eks/latest/APIReference/API_VpcConfigRequest.html")
GKE_SOURCE = ("Google 'About network isolation in GKE' https://cloud.google.com/kubernetes-engine/docs/concepts/network-isolation; "
              "'Add authorized networks' https://cloud.google.com/kubernetes-engine/docs/how-to/authorized-networks")
OPEN_CIDRS = frozenset({"0.0.0.0/0", "::/0"})


def _eks_unreachable(cluster: PlannedResource) -> Optional[tuple[Any, str]]:
    """(value, rule) when the deployer cannot reach (or is not the only one to reach) the API."""
    vpc = get(cluster.inputs, "vpcConfig") or {}
    public = vpc.get("endpointPublicAccess", True)  # API default: true
    if public is False:
        return ({"endpointPublicAccess": False},
                "the API endpoint is private-only: it accepts requests from within the cluster VPC only, not from "
                "where `pulumi up` runs; set vpcConfig.endpointPublicAccess=true with publicAccessCidrs = the deployer's CIDRs")
    cidrs = deployer_cidrs(cluster.type, cluster.inputs)
    if not cidrs or OPEN_CIDRS & set(cidrs):
        return ({"endpointPublicAccess": public, "publicAccessCidrs": cidrs or None},
                "the public API endpoint is open to any address (publicAccessCidrs absent means 0.0.0.0/0); "
                "list the deployer's CIDRs in vpcConfig.publicAccessCidrs")
    return None


def _gke_unreachable(cluster: PlannedResource) -> Optional[tuple[Any, str]]:
    inputs = cluster.inputs
    private = get(inputs, "privateClusterConfig.enablePrivateEndpoint") is True
    authorized = get(inputs, "masterAuthorizedNetworksConfig")
    blocks = deployer_cidrs(cluster.type, inputs)
    if private:
        return ({"privateClusterConfig.enablePrivateEndpoint": True},
                "the control plane has only its internal endpoint: it is unreachable from outside the VPC where "
                "`pulumi up` runs; set enablePrivateEndpoint=false with masterAuthorizedNetworksConfig.cidrBlocks = "
                "the deployer's CIDRs")
    if authorized is None or not blocks or OPEN_CIDRS & set(blocks):
        return ({"masterAuthorizedNetworksConfig.cidrBlocks": blocks if authorized is not None else None},
                "the external endpoint is open to any address (no authorized networks) or refuses every external "
                "client (authorized networks without CIDR blocks); list the deployer's CIDRs in "
                "masterAuthorizedNetworksConfig.cidrBlocks")
    return None


def _eks_nodes_cut_off(cluster: PlannedResource) -> Optional[ReadinessProblem]:
    """Public endpoint limited to the deployer with private access off: the nodes (whose traffic
    leaves through NAT addresses not in the list) cannot reach the API and never join. VpcConfigRequest:
    "If you disable private access and you have nodes ... ensure that publicAccessCidrs includes the
    necessary CIDR blocks for communication with the nodes"."""
    vpc = get(cluster.inputs, "vpcConfig") or {}
    cidrs = set(deployer_cidrs(cluster.type, cluster.inputs))
    if vpc.get("endpointPrivateAccess") is True or not cidrs or OPEN_CIDRS & cidrs:
        return None
    return ReadinessProblem(
        check=CHECK_ID, urn=cluster.urn, type=cluster.type, name=cluster.name,
        value={"endpointPrivateAccess": vpc.get("endpointPrivateAccess", False), "publicAccessCidrs": sorted(cidrs)},
        rule="limits the public API endpoint to the deployer's CIDRs with private access off, so the nodes cannot "
             "reach the API; set vpcConfig.endpointPrivateAccess=true",
        source=EKS_SOURCE,
    )


def check(plan: Plan) -> Iterable[ReadinessProblem]:
    for cluster in plan.of_type(EKS_CLUSTER):
        problem = _eks_nodes_cut_off(cluster)
        if problem is not None:
            yield problem
    for provider in plan.of_type(K8S_PROVIDER):
        cluster = provider_cluster(plan, provider)
        if cluster is None:
            continue  # a kubeconfig from outside the program: nothing to judge here
        verdict = _eks_unreachable(cluster) if cluster.type == EKS_CLUSTER else _gke_unreachable(cluster)
        if verdict is None:
            continue
        value, rule = verdict
        source = EKS_SOURCE if cluster.type == EKS_CLUSTER else GKE_SOURCE
        for r in [provider] + [r for r in plan if r.provider == provider.urn]:
            yield ReadinessProblem(
                check=CHECK_ID, urn=r.urn, type=r.type, name=r.name, value=value,
                rule=f"is created through the API of cluster {cluster.name!r}, but {rule}", source=source,
            )
