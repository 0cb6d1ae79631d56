"""bootstrap/state-backend: the Pulumi state bucket that survives a region (planned under the mocks)."""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from blueprint.plan.engine import plan_program

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = ROOT / "bootstrap" / "state-backend"
SCHEMA = ROOT.parent / "shared" / "reference" / "pulumi-project.schema.json"
CONFIG = {"aws:region": "eu-central-1", "state-backend:secondaryRegion": "eu-west-3"}


def _run(config):
    def program():
        sys.path.insert(0, str(PROGRAM))
        try:
            sys.modules.pop("state_backend", None)
            runpy.run_path(str(PROGRAM / "__main__.py"), run_name="__main__")
        finally:
            sys.path.remove(str(PROGRAM))

    return plan_program(program, stack="bootstrap", project="state-backend", config=config, cloud="aws")


@pytest.fixture(scope="module")
def plan():
    return _run(CONFIG)


def test_project_file_validates_against_pulumis_schema():
    if not SCHEMA.exists():
        pytest.skip("shared/reference is not beside this checkout")
    jsonschema.validate(yaml.safe_load((PROGRAM / "Pulumi.yaml").read_text()), json.loads(SCHEMA.read_text()))


def test_two_buckets_one_per_region_protected(plan):
    buckets = {b.name: b for b in plan.of_type("aws:s3/bucket:Bucket")}
    assert set(buckets) == {"pulumi-state-primary", "pulumi-state-replica"}
    assert buckets["pulumi-state-primary"].region == "eu-central-1"
    assert buckets["pulumi-state-replica"].region == "eu-west-3"
    assert all(b.inputs["forceDestroy"] is False for b in buckets.values())


def test_versioned_private_encrypted_tls_only(plan):
    for role in ("primary", "replica"):
        assert plan.named(f"pulumi-state-{role}-versioning").inputs["versioningConfiguration"]["status"] == "Enabled"
        pab = plan.named(f"pulumi-state-{role}-public-access-block").inputs
        assert all(pab[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
        rule = plan.named(f"pulumi-state-{role}-encryption").inputs["rules"][0]
        assert rule["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms"
        assert rule["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"].startswith("arn:aws:kms:")
        policy = json.loads(plan.named(f"pulumi-state-{role}-tls-only").inputs["policy"])
        assert policy["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_multi_region_key_with_rotation_and_replica(plan):
    key = plan.named("pulumi-state-key").inputs
    assert key["multiRegion"] is True and key["enableKeyRotation"] is True
    assert plan.named("pulumi-state-key-replica").region == "eu-west-3"
    aliases = {a.region: a.inputs["name"] for a in plan.of_type("aws:kms/alias:Alias")}
    assert aliases == {"eu-central-1": "alias/pulumi-state", "eu-west-3": "alias/pulumi-state"}


def test_replication_with_rtc_to_the_replica(plan):
    rule = plan.named("pulumi-state-replication").inputs["rules"][0]
    assert rule["status"] == "Enabled"
    assert rule["destination"]["replicationTime"] == {"status": "Enabled", "time": {"minutes": 15}}
    assert rule["sourceSelectionCriteria"]["sseKmsEncryptedObjects"]["status"] == "Enabled"
    assert rule["destination"]["encryptionConfiguration"]["replicaKmsKeyId"].startswith("arn:aws:kms:")


def test_outputs_login_urls(plan):
    out = plan.outputs
    assert out["loginUrl"].startswith("s3://pulumi-state-eu-central-1-") and out["loginUrl"].endswith("?region=eu-central-1&awssdk=v2")
    assert out["replicaLoginUrl"].endswith("?region=eu-west-3&awssdk=v2")
    assert out["secretsProvider"] == "awskms://alias/pulumi-state?region=eu-central-1"
    assert out["replicaSecretsProvider"] == "awskms://alias/pulumi-state?region=eu-west-3"


def test_fails_when_the_second_region_is_the_first():
    with pytest.raises(Exception, match="secondaryRegion must differ"):
        _run({"aws:region": "eu-central-1", "state-backend:secondaryRegion": "eu-central-1"})
