"""BreakGlassAlarm: one region's EventBridge rule on the break-glass role's AssumeRole -> that region's
KMS-encrypted topic, which only this rule may publish to."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from blueprint.components.aws.break_glass_alarm import RULE_STATE, BreakGlassAlarm, BreakGlassAlarmArgs
from blueprint.plan.engine import plan_program
from blueprint.types import aws

REGION = "us-west-2"
ROLE = "arn:aws:iam::123456789012:role/prod-break-glass-dr"
TOPIC_ARN = "arn:aws:sns:us-west-2:123456789012:prod-break-glass-dr-alarm"


def _args(**over) -> BreakGlassAlarmArgs:
    return BreakGlassAlarmArgs(**{"role_arn": ROLE, "rule_name": "prod-break-glass-dr-assumed",
                                  "topic_name": "prod-break-glass-dr-alarm", **over})


@pytest.fixture(scope="module")
def plan():
    args = _args()
    return plan_program(lambda: BreakGlassAlarm("bg-us-west-2", args), stack="test", config={"aws:region": REGION})


def test_secure_defaults():
    assert _args().key_deletion_window_days == 30 and _args().tags == {}


def test_rule_hears_every_assumption_of_the_role_read_only_events_included(plan):
    rule = plan.named("bg-us-west-2-rule")
    assert rule.type == aws.CLOUDWATCH_EVENT_RULE and rule.region == REGION
    # AssumeRole is a read-only management event: a plain ENABLED rule never receives it.
    assert rule.inputs["state"] == RULE_STATE == "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
    assert json.loads(rule.inputs["eventPattern"]) == {
        "source": ["aws.sts"], "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {"eventSource": ["sts.amazonaws.com"], "eventName": ["AssumeRole"], "requestParameters": {"roleArn": [ROLE]}}}
    assert rule.inputs["name"] == "prod-break-glass-dr-assumed"


def test_topic_is_encrypted_with_its_own_rotating_key(plan):
    key, topic = plan.named("bg-us-west-2-key"), plan.named("bg-us-west-2-topic")
    assert key.inputs["enableKeyRotation"] is True and key.inputs["deletionWindowInDays"] == 30
    assert topic.inputs["kmsMasterKeyId"] == key.outputs["arn"] and topic.inputs["signatureVersion"] == 2
    assert topic.outputs["arn"] == TOPIC_ARN and {key.region, topic.region} == {REGION}


def test_key_serves_eventbridge_for_this_topic_only(plan):
    statements = {s["Sid"]: s for s in json.loads(plan.named("bg-us-west-2-key").inputs["policy"])["Statement"]}
    events = statements["AllowEventBridgeToThisTopic"]
    assert events["Principal"] == {"Service": "events.amazonaws.com"} and events["Action"] == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert events["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012",
                                                    "kms:EncryptionContext:aws:sns:topicArn": TOPIC_ARN}}
    assert set(statements) == {"EnableIamPolicies", "AllowEventBridgeToThisTopic"}


def test_only_the_rule_publishes_and_never_over_plain_http(plan):
    rule = plan.named("bg-us-west-2-rule")
    statements = {s["Sid"]: s for s in json.loads(plan.named("bg-us-west-2-topic-policy").inputs["policy"])["Statement"]}
    publish = statements["AllowTheBreakGlassRuleToPublish"]
    assert publish["Principal"] == {"Service": "events.amazonaws.com"} and publish["Action"] == "sns:Publish"
    assert publish["Condition"]["ArnEquals"] == {"aws:SourceArn": rule.outputs["arn"]}
    assert rule.outputs["arn"] == "arn:aws:events:us-west-2:123456789012:rule/prod-break-glass-dr-assumed"
    deny = statements["DenyInsecureTransport"]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_target_is_the_topic_after_its_policy(plan):
    target, policy = plan.named("bg-us-west-2-target"), plan.named("bg-us-west-2-topic-policy")
    assert target.inputs["arn"] == TOPIC_ARN and target.inputs["rule"] == "prod-break-glass-dr-assumed"
    assert "roleArn" not in target.inputs  # SNS targets authorize through the topic policy
    assert policy.urn in target.dependencies


@pytest.mark.parametrize("field,value", [("rule_name", "x" * 65), ("rule_name", "has space"), ("topic_name", "a.b"),
                                         ("key_deletion_window_days", 6), ("key_deletion_window_days", 31)])
def test_fails_out_of_range(field, value):
    with pytest.raises(ValidationError, match=field):
        _args(**{field: value})
