"""blueprint.components.aws.traffic_trigger: the KEDA aws-cloudwatch trigger on the ALB target group's request
count (metadata values, requests/s per pod -> requests per minute) and the KEDA operator's Pod Identity
role (trusted by keda/keda-operator of this cluster only, cloudwatch:GetMetricData only)."""

from __future__ import annotations

import json

import pulumi
import pytest
from pydantic import ValidationError

from blueprint.plan.engine import plan_program
from blueprint.components.aws.traffic_trigger import (
    AlbRequestRateTriggerArgs,
    KedaCloudWatchReader,
    KedaCloudWatchReaderArgs,
    alb_request_rate_trigger,
    keda_cloudwatch_policy,
    requests_per_period,
)
from tests.components._helpers import assert_pod_identity_role

LB = "app/fraud-us-east-1/50dc6c495c0c9188"
TG = "targetgroup/fraud-us-east-1/943f017f100becff"


def _args(rps: float = 12.5) -> AlbRequestRateTriggerArgs:
    return AlbRequestRateTriggerArgs(region="us-east-1", load_balancer_arn_suffix=LB, target_group_arn_suffix=TG,
                                     requests_per_second_per_pod=rps)


@pytest.fixture(scope="module")
def plan():
    def program():
        pulumi.export("trigger", alb_request_rate_trigger(_args()))
        KedaCloudWatchReader("keda-identity", KedaCloudWatchReaderArgs(cluster_name="prod-us-east-1", tags={"team": "ml"}))

    return plan_program(program, stack="test", config={"aws:region": "us-east-1"})


def test_trigger_reads_the_target_groups_request_count_per_minute(plan):
    trigger = plan.outputs["trigger"]
    assert trigger["type"] == "aws-cloudwatch" and "authenticationRef" not in trigger
    assert trigger["metadata"] == {
        "namespace": "AWS/ApplicationELB", "metricName": "RequestCount",
        # dimension names and values in the same order, ';'-separated
        "dimensionName": "TargetGroup;LoadBalancer", "dimensionValue": f"{TG};{LB}",
        "metricStat": "Sum", "metricStatPeriod": "60", "metricCollectionTime": "180", "metricEndTimeOffset": "60",
        "targetMetricValue": "750", "minMetricValue": "0", "awsRegion": "us-east-1",
    }
    # identityOwner belongs to the deprecated aws-eks provider; the ClusterTriggerAuthentication decides.
    assert "identityOwner" not in trigger["metadata"]


@pytest.mark.parametrize("rps, per_minute", [(1, 60), (12.5, 750), (0.5, 30), (10000, 600000)])
def test_requests_per_second_become_requests_per_metric_period(rps, per_minute):
    assert requests_per_period(rps) == per_minute


def test_collection_window_is_a_multiple_of_the_period_keda_accepts(plan):
    meta = plan.outputs["trigger"]["metadata"]
    period, window = int(meta["metricStatPeriod"]), int(meta["metricCollectionTime"])
    # kedacore/keda aws_cloudwatch_scaler.go Validate: metricCollectionTime % metricStatPeriod == 0
    assert window % period == 0 and window >= 2 * period


def test_role_trusts_the_keda_operator_of_this_cluster_only(plan):
    assert_pod_identity_role(plan, "keda-identity", "keda", "keda-operator", "prod-us-east-1")


def test_policy_allows_get_metric_data_only(plan):
    policy = json.loads(plan.named("keda-identity-policy").inputs["policy"])
    assert policy == json.loads(keda_cloudwatch_policy())
    (stmt,) = policy["Statement"]
    assert stmt["Action"] == ["cloudwatch:GetMetricData"] and stmt["Effect"] == "Allow" and stmt["Resource"] == "*"


@pytest.mark.parametrize("rps", [0, -1, 10001])
def test_fails_a_request_rate_out_of_range(rps):
    with pytest.raises(ValidationError, match="requests_per_second_per_pod"):
        _args(rps)


def test_fails_requests_per_period_without_a_positive_rate():
    with pytest.raises(ValueError, match="requests_per_second_per_pod: 0 must be > 0"):
        requests_per_period(0)


def test_fails_without_a_region():
    with pytest.raises(ValidationError, match="region"):
        AlbRequestRateTriggerArgs(region="", load_balancer_arn_suffix=LB, target_group_arn_suffix=TG, requests_per_second_per_pod=1)
