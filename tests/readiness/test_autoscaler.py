"""deploy-node-autoscaler: node groups that hand their size to cluster-autoscaler have one running."""

from __future__ import annotations

import pytest

from blueprint.readiness import autoscaler
from readiness_helpers import SHIPPED_STACKS, plan_of, resource

NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
RELEASE = "kubernetes:helm.sh/v3:Release"
TAGS = {"k8s.io/cluster-autoscaler/enabled": "true", "k8s.io/cluster-autoscaler/prod-us-west-2": "owned"}


def _plan(values=None, *, chart="cluster-autoscaler", tags=TAGS, with_release=True):
    cluster = resource("eks", "aws:eks/cluster:Cluster", {"name": "prod-us-west-2"}, region="us-west-2")
    provider = resource("k8s", "pulumi:providers:kubernetes", {}, dependencies=[cluster.urn], region="us-west-2")
    group = resource("gpu-a-spot", NODE_GROUP, {"clusterName": "prod-us-west-2", "tags": dict(tags),
                                                "scalingConfig": {"minSize": 0, "desiredSize": 0, "maxSize": 4}},
                     region="us-west-2")
    resources = [cluster, provider, group]
    if with_release:
        values = values if values is not None else {"autoDiscovery": {"clusterName": "prod-us-west-2"}, "awsRegion": "us-west-2"}
        resources.append(resource("ca", RELEASE, {"chart": chart, "values": values}, provider=provider.urn, region="us-west-2"))
    return plan_of(*resources), group


def test_passes_with_cluster_autoscaler_discovering_the_cluster():
    plan, _ = _plan()
    assert list(autoscaler.check(plan)) == []


def test_passes_for_a_group_that_does_not_claim_the_autoscaler():
    plan, _ = _plan(tags={}, with_release=False)
    assert list(autoscaler.check(plan)) == []


def test_fails_without_any_autoscaler():
    plan, group = _plan(with_release=False)
    [problem] = autoscaler.check(plan)
    assert problem.check == "deploy-node-autoscaler"
    assert problem.urn == group.urn and problem.name == "gpu-a-spot"
    assert problem.value["clusterName"] == "prod-us-west-2" and "minSize=0" in problem.rule
    assert "charts/cluster-autoscaler" in problem.source


@pytest.mark.parametrize("values, wrong", [
    ({"autoDiscovery": {"clusterName": "prod-us-east-1"}, "awsRegion": "us-west-2"}, "autoDiscovery.clusterName"),
    ({"autoDiscovery": {"clusterName": "prod-us-west-2"}}, "awsRegion"),  # chart default us-east-1
    ({"autoDiscovery": {"clusterName": "prod-us-west-2"}, "awsRegion": "us-west-2", "cloudProvider": "gce"}, "cloudProvider"),
])
def test_fails_when_the_autoscaler_would_not_manage_the_group(values, wrong):
    plan, group = _plan(values)
    [problem] = autoscaler.check(plan)
    assert problem.urn == group.urn and wrong in problem.rule


def test_karpenter_does_not_scale_managed_node_groups():
    plan, group = _plan({"settings": {"clusterName": "prod-us-west-2"}}, chart="karpenter")
    assert [p.urn for p in autoscaler.check(plan)] == [group.urn]


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_shipped_stack_runs_the_autoscaler_its_node_groups_claim(shipped_plan, stack):
    assert [p.message for p in autoscaler.check(shipped_plan(stack))] == []


def test_refuses_prod_without_its_autoscaler_release(shipped_plan):
    plan = shipped_plan("prod")
    plan.resources = [r for r in plan.resources if not (r.type == RELEASE and r.inputs.get("chart") == "cluster-autoscaler")]
    claiming = [g for g in plan.of_type(NODE_GROUP) if (g.inputs.get("tags") or {}).get("k8s.io/cluster-autoscaler/enabled") == "true"]
    assert claiming
    assert {p.urn for p in autoscaler.check(plan)} == {g.urn for g in claiming}
