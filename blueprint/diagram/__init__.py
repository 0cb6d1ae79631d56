"""`blueprint diagram`: a picture of the footprint (docs/diagram.md).

model.py reads the plan through the read model (PlanFacts) and the resilience scenarios; layout.py
places boxes, labels and arrows; render.py draws them as SVG with drawsvg; command.py is the CLI."""

from __future__ import annotations

from typing import Optional

from blueprint.plan.model import Plan


def draw(plan: Plan, scenario: Optional[str] = None) -> str:
    """The SVG of a plan, with the failure ``scenario`` (zone-loss:<zone> | region-loss:<region>) greyed out.
    ScenarioError (naming the value and what is allowed) for a scenario the plan has no region or zone for;
    ValueError for a plan of a cloud the read model has no facts for."""
    from blueprint.analysis import extract_facts
    from blueprint.diagram.layout import layout
    from blueprint.diagram.model import build
    from blueprint.diagram.render import legend_entries, render_svg
    from blueprint.diagram.scenario import parse_failure

    facts = extract_facts(plan)
    failure = parse_failure(scenario, facts) if scenario is not None else None
    return render_svg(layout(build(facts, failure), legend_entries()))
