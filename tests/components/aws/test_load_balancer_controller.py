"""LoadBalancerController: Pod Identity role scoped to the controller, documented policy, pinned chart."""

from __future__ import annotations

import json

import pulumi
import pytest
from pydantic import ValidationError

from blueprint.plan.engine import plan_program
from blueprint.components.aws.load_balancer_controller import CHART_VERSION, LoadBalancerController, LoadBalancerControllerArgs, controller_policy
from blueprint.components.k8s import cluster_provider
from tests.components._helpers import assert_pod_identity_role


@pytest.fixture(scope="module")
def plan():
    def program():
        provider = cluster_provider("k8s", "apiVersion: v1\nkind: Config\n")
        LoadBalancerController("lbc", LoadBalancerControllerArgs(cluster_name="prod", vpc_id="vpc-1", kubernetes_provider=provider))

    return plan_program(program, stack="test", config={"aws:region": "eu-central-1"})


def test_role_trusts_pod_identity_for_the_controller_only(plan):
    assert_pod_identity_role(plan, "lbc", "kube-system", "aws-load-balancer-controller", "prod")


def test_policy_is_the_documented_one(plan):
    assert json.loads(plan.named("lbc-policy").inputs["policy"]) == json.loads(controller_policy())
    actions = {a for s in json.loads(controller_policy())["Statement"] for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert "elasticloadbalancing:RegisterTargets" in actions


def test_chart_is_pinned_with_cluster_values(plan):
    release = plan.named("lbc-release")
    assert release.type == "kubernetes:helm.sh/v3:Release"
    assert release.inputs["chart"] == "aws-load-balancer-controller" and release.inputs["version"] == CHART_VERSION == "3.5.0"
    assert release.inputs["repositoryOpts"]["repo"] == "https://aws.github.io/eks-charts"
    values = release.inputs["values"]
    assert (values["clusterName"], values["region"], values["vpcId"]) == ("prod", "eu-central-1", "vpc-1")
    assert values["replicaCount"] == 2 and values["enableServiceMutatorWebhook"] is False
    assert plan.named("lbc-pod-identity").urn in release.dependencies


def test_fails_invalid_args():
    with pytest.raises(ValidationError, match="kubernetes_provider: .* is not a kubernetes.Provider"):
        LoadBalancerControllerArgs(cluster_name="c", vpc_id="v", kubernetes_provider="kubeconfig")
    with pytest.raises(ValidationError, match="chart_version: '1.0.0' does not match"):
        LoadBalancerControllerArgs(cluster_name="c", vpc_id="v", kubernetes_provider=None, chart_version="1.0.0")
