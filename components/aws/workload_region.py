"""One workload's footprint in one region: for now its immutable backup vault.

GPU node pools, the load balancer, the database and DNS records join it in the AWS issue.
"""

from __future__ import annotations

from typing import Any, Literal, Optional

import pulumi
from pydantic import BaseModel, ConfigDict, Field

from components.aws.backup_vault import BackupVault, BackupVaultArgs


class WorkloadRegionArgs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    workload: str = Field(pattern=r"^[a-z][a-z0-9-]{1,30}$")
    tier: Literal["mission-critical", "business-critical", "standard", "best-effort"]
    kms_key_arn: Any = Field(description="The region's customer-managed key (pulumi.Input[str]).")
    lock_mode: Literal["COMPLIANCE", "GOVERNANCE"] = Field(description="Object Lock mode from the tier.")
    retention_days: int = Field(ge=1, le=36500, description="Object Lock days: the tier minimum or more.")
    tags: dict[str, str] = Field(default_factory=dict)


class WorkloadRegion(pulumi.ComponentResource):
    vault: BackupVault

    def __init__(self, name: str, args: WorkloadRegionArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("blueprint:aws:WorkloadRegion", name, None, opts)
        self.vault = BackupVault(
            f"{name}-vault",
            BackupVaultArgs(
                kms_key_arn=args.kms_key_arn,
                lock_mode=args.lock_mode,
                retention_days=args.retention_days,
                tags=args.tags,
            ),
            pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"vault_bucket": self.vault.bucket})
