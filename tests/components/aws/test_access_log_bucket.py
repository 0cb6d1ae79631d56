"""AccessLogBucket: SSE-S3, ACLs off, public access blocked, versioned, TLS-only, ELB delivery for
this account only (service principal everywhere, regional ELB account in pre-2022 regions)."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pytest
from pydantic import ValidationError

from blueprint.plan.engine import plan_program
from blueprint.components.aws.access_log_bucket import (
    ELB_ACCOUNT_REGIONS,
    ELB_LOG_DELIVERY_PRINCIPAL,
    AccessLogBucket,
    AccessLogBucketArgs,
)
from tests.components._helpers import assert_private_s3_bucket, capture_opts, child_names, statements_by_sid

ACCOUNT = "123456789012"  # the mocks' caller identity
TAGS = {"blueprint:environment": "prod"}


def _plan(region: str = "eu-central-1", **overrides):
    args = AccessLogBucketArgs(**{"tags": TAGS, **overrides})

    def program():
        provider = aws.Provider(f"aws-{region}", region=region)
        logs = AccessLogBucket("logs", args, pulumi.ResourceOptions(providers=[provider]))
        # A consumer of the bucket name, as a load balancer would be.
        aws.sns.Topic("consumer", display_name=logs.bucket, opts=pulumi.ResourceOptions(provider=provider))
        pulumi.export("bucket", logs.bucket)
        pulumi.export("arn", logs.arn)

    return plan_program(program, stack="test", config={"aws:region": region})


@pytest.fixture(scope="module")
def plan():
    return _plan()


def _statements(plan) -> dict:
    return statements_by_sid(plan, "logs-policy")


def test_bucket_defaults_and_region(plan):
    bucket = plan.named("logs-bucket")
    assert bucket.type == "aws:s3/bucket:Bucket"
    assert bucket.region == "eu-central-1"
    assert bucket.inputs["bucketPrefix"] == "logs-"
    assert bucket.inputs.get("forceDestroy", False) is False
    assert bucket.inputs["tags"] == {**TAGS, "Name": "logs-bucket"}
    assert "objectLockEnabled" not in bucket.inputs


def test_bucket_is_retained_on_delete(monkeypatch):
    seen = capture_opts(monkeypatch, aws.s3, "Bucket")
    _plan()
    assert seen["logs-bucket"].retain_on_delete is True


def test_all_children_are_parented_to_the_component(plan):
    component = plan.of_type("blueprint:aws:AccessLogBucket")[0]
    assert child_names(plan, "blueprint:aws:AccessLogBucket") == {
        "logs-bucket", "logs-ownership", "logs-public-access-block", "logs-versioning",
        "logs-encryption", "logs-policy", "logs-lifecycle",
    }
    assert component.workload is None  # shared by every load balancer of the region


def test_public_access_blocked_and_acls_disabled(plan):
    assert_private_s3_bucket(plan, "logs")


def test_versioning_enabled(plan):
    assert plan.named("logs-versioning").inputs["versioningConfiguration"]["status"] == "Enabled"


def test_default_encryption_is_sse_s3_the_only_one_alb_delivery_supports(plan):
    (rule,) = plan.named("logs-encryption").inputs["rules"]
    assert rule["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "AES256"}


def test_policy_is_tls_only(plan):
    statements = _statements(plan)
    insecure, old_tls = statements["DenyInsecureTransport"], statements["DenyTlsOlderThan12"]
    assert insecure["Effect"] == old_tls["Effect"] == "Deny"
    assert insecure["Principal"] == old_tls["Principal"] == "*"
    assert insecure["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert old_tls["Condition"] == {"NumericLessThan": {"s3:TlsVersion": 1.2}}
    bucket_arn, objects = insecure["Resource"]
    assert bucket_arn.startswith("arn:aws:s3:::logs-") and objects == f"{bucket_arn}/*"
    assert plan.named("logs-public-access-block").urn in plan.named("logs-policy").dependencies


def test_elb_service_principal_may_write_this_accounts_logs_only(plan):
    stmt = _statements(plan)["AllowElbLogDelivery"]
    bucket_arn = _statements(plan)["DenyInsecureTransport"]["Resource"][0]
    assert stmt["Effect"] == "Allow"
    assert stmt["Principal"] == {"Service": ELB_LOG_DELIVERY_PRINCIPAL}
    assert stmt["Action"] == "s3:PutObject"
    assert stmt["Resource"] == f"{bucket_arn}/*/AWSLogs/{ACCOUNT}/*"


def test_pre_2022_region_also_allows_the_regional_elb_account(plan):
    assert "eu-central-1" in ELB_ACCOUNT_REGIONS
    stmt = _statements(plan)["AllowRegionalElbAccountLogDelivery"]
    principal = stmt["Principal"]["AWS"]
    assert principal.startswith("arn:aws:iam::") and principal.endswith(":root") and ACCOUNT not in principal
    assert stmt["Action"] == "s3:PutObject"
    assert stmt["Resource"] == _statements(plan)["AllowElbLogDelivery"]["Resource"]


def test_region_opened_after_august_2022_uses_the_service_principal_only():
    plan = _plan(region="eu-central-2")  # Zurich, November 2022: no ELB account exists there
    assert "eu-central-2" not in ELB_ACCOUNT_REGIONS
    statements = _statements(plan)
    assert set(statements) == {"DenyInsecureTransport", "DenyTlsOlderThan12", "AllowElbLogDelivery", "AllowS3ServerAccessLogDelivery"}
    assert plan.named("logs-bucket").region == "eu-central-2"


def test_lifecycle_expires_logs_and_noncurrent_versions(plan):
    lifecycle = plan.named("logs-lifecycle")
    (rule,) = lifecycle.inputs["rules"]
    assert rule["status"] == "Enabled"
    assert rule["expiration"]["days"] == 365
    assert rule["noncurrentVersionExpiration"]["noncurrentDays"] == 30
    assert rule["abortIncompleteMultipartUpload"]["daysAfterInitiation"] == 7
    assert plan.named("logs-versioning").urn in lifecycle.dependencies


def test_retention_follows_args():
    (rule,) = _plan(retention_days=90).named("logs-lifecycle").inputs["rules"]
    assert rule["expiration"]["days"] == 90


def test_bucket_output_waits_until_the_bucket_accepts_logs(plan):
    consumer = plan.named("consumer")
    for child in ("logs-policy", "logs-encryption", "logs-ownership"):
        assert plan.named(child).urn in consumer.dependencies, child
    bucket = plan.named("logs-bucket")
    assert consumer.inputs["displayName"] == plan.outputs["bucket"]
    assert plan.outputs["bucket"].startswith("logs-")
    assert plan.outputs["arn"] == f"arn:aws:s3:::{plan.outputs['bucket']}"
    assert bucket.urn in consumer.dependencies


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize("days", [0, -5, 3651])
def test_fails_retention_out_of_range(days):
    with pytest.raises(ValidationError, match=rf"retention_days: {days} is outside 1\.\.3650"):
        AccessLogBucketArgs(retention_days=days)


def test_fails_reserved_tag_prefix():
    with pytest.raises(ValidationError, match="tags: tag key 'aws:owner' uses the reserved 'aws:' prefix"):
        AccessLogBucketArgs(tags={"aws:owner": "x"})


def test_fails_unknown_field():
    with pytest.raises(ValidationError, match="kms_key_arn"):
        AccessLogBucketArgs(kms_key_arn="arn:aws:kms:eu-central-1:123456789012:key/abc")


def test_s3_server_access_logs_only_from_this_account_under_their_prefix():
    statement = _statements(_plan())["AllowS3ServerAccessLogDelivery"]
    assert statement["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert statement["Action"] == "s3:PutObject"
    assert statement["Resource"].endswith("/s3-access-logs/*")
    assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}
