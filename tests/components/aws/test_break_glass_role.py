"""BreakGlassRole: MFA-only trust, bounded session, least-privilege policy, alarm on every assumption."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from blueprint.components.aws.break_glass_role import BreakGlassRole, BreakGlassRoleArgs
from blueprint.plan.engine import plan_program

REGION = "us-east-1"
TOPIC = "arn:aws:sns:us-east-1:123456789012:prod-alarms"
VAULT = "arn:aws:s3:::fraud-vault-abc"


def _args(**over) -> BreakGlassRoleArgs:
    return BreakGlassRoleArgs(**{"role_name": "prod-break-glass-dr", "regions": ("us-east-1", "us-west-2"),
                                 "vault_bucket_arns": [VAULT], "audit_log_group_name": "/blueprint/prod/cloudtrail",
                                 "alarm_topic_arn": TOPIC, **over})


def _plan(**over):
    args = _args(**over)
    return plan_program(lambda: BreakGlassRole("bg", args), stack="test", config={"aws:region": REGION})


@pytest.fixture(scope="module")
def plan():
    return _plan()


def test_secure_defaults():
    args = BreakGlassRoleArgs(role_name="r", regions=("us-east-1",))
    assert (args.max_session_s, args.mfa_max_age_s, args.trusted_principal_arns) == (3600, 900, ())
    assert args.sts_in_regions_only is True


def test_trust_needs_recent_mfa_and_defaults_to_the_account(plan):
    role = plan.named("bg-role").inputs
    assert role["maxSessionDuration"] == 3600 and role["name"] == "prod-break-glass-dr"
    (statement,) = json.loads(role["assumeRolePolicy"])["Statement"]
    assert statement["Principal"] == {"AWS": ["arn:aws:iam::123456789012:root"]}
    # Only through the STS endpoints of the stack's regions, where each BreakGlassAlarm listens.
    assert statement["Condition"] == {"Bool": {"aws:MultiFactorAuthPresent": "true"}, "NumericLessThan": {"aws:MultiFactorAuthAge": "900"},
                                      "StringEquals": {"aws:RequestedRegion": ["us-east-1", "us-west-2"]}}


def test_any_sts_region_only_when_asked():
    role = _plan(sts_in_regions_only=False).named("bg-role").inputs
    (statement,) = json.loads(role["assumeRolePolicy"])["Statement"]
    assert "StringEquals" not in statement["Condition"]


def test_named_principals_and_tier_values():
    plan = _plan(trusted_principal_arns=("arn:aws:iam::123456789012:role/dr-operator",), mfa_max_age_s=3600, max_session_s=7200)
    role = plan.named("bg-role").inputs
    (statement,) = json.loads(role["assumeRolePolicy"])["Statement"]
    assert statement["Principal"] == {"AWS": ["arn:aws:iam::123456789012:role/dr-operator"]}
    assert statement["Condition"]["NumericLessThan"] == {"aws:MultiFactorAuthAge": "3600"} and role["maxSessionDuration"] == 7200


def test_least_privilege_for_the_runbooks(plan):
    statements = {s["Sid"]: s for s in json.loads(plan.named("bg-policy").inputs["policy"])["Statement"]}
    actions = {a for s in statements.values() for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    for needed in ("rds:FailoverGlobalCluster", "arc-region-switch:StartPlanExecution", "arc-region-switch:ApprovePlanExecutionStep",
                   "eks:UpdateNodegroupConfig", "route53:UpdateHealthCheck", "sqs:SendMessage", "backup:StartRestoreJob"):
        assert needed in actions
    assert not any(a.endswith(":*") or a == "*" for a in actions)
    assert not any(a.startswith(("iam:Create", "iam:Put", "iam:Attach", "kms:Create", "kms:Schedule", "s3:Delete")) for a in actions)
    assert statements["Database"]["Condition"] == {"StringEquals": {"aws:RequestedRegion": ["us-east-1", "us-west-2"]}}
    assert statements["ReadVaults"]["Resource"] == [VAULT, f"{VAULT}/*"]
    assert statements["PassRoleToBackup"]["Condition"] == {"StringEquals": {"iam:PassedToService": "backup.amazonaws.com"}}


WRITES = ("iam:PassRole", "route53:ChangeResourceRecordSets", "secretsmanager:StopReplicationToReplica", "rds:CreateDBInstance")


def _writes(policy: str) -> dict[str, dict]:
    found = {}
    for statement in json.loads(policy)["Statement"]:
        actions = [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]
        found.update({a: statement for a in actions if a in WRITES})
    return found


def test_writes_never_on_every_resource(plan):
    """Review finding 10: the writes that name a resource are scoped, even without environment and zones."""
    writes = _writes(plan.named("bg-policy").inputs["policy"])
    assert set(writes) == set(WRITES)
    for action, statement in writes.items():
        assert statement["Resource"] != "*", action
    assert writes["iam:PassRole"]["Resource"] == "arn:aws:iam::123456789012:role/*db-backup-role*"
    assert writes["route53:ChangeResourceRecordSets"]["Resource"] == "arn:aws:route53:::hostedzone/*"


def test_writes_scoped_to_the_stacks_environment_and_zone():
    writes = _writes(_plan(environment="prod", hosted_zone_ids=["Z123EXAMPLE"]).named("bg-policy").inputs["policy"])
    assert writes["route53:ChangeResourceRecordSets"]["Resource"] == ["arn:aws:route53:::hostedzone/Z123EXAMPLE"]
    assert writes["secretsmanager:StopReplicationToReplica"]["Resource"] == "arn:aws:secretsmanager:*:123456789012:secret:prod/*"
    rds = writes["rds:CreateDBInstance"]["Resource"]
    assert "arn:aws:rds:*:123456789012:db:prod-*" in rds and "arn:aws:rds:*:123456789012:cluster:prod-*" in rds
    assert writes["rds:CreateDBInstance"]["Condition"] == {"StringEquals": {"aws:RequestedRegion": ["us-east-1", "us-west-2"]}}


def test_every_assumption_alarms(plan):
    metric = plan.named("bg-assumed").inputs
    assert '($.eventName = "AssumeRole")' in metric["pattern"] and "role/prod-break-glass-dr" in metric["pattern"]
    assert metric["logGroupName"] == "/blueprint/prod/cloudtrail"
    alarm = plan.named("bg-assumed-alarm").inputs
    assert alarm["threshold"] == 1 and alarm["evaluationPeriods"] == 1 and alarm["alarmActions"] == [TOPIC]
    assert (alarm["namespace"], alarm["metricName"]) == ("blueprint/BreakGlass", metric["metricTransformation"]["name"])


def test_fails_alarm_without_topic():
    with pytest.raises(ValueError, match="alarm_topic_arn"):
        _plan(alarm_topic_arn=None)


@pytest.mark.parametrize("field, value", [("max_session_s", 900), ("max_session_s", 50000), ("role_name", "bad name!"),
                                          ("trusted_principal_arns", ("group:x@y.com",)), ("regions", ())])
def test_fails_invalid_args(field, value):
    with pytest.raises(ValidationError, match=field):
        _args(**{field: value})
