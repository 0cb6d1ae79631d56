"""The registry: ids, levels, descriptions; importing the rules starts no pack."""

from __future__ import annotations

import subprocess
import sys

import pytest

from policy_helpers import ROOT
from blueprint.policies import RULES, RULES_BY_ID, Rule
from blueprint.policies.model import UNKNOWN, Resource, Context

EXPECTED = {
    "residency-region", "residency-data-copies", "encryption-at-rest-cmk", "encryption-s3-default", "kms-key-rotation",
    "tls-listener", "tls-s3-bucket-policy", "tls-database", "tls-cloudsql", "tls-gcp-ssl-policy",
    "immutability-vault-object-lock", "immutability-backup-vault-lock", "tier-zones", "tier-second-region",
    "tier-vault-replication", "api-endpoint-deployer-cidrs", "api-endpoint-placeholder-cidrs",
    "orchestration-present", "orchestration-present-advisory", "gcp-failover-probe",
    "recovery-data-replicated", "recovery-data-replicated-advisory", "standby-queue", "audit-trail",
    "intent-unverified", "intent-residency", "intent-tier", "intent-presence",
    # Issue 16, resource-level controls the own rules hold beside checkov (docs/policies.md).
    "kms-key-deletion-window", "network-internet-ingress", "network-internet-ingress-target",
    "exposure-bucket-public-access", "exposure-wildcard-principal", "exposure-database-public",
    "deletion-protection", "k8s-pod-security",
}


def test_every_rule_is_registered_once_and_documented() -> None:
    assert set(RULES_BY_ID) == EXPECTED and len(RULES) == len(EXPECTED)
    for rule in RULES:
        assert rule.enforcement in ("mandatory", "advisory")
        assert rule.description and rule.remediation and rule.category
    docs = (ROOT / "docs" / "policies.md").read_text(encoding="utf-8")
    for rule_id in EXPECTED:
        assert f"`{rule_id}`" in docs, f"{rule_id} is missing from docs/policies.md"


def test_fails_invalid_rule_definition() -> None:
    with pytest.raises(ValueError, match="enforcement"):
        Rule(id="x", description="d", enforcement="blocking", remediation="r", category="c", scope="stack", check=lambda ctx: [])
    with pytest.raises(ValueError, match="scope"):
        Rule(id="x", description="d", enforcement="mandatory", remediation="r", category="c", scope="graph", check=lambda ctx: [])


def test_import_needs_no_pulumi_policy() -> None:
    code = "import sys, blueprint.policies, blueprint.policies.crossguard; print('pulumi_policy' in sys.modules, 'pulumi' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_unknown_values_never_violate() -> None:
    """During `pulumi preview` computed values are unknown: no rule reports on them."""
    listener = Resource(urn="urn:pulumi:s::p::aws:lb/listener:Listener::l", type="aws:lb/listener:Listener", name="l",
                        region="us-east-1", props={"protocol": "HTTPS", "sslPolicy": UNKNOWN})
    db = Resource(urn="urn:pulumi:s::p::aws:rds/cluster:Cluster::c", type="aws:rds/cluster:Cluster", name="c",
                  region="us-east-1", props={"storageEncrypted": True, "kmsKeyId": UNKNOWN, "engine": "aurora-postgresql",
                                             "dbClusterParameterGroupName": UNKNOWN,
                                             "deletionProtection": True})  # absent is RDS's false: deletion-protection
    ctx = Context([listener, db], "us", "aws")
    assert [v for r in RULES for v in r.evaluate(ctx)] == []
