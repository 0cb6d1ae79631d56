"""DatabaseBackupPlan: AWS Backup of a database with a cross-region copy; validation."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws
import pytest
from pydantic import ValidationError

from blueprint.plan.engine import plan_program
from blueprint.components.aws.database_backup_plan import DatabaseBackupPlan, DatabaseBackupPlanArgs, plan_name_for

CLUSTER_ARN = "arn:aws:rds:eu-central-1:123456789012:cluster:batch-euc1"
DEST = "arn:aws:backup:eu-south-2:123456789012:backup-vault:batch-embeddings-dr"
SAME_REGION = "arn:aws:backup:eu-central-1:123456789012:backup-vault:batch-embeddings-local"
TAGS = {"blueprint:workload": "batch-embeddings", "blueprint:tier": "best-effort"}


def _args(**overrides) -> DatabaseBackupPlanArgs:
    return DatabaseBackupPlanArgs(**{
        "vault_name": "batch-embeddings", "copy_destination_vault_arn": DEST, "resource_arns": [CLUSTER_ARN],
        "retention_days": 7, "copy_retention_days": 14, "tags": TAGS, **overrides,
    })


def _plan(**overrides):
    args = _args(**overrides)

    def program():
        provider = aws.Provider("aws-eu-central-1", region="eu-central-1")
        backup = DatabaseBackupPlan("db-backup", args, pulumi.ResourceOptions(providers=[provider]))
        pulumi.export("outputs", {"plan_id": backup.plan_id, "plan_arn": backup.plan_arn, "role_arn": backup.role_arn})

    return plan_program(program, stack="test", config={"aws:region": "us-east-1"})


@pytest.fixture(scope="module")
def plan():
    return _plan()


def _rule(plan) -> dict:
    (rule,) = plan.named("db-backup-plan").inputs["rules"]
    return rule


def test_role_is_assumed_by_aws_backup_of_this_account_only(plan):
    role = plan.named("db-backup-role")
    (stmt,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert stmt["Principal"] == {"Service": "backup.amazonaws.com"}
    assert stmt["Action"] == "sts:AssumeRole"
    assert stmt["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}
    assert role.region == "global"


def test_role_has_the_backup_and_restore_managed_policies(plan):
    arns = {plan.named(f"db-backup-{k}-policy").inputs["policyArn"] for k in ("backup", "restore")}
    assert arns == {
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    }


def test_rule_schedule_windows_and_retention(plan):
    rule = _rule(plan)
    assert rule["targetVaultName"] == "batch-embeddings"
    assert rule["schedule"] == "cron(0 */6 * * ? *)"  # every 6 h: region-loss RPO well inside 24 h
    assert rule["startWindow"] == 60 and rule["completionWindow"] == 300
    assert rule["lifecycle"] == {"deleteAfter": 7}
    assert rule["recoveryPointTags"] == TAGS
    assert not rule.get("enableContinuousBackup")


def test_every_backup_is_copied_to_the_other_region(plan):
    (copy,) = _rule(plan)["copyActions"]
    assert copy["destinationVaultArn"] == DEST
    assert copy["lifecycle"] == {"deleteAfter": 14}
    plan_region = plan.named("db-backup-plan").region
    assert plan_region == "eu-central-1"
    assert DEST.split(":")[3] != plan_region


def test_selection_backs_up_the_resources_with_the_role(plan):
    selection = plan.named("db-backup-selection")
    assert selection.inputs["resources"] == [CLUSTER_ARN]
    assert selection.inputs["planId"] == plan.outputs["outputs"]["plan_id"]
    assert selection.inputs["iamRoleArn"] == plan.outputs["outputs"]["role_arn"]
    for kind in ("backup", "restore"):
        assert plan.named(f"db-backup-{kind}-policy").urn in selection.dependencies
    assert selection.region == "eu-central-1"


def test_outputs_tags_and_structure(plan):
    out = plan.outputs["outputs"]
    assert out["plan_arn"] == f"arn:aws:backup:eu-central-1:123456789012:backup-plan:{out['plan_id']}"
    assert out["role_arn"].startswith("arn:aws:iam::123456789012:role/db-backup-role")
    assert plan.named("db-backup-plan").inputs["tags"] == {**TAGS, "Name": "db-backup-plan"}
    assert plan.named("db-backup-role").inputs["tags"] == {**TAGS, "Name": "db-backup-role"}
    component = plan.of_type("blueprint:aws:DatabaseBackupPlan")[0]
    assert {r.name for r in plan.children(component.urn)} == {
        "db-backup-role", "db-backup-backup-policy", "db-backup-restore-policy", "db-backup-plan", "db-backup-selection",
    }


def test_destination_given_as_an_output_is_checked_when_it_resolves():
    plan = _plan(copy_destination_vault_arn=pulumi.Output.from_input(DEST))
    (copy,) = _rule(plan)["copyActions"]
    assert copy["destinationVaultArn"] == DEST


def test_custom_schedule():
    assert _rule(_plan(schedule="cron(30 1 * * ? *)"))["schedule"] == "cron(30 1 * * ? *)"


@pytest.mark.parametrize("name,expected", [("db-backup", "db-backup"), ("a b/c", "a-b-c"), ("x" * 60, "x" * 50)])
def test_plan_name_derivation(name, expected):
    assert plan_name_for(name) == expected


# --- validation ---------------------------------------------------------------------------


def test_fails_copy_destination_in_the_plans_own_region():
    with pytest.raises(ValueError, match=r"copy_destination_vault_arn: .* is in eu-central-1, the plan's own region"):
        _plan(copy_destination_vault_arn=SAME_REGION)


@pytest.mark.parametrize("arn", ["batch-embeddings-dr", "arn:aws:s3:::bucket", "arn:aws:backup:eu-south-2:123:backup-vault:x"])
def test_fails_destination_that_is_not_a_vault_arn(arn):
    with pytest.raises(ValidationError, match=r"copy_destination_vault_arn: .* is not a backup vault ARN"):
        _args(copy_destination_vault_arn=arn)


@pytest.mark.parametrize("cron", ["rate(6 hours)", "cron(0 */6 * * *)", "cron(0 */6 * * * *)", "0 */6 * * ? *"])
def test_fails_invalid_schedule(cron):
    with pytest.raises(ValidationError, match=r"schedule: .* is not an AWS Backup cron expression"):
        _args(schedule=cron)


def test_fails_no_resources():
    with pytest.raises(ValidationError, match=r"resource_arns: is empty"):
        _args(resource_arns=[])


def test_fails_resource_that_is_not_an_arn():
    with pytest.raises(ValidationError, match=r"resource_arns: 'batch-euc1' is not an ARN"):
        _args(resource_arns=["batch-euc1"])


@pytest.mark.parametrize("field", ["retention_days", "copy_retention_days"])
def test_fails_retention_out_of_range(field):
    with pytest.raises(ValidationError, match=rf"{field}: 0 is outside 1\.\.36500"):
        _args(**{field: 0})


def test_fails_invalid_vault_name():
    with pytest.raises(ValidationError, match=r"vault_name: 'x' is not a backup vault name"):
        _args(vault_name="x")


def test_fails_unknown_field():
    with pytest.raises(ValidationError, match="enable_continuous_backup"):
        _args(enable_continuous_backup=True)


def test_copy_is_optional_for_single_region_stacks():
    single = _plan(copy_destination_vault_arn=None, copy_retention_days=None)
    rule = single.named("db-backup-plan").inputs["rules"][0]
    assert not rule.get("copyActions")
    assert rule["ruleName"] == "scheduled"
    assert rule["lifecycle"]["deleteAfter"] == 7


def test_copy_retention_defaults_to_retention_days():
    assert _args(copy_retention_days=None).effective_copy_retention_days == 7


def test_fails_when_copy_retention_is_set_without_a_destination():
    with pytest.raises(ValidationError, match="copy_retention_days"):
        _args(copy_destination_vault_arn=None, copy_retention_days=14)


# --- the region as a plain value (issue 15: an invoke less per plan) --------------------------


def test_region_defaults_to_the_providers():
    assert DatabaseBackupPlanArgs.model_fields["region"].default is None


@pytest.mark.parametrize("destination", [DEST, pulumi.Output.from_input(DEST)])
def test_a_given_region_needs_no_get_region_invoke(monkeypatch, destination):
    def no_invoke(*args, **kwargs):
        raise AssertionError("get_region invoked although the region was given")

    monkeypatch.setattr(aws, "get_region", no_invoke)
    monkeypatch.setattr(aws, "get_region_output", no_invoke)
    (copy,) = _rule(_plan(region="eu-central-1", copy_destination_vault_arn=destination))["copyActions"]
    assert copy["destinationVaultArn"] == DEST


@pytest.mark.parametrize("destination", [SAME_REGION, pulumi.Output.from_input(SAME_REGION)])
def test_fails_copy_destination_in_the_given_region(destination):
    with pytest.raises(Exception, match=r"copy_destination_vault_arn: .* is in eu-central-1, the plan's own region"):
        _plan(region="eu-central-1", copy_destination_vault_arn=destination)


def test_fails_region_that_is_not_a_region_name():
    with pytest.raises(ValidationError, match=r"region\n.*String should match pattern"):
        _args(region="eu-central-1a")
