"""Immutability: backup vaults versioned and locked with the tier's mode for at least its days."""

from __future__ import annotations

from typing import Any, Iterable, Optional

from blueprint.catalogs.tiers import TIERS, LockMode, Tier, TierSpec
from blueprint.types import aws, gcp

from blueprint.policies.read_model import configured_workloads
from blueprint.policies.model import (
    MANDATORY, S3_BUCKET_TYPES, TIER_TAG, Context, Resource, Rule, is_unknown, number, truthy,
)

VAULT_PARENTS = ("blueprint:aws:BackupVault", "blueprint:gcp:BackupBucket")
_MODE_RANK = {LockMode.GOVERNANCE.value: 1, LockMode.COMPLIANCE.value: 2}
GCP_TIER_LABEL = "blueprint-tier"


def tier_of(r: Resource, ctx: Context) -> Optional[TierSpec]:
    """The tier the vault must meet: its workload's configured tier when the stack file's intent is attached
    (a retagged vault is judged by the stack file, issue 16), else the one its tags or labels state."""
    workload = r.workload or r.tags.get("blueprint:workload")
    configured = (configured_workloads(ctx) or {}).get(workload) if workload else None
    if configured is not None:
        return TIERS[Tier(configured.tier)]
    value = r.tags.get(TIER_TAG) or r.labels.get(GCP_TIER_LABEL) or ctx.workload_tags(r.workload or r.tags.get("blueprint:workload")).get(TIER_TAG)
    try:
        return TIERS[Tier(value)] if value else None
    except ValueError:
        return None


def is_vault_bucket(r: Resource) -> bool:
    """A workload's backup vault: a bucket of a BackupVault component, or one tagged with a tier."""
    return r.parent_type in VAULT_PARENTS or TIER_TAG in r.tags or GCP_TIER_LABEL in r.labels


def _retention_days(retention: dict[str, Any]) -> Optional[float]:
    days, years = number(retention.get("days")), number(retention.get("years"))
    if days is not None:
        return days
    if years is not None:
        return years * 365
    return None


def _s3_vault(bucket: Resource, ctx: Context) -> Iterable[tuple[Optional[str], str]]:
    spec = tier_of(bucket, ctx)
    enabled = bucket.props.get("objectLockEnabled")
    if not is_unknown(enabled) and truthy(enabled) is not True:
        yield bucket.urn, f"vault bucket {bucket.name!r} is created without Object Lock (objectLockEnabled must be true)"
    versioning = ctx.for_bucket(bucket, aws.S3_BUCKET_VERSIONING, aws.S3_BUCKET_VERSIONING_V2)
    status = [v.get("versioningConfiguration", "status") for v in versioning]
    if not any(is_unknown(s) or s == "Enabled" for s in status):
        target = versioning[0].urn if versioning else bucket.urn
        yield target, f"vault bucket {bucket.name!r} is not versioned (BucketVersioning status {status[0] if status else 'missing'!r}, must be Enabled)"
    locks = ctx.for_bucket(bucket, aws.S3_BUCKET_OBJECT_LOCK_CONFIGURATION,
                           aws.S3_BUCKET_OBJECT_LOCK_CONFIGURATION_V2)
    if not locks:
        yield bucket.urn, f"vault bucket {bucket.name!r} has no Object Lock configuration (default retention)"
        return
    for lock in locks:
        state = lock.props.get("objectLockEnabled", "Enabled")
        if not is_unknown(state) and state != "Enabled":
            yield lock.urn, f"Object Lock configuration {lock.name!r} of vault {bucket.name!r} is {state!r}, must be Enabled"
        retention = lock.get("rule", "defaultRetention", default=None)
        if is_unknown(retention):
            continue
        if not isinstance(retention, dict):
            yield lock.urn, f"Object Lock configuration {lock.name!r} of vault {bucket.name!r} has no default retention"
            continue
        mode, days = retention.get("mode"), _retention_days(retention)
        if is_unknown(mode) or is_unknown(retention.get("days")):
            continue
        if spec is None:
            if mode not in _MODE_RANK or not days:
                yield lock.urn, f"Object Lock configuration {lock.name!r} of vault {bucket.name!r} has no valid mode and days"
            continue
        if _MODE_RANK.get(str(mode), 0) < _MODE_RANK[spec.lock_mode.value]:
            yield lock.urn, (f"Object Lock of vault {bucket.name!r} is {mode!r}; tier {spec.tier.value} requires "
                             f"{spec.lock_mode.value}")
        if days is None or days < spec.min_retention_days:
            yield lock.urn, (f"Object Lock of vault {bucket.name!r} retains {days if days is not None else 'no'} days; tier "
                             f"{spec.tier.value} requires at least {spec.min_retention_days}")


def _gcs_vault(bucket: Resource, ctx: Context) -> Iterable[tuple[Optional[str], str]]:
    """GCS immutability is the bucket retention policy (Bucket Lock). Cloud Storage refuses Object
    Versioning together with a retention policy, so versioning is not required here."""
    spec = tier_of(bucket, ctx)
    policy = bucket.props.get("retentionPolicy")
    if is_unknown(policy):
        return
    if not isinstance(policy, dict):
        yield bucket.urn, f"vault bucket {bucket.name!r} has no retention policy: objects can be deleted or overwritten"
        return
    seconds = number(policy.get("retentionPeriod"))
    if seconds is None or seconds <= 0:
        yield bucket.urn, f"vault bucket {bucket.name!r} has no retention period"
    elif spec is not None and seconds < spec.min_retention_days * 86400:
        yield bucket.urn, f"vault bucket {bucket.name!r} retains {seconds:g} s; tier {spec.tier.value} requires {spec.min_retention_days} days"
    if spec is not None and spec.lock_mode is LockMode.COMPLIANCE and truthy(policy.get("isLocked")) is not True and not is_unknown(policy.get("isLocked")):
        yield bucket.urn, f"vault bucket {bucket.name!r}: tier {spec.tier.value} requires a locked retention policy (isLocked)"


def check_vault_buckets(ctx: Context) -> Iterable[tuple[Optional[str], str]]:
    for bucket in ctx.of_type(*S3_BUCKET_TYPES):
        if is_vault_bucket(bucket):
            yield from _s3_vault(bucket, ctx)
    for bucket in ctx.of_type(gcp.STORAGE_BUCKET):
        if is_vault_bucket(bucket):
            yield from _gcs_vault(bucket, ctx)


def check_backup_vaults(ctx: Context) -> Iterable[tuple[Optional[str], str]]:
    locks = ctx.of_type(aws.BACKUP_VAULT_LOCK_CONFIGURATION)
    for vault in ctx.of_type(aws.BACKUP_VAULT):
        spec = tier_of(vault, ctx)
        name = vault.ident("name")
        if is_unknown(name):
            continue
        mine = [l for l in locks if l.props.get("backupVaultName") == name and l.region == vault.region]
        if not mine:
            yield vault.urn, f"backup vault {name!r} has no Vault Lock: recovery points can be deleted early"
            continue
        lock = mine[0]
        minimum, changeable = lock.props.get("minRetentionDays"), lock.props.get("changeableForDays")
        if is_unknown(minimum):
            continue
        if spec is not None:
            if (number(minimum) or 0) < spec.min_retention_days:
                yield lock.urn, (f"Vault Lock of {name!r} allows retention of {minimum!r} days; tier {spec.tier.value} "
                                 f"requires at least {spec.min_retention_days}")
            if spec.lock_mode is LockMode.COMPLIANCE and changeable is None:
                yield lock.urn, (f"Vault Lock of {name!r} is in governance mode (no changeableForDays); tier "
                                 f"{spec.tier.value} requires compliance mode")
    for plan in ctx.of_type(aws.BACKUP_PLAN):
        spec = tier_of(plan, ctx)
        if spec is None:
            continue
        for rule in plan.get("rules", default=[]) or []:
            rule = rule or {}
            lifecycles = [("rule", rule.get("lifecycle"))] + [("copy", (c or {}).get("lifecycle")) for c in rule.get("copyActions") or []]
            for what, lifecycle in lifecycles:
                delete_after = number((lifecycle or {}).get("deleteAfter"))
                if delete_after is not None and delete_after < spec.min_retention_days:
                    yield plan.urn, (f"backup plan {plan.name!r} rule {rule.get('ruleName')!r} ({what}) deletes recovery points "
                                     f"after {delete_after:g} days; tier {spec.tier.value} requires at least {spec.min_retention_days}")


RULES = (
    Rule(
        id="immutability-vault-object-lock",
        description="Workload backup vault buckets are versioned and locked (S3 Object Lock / GCS retention policy) "
                    "with at least the tier's mode (COMPLIANCE for mission- and business-critical) and days.",
        enforcement=MANDATORY,
        remediation="Use blueprint.components.aws.BackupVault with the workload's tier: object_lock_enabled=True, versioning "
                    "Enabled, default retention mode and days >= the tier's (blueprint/catalogs/tiers.py).",
        category="immutability", scope="stack", check=check_vault_buckets,
    ),
    Rule(
        id="immutability-backup-vault-lock",
        description="AWS Backup vaults have a Vault Lock with min retention >= the tier's days (compliance mode for "
                    "compliance tiers) and backup plans keep recovery points at least that long.",
        enforcement=MANDATORY,
        remediation="Add aws.backup.VaultLockConfiguration(min_retention_days=<tier days>, changeable_for_days=3 for "
                    "compliance tiers) and lifecycle delete_after >= the tier's days.",
        category="immutability", scope="stack", check=check_backup_vaults,
    ),
)
