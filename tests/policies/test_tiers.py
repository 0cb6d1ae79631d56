"""The tier rules on both clouds: each passes on the shipped prod (AWS) and gcp-prod (GCP) plans and
fails, naming the broken resource, on a tampered copy of either."""

from __future__ import annotations

import re
from typing import Any

import pytest

from policy_helpers import ROOT, named, violations_of

TIER_RULES = ("tier-zones", "tier-second-region", "tier-vault-replication")


def urns(found: list[Any]) -> set[str]:
    return {v.urn for v in found}


@pytest.mark.parametrize("plan", ["prod_plan_data", "gcp_plan_data"])
@pytest.mark.parametrize("rule_id", TIER_RULES)
def test_tier_rule_passes_on_the_shipped_stack(request: pytest.FixtureRequest, plan: str, rule_id: str) -> None:
    assert violations_of(request.getfixturevalue(plan), rule_id=rule_id) == []


def test_tier_rules_name_no_resource_type() -> None:
    """The type knowledge lives in the per-cloud fact builders (blueprint/analysis/*_facts.py) only."""
    for module in ("tiers.py", "read_model.py"):
        text = (ROOT / "blueprint" / "policies" / module).read_text(encoding="utf-8")
        assert not re.search(r"\"(aws|gcp|kubernetes):[a-zA-Z0-9]+/", text), module


# ---- AWS -------------------------------------------------------------------------------------------

def _node_groups(data: dict[str, Any], workload: str, region: str) -> list[dict[str, Any]]:
    return [r for r in data["resources"] if r["type"] == "aws:eks/nodeGroup:NodeGroup" and r["workload"] == workload and r["region"] == region]


def test_aws_fails_mission_critical_in_two_zones(prod_data: dict[str, Any]) -> None:
    groups = _node_groups(prod_data, "fraud-scoring", "us-east-1")
    prod_data["resources"].remove(groups[-1])
    found = violations_of(prod_data, rule_id="tier-zones")
    assert len(found) == 1 and found[0].urn in {g["urn"] for g in groups} and "needs >= 3" in found[0].message


def test_aws_fails_database_writer_in_one_zone(prod_data: dict[str, Any]) -> None:
    prod_data["resources"].remove(named(prod_data, "research-notebooks-us-east-1-db-us-east-1b-instance-1"))
    found = violations_of(prod_data, rule_id="tier-zones")
    assert urns(found) == {named(prod_data, "research-notebooks-us-east-1-db-cluster")["urn"]}


def test_aws_fails_active_active_without_second_region(prod_data: dict[str, Any]) -> None:
    for group in _node_groups(prod_data, "fraud-scoring", "us-west-2"):
        prod_data["resources"].remove(group)
    found = violations_of(prod_data, rule_id="tier-second-region")
    assert len(found) == 1 and "only in us-east-1" in found[0].message


def test_aws_fails_active_active_at_reduced_capacity(prod_data: dict[str, Any]) -> None:
    for group in _node_groups(prod_data, "fraud-scoring", "us-west-2"):
        group["inputs"]["scalingConfig"]["minSize"] = 0
    found = violations_of(prod_data, rule_id="tier-second-region")
    assert len(found) == 1 and "full capacity" in found[0].message


def test_aws_fails_warm_standby_without_database_replica(prod_data: dict[str, Any]) -> None:
    prod_data["resources"].remove(named(prod_data, "recommendations-us-west-2-db-cluster"))
    found = violations_of(prod_data, rule_id="tier-second-region")
    assert urns(found) == {named(prod_data, "recommendations-us-east-1-db-cluster")["urn"]}


def test_aws_fails_backup_restore_without_cross_region_copy(prod_data: dict[str, Any]) -> None:
    named(prod_data, "research-notebooks-db-backup-plan")["inputs"]["rules"][0]["copyActions"] = []
    vault = named(prod_data, "research-notebooks-us-east-1-recovery-vault-vault")
    assert urns(violations_of(prod_data, rule_id="tier-second-region")) == {vault["urn"]}


def test_aws_fails_vault_replication_disabled(prod_data: dict[str, Any]) -> None:
    named(prod_data, "batch-embeddings-vault-replication-replication")["inputs"]["rules"][0]["status"] = "Disabled"
    bucket = named(prod_data, "batch-embeddings-us-east-1-vault-bucket")
    assert urns(violations_of(prod_data, rule_id="tier-vault-replication")) == {bucket["urn"]}


def test_aws_fails_vault_without_replication(prod_data: dict[str, Any]) -> None:
    prod_data["resources"].remove(named(prod_data, "batch-embeddings-vault-replication-replication"))
    bucket = named(prod_data, "batch-embeddings-us-east-1-vault-bucket")
    assert urns(violations_of(prod_data, rule_id="tier-vault-replication")) == {bucket["urn"]}


def test_aws_fails_replication_into_a_vault_locked_below_the_tier(prod_data: dict[str, Any]) -> None:
    """Mission-critical copies must land under COMPLIANCE lock, not a GOVERNANCE one an admin can lift."""
    lock = named(prod_data, "fraud-scoring-us-west-2-vault-object-lock")
    lock["inputs"]["rule"]["defaultRetention"]["mode"] = "GOVERNANCE"
    found = violations_of(prod_data, rule_id="tier-vault-replication")
    assert urns(found) == {named(prod_data, "fraud-scoring-us-east-1-vault-bucket")["urn"]}
    assert "COMPLIANCE" in found[0].message and "GOVERNANCE" in found[0].message


# ---- GCP -------------------------------------------------------------------------------------------

def test_gcp_fails_node_pool_in_one_zone(gcp_data: dict[str, Any]) -> None:
    pool = named(gcp_data, "fraud-scoring-europe-west4-gpu-on-demand")
    pool["inputs"]["nodeLocations"] = ["europe-west4-a"]
    found = violations_of(gcp_data, rule_id="tier-zones")
    assert urns(found) == {pool["urn"]} and "1 zone(s) of europe-west4" in found[0].message and "needs >= 3" in found[0].message


def test_gcp_fails_zonal_cluster(gcp_data: dict[str, Any]) -> None:
    cluster = named(gcp_data, "prod-europe-west4-gke-cluster")
    cluster["inputs"].update(location="europe-west4-a", nodeLocations=[])
    found = violations_of(gcp_data, rule_id="tier-zones")
    assert urns(found) == {cluster["urn"]} and "zonal" in found[0].message


def test_gcp_fails_zonal_cloud_sql_writer(gcp_data: dict[str, Any]) -> None:
    writer = named(gcp_data, "fraud-scoring-europe-west4-db-instance")
    writer["inputs"]["settings"]["availabilityType"] = "ZONAL"
    assert urns(violations_of(gcp_data, rule_id="tier-zones")) == {writer["urn"]}


def test_gcp_fails_without_second_region(gcp_data: dict[str, Any]) -> None:
    gcp_data["resources"] = [r for r in gcp_data["resources"] if r["region"] != "europe-west1"]
    found = violations_of(gcp_data, rule_id="tier-second-region")
    messages = " | ".join(v.message for v in found)
    for fragment in ("needs a cluster in a second region", "node pools only in europe-west4", "database replica",
                     "serves from europe-west4 only"):
        assert fragment in messages
    assert named(gcp_data, "fraud-scoring-europe-west4-db-instance")["urn"] in urns(found)


def test_gcp_fails_active_active_at_reduced_capacity(gcp_data: dict[str, Any]) -> None:
    pool = named(gcp_data, "fraud-scoring-europe-west1-gpu-on-demand")
    pool["inputs"]["autoscaling"]["minNodeCount"] = 0
    found = violations_of(gcp_data, rule_id="tier-second-region")
    assert urns(found) == {pool["urn"]} and "full capacity" in found[0].message


def _relabel(value: Any, labels: dict[str, str]) -> None:
    """Every label map (labels, resourceLabels, userLabels) of a resource's inputs, relabelled."""
    if isinstance(value, dict):
        for key in list(value):
            if key in labels and isinstance(value[key], str):
                value[key] = labels[key]
            else:
                _relabel(value[key], labels)
    elif isinstance(value, list):
        for item in value:
            _relabel(item, labels)


def test_gcp_backup_restore_needs_backups_outside_the_region(gcp_data: dict[str, Any]) -> None:
    for r in gcp_data["resources"]:
        if r["workload"] == "fraud-scoring":
            _relabel(r["inputs"], {"blueprint-tier": "best-effort", "blueprint-strategy": "backup-restore"})
    assert violations_of(gcp_data, rule_id="tier-second-region") == []  # backups kept in the EU multi-region
    writer = named(gcp_data, "fraud-scoring-europe-west4-db-instance")
    writer["inputs"]["settings"]["backupConfiguration"]["location"] = "europe-west4"
    found = violations_of(gcp_data, rule_id="tier-second-region")
    assert urns(found) == {writer["urn"]} and "copies no database backups out of europe-west4" in found[0].message


def test_gcp_fails_unlocked_vault_for_a_compliance_tier(gcp_data: dict[str, Any]) -> None:
    bucket = named(gcp_data, "fraud-scoring-vault-bucket")
    bucket["inputs"]["retentionPolicy"]["isLocked"] = False
    found = violations_of(gcp_data, rule_id="tier-vault-replication")
    assert urns(found) == {bucket["urn"]} and "COMPLIANCE" in found[0].message


def test_gcp_fails_vault_in_one_region(gcp_data: dict[str, Any]) -> None:
    bucket = named(gcp_data, "fraud-scoring-vault-bucket")
    bucket["inputs"].pop("customPlacementConfig")
    bucket["inputs"]["location"] = "EUROPE-WEST4"
    found = violations_of(gcp_data, rule_id="tier-vault-replication")
    assert urns(found) == {bucket["urn"]} and "not replicated" in found[0].message


def test_gcp_standard_tier_accepts_an_unlocked_retention_policy(gcp_plan_data: dict[str, Any]) -> None:
    """Standard is a governance tier: its vault's retention policy may stay unlocked (as shipped)."""
    assert named(gcp_plan_data, "batch-embeddings-vault-bucket")["inputs"]["retentionPolicy"]["isLocked"] is False
    assert violations_of(gcp_plan_data, rule_id="tier-vault-replication") == []


def test_docs_state_each_tier_rule_per_cloud() -> None:
    text = (ROOT / "docs" / "policies.md").read_text(encoding="utf-8")
    section = text.split("## Tier rules on AWS and GCP", 1)[1].split("\n## ", 1)[0]
    for rule_id in TIER_RULES:
        row = next(line for line in section.splitlines() if line.startswith(f"| `{rule_id}`"))
        assert row.count("|") >= 4, row  # | rule | AWS | GCP |
