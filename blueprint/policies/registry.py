"""Every rule, by id; running them on a context."""

from __future__ import annotations

from typing import Iterable, Optional

from blueprint.policies import encryption, exposure, gcp_failover_probe, immutability, orchestration, residency, tiers, transit
from blueprint.policies import recovery_data
from blueprint.policies import recovery_stack
from blueprint.policies import intent
from blueprint.policies import network, pod_security, protection, public_access
from blueprint.policies.model import Context, Rule, Violation

RULES: tuple[Rule, ...] = (
    *residency.RULES, *encryption.RULES, *transit.RULES, *immutability.RULES, *tiers.RULES, *exposure.RULES,
    *orchestration.RULES, *gcp_failover_probe.RULES, *recovery_data.RULES,
    *recovery_stack.RULES, *intent.RULES,
    *network.RULES, *public_access.RULES, *protection.RULES, *pod_security.RULES,
)
RULES_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}
assert len(RULES_BY_ID) == len(RULES), "rule ids must be unique"


def rule(rule_id: str) -> Rule:
    return RULES_BY_ID[rule_id]


def run_rules(ctx: Context, rules: Optional[Iterable[Rule]] = None) -> list[Violation]:
    """All violations of ``rules`` (default: every rule) on ``ctx``, in rule order."""
    found: list[Violation] = []
    for r in rules if rules is not None else RULES:
        found.extend(r.evaluate(ctx))
    return found
