"""Human-readable plan: resources grouped by region, workload and component, with counts."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.table import Table

from blueprint.plan.model import Plan


def rebuild_summary(plan: Plan) -> dict:
    """The rebuild estimate for the plan's summary: how long `pulumi up` of the second region
    takes (critical path over its resources, docs/resilience.md)."""
    from blueprint.analysis.graph import rebuild_estimate, rebuild_region

    region = rebuild_region(plan)
    seconds = rebuild_estimate(plan, region=region).seconds if region else 0.0
    return {"rebuild_estimate_s": int(round(seconds)), "rebuild_region": region}


def plan_json(plan: Plan) -> dict:
    """``plan.to_json()`` with the rebuild estimate in its summary."""
    data = plan.to_json()
    data["summary"].update(rebuild_summary(plan))
    return data


def _component(urn: str, by_urn: dict) -> str:
    """The innermost component a resource belongs to (itself, for components)."""
    resource = by_urn[urn]
    node = resource if not resource.custom else by_urn.get(resource.parent)
    if node is None:
        return "(stack)"
    kind = node.type.rsplit(":", 1)[-1]
    return f"{kind} {node.name}"


def render_table(plan: Plan, console: Console) -> None:
    by_urn = {r.urn: r for r in plan.resources}
    groups: Counter[tuple[str, str, str]] = Counter()
    for r in plan.resources:
        if not r.custom:
            continue
        groups[(r.region or "unknown", r.workload or "(platform)", _component(r.urn, by_urn))] += 1
    table = Table(title=f"blueprint plan: stack {plan.stack} ({plan.cloud})", show_lines=False)
    table.add_column("region")
    table.add_column("workload")
    table.add_column("component")
    table.add_column("resources", justify="right")
    previous_region = None
    for (region, workload, component), count in sorted(groups.items()):
        table.add_row(region if region != previous_region else "", workload, component, str(count))
        previous_region = region
    console.print(table)
    summary = plan.summary()
    per_region = ", ".join(f"{k}: {v}" for k, v in summary["by_region"].items())
    console.print(f"{summary['resources']} resources ({per_region})")
    rebuild = rebuild_summary(plan)
    if rebuild["rebuild_region"]:
        console.print(f"rebuild estimate: {rebuild['rebuild_estimate_s'] / 60:.1f} min to `pulumi up` {rebuild['rebuild_region']} "
                      f"(critical path; `blueprint resilience` for RTO/RPO)")
