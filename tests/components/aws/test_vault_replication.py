"""VaultReplication: RTC 15 min with metrics, delete markers, destination CMK, source-region placement,
least-privilege role, versioning dependencies; Args validation."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws
import pytest
from pydantic import ValidationError

from blueprint.plan.engine import plan_program
from blueprint.components.aws.backup_vault import BackupVault, BackupVaultArgs
from blueprint.components.aws.kms_key import KmsKey, KmsKeyArgs
from blueprint.components.aws.vault_replication import STORAGE_CLASSES, VaultReplication, VaultReplicationArgs
from tests.components._helpers import statements_by_sid

SRC, DST = "eu-central-1", "eu-south-2"
SRC_CMK = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
DST_CMK = "arn:aws:kms:eu-south-2:123456789012:key/abcd1234-ab12-cd34-ef56-abcdef123456"
TAGS = {"blueprint:workload": "fraud-scoring", "blueprint:tier": "mission-critical"}


def _args(**overrides) -> VaultReplicationArgs:
    return VaultReplicationArgs(
        **{
            "source_bucket": "vault-src-abc",
            "source_bucket_arn": "arn:aws:s3:::vault-src-abc",
            "source_kms_key_arn": SRC_CMK,
            "destination_bucket_arn": "arn:aws:s3:::vault-dst-abc",
            "destination_kms_key_arn": DST_CMK,
            "destination_region": DST,
            "tags": TAGS,
            **overrides,
        }
    )


def _program(out: dict, **overrides):
    def program():
        src = aws.Provider("src", region=SRC)
        dst = aws.Provider("dst", region=DST)
        in_src, in_dst = pulumi.ResourceOptions(provider=src), pulumi.ResourceOptions(provider=dst)
        src_key = KmsKey("src-cmk", KmsKeyArgs(alias_name="blueprint/test/src"), opts=in_src)
        dst_key = KmsKey("dst-cmk", KmsKeyArgs(alias_name="blueprint/test/dst"), opts=in_dst)
        vault = {"lock_mode": "COMPLIANCE", "retention_days": 35, "tags": TAGS}
        src_vault = BackupVault("src-vault", BackupVaultArgs(kms_key_arn=src_key.arn, **vault), opts=in_src)
        dst_vault = BackupVault("dst-vault", BackupVaultArgs(kms_key_arn=dst_key.arn, **vault), opts=in_dst)
        out["replication"] = VaultReplication(
            "repl",
            VaultReplicationArgs(
                source_bucket=src_vault.bucket,
                source_bucket_arn=src_vault.arn,
                source_kms_key_arn=src_key.arn,
                destination_bucket_arn=dst_vault.bucket_arn,
                destination_kms_key_arn=dst_key.arn,
                destination_region=DST,
                tags=TAGS,
                **overrides,
            ),
            opts=pulumi.ResourceOptions(provider=src, depends_on=[src_vault.versioning, dst_vault.versioning]),
        )

    return program


def _plan(**overrides):
    out: dict = {}
    plan = plan_program(_program(out, **overrides), stack="test", config={"aws:region": "us-east-1"})
    return plan, out["replication"]


@pytest.fixture(scope="module")
def planned():
    return _plan()


@pytest.fixture(scope="module")
def plan(planned):
    return planned[0]


def _rule(plan) -> dict:
    (rule,) = plan.named("repl-replication").inputs["rules"]
    return rule


def _statements(plan) -> dict:
    return statements_by_sid(plan, "repl-role-policy")


def test_children_are_parented_and_named_deterministically(plan):
    (component,) = plan.of_type("blueprint:aws:VaultReplication")
    assert {r.name for r in plan.children(component.urn)} == {"repl-role", "repl-role-policy", "repl-replication"}


def test_replication_config_lives_on_the_source_vault_in_the_source_region(plan):
    config = plan.named("repl-replication")
    assert config.type == "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
    assert config.region == SRC  # the provider's region, not the stack default (us-east-1)
    assert config.inputs["bucket"].startswith("src-vault-")
    assert config.inputs["role"].startswith("arn:aws:iam::123456789012:role/repl-role")
    assert plan.named("repl").region == SRC
    assert plan.named("repl").workload == "fraud-scoring"


def test_one_enabled_rule_for_every_object_named_after_the_destination(plan):
    rule = _rule(plan)
    assert rule["status"] == "Enabled"
    assert rule["filter"] == {}
    assert rule["priority"] == 1
    assert rule["id"] == "replicate-all-to-eu-south-2"
    assert "existingObjectReplication" not in rule


def test_replication_time_control_15_minutes_with_metrics(plan):
    destination = _rule(plan)["destination"]
    assert destination["replicationTime"] == {"status": "Enabled", "time": {"minutes": 15}}
    assert destination["metrics"] == {"status": "Enabled", "eventThreshold": {"minutes": 15}}


def test_delete_markers_and_sse_kms_objects_are_replicated(plan):
    rule = _rule(plan)
    assert rule["deleteMarkerReplication"] == {"status": "Enabled"}
    assert rule["sourceSelectionCriteria"] == {"sseKmsEncryptedObjects": {"status": "Enabled"}}


def test_replicas_land_in_the_destination_vault_encrypted_with_the_destination_cmk(plan):
    destination = _rule(plan)["destination"]
    dst_key_arn = destination["encryptionConfiguration"]["replicaKmsKeyId"]
    assert dst_key_arn.startswith("arn:aws:kms:eu-south-2:123456789012:key/")
    assert plan.named("dst-cmk-key").urn in plan.named("repl-replication").dependencies
    assert destination["bucket"].startswith("arn:aws:s3:::dst-vault-")
    assert destination["storageClass"] == "STANDARD"


def test_replication_waits_for_both_vaults_versioning_and_the_role_policy(plan):
    deps = plan.named("repl-replication").dependencies
    assert plan.named("src-vault-versioning").urn in deps
    assert plan.named("dst-vault-versioning").urn in deps
    assert plan.named("repl-role-policy").urn in deps


def test_role_is_assumed_by_s3_only(plan):
    role = plan.named("repl-role")
    assert role.region == "global"
    (stmt,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert stmt == {"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"}
    assert role.inputs["tags"] == {**TAGS, "Name": "repl-role"}
    assert "eu-south-2" in role.inputs["description"]


def test_role_policy_reads_the_source_and_writes_replicas_only(plan):
    s = _statements(plan)
    src = s["ReadSourceReplicationConfig"]["Resource"]
    assert src.startswith("arn:aws:s3:::src-vault-")
    assert s["ReadSourceReplicationConfig"]["Action"] == ["s3:GetReplicationConfiguration", "s3:ListBucket"]
    assert s["ReadSourceVersions"]["Resource"] == f"{src}/*"
    assert set(s["ReadSourceVersions"]["Action"]) == {
        "s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging",
        "s3:GetObjectRetention", "s3:GetObjectLegalHold",
    }
    dst = _rule(plan)["destination"]["bucket"]
    assert s["WriteReplicas"]["Resource"] == f"{dst}/*"
    assert set(s["WriteReplicas"]["Action"]) == {"s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"}
    assert all(st["Effect"] == "Allow" for st in s.values())
    assert not any("*" == a or a.endswith(":*") for st in s.values() for a in ([st["Action"]] if isinstance(st["Action"], str) else st["Action"]))


def test_role_policy_uses_each_key_only_through_s3_of_its_region(plan):
    s = _statements(plan)
    src = s["ReadSourceReplicationConfig"]["Resource"]
    dst = _rule(plan)["destination"]["bucket"]
    decrypt = s["DecryptSourceThroughS3"]
    assert decrypt["Action"] == "kms:Decrypt"
    assert decrypt["Resource"].startswith("arn:aws:kms:eu-central-1:123456789012:key/")
    assert decrypt["Condition"] == {
        "StringEquals": {"kms:ViaService": "s3.eu-central-1.amazonaws.com"},
        "StringLike": {"kms:EncryptionContext:aws:s3:arn": [src, f"{src}/*"]},
    }
    encrypt = s["EncryptReplicasThroughS3"]
    assert encrypt["Action"] == ["kms:Encrypt", "kms:GenerateDataKey"]
    assert encrypt["Resource"] == _rule(plan)["destination"]["encryptionConfiguration"]["replicaKmsKeyId"]
    assert encrypt["Condition"] == {
        "StringEquals": {"kms:ViaService": "s3.eu-south-2.amazonaws.com"},
        "StringLike": {"kms:EncryptionContext:aws:s3:arn": [dst, f"{dst}/*"]},
    }


def test_outputs(planned):
    plan, replication = planned
    assert replication.rule_id == "replicate-all-to-eu-south-2"
    assert replication.destination_region == DST
    assert isinstance(replication.role_arn, pulumi.Output)
    assert isinstance(replication.destination_bucket_arn, pulumi.Output)


def test_storage_class_is_passed_through():
    plan, _ = _plan(storage_class="GLACIER_IR")
    assert _rule(plan)["destination"]["storageClass"] == "GLACIER_IR"


def test_defaults():
    args = _args()
    assert args.replication_time_minutes == 15
    assert args.storage_class == "STANDARD"
    assert args.rule_id == "replicate-all-to-eu-south-2"
    assert "STANDARD" in STORAGE_CLASSES and "ONEZONE_IA" not in STORAGE_CLASSES


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize("region", ["eu-spain-2", "EU-SOUTH-2", "eu-south", "eusouth2", "eu-south-2a", ""])
def test_fails_bad_destination_region(region):
    with pytest.raises(ValidationError, match=rf"destination_region: '{region}' is not an AWS region name"):
        _args(destination_region=region)


@pytest.mark.parametrize("minutes", [5, 30, 60, 0, True])
def test_fails_rtc_minutes_other_than_15(minutes):
    with pytest.raises(ValidationError, match=rf"replication_time_minutes: {minutes!r} is not offered .* only supports 15"):
        _args(replication_time_minutes=minutes)


@pytest.mark.parametrize("storage_class", ["standard", "GLACIER_DEEP", "EXPRESS_ONEZONE", ""])
def test_fails_unknown_storage_class(storage_class):
    with pytest.raises(ValidationError, match=rf"storage_class: '{storage_class}' is not an S3 storage class replication can write"):
        _args(storage_class=storage_class)


@pytest.mark.parametrize("storage_class", ["ONEZONE_IA", "REDUCED_REDUNDANCY", "OUTPOSTS"])
def test_fails_storage_class_unfit_for_a_dr_copy(storage_class):
    with pytest.raises(ValidationError, match=rf"storage_class: '{storage_class}' is refused because"):
        _args(storage_class=storage_class)


def test_fails_destination_key_in_another_region():
    with pytest.raises(ValidationError, match=r"destination_kms_key_arn: the key is in eu-central-1 but destination_region is eu-south-2"):
        _args(destination_kms_key_arn=SRC_CMK)


def test_fails_replication_into_the_source_region():
    with pytest.raises(ValidationError, match=r"destination_region: eu-central-1 is the source vault's region"):
        _args(destination_region="eu-central-1", destination_kms_key_arn=SRC_CMK.replace("1234abcd", "9999abcd"))


def test_fails_destination_equal_to_source():
    with pytest.raises(ValidationError, match=r"destination_bucket_arn: .* is the source bucket"):
        _args(destination_bucket_arn="arn:aws:s3:::vault-src-abc")


@pytest.mark.parametrize("field", ["source_kms_key_arn", "destination_kms_key_arn"])
def test_fails_kms_alias_instead_of_key_arn(field):
    with pytest.raises(ValidationError, match=rf"{field}: 'alias/aws/s3' is not a KMS key ARN"):
        _args(**{field: "alias/aws/s3"})


@pytest.mark.parametrize("field", ["source_bucket_arn", "destination_bucket_arn"])
def test_fails_bucket_name_instead_of_arn(field):
    with pytest.raises(ValidationError, match=rf"{field}: 'vault-x' is not an S3 bucket ARN"):
        _args(**{field: "vault-x"})


def test_fails_bucket_arn_instead_of_name():
    with pytest.raises(ValidationError, match=r"source_bucket: 'arn:aws:s3:::vault-src-abc' is not an S3 bucket name"):
        _args(source_bucket="arn:aws:s3:::vault-src-abc")


def test_fails_unknown_field():
    with pytest.raises(ValidationError, match="existing_object_replication"):
        _args(existing_object_replication=True)
