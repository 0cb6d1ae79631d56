"""FailoverProbe: the out-of-region probe that triggers a Region switch plan (issue 17): secure
defaults (least-privilege role, encrypted logs with retention, no reserved concurrency), placement in the
probing region, a high-resolution alarm, the survivor self-check, and the refusals."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws
import pytest
from pydantic import ValidationError

from blueprint.components.aws.failover_probe import (
    DEFAULT_NAMESPACE, HANDLER_FILE, RUNTIME, SCHEDULE, SELF_METRIC_NAME, FailoverProbe, FailoverProbeArgs, probe_policy,
)
from blueprint.plan.engine import plan_program

PROBE, WATCHED = "us-west-2", "us-east-1"
KEY = "arn:aws:kms:us-west-2:123456789012:key/11111111-2222-3333-4444-555555555555"
TOPIC = "arn:aws:sns:us-west-2:123456789012:alarms"
SELF = "fraud-2.us-west-2.elb.amazonaws.com"


def _args(**overrides) -> FailoverProbeArgs:
    values = dict(workload="fraud-scoring", probe_region=PROBE, watched_region=WATCHED,
                  target_host="fraud-1.us-east-1.elb.amazonaws.com", server_name="fraud-scoring.ml.example.com",
                  path="/ready", period_s=10, datapoints_to_alarm=2, evaluation_periods=3, kms_key_arn=KEY,
                  alarm_topic_arns=[TOPIC], tags={"blueprint:workload": "fraud-scoring"})
    values.update(overrides)
    return FailoverProbeArgs(**values)


@pytest.fixture(scope="module")
def plan():
    def program():
        provider = aws.Provider("aws-probe", region=PROBE)
        FailoverProbe("fraud-probe-us-east-1", _args(self_host=SELF), pulumi.ResourceOptions(providers=[provider]))

    return plan_program(program, stack="test", config={"aws:region": PROBE})


def test_every_regional_child_lives_in_the_probing_region_never_the_watched_one(plan):
    regional = [r for r in plan.resources if r.type.startswith(("aws:lambda/", "aws:cloudwatch/"))]
    assert len(regional) == 8 and {r.region for r in regional} == {PROBE}


def test_role_may_only_publish_its_namespace_and_write_its_own_logs(plan):
    role = plan.named("fraud-probe-us-east-1-role").inputs
    assert json.loads(role["assumeRolePolicy"])["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}
    statements = {s["Sid"]: s for s in json.loads(plan.named("fraud-probe-us-east-1-policy").inputs["policy"])["Statement"]}
    assert set(statements) == {"PublishProbeMetric", "ReadOwnMetricToArm", "OwnLogStreams"}
    assert statements["ReadOwnMetricToArm"]["Action"] == "cloudwatch:GetMetricStatistics"  # read-only, to arm
    assert statements["PublishProbeMetric"]["Action"] == "cloudwatch:PutMetricData"
    assert statements["PublishProbeMetric"]["Condition"] == {"StringEquals": {"cloudwatch:namespace": DEFAULT_NAMESPACE}}
    logs = plan.named("fraud-probe-us-east-1-logs")
    assert statements["OwnLogStreams"]["Resource"] == f"{logs.outputs['arn']}:*"


def test_logs_are_encrypted_with_the_cmk_and_kept_a_year(plan):
    logs = plan.named("fraud-probe-us-east-1-logs").inputs
    assert logs["kmsKeyId"] == KEY and logs["retentionInDays"] == 365
    function = plan.named("fraud-probe-us-east-1-function").inputs
    assert function["loggingConfig"]["logGroup"] == plan.named("fraud-probe-us-east-1-logs").outputs["name"]


def test_function_runs_every_minute_outside_any_vpc_without_reserved_concurrency(plan):
    function = plan.named("fraud-probe-us-east-1-function").inputs
    assert function["runtime"] == RUNTIME == "python3.13" and function["handler"] == "index.handler"
    # Finding 6: a reservation needs 100 unreserved above it and fails the deploy on low-quota accounts.
    assert "reservedConcurrentExecutions" not in function and function["timeout"] == 200
    # Review finding 4: each run probes longer than the schedule's worst gap (120 s) plus its reads: runs overlap.
    assert function["environment"]["variables"]["RUN_S"] == "160"
    assert "vpcConfig" not in function
    env = function["environment"]["variables"]
    assert env["WATCHED_REGION"] == WATCHED and env["PERIOD_S"] == "10" and env["PATH_TO_PROBE"] == "/ready"
    assert env["SELF_HOST"] == SELF and env["PROBE_REGION"] == PROBE
    assert plan.named("fraud-probe-us-east-1-schedule").inputs["scheduleExpression"] == SCHEDULE == "rate(1 minute)"
    permission = plan.named("fraud-probe-us-east-1-invoke").inputs
    assert permission["principal"] == "events.amazonaws.com"
    assert permission["sourceArn"] == plan.named("fraud-probe-us-east-1-schedule").outputs["arn"]


def test_the_shipped_code_is_the_handler_module():
    assert "def handler(event" in HANDLER_FILE.read_text()


def test_trigger_alarm_is_high_resolution_m_of_n_and_silence_is_no_failover(plan):
    alarm = plan.named("fraud-probe-us-east-1-alarm").inputs
    assert (alarm["period"], alarm["datapointsToAlarm"], alarm["evaluationPeriods"]) == (10, 2, 3)
    assert alarm["dimensions"] == {"Workload": "fraud-scoring", "WatchedRegion": WATCHED}
    assert alarm["statistic"] == "Minimum" and alarm["comparisonOperator"] == "LessThanThreshold" and alarm["threshold"] == 1
    assert alarm["treatMissingData"] == "notBreaching" and alarm["alarmActions"] == [TOPIC]


def test_survivor_alarm_checks_the_probing_region_and_silence_is_not_green(plan):
    # Finding 2: the plan fails over only while this one is green (region_switch_plan.py).
    survivor = plan.named("fraud-probe-us-east-1-survivor").inputs
    assert survivor["metricName"] == SELF_METRIC_NAME and survivor["dimensions"] == {"Workload": "fraud-scoring", "WatchedRegion": PROBE}
    assert (survivor["period"], survivor["datapointsToAlarm"], survivor["evaluationPeriods"]) == (10, 2, 3)
    assert survivor["statistic"] == "Minimum" and survivor["treatMissingData"] == "breaching"


def test_no_survivor_alarm_without_self_host():
    assert _args().self_host is None


def test_probe_silence_pages_on_its_own_alarm(plan):
    silent = plan.named("fraud-probe-us-east-1-silent").inputs
    assert silent["treatMissingData"] == "breaching" and silent["statistic"] == "SampleCount"
    assert silent["alarmActions"] == [TOPIC]


def test_probe_policy_has_no_other_action():
    actions = [s["Action"] for s in json.loads(probe_policy("arn:aws:logs:r:1:log-group:x", "N"))["Statement"]]
    assert actions == ["cloudwatch:PutMetricData", "cloudwatch:GetMetricStatistics", ["logs:CreateLogStream", "logs:PutLogEvents"]]


# --- failures ------------------------------------------------------------------------------------


def test_fails_probe_in_the_region_it_watches():
    with pytest.raises(ValidationError, match="probe_region: 'us-east-1' equals watched_region"):
        _args(probe_region=WATCHED)


def test_fails_more_datapoints_than_periods():
    with pytest.raises(ValidationError, match="datapoints_to_alarm: 4 exceeds evaluation_periods 3"):
        _args(datapoints_to_alarm=4)


def test_fails_period_cloudwatch_does_not_offer():
    with pytest.raises(ValidationError, match="period_s"):
        _args(period_s=15)


def test_fails_attempts_that_do_not_fit_the_slot():
    with pytest.raises(ValidationError, match="attempt_timeout_s: 10 s leaves no room for the publish in a 10 s slot"):
        _args(attempt_timeout_s=10)


def test_fails_short_log_retention():
    with pytest.raises(ValidationError, match="log_retention_days: 30 is not one of"):
        _args(log_retention_days=30)


def test_fails_reserved_namespace():
    with pytest.raises(ValidationError, match="'AWS/' namespaces are reserved"):
        _args(namespace="AWS/Probe")


def test_fallback_targets_reach_the_handler_with_their_readiness_path():
    # Review finding 1: a region serving from its fallback is degraded, not lost.
    def program():
        provider = aws.Provider("aws-probe-fb", region=PROBE)
        FailoverProbe("fb-probe", _args(self_host=SELF, target_fallback_host="fb-1.elb", self_fallback_host="fb-2.elb",
                                        fallback_path="/fallback-ready"), pulumi.ResourceOptions(providers=[provider]))

    env = plan_program(program, stack="test", config={"aws:region": PROBE}).named("fb-probe-function").inputs["environment"]["variables"]
    assert (env["TARGET_FALLBACK_HOST"], env["SELF_FALLBACK_HOST"], env["FALLBACK_PATH"]) == ("fb-1.elb", "fb-2.elb", "/fallback-ready")


def test_fails_a_self_fallback_without_self_host():
    with pytest.raises(ValidationError, match="self_fallback_host: given without self_host"):
        _args(self_fallback_host="fb-2.elb")


def test_no_fallback_no_fallback_environment(plan):
    env = plan.named("fraud-probe-us-east-1-function").inputs["environment"]["variables"]
    assert not {"TARGET_FALLBACK_HOST", "SELF_FALLBACK_HOST", "FALLBACK_PATH"} & set(env)
