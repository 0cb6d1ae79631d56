"""Audit-trail facts of issue 18 (part 2), read from a plan for the ``recovery-stack`` rule and the
resilience report: each planned audit trail and what it lacks.

- AWS: a CloudTrail trail is complete when logging (``enableLogging`` not false), multi-region, with
  global service events, log file validation and a KMS key, its bucket (``s3BucketName``) has an Object
  Lock default retention, and an advanced event selector logs the S3 object data events (reads and
  writes) of every vault and model artifact store of the plan (the Object-Locked buckets of its
  workloads): ``eventCategory`` = Data, ``resources.type`` = AWS::S3::Object, ``resources.ARN``
  StartsWith a prefix of ``<bucket ARN>/``, and no other field narrowing it (CloudTrail, "Logging data
  events", advanced event selectors:
  https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html).
- GCP: a project log sink is an audit trail when its filter mentions ``cloudaudit.googleapis.com``;
  complete when the filter routes every Cloud Audit Logs log (activity, data_access, system_event,
  policy: https://cloud.google.com/logging/docs/audit#types) - only ``logName:`` / ``logName=`` terms
  joined by OR, no AND, NOT or ``-`` - the sink is not ``disabled`` and has no active exclusion, and its
  destination is a Cloud Storage bucket of the plan with a retention policy (``isLocked``: COMPLIANCE,
  else GOVERNANCE) and a CMEK key.

``lock`` is the destination's lock mode ("COMPLIANCE" | "GOVERNANCE" | "NONE"), compared by the rule
with the tier's (blueprint.catalogs.recovery_stack).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

from blueprint.plan.model import PlannedResource
from blueprint.types import aws, gcp


@dataclass(frozen=True)
class AuditTrail:
    urn: str
    region: str
    lock: str
    missing: tuple[str, ...]  # what the trail lacks, in words; () when complete
    retention_days: int = 0  # the destination's lock retention (0: none, or unknown)


def _aws_lock_modes(resources: list[PlannedResource]) -> dict[str, tuple[str, int]]:
    """Bucket -> (Object Lock default retention mode, days; ``years`` counted as 365 days)."""
    modes: dict[str, tuple[str, int]] = {}
    for ol in (r for r in resources if r.type == aws.S3_BUCKET_OBJECT_LOCK_CONFIGURATION):
        retention = (ol.inputs.get("rule") or {}).get("defaultRetention") or {}
        days = int(float(retention.get("days") or 0)) or 365 * int(float(retention.get("years") or 0))
        modes[str(ol.inputs.get("bucket"))] = (str(retention.get("mode") or "NONE").upper(), days)
    return modes


# The fields of a data-event selector that only choose the S3 objects; any other field (readOnly,
# eventName, ...) narrows it to part of the reads and writes.
_S3_OBJECT_FIELDS = {"eventCategory", "resources.type", "resources.ARN"}


def _data_event_prefixes(selectors: Any) -> list[str]:
    """The ``resources.ARN`` StartsWith prefixes of the selectors that log every S3 object data event."""
    prefixes: list[str] = []
    for selector in selectors if isinstance(selectors, list) else []:
        fields = {f.get("field"): f for f in selector.get("fieldSelectors") or [] if isinstance(f, dict)}
        if set(fields) != _S3_OBJECT_FIELDS or any(k.startswith("not") for f in fields.values() for k in f):
            continue
        if fields["eventCategory"].get("equals") == ["Data"] and "AWS::S3::Object" in (fields["resources.type"].get("equals") or []):
            prefixes += [str(p) for p in fields["resources.ARN"].get("startsWiths") or []]
    return prefixes


def _vault_bucket_arns(resources: list[PlannedResource], locked: dict[str, tuple[str, int]]) -> dict[str, str]:
    """Bucket name -> ARN of every Object-Locked bucket of a workload (its vaults and model artifact stores)."""
    found = {}
    for b in (r for r in resources if r.type == aws.S3_BUCKET and r.workload):
        name = str(b.outputs.get("bucket") or b.inputs.get("bucket") or "")
        if name in locked:
            found[name] = str(b.outputs.get("arn") or f"arn:aws:s3:::{name}")
    return found


def aws_trails(resources: Iterable[PlannedResource]) -> list[AuditTrail]:
    resources = list(resources)
    locks = _aws_lock_modes(resources)
    vaults = _vault_bucket_arns(resources, locks)
    found = []
    for t in (r for r in resources if r.type == aws.CLOUDTRAIL_TRAIL):
        i = t.inputs
        missing = [what for what, ok in (
            ("logging enabled", i.get("enableLogging") is not False),
            ("multi-region", i.get("isMultiRegionTrail") is True), ("global service events", i.get("includeGlobalServiceEvents") is not False),
            ("log file validation", i.get("enableLogFileValidation") is True), ("a KMS key", bool(i.get("kmsKeyId"))),
        ) if not ok]
        lock, days = locks.get(str(i.get("s3BucketName")), ("NONE", 0))
        if lock == "NONE":
            missing.append("an Object-Locked log bucket")
        prefixes = _data_event_prefixes(i.get("advancedEventSelectors"))
        unlogged = sorted(n for n, arn in vaults.items() if not any(p and f"{arn}/".startswith(p) for p in prefixes))
        if unlogged:
            missing.append(f"S3 data events of the vault and artifact buckets {', '.join(unlogged)}")
        found.append(AuditTrail(t.urn, t.region or "", lock, tuple(missing), days))
    return found


# Cloud Audit Logs' logs (https://cloud.google.com/logging/docs/audit#types): a filter routes them all.
AUDIT_LOG_KINDS = ("activity", "data_access", "system_event", "policy")
_AUDIT_PREFIX = "cloudaudit.googleapis.com%2F"
_TERM = re.compile(r'^logName\s*([:=])\s*"?([^"\s]+)"?$')


def routes_every_audit_log(log_filter: str) -> bool:
    """True when ``log_filter`` is ``logName`` terms joined by OR that together match every audit log."""
    text = log_filter.strip()
    if not text or re.search(r"\b(AND|NOT)\b", text) or text.startswith("-") or re.search(r"\s-", text):
        return False
    covered: set[str] = set()
    for term in (t.strip().strip("()").strip() for t in re.split(r"\s+OR\s+", text)):
        match = _TERM.match(term)
        if match is None:
            return False
        op, value = match.groups()
        value = re.sub(r"^projects/[^/]+/logs/", "", value).replace("cloudaudit.googleapis.com/", _AUDIT_PREFIX)
        # ':' matches a substring of the log name, '=' the whole (project-relative) name.
        covered.update(k for k in AUDIT_LOG_KINDS if (value in f"{_AUDIT_PREFIX}{k}" if op == ":" else value == f"{_AUDIT_PREFIX}{k}"))
    return covered >= set(AUDIT_LOG_KINDS)


def gcp_trails(resources: Iterable[PlannedResource]) -> list[AuditTrail]:
    resources = list(resources)
    buckets = {str(b.outputs.get("name") or b.inputs.get("name")): b for b in resources if b.type == gcp.STORAGE_BUCKET}
    found = []
    for s in (r for r in resources if r.type == gcp.LOGGING_PROJECT_SINK and "cloudaudit.googleapis.com" in str(r.inputs.get("filter", ""))):
        destination = str(s.inputs.get("destination", ""))
        bucket = buckets.get(destination.removeprefix("storage.googleapis.com/")) if destination.startswith("storage.googleapis.com/") else None
        missing, lock, days = _sink_gaps(s), "NONE", 0
        if bucket is None:
            missing.append("a Cloud Storage bucket of the stack as destination")
        else:
            policy = bucket.inputs.get("retentionPolicy") or {}
            lock = ("COMPLIANCE" if policy.get("isLocked") is True else "GOVERNANCE") if policy else "NONE"
            days = int(float(policy.get("retentionPeriod") or 0)) // 86400
            if not policy:
                missing.append("a retention policy on its bucket")
            if not (bucket.inputs.get("encryption") or {}).get("defaultKmsKeyName"):
                missing.append("a CMEK key on its bucket")
        found.append(AuditTrail(s.urn, bucket.region if bucket is not None and bucket.region else "", lock, tuple(missing), days))
    return found


def _sink_gaps(sink: PlannedResource) -> list[str]:
    """What keeps a log sink from routing every audit log: its filter, ``disabled``, active exclusions."""
    gaps = []
    if not routes_every_audit_log(str(sink.inputs.get("filter", ""))):
        gaps.append(f"a filter routing every audit log ({', '.join(AUDIT_LOG_KINDS)}) without AND/NOT")
    if sink.inputs.get("disabled") is True:
        gaps.append("an enabled sink (disabled: true)")
    if any(isinstance(e, dict) and e.get("disabled") is not True for e in sink.inputs.get("exclusions") or []):
        gaps.append("no active exclusion")
    return gaps


def trails_of(cloud: str, resources: Iterable[PlannedResource]) -> list[AuditTrail]:
    return gcp_trails(resources) if cloud == "gcp" else aws_trails(resources)


@dataclass(frozen=True)
class BreakGlassAccess:
    """The break-glass DR access of a stack: the AWS role (assumable only with MFA) or the GCP PAM
    entitlement, by the name the runbook uses, and its longest session in seconds."""

    urn: str
    name: str
    session_s: int


def aws_break_glass(resources: Iterable[PlannedResource]) -> list[BreakGlassAccess]:
    """IAM roles whose trust policy requires aws:MultiFactorAuthPresent."""
    import json

    found = []
    for r in (r for r in resources if r.type == aws.IAM_ROLE):
        policy = r.inputs.get("assumeRolePolicy")
        if isinstance(policy, str) and "aws:MultiFactorAuthPresent" in policy:
            try:
                json.loads(policy)
            except ValueError:
                continue
            found.append(BreakGlassAccess(r.urn, str(r.inputs.get("name") or r.name), int(float(r.inputs.get("maxSessionDuration") or 3600))))
    return found


def gcp_break_glass(resources: Iterable[PlannedResource]) -> list[BreakGlassAccess]:
    found = []
    for r in (r for r in resources if r.type == gcp.PRIVILEGEDACCESSMANAGER_ENTITLEMENT):
        duration = str(r.inputs.get("maxRequestDuration") or "3600s").rstrip("s")
        found.append(BreakGlassAccess(r.urn, str(r.inputs.get("entitlementId") or r.name), int(float(duration or 3600))))
    return found


def break_glass_of(cloud: str, resources: Iterable[PlannedResource]) -> list[BreakGlassAccess]:
    return gcp_break_glass(resources) if cloud == "gcp" else aws_break_glass(resources)
