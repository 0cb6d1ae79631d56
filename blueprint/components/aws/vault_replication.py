"""VaultReplication: live S3 replication of a workload's BackupVault to its vault in the second region.

Created in the *source* region (the caller passes the source region's provider in ``opts``):

Children (component named ``n``):
    ``n-role``         aws.iam.Role assumed by S3 (s3.amazonaws.com) to replicate
    ``n-role-policy``  aws.iam.RolePolicy: least privilege for SSE-KMS objects into an Object Lock vault
    ``n-replication``  aws.s3.BucketReplicationConfig on the source vault: one rule, every object,
                       Replication Time Control (15 minutes) with metrics, delete markers replicated,
                       replicas encrypted with the destination region's CMK

S3 refuses a replication configuration until versioning is enabled on both buckets, and Pulumi
cannot see that ordering through inputs. The caller therefore passes both vaults' versioning
resources as ``depends_on`` in ``opts`` (``BackupVault(...).versioning``); the component forwards
them to the replication configuration itself::

    VaultReplication("fraud-replication", VaultReplicationArgs(
        source_bucket=primary.bucket, source_bucket_arn=primary.arn, source_kms_key_arn=primary_key.arn,
        destination_bucket_arn=secondary.arn, destination_kms_key_arn=secondary_key.arn,
        destination_region="eu-south-2"),
        opts=pulumi.ResourceOptions(provider=primary_provider,
                                    depends_on=[primary.versioning, secondary.versioning]))

Both vaults have Object Lock on (the destination must: S3 refuses to replicate locked objects into a
bucket without it); replicas keep the source version's retention mode and date.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from blueprint.components._validation import InputMatching

from ._names import iam_role_name_prefix
from ._tags import merge_tags
from ._types import KmsKeyArn, Tags

# AWS region names: us-east-1, eu-south-2, ap-southeast-5, us-gov-west-1, cn-north-1, il-central-1.
_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-(north|south|east|west|central|northeast|southeast|northwest|southwest)-\d{1,2}$")
_KMS_REGION = re.compile(r"^arn:aws[a-z-]*:kms:([a-z0-9-]+):")
# arn:<partition>:s3:::<bucket> (bucket names: 3..63 of lower case, digits, '.', '-').
_BUCKET_ARN = re.compile(r"^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_BucketName = InputMatching(_BUCKET_NAME, "is not an S3 bucket name; pass the source vault's bucket name "
                                          "(BackupVault(...).bucket), not its ARN")
_BucketArn = InputMatching(_BUCKET_ARN, "is not an S3 bucket ARN; pass the vault's ARN "
                                        "(BackupVault(...).arn or 'arn:aws:s3:::<bucket>')")

# Storage classes a replication rule may write replicas in (S3 API `Destination.StorageClass`, the
# values of S3 Control's ReplicationStorageClass), minus those that do not fit a disaster-recovery
# copy of a regional vault: ONEZONE_IA keeps one zone only, REDUCED_REDUNDANCY is deprecated and
# less durable, OUTPOSTS needs an Outposts bucket. GLACIER / DEEP_ARCHIVE replicas must be restored
# before a rebuild can read them (hours), which the tier's RTO has to allow.
STORAGE_CLASSES = ("STANDARD", "STANDARD_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE")
_REFUSED_CLASSES = {
    "ONEZONE_IA": "it keeps the replica in a single availability zone, which defeats a disaster-recovery copy",
    "REDUCED_REDUNDANCY": "it is deprecated and less durable than STANDARD",
    "OUTPOSTS": "it needs an S3 on Outposts bucket, not a regional vault",
}


class VaultReplicationArgs(BaseModel):
    """Settings of the live replication of one backup vault to the second region's vault."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    source_bucket: _BucketName = Field(description="pulumi.Input[str]: name of the source vault's bucket (BackupVault.bucket).")
    source_bucket_arn: _BucketArn = Field(description="pulumi.Input[str]: ARN of the source vault's bucket (BackupVault.arn).")
    source_kms_key_arn: KmsKeyArn = Field(
        description="pulumi.Input[str]: ARN of the CMK that encrypts the source vault (the role may decrypt with it, via S3 only).",
    )
    destination_bucket_arn: _BucketArn = Field(
        description="pulumi.Input[str]: ARN of the second region's vault bucket; it must have versioning and Object Lock on.",
    )
    destination_kms_key_arn: KmsKeyArn = Field(
        description="pulumi.Input[str]: ARN of the SECOND region's CMK. Replicas are encrypted with it so they stay "
        "readable in the region they land in, even when the source region (and its key) is gone.",
    )
    destination_region: str = Field(
        description="Region of the destination vault, e.g. 'eu-south-2'. Appears in the rule ID and the role's "
        "description so the plan shows where the data goes, and scopes the KMS grant (kms:ViaService).",
    )
    # S3 Replication Time Control offers exactly one threshold, 15 minutes (PutBucketReplication's
    # ReplicationTimeValue.Minutes and pulumi-aws' `time.minutes`: "Valid values: 15").
    replication_time_minutes: Literal[15] = Field(
        default=15,
        description="S3 Replication Time Control threshold: 99.99% of objects replicated within it. "
        "S3 only supports 15 (the default); RTC is always on, with replication metrics and missed-threshold events.",
    )
    storage_class: str = Field(
        default="STANDARD",
        description=f"Storage class of the replicas, one of {', '.join(STORAGE_CLASSES)}. Default STANDARD: a "
        "rebuild reads the replicas at once, without a restore.",
    )
    tags: Tags = Field(default_factory=dict, description="Tags merged onto every taggable child.")

    @field_validator("destination_region")
    @classmethod
    def _region(cls, v: str) -> str:
        if not _REGION.match(v):
            raise ValueError(
                f"destination_region: {v!r} is not an AWS region name; pass the second region's name, e.g. 'eu-south-2'"
            )
        return v

    @field_validator("replication_time_minutes", mode="before")
    @classmethod
    def _rtc(cls, v: Any) -> Any:
        if isinstance(v, bool) or v != 15:
            raise ValueError(
                f"replication_time_minutes: {v!r} is not offered by S3 Replication Time Control; it only supports 15 "
                "(omit the field)"
            )
        return v

    @field_validator("storage_class")
    @classmethod
    def _storage_class(cls, v: str) -> str:
        if v in _REFUSED_CLASSES:
            raise ValueError(f"storage_class: {v!r} is refused because {_REFUSED_CLASSES[v]}; choose one of {', '.join(STORAGE_CLASSES)}")
        if v not in STORAGE_CLASSES:
            raise ValueError(
                f"storage_class: {v!r} is not an S3 storage class replication can write; choose one of "
                f"{', '.join(STORAGE_CLASSES)} (upper case, default STANDARD)"
            )
        return v

    @model_validator(mode="after")
    def _cross_region(self) -> VaultReplicationArgs:
        dst_key = _kms_region(self.destination_kms_key_arn)
        if dst_key is not None and dst_key != self.destination_region:
            raise ValueError(
                f"destination_kms_key_arn: the key is in {dst_key} but destination_region is {self.destination_region}; "
                "S3 needs the replica key in the destination bucket's region: pass the second region's CMK"
            )
        src_key = _kms_region(self.source_kms_key_arn)
        if src_key is not None and src_key == self.destination_region:
            raise ValueError(
                f"destination_region: {self.destination_region} is the source vault's region (its key is there); "
                "replicate to the second region"
            )
        src, dst = self.source_bucket_arn, self.destination_bucket_arn
        if isinstance(src, str) and isinstance(dst, str) and src == dst:
            raise ValueError(f"destination_bucket_arn: {dst!r} is the source bucket; pass the second region's vault")
        return self

    @property
    def rule_id(self) -> str:
        """The replication rule's ID, naming where the data goes."""
        return f"replicate-all-to-{self.destination_region}"


def _kms_region(arn: Any) -> str | None:
    match = _KMS_REGION.match(arn) if isinstance(arn, str) else None
    return match.group(1) if match else None


def _trust_policy() -> str:
    # The trust policy of AWS's replication guide ("Setting up permissions for live replication").
    # Only a principal with iam:PassRole on this role (same account) can attach it to a bucket.
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ],
        }
    )


def _role_policy(src_bucket: str, dst_bucket: str, src_key: str, dst_key: str, src_region: str,
                 dst_region: str, dns_suffix: str) -> str:
    """Least privilege for replicating SSE-KMS objects into an Object Lock bucket, per AWS's S3 guide
    ("Setting up permissions for live replication", "Replicating encrypted objects", "Object Lock
    considerations: Using Object Lock with S3 Replication")."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ReadSourceReplicationConfig",
                    "Effect": "Allow",
                    "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"],
                    "Resource": src_bucket,
                },
                {
                    # GetObjectRetention / GetObjectLegalHold: required to replicate locked objects
                    # with their retention; the *Tagging action lets tags travel with the versions.
                    "Sid": "ReadSourceVersions",
                    "Effect": "Allow",
                    "Action": [
                        "s3:GetObjectVersionForReplication",
                        "s3:GetObjectVersionAcl",
                        "s3:GetObjectVersionTagging",
                        "s3:GetObjectRetention",
                        "s3:GetObjectLegalHold",
                    ],
                    "Resource": f"{src_bucket}/*",
                },
                {
                    # No s3:ObjectOwnerOverrideToBucketOwner: both vaults are in one account and the
                    # destination has BucketOwnerEnforced, so replicas already belong to its owner
                    # (the override is only for cross-account owner translation).
                    "Sid": "WriteReplicas",
                    "Effect": "Allow",
                    "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
                    "Resource": f"{dst_bucket}/*",
                },
                {
                    # The encryption context is the bucket ARN with S3 Bucket Keys (the vaults use
                    # them) and the object ARN without: both are allowed.
                    "Sid": "DecryptSourceThroughS3",
                    "Effect": "Allow",
                    "Action": "kms:Decrypt",
                    "Resource": src_key,
                    "Condition": {
                        "StringEquals": {"kms:ViaService": f"s3.{src_region}.{dns_suffix}"},
                        "StringLike": {"kms:EncryptionContext:aws:s3:arn": [src_bucket, f"{src_bucket}/*"]},
                    },
                },
                {
                    "Sid": "EncryptReplicasThroughS3",
                    "Effect": "Allow",
                    "Action": ["kms:Encrypt", "kms:GenerateDataKey"],
                    "Resource": dst_key,
                    "Condition": {
                        "StringEquals": {"kms:ViaService": f"s3.{dst_region}.{dns_suffix}"},
                        "StringLike": {"kms:EncryptionContext:aws:s3:arn": [dst_bucket, f"{dst_bucket}/*"]},
                    },
                },
            ],
        }
    )


class VaultReplication(pulumi.ComponentResource):
    """Live replication of a BackupVault to the second region: S3 RTC (15 minutes) with metrics,
    every object and delete marker, replicas encrypted with the destination region's CMK."""

    role_arn: pulumi.Output[str]
    rule_id: str
    destination_bucket_arn: pulumi.Output[str]
    destination_region: str

    def __init__(self, name: str, args: VaultReplicationArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("blueprint:aws:VaultReplication", name, None, opts)
        role, role_policy = self._role(name, args)

        # The role's permissions must exist before S3 starts replicating; the caller's depends_on
        # (both vaults' versioning) must be in place before S3 accepts the configuration.
        replication_opts = pulumi.ResourceOptions(parent=self, depends_on=[role_policy])
        if opts is not None and opts.depends_on is not None:
            replication_opts = pulumi.ResourceOptions.merge(replication_opts, pulumi.ResourceOptions(depends_on=opts.depends_on))
        aws.s3.BucketReplicationConfig(
            f"{name}-replication",
            bucket=args.source_bucket,
            role=role.arn,
            rules=[_replication_rule(args)],
            opts=replication_opts,
        )

        self.role_arn = role.arn
        self.rule_id = args.rule_id
        self.destination_bucket_arn = pulumi.Output.from_input(args.destination_bucket_arn)
        self.destination_region = args.destination_region
        self.register_outputs(
            {
                "role_arn": self.role_arn,
                "rule_id": self.rule_id,
                "destination_bucket_arn": self.destination_bucket_arn,
                "destination_region": self.destination_region,
            }
        )

    def _role(self, name: str, args: VaultReplicationArgs) -> tuple[aws.iam.Role, aws.iam.RolePolicy]:
        """The replication role S3 assumes, with its least-privilege policy."""
        child = pulumi.ResourceOptions(parent=self)
        invoke = pulumi.InvokeOutputOptions(parent=self)
        # The source region is the provider's (the caller passes the source region's provider).
        region = aws.get_region_output(opts=invoke)
        partition = aws.get_partition_output(opts=invoke)
        role_name = f"{name}-role"
        role = aws.iam.Role(
            role_name,
            name_prefix=iam_role_name_prefix(role_name),  # fits IAM's 64 (blueprint/components/aws/_names.py)
            assume_role_policy=_trust_policy(),
            description=f"S3 replication of {name} to {args.destination_region}",
            tags=merge_tags(args.tags, role_name),
            opts=child,
        )
        policy = pulumi.Output.all(
            args.source_bucket_arn, args.destination_bucket_arn, args.source_kms_key_arn,
            args.destination_kms_key_arn, region.region, partition.dns_suffix,
        ).apply(lambda a: _role_policy(a[0], a[1], a[2], a[3], a[4], args.destination_region, a[5]))
        return role, aws.iam.RolePolicy(f"{name}-role-policy", role=role.id, policy=policy, opts=child)


def _replication_rule(args: VaultReplicationArgs) -> aws.s3.BucketReplicationConfigRuleArgs:
    """Every object and delete marker, SSE-KMS objects included, to the destination with its CMK, under RTC."""
    minutes = args.replication_time_minutes
    return aws.s3.BucketReplicationConfigRuleArgs(
        id=args.rule_id,
        status="Enabled",
        priority=1,
        filter=aws.s3.BucketReplicationConfigRuleFilterArgs(),  # every object in the vault
        # A delete marker is replicated too (locked versions stay protected underneath).
        delete_marker_replication=aws.s3.BucketReplicationConfigRuleDeleteMarkerReplicationArgs(status="Enabled"),
        # Vault objects are SSE-KMS: S3 skips them unless the rule opts in. Replica
        # modification sync is left off: it only matters for two-way replication.
        source_selection_criteria=aws.s3.BucketReplicationConfigRuleSourceSelectionCriteriaArgs(
            sse_kms_encrypted_objects=aws.s3.BucketReplicationConfigRuleSourceSelectionCriteriaSseKmsEncryptedObjectsArgs(
                status="Enabled"
            ),
        ),
        destination=aws.s3.BucketReplicationConfigRuleDestinationArgs(
            bucket=args.destination_bucket_arn,
            storage_class=args.storage_class,
            encryption_configuration=aws.s3.BucketReplicationConfigRuleDestinationEncryptionConfigurationArgs(
                replica_kms_key_id=args.destination_kms_key_arn,
            ),
            # RTC needs metrics; both use S3's only threshold, 15 minutes.
            replication_time=aws.s3.BucketReplicationConfigRuleDestinationReplicationTimeArgs(
                status="Enabled",
                time=aws.s3.BucketReplicationConfigRuleDestinationReplicationTimeTimeArgs(minutes=minutes),
            ),
            metrics=aws.s3.BucketReplicationConfigRuleDestinationMetricsArgs(
                status="Enabled",
                event_threshold=aws.s3.BucketReplicationConfigRuleDestinationMetricsEventThresholdArgs(minutes=minutes),
            ),
        ),
    )
