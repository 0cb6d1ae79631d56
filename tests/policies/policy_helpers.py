"""Helpers shared by the policy tests: plans of the shipped stacks (each planned once per session)
and tampering with their JSON."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parents[2]  # policies is installed with the project: no path patch

SHIPPED = sorted(p.name[len("Pulumi."):-len(".yaml")] for p in (ROOT / "stacks").glob("Pulumi.*.yaml"))


@functools.lru_cache(maxsize=None)
def plan_json(stack: str) -> str:
    """``blueprint plan --stack STACK --format json`` as text (cached: each stack is planned once)."""
    from blueprint.plan.run import plan_stack
    from blueprint.project import resolve_stack

    plan = plan_stack(ROOT, resolve_stack(ROOT, stack, None))
    return json.dumps(plan.to_json())


def named(data: dict[str, Any], name: str) -> dict[str, Any]:
    return next(r for r in data["resources"] if r["name"] == name)


def violations_of(data: dict[str, Any], jurisdiction: Optional[str] = None, rule_id: Optional[str] = None) -> list[Any]:
    from blueprint.plan.model import Plan
    from blueprint.policies import RULES_BY_ID, Context, run_rules

    ctx = Context.from_plan(Plan.from_json(data), jurisdiction)
    return run_rules(ctx, [RULES_BY_ID[rule_id]] if rule_id else None)
