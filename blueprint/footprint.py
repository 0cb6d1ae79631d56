"""Tier -> footprint: what runs where, decided without any cloud SDK.

The composer of each cloud (``components/<cloud>/platform.py``) turns this footprint into
components. Keeping the decision here means the tier rules are written once for both clouds and
can be tested (and analysed) without planning.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum
from typing import Optional

from blueprint.catalogs.tiers import (
    SECOND_REGION_GPU_SHARE,
    SECOND_REGION_ROLE,
    LockMode,
    SecondRegionRole,
    Strategy,
    Tier,
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


def build_footprint(config: StackConfig) -> Footprint:
    placements: list[WorkloadPlacement] = []
    for w in config.workloads:
        strategy = effective_strategy(w)
        spec = tier_spec(w.tier)
        vault = VaultPlan(spec.lock_mode, effective_retention_days(w))
        gpu = GpuPlan(w.gpu.min_nodes_per_zone, w.gpu.max_nodes_per_zone) if w.gpu else None
        placements.append(WorkloadPlacement(w, strategy, config.primary_region, RegionRole.PRIMARY, None, True, gpu, vault))
        if config.secondary_region:
            role = SECOND_REGION_ROLE[strategy]
            placements.append(
                WorkloadPlacement(
                    w, strategy, config.secondary_region, RegionRole.SECONDARY, role,
                    role is SecondRegionRole.SERVING, secondary_gpu(w, role), vault,
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
    nat_per_zone = any(p.tier is not Tier.BEST_EFFORT for p in running)
    traffic_scaling = any(p.requests_per_second_per_pod is not None for p in running)
    return RegionPlan(name, role, chosen_zones(config.cloud, name, config.zones_per_region), runs_platform, nat_per_zone,
                      traffic_scaling)
