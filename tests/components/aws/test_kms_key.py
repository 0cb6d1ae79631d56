"""KmsKey: secure defaults, key policy built from invokes (no hardcoded region), Args validation."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from blueprint.plan.engine import plan_program
from blueprint.components.aws.kms_key import KmsKey, KmsKeyArgs

TAGS = {"blueprint:workload": "fraud-scoring", "blueprint:tier": "mission-critical"}


def _plan(region: str = "eu-central-1", **overrides):
    args = {"alias_name": "blueprint/prod/data", "tags": TAGS, **overrides}
    return plan_program(lambda: KmsKey("cmk", KmsKeyArgs(**args)), stack="test", config={"aws:region": region})


@pytest.fixture(scope="module")
def plan():
    return _plan()


def _policy(plan) -> dict:
    return json.loads(plan.named("cmk-key").inputs["policy"])


def test_rotation_on_and_long_deletion_window_by_default(plan):
    key = plan.named("cmk-key")
    assert key.type == "aws:kms/key:Key"
    assert key.inputs["enableKeyRotation"] is True
    assert key.inputs["rotationPeriodInDays"] == 365
    assert key.inputs["deletionWindowInDays"] == 30
    assert key.inputs["keyUsage"] == "ENCRYPT_DECRYPT"


def test_children_are_parented_and_named_deterministically(plan):
    component = plan.of_type("blueprint:aws:KmsKey")
    assert len(component) == 1
    for child in ("cmk-key", "cmk-alias"):
        assert plan.named(child).parent == component[0].urn


def test_alias_points_at_the_key(plan):
    alias = plan.named("cmk-alias")
    assert alias.inputs["name"] == "alias/blueprint/prod/data"
    assert plan.named("cmk-key").urn in alias.dependencies


def test_key_policy_gives_account_root_admin(plan):
    statements = {s["Sid"]: s for s in _policy(plan)["Statement"]}
    root = statements["EnableIamPolicies"]
    assert root["Effect"] == "Allow"
    assert root["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    assert root["Action"] == "kms:*"


def test_key_policy_lets_cloudwatch_logs_use_key_only_for_this_accounts_log_groups(plan):
    statements = {s["Sid"]: s for s in _policy(plan)["Statement"]}
    logs = statements["AllowCloudWatchLogs"]
    assert logs["Principal"] == {"Service": "logs.eu-central-1.amazonaws.com"}
    assert "kms:GenerateDataKey*" in logs["Action"] and "kms:Decrypt*" in logs["Action"]
    assert logs["Condition"] == {
        "ArnLike": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-central-1:123456789012:log-group:*"}
    }
    # No statement grants anything to a wildcard principal.
    assert all(s["Principal"] != "*" for s in _policy(plan)["Statement"])


def test_key_policy_lets_cloudwatch_alarms_of_this_account_publish_to_encrypted_topics(plan):
    statements = {s["Sid"]: s for s in _policy(plan)["Statement"]}
    alarms = statements["AllowCloudWatchAlarms"]
    assert alarms["Effect"] == "Allow"
    assert alarms["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert alarms["Action"] == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert alarms["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}


def test_key_policy_follows_the_provider_region_not_a_hardcoded_one():
    other = _plan(region="us-west-2")
    policy = json.loads(other.named("cmk-key").inputs["policy"])
    logs = next(s for s in policy["Statement"] if s["Sid"] == "AllowCloudWatchLogs")
    assert logs["Principal"] == {"Service": "logs.us-west-2.amazonaws.com"}
    assert "eu-central-1" not in other.named("cmk-key").inputs["policy"]


def test_tags_merge_workload_and_name(plan):
    tags = plan.named("cmk-key").inputs["tags"]
    assert tags["blueprint:workload"] == "fraud-scoring"
    assert tags["blueprint:tier"] == "mission-critical"
    assert tags["Name"] == "cmk-key"


def test_custom_rotation_and_deletion_window_are_passed_through():
    custom = _plan(rotation_period_in_days=90, deletion_window_in_days=7)
    key = custom.named("cmk-key")
    assert key.inputs["rotationPeriodInDays"] == 90
    assert key.inputs["deletionWindowInDays"] == 7
    assert key.inputs["enableKeyRotation"] is True


def test_args_are_frozen():
    args = KmsKeyArgs(alias_name="a")
    with pytest.raises(ValidationError):
        args.alias_name = "b"  # type: ignore[misc]


@pytest.mark.parametrize("days", [0, 89, 2561])
def test_fails_rotation_period_out_of_range(days):
    with pytest.raises(ValidationError, match=r"rotation_period_in_days: .*90\.\.2560"):
        KmsKeyArgs(alias_name="a", rotation_period_in_days=days)


@pytest.mark.parametrize("days", [6, 31])
def test_fails_deletion_window_out_of_range(days):
    with pytest.raises(ValidationError, match=r"deletion_window_in_days: .*7\.\.30"):
        KmsKeyArgs(alias_name="a", deletion_window_in_days=days)


def test_fails_alias_with_prefix():
    with pytest.raises(ValidationError, match=r"alias_name: 'alias/data'.*pass 'data'"):
        KmsKeyArgs(alias_name="alias/data")


def test_fails_alias_reserved_for_aws():
    with pytest.raises(ValidationError, match=r"alias_name: 'aws/s3'.*reserved"):
        KmsKeyArgs(alias_name="aws/s3")


@pytest.mark.parametrize("alias", ["", "has space", "/leading", "trailing/", "double//slash", "ünicode", "x" * 251])
def test_fails_alias_invalid(alias):
    with pytest.raises(ValidationError, match="alias_name"):
        KmsKeyArgs(alias_name=alias)


def test_fails_reserved_tag_prefix():
    with pytest.raises(ValidationError, match=r"tags: tag key 'aws:owner'"):
        KmsKeyArgs(alias_name="a", tags={"aws:owner": "x"})


def test_fails_unknown_field():
    with pytest.raises(ValidationError, match="enable_key_rotation"):
        KmsKeyArgs(alias_name="a", enable_key_rotation=False)
