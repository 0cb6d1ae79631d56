"""Policy rules as pure functions over planned resources (no Pulumi, no pulumi-policy imports).

``blueprint check`` runs them on a plan; ``policies/__main__.py`` wraps the same rules in a
CrossGuard pack. See docs/policies.md for the table of rules and the exemptions.
"""

from blueprint.policies.model import (
    ADVISORY, MANDATORY, UNKNOWN, Context, Resource, Rule, Violation, is_unknown,
)
from blueprint.policies.registry import RULES, RULES_BY_ID, rule, run_rules

__all__ = ["ADVISORY", "MANDATORY", "UNKNOWN", "Context", "Resource", "Rule", "Violation", "is_unknown",
           "RULES", "RULES_BY_ID", "rule", "run_rules"]
