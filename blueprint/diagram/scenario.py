"""``--scenario zone-loss:<zone>`` or ``region-loss:<region>``: checked against the plan's regions and
zones (the ones the resilience analysis builds its scenarios from, blueprint/analysis/resilience.py)."""

from __future__ import annotations

from blueprint.analysis.facts import PlanFacts
from blueprint.diagram.model import Failure, ScenarioError

__all__ = ["KINDS", "ScenarioError", "parse_failure"]

KINDS = ("zone-loss", "region-loss")


def parse_failure(text: str, facts: PlanFacts) -> Failure:
    """The failure a ``--scenario`` value names; ScenarioError naming the value and what is allowed."""
    kind, sep, target = text.partition(":")
    if not sep or kind not in KINDS or not target:
        raise ScenarioError(f"expected zone-loss:<zone> or region-loss:<region>, e.g. region-loss:{facts.primary_region}")
    if kind == "region-loss":
        if target not in facts.regions:
            raise ScenarioError(f"region {target!r} is not a region of stack {facts.stack} (allowed: {', '.join(facts.regions)})")
        return Failure(text, target, None)
    for region in facts.regions:
        if target in facts.zones.get(region, ()):
            return Failure(text, region, target)
    zones = [z for r in facts.regions for z in facts.zones.get(r, ())]
    raise ScenarioError(f"zone {target!r} is not a zone of stack {facts.stack} (allowed: {', '.join(zones) or 'none'})")
