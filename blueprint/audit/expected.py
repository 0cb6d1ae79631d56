"""What the plan says a live AWS account must hold, for the audit.

Physical names in a plan are the mocks' auto-names (random-looking suffixes a real account will not
have), so everything here is keyed by what a real account shares with the plan: the ``Name`` tag
that every taggable child carries (its logical name, see blueprint/components/aws/_tags.py) and the
``blueprint:workload`` tag, plus the identifiers the components set explicitly (Aurora global
cluster identifiers, AWS Backup vault names). Mock physical names are only used *inside* the plan
to connect resources (a replication rule to its destination bucket).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from blueprint.analysis.facts import (
    BackupSchedule, BalancerRecord, GlobalDatabase, Inventory, PlanFacts, ProbeRecord, VaultRecord,
)
from blueprint.analysis.report import extract_facts
from blueprint.plan.model import Plan

# The audit reads the plan only through the read model (blueprint/analysis/facts.py, issue 14):
# its records are the read model's, under the names the audit has always used.
Vault = VaultRecord
GlobalDb = GlobalDatabase
HealthCheck = ProbeRecord
Balancer = BalancerRecord
BackupPlan = BackupSchedule


@dataclass
class Expected:
    vaults: list[Vault] = field(default_factory=list)
    global_dbs: list[GlobalDb] = field(default_factory=list)
    health_checks: list[HealthCheck] = field(default_factory=list)
    balancers: list[Balancer] = field(default_factory=list)
    backup_plans: list[BackupPlan] = field(default_factory=list)


def expected_from_inventory(inventory: Inventory) -> Expected:
    return Expected(list(inventory.vaults), list(inventory.global_databases), list(inventory.probes),
                    list(inventory.balancers), list(inventory.backup_schedules))


def expected_from_facts(facts: PlanFacts) -> Expected:
    return expected_from_inventory(facts.inventory)


def expected_from_plan(plan: Plan) -> Expected:
    return expected_from_facts(extract_facts(plan))
