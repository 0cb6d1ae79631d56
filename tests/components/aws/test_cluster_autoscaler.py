"""ClusterAutoscaler: Pod Identity role scoped to the autoscaler, documented policy limited to this
cluster's ASGs, chart pinned to the cluster's Kubernetes minor, zone-balancing flags; validation."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from blueprint.catalogs.kubernetes import KUBERNETES_VERSION
from blueprint.plan.engine import plan_program
from blueprint.plan.mocks import ACCOUNT_ID
from blueprint.components.aws.cluster_autoscaler import (
    CHART_BY_KUBERNETES_MINOR,
    ClusterAutoscaler,
    ClusterAutoscalerArgs,
    autoscaler_policy,
)
from blueprint.components.k8s import cluster_provider
from tests.components._helpers import assert_pod_identity_role


@pytest.fixture(scope="module")
def plan():
    def program():
        provider = cluster_provider("k8s", "apiVersion: v1\nkind: Config\n")
        ClusterAutoscaler("ca", ClusterAutoscalerArgs(cluster_name="prod", kubernetes_provider=provider, tags={"team": "ml"}))

    return plan_program(program, stack="test", config={"aws:region": "us-west-2"})


def _actions(statement: dict) -> set[str]:
    return set(statement["Action"])


def test_role_trusts_pod_identity_for_the_autoscaler_only(plan):
    assert_pod_identity_role(plan, "ca", "kube-system", "cluster-autoscaler", "prod")


def test_policy_is_the_documented_one_and_resizes_only_this_clusters_groups(plan):
    policy = json.loads(plan.named("ca-policy").inputs["policy"])
    assert policy == json.loads(autoscaler_policy("prod", "aws", "us-west-2", ACCOUNT_ID))
    describe, nodegroups, resize = policy["Statement"]
    # cloudprovider/aws/README.md "Full Cluster Autoscaler Features Policy", every action kept
    assert _actions(describe) | _actions(nodegroups) | _actions(resize) == {
        "autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances",
        "autoscaling:DescribeLaunchConfigurations", "autoscaling:DescribeScalingActivities", "ec2:DescribeImages",
        "ec2:DescribeInstanceTypes", "ec2:DescribeLaunchTemplateVersions", "ec2:GetInstanceTypesFromInstanceRequirements",
        "eks:DescribeNodegroup", "autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup",
    }
    assert nodegroups["Resource"] == [f"arn:aws:eks:us-west-2:{ACCOUNT_ID}:nodegroup/prod/*/*"]
    assert _actions(resize) == {"autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"}
    assert resize["Resource"] == [f"arn:aws:autoscaling:us-west-2:{ACCOUNT_ID}:autoScalingGroup:*:autoScalingGroupName/*"]
    assert resize["Condition"] == {"Null": {"aws:ResourceTag/k8s.io/cluster-autoscaler/prod": "false"}}
    assert plan.named("ca-policy-attachment").inputs["policyArn"]


def test_chart_is_pinned_to_the_clusters_minor_with_discovery_values(plan):
    release = plan.named("ca-release")
    assert release.type == "kubernetes:helm.sh/v3:Release"
    assert release.inputs["chart"] == "cluster-autoscaler"
    assert release.inputs["version"] == CHART_BY_KUBERNETES_MINOR[KUBERNETES_VERSION]
    assert CHART_BY_KUBERNETES_MINOR["1.35"] == "9.59.0"  # appVersion 1.35.0
    assert release.inputs["repositoryOpts"]["repo"] == "https://kubernetes.github.io/autoscaler"
    assert release.inputs["namespace"] == "kube-system"
    values = release.inputs["values"]
    assert values["autoDiscovery"] == {"clusterName": "prod"}
    assert values["cloudProvider"] == "aws" and values["awsRegion"] == "us-west-2"
    assert values["rbac"]["serviceAccount"] == {"create": True, "name": "cluster-autoscaler"}
    assert values["replicaCount"] == 2 and values["podDisruptionBudget"] == {"maxUnavailable": 1}
    assert values["nodeSelector"] == {"blueprint.dev/node-role": "system"}
    assert plan.named("ca-pod-identity").urn in release.dependencies


def test_flags_balance_zones_keep_emptydir_nodes_scalable_and_prefer_on_demand(plan):
    values = plan.named("ca-release").inputs["values"]
    args = values["extraArgs"]
    assert args["balance-similar-node-groups"] is True
    assert args["skip-nodes-with-local-storage"] is False
    assert args["expander"] == "priority,least-waste"
    assert (args["scale-down-unneeded-time"], args["scale-down-delay-after-add"]) == ("10m", "10m")
    priorities = values["expanderPriorities"]
    assert priorities == {"10": [".*"], "20": [".*-spot-[0-9a-f]{26}-.*"], "30": [".*-on-demand-[0-9a-f]{26}-.*"]}


def test_role_and_association_are_tagged(plan):
    assert plan.named("ca-role").inputs["tags"]["team"] == "ml"
    assert plan.named("ca-pod-identity").inputs["tags"]["team"] == "ml"


def test_fails_invalid_args():
    with pytest.raises(ValidationError, match="kubernetes_provider: .* is not a kubernetes.Provider"):
        ClusterAutoscalerArgs(cluster_name="c", kubernetes_provider="kubeconfig")
    with pytest.raises(ValidationError, match="kubernetes_version: '1.29' has no pinned cluster-autoscaler chart"):
        ClusterAutoscalerArgs(cluster_name="c", kubernetes_provider=None, kubernetes_version="1.29")
    with pytest.raises(ValidationError, match="replicas: 0 is outside 1..3"):
        ClusterAutoscalerArgs(cluster_name="c", kubernetes_provider=None, replicas=0)
    with pytest.raises(ValidationError, match="scale_down_unneeded_time: '10 minutes' is not a duration"):
        ClusterAutoscalerArgs(cluster_name="c", kubernetes_provider=None, scale_down_unneeded_time="10 minutes")


def test_defaults_are_documented_values():
    args = ClusterAutoscalerArgs(cluster_name="c", kubernetes_provider=cluster_provider("k8s-defaults", "apiVersion: v1\nkind: Config\n"))
    assert args.kubernetes_version == KUBERNETES_VERSION
    assert args.replicas == 2
    assert (args.scale_down_unneeded_time, args.scale_down_delay_after_add) == ("10m", "10m")


def test_every_regional_platform_with_a_cluster_installs_it_by_default():
    from blueprint.components.aws.regional_platform import RegionalPlatformArgs

    assert RegionalPlatformArgs(environment="prod", zones=("us-east-1a", "us-east-1b")).cluster_autoscaler is True
