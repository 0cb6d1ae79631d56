"""BackupVault: immutable, versioned, CMK-encrypted, TLS-only bucket; tier-driven lock settings; validation."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from blueprint.plan.engine import plan_program
from blueprint.components.aws.backup_vault import BackupVault, BackupVaultArgs, bucket_prefix
from tests.components._helpers import assert_private_s3_bucket, capture_opts, child_names, statements_by_sid

CMK = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
TAGS = {"blueprint:workload": "fraud-scoring", "blueprint:tier": "mission-critical"}


def _args(**overrides) -> BackupVaultArgs:
    return BackupVaultArgs(**{"kms_key_arn": CMK, "lock_mode": "COMPLIANCE", "retention_days": 35, "tags": TAGS, **overrides})


def _plan(name: str = "vault", **overrides):
    args = _args(**overrides)
    return plan_program(lambda: BackupVault(name, args), stack="test", config={"aws:region": "eu-central-1"})


@pytest.fixture(scope="module")
def plan():
    return _plan()


def _statements(plan) -> dict:
    return statements_by_sid(plan, "vault-policy")


def test_bucket_has_object_lock_and_is_never_force_destroyed(plan):
    bucket = plan.named("vault-bucket")
    assert bucket.type == "aws:s3/bucket:Bucket"
    assert bucket.inputs["objectLockEnabled"] is True
    assert bucket.inputs.get("forceDestroy", False) is False
    assert bucket.inputs["bucketPrefix"] == "vault-"
    assert bucket.inputs["tags"]["blueprint:workload"] == "fraud-scoring"
    assert bucket.inputs["tags"]["Name"] == "vault-bucket"
    assert bucket.workload == "fraud-scoring"
    assert bucket.region == "eu-central-1"


def test_bucket_is_retained_on_delete(monkeypatch):
    import pulumi_aws as aws

    seen = capture_opts(monkeypatch, aws.s3, "Bucket")
    plan_program(lambda: BackupVault("vault", _args()), stack="test", config={"aws:region": "eu-central-1"})
    assert seen["vault-bucket"].retain_on_delete is True


def test_all_children_are_parented_to_the_component(plan):
    assert child_names(plan, "blueprint:aws:BackupVault") == {
        "vault-bucket", "vault-ownership", "vault-public-access-block", "vault-versioning",
        "vault-object-lock", "vault-encryption", "vault-policy", "vault-lifecycle",
    }


def test_public_access_fully_blocked_and_acls_disabled(plan):
    assert_private_s3_bucket(plan, "vault")


def test_versioning_enabled(plan):
    assert plan.named("vault-versioning").inputs["versioningConfiguration"]["status"] == "Enabled"


def test_object_lock_default_retention_after_versioning(plan):
    lock = plan.named("vault-object-lock")
    assert lock.inputs["rule"]["defaultRetention"] == {"mode": "COMPLIANCE", "days": 35}
    assert plan.named("vault-versioning").urn in lock.dependencies


def test_sse_kms_with_the_cmk_and_bucket_key(plan):
    (rule,) = plan.named("vault-encryption").inputs["rules"]
    assert rule["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": CMK}
    assert rule["bucketKeyEnabled"] is True


def test_policy_denies_plain_http_on_bucket_and_objects(plan):
    stmt = _statements(plan)["DenyInsecureTransport"]
    assert stmt["Effect"] == "Deny" and stmt["Principal"] == "*" and stmt["Action"] == "s3:*"
    assert stmt["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert len(stmt["Resource"]) == 2
    bucket_arn, objects_arn = stmt["Resource"]
    assert bucket_arn.startswith("arn:aws:s3:::") and objects_arn == f"{bucket_arn}/*"


def test_policy_denies_tls_older_than_1_2(plan):
    stmt = _statements(plan)["DenyTlsOlderThan12"]
    assert stmt["Effect"] == "Deny" and stmt["Principal"] == "*" and stmt["Action"] == "s3:*"
    assert stmt["Condition"] == {"NumericLessThan": {"s3:TlsVersion": 1.2}}
    assert stmt["Resource"] == _statements(plan)["DenyInsecureTransport"]["Resource"]
    assert plan.named("vault-public-access-block").urn in plan.named("vault-policy").dependencies


def test_lifecycle_expires_noncurrent_versions_after_retention_and_aborts_uploads(plan):
    lifecycle = plan.named("vault-lifecycle")
    (rule,) = lifecycle.inputs["rules"]
    assert rule["status"] == "Enabled"
    assert rule["noncurrentVersionExpiration"]["noncurrentDays"] == 35 + 30
    assert rule["abortIncompleteMultipartUpload"]["daysAfterInitiation"] == 7
    assert "expiration" not in rule  # current backups never expire by lifecycle
    assert plan.named("vault-versioning").urn in lifecycle.dependencies


# --- settings the tiers drive --------------------------------------------------------------


@pytest.mark.parametrize("mode,days", [("COMPLIANCE", 35), ("COMPLIANCE", 30), ("GOVERNANCE", 14), ("GOVERNANCE", 7)])
def test_lock_mode_and_days_follow_args(mode, days):
    plan = _plan(lock_mode=mode, retention_days=days)
    assert plan.named("vault-object-lock").inputs["rule"]["defaultRetention"] == {"mode": mode, "days": days}
    (rule,) = plan.named("vault-lifecycle").inputs["rules"]
    assert rule["noncurrentVersionExpiration"]["noncurrentDays"] == days + 30


def test_explicit_lifecycle_equal_to_retention_is_allowed():
    plan = _plan(retention_days=30, noncurrent_version_expiration_days=30, abort_incomplete_multipart_days=1)
    (rule,) = plan.named("vault-lifecycle").inputs["rules"]
    assert rule["noncurrentVersionExpiration"]["noncurrentDays"] == 30
    assert rule["abortIncompleteMultipartUpload"]["daysAfterInitiation"] == 1


def test_outputs():
    out = {}

    def program():
        out["v"] = BackupVault("vault", _args(lock_mode="GOVERNANCE", retention_days=14))

    plan_program(program, stack="test", config={"aws:region": "eu-central-1"})
    assert out["v"].lock_mode == "GOVERNANCE"
    assert out["v"].retention_days == 14
    # The versioning child is exposed so replication can wait for it (VaultReplication's depends_on).
    import pulumi_aws as aws

    assert isinstance(out["v"].versioning, aws.s3.BucketVersioning)
    assert out["v"].versioning.pulumi_resource_name == "vault-versioning"
    assert out["v"].bucket_arn is out["v"].arn


@pytest.mark.parametrize(
    "name,prefix",
    [
        ("vault", "vault-"),
        ("Fraud_Scoring.Vault", "fraud-scoring-vault-"),
        ("--x--", "x-"),
        ("___", "vault-"),
        ("xn--abc", "xn-abc-"),
        ("sthree-backups", "bp-sthree-backups-"),
        ("a" * 80, "a" * 36 + "-"),
    ],
)
def test_bucket_prefix_is_valid_for_s3(name, prefix):
    assert bucket_prefix(name) == prefix
    assert len(prefix) <= 37


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize("days", [0, -1, 36501])
def test_fails_retention_out_of_range(days):
    with pytest.raises(ValidationError, match=rf"retention_days: {days} is outside 1\.\.36500"):
        _args(retention_days=days)


def test_fails_lifecycle_shorter_than_retention():
    with pytest.raises(
        ValidationError, match=r"noncurrent_version_expiration_days: 20 is shorter than retention_days \(35\)"
    ):
        _args(noncurrent_version_expiration_days=20)


def test_fails_lowercase_lock_mode():
    with pytest.raises(ValidationError, match="lock_mode"):
        _args(lock_mode="compliance")


def test_fails_missing_kms_key():
    with pytest.raises(ValidationError, match="kms_key_arn"):
        BackupVaultArgs(lock_mode="COMPLIANCE", retention_days=35)


@pytest.mark.parametrize("key", ["alias/aws/s3", "aws:kms", "arn:aws:s3:::bucket"])
def test_fails_kms_key_that_is_not_a_key_arn(key):
    with pytest.raises(ValidationError, match=r"kms_key_arn: .* is not a KMS key ARN"):
        _args(kms_key_arn=key)


@pytest.mark.parametrize("days", [0, 366])
def test_fails_abort_multipart_out_of_range(days):
    with pytest.raises(ValidationError, match=rf"abort_incomplete_multipart_days: {days}"):
        _args(abort_incomplete_multipart_days=days)


def test_fails_unknown_field():
    with pytest.raises(ValidationError, match="versioning"):
        _args(versioning=False)


def test_no_server_access_logging_without_a_log_bucket(plan):
    assert not plan.of_type("aws:s3/bucketLogging:BucketLogging")


def test_server_access_logs_go_to_the_log_bucket_partitioned_by_event_time():
    logged = _plan(access_log_bucket="prod-eu-central-1-access-logs-abc")
    logging = logged.named("vault-access-logging").inputs
    assert logging["targetBucket"] == "prod-eu-central-1-access-logs-abc"
    assert logging["targetPrefix"] == "s3-access-logs/"
    assert logging["targetObjectKeyFormat"] == {"partitionedPrefix": {"partitionDateSource": "EventTime"}}
