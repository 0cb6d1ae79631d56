"""The intent rules (blueprint/policies/intent.py) and the stack file as the authority (issue 16): a passing
and a failing case per rule on each cloud, the tier rules judged by the configured tier, a null region,
and the intent's resolution (blueprint/check/intent.py)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from policy_helpers import ROOT, SHIPPED, plan_json
from blueprint.check.intent import StackIntent, resolve_intent
from blueprint.config.errors import ConfigError
from blueprint.plan.model import Plan
from blueprint.policies.pack import PACK
from tests.adversarial import tampered_intent as t

STACKS = {"aws": t.AWS_STACK, "gcp": t.GCP_STACK}


@pytest.fixture
def plans(prod_data: dict[str, Any], gcp_data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {"aws": prod_data, "gcp": gcp_data}


def _intent(cloud: str, plan: Plan) -> StackIntent:
    return resolve_intent(plan, None, STACKS[cloud], ROOT / "stacks" / f"Pulumi.{STACKS[cloud]}.yaml", ROOT)


def _found(data: dict[str, Any], cloud: str, policy: str, intent: Any = "stack") -> list[Any]:
    plan = Plan.from_json(data)
    intent = _intent(cloud, plan) if intent == "stack" else intent
    jurisdiction = intent.residency if intent is not None else plan.residency
    return [v for v in PACK.evaluate(plan, jurisdiction, intent=intent) if v.policy == policy]


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
@pytest.mark.parametrize("policy", ["intent-residency", "intent-tier", "intent-presence", "intent-unverified",
                                    "residency-region", "tier-second-region"])
def test_shipped_plan_passes_against_its_stack_file(plans: dict[str, Any], cloud: str, policy: str) -> None:
    assert _found(plans[cloud], cloud, policy) == []


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_fails_plan_declaring_another_residency(plans: dict[str, Any], cloud: str) -> None:
    data = plans[cloud]
    wanted = data["residency"]
    t.residency_any(data)
    [violation] = _found(data, cloud, "intent-residency")
    assert "'any'" in violation.message and repr(wanted) in violation.message and violation.enforcement == "mandatory"
    # The stack file's jurisdiction is what the residency rules apply, whatever the plan declares.
    assert _intent(cloud, Plan.from_json(data)).residency == wanted


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_fails_null_region(plans: dict[str, Any], cloud: str) -> None:
    urn = t.null_region("fraud-scoring")(plans[cloud])
    found = _found(plans[cloud], cloud, "residency-region", intent=None)  # with or without the stack file
    assert [v.urn for v in found] == [urn] and "has no region" in found[0].message


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_fails_retagged_tier_naming_resource_and_both_tiers(plans: dict[str, Any], cloud: str) -> None:
    urn = t.retag_one("fraud-scoring")(plans[cloud])
    [violation] = _found(plans[cloud], cloud, "intent-tier")
    assert violation.urn == urn
    assert "'best-effort'" in violation.message and "'mission-critical'" in violation.message


@pytest.mark.parametrize("cloud,second", [("aws", t.AWS_SECOND), ("gcp", t.GCP_SECOND)])
def test_tier_rules_judge_the_configured_tier(plans: dict[str, Any], cloud: str, second: str) -> None:
    """Retagged best-effort and stripped of its second region: without the stack file the tags would let
    fraud-scoring pass tier-second-region; against it, it is judged mission-critical and fails."""
    data = plans[cloud]
    t.retag_all("fraud-scoring", "best-effort", "backup-restore")(data)
    data["resources"] = [r for r in data["resources"] if not (r.get("workload") == "fraud-scoring" and r["region"] == second)]
    assert not any("'fraud-scoring'" in v.message for v in _found(data, cloud, "tier-second-region", intent=None))
    assert any("'fraud-scoring' (mission-critical" in v.message for v in _found(data, cloud, "tier-second-region"))


@pytest.mark.parametrize("cloud,vault,replica,second", [
    ("aws", "fraud-scoring-us-east-1-vault", "fraud-scoring-us-west-2-db", t.AWS_SECOND),
    ("gcp", "fraud-scoring-vault", "fraud-scoring-europe-west1-db", t.GCP_SECOND),
])
def test_fails_missing_required_resources(plans: dict[str, Any], cloud: str, vault: str, replica: str, second: str) -> None:
    for tamper, fragment in ((t.remove_component(vault, ""), "lacks its locked object vault"),
                             (t.remove_component(replica, ""), f"lacks its database replica in {second}"),
                             (t.remove_region(second), f"region {second} lacks its cluster"),
                             (t.remove_workload("batch-embeddings"), "'batch-embeddings' (standard) is missing"),
                             (t.extra_workload("batch-embeddings"), "'shadow-miner' is in the plan but not")):
        data = copy.deepcopy(plans[cloud])
        tamper(data)
        messages = [v.message for v in _found(data, cloud, "intent-presence")]
        assert any(fragment in m for m in messages), (fragment, messages)


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_fails_unverified_intent(plans: dict[str, Any], cloud: str) -> None:
    unverified = StackIntent(None, plans[cloud]["residency"], None)
    [violation] = _found(plans[cloud], cloud, "intent-unverified", intent=unverified)
    assert violation.enforcement == "mandatory" and "--stack" in violation.message


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_without_intent_the_intent_rules_find_nothing(plans: dict[str, Any], cloud: str) -> None:
    """CrossGuard and older Python callers: the program read the config itself; nothing to cross-check."""
    t.residency_any(plans[cloud])
    t.remove_workload("batch-embeddings")(plans[cloud])
    for policy in ("intent-residency", "intent-presence", "intent-unverified"):
        assert _found(plans[cloud], cloud, policy, intent=None) == []


def test_resolve_intent_sources(prod_data: dict[str, Any], tmp_path: Path) -> None:
    plan = Plan.from_json(prod_data)
    found = resolve_intent(plan, None, None, None, ROOT)  # stacks/Pulumi.<plan's stack>.yaml
    assert found.verified and found.residency == "us" and found.config.primary_region == "us-east-1"
    assert resolve_intent(plan, "us", None, None, ROOT).verified  # the same jurisdiction: accepted
    with pytest.raises(ConfigError, match="refused"):
        resolve_intent(plan, "eu", None, None, ROOT)
    elsewhere = Plan.from_json({**prod_data, "stack": "elsewhere", "residency": "any"})
    with pytest.raises(ConfigError, match="--stack or --config"):
        resolve_intent(elsewhere, None, None, None, ROOT)  # the plan's own residency is never the source
    unverified = resolve_intent(elsewhere, "us", None, None, ROOT)
    assert not unverified.verified and unverified.residency == "us" and unverified.config is None
    with pytest.raises(ConfigError, match="unknown jurisdiction"):
        resolve_intent(elsewhere, "mars", None, None, ROOT)


def test_fails_pack_without_intent_parameter(prod_data: dict[str, Any]) -> None:
    """A third-party pack whose evaluate() takes no intent cannot verify the plan: never a silent pass."""
    from blueprint.check import _evaluate

    class OldPack:
        rules: list[Any] = []

        @staticmethod
        def evaluate(plan: Any, jurisdiction: str) -> list[Any]:
            return []

    plan = Plan.from_json(prod_data)
    assert _evaluate(OldPack(), plan, "us", None) == []
    [finding] = _evaluate(OldPack(), plan, "us", _intent("aws", plan))
    assert finding.policy == "intent-unverified" and finding.enforcement == "mandatory"


@pytest.mark.parametrize("stack", SHIPPED)
def test_every_shipped_stack_matches_its_stack_file(stack: str) -> None:
    """`blueprint check --stack S` runs the intent rules too: every shipped stack passes them."""
    import json

    data = json.loads(plan_json(stack))
    plan = Plan.from_json(data)
    intent = resolve_intent(plan, None, stack, ROOT / "stacks" / f"Pulumi.{stack}.yaml", ROOT)
    found = [v for v in PACK.evaluate(plan, intent.residency, intent=intent)
             if v.policy.startswith("intent-") or v.policy.startswith("tier-") or v.policy.startswith("residency-")]
    assert found == [], [(v.policy, v.message) for v in found]


def test_fails_retagged_vault_with_a_weaker_lock_judged_by_the_configured_tier(plans: dict[str, Any]) -> None:
    """A mission-critical workload retagged best-effort, its vault's Object Lock cut to 1 day GOVERNANCE:
    the immutability rule judges the vault by the stack file's tier, not the tags (issue 16)."""
    data = plans["aws"]
    t.retag_all("fraud-scoring")(data)
    for r in data["resources"]:
        rule = r["inputs"].get("rule") if r.get("workload") == "fraud-scoring" else None
        retention = rule.get("defaultRetention") if isinstance(rule, dict) else None
        if isinstance(retention, dict):
            retention.update({"mode": "GOVERNANCE", "days": 1})
    found = _found(data, "aws", "immutability-vault-object-lock")
    assert found and all("mission-critical" in v.message for v in found)
