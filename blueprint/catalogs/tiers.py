"""The tier table of DESIGN.md as code.

A workload's tier fixes its default disaster-recovery strategy, its RTO/RPO targets and the
footprint rules (zones, second region, backup lock). The composer may exceed these, never undercut
them; config validation refuses stack files that would.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Tier(str, Enum):
    MISSION_CRITICAL = "mission-critical"
    BUSINESS_CRITICAL = "business-critical"
    STANDARD = "standard"
    BEST_EFFORT = "best-effort"


class Strategy(str, Enum):
    """Disaster-recovery strategies, declared weakest to strongest (the order is the rank)."""

    BACKUP_RESTORE = "backup-restore"
    PILOT_LIGHT = "pilot-light"
    WARM_STANDBY = "warm-standby"
    ACTIVE_ACTIVE = "active-active"

    @property
    def rank(self) -> int:
        return list(Strategy).index(self)

    @property
    def deploys_second_region(self) -> bool:
        """Pilot light and stronger run infrastructure in the second region; backup-restore only
        copies backups there."""
        return self.rank >= Strategy.PILOT_LIGHT.rank


class LockMode(str, Enum):
    """S3 Object Lock / GCS retention mode of a tier's backup vault."""

    COMPLIANCE = "COMPLIANCE"  # nobody, not even the root account, can shorten or lift it
    GOVERNANCE = "GOVERNANCE"  # privileged principals may lift it (documented break-glass)


class SecondRegionRole(str, Enum):
    """What a workload runs in the second region."""

    SERVING = "serving"  # full capacity, takes traffic all the time
    WARM = "warm"  # scaled-down capacity, DB replica, failover routing
    PILOT = "pilot"  # network + cluster, zero GPU nodes, storage-only DB replica
    BACKUP_COPIES = "backup-copies"  # nothing runs; backups are copied there


@dataclass(frozen=True)
class TierSpec:
    tier: Tier
    default_strategy: Strategy
    rto_target_s: int
    rpo_target_s: int
    min_zones: int
    lock_mode: LockMode
    min_retention_days: int
    description: str


TIERS: dict[Tier, TierSpec] = {
    Tier.MISSION_CRITICAL: TierSpec(
        Tier.MISSION_CRITICAL, Strategy.ACTIVE_ACTIVE, 120, 5, 3, LockMode.COMPLIANCE, 35,
        "full capacity serving in both regions",
    ),
    Tier.BUSINESS_CRITICAL: TierSpec(
        Tier.BUSINESS_CRITICAL, Strategy.WARM_STANDBY, 15 * 60, 60, 3, LockMode.COMPLIANCE, 30,
        "scaled-down second region with a database replica and failover routing",
    ),
    Tier.STANDARD: TierSpec(
        Tier.STANDARD, Strategy.PILOT_LIGHT, 60 * 60, 15 * 60, 2, LockMode.GOVERNANCE, 14,
        "network and cluster in the second region, zero GPU nodes, storage-only replica",
    ),
    Tier.BEST_EFFORT: TierSpec(
        Tier.BEST_EFFORT, Strategy.BACKUP_RESTORE, 24 * 3600, 24 * 3600, 2, LockMode.GOVERNANCE, 7,
        "single region; backups copied to the second region",
    ),
}

SECOND_REGION_ROLE: dict[Strategy, SecondRegionRole] = {
    Strategy.ACTIVE_ACTIVE: SecondRegionRole.SERVING,
    Strategy.WARM_STANDBY: SecondRegionRole.WARM,
    Strategy.PILOT_LIGHT: SecondRegionRole.PILOT,
    Strategy.BACKUP_RESTORE: SecondRegionRole.BACKUP_COPIES,
}

# Share of the primary's per-zone GPU minimum kept running in the second region, by its role.
# Warm standby keeps a quarter (never zero: at least one node per zone), so failover starts
# serving at once and scales up; pilot light keeps none; active-active keeps everything.
SECOND_REGION_GPU_SHARE: dict[SecondRegionRole, float] = {
    SecondRegionRole.SERVING: 1.0,
    SecondRegionRole.WARM: 0.25,
    SecondRegionRole.PILOT: 0.0,
    SecondRegionRole.BACKUP_COPIES: 0.0,
}


def tier_spec(tier: Tier | str) -> TierSpec:
    return TIERS[Tier(tier)]


def strategy_values() -> list[str]:
    return [s.value for s in Strategy]


@dataclass(frozen=True)
class ProbeSpec:
    """Health checking by tier: how fast a dead target or region is noticed.

    Load balancer (target group) checks decide which pods get traffic inside a region; Route 53
    checks decide which region gets traffic. Detection time is interval x threshold, so the
    stricter the RTO, the shorter both. Route 53 allows only 10 s or 30 s intervals and 1..10
    failures; ALB target groups allow 5..300 s and 2..10 checks.
    """

    lb_interval_s: int
    lb_timeout_s: int
    lb_healthy_threshold: int
    lb_unhealthy_threshold: int
    dns_interval_s: int
    dns_failure_threshold: int


PROBES: dict[Tier, ProbeSpec] = {
    # 10 s x 2 = 20 s to detect a dead region: leaves room for the 60 s alias TTL and the
    # Aurora global failover inside the 120 s RTO.
    Tier.MISSION_CRITICAL: ProbeSpec(5, 4, 2, 2, 10, 2),
    Tier.BUSINESS_CRITICAL: ProbeSpec(10, 5, 3, 2, 10, 3),
    Tier.STANDARD: ProbeSpec(15, 5, 3, 3, 30, 3),
    Tier.BEST_EFFORT: ProbeSpec(30, 10, 3, 3, 30, 3),
}


def probe_spec(tier: Tier | str) -> ProbeSpec:
    return PROBES[Tier(tier)]


def database_backup_retention_days(tier: Tier | str) -> int:
    """Automated database backups: the tier's minimum retention, capped at Aurora's 35-day maximum
    (longer retention is the vault's job)."""
    return min(35, tier_spec(tier).min_retention_days)
