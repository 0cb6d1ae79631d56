"""The composers build the stack-wide recovery controls (issue 18, part 2) by the strictest tier:
prod (mission-critical) gets a COMPLIANCE 365-day trail, the MFA-only break-glass role with cluster
admin on both clusters and its alarm; dev (standard at most) a GOVERNANCE 180-day trail; gcp-prod the
locked audit sink and the PAM entitlement, which needs breakGlassPrincipals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from blueprint.catalogs.recovery_stack import RECOVERY_STACK, recovery_stack_spec
from blueprint.catalogs.tiers import LockMode, Tier
from blueprint.plan.run import plan_stack
from blueprint.project import StackRef
from blueprint.types import aws, gcp

ROOT = Path(__file__).resolve().parents[2]


def _plan(stack: str, path: Path | None = None):
    return plan_stack(ROOT, StackRef(stack, path or ROOT / "stacks" / f"Pulumi.{stack}.yaml"))


@pytest.fixture(scope="module")
def prod():
    return _plan("prod")


def test_catalog_strictest_tier_wins_and_best_effort_needs_nothing():
    assert recovery_stack_spec(["standard", "mission-critical"]) == RECOVERY_STACK[Tier.MISSION_CRITICAL]
    assert recovery_stack_spec([]) is None
    best = recovery_stack_spec(["best-effort"])
    assert not best.audit_trail and not best.break_glass
    assert RECOVERY_STACK[Tier.MISSION_CRITICAL].audit_lock_mode is LockMode.COMPLIANCE
    assert RECOVERY_STACK[Tier.STANDARD].audit_lock_mode is LockMode.GOVERNANCE
    assert all(3600 <= s.session_s <= 43200 for s in RECOVERY_STACK.values())  # IAM MaxSessionDuration range


def test_prod_trail_role_and_cluster_admin(prod):
    (trail,) = prod.of_type(aws.CLOUDTRAIL_TRAIL)
    assert trail.region == "us-east-1" and trail.inputs["name"] == "prod-audit"
    # Every workload region's vault (WorkloadRegion.vault) and every model artifact store (recovery data).
    vaults = {r.outputs["arn"] for r in prod.of_type(aws.S3_BUCKET) if r.name.endswith(("-vault-bucket", "-artifacts-bucket"))}
    assert len([v for v in vaults if "-vault-" in v]) == 8
    data = next(s for s in trail.inputs["advancedEventSelectors"] if s["name"] == "vault-object-events")
    starts = next(f["startsWiths"] for f in data["fieldSelectors"] if f["field"] == "resources.ARN")
    assert {s.rstrip("/") for s in starts} == vaults
    lock = next(r for r in prod.of_type(aws.S3_BUCKET_OBJECT_LOCK_CONFIGURATION) if r.inputs["bucket"] == trail.inputs["s3BucketName"])
    assert lock.inputs["rule"]["defaultRetention"] == {"mode": "COMPLIANCE", "days": 365}
    role = prod.named("prod-break-glass-role")
    assert role.inputs["name"] == "prod-break-glass-dr" and role.inputs["maxSessionDuration"] == 3600
    assert '"aws:MultiFactorAuthAge": "900"' in role.inputs["assumeRolePolicy"]
    admins = {r.region for r in prod.of_type("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")
              if r.name.endswith("-admin-break-glass") and r.inputs["policyArn"].endswith("/AmazonEKSClusterAdminPolicy")}
    assert admins == {"us-east-1", "us-west-2"}
    alarm = prod.named("prod-break-glass-assumed-alarm")
    assert alarm.region == "us-east-1" and alarm.inputs["alarmActions"][0].startswith("arn:aws:sns:us-east-1:")


def test_prod_break_glass_writes_name_the_stacks_own_resources(prod):
    """The composer passes the environment and the hosted zone: the role's writes name prod-* databases,
    prod/* secrets and the stack's zone, not any in the account; it may list roles (the rebuild looks
    up the backup role by name)."""
    policy = next(r for r in prod.resources if r.name.startswith("prod-break-glass") and r.type == aws.IAM_ROLE_POLICY)
    statements = {s["Sid"]: s for s in json.loads(policy.inputs["policy"])["Statement"]}
    assert all(":prod-*" in arn or arn.endswith(("pg:*", "og:*", "subgrp:*", "secgrp:*")) for arn in statements["DatabaseInstances"]["Resource"])
    assert statements["SecretReplicas"]["Resource"].endswith(":secret:prod/*")
    assert statements["DnsRecords"]["Resource"] != "arn:aws:route53:::hostedzone/*" and len(statements["DnsRecords"]["Resource"]) == 1
    assert "iam:ListRoles" in statements["Identity"]["Action"]
    assert prod.named("prod-break-glass-assumed").inputs["logGroupName"] == "/blueprint/prod/cloudtrail"


def test_dev_standard_trail_is_governance_180_days():
    dev = _plan("dev")
    (trail,) = dev.of_type(aws.CLOUDTRAIL_TRAIL)
    lock = next(r for r in dev.of_type(aws.S3_BUCKET_OBJECT_LOCK_CONFIGURATION) if r.inputs["bucket"] == trail.inputs["s3BucketName"])
    assert lock.inputs["rule"]["defaultRetention"] == {"mode": "GOVERNANCE", "days": 180}
    assert '"aws:MultiFactorAuthAge": "3600"' in dev.named("dev-break-glass-role").inputs["assumeRolePolicy"]


def test_gcp_prod_sink_and_entitlement_and_none_without_principals(tmp_path):
    plan = _plan("gcp-prod")
    (sink,) = plan.of_type(gcp.LOGGING_PROJECT_SINK)
    assert sink.inputs["filter"] == 'logName:"cloudaudit.googleapis.com"'
    (entitlement,) = plan.of_type(gcp.PRIVILEGEDACCESSMANAGER_ENTITLEMENT)
    assert entitlement.inputs["eligibleUsers"] == [{"principals": ["group:dr-operators@example.com"]}]
    assert "approvalWorkflow" not in entitlement.inputs  # mission-critical: no approval wait
    config = yaml.safe_load((ROOT / "stacks" / "Pulumi.gcp-prod.yaml").read_text())
    config["config"].pop("blueprint:breakGlassPrincipals")
    path = tmp_path / "Pulumi.gcp-prod.yaml"
    path.write_text(yaml.safe_dump(config))
    bare = _plan("gcp-prod", path)
    assert not bare.of_type(gcp.PRIVILEGEDACCESSMANAGER_ENTITLEMENT) and bare.of_type(gcp.LOGGING_PROJECT_SINK)
