"""Measured figures from a recorded drill (blueprint/drill/record.py) -> what the model uses instead.

Each step a drill measures replaces what the model assumed for it:

| drill step         | AWS                                   | GCP                                                      |
|--------------------|---------------------------------------|----------------------------------------------------------|
| detection          | dns_checker_latency = measured - the health check's interval x failures (a Route 53 trigger alarm, which waits for the same verdict, moves with it; a failover probe's trigger does not: blueprint/analysis/aws_orchestration.py) | glb_health_latency, likewise |
| traffic_shift      | alias_ttl_elb                         | the "traffic shift" step itself (the plan's connectionDrainingTimeoutSec sets it, no figure) |
| database_promotion | aurora_global_failover                | cloudsql_dr_replica_failover (designated DR replica) or cloudsql_promote_replica |
| (zone drill) database_promotion | aurora_multi_az_failover | cloudsql_ha_failover                                   |
| gpu_node_ready     | gpu_node_start                        | gke_gpu_node_start                                       |
| model_ready        | pod_start                             | pod_start                                                |
| plan_start         | region_switch_api_start (the failover probe's StartPlanExecution -> first step) | kept for the record (GCP has no such call) |

A step the plan determines rather than a figure is replaced in the breakdown directly (``apply_steps``).
A zone drill's detection and traffic shift are recorded but not applied: the headline estimate is a region loss.
Figures are stack-wide: ``workload`` only chooses whose health check (detection) and database mechanism (GCP)
the measured values are read against.
"""

from __future__ import annotations

from typing import Any, Optional

from blueprint.analysis.facts import PlanFacts, WorkloadFacts
from blueprint.analysis.resilience import Estimate

BREAKDOWN_STEP = {"detection": "detection", "traffic_shift": "traffic shift", "database_promotion": "database",
                  "gpu_node_ready": "GPU capacity", "model_ready": "GPU capacity"}


def _timed(facts: PlanFacts, workload: Optional[str]) -> list[WorkloadFacts]:
    return [w for w in facts.workloads if workload in (None, w.name)]


def _verdict(workloads: list[WorkloadFacts]) -> Optional[float]:
    """The health check's own interval x failures of the timed workload's primary (the slowest, if several)."""
    verdicts = [p.interval_s * p.failure_threshold for w in workloads for p in (w.routing.probes if w.routing else ())
                if p.region == w.primary_region]
    return max(verdicts) if verdicts else None


def overrides(drill: dict[str, Any], facts: PlanFacts) -> tuple[dict[str, float], dict[str, float], list[str]]:
    """(figure overrides, step overrides, one line per mapping saying what replaced what)."""
    gcp = facts.cloud == "gcp"
    durations = drill.get("durations_s") or {}
    timed = _timed(facts, drill.get("workload"))
    figures: dict[str, float] = {}
    steps: dict[str, float] = {}
    zone = drill.get("scenario") == "zone"
    unused: list[str] = []
    for step, seconds in durations.items():
        seconds = float(seconds)
        if zone and step in ("detection", "traffic_shift"):
            # A zone's detection and shift are the load balancer's own health checks inside the region: the
            # headline (region-loss) model has no figure for them.
            unused.append(f"{step} = {seconds:g} s kept for the record (a zone drill: the region-loss model does not use it)")
        elif zone and step == "database_promotion":
            figures["cloudsql_ha_failover" if gcp else "aurora_multi_az_failover"] = seconds
        elif step == "detection":
            verdict = _verdict(timed)
            if verdict is None:
                steps[step] = seconds
            else:
                figures["glb_health_latency" if gcp else "dns_checker_latency"] = max(0.0, seconds - verdict)
        elif step == "traffic_shift":
            if gcp:
                steps[step] = seconds
            else:
                figures["alias_ttl_elb"] = seconds
        elif step == "database_promotion":
            for name in _db_figures(timed, gcp):
                figures[name] = seconds
        elif step == "gpu_node_ready":
            figures["gke_gpu_node_start" if gcp else "gpu_node_start"] = seconds
        elif step == "model_ready":
            figures["pod_start"] = seconds
        elif step == "plan_start":
            if gcp:
                unused.append(f"{step} = {seconds:g} s kept for the record (Region switch only: GCP has no such call)")
            else:
                figures["region_switch_api_start"] = seconds
    lines = [f"figure {k} = {v:g} s" for k, v in sorted(figures.items())] + [f"step {k} = {v:g} s" for k, v in sorted(steps.items())]
    lines += unused
    return figures, steps, lines


def _db_figures(workloads: list[WorkloadFacts], gcp: bool) -> list[str]:
    if not gcp:
        return ["aurora_global_failover"]
    names = []
    for w in workloads:
        sec = w.database_in(w.secondary_region or "")
        if sec is not None and sec.role == "secondary":
            names.append("cloudsql_dr_replica_failover" if "DR replica" in sec.promote_step else "cloudsql_promote_replica")
    return sorted(set(names)) or ["cloudsql_dr_replica_failover"]


def apply_steps(est: Estimate, steps: dict[str, float]) -> None:
    """Replace the plan-determined steps a drill measured (detection moves the steps that start with it)."""
    detection = est.breakdown[0]
    if "detection" in steps:
        old, detection.seconds = detection.seconds, steps["detection"]
        for s in est.breakdown[1:]:
            if s.parallel and s.starts_at_s == old:
                s.starts_at_s = detection.seconds
            elif s.parallel and s.starts_at_s is not None and s.starts_at_s < detection.seconds:
                s.starts_at_s = detection.seconds
        detection.measured_s = detection.seconds
    for s in est.breakdown[1:]:
        if s.step == "traffic shift" and "traffic_shift" in steps:
            s.seconds = s.measured_s = steps["traffic_shift"]
    ends = [s.starts_at_s + s.seconds for s in est.breakdown[1:] if s.parallel and s.starts_at_s is not None]
    est.rto_s = max([detection.seconds] + ends)
