"""RTO/RPO estimates and failure scenarios from the plan's facts (cloud-neutral).

RTO (region loss of the primary, the worst case the tiers promise against) =
    detection + the longest of the recovery steps that run in parallel:
    traffic shift | database promotion | GPU capacity scale-up | rebuild (+ data restore).
RPO = the replication lag of the primary datastore's copy outside the primary region.
Zone loss is handled inside a region (load balancer health checks, Multi-AZ failover) and is
reported by the scenarios, not by the headline estimate. See docs/resilience.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Optional

from blueprint.analysis.facts import STEP_DATABASE, STEP_GPU, STEP_TRAFFIC, Database, Orchestration, PlanFacts, WorkloadFacts
from blueprint.analysis.figures import DEFAULT_FIGURES, RESTORE_FIGURE, Figures, provisioning_seconds
from blueprint.analysis.graph import critical_path
from blueprint.catalogs.recovery_data import KIND_ARTIFACTS, KIND_IMAGES, KIND_SECRETS
from blueprint.catalogs.tiers import tier_spec
from blueprint.plan.model import Plan, PlannedResource


@dataclass
class Step:
    step: str
    seconds: float
    source: str
    parallel: bool = False  # one of the recovery steps that run side by side after detection
    # Seconds from the failure until this parallel step starts (None: at detection).
    starts_at_s: Optional[float] = None
    # What makes the step happen: "<urn> (<kind> step <name>)", a mechanism of the plan (health check,
    # cluster autoscaler), or None: nothing in the plan, a human must act.
    automated_by: Optional[str] = None
    # The figure a drill measured for this step (seconds), shown next to the modeled one.
    measured_s: Optional[float] = None
    modeled_s: Optional[float] = None  # with a measured value: what the model assumed

    def to_json(self) -> dict[str, Any]:
        out = {"step": self.step, "seconds": round(self.seconds, 1), "source": self.source, "parallel": self.parallel,
               "starts_at_s": None if self.starts_at_s is None else round(self.starts_at_s, 1),
               "automated": self.automated_by is not None, "automated_by": self.automated_by}
        if self.measured_s is not None:
            out.update(measured_s=round(self.measured_s, 1), modeled_s=None if self.modeled_s is None else round(self.modeled_s, 1))
        return out


@dataclass
class Estimate:
    rto_s: float
    rpo_s: Optional[float]  # None: no copy outside the primary region, data lost with it
    breakdown: list[Step]
    rpo_source: str
    rebuild_s: float = 0.0


@dataclass
class Scenario:
    scenario: str
    serving: bool
    serving_now: bool
    gpu_capacity_pct: Optional[float]
    gpu_capacity_after_scale_up_pct: Optional[float]
    db_writer: Optional[str]
    backups_intact: bool
    recovery: str
    # Regions whose sessions can write right after the failure, without a promotion (the writer's,
    # plus forwarding secondaries while the writer is up); None: the workload has no database.
    write_regions: Optional[list[str]] = None
    # Regions whose queue (with its DLQ) survives and keeps buffering requests (issue 18; PlanFacts.queues);
    # None: the workload has no queue.
    queue_regions: Optional[list[str]] = None
    # The fallback's degraded serving (issue 18; blueprint/analysis/degraded.py); None: no fallback planned.
    degraded: Optional[Any] = None

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario, "serving": self.serving, "gpu_capacity_pct": self.gpu_capacity_pct,
            "db_writer": self.db_writer, "backups_intact": self.backups_intact, "serving_now": self.serving_now,
            "gpu_capacity_after_scale_up_pct": self.gpu_capacity_after_scale_up_pct, "recovery": self.recovery,
            "write_regions": self.write_regions, "queue_buffering": self.queue_regions,
            "degraded_serving": self.degraded.to_json() if self.degraded is not None else None,
        }


@dataclass
class WritePath:
    """How sessions in one region of a workload write to its database."""

    region: str
    path: str  # "writer" | "forwarded" | "remote" | "read-only" | "none"
    to_region: Optional[str]  # where forwarded or remote writes commit
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {"region": self.region, "path": self.path, "to_region": self.to_region, "detail": self.detail}


@dataclass
class Spof:
    workload: Optional[str]
    kind: str
    urn: str
    message: str
    forbidden: bool

    def to_json(self) -> dict[str, Any]:
        return {"workload": self.workload, "kind": self.kind, "urn": self.urn, "message": self.message, "forbidden": self.forbidden}


# ------------------------------------------------------------------------------- estimates


def estimate(w: WorkloadFacts, facts: PlanFacts, plan: Plan, figures: Figures = DEFAULT_FIGURES) -> Estimate:
    """RTO = the latest end of the parallel recovery steps, each from its start: at detection for what the
    plan's mechanisms do by themselves (health checks, autoscaler), at the orchestration's start for what it
    automates (its trigger, or the time to declare a disaster when it waits for a human's approval), and after
    the time to declare a disaster for a step nothing automates (docs/resilience.md)."""
    secondary = w.secondary_region
    detection = _detection(w, figures)
    starts = _Starts(detection.seconds, w.orchestration, figures)
    sec_db = w.database_in(secondary) if secondary else None
    pri_db = w.database_in(w.primary_region)
    in_secondary = bool(sec_db or w.pools_in(secondary or "") or any(b.region == secondary for b in w.balancers))
    needs_rebuild = secondary is not None and not in_secondary and bool(pri_db or w.pools or w.balancers)

    parallel: list[Step] = []
    if w.routing and secondary in w.routing.regions:
        traffic = Step("traffic shift", w.routing.shift_s, f"{w.routing.policy} routing; {w.routing.shift_source}", True,
                       detection.seconds, _traffic_mechanism(w, starts))
        if w.routing.controlled and w.routing.policy == "failover":
            # The standby's records stay unhealthy until the orchestration activates the region.
            traffic = starts.place(Step(traffic.step, traffic.seconds, traffic.source + "; the records also need the "
                                        "orchestration's health check of the region, which its traffic step turns healthy", True),
                                   STEP_TRAFFIC)
        parallel.append(traffic)
    if pri_db is not None and sec_db is not None and sec_db.role == "secondary":
        parallel.append(starts.place(_database_step(sec_db, figures), STEP_DATABASE))
    gpu = _gpu_step(w, figures)
    orch = w.orchestration
    if gpu is not None and gpu.seconds and orch is not None and STEP_GPU in orch.steps and orch.stages:
        # The plan's capacity step scales the Deployment itself (its pending pods make the autoscaler add
        # nodes): the scale-up starts with that step, not when traffic arrives, which it precedes.
        parallel.append(starts.place(gpu, STEP_GPU))
    elif gpu is not None:
        gated = next((s for s in parallel if s.step == "traffic shift" and (s.starts_at_s or 0) > detection.seconds), None)
        if gpu.automated_by and gated is not None and gpu.seconds:
            # The autoscaler reacts to the secondary's load, which arrives only once the orchestration moves traffic.
            gpu.starts_at_s = gated.starts_at_s
            gpu.source += (f"; it starts when traffic reaches the secondary ({gated.starts_at_s:g} s): before that "
                           "the region gets no requests to scale on")
        parallel.append(gpu if gpu.automated_by else starts.place(gpu, STEP_GPU))
    rebuild_s = 0.0
    if needs_rebuild:
        rebuild_s, rebuild_step = _rebuild(w, facts, plan, figures)
        parallel.append(starts.human(rebuild_step) if w.orchestration is None else starts.place(rebuild_step, "rebuild"))
    if not parallel:
        parallel.append(Step("nothing to recover in the second region", 0.0, "no state or capacity to move", True))
    starts.sequence()
    for step in parallel:
        if step.starts_at_s is None:
            step.starts_at_s = detection.seconds
    rto = max([detection.seconds] + [s.starts_at_s + s.seconds for s in parallel])
    rpo, rpo_source = _rpo(w, pri_db, sec_db, figures)
    steps = [detection, *parallel, Step("data loss window (RPO)", rpo if rpo is not None else math.inf, rpo_source)]
    return Estimate(rto, rpo, steps, rpo_source, rebuild_s)


def _detection(w: WorkloadFacts, figures: Figures) -> Step:
    primary, secondary = w.primary_region, w.secondary_region
    probes = [p for p in (w.routing.probes if w.routing else ()) if p.region == primary]
    orch = w.orchestration
    if w.routing and secondary and secondary in w.routing.standby_regions:
        if orch is not None and orch.approval == "automatic" and STEP_TRAFFIC in orch.steps and orch.trigger_s is not None:
            return Step("detection", orch.trigger_s, f"{orch.trigger_source}; it promotes the standby backends "
                        f"({orch.kind} step {orch.steps[STEP_TRAFFIC]})", automated_by=orch.urn)
        return Step("detection", figures.declare_disaster.seconds, f"{w.routing.standby_source}: {figures.declare_disaster.source}")
    if probes and secondary and w.routing and secondary in w.routing.regions:
        p = max(probes, key=lambda p: p.interval_s * p.failure_threshold)
        latency, latency_source = ((p.latency_s, p.latency_source) if p.latency_s is not None
                                   else (figures.dns_checker_latency.seconds, figures.dns_checker_latency.source))
        return Step("detection", p.interval_s * p.failure_threshold + latency,
                    f"health check {p.urn}: {p.interval_s:g} s x {p.failure_threshold} failures + {latency:g} s ({latency_source})",
                    automated_by=p.urn)
    return Step("detection", figures.declare_disaster.seconds,
                f"no DNS health check fails over this workload: {figures.declare_disaster.source}")


def _traffic_mechanism(w: WorkloadFacts, starts: "_Starts") -> Optional[str]:
    """Who moves traffic: the routing's health checks (they act by themselves), else nobody."""
    probes = [p.urn for p in (w.routing.probes if w.routing else ())]
    if probes and not (w.routing and w.secondary_region in w.routing.standby_regions):
        return f"health checks of the routing ({probes[0]}{' and others' if len(probes) > 1 else ''})"
    orch = w.orchestration
    if orch is not None and STEP_TRAFFIC in orch.steps:
        return f"{orch.urn} ({orch.kind} step {orch.steps[STEP_TRAFFIC]})"
    return None


class _Starts:
    """When a recovery step can start: what the orchestration automates starts when it does; the rest
    waits for a human (the time to declare a disaster)."""

    def __init__(self, detection_s: float, orch: Optional[Orchestration], figures: Figures) -> None:
        self.detection_s, self.orch, self.figures = detection_s, orch, figures
        self.placed: dict[str, Step] = {}  # recovery step kind -> the step the orchestration runs
        declare = figures.declare_disaster
        self.human_s = max(detection_s, declare.seconds)
        self.human_note = (f"NOT AUTOMATED: nothing in the plan runs this step, so a human must act first "
                           f"(the command in `blueprint rebuild`'s runbook); it starts after the time to declare a disaster, "
                           f"{declare.seconds:g} s ({declare.source})")
        if orch is None:
            self.auto_s, self.auto_note = self.human_s, ""
        elif orch.approval == "manual":
            self.auto_s = self.human_s
            self.auto_note = (f"starts after its manual approval: the time to declare a disaster, {declare.seconds:g} s "
                              f"({declare.source})")
        elif orch.trigger_s is not None:
            self.auto_s = max(detection_s, orch.trigger_s)
            self.auto_note = f"starts when its trigger fires, {self.auto_s:g} s after the failure ({orch.trigger_source})"
        else:
            self.auto_s, self.auto_note = self.human_s, f"automatic, but {orch.trigger_source}: counted from declaring a disaster"

    def place(self, step: Step, kind: str) -> Step:
        orch = self.orch
        if orch is None or kind not in orch.steps:
            return self.human(step)
        step.starts_at_s = self.auto_s
        step.automated_by = f"{orch.urn} ({orch.kind} step {orch.steps[kind]})"
        order = f"; {orch.ordering}" if orch.ordering and (orch.stages or kind != STEP_TRAFFIC) else ""
        step.source = f"{step.source}; automated by {step.automated_by}: {self.auto_note}{order}"
        self.placed[kind] = step
        return step

    def sequence(self) -> None:
        """The orchestration's order: each stage of its workflow starts when the previous one ends (a
        step the model does not place, e.g. traffic that health checks move by themselves, takes no time)."""
        orch = self.orch
        if orch is None or not orch.stages:
            return
        at = self.auto_s
        for stage in orch.stages:
            members = [self.placed[k] for k in stage if k in self.placed]
            for step in members:
                if (step.starts_at_s or 0) < at:
                    step.starts_at_s = at
                    step.source += f"; it waits for the plan's previous steps, which end {at:g} s after the failure"
            if members:
                at = max(s.starts_at_s + s.seconds for s in members)

    def human(self, step: Step) -> Step:
        step.starts_at_s = self.human_s
        step.source = f"{step.source}; {self.human_note}"
        return step


def _database_step(sec_db: Database, figures: Figures) -> Step:
    if sec_db.headless:
        return Step("database: add an instance to the headless secondary, then fail over",
                    figures.aurora_add_instance.seconds + figures.aurora_global_failover.seconds,
                    f"{sec_db.urn} has no instance; {figures.aurora_add_instance.source}; {figures.aurora_global_failover.source}", True)
    if sec_db.promote_s is not None:
        return Step(f"database: {sec_db.promote_step}", sec_db.promote_s, f"{sec_db.urn}; {sec_db.promote_source}", True)
    return Step("database: global failover to the secondary", figures.aurora_global_failover.seconds,
                f"{sec_db.urn} ({len(sec_db.instances)} instance(s)); {figures.aurora_global_failover.source}", True)


def _gpu_step(w: WorkloadFacts, figures: Figures) -> Optional[Step]:
    """The secondary's GPU floor against the primary's. Automatic where the pools scale by themselves (a
    cloud module's start figure: cluster autoscaler / GKE autoscaling up to a maximum that covers the need)."""
    secondary = w.secondary_region
    sec_gpu = w.pools_in(secondary, gpu_only=True) if secondary else []
    need = sum(p.min_nodes for p in w.pools_in(w.primary_region, gpu_only=True))
    if not (sec_gpu and need):
        return None
    have = sum(p.min_nodes for p in sec_gpu)
    if have >= need:
        return Step("GPU capacity: already at the primary's minimum", 0.0, f"{have} >= {need} nodes (active-active)", True,
                    automated_by="nothing to do: the secondary runs the primary's minimum")
    ceiling = sum(p.max_nodes for p in sec_gpu)
    note = "" if ceiling >= need else f"; the secondary's maximum ({ceiling}) is below it"
    start_s, start_source = _node_start(sec_gpu, figures)
    by_itself = ceiling >= need and any(p.start_s is not None for p in sec_gpu)
    return Step(f"GPU capacity: scale up from {have} to {need} nodes", start_s + figures.pod_start.seconds,
                f"{start_source}; {figures.pod_start.source}{note}", True,
                automated_by=f"the node autoscaler of {sec_gpu[0].urn} (up to {ceiling} nodes)" if by_itself else None)


def _node_start(pools, figures: Figures) -> tuple[float, str]:
    """The slowest node start of these pools (the cloud module's figure, else gpu_node_start)."""
    known = [(p.start_s, p.start_source) for p in pools if p.start_s is not None]
    if not known:
        return figures.gpu_node_start.seconds, figures.gpu_node_start.source
    return max(known, key=lambda k: k[0])


def _rebuild(w: WorkloadFacts, facts: PlanFacts, plan: Plan, figures: Figures) -> tuple[float, Step]:
    """Re-create the workload's primary-region resources (and the platform, when the second
    region runs none) in the second region: the critical path, with the database restored from
    its copied recovery point instead of created empty, then the GPU nodes and pods started."""
    wanted = set(w.resources)
    if not facts.platform.get(w.secondary_region or ""):
        wanted |= set(facts.platform.get(w.primary_region, []))
    resources = [r for r in plan.resources if r.urn in wanted and r.custom and r.region in (w.primary_region, "global")]

    restored = [r for r in resources if r.type in RESTORE_FIGURE]

    def weight(r: PlannedResource) -> float:
        if r.type in RESTORE_FIGURE:
            return getattr(figures, RESTORE_FIGURE[r.type]).seconds
        return provisioning_seconds(r.type, figures)

    path = critical_path(resources, figures, weight)
    extra, notes = 0.0, []
    if any(p.gpu and p.min_nodes for p in w.pools):
        extra += _node_start([p for p in w.pools if p.gpu], figures)[0] + figures.pod_start.seconds
        notes.append("GPU nodes and pods start")
    by_urn = {r.urn: r for r in resources}
    total = path.seconds + extra
    restore = "; ".join(sorted({f"{r.type.rsplit(':', 1)[-1]} restored from backup: {getattr(figures, RESTORE_FIGURE[r.type]).seconds:g} s"
                                for r in restored}))
    source = (f"critical path over {len(resources)} resources: {path.describe(by_urn)} ({path.seconds:g} s"
              + (f"; {restore}" if restore else "") + ")"
              + (f" + {', '.join(notes)} ({extra:g} s)" if notes else ""))
    return total, Step("rebuild in the second region (pulumi up) + data restore", total, source, True)


# Recovery data kinds a workload reads but never writes while running (blueprint/analysis/recovery_facts.py).
NOT_WRITTEN_KINDS = (KIND_IMAGES, KIND_SECRETS)


def _rpo(w: WorkloadFacts, pri_db: Optional[Database], sec_db: Optional[Database], figures: Figures) -> tuple[Optional[float], str]:
    primary = w.primary_region
    if pri_db is not None:
        if sec_db is not None and sec_db.role == "secondary":
            if sec_db.lag_s is not None:
                return sec_db.lag_s, f"{sec_db.urn}: {sec_db.lag_source}"
            return figures.aurora_global_replication_lag.seconds, f"{sec_db.urn}: {figures.aurora_global_replication_lag.source}"
        copies = [c for c in w.copies if c.kind == "recovery-points" and c.source_region == primary and c.dest_region and c.dest_region != primary]
        if copies:
            best = min(copies, key=lambda c: c.lag_s)
            return best.lag_s, f"{best.urn}: {best.lag_source}"
        return None, f"{pri_db.urn}: no replica and no recovery-point copy outside {primary}"
    if w.has_service:
        return 0.0, "stateless service: no datastore is written while serving (its vault holds artifacts)"
    # Images and secrets are not written while running (no RPO input); a workload without database
    # and service that keeps an artifact store (issue 18: training checkpoints) writes there first,
    # so that store's copy decides its RPO; else its object vault's.
    written = [c for c in w.copies if c.kind not in NOT_WRITTEN_KINDS and c.source_region == primary
               and c.dest_region and c.dest_region != primary]
    copies = [c for c in written if c.kind == KIND_ARTIFACTS] or written
    if copies:
        best = min(copies, key=lambda c: c.lag_s)
        return best.lag_s, f"{best.urn}: {best.lag_source}"
    stores = [v for v in w.vaults if v.kind not in NOT_WRITTEN_KINDS]
    if not stores:
        return 0.0, "no datastore"
    return None, f"vault {stores[0].urn}: no copy outside {primary}"


# ------------------------------------------------------------------------------- scenarios


def scenarios(w: WorkloadFacts, facts: PlanFacts, est: Optional[Estimate] = None, figures: Figures = DEFAULT_FIGURES) -> list[Scenario]:
    """Every zone and region loss; ``est`` (the workload's region-loss estimate) times the degraded serving."""
    out = []
    losses = [(r, z) for r in facts.regions for z in facts.zones.get(r, ())] + [(r, None) for r in facts.regions]
    for region, zone in losses:
        scenario = _scenario(w, facts, f"zone-loss:{zone}" if zone else f"region-loss:{region}", region, zone)
        scenario.degraded = _degraded(w, scenario, region, zone, est if region == w.primary_region else None, figures)
        out.append(scenario)
    return out


def _degraded(w: WorkloadFacts, scenario: Scenario, lost_region: str, lost_zone: Optional[str], est: Optional[Estimate],
              figures: Figures) -> Any:
    from blueprint.analysis.degraded import degraded_serving

    def alive(region: str) -> bool:
        return not (region == lost_region and lost_zone is None)

    return degraded_serving(w, alive, lost_region, lost_zone, scenario.gpu_capacity_pct, scenario.gpu_capacity_after_scale_up_pct,
                            est, figures)


def _scenario(w: WorkloadFacts, facts: PlanFacts, label: str, lost_region: str, lost_zone: Optional[str]) -> Scenario:
    def alive(region: str, zone: Optional[str] = None) -> bool:
        if region == lost_region and lost_zone is None:
            return False
        return not (region == lost_region and zone == lost_zone)

    def surviving_share(zones: tuple[str, ...], region: str) -> float:
        if not alive(region):
            return 0.0
        if not zones:
            return 1.0
        return sum(1 for z in zones if alive(region, z)) / len(zones)

    regions = [r for r in facts.regions if alive(r)]
    db_writer = _db_writer(w, alive)
    if w.has_service:
        routed = list(w.routing.regions) if w.routing else [w.primary_region]
        candidate = [r for r in routed if r in regions]
    else:
        candidate = regions
    serving_regions, serving_now_regions = [], []
    for region in candidate:
        lb_ok = not w.has_service or any(b.region == region and surviving_share(b.zones, region) > 0 for b in w.balancers)
        pools = w.pools_in(region)
        if not w.pools:
            compute, compute_now = True, True
        else:
            compute = any(p.max_nodes > 0 and surviving_share(p.zones, region) > 0 for p in pools)
            compute_now = any(p.min_nodes > 0 and surviving_share(p.zones, region) > 0 for p in pools) or (
                compute and not any(p.min_nodes for p in w.pools))
        needs_platform = bool(w.pools or w.balancers)
        if lb_ok and compute and (not needs_platform or pools or w.balancers):
            serving_regions.append(region)
            standby = w.has_service and w.routing is not None and region in w.routing.standby_regions
            if compute_now and not standby:
                serving_now_regions.append(region)
    data_ok = db_writer != "no"
    serving = bool(serving_regions) and data_ok
    serving_now = bool(serving_now_regions) and db_writer in (None, "yes")

    gpu_now = gpu_after = None
    pri_gpu = w.pools_in(w.primary_region, gpu_only=True)
    if pri_gpu:
        baseline = sum(p.min_nodes for p in pri_gpu) or sum(p.max_nodes for p in pri_gpu)
        live = [p for p in w.pools if p.gpu and p.region in serving_regions]
        now = sum(p.min_nodes * surviving_share(p.zones, p.region) for p in live)
        after = sum(p.max_nodes * surviving_share(p.zones, p.region) for p in live)
        gpu_now = round(min(100.0, 100.0 * now / baseline), 1) if baseline else 0.0
        gpu_after = round(min(100.0, 100.0 * after / baseline), 1) if baseline else 0.0
        if not data_ok:
            gpu_now = gpu_after = 0.0

    backups = _backups_intact(w, lost_region, lost_zone)
    if serving_now:
        recovery = ("automatic: health checks route around the failure" if w.has_service
                    else "none needed: compute and data survive")
    elif serving:
        recovery = {"after-promotion": "database promotion"}.get(db_writer or "", "")
        if w.has_service and w.routing is not None and not any(r not in w.routing.standby_regions for r in serving_regions):
            recovery = f"standby backend promotion and {recovery}" if recovery else "standby backend promotion"
        if gpu_now is not None and gpu_after is not None and gpu_after > gpu_now:
            recovery = f"{recovery} and GPU scale-up" if recovery else "GPU scale-up"
        recovery = recovery or "scale-up"
    else:
        recovery = "rebuild from backups" if backups else "none possible: no copy outside the failed domain"
    queues = sorted({q.region for q in getattr(facts, "queues", ()) if q.workload == w.name and q.dead_letter})
    return Scenario(label, serving, serving_now, gpu_now, gpu_after, db_writer, backups, recovery, _write_regions(w, alive),
                    queue_regions=[r for r in queues if alive(r)] if queues else None)


def _db_writer(w: WorkloadFacts, alive) -> Optional[str]:
    if not w.databases:
        return None
    writers = [d for d in w.databases if d.role == "writer"]
    for db in writers:
        if not alive(db.region):
            continue
        writer = [i for i in db.instances if i.writer]
        if writer and alive(db.region, writer[0].zone):
            return "yes"
        if any(alive(db.region, i.zone) for i in db.instances if not i.writer):
            return "after-promotion"
    if any(d.role == "secondary" and alive(d.region) for d in w.databases):
        return "after-promotion"
    return "no"


def _runs_in(w: WorkloadFacts, region: str) -> bool:
    return bool(w.pools_in(region) or w.database_in(region) or any(b.region == region for b in w.balancers))


def _write_regions(w: WorkloadFacts, alive) -> Optional[list[str]]:
    """Regions that can write at once: a live writer instance's, plus every forwarding secondary
    with a live instance and every live region of the workload that reaches the writer's private
    address (forwarding and remote writes need that writer: after its region is lost, none)."""
    if not w.databases:
        return None
    for db in (d for d in w.databases if d.role == "writer" and alive(d.region)):
        writer = [i for i in db.instances if i.writer]
        if writer and alive(db.region, writer[0].zone):
            regions = [db.region]
            regions += [d.region for d in w.databases if d.role == "secondary" and d.write_forwarding
                        and any(alive(d.region, i.zone) for i in d.instances) and d.region not in regions]
            regions += [r for r in db.reachable_from if alive(r) and _runs_in(w, r) and r not in regions]
            return regions
    return []


def serving_regions(w: WorkloadFacts) -> list[str]:
    """Regions that take the workload's requests while nothing has failed: the regions its routing
    sends traffic to (not drained standbys, not a failover record's secondary), else (no service)
    the regions whose compute runs."""
    if w.routing is not None:
        if w.routing.policy == "failover":
            return [w.primary_region] if w.primary_region in w.routing.regions else list(w.routing.regions[:1])
        return [r for r in w.routing.regions if r not in w.routing.standby_regions]
    if w.has_service:
        return sorted({b.region for b in w.balancers})
    return sorted({p.region for p in w.pools if p.min_nodes > 0})


def write_paths(w: WorkloadFacts) -> list[WritePath]:
    """The write path of each database region and each serving region, as planned (no failure)."""
    if not w.databases:
        return []
    writer = next((d for d in w.databases if d.role == "writer"), None)
    out = []
    for db in w.databases:
        if db.role == "writer":
            out.append(WritePath(db.region, "writer", db.region, f"{db.urn}: the regional writer instance"))
        elif db.write_forwarding and not db.headless and writer is not None:
            out.append(WritePath(
                db.region, "forwarded", writer.region,
                f"{db.urn}: global write forwarding sends writes to the writer in {writer.region} while it is up; "
                f"after losing {writer.region}, writes wait for the global failover that promotes this cluster"))
        elif writer is not None and db.region in writer.reachable_from:
            out.append(_remote(db.region, writer, f"{db.urn} is a read-only replica; "))
        else:
            out.append(WritePath(
                db.region, "read-only", None,
                f"{db.urn}: read-only replica; writes only after a failover promotes it"
                + (" (it has no instance: add one first)" if db.headless else "")))
    for region in serving_regions(w):
        if any(p.region == region for p in out):
            continue
        if writer is not None and region in writer.reachable_from:
            out.append(_remote(region, writer, f"no database in {region}; "))
        else:
            out.append(WritePath(region, "none", None, f"no database in {region} and no network path to the writer"
                                 + (f" {writer.urn} in {writer.region}" if writer is not None else "")))
    return out


def _remote(region: str, writer: Database, lead: str) -> WritePath:
    return WritePath(
        region, "remote", writer.region,
        f"{lead}sessions here write to the writer {writer.urn} in {writer.region} at its private address, across regions over "
        f"the shared VPC network (each write pays the inter-region round trip) while it is up; after losing {writer.region}, "
        "writes wait for the promotion of the replica")


def write_path_problems(w: WorkloadFacts, strategy: str) -> list[str]:
    """An active-active workload serves every routed region at once, so every one of them must be
    able to write (issue 13, finding 7): a serving region whose path is read-only or none fails."""
    if strategy != "active-active" or not w.databases:
        return []
    paths = {p.region: p for p in write_paths(w)}
    problems = []
    for region in serving_regions(w):
        path = paths.get(region)
        if path is None or path.path in ("read-only", "none"):
            kind = path.path if path is not None else "none"
            problems.append(
                f"{w.name} is active-active and serves requests in {region}, but sessions there cannot write ({kind}"
                + (f": {path.detail}" if path is not None else "") + "); give that region a write path (Aurora: "
                "enableGlobalWriteForwarding on its global secondary cluster; Cloud SQL: the region's cluster on the writer's "
                "private network)")
    return problems


def _backups_intact(w: WorkloadFacts, lost_region: str, lost_zone: Optional[str]) -> bool:
    """A copy of every kind of data the failed domain held survives outside it."""
    if not w.vaults:
        return False
    if lost_zone is not None:
        return True  # S3 and AWS Backup vaults are regional: they store across the region's zones
    others = [v for v in w.vaults if v.region != lost_region]
    for kind in {v.kind for v in w.vaults if v.region == lost_region}:
        copied_out = any(c.kind == kind and c.source_region == lost_region and c.dest_region not in ("", lost_region) for c in w.copies)
        # the lost region held copies of another region's vault: the original survives there
        original_elsewhere = any(c.kind == kind and c.dest_region == lost_region and c.source_region != lost_region
                                 and any(v.kind == kind and v.region == c.source_region for v in others) for c in w.copies)
        if not (copied_out or original_elsewhere):
            return False
    return bool(others)


# ------------------------------------------------------------------------ single points of failure


def single_points_of_failure(facts: PlanFacts) -> list[Spof]:
    found: list[Spof] = []
    for w in facts.workloads:
        min_zones = tier_spec(w.tier).min_zones if w.tier else 2
        for region in facts.regions:
            pools = [p for p in w.pools_in(region) if p.max_nodes > 0]
            zones = {z for p in pools for z in p.zones}
            if pools and len(zones) < 2:
                for p in pools:
                    found.append(Spof(w.name, "node-group-single-zone", p.urn,
                                      f"{w.name}'s node groups in {region} run only in {sorted(zones)}; tier {w.tier} needs >= {min_zones} zones", True))
        for b in w.balancers:
            if len(b.zones) < 2:
                found.append(Spof(w.name, "load-balancer-single-zone", b.urn,
                                  f"load balancer spans {list(b.zones)} only; a zone loss takes the endpoint down", True))
        for db in w.databases:
            if db.subnet_group_urn and len(db.subnet_zones) < 2:
                found.append(Spof(w.name, "db-subnets-single-zone", db.subnet_group_urn,
                                  f"database subnet group covers {list(db.subnet_zones)} only; tier {w.tier} needs >= {min_zones} zones", True))
            if db.role == "writer" and db.zone_redundant is not None:
                if not db.zone_redundant:
                    found.append(Spof(w.name, "database-single-zone", db.instances[0].urn if db.instances else db.urn,
                                      f"the writer {db.urn} has no standby in another zone: losing its zone loses the writer", True))
            elif db.role == "writer":
                if len(db.instances) < 2:
                    found.append(Spof(w.name, "database-single-instance", (db.instances[0].urn if db.instances else db.urn),
                                      f"the writer cluster {db.urn} has {len(db.instances)} instance(s): losing its zone loses the writer", True))
                elif len({i.zone for i in db.instances}) < 2:
                    found.append(Spof(w.name, "database-single-zone", db.instances[0].urn,
                                      f"all instances of {db.urn} are in {db.instances[0].zone}", True))
            elif len(db.instances) == 1 and not db.zone_redundant:
                found.append(Spof(w.name, "replica-single-instance", db.instances[0].urn,
                                  f"the secondary {db.urn} has one instance: after promotion the writer has no standby until readers are added (by design for warm standby)", False))
        if w.secondary_region:
            for v in w.vaults:
                if v.region != w.primary_region:
                    continue
                copied = any(c.kind == v.kind and c.source_region == v.region and c.dest_region and c.dest_region != v.region for c in w.copies)
                if not copied:
                    found.append(Spof(w.name, "vault-without-replica", v.urn,
                                      f"vault {v.name} in {v.region} has no copy in another region; strategy {w.strategy} needs one", True))
    # shared egress
    for nat in facts.egress:
        others = [z for z in nat.serves_zones if z != nat.zone]
        if not others:
            continue
        needs_per_zone = any(w.tier != "best-effort" and (w.pools_in(nat.region) or w.database_in(nat.region) or any(b.region == nat.region for b in w.balancers))
                             for w in facts.workloads)
        found.append(Spof(None, "nat-gateway-shared", nat.urn,
                          f"NAT gateway in {nat.zone} carries the egress of zones {others} too: losing {nat.zone} cuts their egress",
                          needs_per_zone))
    return found
