"""Shared by the diagram tests (a module of its own name: every test folder has a conftest.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted(p.name[len("Pulumi."):-len(".yaml")] for p in (ROOT / "stacks").glob("Pulumi.*.yaml"))
_PLANS: dict[str, dict[str, Any]] = {}


def plan_json(stack: str) -> dict[str, Any]:
    """The shipped stack's plan JSON, planned once per session."""
    from blueprint.plan.run import plan_stack
    from blueprint.project import resolve_stack

    if stack not in _PLANS:
        _PLANS[stack] = plan_stack(ROOT, resolve_stack(ROOT, stack, None)).to_json()
    return _PLANS[stack]
