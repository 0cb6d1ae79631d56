"""The failover probe's direct start of its Region switch plan (issue 17): the role may start exactly its plan
and read exactly the parameter holding the plan's ARN; the function is told what to start; a FailoverStarted
alarm tells the alarm topic; the plan writes the parameter after it exists (no cycle); and the refusals."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pulumi
import pulumi_aws as aws
import pytest
from pydantic import ValidationError

from blueprint.components.aws.failover_probe import START_METRIC_NAME, DirectStart, FailoverProbe, FailoverProbeArgs
from blueprint.components.aws.region_switch_plan import RegionSwitchPlan, RegionSwitchPlanArgs, TriggerAlarm
from blueprint.plan.engine import plan_program
from blueprint.types import aws as T

PROBE, WATCHED, ACCOUNT = "us-west-2", "us-east-1", "123456789012"
KEY = f"arn:aws:kms:{PROBE}:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
TOPIC = f"arn:aws:sns:{PROBE}:{ACCOUNT}:alarms"
PARAMETER = "/blueprint/region-switch/prod-fraud-scoring/us-east-1/plan-arn"
START = DirectStart(plan_name="prod-fraud-scoring", parameter_name=PARAMETER, action="deactivate", target_region=WATCHED)


def _args(**overrides) -> FailoverProbeArgs:
    values = dict(workload="fraud-scoring", probe_region=PROBE, watched_region=WATCHED,
                  target_host="fraud-1.us-east-1.elb.amazonaws.com", server_name="fraud-scoring.ml.example.com",
                  path="/ready", period_s=10, datapoints_to_alarm=2, evaluation_periods=3, kms_key_arn=KEY,
                  alarm_topic_arns=[TOPIC], self_host="fraud-2.us-west-2.elb.amazonaws.com", direct_start=START)
    values.update(overrides)
    return FailoverProbeArgs(**values)


@pytest.fixture(scope="module")
def plan():
    def program():
        provider = aws.Provider("aws-probe", region=PROBE)
        FailoverProbe("fraud-probe-us-east-1", _args(), pulumi.ResourceOptions(providers=[provider]))

    return plan_program(program, stack="test", config={"aws:region": PROBE})


def _statements(plan) -> dict:
    return {s["Sid"]: s for s in json.loads(plan.named("fraud-probe-us-east-1-policy").inputs["policy"])["Statement"]}


def test_role_may_start_only_its_plan_and_read_only_its_parameter(plan):
    statements = _statements(plan)
    assert set(statements) == {"PublishProbeMetric", "ReadOwnMetricToArm", "OwnLogStreams", "StartItsPlan", "ReadItsPlanArn"}
    assert statements["StartItsPlan"]["Action"] == "arc-region-switch:StartPlanExecution"
    # The plan's name is unique in the account; its ARN suffix is generated (API_Plan arn), in both documented forms.
    assert statements["StartItsPlan"]["Resource"] == [f"arn:aws:arc-region-switch::{ACCOUNT}:plan/prod-fraud-scoring:*",
                                                      f"arn:aws:arc-region-switch::{ACCOUNT}:plan/prod-fraud-scoring/*"]
    assert statements["ReadItsPlanArn"] == {
        "Sid": "ReadItsPlanArn", "Effect": "Allow", "Action": "ssm:GetParameter",
        "Resource": f"arn:aws:ssm:{PROBE}:{ACCOUNT}:parameter/blueprint/region-switch/prod-fraud-scoring/us-east-1/plan-arn"}
    actions = json.dumps([s["Action"] for s in statements.values()])
    assert "iam:PassRole" not in actions and "sns:" not in actions and "kms:" not in actions


def test_function_is_told_what_to_start_and_after_how_many_slots(plan):
    env = plan.named("fraud-probe-us-east-1-function").inputs["environment"]["variables"]
    assert {k: v for k, v in env.items() if k.startswith("START_")} == {
        "START_PLAN_PARAMETER": PARAMETER, "START_ACTION": "deactivate", "START_TARGET_REGION": WATCHED,
        "START_AFTER_SLOTS": "2", "START_MIN_INTERVAL_S": "3600"}


def test_a_start_notifies_the_alarm_topic_through_its_metric(plan):
    started = plan.named("fraud-probe-us-east-1-started")
    assert started.region == PROBE
    inputs = started.inputs
    assert inputs["metricName"] == START_METRIC_NAME == "FailoverStarted" and inputs["statistic"] == "Maximum"
    assert inputs["comparisonOperator"] == "GreaterThanOrEqualToThreshold" and inputs["threshold"] == 1
    assert inputs["treatMissingData"] == "notBreaching" and inputs["alarmActions"] == [TOPIC]
    assert inputs["dimensions"] == {"Workload": "fraud-scoring", "WatchedRegion": WATCHED}


def test_default_is_no_direct_start():
    args = _args(direct_start=None)
    assert args.direct_start is None and DirectStart.model_fields["min_interval_minutes"].default == 60


def test_without_direct_start_the_probe_is_unchanged():
    def program():
        provider = aws.Provider("aws-probe", region=PROBE)
        FailoverProbe("plain-probe", _args(direct_start=None), pulumi.ResourceOptions(providers=[provider]))

    plain = plan_program(program, stack="test", config={"aws:region": PROBE})
    env = plain.named("plain-probe-function").inputs["environment"]["variables"]
    assert not [k for k in env if k.startswith("START_")]
    assert "plain-probe-started" not in {r.name for r in plain.resources}
    assert len(json.loads(plain.named("plain-probe-policy").inputs["policy"])["Statement"]) == 3


# --- the plan writes the parameter after itself: no cycle ------------------------------------------


def test_the_plan_writes_its_arn_to_the_probes_parameter_after_it_exists():
    trigger = TriggerAlarm(alarm_arn=f"arn:aws:cloudwatch:{PROBE}:{ACCOUNT}:alarm:probe", alarm_region=PROBE,
                           survivor_alarm_arn=f"arn:aws:cloudwatch:{PROBE}:{ACCOUNT}:alarm:survivor", start_parameter=PARAMETER)

    def program():
        provider = aws.Provider("aws-primary", region=WATCHED)
        RegionSwitchPlan("fraud-rs", RegionSwitchPlanArgs(
            plan_name="prod-fraud-scoring", workload="fraud-scoring", recovery_approach="activePassive",
            primary_region=WATCHED, secondary_region=PROBE, recovery_time_objective_minutes=2, approval="automatic",
            hosted_zone_id="Z123", record_name="fraud-scoring.ml.example.com", trigger_alarms={WATCHED: trigger}),
            pulumi.ResourceOptions(providers=[provider]))

    planned = plan_program(program, stack="test", config={"aws:region": WATCHED})
    parameter, rs_plan = planned.named(f"fraud-rs-arn-{PROBE}"), planned.named("fraud-rs-plan")
    assert parameter.type == T.SSM_PARAMETER and parameter.region == PROBE
    assert parameter.inputs["name"] == PARAMETER and parameter.inputs["type"] == "String"
    assert parameter.inputs["insecureValue"] == rs_plan.outputs["arn"] and rs_plan.urn in parameter.dependencies
    assert parameter.urn not in (rs_plan.dependencies or [])


def test_start_parameter_default_is_none():
    assert TriggerAlarm.model_fields["start_parameter"].default is None


@pytest.fixture(scope="module")
def prod():
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "analysis"))
    from resilience_plans import ROOT, plan_file

    return plan_file(ROOT / "stacks" / "Pulumi.prod.yaml")


def test_on_prod_the_probe_exists_before_the_plan_and_the_parameter_after_it(prod):
    """The plan names the probe's alarms; the function never depends on the plan or its parameter (it reads the
    parameter at run time); the parameter depends on the plan: plan order probe -> plan -> parameter."""
    function = prod.named("fraud-scoring-probe-us-east-1-function")
    parameter = prod.named("fraud-scoring-region-switch-arn-us-west-2")
    rs_plan = prod.named("fraud-scoring-region-switch-plan")
    assert function.inputs["environment"]["variables"]["START_PLAN_PARAMETER"] == parameter.inputs["name"]
    assert parameter.region == function.region == "us-west-2" and rs_plan.urn in parameter.dependencies
    assert rs_plan.urn not in (function.dependencies or []) and parameter.urn not in (function.dependencies or [])
    assert prod.named("fraud-scoring-probe-us-east-1-alarm").urn in rs_plan.dependencies or \
        prod.named("fraud-scoring-probe-us-east-1-alarm").outputs["arn"] in json.dumps(rs_plan.inputs)


def test_on_prod_each_probe_starts_what_its_plan_trigger_would(prod):
    """Active/active fraud-scoring deactivates the watched region; active/passive recommendations activates the
    probing one (region_switch_plan.plan_triggers)."""
    triggers = {t["targetRegion"]: t["action"] for t in prod.named("fraud-scoring-region-switch-plan").inputs["triggers"]}
    for watched, probing in (("us-east-1", "us-west-2"), ("us-west-2", "us-east-1")):
        env = prod.named(f"fraud-scoring-probe-{watched}-function").inputs["environment"]["variables"]
        assert (env["START_ACTION"], env["START_TARGET_REGION"]) == ("deactivate", watched) and triggers[watched] == "deactivate"
    env = prod.named("recommendations-probe-us-east-1-function").inputs["environment"]["variables"]
    assert (env["START_ACTION"], env["START_TARGET_REGION"]) == ("activate", "us-west-2")


# --- failures ------------------------------------------------------------------------------------


def test_fails_direct_start_without_the_survivor_check():
    with pytest.raises(ValidationError, match="direct_start: needs self_host"):
        _args(self_host=None)


def test_fails_deactivating_a_region_other_than_the_watched_one():
    with pytest.raises(ValidationError, match="direct_start.target_region: 'us-west-2' with action 'deactivate'; allowed: 'us-east-1'"):
        _args(direct_start=START.model_copy(update={"target_region": PROBE}))


def test_fails_activating_a_region_other_than_the_probing_one():
    with pytest.raises(ValidationError, match="direct_start.target_region: 'us-east-1' with action 'activate'; allowed: 'us-west-2'"):
        _args(direct_start=START.model_copy(update={"action": "activate"}))


def test_fails_unknown_action():
    with pytest.raises(ValidationError, match="action"):
        DirectStart(plan_name="p", parameter_name="/p", action="postRecovery", target_region=WATCHED)
