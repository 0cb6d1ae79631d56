"""AuditTrail: multi-region CloudTrail with validation and KMS, the documented bucket and key policies,
Object Lock by mode, data events on the vaults, CloudWatch Logs delivery; defaults and failures."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from blueprint.components.aws.audit_trail import AuditTrail, AuditTrailArgs
from blueprint.plan.engine import plan_program

REGION = "us-east-1"
CMK = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
VAULT = "arn:aws:s3:::fraud-vault-abc"
TRAIL_ARN = "arn:aws:cloudtrail:us-east-1:123456789012:trail/prod-audit"


def _plan(**over):
    args = AuditTrailArgs(**{"trail_name": "prod-audit", "data_event_bucket_arns": [VAULT], "access_log_bucket": "logs-bucket",
                             "cloudwatch_logs_kms_key_arn": CMK, **over})
    return plan_program(lambda: AuditTrail("audit", args), stack="test", config={"aws:region": REGION})


@pytest.fixture(scope="module")
def plan():
    return _plan()


def test_secure_defaults():
    args = AuditTrailArgs(trail_name="prod-audit")
    assert (args.lock_mode, args.retention_days, args.force_destroy, args.log_retention_days) == ("COMPLIANCE", 365, False, 365)
    assert args.cloudwatch_logs_kms_key_arn is None and args.access_log_bucket is None and args.data_event_bucket_arns == []


def test_trail_multi_region_validated_encrypted(plan):
    trail = plan.named("audit-trail").inputs
    assert trail["isMultiRegionTrail"] and trail["includeGlobalServiceEvents"] and trail["enableLogFileValidation"]
    assert trail["kmsKeyId"] == plan.named("audit-key").outputs["arn"]
    assert trail["cloudWatchLogsGroupArn"].endswith(":log-group:/blueprint/cloudtrail/prod-audit:*")
    selectors = {s["name"]: s["fieldSelectors"] for s in trail["advancedEventSelectors"]}
    assert selectors["management-events"] == [{"field": "eventCategory", "equals": ["Management"]}]
    assert {"field": "resources.ARN", "startsWiths": [f"{VAULT}/"]} in selectors["vault-object-events"]
    assert {"field": "resources.type", "equals": ["AWS::S3::Object"]} in selectors["vault-object-events"]


def test_bucket_policy_as_cloudtrail_documents(plan):
    policy = json.loads(plan.named("audit-policy").inputs["policy"])
    sids = {s["Sid"]: s for s in policy["Statement"]}
    acl, write = sids["AWSCloudTrailAclCheck"], sids["AWSCloudTrailWrite"]
    assert acl["Action"] == "s3:GetBucketAcl" and acl["Condition"] == {"StringEquals": {"aws:SourceArn": TRAIL_ARN}}
    assert write["Resource"].endswith("/AWSLogs/123456789012/*")
    assert write["Condition"]["StringEquals"] == {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": TRAIL_ARN}
    assert "DenyInsecureTransport" in sids


def test_key_policy_limits_cloudtrail_to_its_encryption_context(plan):
    key = plan.named("audit-key").inputs
    assert key["enableKeyRotation"] is True
    sids = {s["Sid"]: s for s in json.loads(key["policy"])["Statement"]}
    encrypt = sids["AllowCloudTrailEncryptLogs"]
    assert encrypt["Action"] == "kms:GenerateDataKey*" and encrypt["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    assert encrypt["Condition"]["StringLike"] == {"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:123456789012:trail/*"}
    assert encrypt["Condition"]["StringEquals"] == {"aws:SourceArn": TRAIL_ARN}


def test_bucket_locked_versioned_encrypted_logged(plan):
    lock = plan.named("audit-object-lock").inputs["rule"]["defaultRetention"]
    assert lock == {"mode": "COMPLIANCE", "days": 365}
    assert plan.named("audit-versioning").inputs["versioningConfiguration"]["status"] == "Enabled"
    sse = plan.named("audit-encryption").inputs["rules"][0]["applyServerSideEncryptionByDefault"]
    assert sse["sseAlgorithm"] == "aws:kms"
    assert plan.named("audit-access-logging").inputs["targetBucket"] == "logs-bucket"
    assert plan.named("audit-bucket").inputs["objectLockEnabled"] is True


def test_logs_role_may_only_write_its_group(plan):
    statement = json.loads(plan.named("audit-logs-role-policy").inputs["policy"])["Statement"][0]
    assert statement["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert statement["Resource"].endswith(":log-group:/blueprint/cloudtrail/prod-audit:log-stream:*")


def test_logs_role_trust_is_cloudtrail_without_source_conditions(plan):
    """Review finding 14, checked against CloudTrail's docs (cw_role_policy.html): the CloudWatch Logs delivery
    role does not support aws:SourceArn / aws:SourceAccount; a condition would stop delivery (and the alarm)."""
    (statement,) = json.loads(plan.named("audit-logs-role").inputs["assumeRolePolicy"])["Statement"]
    assert statement["Principal"] == {"Service": "cloudtrail.amazonaws.com"} and "Condition" not in statement


def test_tier_difference_governance_and_shorter_retention():
    lock = _plan(lock_mode="GOVERNANCE", retention_days=180).named("audit-object-lock").inputs["rule"]["defaultRetention"]
    assert lock == {"mode": "GOVERNANCE", "days": 180}


def test_no_data_events_or_logs_when_not_asked():
    plan = _plan(data_event_bucket_arns=[], cloudwatch_logs_kms_key_arn=None)
    assert [s["name"] for s in plan.named("audit-trail").inputs["advancedEventSelectors"]] == ["management-events"]
    assert not plan.of_type("aws:cloudwatch/logGroup:LogGroup")


@pytest.mark.parametrize("field, value", [("trail_name", "a"), ("trail_name", "bad name"), ("retention_days", 0),
                                          ("lock_mode", "NONE"), ("log_retention_days", 42)])
def test_fails_invalid_args(field, value):
    with pytest.raises(ValidationError, match=field):
        AuditTrailArgs(**{"trail_name": "prod-audit", field: value})
