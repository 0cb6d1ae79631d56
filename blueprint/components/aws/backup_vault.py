"""BackupVault: an immutable (S3 Object Lock), versioned, CMK-encrypted, TLS-only backup bucket.

Children (component named ``n``):
    ``n-bucket``  aws.s3.Bucket (object lock on, retained on delete)
    ``n-ownership``, ``n-public-access-block``, ``n-versioning``, ``n-object-lock``,
    ``n-encryption``, ``n-policy``, ``n-lifecycle``
    ``n-access-logging``  aws.s3.BucketLogging into ``access_log_bucket`` (when given)

S3 server access logging (who read, wrote or tried to delete what, and when) goes to the region's
``AccessLogBucket`` under ``s3-access-logs/``, in the date-partitioned key format
(``<prefix><account>/<region>/<bucket>/<yyyy>/<mm>/<dd>/...``, partitioned by event time) so each
vault's logs are found by bucket and day. The destination must be an SSE-S3 bucket in the same
region and account: S3 delivers no server access logs into an SSE-KMS bucket, which is why the
logs do not go into another vault.

Attributes: ``bucket`` (name), ``arn`` / ``bucket_arn``, ``lock_mode``, ``retention_days`` and
``versioning`` (the BucketVersioning child, for callers that must wait for versioning, such as
VaultReplication's ``depends_on``).
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ._s3 import private_versioned, tls_only_statements
from blueprint.components._validation import IntBetween, check_prefix_expiration, checked

from ._tags import merge_tags
from ._types import KmsKeyArn, Tags

# Key prefix of S3 server access logs in the access-log bucket (AccessLogBucket grants delivery there).
S3_ACCESS_LOG_PREFIX = "s3-access-logs/"
# Tag every vault bucket carries, and nothing else: the AWS FIS action aws:s3:bucket-pause-replication
# "only supports targeting by tags" (https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html#bucket-pause-replication),
# and no other tag tells a vault from the region's other buckets (blueprint.components.aws.fis_experiments targets it).
VAULT_TAG_KEY, VAULT_TAG_VALUE = "blueprint:backup-vault", "true"
# S3 allows bucket_prefix up to 37 characters; the provider appends a unique suffix.
_MAX_PREFIX = 37
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")


def bucket_prefix(component_name: str) -> str:
    """A valid S3 bucket-name prefix derived from the component name: lower case, letters, digits
    and single hyphens (no dots: they break virtual-hosted TLS), at most 37 characters, ending in '-'."""
    base = re.sub(r"[^a-z0-9]+", "-", component_name.lower()).strip("-") or "vault"
    if base.startswith(_RESERVED_PREFIXES):
        base = f"bp-{base}"
    return base[: _MAX_PREFIX - 1].rstrip("-") + "-"


LockRetentionDays = IntBetween(1, 36500, note="; Object Lock needs at least one day of retention")
AbortMultipartDays = IntBetween(1, 365, note="; default 7")


class BackupVaultArgs(BaseModel):
    """Settings of an immutable backup bucket."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    kms_key_arn: KmsKeyArn = Field(
        description="pulumi.Input[str]: ARN of the customer-managed KMS key for SSE-KMS (required; no AWS-managed keys).",
    )
    lock_mode: Literal["COMPLIANCE", "GOVERNANCE"] = Field(
        description="Object Lock default retention mode. COMPLIANCE: nobody, not even root, can shorten or remove "
        "retention; GOVERNANCE: principals with s3:BypassGovernanceRetention can. Tiers pick it.",
    )
    retention_days: LockRetentionDays = Field(
        description="Default Object Lock retention in days, 1..36500.")
    noncurrent_version_expiration_days: int | None = Field(
        default=None,
        description="Days after which noncurrent versions expire; default retention_days + 30. "
        "Must be >= retention_days (a version cannot outlive its lock anyway, so shorter is a config error).",
    )
    abort_incomplete_multipart_days: AbortMultipartDays = Field(
        default=7, description="Abort incomplete multipart uploads after this many days (1..365); default 7."
    )
    prefix_expiration_days: Annotated[dict[str, int], checked(check_prefix_expiration)] = Field(
        default_factory=dict,
        description="Key prefix -> days after which current objects under it expire (a delete marker; the locked "
        "version stays until its retention ends, then the noncurrent rule removes it), e.g. {'checkpoints/': 30} for "
        "training checkpoints. Default {}: nothing expires but noncurrent versions.",
    )
    # Secure default: a vault is never emptied on delete (and the bucket is retained on delete).
    force_destroy: bool = Field(
        default=False,
        description="Default False: never empty a vault on delete. True only for throw-away test stacks.",
    )
    access_log_bucket: Any = Field(
        default=None,
        description="pulumi.Input[str]: name of the SSE-S3 bucket (same region and account, e.g. AccessLogBucket(...).bucket) "
        "that receives the vault's S3 server access logs under 's3-access-logs/'. Default None: no server access logging; "
        "the composer always passes the region's AccessLogBucket.",
    )
    tags: Tags = Field(default_factory=dict, description="Tags merged onto every taggable child.")

    @field_validator("noncurrent_version_expiration_days")
    @classmethod
    def _noncurrent(cls, v: int | None) -> int | None:
        if v is not None and v < 1:
            raise ValueError(f"noncurrent_version_expiration_days: {v} must be at least 1 (or omit it for retention_days + 30)")
        return v

    @model_validator(mode="after")
    def _lifecycle_not_shorter_than_retention(self) -> BackupVaultArgs:
        v = self.noncurrent_version_expiration_days
        if v is not None and v < self.retention_days:
            raise ValueError(
                f"noncurrent_version_expiration_days: {v} is shorter than retention_days ({self.retention_days}); "
                f"set it to at least {self.retention_days} or omit it (default {self.retention_days + 30})"
            )
        return self

    @property
    def effective_noncurrent_version_expiration_days(self) -> int:
        """The lifecycle's noncurrent-version expiration actually applied."""
        if self.noncurrent_version_expiration_days is not None:
            return self.noncurrent_version_expiration_days
        return self.retention_days + 30


def _tls_only_policy(arn: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": tls_only_statements(arn)})


class BackupVault(pulumi.ComponentResource):
    """An S3 bucket for backups: Object Lock default retention, versioning, SSE-KMS with a CMK and
    bucket key, all public access blocked, TLS 1.2+ only, retained on delete."""

    def __init__(self, name: str, args: BackupVaultArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("blueprint:aws:BackupVault", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        def after(*deps: pulumi.Resource) -> pulumi.ResourceOptions:
            return pulumi.ResourceOptions(parent=self, depends_on=list(deps))

        bucket = aws.s3.Bucket(
            f"{name}-bucket",
            bucket_prefix=bucket_prefix(name),
            object_lock_enabled=True,
            force_destroy=args.force_destroy,
            tags={**merge_tags(args.tags, f"{name}-bucket"), VAULT_TAG_KEY: VAULT_TAG_VALUE},
            # Stateful: deleting the stack (or a replace) never deletes the backups.
            opts=pulumi.ResourceOptions(parent=self, retain_on_delete=True),
        )
        controls = private_versioned(name, bucket, child)
        public_access_block, versioning = controls.public_access_block, controls.versioning
        self._object_lock(name, args, bucket, versioning)
        self._encryption(name, args, bucket)
        aws.s3.BucketPolicy(
            f"{name}-policy",
            bucket=bucket.id,
            policy=bucket.arn.apply(_tls_only_policy),
            opts=after(public_access_block),
        )
        self._lifecycle(name, args, bucket, versioning)
        if args.access_log_bucket is not None:
            self._access_logging(name, args, bucket)

        self.bucket: pulumi.Output[str] = bucket.bucket
        self.arn: pulumi.Output[str] = bucket.arn
        self.bucket_arn: pulumi.Output[str] = bucket.arn  # same as ``arn``; the name replication callers read
        # Replication (VaultReplication) must wait for versioning on both vaults: callers pass this
        # resource in its depends_on.
        self.versioning: aws.s3.BucketVersioning = versioning
        self.lock_mode: str = args.lock_mode
        self.retention_days: int = args.retention_days
        self.register_outputs(
            {"bucket": self.bucket, "arn": self.arn, "lock_mode": self.lock_mode, "retention_days": self.retention_days}
        )

    def _object_lock(self, name: str, args: BackupVaultArgs, bucket: aws.s3.Bucket,
                     versioning: aws.s3.BucketVersioning) -> None:
        """Default Object Lock retention (the lock needs versioning first)."""
        aws.s3.BucketObjectLockConfiguration(
            f"{name}-object-lock",
            bucket=bucket.id,
            object_lock_enabled="Enabled",
            rule=aws.s3.BucketObjectLockConfigurationRuleArgs(
                default_retention=aws.s3.BucketObjectLockConfigurationRuleDefaultRetentionArgs(
                    mode=args.lock_mode, days=args.retention_days
                )
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning]),
        )

    def _encryption(self, name: str, args: BackupVaultArgs, bucket: aws.s3.Bucket) -> None:
        """SSE-KMS with the CMK and a bucket key."""
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=bucket.id,
            rules=[
                aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                    apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                        sse_algorithm="aws:kms", kms_master_key_id=args.kms_key_arn
                    ),
                    bucket_key_enabled=True,
                )
            ],
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _lifecycle(self, name: str, args: BackupVaultArgs, bucket: aws.s3.Bucket,
                   versioning: aws.s3.BucketVersioning) -> None:
        """Noncurrent versions expire (never before their lock ends); incomplete uploads are aborted."""
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=bucket.id,
            rules=[
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id="expire-noncurrent-versions",
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(),  # whole bucket
                    noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                        noncurrent_days=args.effective_noncurrent_version_expiration_days
                    ),
                    abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                        days_after_initiation=args.abort_incomplete_multipart_days
                    ),
                )
            ] + [
                # Expiration of a current version in a versioned bucket only adds a delete marker ("logical
                # deletion", https://docs.aws.amazon.com/AmazonS3/latest/dev/lifecycle-and-other-bucket-config.html);
                # the locked version stays until its retention ends and the noncurrent rule removes it.
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id=f"expire-{prefix.strip('/').replace('/', '-')}",
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=prefix),
                    expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=days),
                )
                for prefix, days in sorted(args.prefix_expiration_days.items())
            ],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning]),
        )

    def _access_logging(self, name: str, args: BackupVaultArgs, bucket: aws.s3.Bucket) -> None:
        """S3 server access logs into the region's access-log bucket."""
        aws.s3.BucketLogging(
            f"{name}-access-logging",
            bucket=bucket.id,
            target_bucket=args.access_log_bucket,
            target_prefix=S3_ACCESS_LOG_PREFIX,
            target_object_key_format=aws.s3.BucketLoggingTargetObjectKeyFormatArgs(
                partitioned_prefix=aws.s3.BucketLoggingTargetObjectKeyFormatPartitionedPrefixArgs(partition_date_source="EventTime")
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
