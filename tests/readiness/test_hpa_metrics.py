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
    # Served workloads scale through KEDA ScaledObjects (request rate + cpu) or CPU HPAs: both need it.
    autoscalers = {r.urn for r in plan.of_type(HPA)} | {r.urn for r in plan.of_type("kubernetes:keda.sh/v1alpha1:ScaledObject")}
    assert autoscalers
    assert {p.urn for p in readiness_problems(plan, only=["deploy-hpa-metrics"])} == autoscalers


def test_refuses_prod_without_its_keda_releases(shipped_plan):
    plan = shipped_plan("prod")
    scaled = {r.urn for r in plan.of_type("kubernetes:keda.sh/v1alpha1:ScaledObject")}
    assert scaled  # the shipped prod stack states requestsPerSecondPerPod
    plan.resources = [r for r in plan.resources if not (r.type == "kubernetes:helm.sh/v3:Release" and r.inputs.get("chart") == "keda")]
    problems = list(readiness_problems(plan, only=["deploy-hpa-metrics"]))
    assert {p.urn for p in problems} == scaled and all("chart 'keda'" in p.rule for p in problems)


# --- KEDA ScaledObjects -------------------------------------------------------------------------

SO = "kubernetes:keda.sh/v1alpha1:ScaledObject"
TRIGGERS = {"triggers": [{"type": "aws-cloudwatch", "metadata": {"metricName": "RequestCountPerTarget"}},
                         {"type": "cpu", "metricType": "Utilization", "metadata": {"value": "50"}}]}


def _keda_plan(*, keda=True, waits=True, values=None, addon=True, cluster_type="aws:eks/cluster:Cluster", spec=TRIGGERS):
    cluster = resource("eks", cluster_type, {"name": "prod-us-west-2"}, region="us-west-2")
    provider = resource("k8s", "pulumi:providers:kubernetes", {}, dependencies=[cluster.urn], region="us-west-2")
    extra = []
    if keda:
        extra.append(resource("keda-release", "kubernetes:helm.sh/v3:Release", {"chart": "keda", "values": values or {}},
                              provider=provider.urn))
    if addon:
        extra.append(resource("ms", "aws:eks/addon:Addon", {"addonName": "metrics-server", "clusterName": "prod-us-west-2"},
                              region="us-west-2"))
    deps = [extra[0].urn] if keda and waits else []
    so = resource("so", SO, {"spec": spec}, provider=provider.urn, region="us-west-2", dependencies=deps)
    return plan_of(cluster, provider, so, *extra), so


def test_scaled_object_passes_with_keda_and_metrics_server():
    plan, _ = _keda_plan()
    assert list(hpa_metrics.check(plan)) == []


@pytest.mark.parametrize("kwargs", [{"keda": False}, {"values": {"crds": {"install": False}}},
                                    {"values": {"metricsServer": {"enabled": False}}}])
def test_fails_scaled_object_without_keda_crds_or_metrics_api(kwargs):
    plan, so = _keda_plan(**kwargs)
    [problem] = hpa_metrics.check(plan)
    assert problem.urn == so.urn and "no Helm release of chart 'keda'" in problem.rule
    assert "kedacore/charts" in problem.source


def test_fails_scaled_object_applied_before_keda():
    plan, so = _keda_plan(waits=False)
    [problem] = hpa_metrics.check(plan)
    assert problem.urn == so.urn and "does not wait for the KEDA release" in problem.rule


def test_fails_cpu_trigger_on_eks_without_metrics_server():
    plan, so = _keda_plan(addon=False)
    [problem] = hpa_metrics.check(plan)
    assert problem.urn == so.urn and "cpu/memory trigger" in problem.rule and problem.value["triggers"] == ["aws-cloudwatch", "cpu"]


def test_scaled_object_on_gke_or_without_cpu_needs_no_metrics_server():
    assert list(hpa_metrics.check(_keda_plan(addon=False, cluster_type="gcp:container/cluster:Cluster")[0])) == []
    traffic_only = {"triggers": TRIGGERS["triggers"][:1]}
    assert list(hpa_metrics.check(_keda_plan(addon=False, spec=traffic_only)[0])) == []


def test_fails_gke_scaled_object_without_keda():
    plan, so = _keda_plan(keda=False, addon=False, cluster_type="gcp:container/cluster:Cluster")
    assert [p.urn for p in hpa_metrics.check(plan)] == [so.urn]
