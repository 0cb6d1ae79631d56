"""Fixtures of the policy tests: the prod and gcp-prod plans (each planned once per session), and fresh
copies of them to tamper with."""

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


@pytest.fixture(scope="session")
def gcp_plan_data() -> dict[str, Any]:
    return json.loads(plan_json("gcp-prod"))


@pytest.fixture
def gcp_data(gcp_plan_data: dict[str, Any]) -> dict[str, Any]:
    """A fresh deep copy of the gcp-prod plan JSON, to tamper with."""
    return copy.deepcopy(gcp_plan_data)
