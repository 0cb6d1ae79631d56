"""The audit's expectations come from the read model's Inventory (blueprint/analysis/aws_inventory.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from blueprint.analysis import extract_facts
from blueprint.analysis.facts import BalancerRecord, GlobalDatabase, ProbeRecord, VaultRecord
from blueprint.audit import expected_from_plan
from blueprint.audit.expected import expected_from_facts
from blueprint.plan.run import plan_stack
from blueprint.project import StackRef

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def facts():
    return extract_facts(plan_stack(ROOT, StackRef("prod", ROOT / "stacks" / "Pulumi.prod.yaml")))


def test_expected_is_the_inventory(facts):
    expected = expected_from_facts(facts)
    inv = facts.inventory
    assert (expected.vaults, expected.global_dbs, expected.health_checks, expected.balancers, expected.backup_plans) == (
        inv.vaults, inv.global_databases, inv.probes, inv.balancers, inv.backup_schedules)


def test_inventory_reads_the_locked_replicated_vault(facts):
    vault = next(v for v in facts.inventory.vaults if v.name_tag == "fraud-scoring-us-east-1-vault-bucket")
    assert vault == VaultRecord("fraud-scoring-us-east-1-vault-bucket", "us-east-1", "fraud-scoring", "COMPLIANCE", 35,
                                ("fraud-scoring-us-west-2-vault-bucket", "us-west-2"))


def test_inventory_reads_global_database_probe_and_balancer(facts):
    inv = facts.inventory
    assert GlobalDatabase("prod-fraud-scoring", "fraud-scoring", "us-east-1", ("us-east-1", "us-west-2"),
                          "us-east-1") in inv.global_databases
    assert ProbeRecord("fraud-scoring-dns-us-east-1-health-check", "fraud-scoring", 10, 2, "/ready", "HTTPS") in inv.probes
    assert BalancerRecord("fraud-scoring-us-east-1-lb-alb", "us-east-1", "fraud-scoring",
                          ("us-east-1a", "us-east-1b", "us-east-1c")) in inv.balancers
    # calculated checks (no interval, threshold or path) are not probes the audit compares
    assert all(p.type != "CALCULATED" for p in inv.probes)


def test_inventory_backup_schedules_copy_across_regions(facts):
    schedule = next(s for s in facts.inventory.backup_schedules if s.name == "fraud-scoring-db-backup")
    assert (schedule.region, schedule.vault) == ("us-east-1", "fraud-scoring-us-east-1-recovery-vault")
    assert schedule.copy_to == (("us-west-2", "fraud-scoring-us-west-2-recovery-vault"),)


def test_gcp_plan_has_an_empty_inventory():
    plan = plan_stack(ROOT, StackRef("gcp-prod", ROOT / "stacks" / "Pulumi.gcp-prod.yaml"))
    expected = expected_from_plan(plan)
    assert not (expected.vaults or expected.global_dbs or expected.health_checks or expected.balancers or expected.backup_plans)
