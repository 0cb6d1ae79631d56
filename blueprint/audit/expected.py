"""What the plan says a live AWS account must hold, for the audit.

Physical names in a plan are the mocks' auto-names (random-looking suffixes a real account will not
have), so everything here is keyed by what a real account shares with the plan: the ``Name`` tag
that every taggable child carries (its logical name, see components/aws/_tags.py) and the
``blueprint:workload`` tag, plus the identifiers the components set explicitly (Aurora global
cluster identifiers, AWS Backup vault names). Mock physical names are only used *inside* the plan
to connect resources (a replication rule to its destination bucket).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from blueprint.plan.model import Plan, PlannedResource
from blueprint.types import aws

BUCKET = aws.S3_BUCKET
LOCK = aws.S3_BUCKET_OBJECT_LOCK_CONFIGURATION
VERSIONING = aws.S3_BUCKET_VERSIONING
REPLICATION = aws.S3_BUCKET_REPLICATION_CONFIG
GLOBAL_CLUSTER = aws.RDS_GLOBAL_CLUSTER
CLUSTER = aws.RDS_CLUSTER
HEALTH_CHECK = aws.ROUTE53_HEALTH_CHECK
LOAD_BALANCER = aws.LB_LOAD_BALANCER
SUBNET = aws.EC2_SUBNET
BACKUP_PLAN = aws.BACKUP_PLAN


@dataclass(frozen=True)
class Vault:
    name_tag: str
    region: str
    workload: Optional[str]
    lock_mode: Optional[str]
    lock_days: Optional[int]
    replicate_to: Optional[tuple[str, str]] = None  # (Name tag, region) of the destination bucket


@dataclass(frozen=True)
class GlobalDb:
    identifier: str
    workload: Optional[str]
    region: str
    member_regions: tuple[str, ...]
    writer_region: Optional[str]


@dataclass(frozen=True)
class HealthCheck:
    name_tag: str
    workload: Optional[str]
    interval: Optional[int]
    threshold: Optional[int]
    path: Optional[str]
    type: Optional[str]


@dataclass(frozen=True)
class Balancer:
    name_tag: str
    region: str
    workload: Optional[str]
    zones: tuple[str, ...]


@dataclass(frozen=True)
class BackupPlan:
    name: str
    region: str
    workload: Optional[str]
    vault: str
    copy_to: tuple[tuple[str, str], ...] = ()  # (region, vault name)


@dataclass
class Expected:
    vaults: list[Vault] = field(default_factory=list)
    global_dbs: list[GlobalDb] = field(default_factory=list)
    health_checks: list[HealthCheck] = field(default_factory=list)
    balancers: list[Balancer] = field(default_factory=list)
    backup_plans: list[BackupPlan] = field(default_factory=list)


def _name(r: PlannedResource) -> str:
    return str((r.inputs.get("tags") or {}).get("Name") or r.name)


def _int(value) -> Optional[int]:
    return None if value is None else int(value)


def expected_from_plan(plan: Plan) -> Expected:
    out = Expected()
    buckets_by_parent = {r.parent: r for r in plan.of_type(BUCKET)}
    physical: dict[str, PlannedResource] = {}  # mock physical bucket name -> Bucket resource
    for r in plan.of_type(LOCK) + plan.of_type(VERSIONING):
        b = buckets_by_parent.get(r.parent)
        if b is not None and r.inputs.get("bucket"):
            physical[str(r.inputs["bucket"])] = b
    locks = {r.parent: r for r in plan.of_type(LOCK)}
    replications = {str(r.inputs.get("bucket")): r for r in plan.of_type(REPLICATION)}
    for b in plan.of_type(BUCKET):
        if not b.inputs.get("objectLockEnabled"):
            continue
        lock = locks.get(b.parent)
        rule = (lock.inputs.get("rule") if lock is not None else None) or {}
        retention = rule.get("defaultRetention") or {}
        source_physical = next((p for p, res in physical.items() if res is b), None)
        dest = None
        rep = replications.get(source_physical or "")
        if rep is not None:
            for rr in rep.inputs.get("rules") or []:
                arn = str((rr.get("destination") or {}).get("bucket") or "")
                target = physical.get(arn.split(":::")[-1])
                if target is not None:
                    dest = (_name(target), target.region or "")
        out.vaults.append(Vault(_name(b), b.region or "", b.workload, retention.get("mode"), _int(retention.get("days")), dest))
    clusters = plan.of_type(CLUSTER)
    for g in plan.of_type(GLOBAL_CLUSTER):
        gid = str(g.inputs.get("globalClusterIdentifier") or "")
        members = [c for c in clusters if c.inputs.get("globalClusterIdentifier") == gid]
        writer = next((c.region for c in members if (c.inputs.get("tags") or {}).get("blueprint:region-role") == "primary"), None)
        out.global_dbs.append(GlobalDb(gid, g.workload, g.region or "", tuple(sorted({c.region or "" for c in members})), writer))
    for h in plan.of_type(HEALTH_CHECK):
        i = h.inputs
        if str(i.get("type", "")).upper() == "CALCULATED":
            continue  # no interval, threshold or path: it ANDs an endpoint check with an orchestration's (dns_failover.py)
        out.health_checks.append(HealthCheck(_name(h), h.workload, _int(i.get("requestInterval")), _int(i.get("failureThreshold")),
                                             i.get("resourcePath"), i.get("type")))
    zones: dict[str, set[str]] = {}
    for s in plan.of_type(SUBNET):
        if s.zone:
            zones.setdefault(s.region or "", set()).add(s.zone)
    for lb in plan.of_type(LOAD_BALANCER):
        n = len(lb.inputs.get("subnets") or [])
        region_zones = tuple(sorted(zones.get(lb.region or "", set())))[: n or None]
        out.balancers.append(Balancer(_name(lb), lb.region or "", lb.workload, region_zones))
    for p in plan.of_type(BACKUP_PLAN):
        for rule in p.inputs.get("rules") or []:
            copies = []
            for action in rule.get("copyActions") or []:
                m = re.match(r"arn:[^:]+:backup:([^:]+):[^:]*:backup-vault:(.+)$", str(action.get("destinationVaultArn") or ""))
                if m:
                    copies.append((m.group(1), m.group(2)))
            out.backup_plans.append(BackupPlan(str(p.inputs.get("name") or p.name), p.region or "", p.workload,
                                               str(rule.get("targetVaultName") or ""), tuple(copies)))
    return out
