"""RecoveryPointVault: an AWS Backup vault encrypted with a CMK and locked with Vault Lock.

Vault Lock (checked in the AWS Backup API, PutBackupVaultLockConfiguration): once locked, no
recovery point can be deleted before its retention ends and no backup or copy job with a
retention below ``min_retention_days`` (or above ``max_retention_days``) is accepted.
COMPLIANCE mode sets ``ChangeableForDays``: "Backup enforces a 72-hour cooling-off period before
Vault Lock takes effect and becomes immutable. Therefore, you must set ChangeableForDays to 3 or
greater." blueprint uses exactly 3 days of grace; after them nobody, not even the root user, can
change or remove the lock. GOVERNANCE mode omits it: principals allowed
``backup:DeleteBackupVaultLockConfiguration`` can remove the lock (documented break-glass).

Children (component named ``n``):
    ``n-vault``  aws.backup.Vault (CMK, never force-destroyed, retained on delete)
    ``n-lock``   aws.backup.VaultLockConfiguration
"""

from __future__ import annotations

import re
from typing import Any, Literal, Optional

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ._tags import check_kms_key_arn, check_tags, merge_tags

# Backup vault names: 2..50 letters, digits, hyphens, underscores (CreateBackupVault).
_VAULT_NAME = re.compile(r"^[A-Za-z0-9_-]{2,50}$")
# The lock becomes immutable after this grace time (AWS's minimum: a 72-hour cooling-off period).
COMPLIANCE_CHANGEABLE_FOR_DAYS = 3
# Recovery points live at most 100 years (AWS Backup lifecycle maximum: 36,500 days).
MAX_RETENTION_DAYS = 36500


def vault_name_for(component_name: str) -> str:
    """A valid backup vault name derived from a component name: invalid characters become '-',
    at most 50 characters, at least 2."""
    base = re.sub(r"[^A-Za-z0-9_-]+", "-", component_name).strip("-") or "vault"
    base = base[:50].rstrip("-")
    return base if len(base) >= 2 else f"{base}-vault"


class RecoveryPointVaultArgs(BaseModel):
    """Settings of a locked AWS Backup vault."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    kms_key_arn: Any = Field(
        description="pulumi.Input[str]: ARN of the region's customer-managed KMS key that encrypts the recovery points.",
    )
    lock_mode: Literal["COMPLIANCE", "GOVERNANCE"] = Field(
        description="COMPLIANCE: the lock becomes immutable after a 3-day grace time; GOVERNANCE: privileged "
        "principals can remove it. Tiers pick it.",
    )
    min_retention_days: int = Field(description="Shortest retention any backup or copy into the vault may have, 1..36500.")
    max_retention_days: Optional[int] = Field(
        default=None,
        description="Longest retention accepted (>= min_retention_days, <= 36500); default None: no upper bound.",
    )
    vault_name: Optional[str] = Field(
        default=None,
        description="Vault name (2..50 letters, digits, '-', '_'); default derived from the component name.",
    )
    tags: dict[str, str] = Field(default_factory=dict, description="Tags merged onto the vault.")

    @field_validator("kms_key_arn")
    @classmethod
    def _kms(cls, v: Any) -> Any:
        return check_kms_key_arn("kms_key_arn", v)

    @field_validator("min_retention_days")
    @classmethod
    def _min(cls, v: int) -> int:
        if not 1 <= v <= MAX_RETENTION_DAYS:
            raise ValueError(f"min_retention_days: {v} is outside 1..{MAX_RETENTION_DAYS}")
        return v

    @field_validator("max_retention_days")
    @classmethod
    def _max(cls, v: Optional[int]) -> Optional[int]:
        if v is not None and not 1 <= v <= MAX_RETENTION_DAYS:
            raise ValueError(f"max_retention_days: {v} is outside 1..{MAX_RETENTION_DAYS} (or omit it for no upper bound)")
        return v

    @field_validator("vault_name")
    @classmethod
    def _vault_name(cls, v: Optional[str]) -> Optional[str]:
        if v is not None and not _VAULT_NAME.match(v):
            raise ValueError(f"vault_name: {v!r} must be 2..50 letters, digits, '-' or '_' (or omit it to derive one)")
        return v

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: dict[str, str]) -> dict[str, str]:
        return check_tags("tags", v)

    @model_validator(mode="after")
    def _bounds(self) -> RecoveryPointVaultArgs:
        if self.max_retention_days is not None and self.max_retention_days < self.min_retention_days:
            raise ValueError(
                f"max_retention_days: {self.max_retention_days} is below min_retention_days ({self.min_retention_days}); "
                f"raise it to at least {self.min_retention_days} or omit it"
            )
        return self


class RecoveryPointVault(pulumi.ComponentResource):
    """An AWS Backup vault (CMK-encrypted, retained on delete) with Vault Lock."""

    def __init__(self, name: str, args: RecoveryPointVaultArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("blueprint:aws:RecoveryPointVault", name, None, opts)

        vault = aws.backup.Vault(
            f"{name}-vault",
            name=args.vault_name or vault_name_for(name),
            kms_key_arn=args.kms_key_arn,
            force_destroy=False,  # a vault with recovery points is never emptied by Pulumi
            tags=merge_tags(args.tags, f"{name}-vault"),
            # Stateful: deleting the stack (or a replace) never deletes the recovery points.
            opts=pulumi.ResourceOptions(parent=self, retain_on_delete=True),
        )
        aws.backup.VaultLockConfiguration(
            f"{name}-lock",
            backup_vault_name=vault.name,
            min_retention_days=args.min_retention_days,
            max_retention_days=args.max_retention_days,
            changeable_for_days=COMPLIANCE_CHANGEABLE_FOR_DAYS if args.lock_mode == "COMPLIANCE" else None,
            opts=pulumi.ResourceOptions(parent=self),
        )

        self.name: pulumi.Output[str] = vault.name
        self.arn: pulumi.Output[str] = vault.arn
        self.lock_mode: str = args.lock_mode
        self.min_retention_days: int = args.min_retention_days
        self.register_outputs(
            {"name": self.name, "arn": self.arn, "lock_mode": self.lock_mode, "min_retention_days": self.min_retention_days}
        )
