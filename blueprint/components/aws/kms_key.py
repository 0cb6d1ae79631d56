"""KmsKey: a customer-managed KMS key with rotation, a least-surprise key policy and an alias.

Children (for a component named ``n``):
    ``n-key``    aws.kms.Key
    ``n-alias``  aws.kms.Alias (``alias/<alias_name>``)
"""

from __future__ import annotations

import json
import re

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field, field_validator

from blueprint.components._validation import IntBetween

from ._tags import merge_tags
from ._types import Tags

# KMS alias names: letters, digits, '/', '_' and '-'; the 'alias/' prefix is added by the component.
_ALIAS = re.compile(r"^[A-Za-z0-9/_-]{1,250}$")
RotationPeriodDays = IntBetween(90, 2560, scope="KMS's ", note=" (default 365)")
DeletionWindowDays = IntBetween(7, 30, scope="KMS's ", note=" (default 30)")


class KmsKeyArgs(BaseModel):
    """Settings of a customer-managed symmetric KMS key."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    alias_name: str = Field(
        description="Alias without the 'alias/' prefix, e.g. 'blueprint/prod/data'. Letters, digits, '/', '_', '-'; "
        "must not start with 'aws/' (reserved for AWS managed keys).",
    )
    description: str = Field(
        default="Customer-managed key (blueprint)",
        min_length=1,
        max_length=8192,
        description="Key description shown in the KMS console.",
    )
    # Secure default: automatic rotation is always enabled (not configurable); only its period is.
    rotation_period_in_days: RotationPeriodDays = Field(
        default=365,
        description="Automatic key rotation period; rotation is always on. KMS allows 90..2560 days; default 365.",
    )
    # Secure default: the longest pending-deletion window, so an accidental delete can be cancelled.
    deletion_window_in_days: DeletionWindowDays = Field(
        default=30,
        description="Days a scheduled deletion waits (cancellable). KMS allows 7..30; default 30 (the maximum).",
    )
    tags: Tags = Field(default_factory=dict, description="Tags merged onto every taggable child.")

    @field_validator("alias_name")
    @classmethod
    def _alias(cls, v: str) -> str:
        if v.startswith("alias/"):
            raise ValueError(f"alias_name: {v!r} must not include the 'alias/' prefix; pass {v[len('alias/'):]!r}")
        if not _ALIAS.match(v) or v.startswith("/") or v.endswith("/") or "//" in v:
            raise ValueError(
                f"alias_name: {v!r} is not a valid KMS alias name; use 1..250 of letters, digits, '/', '_', '-' "
                "without leading, trailing or doubled '/', e.g. 'blueprint/prod/data'"
            )
        if v.lower().startswith("aws/"):
            raise ValueError(f"alias_name: {v!r} starts with 'aws/', which is reserved for AWS managed keys; choose another prefix")
        return v


def _key_policy(partition: str, account: str, region: str, dns_suffix: str) -> str:
    """Account root administers the key (IAM policies then grant use); CloudWatch Logs in this
    region may use it only for log groups of this account (AWS's documented key policy); CloudWatch
    alarms of this account may use it to publish to SNS topics it encrypts (AlarmTopic)."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "EnableIamPolicies",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                },
                {
                    "Sid": "AllowCloudWatchLogs",
                    "Effect": "Allow",
                    "Principal": {"Service": f"logs.{region}.{dns_suffix}"},
                    "Action": [
                        "kms:Encrypt*",
                        "kms:Decrypt*",
                        "kms:ReEncrypt*",
                        "kms:GenerateDataKey*",
                        "kms:Describe*",
                    ],
                    "Resource": "*",
                    "Condition": {
                        "ArnLike": {
                            "kms:EncryptionContext:aws:logs:arn": f"arn:{partition}:logs:{region}:{account}:log-group:*"
                        }
                    },
                },
                {
                    # CloudWatch alarms can only notify an SNS topic encrypted with this key if the key
                    # policy lets the service use it (SNS guide, "Enable compatibility between event
                    # sources from AWS services and encrypted topics"); limited to this account's alarms.
                    "Sid": "AllowCloudWatchAlarms",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudwatch.amazonaws.com"},
                    "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:SourceAccount": account}},
                },
            ],
        },
        sort_keys=False,
    )


class KmsKey(pulumi.ComponentResource):
    """A customer-managed KMS key (rotation on, 30-day deletion window) with an alias."""

    key_id: pulumi.Output[str]
    arn: pulumi.Output[str]
    alias_name: pulumi.Output[str]

    def __init__(self, name: str, args: KmsKeyArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("blueprint:aws:KmsKey", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        invoke = pulumi.InvokeOutputOptions(parent=self)

        region = aws.get_region_output(opts=invoke)
        identity = aws.get_caller_identity_output(opts=invoke)
        partition = aws.get_partition_output(opts=invoke)
        policy = pulumi.Output.all(
            partition.partition, identity.account_id, region.region, partition.dns_suffix
        ).apply(lambda a: _key_policy(*a))

        key_name = f"{name}-key"
        key = aws.kms.Key(
            key_name,
            description=args.description,
            key_usage="ENCRYPT_DECRYPT",
            customer_master_key_spec="SYMMETRIC_DEFAULT",
            enable_key_rotation=True,
            rotation_period_in_days=args.rotation_period_in_days,
            deletion_window_in_days=args.deletion_window_in_days,
            policy=policy,
            tags=merge_tags(args.tags, key_name),
            opts=child,
        )
        alias = aws.kms.Alias(
            f"{name}-alias",
            name=f"alias/{args.alias_name}",
            target_key_id=key.key_id,
            opts=child,
        )

        self.key_id = key.key_id
        self.arn = key.arn
        self.alias_name = alias.name
        self.register_outputs({"key_id": self.key_id, "arn": self.arn, "alias_name": self.alias_name})
