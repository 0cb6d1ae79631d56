"""Tier -> footprint: what runs where, decided without any cloud SDK.

The composer of each cloud (``components/<cloud>/platform.py``) turns this footprint into
components. Keeping the decision here means the tier rules are written once for both clouds and
can be tested (and analysed) without planning.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum
from typing import Optional

from blueprint.catalogs import operations
from blueprint.catalogs.operations import operations_spec
from blueprint.catalogs.recovery_data import recovery_data_spec
from blueprint.catalogs.failover_probe import PRIMARY_DOWN_MINUTES, GcpFailoverProbeSpec, gcp_failover_probe_spec
from blueprint.catalogs.tiers import (
    SECOND_REGION_GPU_SHARE,
    SECOND_REGION_ROLE,
    LockMode,
    ProbeSpec,
    SecondRegionRole,
    Strategy,
    Tier,
    database_backup_retention_days,
    probe_spec,
    tier_spec,
)
from blueprint.config.models import StackConfig, Workload, effective_retention_days, effective_strategy
from blueprint.config.rules import chosen_zones


class RegionRole(str, Enum):
    PRIMARY = "primary"
    SECONDARY = "secondary"


@dataclass(frozen=True)
class RegionPlan:
    name: str
    role: RegionRole
    zones: tuple[str, ...]
    # Whether this region runs a network and cluster (pilot light or stronger, or the primary).
    runs_platform: bool
    # One NAT gateway per zone wherever a tier above best-effort runs (HA egress); a single one
    # is enough for best-effort-only regions.
    nat_per_zone: bool
    # Whether a served workload running here states its per-pod capacity
    # (service.requestsPerSecondPerPod): the region's cluster then runs KEDA, which scales those
    # services on the load balancer's request rate (WorkloadPlacement.requests_per_second_per_pod).
    traffic_scaling: bool = False


@dataclass(frozen=True)
class VaultPlan:
    lock_mode: LockMode
    retention_days: int


@dataclass(frozen=True)
class GpuPlan:
    min_nodes_per_zone: int
    max_nodes_per_zone: int


@dataclass(frozen=True)
class RecoveryDataIntent:
    """The workload's recovery data (issue 18) as the stack file declares it and its tier resolves it
    (blueprint.catalogs.recovery_data): what is planned, whether it is copied to the second region,
    and the artifact store's lock, retention and checkpoint lifecycle."""

    images: tuple[str, ...] = ()
    secrets: tuple[str, ...] = ()
    artifacts: bool = False
    replicate: bool = True
    # The catalog row's policy enforcement (mandatory vs advisory); carried as a label value.
    required: bool = True
    artifact_lock_mode: str = "COMPLIANCE"
    artifact_retention_days: int = 35
    checkpoint_expiration_days: int = 30

    @property
    def any(self) -> bool:
        return bool(self.images or self.secrets or self.artifacts)


def recovery_data_intent(workload: Workload) -> RecoveryDataIntent:
    """The tier's row (blueprint.catalogs.recovery_data), the vault lock and the configured retention."""
    row, spec = recovery_data_spec(workload.tier), tier_spec(workload.tier)
    artifacts = workload.artifacts
    return RecoveryDataIntent(
        images=tuple(workload.images or ()), secrets=tuple(workload.secrets or ()), artifacts=artifacts is not None,
        replicate=row.replicate, required=row.required, artifact_lock_mode=spec.lock_mode.value,
        artifact_retention_days=effective_retention_days(workload),
        checkpoint_expiration_days=(artifacts.checkpoint_expiration_days if artifacts is not None
                                    and artifacts.checkpoint_expiration_days is not None else row.checkpoint_expiration_days),
    )


@dataclass(frozen=True)
class WorkloadIntent:
    """Every tier -> number decision of one workload, resolved once (blueprint.catalogs.tiers and
    blueprint.catalogs.operations): the composers pass these plain values to the components, which
    carry the tier only as a label (``tier_label``)."""

    tier_label: str
    # The workload's targets: its own when configured (config may only tighten them), else the tier's.
    rto_s: int
    rpo_s: int
    # Load balancer, DNS and readiness probe timing.
    probe: ProbeSpec
    # A policy/v1 PodDisruptionBudget spec fragment; left out of the hash (a dict has none), so
    # placements stay hashable.
    disruption_budget: dict = field(hash=False)
    cpu_target_percent: int
    alert_evaluation_minutes: int
    alert_severity: str
    guaranteed_gpu_capacity: bool
    database_backup_retention_days: int
    dns_routing: str
    database_write_forwarding: bool
    # Who starts a failover to the second region: "automatic", "manual" (an approval step first), or
    # None (no orchestration: the strategy has no second region to fail over to).
    failover_approval: Optional[str] = None
    # Zonal autoshift (with practice runs) on the workload's load balancers (AWS ARC).
    zonal_autoshift: bool = False
    # "active-active" (the orchestration takes the impaired region out) or "active-passive" (it
    # activates the standby); None with failover_approval None.
    failover_approach: Optional[str] = None
    # Queue depth and dead-letter age alarm thresholds (blueprint.catalogs.operations; issue 18).
    queue_depth_threshold: int = 1000
    dead_letter_age_threshold_s: int = 3600
    # The out-of-region failover probe's timing (blueprint.catalogs.operations.FAILOVER_PROBE; issue 17).
    failover_probe: Optional[operations.FailoverProbeSpec] = None
    # GCP's out-of-region failover probe (blueprint.catalogs.failover_probe; issue 17), None without one.
    gcp_failover_probe: Optional[GcpFailoverProbeSpec] = None
    # How long the primary-down alert's condition must hold (outlasts an in-region HA failover).
    primary_down_minutes: int = PRIMARY_DOWN_MINUTES
    # Images, model artifacts / checkpoints and secrets (blueprint.catalogs.recovery_data; issue 18).
    recovery: RecoveryDataIntent = RecoveryDataIntent()

    def queue_age_threshold_s(self, redelivery_s: int) -> int:
        """Queue-age alert threshold for a queue redelivering every ``redelivery_s`` seconds."""
        return operations.backlog_age_threshold_s(self.rto_s, redelivery_s)

    @property
    def replication_lag_threshold_s(self) -> int:
        return operations.replication_lag_threshold_s(self.rpo_s)

    @property
    def replication_lag_threshold_ms(self) -> int:
        return operations.replication_lag_threshold_ms(self.rpo_s)


def workload_intent(workload: Workload, strategy: Strategy) -> WorkloadIntent:
    spec, ops = tier_spec(workload.tier), operations_spec(workload.tier)
    return WorkloadIntent(
        tier_label=Tier(workload.tier).value,
        rto_s=workload.rto_seconds or spec.rto_target_s,
        rpo_s=workload.rpo_seconds if workload.rpo_seconds is not None else spec.rpo_target_s,
        probe=probe_spec(workload.tier),
        disruption_budget=dict(ops.disruption_budget),
        cpu_target_percent=ops.cpu_target_percent,
        alert_evaluation_minutes=ops.alert_evaluation_minutes,
        alert_severity=ops.alert_severity,
        guaranteed_gpu_capacity=ops.guaranteed_gpu_capacity,
        database_backup_retention_days=database_backup_retention_days(workload.tier),
        dns_routing=operations.ROUTING[strategy],
        database_write_forwarding=operations.WRITE_FORWARDING[strategy],
        failover_approval=failover_approval(workload, strategy),
        zonal_autoshift=ops.zonal_autoshift,
        failover_approach=operations.FAILOVER_APPROACH[strategy],
        queue_depth_threshold=operations.QUEUE_DEPTH_THRESHOLD[Tier(workload.tier)],
        dead_letter_age_threshold_s=operations.DEAD_LETTER_AGE_THRESHOLD_S[Tier(workload.tier)],
        failover_probe=operations.FAILOVER_PROBE[Tier(workload.tier)],
        gcp_failover_probe=gcp_failover_probe_spec(workload.tier),
        recovery=recovery_data_intent(workload),
    )


def failover_approval(workload: Workload, strategy: Strategy) -> Optional[str]:
    """The workload's own failoverApproval, else its strategy's; None without a second region."""
    default = operations.FAILOVER_APPROVAL[strategy]
    if default is None:
        return None
    return workload.failover_approval or default


@dataclass(frozen=True)
class FallbackPlan:
    """The workload's degraded mode (``service.fallback``, issue 18) resolved: the fallback pods'
    image, size and probes (the service's port and paths where the fallback states none), and the
    regions it runs in (``fallback_regions``). The composer places the same plan in each of them."""

    image: str
    replicas_per_zone: int
    cpu: str
    memory: str
    port: int
    readiness_path: str
    liveness_path: str
    regions: tuple[str, ...]
    # Requests/s one fallback pod serves (service.fallback.requestsPerSecondPerPod, else FALLBACK_DEFAULT_RATE).
    requests_per_second_per_pod: float = 1.0


# service.fallback.requestsPerSecondPerPod unset: the load balancer counts each fallback pod as 1 request/s of
# capacity (docs/configuration.md "service.fallback"): little, so it never takes a GPU pod's share by default.
FALLBACK_DEFAULT_RATE = 1.0


# Second-region roles whose standby runs the fallback: every role with a cluster there (a pilot light
# has one, with zero GPU nodes: the fallback on its system nodes is then the only thing that can answer
# at once). Backup copies has no cluster, so only the primary runs it.
FALLBACK_SECOND_REGION_ROLES = (SecondRegionRole.SERVING, SecondRegionRole.WARM, SecondRegionRole.PILOT)


def fallback_plan(workload: Workload, strategy: Strategy, primary: str, secondary: Optional[str]) -> Optional["FallbackPlan"]:
    """The workload's FallbackPlan, or None without ``service.fallback``: the primary region always (GPU
    pools exhausted there), and the second region where its role keeps a cluster
    (FALLBACK_SECOND_REGION_ROLES: while its GPU capacity scales up after a failover)."""
    service = workload.service
    fallback = service.fallback if service is not None else None
    if fallback is None:
        return None
    regions = [primary]
    if secondary and SECOND_REGION_ROLE[strategy] in FALLBACK_SECOND_REGION_ROLES:
        regions.append(secondary)
    return FallbackPlan(
        image=fallback.image, replicas_per_zone=fallback.replicas_per_zone, cpu=fallback.cpu, memory=fallback.memory,
        port=fallback.port or service.port, readiness_path=fallback.readiness_path or service.readiness_path,
        liveness_path=fallback.liveness_path or service.liveness_path, regions=tuple(regions),
        requests_per_second_per_pod=fallback.requests_per_second_per_pod or FALLBACK_DEFAULT_RATE,
    )


@dataclass(frozen=True)
class WorkloadPlacement:
    """One workload in one region."""

    workload: Workload
    strategy: Strategy
    region: str
    region_role: RegionRole
    # What the workload does in this region: the primary serves; the secondary's role follows
    # the strategy (serving, warm, pilot or backup copies only).
    role: Optional[SecondRegionRole]
    serving: bool
    gpu: Optional[GpuPlan]
    vault: VaultPlan
    intent: WorkloadIntent
    # Database instances in this region (writer + readers; 0 = headless global secondary).
    database_instances: int = 0
    # The workload's degraded mode (issue 18) when it runs in this region (FallbackPlan.regions), else None.
    fallback: Optional[FallbackPlan] = None

    @property
    def name(self) -> str:
        return self.workload.name

    @property
    def tier(self) -> Tier:
        return self.workload.tier

    @property
    def runs_here(self) -> bool:
        """Whether the workload runs anything in this region (not only receives backup copies)."""
        return self.region_role is RegionRole.PRIMARY or self.role is not SecondRegionRole.BACKUP_COPIES

    @property
    def service_role(self) -> str:
        """How the workload's service runs here: "serving" (the primary, or an active-active second
        region), "warm", "pilot" or "backup-copies"."""
        if not self.runs_here:
            return "backup-copies"
        if self.region_role is RegionRole.PRIMARY or self.role is SecondRegionRole.SERVING:
            return "serving"
        return "warm" if self.role is SecondRegionRole.WARM else "pilot"

    @property
    def has_queue(self) -> bool:
        """Whether the workload's queue (and DLQ) lives here: a queued workload, in every region that
        can serve it, standby included (blueprint.catalogs.operations.QUEUE_ROLES)."""
        return self.workload.queue is not None and operations.queue_here(self.service_role)

    @property
    def requests_per_second_per_pod(self) -> Optional[float]:
        """The per-pod request rate the service scales on in this region, or None (CPU only): the
        configured value wherever the service runs (every role but backup copies; a pilot light runs
        no pods, so nothing scales there until it is promoted)."""
        service = self.workload.service
        if service is None or not self.runs_here:
            return None
        return service.requests_per_second_per_pod


@dataclass(frozen=True)
class Footprint:
    config: StackConfig
    regions: tuple[RegionPlan, ...]
    placements: tuple[WorkloadPlacement, ...]

    def region(self, name: str) -> RegionPlan:
        return next(r for r in self.regions if r.name == name)

    def in_region(self, name: str) -> list[WorkloadPlacement]:
        return [p for p in self.placements if p.region == name]


def secondary_gpu(workload: Workload, role: SecondRegionRole) -> Optional[GpuPlan]:
    """GPU limits in the second region: equal (active-active), a quarter but never zero (warm
    standby), zero (pilot light); the maximum stays the primary's so a failover can scale up."""
    if workload.gpu is None or role is SecondRegionRole.BACKUP_COPIES:
        return None
    primary_min = workload.gpu.min_nodes_per_zone
    share = SECOND_REGION_GPU_SHARE[role]
    minimum = math.ceil(primary_min * share)
    if role is SecondRegionRole.WARM:
        minimum = max(1, minimum)
    return GpuPlan(min(minimum, workload.gpu.max_nodes_per_zone), workload.gpu.max_nodes_per_zone)


def secondary_database_instances(tier: Tier, role: SecondRegionRole, zones: int) -> int:
    """Global secondary readers by the second region's role: active-active sized like the primary,
    warm standby one reader (promoted on failover, then scaled), pilot light none (headless)."""
    if role is SecondRegionRole.SERVING:
        return operations.primary_database_instances(tier, zones)
    return 1 if role is SecondRegionRole.WARM else 0


def build_footprint(config: StackConfig) -> Footprint:
    primary_zones = len(chosen_zones(config.cloud, config.primary_region, config.zones_per_region))
    secondary_zones = len(chosen_zones(config.cloud, config.secondary_region, config.zones_per_region)) if config.secondary_region else 0
    placements: list[WorkloadPlacement] = []
    for w in config.workloads:
        strategy = effective_strategy(w)
        spec = tier_spec(w.tier)
        intent = workload_intent(w, strategy)
        vault = VaultPlan(spec.lock_mode, effective_retention_days(w))
        gpu = GpuPlan(w.gpu.min_nodes_per_zone, w.gpu.max_nodes_per_zone) if w.gpu else None
        fallback = fallback_plan(w, strategy, config.primary_region, config.secondary_region)
        placements.append(WorkloadPlacement(w, strategy, config.primary_region, RegionRole.PRIMARY, None, True, gpu, vault, intent,
                                            operations.primary_database_instances(w.tier, primary_zones), fallback))
        if config.secondary_region:
            role = SECOND_REGION_ROLE[strategy]
            placements.append(
                WorkloadPlacement(
                    w, strategy, config.secondary_region, RegionRole.SECONDARY, role,
                    role is SecondRegionRole.SERVING, secondary_gpu(w, role), vault, intent,
                    secondary_database_instances(w.tier, role, secondary_zones),
                    fallback if fallback is not None and config.secondary_region in fallback.regions else None,
                )
            )

    regions = [_region_plan(config, config.primary_region, RegionRole.PRIMARY, placements)]
    if config.secondary_region:
        regions.append(_region_plan(config, config.secondary_region, RegionRole.SECONDARY, placements))
    return Footprint(config, tuple(regions), tuple(placements))


def _region_plan(config: StackConfig, name: str, role: RegionRole, placements: list[WorkloadPlacement]) -> RegionPlan:
    here = [p for p in placements if p.region == name]
    running = [p for p in here if p.runs_here]
    runs_platform = role is RegionRole.PRIMARY or bool(running)
    nat_per_zone = any(operations_spec(p.tier).nat_per_zone for p in running)
    traffic_scaling = any(p.requests_per_second_per_pod is not None for p in running)
    return RegionPlan(name, role, chosen_zones(config.cloud, name, config.zones_per_region), runs_platform, nat_per_zone,
                      traffic_scaling)


def stack_recovery(config: StackConfig):
    """The stack's audit trail and break-glass settings (issue 18), from its strictest workload's tier
    (blueprint.catalogs.recovery_stack); None for a stack without workloads."""
    from blueprint.catalogs.recovery_stack import recovery_stack_spec

    return recovery_stack_spec(w.tier for w in config.workloads)
