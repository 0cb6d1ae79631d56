"""RecoveryPointVault: CMK-encrypted AWS Backup vault with Vault Lock by tier; validation."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pytest
from pydantic import ValidationError

from blueprint.plan.engine import plan_program
from blueprint.components.aws.recovery_point_vault import RecoveryPointVault, RecoveryPointVaultArgs, vault_name_for
from tests.components._helpers import capture_opts

CMK = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
TAGS = {"blueprint:workload": "batch-embeddings", "blueprint:tier": "best-effort"}


def _args(**overrides) -> RecoveryPointVaultArgs:
    return RecoveryPointVaultArgs(**{"kms_key_arn": CMK, "lock_mode": "COMPLIANCE", "min_retention_days": 35, "tags": TAGS, **overrides})


def _plan(name: str = "vault", **overrides):
    args = _args(**overrides)

    def program():
        provider = aws.Provider("aws-eu-central-1", region="eu-central-1")
        vault = RecoveryPointVault(name, args, pulumi.ResourceOptions(providers=[provider]))
        pulumi.export("name", vault.name)
        pulumi.export("arn", vault.arn)

    return plan_program(program, stack="test", config={"aws:region": "us-east-1"})


@pytest.fixture(scope="module")
def plan():
    return _plan()


def test_vault_is_encrypted_with_the_cmk_and_never_force_destroyed(plan):
    vault = plan.named("vault-vault")
    assert vault.type == "aws:backup/vault:Vault"
    assert vault.inputs["kmsKeyArn"] == CMK
    assert vault.inputs["forceDestroy"] is False
    assert vault.inputs["name"] == "vault"
    assert vault.inputs["tags"] == {**TAGS, "Name": "vault-vault"}
    assert vault.region == "eu-central-1"
    assert vault.workload == "batch-embeddings"


def test_vault_is_retained_on_delete(monkeypatch):
    seen = capture_opts(monkeypatch, aws.backup, "Vault")
    _plan()
    assert seen["vault-vault"].retain_on_delete is True


def test_compliance_lock_becomes_immutable_after_three_days(plan):
    lock = plan.named("vault-lock")
    assert lock.type == "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
    assert lock.inputs["backupVaultName"] == "vault"
    assert lock.inputs["minRetentionDays"] == 35
    assert lock.inputs["changeableForDays"] == 3  # AWS's minimum cooling-off period
    assert "maxRetentionDays" not in lock.inputs
    assert plan.named("vault-vault").urn in lock.dependencies
    assert lock.region == "eu-central-1"


@pytest.mark.parametrize("mode,days", [("COMPLIANCE", 35), ("COMPLIANCE", 30), ("GOVERNANCE", 14), ("GOVERNANCE", 7)])
def test_lock_follows_the_tier(mode, days):
    lock = _plan(lock_mode=mode, min_retention_days=days).named("vault-lock")
    assert lock.inputs["minRetentionDays"] == days
    if mode == "COMPLIANCE":
        assert lock.inputs["changeableForDays"] == 3
    else:  # governance: removable by privileged principals, so no lock date
        assert "changeableForDays" not in lock.inputs


def test_max_retention_and_explicit_name():
    plan = _plan(max_retention_days=400, vault_name="prod_fraud-dr")
    assert plan.named("vault-lock").inputs["maxRetentionDays"] == 400
    assert plan.named("vault-vault").inputs["name"] == "prod_fraud-dr"
    assert plan.named("vault-lock").inputs["backupVaultName"] == "prod_fraud-dr"


def test_outputs_and_structure(plan):
    assert plan.outputs["name"] == "vault"
    assert plan.outputs["arn"] == "arn:aws:backup:eu-central-1:123456789012:backup-vault:vault"
    component = plan.of_type("blueprint:aws:RecoveryPointVault")[0]
    assert {r.name for r in plan.children(component.urn)} == {"vault-vault", "vault-lock"}


@pytest.mark.parametrize(
    "name,expected",
    [("vault", "vault"), ("fraud.scoring vault", "fraud-scoring-vault"), ("x", "x-vault"), ("a" * 60, "a" * 50), ("...", "vault")],
)
def test_vault_name_derivation(name, expected):
    assert vault_name_for(name) == expected


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize("days", [0, 36501])
def test_fails_min_retention_out_of_range(days):
    with pytest.raises(ValidationError, match=rf"min_retention_days: {days} is outside 1\.\.36500"):
        _args(min_retention_days=days)


def test_fails_max_below_min():
    with pytest.raises(ValidationError, match=r"max_retention_days: 30 is below min_retention_days \(35\)"):
        _args(max_retention_days=30)


@pytest.mark.parametrize("name", ["a", "bad name", "x" * 51, "vault.dr"])
def test_fails_invalid_vault_name(name):
    with pytest.raises(ValidationError, match=r"vault_name: "):
        _args(vault_name=name)


def test_fails_kms_alias():
    with pytest.raises(ValidationError, match=r"kms_key_arn: 'alias/aws/backup' is not a KMS key ARN"):
        _args(kms_key_arn="alias/aws/backup")


def test_fails_lowercase_lock_mode():
    with pytest.raises(ValidationError, match="lock_mode"):
        _args(lock_mode="compliance")


def test_fails_unknown_field():
    with pytest.raises(ValidationError, match="force_destroy"):
        _args(force_destroy=True)
