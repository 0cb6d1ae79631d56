"""blueprint/readiness/graph.py: the helpers the checks share."""

from __future__ import annotations

from blueprint.readiness import graph
from readiness_helpers import plan_of, resource


def test_get_follows_dotted_paths():
    assert graph.get({"a": {"b": 1}}, "a.b") == 1
    assert graph.get({"a": 1}, "a.b") is None and graph.get(None, "a") is None


def test_cluster_of_follows_the_provider_to_its_cluster():
    eks = resource("eks", graph.EKS_CLUSTER, {"name": "c"})
    provider = resource("k8s", "pulumi:providers:kubernetes", dependencies=[eks.urn, "urn:absent"])
    ns = resource("ns", "kubernetes:core/v1:Namespace", provider=provider.urn)
    plan = plan_of(eks, provider, ns)
    assert graph.cluster_of(plan, ns) is eks
    assert graph.cluster_of(plan, ns, (graph.GKE_CLUSTER,)) is None
    assert graph.cluster_of(plan, eks) is None
    assert graph.physical_cluster_name(eks) == "c"


def test_waits_for_and_chain_follow_dependencies_and_parents():
    a = resource("a", "t:a:A")
    b = resource("b", "t:b:B", dependencies=[a.urn])
    c = resource("c", "t:c:C", parent=b.urn)
    plan = plan_of(a, b, c)
    assert graph.waits_for(plan, c) == {a.urn, b.urn}
    assert graph.chain(graph.edges(plan), c.urn, a.urn) == [c.urn, b.urn, a.urn]
    assert graph.chain(graph.edges(plan), a.urn, c.urn) == []
