"""Shared fixture of the deploy-readiness tests: each shipped stack planned once per session
(hand-made plans: readiness_helpers.py)."""

from __future__ import annotations

import copy
from typing import Any, Callable

import pytest

from blueprint.plan.model import Plan

from readiness_helpers import ROOT

_PLANS: dict[str, dict[str, Any]] = {}


@pytest.fixture(scope="session")
def shipped_plan() -> Callable[[str], Plan]:
    """``shipped_plan("prod")``: a fresh copy of the shipped stack's plan (planned once per session),
    safe to tamper with."""
    from blueprint.plan.run import plan_stack
    from blueprint.project import resolve_stack

    def get(stack: str) -> Plan:
        if stack not in _PLANS:
            _PLANS[stack] = plan_stack(ROOT, resolve_stack(ROOT, stack, None)).to_json()
        return Plan.from_json(copy.deepcopy(_PLANS[stack]))

    return get

