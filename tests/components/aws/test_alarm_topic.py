"""AlarmTopic: CMK-encrypted SNS topic, publish limited to this account's CloudWatch alarms, TLS only,
email subscriptions; Args validation."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws
import pytest
from pydantic import ValidationError

from blueprint.plan.engine import plan_program
from blueprint.components.aws.alarm_topic import AlarmTopic, AlarmTopicArgs, email_digest
from blueprint.components.aws.kms_key import KmsKey, KmsKeyArgs
from tests.components._helpers import statements_by_sid

CMK = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
TAGS = {"blueprint:environment": "prod"}
EMAILS = ("oncall@example.com", "Platform.Team+alerts@ml.example.co.uk")


def _plan(region: str = "eu-central-1", **overrides):
    out: dict = {}

    def program():
        args = AlarmTopicArgs(**{"kms_key_arn": CMK, "tags": TAGS, **overrides})
        out["topic"] = AlarmTopic("alarms", args)

    return plan_program(program, stack="test", config={"aws:region": region}), out["topic"]


@pytest.fixture(scope="module")
def planned():
    return _plan()


@pytest.fixture(scope="module")
def plan(planned):
    return planned[0]


@pytest.fixture(scope="module")
def with_emails():
    return _plan(email_subscriptions=EMAILS)[0]


def _statements(plan) -> dict:
    return statements_by_sid(plan, "alarms-policy")


def test_topic_is_encrypted_with_the_cmk_and_signs_with_sha256(plan):
    topic = plan.named("alarms-topic")
    assert topic.type == "aws:sns/topic:Topic"
    assert topic.inputs["kmsMasterKeyId"] == CMK
    assert topic.inputs["signatureVersion"] == 2
    assert topic.inputs["tags"] == {**TAGS, "Name": "alarms-topic"}
    assert topic.region == "eu-central-1"


def test_children_are_parented_and_no_subscription_by_default(plan):
    (component,) = plan.of_type("blueprint:aws:AlarmTopic")
    assert {r.name for r in plan.children(component.urn)} == {"alarms-topic", "alarms-policy"}
    assert plan.of_type("aws:sns/topicSubscription:TopicSubscription") == []


def test_policy_is_attached_to_the_topic(plan):
    policy = plan.named("alarms-policy")
    assert policy.type == "aws:sns/topicPolicy:TopicPolicy"
    assert policy.inputs["arn"] == "arn:aws:sns:eu-central-1:123456789012:" + plan_topic_name(plan)
    assert plan.named("alarms-topic").urn in policy.dependencies


def plan_topic_name(plan) -> str:
    return _statements(plan)["AllowCloudWatchAlarmsToPublish"]["Resource"].rsplit(":", 1)[1]


def test_policy_lets_only_this_accounts_cloudwatch_alarms_publish(plan):
    allow = _statements(plan)["AllowCloudWatchAlarmsToPublish"]
    assert allow["Effect"] == "Allow"
    assert allow["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert allow["Action"] == "sns:Publish"
    assert allow["Resource"] == plan.named("alarms-policy").inputs["arn"]
    assert allow["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "123456789012"},
        "ArnLike": {"aws:SourceArn": "arn:aws:cloudwatch:eu-central-1:123456789012:alarm:*"},
    }


def test_policy_denies_plain_http(plan):
    deny = _statements(plan)["DenyInsecureTransport"]
    assert deny["Effect"] == "Deny" and deny["Principal"] == "*"
    assert deny["Action"] == ["sns:Publish", "sns:Subscribe"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert deny["Resource"] == plan.named("alarms-policy").inputs["arn"]
    # Only these two statements: nothing else is granted to anyone.
    assert set(_statements(plan)) == {"AllowCloudWatchAlarmsToPublish", "DenyInsecureTransport"}


def test_policy_follows_the_provider_region():
    plan, _ = _plan(region="us-west-2", kms_key_arn=CMK.replace("eu-central-1", "us-west-2"))
    allow = _statements(plan)["AllowCloudWatchAlarmsToPublish"]
    assert allow["Resource"].startswith("arn:aws:sns:us-west-2:123456789012:")
    assert allow["Condition"]["ArnLike"]["aws:SourceArn"] == "arn:aws:cloudwatch:us-west-2:123456789012:alarm:*"


def test_email_subscriptions_have_stable_address_free_names(with_emails):
    subs = {r.name: r for r in with_emails.of_type("aws:sns/topicSubscription:TopicSubscription")}
    assert set(subs) == {f"alarms-email-{email_digest(e)}" for e in EMAILS}
    for address in EMAILS:
        sub = subs[f"alarms-email-{email_digest(address)}"]
        assert sub.inputs["protocol"] == "email"
        assert sub.inputs["endpoint"] == address
        assert sub.inputs["topic"] == with_emails.named("alarms-policy").inputs["arn"]
        assert address.split("@")[0].lower() not in sub.name
    assert email_digest("OnCall@Example.com") == email_digest("oncall@example.com")


def test_outputs(planned):
    _, topic = planned
    assert isinstance(topic.arn, pulumi.Output) and isinstance(topic.name, pulumi.Output)


def test_topic_with_a_kms_key_component_in_its_region():
    def program():
        provider = aws.Provider("frankfurt", region="eu-central-1")
        opts = pulumi.ResourceOptions(provider=provider)
        key = KmsKey("cmk", KmsKeyArgs(alias_name="blueprint/test/alarms"), opts=opts)
        AlarmTopic("alarms", AlarmTopicArgs(kms_key_arn=key.arn), opts=opts)

    plan = plan_program(program, stack="test", config={"aws:region": "us-east-1"})
    topic = plan.named("alarms-topic")
    assert topic.region == "eu-central-1"
    assert topic.inputs["kmsMasterKeyId"].startswith("arn:aws:kms:eu-central-1:")
    policy = json.loads(plan.named("cmk-key").inputs["policy"])
    assert any(s["Sid"] == "AllowCloudWatchAlarms" for s in policy["Statement"])


def test_defaults():
    args = AlarmTopicArgs(kms_key_arn=CMK)
    assert args.email_subscriptions == ()
    assert args.tags == {}


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address", ["oncall", "oncall@", "@example.com", "on call@example.com", "oncall@example", "a..b@example.com",
                "oncall@-example.com", "x" * 250 + "@example.com"]
)
def test_fails_bad_email(address):
    with pytest.raises(ValidationError, match=r"email_subscriptions: .* is not an email address"):
        AlarmTopicArgs(kms_key_arn=CMK, email_subscriptions=("ok@example.com", address))


def test_fails_duplicate_email():
    with pytest.raises(ValidationError, match=r"email_subscriptions: 'OnCall@example.com' is listed twice"):
        AlarmTopicArgs(kms_key_arn=CMK, email_subscriptions=("oncall@example.com", "OnCall@example.com"))


@pytest.mark.parametrize("key", ["alias/aws/sns", "arn:aws:kms:eu-central-1:123456789012:alias/alarms", None])
def test_fails_key_that_is_not_a_cmk_arn(key):
    with pytest.raises(ValidationError, match=r"kms_key_arn: .* is not a KMS key ARN"):
        AlarmTopicArgs(kms_key_arn=key)


def test_fails_missing_key():
    with pytest.raises(ValidationError, match="kms_key_arn"):
        AlarmTopicArgs()


def test_fails_reserved_tag_prefix():
    with pytest.raises(ValidationError, match=r"tags: tag key 'aws:team'"):
        AlarmTopicArgs(kms_key_arn=CMK, tags={"aws:team": "x"})


def test_fails_unknown_field():
    with pytest.raises(ValidationError, match="fifo_topic"):
        AlarmTopicArgs(kms_key_arn=CMK, fifo_topic=True)
