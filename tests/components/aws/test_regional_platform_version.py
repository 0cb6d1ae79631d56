"""RegionalPlatform: one Kubernetes minor for the EKS cluster and the cluster-autoscaler's chart. Before,
the autoscaler always got the default minor, so a cluster on another minor ran a mismatched autoscaler
(the chart's appVersion must match the cluster's minor: kubernetes/autoscaler README, version table)."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pytest
from pydantic import ValidationError

from blueprint.catalogs.kubernetes import KUBERNETES_VERSION
from blueprint.plan.engine import plan_program
from blueprint.components.aws.cluster_autoscaler import CHART_BY_KUBERNETES_MINOR
from blueprint.components.aws.regional_platform import RegionalPlatform, RegionalPlatformArgs

REGION = "us-east-1"
ZONES = ("us-east-1a", "us-east-1b")


def _plan(**over):
    args = RegionalPlatformArgs(environment="prod", zones=ZONES, **over)

    def program():
        provider = aws.Provider(f"aws-{REGION}", region=REGION)
        RegionalPlatform("prod-us-east-1", args, pulumi.ResourceOptions(providers=[provider]))

    return plan_program(program, stack="test", config={"aws:region": REGION})


def _versions(plan) -> tuple[str, str]:
    (cluster,) = plan.of_type("aws:eks/cluster:Cluster")
    (chart,) = [r for r in plan.of_type("kubernetes:helm.sh/v3:Release") if r.inputs.get("chart") == "cluster-autoscaler"]
    return cluster.inputs["version"], chart.inputs["version"]


def test_default_is_the_catalog_minor():
    assert RegionalPlatformArgs(environment="prod", zones=ZONES).kubernetes_version == KUBERNETES_VERSION


def test_a_non_default_minor_reaches_the_cluster_and_the_autoscaler():
    other = next(v for v in sorted(CHART_BY_KUBERNETES_MINOR) if v != KUBERNETES_VERSION)
    assert _versions(_plan(kubernetes_version=other)) == (other, CHART_BY_KUBERNETES_MINOR[other])


def test_fails_a_minor_without_an_autoscaler_chart():
    with pytest.raises(ValidationError, match="kubernetes_version: '1.29' has no pinned cluster-autoscaler chart"):
        RegionalPlatformArgs(environment="prod", zones=ZONES, kubernetes_version="1.29")
    # Without the autoscaler the pin is not needed.
    assert RegionalPlatformArgs(environment="prod", zones=ZONES, kubernetes_version="1.34", cluster_autoscaler=False)
