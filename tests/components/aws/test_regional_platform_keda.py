"""RegionalPlatform (AWS) with traffic_scaling: KEDA and its CloudWatch-reading Pod Identity role in the
region's cluster; off by default (the HPAs then scale on CPU through metrics-server)."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pytest
from pydantic import ValidationError

from blueprint.plan.engine import plan_program
from blueprint.components.aws.regional_platform import RegionalPlatform, RegionalPlatformArgs

REGION = "us-east-1"
ZONES = ("us-east-1a", "us-east-1b")


def _plan(**over):
    args = RegionalPlatformArgs(environment="prod", zones=ZONES, cluster_autoscaler=False, **over)

    def program():
        provider = aws.Provider(f"aws-{REGION}", region=REGION)
        RegionalPlatform("prod-us-east-1", args, pulumi.ResourceOptions(providers=[provider]))

    return plan_program(program, stack="test", config={"aws:region": REGION})


def test_traffic_scaling_defaults_off():
    assert RegionalPlatformArgs(environment="prod", zones=ZONES).traffic_scaling is False


def test_keda_and_its_identity_only_with_traffic_scaling():
    assert not _plan().of_type("blueprint:k8s:Keda")
    plan = _plan(traffic_scaling=True)
    (keda,) = plan.of_type("blueprint:k8s:Keda")
    assert keda.name == "prod-us-east-1-keda" and keda.region == REGION
    (release,) = [r for r in plan.of_type("kubernetes:helm.sh/v3:Release") if r.inputs.get("chart") == "keda"]
    association = plan.named("prod-us-east-1-keda-identity-pod-identity")
    assert association.inputs["clusterName"] == "prod-us-east-1" and association.urn in release.dependencies
    assert plan.named("prod-us-east-1-keda-trigger-authentication").inputs["spec"]["podIdentity"]["provider"] == "aws"


def test_fails_traffic_scaling_without_a_cluster():
    with pytest.raises(ValidationError, match="traffic_scaling: KEDA runs in the region's EKS cluster"):
        RegionalPlatformArgs(environment="prod", zones=ZONES, network=False, cluster=False, traffic_scaling=True)
