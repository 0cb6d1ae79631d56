"""deploy-hpa-metrics: an HPA on resource metrics in an EKS cluster needs metrics-server there."""

from __future__ import annotations

import pytest

from blueprint.readiness import hpa_metrics, readiness_problems
from readiness_helpers import SHIPPED_STACKS, plan_of, resource

HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"
CPU = {"metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 60}}}]}


def _plan(*, addon=False, chart=None, spec=CPU, cluster_type="aws:eks/cluster:Cluster"):
    cluster = resource("eks", cluster_type, {"name": "prod-us-west-2"}, region="us-west-2")
    provider = resource("k8s", "pulumi:providers:kubernetes", {}, dependencies=[cluster.urn], region="us-west-2")
    hpa = resource("hpa", HPA, {"spec": spec}, provider=provider.urn, region="us-west-2")
    extra = []
    if addon:
        extra.append(resource("ms", "aws:eks/addon:Addon", {"addonName": "metrics-server", "clusterName": "prod-us-west-2"},
                              region="us-west-2"))
    if chart:
        extra.append(resource("ms", "kubernetes:helm.sh/v3:Release", {"chart": chart}, provider=provider.urn))
    return plan_of(cluster, provider, hpa, *extra), hpa


def test_fails_without_metrics_server():
    plan, hpa = _plan()
    [problem] = hpa_metrics.check(plan)
    assert problem.check == "deploy-hpa-metrics" and problem.urn == hpa.urn
    assert "metrics-server" in problem.rule and "metrics-server.html" in problem.source


def test_fails_for_an_hpa_with_default_metrics():
    plan, hpa = _plan(spec={"maxReplicas": 3})
    assert [p.urn for p in hpa_metrics.check(plan)] == [hpa.urn]


@pytest.mark.parametrize("kwargs", [{"addon": True}, {"chart": "metrics-server"},
                                    {"chart": "oci://registry.example/charts/metrics-server"}])
def test_passes_with_the_addon_or_the_chart(kwargs):
    plan, _ = _plan(**kwargs)
    assert list(hpa_metrics.check(plan)) == []


def test_passes_for_external_metrics_only_and_for_gke():
    external = {"metrics": [{"type": "External", "external": {"metric": {"name": "queue"}}}]}
    assert list(hpa_metrics.check(_plan(spec=external)[0])) == []
    assert list(hpa_metrics.check(_plan(cluster_type="gcp:container/cluster:Cluster")[0])) == []


def test_an_addon_on_another_cluster_does_not_count():
    plan, hpa = _plan()
    plan.resources.append(resource("ms", "aws:eks/addon:Addon", {"addonName": "metrics-server", "clusterName": "other"},
                                   region="us-west-2"))
    assert [p.urn for p in hpa_metrics.check(plan)] == [hpa.urn]


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_shipped_stacks_serve_their_hpas(shipped_plan, stack):
    assert [p.message for p in hpa_metrics.check(shipped_plan(stack))] == []


def test_refuses_prod_without_its_metrics_server_addons(shipped_plan):
    plan = shipped_plan("prod")
    plan.resources = [r for r in plan.resources
                      if not (r.type == "aws:eks/addon:Addon" and r.inputs.get("addonName") == "metrics-server")]
    hpas = {r.urn for r in plan.of_type(HPA)}
    assert hpas
    assert {p.urn for p in readiness_problems(plan, only=["deploy-hpa-metrics"])} == hpas
