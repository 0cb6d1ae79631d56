"""AWS plan -> the read model's Inventory (blueprint.analysis.facts): what a live account must hold.

Keyed by what a real account shares with the plan: the ``Name`` tag every taggable child carries
(blueprint/components/aws/_tags.py), the workload tag, and the identifiers the components set explicitly
(Aurora global cluster identifiers, AWS Backup vault names). The mocks' physical bucket names are
only used inside the plan, to join a replication rule to its destination bucket.
"""

from __future__ import annotations

import re
from typing import Any, Mapping, Optional

from blueprint.analysis.facts import (
    BackupSchedule, BalancerRecord, GlobalDatabase, Inventory, ProbeRecord, VaultRecord,
)
from blueprint.plan.model import PlannedResource
from blueprint.types import aws

# AWS Backup vault ARN: arn:<partition>:backup:<region>:<account>:backup-vault:<name>
# (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsbackup.html, resource types).
_VAULT_ARN = re.compile(r"arn:[^:]+:backup:([^:]+):[^:]*:backup-vault:(.+)$")


def _name(r: PlannedResource) -> str:
    return str((r.inputs.get("tags") or {}).get("Name") or r.name)


def _int(value: Any) -> Optional[int]:
    return None if value is None else int(value)


def read(by_type: Mapping[str, list[PlannedResource]]) -> Inventory:
    """``by_type``: the plan's resources by type token, each list in plan order."""
    return Inventory(
        vaults=_vaults(by_type), global_databases=_global_databases(by_type), probes=_probes(by_type),
        balancers=_balancers(by_type), backup_schedules=_backup_schedules(by_type),
    )


def _vaults(by_type: Mapping[str, list[PlannedResource]]) -> list[VaultRecord]:
    buckets = by_type.get(aws.S3_BUCKET, [])
    locks_list = by_type.get(aws.S3_BUCKET_OBJECT_LOCK_CONFIGURATION, [])
    buckets_by_parent = {r.parent: r for r in buckets}
    physical: dict[str, PlannedResource] = {}  # mock physical bucket name -> Bucket resource
    for r in locks_list + by_type.get(aws.S3_BUCKET_VERSIONING, []):
        b = buckets_by_parent.get(r.parent)
        if b is not None and r.inputs.get("bucket"):
            physical[str(r.inputs["bucket"])] = b
    # Each bucket's first physical name, found once (the lookup per bucket was a scan of ``physical``).
    physical_of: dict[str, str] = {}
    for p, res in physical.items():
        physical_of.setdefault(res.urn, p)
    locks = {r.parent: r for r in locks_list}
    replications = {str(r.inputs.get("bucket")): r for r in by_type.get(aws.S3_BUCKET_REPLICATION_CONFIG, [])}
    out = []
    for b in buckets:
        if not b.inputs.get("objectLockEnabled"):
            continue
        lock = locks.get(b.parent)
        retention = ((lock.inputs.get("rule") if lock is not None else None) or {}).get("defaultRetention") or {}
        source_physical = physical_of.get(b.urn)
        dest = _replica_of(replications.get(source_physical or ""), physical)
        out.append(VaultRecord(_name(b), b.region or "", b.workload, retention.get("mode"), _int(retention.get("days")), dest))
    return out


def _replica_of(rep: Optional[PlannedResource], physical: Mapping[str, PlannedResource]) -> Optional[tuple[str, str]]:
    dest = None
    for rr in (rep.inputs.get("rules") or []) if rep is not None else []:
        arn = str((rr.get("destination") or {}).get("bucket") or "")
        target = physical.get(arn.split(":::")[-1])
        if target is not None:
            dest = (_name(target), target.region or "")
    return dest


def _global_databases(by_type: Mapping[str, list[PlannedResource]]) -> list[GlobalDatabase]:
    clusters = by_type.get(aws.RDS_CLUSTER, [])
    out = []
    for g in by_type.get(aws.RDS_GLOBAL_CLUSTER, []):
        gid = str(g.inputs.get("globalClusterIdentifier") or "")
        members = [c for c in clusters if c.inputs.get("globalClusterIdentifier") == gid]
        writer = next((c.region for c in members if (c.inputs.get("tags") or {}).get("blueprint:region-role") == "primary"), None)
        out.append(GlobalDatabase(gid, g.workload, g.region or "", tuple(sorted({c.region or "" for c in members})), writer))
    return out


def _probes(by_type: Mapping[str, list[PlannedResource]]) -> list[ProbeRecord]:
    out = []
    for h in by_type.get(aws.ROUTE53_HEALTH_CHECK, []):
        i = h.inputs
        if str(i.get("type", "")).upper() == "CALCULATED":
            continue  # no interval, threshold or path: it ANDs an endpoint check with an orchestration's (dns_failover.py)
        out.append(ProbeRecord(_name(h), h.workload, _int(i.get("requestInterval")), _int(i.get("failureThreshold")),
                               i.get("resourcePath"), i.get("type")))
    return out


def _balancers(by_type: Mapping[str, list[PlannedResource]]) -> list[BalancerRecord]:
    zones: dict[str, set[str]] = {}
    for s in by_type.get(aws.EC2_SUBNET, []):
        if s.zone:
            zones.setdefault(s.region or "", set()).add(s.zone)
    out = []
    for lb in by_type.get(aws.LB_LOAD_BALANCER, []):
        n = len(lb.inputs.get("subnets") or [])
        region_zones = tuple(sorted(zones.get(lb.region or "", set())))[: n or None]
        out.append(BalancerRecord(_name(lb), lb.region or "", lb.workload, region_zones))
    return out


def _backup_schedules(by_type: Mapping[str, list[PlannedResource]]) -> list[BackupSchedule]:
    out = []
    for p in by_type.get(aws.BACKUP_PLAN, []):
        for rule in p.inputs.get("rules") or []:
            copies = []
            for action in rule.get("copyActions") or []:
                m = _VAULT_ARN.match(str(action.get("destinationVaultArn") or ""))
                if m:
                    copies.append((m.group(1), m.group(2)))
            out.append(BackupSchedule(str(p.inputs.get("name") or p.name), p.region or "", p.workload,
                                      str(rule.get("targetVaultName") or ""), tuple(copies)))
    return out
