"""Tampered plans that contradict their stack file (issue 16, "Policy bypasses"): the corpus.

Each case edits a real saved plan (``blueprint plan --stack S --format json``) of a shipped stack the way
someone hiding a weaker footprint would: declare ``residency: any``, null a resource's region, retag a
workload's tier, delete its vault, its database replica, the whole second region, a workload, or add a
workload the stack file lacks. tests/adversarial/test_tampered_intent.py checks each with
``blueprint check --plan F --stack S --skip-checkov`` and expects exit 1 with the returned needle (a URN
or a workload name) in the report.

``tamper(data)`` edits the plan JSON in place and returns the needle.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable

AWS_STACK, GCP_STACK = "prod", "gcp-prod"
# The stacks' regions and workloads (stacks/Pulumi.prod.yaml, stacks/Pulumi.gcp-prod.yaml).
AWS_SECOND, GCP_SECOND = "us-west-2", "europe-west1"
TIER_KEYS = ("blueprint:tier", "blueprint-tier")  # AWS tag, GCP label (blueprint/components/composition.py)
STRATEGY_KEYS = ("blueprint:strategy", "blueprint-strategy")


@dataclass(frozen=True)
class Case:
    id: str
    stack: str
    tamper: Callable[[dict[str, Any]], str]
    policy: str  # the rule expected to name the needle


def _resources(data: dict[str, Any]) -> list[dict[str, Any]]:
    return data["resources"]


def _component(data: dict[str, Any], name: str) -> dict[str, Any]:
    return next(r for r in _resources(data) if r["name"] == name and not r.get("custom", True))


def _drop(data: dict[str, Any], keep: Callable[[dict[str, Any]], bool]) -> None:
    """Delete the resources ``keep`` rejects, with what they parent or provide, and every reference to
    them: a consistent plan, as a careful tamperer leaves it (the saved-plan reader refuses dangling URNs)."""
    kept = [r for r in _resources(data) if keep(r)]
    stack_root = {r.get("parent") for r in _resources(data)} - {r["urn"] for r in _resources(data)}
    while True:
        urns = {r["urn"] for r in kept} | stack_root
        still = [r for r in kept if r.get("parent") in urns and (r.get("provider") is None or r["provider"] in urns)]
        if len(still) == len(kept):
            break
        kept = still
    urns = {r["urn"] for r in kept}
    for r in kept:
        r["dependencies"] = [d for d in r.get("dependencies") or [] if d in urns]
    data["resources"] = kept


def _drop_subtree(data: dict[str, Any], root_urn: str) -> None:
    """Delete a component and everything under it (what deleting it from the program would do)."""
    gone = {root_urn}
    changed = True
    while changed:
        changed = False
        for r in _resources(data):
            if r.get("parent") in gone and r["urn"] not in gone:
                gone.add(r["urn"])
                changed = True
    _drop(data, lambda r: r["urn"] not in gone)


def _retag(node: Any, value: str, keys: tuple[str, ...] = TIER_KEYS) -> int:
    """Set every tag/label ``keys`` under ``node`` to ``value`` (default: the tier); how many were set."""
    count = 0
    if isinstance(node, dict):
        for key, item in node.items():
            if key in keys and isinstance(item, str):
                node[key] = value
                count += 1
            else:
                count += _retag(item, value, keys)
    elif isinstance(node, list):
        count += sum(_retag(v, value, keys) for v in node)
    return count


# ---- the tamperings (cloud-neutral: they find resources by the names the composers give) ----------

def residency_any(data: dict[str, Any]) -> str:
    data["residency"] = "any"
    return "'any'"


def null_region(workload: str) -> Callable[[dict[str, Any]], str]:
    def tamper(data: dict[str, Any]) -> str:
        r = next(x for x in _resources(data) if x.get("custom", True) and x.get("workload") == workload
                 and x["region"] not in (None, "global") and "inputs" in x and "region" not in x["inputs"])
        r["region"] = None
        return r["urn"]
    return tamper


def retag_one(workload: str, tier: str = "best-effort") -> Callable[[dict[str, Any]], str]:
    def tamper(data: dict[str, Any]) -> str:
        r = next(x for x in _resources(data) if x.get("workload") == workload and _retag(json.loads(json.dumps(x["inputs"])), tier))
        _retag(r["inputs"], tier)
        return r["urn"]
    return tamper


def retag_all(workload: str, tier: str = "best-effort", strategy: str = "") -> Callable[[dict[str, Any]], str]:
    """Retag every resource of ``workload`` with ``tier`` (and ``strategy``, when given)."""
    def tamper(data: dict[str, Any]) -> str:
        if strategy:
            for r in _resources(data):
                if r.get("workload") == workload:
                    _retag(r["inputs"], strategy, STRATEGY_KEYS)
        urns = [r["urn"] for r in _resources(data) if r.get("workload") == workload and _retag(r["inputs"], tier)]
        assert len(urns) > 5, urns
        return urns[-1]
    return tamper


def remove_component(name: str, needle: str) -> Callable[[dict[str, Any]], str]:
    """Delete the component ``name`` (a vault, a database replica) and its children."""
    def tamper(data: dict[str, Any]) -> str:
        _drop_subtree(data, _component(data, name)["urn"])
        return needle
    return tamper


def remove_region(region: str) -> Callable[[dict[str, Any]], str]:
    def tamper(data: dict[str, Any]) -> str:
        _drop(data, lambda r: r.get("region") != region)
        return region
    return tamper


def remove_workload(workload: str) -> Callable[[dict[str, Any]], str]:
    def tamper(data: dict[str, Any]) -> str:
        _drop(data, lambda r: r.get("workload") != workload)
        return workload
    return tamper


def extra_workload(source: str, extra: str = "shadow-miner") -> Callable[[dict[str, Any]], str]:
    """Copy every resource of ``source`` as a workload the stack file does not have."""
    def tamper(data: dict[str, Any]) -> str:
        copies = [json.loads(json.dumps(r).replace(source, extra)) for r in _resources(data) if r.get("workload") == source]
        assert copies
        data["resources"].extend(copies)
        return extra
    return tamper


def _cases(stack: str, second: str, main: str, other: str, vault: str, replica: str) -> list[Case]:
    prefix = "aws" if stack == AWS_STACK else "gcp"
    return [
        Case(f"{prefix}-residency-any", stack, residency_any, "intent-residency"),
        Case(f"{prefix}-null-region", stack, null_region(main), "residency-region"),
        Case(f"{prefix}-retag-one", stack, retag_one(main), "intent-tier"),
        Case(f"{prefix}-retag-all", stack, retag_all(main), "intent-tier"),
        Case(f"{prefix}-retag-other-to-critical", stack, retag_all(other, "mission-critical"), "intent-tier"),
        Case(f"{prefix}-vault-removed", stack, remove_component(vault, main), "intent-presence"),
        Case(f"{prefix}-replica-removed", stack, remove_component(replica, main), "intent-presence"),
        Case(f"{prefix}-second-region-removed", stack, remove_region(second), "intent-presence"),
        Case(f"{prefix}-workload-removed", stack, remove_workload(other), "intent-presence"),
        Case(f"{prefix}-extra-workload", stack, extra_workload(other), "intent-presence"),
    ]


CASES: list[Case] = [
    # AWS prod: fraud-scoring is mission-critical (active-active), batch-embeddings standard.
    *_cases(AWS_STACK, AWS_SECOND, "fraud-scoring", "batch-embeddings",
            "fraud-scoring-us-east-1-vault", "fraud-scoring-us-west-2-db"),
    # GCP gcp-prod: fraud-scoring mission-critical with a Cloud SQL cross-region replica.
    *_cases(GCP_STACK, GCP_SECOND, "fraud-scoring", "batch-embeddings",
            "fraud-scoring-vault", "fraud-scoring-europe-west1-db"),
]
