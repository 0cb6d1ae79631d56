"""Fixtures of the policy tests: the prod plan, and fresh copies of it to tamper with."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from policy_helpers import plan_json


@pytest.fixture(scope="session")
def prod_plan_data() -> dict[str, Any]:
    return json.loads(plan_json("prod"))


@pytest.fixture
def prod_data(prod_plan_data: dict[str, Any]) -> dict[str, Any]:
    """A fresh deep copy of the prod plan JSON, to tamper with."""
    return copy.deepcopy(prod_plan_data)
