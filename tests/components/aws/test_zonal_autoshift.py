"""ZonalAutoshift: zonal autoshift ENABLED on the load balancer with the practice runs it requires:
a blocking alarm (any of the workload's alarms) and an outcome alarm (the load balancer's 5xx)."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pytest
from pydantic import ValidationError

from blueprint.plan.engine import plan_program
from blueprint.components.aws.zonal_autoshift import ZonalAutoshift, ZonalAutoshiftArgs, alarm_rule

REGION = "eu-central-1"
ALB = f"arn:aws:elasticloadbalancing:{REGION}:123456789012:loadbalancer/app/fraud/abc"
TAGS = {"blueprint:workload": "fraud-scoring"}


def _args(**overrides) -> ZonalAutoshiftArgs:
    values = dict(workload="fraud-scoring", region=REGION, load_balancer_arn=ALB,
                  blocking_alarm_names=["fraud-unhealthy-hosts", "fraud-elb-5xx", "fraud-queue-age"],
                  outcome_alarm_names=["fraud-elb-5xx", "fraud-target-5xx"], tags=TAGS)
    values.update(overrides)
    return ZonalAutoshiftArgs(**values)


@pytest.fixture(scope="module")
def plan():
    def program():
        provider = aws.Provider("aws-eu", region=REGION)
        ZonalAutoshift("fraud-autoshift", _args(blocked_windows=["Mon:09:00-Mon:11:00"]), pulumi.ResourceOptions(providers=[provider]))

    return plan_program(program, stack="test", config={"aws:region": REGION})


def test_autoshift_is_enabled_on_the_load_balancer_with_practice_run_alarms(plan):
    config = plan.named("fraud-autoshift-config").inputs
    assert config["resourceArn"] == ALB and config["zonalAutoshiftStatus"] == "ENABLED"
    assert config["outcomeAlarms"] == [{"type": "CLOUDWATCH", "alarmIdentifier": plan.named("fraud-autoshift-outcome").outputs["arn"]}]
    assert config["blockingAlarms"] == [{"type": "CLOUDWATCH", "alarmIdentifier": plan.named("fraud-autoshift-blocking").outputs["arn"]}]
    assert config["blockedWindows"] == ["Mon:09:00-Mon:11:00"]


def test_composite_alarms_combine_the_workloads_alarms_in_its_region(plan):
    outcome, blocking = plan.named("fraud-autoshift-outcome"), plan.named("fraud-autoshift-blocking")
    assert outcome.inputs["alarmRule"] == 'ALARM("fraud-elb-5xx") OR ALARM("fraud-target-5xx")'
    assert blocking.inputs["alarmRule"].count("ALARM(") == 3
    assert outcome.region == blocking.region == REGION
    assert outcome.inputs["tags"]["blueprint:workload"] == "fraud-scoring"


def test_alarm_rule_syntax():
    assert alarm_rule(["a"]) == 'ALARM("a")'


def test_fails_without_an_outcome_alarm():
    with pytest.raises(ValidationError, match="outcome_alarm_names: ARC requires an outcome alarm"):
        _args(outcome_alarm_names=[])


def test_fails_without_blocking_alarms():
    with pytest.raises(ValidationError, match="blocking_alarm_names"):
        _args(blocking_alarm_names=[])


@pytest.mark.parametrize("field, bad", [("blocked_windows", ["Monday 9-11"]), ("blocked_dates", ["2026/12/24"]), ("status", "ON")])
def test_fails_malformed_practice_run_settings(field, bad):
    with pytest.raises(ValidationError, match=field):
        _args(**{field: bad})
