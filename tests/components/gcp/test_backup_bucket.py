"""BackupBucket: retention-locked (compliance), CMEK, private GCS vault; dual-region turbo; validation."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from blueprint.plan.engine import plan_program
from blueprint.components.gcp.backup_bucket import BackupBucket, BackupBucketArgs, dual_region_location
from tests.components._helpers import capture_opts

CONFIG = {"gcp:project": "acme-ml-prod", "gcp:region": "europe-west4"}
KEY_EW4 = "projects/acme-ml-prod/locations/europe-west4/keyRings/blueprint/cryptoKeys/vault"
KEY_EU = "projects/acme-ml-prod/locations/europe/keyRings/blueprint/cryptoKeys/vault"
LABELS = {"blueprint-workload": "fraud-scoring", "blueprint-tier": "mission-critical"}


def _args(**overrides) -> BackupBucketArgs:
    base = dict(region="europe-west4", kms_key_id=KEY_EW4, lock_mode="COMPLIANCE", retention_days=35, labels=LABELS)
    return BackupBucketArgs(**{**base, **overrides})


def _plan(**overrides):
    out = {}

    def program():
        out["b"] = BackupBucket("vault", _args(**overrides))

    return plan_program(program, stack="test", config=CONFIG), out


@pytest.fixture(scope="module")
def planned():
    return _plan()


def test_regional_bucket_is_secure_by_default(planned):
    plan, out = planned
    bucket = plan.named("vault-bucket")
    assert bucket.type == "gcp:storage/bucket:Bucket" and bucket.parent == plan.named("vault").urn
    b = bucket.inputs
    assert b["location"] == "EUROPE-WEST4" and "rpo" not in b and "customPlacementConfig" not in b
    assert b["uniformBucketLevelAccess"] is True and b["publicAccessPrevention"] == "enforced"
    # Cloud Storage refuses Object Versioning together with a retention policy.
    assert b["versioning"] == {"enabled": False}
    assert b["encryption"] == {"defaultKmsKeyName": KEY_EW4}
    assert b.get("forceDestroy", False) is False
    assert b["softDeletePolicy"] == {"retentionDurationSeconds": 7 * 86400}
    assert bucket.region == "europe-west4" and bucket.workload == "fraud-scoring"
    assert out["b"].location == "EUROPE-WEST4"


def test_compliance_retention_is_locked(planned):
    plan, _ = planned
    assert plan.named("vault-bucket").inputs["retentionPolicy"] == {"retentionPeriod": str(35 * 86400), "isLocked": True}


def test_lifecycle_only_aborts_uploads(planned):
    plan, _ = planned
    (rule,) = plan.named("vault-bucket").inputs["lifecycleRules"]  # backups never expire by lifecycle
    assert rule == {"action": {"type": "AbortIncompleteMultipartUpload"}, "condition": {"age": 7}}


def test_bucket_is_retained_on_delete(monkeypatch):
    import pulumi_gcp as gcp

    seen = capture_opts(monkeypatch, gcp.storage, "Bucket")
    plan_program(lambda: BackupBucket("vault", _args()), stack="test", config=CONFIG)
    assert seen["vault-bucket"].retain_on_delete is True


@pytest.mark.parametrize("mode,days,locked", [("COMPLIANCE", 30, True), ("GOVERNANCE", 14, False), ("GOVERNANCE", 7, False)])
def test_lock_follows_the_tier(mode, days, locked):
    plan, out = _plan(lock_mode=mode, retention_days=days)
    assert plan.named("vault-bucket").inputs["retentionPolicy"] == {"retentionPeriod": str(days * 86400), "isLocked": locked}
    assert out["b"].lock_mode == mode and out["b"].retention_days == days


def test_dual_region_with_turbo_replication_and_multi_region_key():
    plan, out = _plan(replica_region="europe-west1", kms_key_id=KEY_EU)
    b = plan.named("vault-bucket").inputs
    assert b["location"] == "EU" and b["rpo"] == "ASYNC_TURBO"
    assert b["customPlacementConfig"] == {"dataLocations": ["EUROPE-WEST4", "EUROPE-WEST1"]}
    assert out["b"].location == "EU"
    assert plan.named("vault-bucket").outputs["url"].startswith("gs://")


def test_dual_region_catalog():
    assert dual_region_location("europe-west4", "europe-west1") == ("EU", "europe")
    assert dual_region_location("us-east1", "us-west1") == ("US", "us")
    assert dual_region_location("europe-west4", "europe-north1") is None  # predefined EUR4 only
    assert dual_region_location("europe-west4", "us-east1") is None
    assert dual_region_location("europe-west2", "europe-west1") is None  # London is in no configurable pair


# --- validation ---------------------------------------------------------------------------


def test_fails_key_in_wrong_location():
    with pytest.raises(ValidationError, match="kms_key_id: key location 'europe-west4' does not fit the bucket; .* 'europe'"):
        _args(replica_region="europe-west1")
    with pytest.raises(ValidationError, match="kms_key_id: key location 'europe' does not fit"):
        _args(kms_key_id=KEY_EU)


def test_fails_pair_that_is_not_a_configurable_dual_region():
    with pytest.raises(ValidationError, match="replica_region: europe-west4 \\+ us-east1 is not a configurable dual-region"):
        _args(replica_region="us-east1")


@pytest.mark.parametrize("field,value,match", [
    ("retention_days", 0, "retention_days: 0 is outside"),
    ("soft_delete_days", 3, "soft_delete_days: 3 is not allowed"),
    ("lock_mode", "compliance", "lock_mode"),
    ("kms_key_id", "arn:aws:kms:eu-central-1:123456789012:key/x", "kms_key_id: .* is not a Cloud KMS crypto key id"),
    ("labels", {"Workload": "x"}, "label key 'Workload'"),
])
def test_fails_invalid_values(field, value, match):
    with pytest.raises(ValidationError, match=match):
        _args(**{field: value})
