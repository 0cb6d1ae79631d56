"""deploy-cluster-reach: in-cluster resources need a cluster API the deployer reaches."""

from __future__ import annotations

import pytest

from blueprint.readiness import reach
from readiness_helpers import SHIPPED_STACKS, plan_of, resource

EKS = "aws:eks/cluster:Cluster"
GKE = "gcp:container/cluster:Cluster"
PROVIDER = "pulumi:providers:kubernetes"
NAMESPACE = "kubernetes:core/v1:Namespace"


def _cluster_plan(cluster):
    provider = resource("k8s", PROVIDER, {"kubeconfig": "[secret]"}, dependencies=[cluster.urn])
    ns = resource("ns", NAMESPACE, {"metadata": {"name": "app"}}, provider=provider.urn)
    return plan_of(cluster, provider, ns), provider, ns


def test_passes_for_an_eks_endpoint_limited_to_the_deployer():
    cluster = resource("eks", EKS, {"vpcConfig": {"endpointPublicAccess": True, "endpointPrivateAccess": True,
                                                  "publicAccessCidrs": ["203.0.113.0/24"]}})
    plan, _, _ = _cluster_plan(cluster)
    assert list(reach.check(plan)) == []


def test_fails_for_a_private_only_eks_endpoint_naming_the_in_cluster_resource():
    cluster = resource("eks", EKS, {"vpcConfig": {"endpointPublicAccess": False, "endpointPrivateAccess": True}})
    plan, provider, ns = _cluster_plan(cluster)
    problems = list(reach.check(plan))
    assert [p.urn for p in problems] == [provider.urn, ns.urn]
    assert problems[1].value == {"endpointPublicAccess": False}
    assert "'eks'" in problems[1].rule and "private-only" in problems[1].rule
    assert "cluster-endpoint.html" in problems[1].source


def test_fails_for_a_deployer_limited_eks_endpoint_the_nodes_cannot_reach():
    cluster = resource("eks", EKS, {"vpcConfig": {"endpointPublicAccess": True, "endpointPrivateAccess": False,
                                                  "publicAccessCidrs": ["203.0.113.0/24"]}})
    plan, _, _ = _cluster_plan(cluster)
    [problem] = reach.check(plan)
    assert problem.urn == cluster.urn and "endpointPrivateAccess=true" in problem.rule
    assert problem.value == {"endpointPrivateAccess": False, "publicAccessCidrs": ["203.0.113.0/24"]}


@pytest.mark.parametrize("cidrs", [None, [], ["0.0.0.0/0"]])
def test_fails_for_an_eks_endpoint_open_to_any_address(cidrs):
    vpc = {"endpointPublicAccess": True} if cidrs is None else {"endpointPublicAccess": True, "publicAccessCidrs": cidrs}
    plan, _, ns = _cluster_plan(resource("eks", EKS, {"vpcConfig": vpc}))
    assert ns.urn in [p.urn for p in reach.check(plan)]


def test_passes_for_a_gke_external_endpoint_with_authorized_networks():
    cluster = resource("gke", GKE, {"privateClusterConfig": {"enablePrivateEndpoint": False, "enablePrivateNodes": True},
                                    "masterAuthorizedNetworksConfig": {"cidrBlocks": [{"cidrBlock": "203.0.113.0/24"}]}})
    plan, _, _ = _cluster_plan(cluster)
    assert list(reach.check(plan)) == []


def test_fails_for_a_private_gke_ip_endpoint_even_with_an_external_dns_endpoint():
    """The kubeconfig (blueprint/components/gcp/gke_cluster.py) uses the IP endpoint, not the DNS-based one."""
    cluster = resource("gke", GKE, {"privateClusterConfig": {"enablePrivateEndpoint": True},
                                    "controlPlaneEndpointsConfig": {"dnsEndpointConfig": {"allowExternalTraffic": True}}})
    plan, _, ns = _cluster_plan(cluster)
    problems = list(reach.check(plan))
    assert ns.urn in [p.urn for p in problems] and "internal endpoint" in problems[-1].rule


@pytest.mark.parametrize("inputs, words", [
    ({"privateClusterConfig": {"enablePrivateEndpoint": True},
      "masterAuthorizedNetworksConfig": {"cidrBlocks": [{"cidrBlock": "203.0.113.0/24"}]}}, "internal endpoint"),
    ({"privateClusterConfig": {"enablePrivateEndpoint": False}, "masterAuthorizedNetworksConfig": {"cidrBlocks": []}},
     "refuses every external"),
    ({"privateClusterConfig": {"enablePrivateEndpoint": False}}, "open to any address"),
])
def test_fails_for_a_gke_control_plane_the_deployer_cannot_reach(inputs, words):
    plan, _, ns = _cluster_plan(resource("gke", GKE, inputs))
    [problem] = [p for p in reach.check(plan) if p.urn == ns.urn]
    assert words in problem.rule and "'gke'" in problem.rule
    assert "network-isolation" in problem.source


def test_ignores_a_provider_whose_kubeconfig_comes_from_outside_the_program():
    provider = resource("k8s", PROVIDER, {"kubeconfig": "[secret]"})
    ns = resource("ns", NAMESPACE, {}, provider=provider.urn)
    assert list(reach.check(plan_of(provider, ns))) == []


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_shipped_stack_reaches_every_cluster_it_deploys_into(shipped_plan, stack):
    assert [p.message for p in reach.check(shipped_plan(stack))] == []


def test_refuses_prod_with_a_private_only_eks_endpoint(shipped_plan):
    plan = shipped_plan("prod")
    cluster = plan.of_type(EKS)[0]
    cluster.inputs["vpcConfig"]["endpointPublicAccess"] = False
    named = [p for p in reach.check(plan) if repr(cluster.name) in p.rule]
    assert any(p.type == "kubernetes:apps/v1:Deployment" for p in named)
    assert all(p.value == {"endpointPublicAccess": False} for p in named)


def test_refuses_gcp_prod_with_a_private_only_gke_endpoint(shipped_plan):
    plan = shipped_plan("gcp-prod")
    cluster = plan.of_type(GKE)[0]
    cluster.inputs.setdefault("privateClusterConfig", {})["enablePrivateEndpoint"] = True
    cluster.inputs.pop("controlPlaneEndpointsConfig", None)
    named = [p for p in reach.check(plan) if repr(cluster.name) in p.rule]
    assert any(p.type == "kubernetes:core/v1:Service" for p in named)
    assert all(p.value == {"privateClusterConfig.enablePrivateEndpoint": True} for p in named)
