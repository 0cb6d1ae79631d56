"""`blueprint resilience`: the report (JSON per DESIGN.md, and rich text)."""

from __future__ import annotations

import math
from typing import Any, Mapping, Optional

from rich.console import Console

from blueprint.analysis.facts import PlanFacts
from blueprint.analysis.figures import DEFAULT_FIGURES, Figures, with_overrides
from blueprint.analysis.measured import apply_steps
from blueprint.analysis.graph import rebuild_estimate
from blueprint.analysis.resilience import estimate, scenarios, single_points_of_failure, write_path_problems, write_paths
from blueprint.catalogs.tiers import Strategy, tier_spec
from blueprint.plan.model import Plan

Targets = Mapping[str, tuple[Optional[int], Optional[int]]]


def extract_facts(plan: Plan, figures: Figures = DEFAULT_FIGURES) -> PlanFacts:
    """The cloud module that reads this plan: aws_facts or gcp_facts."""
    cloud = (plan.cloud or "aws").lower()
    if cloud == "aws":
        from blueprint.analysis.aws_facts import extract

        return extract(plan, figures)
    if cloud == "gcp":
        from blueprint.analysis.gcp_facts import extract as extract_gcp

        return extract_gcp(plan, figures)
    raise ValueError(f"resilience analysis: no fact extractor for cloud {cloud!r} (supported: aws, gcp)")


def targets_from_config(config: Any) -> dict[str, tuple[Optional[int], Optional[int]]]:
    """Per-workload stricter targets (rtoSeconds/rpoSeconds) from a validated StackConfig."""
    return {w.name: (w.rto_seconds, w.rpo_seconds) for w in config.workloads}


def analyse(plan: Plan, targets: Optional[Targets] = None, figures: Figures = DEFAULT_FIGURES,
            drill: Optional[Mapping[str, Any]] = None) -> dict[str, Any]:
    """The report. ``drill``: a recorded drill (blueprint/drill/record.py, ``figures`` and ``steps`` it measured):
    the estimates use the measured values, and each step shows the modeled one next to it."""
    modeled_figures = figures
    if drill:
        figures = with_overrides(drill.get("figures") or {}, figures)
    facts = extract_facts(plan, figures)
    modeled_facts = extract_facts(plan, modeled_figures) if drill else facts
    spofs = single_points_of_failure(facts)
    rebuild = rebuild_estimate(plan, figures, facts.secondary_region or facts.primary_region)
    workloads = []
    for w in facts.workloads:
        spec = tier_spec(w.tier)
        rto_target, rpo_target = spec.rto_target_s, spec.rpo_target_s
        override = (targets or {}).get(w.name)
        if override:
            rto_target = override[0] if override[0] is not None else rto_target
            rpo_target = override[1] if override[1] is not None else rpo_target
        est = estimate(w, facts, plan, figures)
        measured_misses: list[str] = []
        if drill:
            apply_steps(est, drill.get("steps") or {})
            modeled = estimate(next(m for m in modeled_facts.workloads if m.name == w.name), modeled_facts, plan, modeled_figures)
            measured_misses = _compare(w.name, est, modeled, rto_target)
        own = [s for s in spofs if s.workload == w.name or (s.workload is None and s.forbidden and _runs_in(w, s.urn, plan))]
        forbidden = [s for s in own if s.forbidden]
        meets_rto = est.rto_s <= rto_target
        meets_rpo = est.rpo_s is not None and est.rpo_s <= rpo_target
        strategy = w.strategy or spec.default_strategy.value
        write_problems = write_path_problems(w, strategy)
        workloads.append({
            "name": w.name,
            "tier": w.tier,
            "strategy": strategy,
            "rto_target_s": rto_target,
            "rpo_target_s": rpo_target,
            "rto_estimate_s": _num(est.rto_s),
            "rpo_estimate_s": _num(est.rpo_s),
            "meets": meets_rto and meets_rpo and not forbidden and not write_problems,
            "meets_rto": meets_rto,
            "meets_rpo": meets_rpo,
            "breakdown": [s.to_json() for s in est.breakdown if s.step != "data loss window (RPO)"],
            "rpo_source": est.rpo_source,
            "scenarios": [s.to_json() for s in scenarios(w, facts, est, figures)],
            "write_paths": [p.to_json() for p in write_paths(w)],
            "write_path_problems": write_problems,
            "single_points_of_failure": [s.to_json() for s in own],
            "rebuild_estimate_s": _num(est.rebuild_s) if est.rebuild_s else None,
            "orchestration": _orchestration(w),
            "fallback": _fallback(w),
            **({"rto_modeled_s": _num(modeled.rto_s), "measured_misses": measured_misses} if drill else {}),
        })
    order = {s.value: s.rank for s in Strategy}
    workloads.sort(key=lambda x: (-order.get(x["strategy"], 0), x["name"]))
    return {
        "stack": plan.stack,
        "cloud": plan.cloud,
        "primary_region": facts.primary_region,
        "secondary_region": facts.secondary_region,
        "workloads": workloads,
        "single_points_of_failure": [s.to_json() for s in spofs],
        "rebuild_estimate_s": _num(rebuild.seconds),
        "rebuild_region": facts.secondary_region or facts.primary_region,
        "figures": {name: {"seconds": f.seconds, "source": f.source} for name, f in vars(figures).items()},
        "drill": _drill_summary(drill),
    }


def _compare(name: str, est, modeled, rto_target: float) -> list[str]:
    """Put each modeled value next to the measured one; name every measured step that ends after the target."""
    misses = []
    for step, before in zip(est.breakdown, modeled.breakdown):
        if step.step != before.step:
            continue
        if step.seconds != before.seconds or step.measured_s is not None:
            step.measured_s, step.modeled_s = step.seconds, before.seconds
            end = (step.starts_at_s or 0.0) + step.seconds if step.parallel else step.seconds
            # Named when the measurement is slower than the model and the step then ends beyond the target:
            # a faster measurement never causes a miss the plan already had.
            if end > rto_target and step.seconds > before.seconds:
                misses.append(f"{name}: the measured step '{step.step}' ({step.seconds:g} s, modeled {before.seconds:g} s) ends "
                              f"{end:g} s after the failure, beyond the RTO target of {rto_target:g} s")
    return misses


def _drill_summary(drill: Optional[Mapping[str, Any]]) -> Optional[dict[str, Any]]:
    if not drill:
        return None
    keys = ("scenario", "region", "zone", "date", "workload", "durations_s", "figures", "steps", "recorded_from")
    return {k: (str(drill[k]) if k == "date" else drill[k]) for k in keys if k in drill}


def _orchestration(w) -> dict[str, Any]:
    """The planned failover orchestration, or why there is none (a second region with nothing that runs its failover)."""
    o = w.orchestration
    if o is None:
        missing = bool(w.secondary_region) and bool(w.databases or w.pools or w.balancers)
        return {"present": False, "missing": missing,
                "message": (f"NO ORCHESTRATION: {w.name} has a second region ({w.secondary_region}) but nothing in the plan "
                            "executes its failover; every recovery step waits for a human") if missing else "no second region to fail over to"}
    return {"present": True, "missing": False, "urn": o.urn, "kind": o.kind, "approval": o.approval, "steps": dict(o.steps),
            "trigger_s": o.trigger_s, "trigger_source": o.trigger_source}


def _fallback(w) -> Optional[dict[str, Any]]:
    """The planned degraded mode (issue 18): where it runs and is routed, and where it runs unrouted; None without one."""
    if not w.fallback_regions and not w.fallback_unrouted:
        return None
    return {"regions": list(w.fallback_regions), "unrouted": list(w.fallback_unrouted), "source": w.fallback_source}


def failed(report: Mapping[str, Any]) -> bool:
    """Exit 1: a workload misses a target, serves a region it cannot write in (active-active), or has a
    single point of failure its tier forbids."""
    return any(not w["meets"] for w in report["workloads"]) or any(s["forbidden"] for s in report["single_points_of_failure"])


def _runs_in(w, urn: str, plan: Plan) -> bool:
    """A shared (platform) resource matters to a workload that runs in its region."""
    try:
        region = plan.by_urn(urn).region
    except KeyError:
        return False
    return bool(w.pools_in(region or "") or w.database_in(region or "") or any(b.region == region for b in w.balancers))


def _num(value: Optional[float]) -> Optional[float]:
    if value is None or (isinstance(value, float) and math.isinf(value)):
        return None
    return int(value) if float(value).is_integer() else round(value, 1)


def render_text(report: Mapping[str, Any], console: Console) -> None:
    """The report as text tables that fit ``console``'s width, resources by short name
    (blueprint/analysis/report_text.py); the JSON report keeps the URNs."""
    from blueprint.analysis.report_text import render

    render(report, console)
