"""The longest legal stacks (tests/data/long-names: a 20-character environment, 31-character
workload names of every tier with gpu/service/database/queue, the longest region names that offer
the GPUs, on both clouds) plan with every physical name legal, and every planned type that has a
physical name is in its cloud's limit table (a new type fails here until it is classified)."""

from __future__ import annotations

import copy
import re
from collections import Counter
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from blueprint.plan.model import Plan
from blueprint.readiness.names import NAME_RULES, check, has_no_name, physical_name

from readiness_helpers import ROOT, SHIPPED_STACKS

LONG_DIR = ROOT / "tests" / "data" / "long-names"
LONG_STACKS = sorted(p.name[len("Pulumi."):-len(".yaml")] for p in LONG_DIR.glob("Pulumi.*.yaml"))
_PLANS: dict[str, dict[str, Any]] = {}


@pytest.fixture(scope="session")
def long_plan() -> Callable[[str], Plan]:
    from blueprint.plan.run import plan_stack
    from blueprint.project import resolve_stack

    def get(stack: str) -> Plan:
        if stack not in _PLANS:
            _PLANS[stack] = plan_stack(ROOT, resolve_stack(ROOT, None, LONG_DIR / f"Pulumi.{stack}.yaml")).to_json()
        return Plan.from_json(copy.deepcopy(_PLANS[stack]))

    return get


def _config(stack: str) -> dict[str, Any]:
    return yaml.safe_load((LONG_DIR / f"Pulumi.{stack}.yaml").read_text(encoding="utf-8"))["config"]


def test_long_stacks_cover_both_clouds() -> None:
    assert {_config(s)["blueprint:cloud"] for s in LONG_STACKS} == {"aws", "gcp"}


@pytest.mark.parametrize("stack", LONG_STACKS)
def test_long_stack_uses_the_longest_legal_names(stack: str) -> None:
    config = _config(stack)
    assert re.fullmatch(r"[a-z0-9-]{20}", config["blueprint:environment"])
    workloads = config["blueprint:workloads"]
    assert all(re.fullmatch(r"[a-z][a-z0-9-]{30}", w["name"]) for w in workloads)
    assert {w["tier"] for w in workloads} == {"mission-critical", "business-critical", "standard", "best-effort"}
    assert all({"service", "database", "queue"} <= set(w) for w in workloads)
    if stack != "long-gcp-ca":  # no GPU is offered in northamerica-northeast1/2
        assert all("gpu" in w for w in workloads)


@pytest.mark.parametrize("stack", LONG_STACKS)
def test_long_stack_plans_with_every_physical_name_legal(stack: str, long_plan: Callable[[str], Plan]) -> None:
    problems = list(check(long_plan(stack)))
    assert problems == [], "\n".join(p.message for p in problems)


@pytest.mark.parametrize("stack", LONG_STACKS)
def test_long_stack_names_do_not_collide(stack: str, long_plan: Callable[[str], Plan]) -> None:
    """Shortened names keep a hash of the full name: two resources of one type never share an
    explicit name within one provider (region / cluster), zone and namespace."""
    plan = long_plan(stack)
    seen: Counter = Counter()
    for r in plan.resources:
        rule = NAME_RULES.get(r.type)
        found = physical_name(r, rule) if rule and r.custom else None
        if found and found[1].endswith("as set"):
            namespace = (r.inputs.get("metadata") or {}).get("namespace") if isinstance(r.inputs.get("metadata"), dict) else None
            # DNS records of one name differ by record type and failover set identifier.
            record = (r.inputs.get("type"), r.inputs.get("setIdentifier")) if r.type == "aws:route53/record:Record" else None
            seen[(r.type, r.provider, r.region, r.zone, namespace, record, found[0])] += 1
    assert [key for key, count in seen.items() if count > 1] == []


@pytest.mark.parametrize("stack", SHIPPED_STACKS + LONG_STACKS)
def test_every_planned_type_is_classified(stack: str, long_plan: Callable[[str], Plan], shipped_plan: Callable[[str], Plan]) -> None:
    plan = long_plan(stack) if stack in LONG_STACKS else shipped_plan(stack)
    unclassified = sorted({r.type for r in plan.resources if r.custom and r.type not in NAME_RULES and not has_no_name(r.type)})
    assert unclassified == [], (
        f"{stack}: add these types to blueprint/readiness/name_limits_<cloud>.py (with the name limit and its source) "
        f"or to the cloud's *_NO_NAME set: {unclassified}")
