"""Fixtures of the diagram tests: each shipped stack planned once per session (tests that render
several stacks and scenarios share it), and the CLI in-process."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Callable

import pytest

from blueprint.plan.model import Plan

from diagram_helpers import plan_json


@pytest.fixture(scope="session")
def shipped() -> Callable[[str], Plan]:
    """``shipped("prod")``: a fresh copy of the shipped stack's plan."""
    return lambda stack: Plan.from_json(copy.deepcopy(plan_json(stack)))


@pytest.fixture(scope="session")
def saved_plan(tmp_path_factory) -> Callable[[str], Path]:
    """``saved_plan("prod")``: the plan saved as `blueprint plan --format json` writes it, for --plan."""
    import json

    folder = tmp_path_factory.mktemp("diagram-plans")

    def get(stack: str) -> Path:
        path = folder / f"{stack}.json"
        if not path.exists():
            path.write_text(json.dumps(plan_json(stack)), encoding="utf-8")
        return path

    return get
