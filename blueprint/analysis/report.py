"""`blueprint resilience`: the report (JSON per DESIGN.md, and rich text)."""

from __future__ import annotations

import math
from typing import Any, Mapping, Optional

from rich.console import Console
from rich.table import Table

from blueprint.analysis.facts import PlanFacts
from blueprint.analysis.figures import DEFAULT_FIGURES, Figures
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


def analyse(plan: Plan, targets: Optional[Targets] = None, figures: Figures = DEFAULT_FIGURES) -> dict[str, Any]:
    facts = extract_facts(plan, figures)
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
            "scenarios": [s.to_json() for s in scenarios(w, facts)],
            "write_paths": [p.to_json() for p in write_paths(w)],
            "write_path_problems": write_problems,
            "single_points_of_failure": [s.to_json() for s in own],
            "rebuild_estimate_s": _num(est.rebuild_s) if est.rebuild_s else None,
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
    }


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


def _dur(seconds: Optional[float]) -> str:
    if seconds is None:
        return "unbounded"
    if seconds < 120:
        return f"{seconds:g} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def render_text(report: Mapping[str, Any], console: Console) -> None:
    table = Table(title=f"blueprint resilience: stack {report['stack']} (primary {report['primary_region']}, "
                        f"secondary {report['secondary_region'] or 'none'})")
    for col in ("workload", "tier", "strategy", "RTO est. / target", "RPO est. / target", "meets"):
        table.add_column(col)
    for w in report["workloads"]:
        table.add_row(w["name"], w["tier"], w["strategy"], f"{_dur(w['rto_estimate_s'])} / {_dur(w['rto_target_s'])}",
                      f"{_dur(w['rpo_estimate_s'])} / {_dur(w['rpo_target_s'])}", "yes" if w["meets"] else "NO")
    console.print(table)
    for w in report["workloads"]:
        steps = Table(title=f"{w['name']}: region-loss breakdown (parallel steps run side by side after detection)")
        for col in ("step", "seconds", "parallel", "source"):
            steps.add_column(col, overflow="fold")
        for s in w["breakdown"]:
            steps.add_row(s["step"], f"{s['seconds']:g}", "yes" if s["parallel"] else "", s["source"])
        steps.add_row("RPO", str(w["rpo_estimate_s"]), "", w["rpo_source"])
        console.print(steps)
        for p in w.get("write_paths", []):
            to = f" to {p['to_region']}" if p["path"] in ("forwarded", "remote") else ""
            console.print(f"writes in {p['region']}: {p['path']}{to} ({p['detail']})", soft_wrap=True)
        for problem in w.get("write_path_problems", []):
            console.print(f"WRITE PATH MISSING: {problem}", soft_wrap=True)
        sc = Table(title=f"{w['name']}: failure scenarios")
        for col in ("scenario", "serving", "GPU now", "GPU after scale-up", "DB writer", "backups intact", "recovery"):
            sc.add_column(col)
        for s in w["scenarios"]:
            sc.add_row(s["scenario"], "yes" if s["serving"] else "NO", _pct(s["gpu_capacity_pct"]),
                       _pct(s["gpu_capacity_after_scale_up_pct"]), s["db_writer"] or "-", "yes" if s["backups_intact"] else "no",
                       s["recovery"])
        console.print(sc)
    spofs = report["single_points_of_failure"]
    if spofs:
        t = Table(title="single points of failure")
        for col in ("forbidden", "kind", "workload", "urn", "why"):
            t.add_column(col, overflow="fold")
        for s in spofs:
            t.add_row("YES" if s["forbidden"] else "no (noted)", s["kind"], s["workload"] or "(platform)", s["urn"], s["message"])
        console.print(t)
    else:
        console.print("no single points of failure")
    console.print(f"rebuild estimate for {report['rebuild_region']} (pulumi up, critical path): {_dur(report['rebuild_estimate_s'])}")
    verdict = ("FAIL: a workload misses its target, cannot write in a region it serves, or has a forbidden single point of failure"
               if failed(report) else "OK: every workload meets its tier")
    console.print(verdict)


def _pct(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:g}%"
