"""WorkloadSecrets: the Secrets Manager secrets of one workload, replicated to the second region.

Only the containers are planned, never a value (no ``aws.secretsmanager.SecretVersion``): values are
put by the team that owns them (``aws secretsmanager put-secret-value``), so no secret ever sits in a
Pulumi state or plan. Each secret is encrypted with the primary region's customer-managed key and,
with ``replica_region``, replicated by Secrets Manager itself to that region under that region's key
(``replicas``: region + kms_key_id; "Replicate AWS Secrets Manager secrets across Regions",
https://docs.aws.amazon.com/secretsmanager/latest/userguide/create-manage-multi-region-secrets.html).
A replica is read-only until promoted (``aws secretsmanager stop-replication-to-replica`` in the
surviving region: docs/runbooks/region-rebuild.md).

Names are ``<prefix><secret>`` (e.g. ``prod/fraud-scoring/api-key``); ``recovery_window_in_days`` is
30 (the maximum: a deleted secret can be restored for 30 days) and the secrets are retained on delete.

Children (component named ``n``): ``n-<secret>`` aws.secretsmanager.Secret.
Attributes: ``names`` (secret -> name), ``arns`` (secret -> ARN in the primary region).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Optional

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field, model_validator

from blueprint.components._validation import check_distinct, checked

from ._tags import merge_tags
from ._types import KmsKeyArn, Tags

# Secrets Manager names: letters, digits and /_+=.@- (CreateSecret Name), at most 512.
SECRET_NAME = re.compile(r"^[A-Za-z0-9/_+=.@-]{1,512}$")
# RecoveryWindowInDays: 7..30 (CreateSecret / DeleteSecret).
MAX_RECOVERY_WINDOW_DAYS = 30


class WorkloadSecretsArgs(BaseModel):
    """Settings of one workload's secrets."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    prefix: str = Field(description="Name prefix of every secret, e.g. 'prod/fraud-scoring/'.")
    secrets: Annotated[tuple[str, ...], checked(check_distinct("a secret"))] = Field(
        min_length=1, description="Secret short names, e.g. ('api-key',).")
    kms_key_arn: KmsKeyArn = Field(description="pulumi.Input[str]: the primary region's customer-managed key.")
    replica_region: Optional[str] = Field(default=None, description="Region the secrets are replicated to. Default None: no replica.")
    replica_kms_key_arn: Any = Field(default=None, description="pulumi.Input[str]: that region's customer-managed key (required with replica_region).")
    recovery_window_in_days: int = Field(default=MAX_RECOVERY_WINDOW_DAYS, ge=7, le=MAX_RECOVERY_WINDOW_DAYS,
                                         description="Days a deleted secret stays restorable, 7..30; default 30.")
    tags: Tags = Field(default_factory=dict, description="Tags merged onto every secret.")

    @model_validator(mode="after")
    def _names_and_replica(self) -> WorkloadSecretsArgs:
        for secret in self.secrets:
            if not SECRET_NAME.match(f"{self.prefix}{secret}"):
                raise ValueError(f"secrets: {self.prefix}{secret!s} is not a Secrets Manager name (letters, digits, /_+=.@-, at most 512)")
        if self.replica_region is not None and self.replica_kms_key_arn is None:
            raise ValueError(f"replica_kms_key_arn: required with replica_region {self.replica_region!r} (a customer-managed key there)")
        return self


class WorkloadSecrets(pulumi.ComponentResource):
    """Secrets Manager secrets (containers only) with CMK encryption and a replica in the second region."""

    def __init__(self, name: str, args: WorkloadSecretsArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:aws:WorkloadSecrets", name, None, opts)
        replicas = ([aws.secretsmanager.SecretReplicaArgs(region=args.replica_region, kms_key_id=args.replica_kms_key_arn)]
                    if args.replica_region is not None else None)
        self.names: dict[str, str] = {}
        self.arns: dict[str, pulumi.Output[str]] = {}
        for secret in args.secrets:
            created = aws.secretsmanager.Secret(
                f"{name}-{secret}",
                name=f"{args.prefix}{secret}",
                description=f"blueprint: {args.prefix}{secret} (value put by its owner, never by Pulumi)",
                kms_key_id=args.kms_key_arn,
                replicas=replicas,
                recovery_window_in_days=args.recovery_window_in_days,
                tags=merge_tags(args.tags, f"{name}-{secret}"),
                opts=pulumi.ResourceOptions(parent=self, retain_on_delete=True),
            )
            self.names[secret] = f"{args.prefix}{secret}"
            self.arns[secret] = created.arn
        self.register_outputs({"arns": self.arns})
