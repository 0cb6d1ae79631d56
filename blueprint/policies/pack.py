"""This project's policy pack as ``blueprint check`` loads it (blueprint.check.pack): registered in
pyproject.toml under the entry-point group ``blueprint.policy_packs`` as ``blueprint``."""

from __future__ import annotations

from typing import Any

from blueprint.policies.model import Context, Violation
from blueprint.policies.registry import RULES, run_rules


class _Pack:
    """Every rule of the registry, evaluated on a plan for a jurisdiction."""

    rules = RULES

    @staticmethod
    def evaluate(plan: Any, jurisdiction: str, intent: Any = None) -> list[Violation]:
        """``intent`` (blueprint.check.intent.StackIntent): what the stack file requires; the intent rules
        (blueprint/policies/intent.py) compare the plan with it and the tier rules use its tiers."""
        from blueprint.policies.read_model import attach_intent

        ctx = Context.from_plan(plan, jurisdiction)
        if intent is not None:
            attach_intent(ctx, intent)
        return run_rules(ctx)


PACK = _Pack()
