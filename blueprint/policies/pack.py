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
    def evaluate(plan: Any, jurisdiction: str) -> list[Violation]:
        return run_rules(Context.from_plan(plan, jurisdiction))


PACK = _Pack()
