"""Operational settings by tier: every tier -> number decision the components apply, in one table.

``blueprint.catalogs.tiers`` holds the DESIGN.md targets (strategy, RTO/RPO, zones, lock, retention)
and health probing (``PROBES``); this module holds the rest of what a tier decides at run time:
pod disruption budgets, autoscaling targets, alert timing and severity, capacity rules, database
instance counts and the rules that turn the RTO/RPO targets into alert thresholds.
``blueprint.footprint`` resolves them once per workload (``WorkloadIntent``); the components take the
resolved plain values and never see a tier table, so changing a tier rule is a change to this file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from blueprint.catalogs.tiers import Strategy, Tier


@dataclass(frozen=True)
class OperationsSpec:
    # policy/v1 PodDisruptionBudget spec keys (exactly one of minAvailable / maxUnavailable).
    disruption_budget: dict[str, Any]
    # HPA (and KEDA ScaledObject cpu trigger) average CPU utilisation target, percent.
    cpu_target_percent: int
    # Minutes an alert condition must hold (CloudWatch 60 s evaluation periods; Cloud Monitoring duration).
    alert_evaluation_minutes: int
    # Cloud Monitoring AlertPolicy severity.
    alert_severity: str
    # Spot-only GPU capacity refused (it can be reclaimed at once, leaving no guaranteed GPUs).
    guaranteed_gpu_capacity: bool
    # A served workload must keep at least one GPU node per zone (0 leaves nothing serving).
    serving_gpu_minimum: bool
    # Primary database: one instance per zone up to three (True), else writer + one reader.
    database_instance_per_zone: bool
    # One NAT gateway per zone (HA egress) in regions where the workload runs; else one is enough.
    nat_per_zone: bool
    # Zonal autoshift on the workload's load balancers (AWS ARC; practice runs weekly): traffic
    # leaves an impaired zone without a human. True above best-effort (a best-effort workload
    # accepts a zone's outage; its recovery is a restore).
    zonal_autoshift: bool = False


OPERATIONS: dict[Tier, OperationsSpec] = {
    # PDB: voluntary disruptions (node drains, upgrades) may take at most a zone's share of a
    # mission-critical service (66% stay: 2 of 3 zones), half of a business-critical one, one pod at
    # a time elsewhere. CPU target: the stricter the tier, the more headroom is kept for a zone's
    # traffic landing on the survivors before new GPU nodes arrive. Alerts: the stricter the tier, the
    # sooner they fire. Database: one instance per zone (up to three) for mission-critical, so a zone
    # loss still leaves a reader to promote next to a surviving reader; two elsewhere.
    Tier.MISSION_CRITICAL: OperationsSpec(
        disruption_budget={"minAvailable": "66%"},
        cpu_target_percent=50,
        alert_evaluation_minutes=1,
        alert_severity="CRITICAL",
        guaranteed_gpu_capacity=True,
        serving_gpu_minimum=True,
        database_instance_per_zone=True,
        nat_per_zone=True,
        zonal_autoshift=True,
    ),
    Tier.BUSINESS_CRITICAL: OperationsSpec(
        disruption_budget={"minAvailable": "50%"},
        cpu_target_percent=60,
        alert_evaluation_minutes=2,
        alert_severity="ERROR",
        guaranteed_gpu_capacity=False,
        serving_gpu_minimum=True,
        database_instance_per_zone=False,
        nat_per_zone=True,
        zonal_autoshift=True,
    ),
    Tier.STANDARD: OperationsSpec(
        disruption_budget={"maxUnavailable": 1},
        cpu_target_percent=70,
        alert_evaluation_minutes=3,
        alert_severity="WARNING",
        guaranteed_gpu_capacity=False,
        serving_gpu_minimum=False,
        database_instance_per_zone=False,
        nat_per_zone=True,
        zonal_autoshift=True,
    ),
    Tier.BEST_EFFORT: OperationsSpec(
        disruption_budget={"maxUnavailable": 1},
        cpu_target_percent=80,
        alert_evaluation_minutes=5,
        alert_severity="WARNING",
        guaranteed_gpu_capacity=False,
        serving_gpu_minimum=False,
        database_instance_per_zone=False,
        nat_per_zone=False,
        zonal_autoshift=False,
    ),
}

# DNS routing by strategy: both regions answer (latency), a standby answers only when the primary
# fails (failover), or a single region answers (backup-restore has nothing to fail over to).
ROUTING: dict[Strategy, str] = {
    Strategy.ACTIVE_ACTIVE: "latency",
    Strategy.WARM_STANDBY: "failover",
    Strategy.PILOT_LIGHT: "failover",
    Strategy.BACKUP_RESTORE: "simple",
}

# The second region's database write path by strategy. Active-active serves writes in both
# regions: its global secondary forwards them to the primary's writer (Aurora global write
# forwarding; Aurora handles the cross-Region networking, so the VPCs need no path to each other).
# Warm standby and pilot light serve no writes there until a global failover promotes the secondary.
WRITE_FORWARDING: dict[Strategy, bool] = {
    Strategy.ACTIVE_ACTIVE: True,
    Strategy.WARM_STANDBY: False,
    Strategy.PILOT_LIGHT: False,
    Strategy.BACKUP_RESTORE: False,
}


# Who starts a failover to the second region, by strategy. "automatic" for active-active and warm
# standby: their RTO targets (120 s, 15 min) leave no time for a human to declare a disaster, which
# the resilience model prices at figures.declare_disaster (15 min), so a warm standby waiting for an
# approval misses its 15-minute target by construction. "manual" for pilot light: its 1 h target
# leaves time to declare, and scaling a standby up from zero GPU nodes is a cost decision. None for
# backup-restore (nothing runs in a second region to fail over to; recovery is a restore).
# What stands between a flapping health check and an automatic failover, and nothing more:
# - AWS (blueprint/components/aws/region_switch_plan.py): the region's Route 53 health check turns unhealthy
#   only after the tier's consecutive failures (tiers.PROBES dns_failure_threshold); the trigger
#   alarm needs HealthCheckStatus below 1 in every one of the tier's evaluation minutes
#   (OperationsSpec.alert_evaluation_minutes; missing data does not breach); the plan's trigger
#   fires on that alarm's red state and at most once per minDelayMinutesBetweenExecutions (60 min)
#   (https://docs.aws.amazon.com/arc-region-switch/latest/api/API_Trigger.html, API_TriggerCondition.html).
#   Without served records (no health checks to alarm on) the plan keeps its approval step
#   (blueprint/components/aws/orchestration.py).
# - GCP (blueprint/components/gcp/_failover_source.py, _failover_wiring.py): the workflow acts only on an
#   *open* incident of its trigger policies; with automatic approval that is primary-down alone
#   (Cloud SQL database/up below 1, or silent, for the tier's evaluation minutes) where the workload has a
#   database, else the primary region's queue-age and the load balancer's 5xx policies.
# A workload may override it (failoverApproval: manual, and the model then shows the wait).
FAILOVER_APPROVAL: dict[Strategy, Optional[str]] = {
    Strategy.ACTIVE_ACTIVE: "automatic",
    Strategy.WARM_STANDBY: "automatic",
    Strategy.PILOT_LIGHT: "manual",
    Strategy.BACKUP_RESTORE: None,
}


# How both regions take part in a failover, by strategy: both serve (the orchestration takes the
# impaired region out) or one stands by (the orchestration activates it); None without a second region.
FAILOVER_APPROACH: dict[Strategy, Optional[str]] = {
    Strategy.ACTIVE_ACTIVE: "active-active",
    Strategy.WARM_STANDBY: "active-passive",
    Strategy.PILOT_LIGHT: "active-passive",
    Strategy.BACKUP_RESTORE: None,
}


def operations_spec(tier: Tier | str) -> OperationsSpec:
    return OPERATIONS[Tier(tier)]


def backlog_age_threshold_s(rto_s: int, redelivery_s: int) -> int:
    """Oldest-message age that means the backlog is not draining: the RTO, but never below two
    redelivery intervals (SQS visibility timeout, Pub/Sub ack deadline): a message being retried
    once is not an incident."""
    return max(rto_s, 2 * redelivery_s)


def replication_lag_threshold_s(rpo_s: int) -> int:
    """Replication lag above the RPO alerts (seconds; at least 1, an alert threshold of 0 is noise)."""
    return max(rpo_s, 1)


def replication_lag_threshold_ms(rpo_s: int) -> int:
    """The same in milliseconds (Aurora's AuroraGlobalDBReplicationLag unit; at least 1 ms)."""
    return max(rpo_s * 1000, 1)


def primary_database_instances(tier: Tier | str, zones: int) -> int:
    """Writer plus readers: one per zone up to three where the tier asks for it, else two."""
    return min(zones, 3) if operations_spec(tier).database_instance_per_zone else 2


# ---- Standby queues (issue 18) ------------------------------------------------------------------
# Where a queued workload keeps its queue, by how it runs in a region (WorkloadPlacement.service_role):
# every region that can serve it - the primary, an active-active peer, a warm standby and a pilot
# light (its pods start on failover and must find their buffered requests and DLQ there) - but not a
# backup-copies region, where nothing can consume.
QUEUE_ROLES: frozenset[str] = frozenset({"serving", "warm", "pilot"})

# Queue alarms by tier (both clouds): visible messages in the work queue that mean the backlog
# outgrows its consumers (AWS/SQS ApproximateNumberOfMessagesVisible; Pub/Sub
# subscription/num_undelivered_messages), and the age of the oldest dead letter that means nobody
# has replayed or triaged it (ApproximateAgeOfOldestMessage of the DLQ; oldest_unacked_message_age
# of the dead-letter subscription). The stricter the tier, the smaller the backlog and the sooner a
# dead letter pages; every age stays far below the DLQ retention (SQS 14 days, Pub/Sub 7 days).
QUEUE_DEPTH_THRESHOLD: dict[Tier, int] = {
    Tier.MISSION_CRITICAL: 1000,
    Tier.BUSINESS_CRITICAL: 5000,
    Tier.STANDARD: 20000,
    Tier.BEST_EFFORT: 100000,
}
DEAD_LETTER_AGE_THRESHOLD_S: dict[Tier, int] = {
    Tier.MISSION_CRITICAL: 3600,
    Tier.BUSINESS_CRITICAL: 4 * 3600,
    Tier.STANDARD: 24 * 3600,
    Tier.BEST_EFFORT: 72 * 3600,
}


def queue_here(service_role: str) -> bool:
    """Whether a queued workload keeps its queue in a region where it runs as ``service_role``."""
    return service_role in QUEUE_ROLES


@dataclass(frozen=True)
class FailoverProbeSpec:
    """The out-of-region failover probe by tier (blueprint/components/aws/failover_probe.py): how often
    the surviving region probes the other one and how many failed probes start the failover.

    ``period_s``: the probe interval and the trigger alarm's period. CloudWatch alarms accept 10, 20,
    30 or a multiple of 60 s, the sub-minute ones only on metrics published with StorageResolution 1
    (PutMetricAlarm ``Period``, CloudWatch API reference); the probe publishes at that resolution.
    ``datapoints_to_alarm`` of ``evaluation_periods`` failed probes turn the alarm red ("M out of N",
    CloudWatch User Guide, "Using Amazon CloudWatch alarms"); a probe datapoint is a failure only when
    both attempts in its slot fail (blueprint/components/aws/failover_probe_handler.py), so one lost
    packet is no failover. ``attempt_timeout_s``: the slot's one deadline for its two concurrent
    attempts; a blackholed endpoint's datapoint is published that long after the slot's start.
    """

    period_s: int
    datapoints_to_alarm: int
    evaluation_periods: int
    # 3 s: a cross-region HTTPS request inside one jurisdiction takes well under a second; 3 s keeps a slow
    # answer from counting as a dead region (FailoverProbeArgs.attempt_timeout_s's default).
    attempt_timeout_s: int = 3

    @property
    def detection_s(self) -> int:
        """Worst case from the region's death to the publication of the last failed datapoint the alarm needs."""
        return self.period_s * self.datapoints_to_alarm + self.attempt_timeout_s


# Mission-critical: 2 of 3 ten-second probes (20 s + the last slot's 3 s deadline): with the alarm's
# 10 s evaluation, Region switch's 30 s trigger latency and the Aurora global failover (60 s) that is
# 123 s, 3 s over the 120 s RTO (docs/resilience.md says so; 10 s is CloudWatch's shortest period). Business-critical: 4 of 6 (40 s), fewer false failovers, a 15 min RTO.
# Standard and best-effort have no automatic trigger (FAILOVER_APPROVAL); their values serve a
# workload that overrides failoverApproval to automatic.
FAILOVER_PROBE: dict[Tier, FailoverProbeSpec] = {
    Tier.MISSION_CRITICAL: FailoverProbeSpec(period_s=10, datapoints_to_alarm=2, evaluation_periods=3),
    Tier.BUSINESS_CRITICAL: FailoverProbeSpec(period_s=10, datapoints_to_alarm=4, evaluation_periods=6),
    Tier.STANDARD: FailoverProbeSpec(period_s=30, datapoints_to_alarm=3, evaluation_periods=4),
    Tier.BEST_EFFORT: FailoverProbeSpec(period_s=30, datapoints_to_alarm=4, evaluation_periods=6),
}
