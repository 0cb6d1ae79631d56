"""The tier rules' read model (blueprint/policies/read_model.py): built once per context, the same from
a plan (blueprint check) and from proposed resources (CrossGuard), silent on values not known yet;
and the facts it adds for them (vault locks, copy ends, clusters) on both clouds."""

from __future__ import annotations

from typing import Any

import pytest

from blueprint.analysis.facts import Cluster
from blueprint.plan.model import Plan
from blueprint.plan.placement import own_workload
from blueprint.policies import RULES_BY_ID, UNKNOWN, Context, Resource, run_rules
from blueprint.policies.read_model import facts_of, plan_of

from policy_helpers import named

TIER_RULES = [RULES_BY_ID[i] for i in ("tier-zones", "tier-second-region", "tier-vault-replication")]


def _crossguard_context(data: dict[str, Any]) -> Context:
    """As blueprint/policies/crossguard.py builds one: resources only, no plan, each resource's workload
    from its own tags or labels (a replication config, a node pool's children carry none)."""
    resources = [Resource.from_planned(r) for r in data["resources"]]
    for r in resources:
        r.workload = own_workload(r.props)
    return Context(resources, data["residency"], data["cloud"], data["stack"])


def test_facts_are_built_once_per_context(gcp_plan_data: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    import blueprint.analysis.report as report

    calls = []
    real = report.extract_facts
    monkeypatch.setattr(report, "extract_facts", lambda plan: calls.append(plan) or real(plan))
    ctx = Context.from_plan(Plan.from_json(gcp_plan_data))
    run_rules(ctx, TIER_RULES)
    assert len(calls) == 1 and calls[0] is ctx.plan  # the plan itself, not a re-parse


def test_crossguard_context_reads_the_same_facts(gcp_data: dict[str, Any]) -> None:
    pool = named(gcp_data, "fraud-scoring-europe-west4-gpu-on-demand")
    pool["inputs"]["nodeLocations"] = ["europe-west4-a"]
    ctx = _crossguard_context(gcp_data)
    assert ctx.plan is None and len(plan_of(ctx).resources) == len(gcp_data["resources"])
    found = run_rules(ctx, TIER_RULES)
    assert [v.urn for v in found] == [pool["urn"]]


def test_crossguard_context_places_untagged_resources_in_their_workload(prod_data: dict[str, Any]) -> None:
    """An S3 replication configuration has no tags: its workload comes from its component, as the plan
    engine places it, so the AWS vault replication is seen under CrossGuard too."""
    replication = named(prod_data, "batch-embeddings-vault-replication-replication")
    assert own_workload(replication["inputs"]) is None
    assert run_rules(_crossguard_context(prod_data), TIER_RULES) == []
    replication["inputs"]["rules"][0]["status"] = "Disabled"
    found = run_rules(_crossguard_context(prod_data), TIER_RULES)
    assert [v.urn for v in found] == [named(prod_data, "batch-embeddings-us-east-1-vault-bucket")["urn"]]


def test_unknown_values_are_not_judged(gcp_data: dict[str, Any]) -> None:
    """pulumi preview: a workload with a value not known yet is left to pulumi up."""
    pool = named(gcp_data, "fraud-scoring-europe-west4-gpu-on-demand")
    pool["inputs"]["nodeLocations"] = ["europe-west4-a"]
    ctx = _crossguard_context(gcp_data)
    bucket = next(r for r in ctx.resources if r.name == "fraud-scoring-vault-bucket")
    bucket.props["selfLink"] = UNKNOWN
    assert run_rules(ctx, TIER_RULES) == []


def test_vault_locks_and_copy_ends(prod_plan_data: dict[str, Any], gcp_plan_data: dict[str, Any]) -> None:
    aws = {w.name: w for w in facts_of(Context.from_plan(Plan.from_json(prod_plan_data))).workloads}
    # (The recovery-data kinds, images / artifacts / secrets, are asserted in tests/test_recovery_data.py.)
    locks = {(v.kind, v.region): v.lock for v in aws["fraud-scoring"].vaults if v.kind in ("objects", "recovery-points")}
    assert locks == {("objects", "us-east-1"): "COMPLIANCE", ("objects", "us-west-2"): "COMPLIANCE",
                     ("recovery-points", "us-east-1"): "COMPLIANCE", ("recovery-points", "us-west-2"): "COMPLIANCE"}
    assert {v.lock for v in aws["batch-embeddings"].vaults if v.kind != "images"} == {"GOVERNANCE"}
    replication = next(c for c in aws["fraud-scoring"].copies if c.kind == "objects")
    assert replication.source_urn == named(prod_plan_data, "fraud-scoring-us-east-1-vault-bucket")["urn"]
    assert replication.dest_urn == named(prod_plan_data, "fraud-scoring-us-west-2-vault-bucket")["urn"]
    gcp = {w.name: w for w in facts_of(Context.from_plan(Plan.from_json(gcp_plan_data))).workloads}
    assert {v.lock for v in gcp["fraud-scoring"].vaults if v.kind == "objects"} == {"COMPLIANCE"}
    assert {v.lock for v in gcp["batch-embeddings"].vaults if v.kind != "images"} == {"GOVERNANCE"}  # isLocked false: governance tier


def test_clusters_on_both_clouds(prod_plan_data: dict[str, Any], gcp_plan_data: dict[str, Any]) -> None:
    aws = facts_of(Context.from_plan(Plan.from_json(prod_plan_data))).clusters
    assert {(c.region, len(c.zones), c.regional) for c in aws} == {("us-east-1", 3, True), ("us-west-2", 3, True)}
    gcp = facts_of(Context.from_plan(Plan.from_json(gcp_plan_data))).clusters
    assert sorted(gcp, key=lambda c: c.region)[0] == Cluster(
        named(gcp_plan_data, "prod-europe-west1-gke-cluster")["urn"], "europe-west1",
        ("europe-west1-b", "europe-west1-c", "europe-west1-d"), regional=True)
