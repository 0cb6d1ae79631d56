"""Degraded serving in the failure scenarios (issue 18, ``service.fallback``; docs/resilience.md
"Degraded serving").

A scenario's ``degraded_serving`` says whether the workload's fallback answers while its GPU
capacity is short, where, and from when until when:

- ``None``: no fallback is planned for the workload (no Deployment labelled ``blueprint-role: fallback``).
- ``active`` false: a fallback is planned but does not serve in this scenario: its routing is missing
  (``WorkloadFacts.fallback_unrouted``), it runs only in the failed region, or GPU capacity right after
  the failure stays at 100 % (the fallback then takes only overflow, as without a failure).
- ``active`` false on AWS too while any GPU capacity survives: behind a zero-weight Route 53 record
  (``WorkloadFacts.fallback_trigger`` "gpu-endpoint-down") the fallback answers only while every GPU
  endpoint of its region is unhealthy, not while the GPU pods are merely saturated.
- ``active`` true: from the failure's detection (the routing's health check of the failed domain: the
  load balancer stops sending the lost GPU endpoints requests, and the fallback, behind them, takes
  what the rest cannot) until the GPU capacity is back: region loss, the end of the estimate's GPU
  scale-up step, and where the survivor's GPU backends share the fallback's DEFAULT layer (GCP warm or
  pilot standby, ``WorkloadFacts.fallback_shares_layer``) also the failover workflow's promotion of them to
  PREFERRED (``fallback_promoted_by``) plus its propagation; without such a step ``until_s`` null (until
  the standby is promoted to PREFERRED: the fallback keeps its proportional share); zone loss, a new GPU node and pod in the surviving zones (the autoscaler's node start +
  pod start) when the pools' maxima restore the capacity, else ``until_s`` null (until the zone returns).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional

from blueprint.analysis.aws_fallback_facts import GPU_ENDPOINT_DOWN
from blueprint.analysis.facts import WorkloadFacts
from blueprint.analysis.figures import DEFAULT_FIGURES, Figures

GPU_STEP_PREFIX = "GPU capacity"


@dataclass
class DegradedServing:
    active: bool
    regions: list[str]
    from_s: Optional[float]
    until_s: Optional[float]
    source: str

    def to_json(self) -> dict[str, Any]:
        return {"active": self.active, "regions": self.regions,
                "from_s": None if self.from_s is None else round(self.from_s, 1),
                "until_s": None if self.until_s is None else round(self.until_s, 1), "source": self.source}


def degraded_serving(w: WorkloadFacts, alive: Callable[..., bool], lost_region: str, lost_zone: Optional[str],
                     gpu_now: Optional[float], gpu_after: Optional[float], estimate: Any = None,
                     figures: Figures = DEFAULT_FIGURES) -> Optional[DegradedServing]:
    """The scenario's degraded serving (module docstring); ``estimate``: the workload's region-loss
    Estimate (its GPU step ends the degraded period after losing the primary region)."""
    if not w.fallback_regions and not w.fallback_unrouted:
        return None
    if not w.fallback_regions:
        return DegradedServing(False, [], None, None, f"a fallback Deployment runs in {', '.join(w.fallback_unrouted)} but no "
                               "routing sends it requests: it never serves (docs/resilience.md, 'Degraded serving')")
    survivors = [r for r in w.fallback_regions if alive(r)]
    if not survivors:
        return DegradedServing(False, [], None, None, f"the fallback runs only in {lost_region}, which is lost")
    if w.fallback_trigger == GPU_ENDPOINT_DOWN and gpu_now is not None and gpu_now > 0.0:
        return DegradedServing(False, survivors, None, None, f"the fallback answers only while a region's GPU endpoint is "
                               f"unhealthy (its zero-weight record), and {gpu_now:g} % of the GPU capacity stays up and "
                               "healthy after the failure: requests go to those GPU pods, however loaded")
    if gpu_now is None or gpu_now >= 100.0:
        return DegradedServing(False, survivors, None, None, "GPU capacity right after the failure stays at 100 %: the fallback "
                               "takes only what exceeds it, as without a failure")
    detection, detection_source = _detection(w, lost_region, figures)
    until, until_source = _until(w, lost_zone, detection, gpu_after, estimate, figures, tuple(survivors))
    where = ", ".join(survivors)
    return DegradedServing(True, survivors, detection, until,
                           f"the fallback in {where} takes the requests the GPU pods left ({gpu_now:g} % of the GPU capacity "
                           f"right after the failure) from {detection_source}; {until_source}")


def _detection(w: WorkloadFacts, lost_region: str, figures: Figures) -> tuple[float, str]:
    probes = [p for p in (w.routing.probes if w.routing else ()) if p.region == lost_region]
    if not probes:
        return figures.declare_disaster.seconds, (f"declaring the disaster, {figures.declare_disaster.seconds:g} s (no health check "
                                                  f"of {lost_region} in the routing): {figures.declare_disaster.source}")
    p = max(probes, key=lambda p: p.interval_s * p.failure_threshold)
    latency = p.latency_s if p.latency_s is not None else figures.dns_checker_latency.seconds
    seconds = p.interval_s * p.failure_threshold + latency
    return seconds, f"the health check's verdict, {seconds:g} s ({p.interval_s:g} s x {p.failure_threshold} failures + {latency:g} s)"


def _until(w: WorkloadFacts, lost_zone: Optional[str], detection: float, gpu_after: Optional[float], estimate: Any,
           figures: Figures, survivors: tuple[str, ...] = ()) -> tuple[Optional[float], str]:
    if lost_zone is None:
        step = next((s for s in (estimate.breakdown if estimate is not None else ()) if s.step.startswith(GPU_STEP_PREFIX)), None)
        if step is None or step.starts_at_s is None:
            return None, "until the surviving region's GPU capacity is raised (no GPU scale-up step in the estimate)"
        end = max(detection, step.starts_at_s + step.seconds)
        shared = [r for r in survivors if r in w.fallback_shares_layer]
        if not shared:
            return end, f"until the estimate's step '{step.step}' ends, {end:g} s after the failure"
        return _until_promoted(w, shared, end, step.step, estimate, figures)
    if gpu_after is None or gpu_after < 100.0:
        return None, "until the zone returns (the surviving zones' GPU maxima cannot restore the capacity)"
    pools = [p for p in w.pools if p.gpu]
    starts = [p.start_s for p in pools if p.start_s is not None]
    node = max(starts) if starts else figures.gpu_node_start.seconds
    end = detection + node + figures.pod_start.seconds
    return end, (f"until the node autoscaler's new GPU nodes in the surviving zones serve, {end:g} s after the failure "
                 f"(node start {node:g} s + pod start {figures.pod_start.seconds:g} s)")


def _until_promoted(w: WorkloadFacts, shared: list[str], gpu_end: float, gpu_step: str, estimate: Any,
                    figures: Figures) -> tuple[Optional[float], str]:
    """The survivor's GPU backends are DEFAULT like its fallback's (a warm or pilot standby): one layer and
    region, filled "in proportion to their configured target capacity" (WATERFALL_BY_REGION,
    https://cloud.google.com/load-balancing/docs/service-lb-policy), so the fallback keeps a share until the
    GPU backends are made PREFERRED, and only then takes just what they cannot."""
    where = ", ".join(shared)
    if not w.fallback_promoted_by or w.orchestration is None:
        return None, (f"until {where}'s GPU backends are promoted to PREFERRED (`blueprint rebuild` makes the region serving): "
                      "until then its fallback backends share their DEFAULT layer and take requests in proportion to capacity, "
                      "even once the GPU pods are back")
    from blueprint.analysis.resilience import _Starts  # the orchestration's start, as the estimate places it

    detection = estimate.breakdown[0].seconds if estimate is not None and estimate.breakdown else 0.0
    start = _Starts(detection, w.orchestration, figures).auto_s
    promoted = start + figures.glb_standby_promotion.seconds
    end = max(gpu_end, promoted)
    return end, (f"until the estimate's step '{gpu_step}' ends ({gpu_end:g} s) and {w.fallback_promoted_by} has run "
                 f"({start:g} s) and reached the front ends ({figures.glb_standby_promotion.seconds:g} s: "
                 f"{figures.glb_standby_promotion.source}), {end:g} s after the failure: before that {where}'s fallback shares "
                 "the DEFAULT layer with its GPU backends")
