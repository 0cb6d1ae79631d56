"""BackupBucket: a GCS backup vault: retention-locked, CMEK-encrypted, never public.

Geo-redundancy decision: when ``replica_region`` is given the bucket is a *configurable
dual-region* (``location`` = the multi-region code, ``custom_placement_config.data_locations`` =
both regions) with turbo replication (``rpo`` ASYNC_TURBO: every object in both regions within
15 minutes). One bucket, one retention policy, one lock: nothing to copy, nothing that can drift,
and the bucket stays readable and writable when either region is down (RTO 0). Configurable
dual-regions exist only for two regions inside one multi-region; this component catalogues the
pairs it can also encrypt (a dual-region bucket's CMEK key ring must be in "the associated
multi-region", e.g. ``europe`` for EUROPE-WEST4 + EUROPE-WEST1; Cloud Storage CMEK docs):

    US   (KMS location ``us``):     US-CENTRAL1, US-EAST1, US-EAST4, US-EAST5, US-SOUTH1, US-WEST1..4
    EU   (KMS location ``europe``): EUROPE-CENTRAL2, EUROPE-NORTH1, EUROPE-SOUTHWEST1, EUROPE-WEST1,
                                    EUROPE-WEST3, EUROPE-WEST4, EUROPE-WEST8, EUROPE-WEST9,
                                    EUROPE-WEST10, EUROPE-WEST12 (EUROPE-NORTH1 + EUROPE-WEST4 only
                                    as the predefined EUR4, so refused here)
    ASIA (KMS location ``asia``):   ASIA-EAST1, ASIA-SOUTHEAST1

(Cloud Storage "Bucket locations", configurable dual-regions table.) Other pairs (other
jurisdictions, or regions in two multi-regions) get a regional bucket per region instead, and the
caller copies between them (Storage Transfer Service); ``dual_region_location`` tells which case
applies.

Retention: ``retention_policy`` of ``retention_days`` (objects can be neither deleted nor
overwritten before), locked (``is_locked``, irreversible: nobody can shorten or remove it) for
COMPLIANCE tiers, unlocked for GOVERNANCE. Object Versioning is deliberately OFF: Cloud Storage
refuses a retention policy and Object Versioning on the same bucket ("Retention policies and Object
Versioning are mutually exclusive", Bucket Lock docs), and the retention policy is the stronger
guarantee (no generation can be replaced or removed inside the window, not even a noncurrent one
to be pruned). Soft delete keeps objects deleted after their retention recoverable for 7 more days
by default; incomplete multipart uploads are aborted after 7 days.

Children (component named ``n``): ``n-bucket`` storage.Bucket (retained on delete).
Attributes: ``name``, ``url``, ``location``, ``lock_mode``, ``retention_days``.
"""

from __future__ import annotations

from typing import Annotated, Literal, Optional

import pulumi
import pulumi_gcp as gcp
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from blueprint.components._validation import IntBetween, check_prefix_expiration, checked

from ._names import fit_name
from ._types import CryptoKeyId, LabelsAsGiven, Region, kms_key_location

# Multi-region code -> (Cloud KMS location of the CMEK key, regions allowed in a configurable dual-region).
DUAL_REGION_GROUPS: dict[str, tuple[str, frozenset[str]]] = {
    "US": ("us", frozenset({"us-central1", "us-east1", "us-east4", "us-east5", "us-south1",
                            "us-west1", "us-west2", "us-west3", "us-west4"})),
    "EU": ("europe", frozenset({"europe-central2", "europe-north1", "europe-southwest1", "europe-west1",
                                "europe-west3", "europe-west4", "europe-west8", "europe-west9",
                                "europe-west10", "europe-west12"})),
    "ASIA": ("asia", frozenset({"asia-east1", "asia-southeast1"})),
}
# Pairs that exist only as predefined dual-regions (and so cannot be configured).
_PREDEFINED_ONLY = {frozenset({"europe-north1", "europe-west4"})}

# retention_period limit of Cloud Storage: 3,155,760,000 s (100 years).
_MAX_RETENTION_S = 3_155_760_000
RetentionDays = IntBetween(1, 36500)


def dual_region_location(region: str, replica_region: str) -> Optional[tuple[str, str]]:
    """(bucket location code, KMS key location) of the configurable dual-region of two regions, or
    None when the pair cannot be one (then use a regional bucket per region)."""
    if region == replica_region or frozenset({region, replica_region}) in _PREDEFINED_ONLY:
        return None
    for code, (kms_location, regions) in DUAL_REGION_GROUPS.items():
        if region in regions and replica_region in regions:
            return code, kms_location
    return None


class BackupBucketArgs(BaseModel):
    """Settings of a GCS backup vault."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    region: Region = Field(description="Primary region of the data, e.g. 'europe-west4'.")
    replica_region: Optional[Region] = Field(
        default=None,
        description="Second region: makes the bucket a configurable dual-region with turbo replication (15 min RPO). "
        "Default None: a regional bucket in `region`.",
    )
    kms_key_id: CryptoKeyId = Field(
        description="pulumi.Input[str]: CMEK crypto key id; in `region` for a regional bucket, in the multi-region KMS "
        "location (us, europe, asia) for a dual-region bucket.",
    )
    lock_mode: Literal["COMPLIANCE", "GOVERNANCE"] = Field(
        description="COMPLIANCE: the retention policy is locked (irreversible); GOVERNANCE: unlocked (an admin can lift it). Tiers pick it.",
    )
    retention_days: RetentionDays = Field(description="Retention of every object in days (1..36500): no delete or overwrite before.")
    soft_delete_days: int = Field(
        default=7, description="Soft-delete window: deleted objects stay restorable this long (0 = off, or 7..90). Default 7."
    )
    prefix_expiration_days: Annotated[dict[str, int], checked(check_prefix_expiration)] = Field(
        default_factory=dict,
        description="Key prefix -> age in days after which objects under it are deleted by a lifecycle rule (never before "
        "the retention policy allows: a retained object is not deleted), e.g. {'checkpoints/': 30}. Default {}: none.",
    )
    force_destroy: bool = Field(default=False, description="Default False: never empty a vault on delete. True only for throw-away stacks.")
    labels: LabelsAsGiven = Field(default_factory=dict, description="GCP labels of the bucket.")

    @field_validator("soft_delete_days")
    @classmethod
    def _soft_delete(cls, v: int) -> int:
        if not (v == 0 or 7 <= v <= 90):
            raise ValueError(f"soft_delete_days: {v} is not allowed; Cloud Storage takes 0 (off) or 7..90 days")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> BackupBucketArgs:
        expected = self.region
        if self.replica_region is not None:
            dual = dual_region_location(self.region, self.replica_region)
            if dual is None:
                raise ValueError(
                    f"replica_region: {self.region} + {self.replica_region} is not a configurable dual-region (both regions must "
                    f"be in one of {', '.join(DUAL_REGION_GROUPS)} and differ); use a regional bucket per region instead"
                )
            expected = dual[1]
        if isinstance(self.kms_key_id, str):
            location = kms_key_location(self.kms_key_id)
            if location != expected:
                raise ValueError(
                    f"kms_key_id: key location {location!r} does not fit the bucket; Cloud Storage needs a key in {expected!r} here"
                )
        return self


# Bucket names: 3..63 lower-case letters, digits, '-', '_' or '.' (https://cloud.google.com/storage/docs/buckets#naming).
BUCKET_NAME_MAX = 63
_AUTONAME_SUFFIX = 8  # pulumi-gcp lowercaseAutoName: "-" + 7 random characters


def bucket_name(logical_name: str) -> Optional[str]:
    """None (Pulumi's autoname "<logical name>-<7 random>", globally unique) while that fits 63;
    else an explicit name: a readable prefix and a hash that also covers the GCP project and the
    stack, so it stays unique in Cloud Storage's global namespace (project IDs are unique)."""
    if len(logical_name) + _AUTONAME_SUFFIX <= BUCKET_NAME_MAX:
        return None
    salt = f"{pulumi.Config('gcp').get('project') or ''}/{pulumi.get_project()}/{pulumi.get_stack()}"
    return fit_name(logical_name, max_length=BUCKET_NAME_MAX, pattern=r"[a-z0-9][a-z0-9_.-]*[a-z0-9]", salt=salt)


class BackupBucket(pulumi.ComponentResource):
    """A GCS bucket for backups: retention policy (locked for COMPLIANCE), CMEK, uniform
    access, public access prevented, optionally dual-region with turbo replication."""

    def __init__(self, name: str, args: BackupBucketArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("blueprint:gcp:BackupBucket", name, None, opts)

        placement = None
        rpo = None
        location = args.region.upper()
        if args.replica_region is not None:
            code, _ = dual_region_location(args.region, args.replica_region)  # type: ignore[misc]
            location = code
            placement = gcp.storage.BucketCustomPlacementConfigArgs(
                data_locations=[args.region.upper(), args.replica_region.upper()]
            )
            rpo = "ASYNC_TURBO"

        bucket = gcp.storage.Bucket(
            f"{name}-bucket",
            name=bucket_name(f"{name}-bucket"),
            location=location,
            custom_placement_config=placement,
            rpo=rpo,
            storage_class="STANDARD",
            uniform_bucket_level_access=True,
            public_access_prevention="enforced",
            # Off on purpose: Cloud Storage refuses versioning together with a retention policy.
            versioning=gcp.storage.BucketVersioningArgs(enabled=False),
            retention_policy=gcp.storage.BucketRetentionPolicyArgs(
                retention_period=str(min(args.retention_days * 86400, _MAX_RETENTION_S)),
                is_locked=args.lock_mode == "COMPLIANCE",
            ),
            encryption=gcp.storage.BucketEncryptionArgs(default_kms_key_name=args.kms_key_id),
            soft_delete_policy=gcp.storage.BucketSoftDeletePolicyArgs(retention_duration_seconds=args.soft_delete_days * 86400),
            lifecycle_rules=[
                gcp.storage.BucketLifecycleRuleArgs(
                    action=gcp.storage.BucketLifecycleRuleActionArgs(type="AbortIncompleteMultipartUpload"),
                    condition=gcp.storage.BucketLifecycleRuleConditionArgs(age=7),
                ),
            ] + [
                # Lifecycle Delete (condition age + matchesPrefix, https://cloud.google.com/storage/docs/lifecycle) cannot
                # remove an object its retention policy still protects ("Retention policies and Object Lifecycle
                # Management", https://cloud.google.com/storage/docs/bucket-lock).
                gcp.storage.BucketLifecycleRuleArgs(
                    action=gcp.storage.BucketLifecycleRuleActionArgs(type="Delete"),
                    condition=gcp.storage.BucketLifecycleRuleConditionArgs(age=days, matches_prefixes=[prefix]),
                )
                for prefix, days in sorted(args.prefix_expiration_days.items())
            ],
            force_destroy=args.force_destroy,
            labels=dict(args.labels),
            # Stateful: deleting the stack (or a replace) never deletes the backups.
            opts=pulumi.ResourceOptions(parent=self, retain_on_delete=True),
        )

        self.name: pulumi.Output[str] = bucket.name
        self.url: pulumi.Output[str] = bucket.url
        self.location: str = location
        self.lock_mode: str = args.lock_mode
        self.retention_days: int = args.retention_days
        self.register_outputs({"name": self.name, "url": self.url, "location": self.location})
