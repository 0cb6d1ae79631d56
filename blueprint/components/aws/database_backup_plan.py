"""DatabaseBackupPlan: AWS Backup plan for a workload's database, each backup copied to a vault
in the second region (when the stack has one).

Every Aurora cluster gets one (the composer, ``blueprint.components.aws.platform``): for backup-restore
workloads it is the only copy outside the region; for the others, whose global database already
replicates every write within a second, it is the protection against logical corruption (a bad
migration, a deleted table), which the replica repeats at once and locked recovery points do not.

The schedule default is every 6 hours although the backup-restore tier's RPO is 24 hours: the
RPO after a *region* loss is the age of the newest copy in the other region, i.e. the schedule
interval plus backup and copy time. A daily schedule would put the worst case above 24 hours; a
6-hourly one keeps it near 6-8 hours. (In-region point-in-time restore is Aurora's own automated
backups.) Snapshots of Aurora are incremental, so the extra runs cost little.

Children (component named ``n``):
    ``n-role``             aws.iam.Role assumed by backup.amazonaws.com (this account only)
    ``n-backup-policy``    AWSBackupServiceRolePolicyForBackup attached to the role
    ``n-restore-policy``   AWSBackupServiceRolePolicyForRestores attached to the role
    ``n-plan``             aws.backup.Plan (one rule: schedule, windows, lifecycle, cross-region copy if any)
    ``n-selection``        aws.backup.Selection of ``resource_arns``
"""

from __future__ import annotations

import json
import re
from typing import Any, Optional

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from blueprint.components._validation import InputMatching, IntBetween

from ._names import iam_role_name_prefix
from ._tags import merge_tags
from ._types import Tags

# AWS Backup cron: cron(minutes hours day-of-month month day-of-week year), six fields, one of
# day-of-month / day-of-week being '?' (EventBridge syntax).
_CRON = re.compile(r"^cron\((?P<fields>[^()]+)\)$")
_CRON_FIELD = re.compile(r"^[0-9A-Za-z*?/,#L-]+$")
_BACKUP_VAULT_ARN = re.compile(r"^arn:aws[a-z-]*:backup:(?P<region>[a-z0-9-]+):\d{12}:backup-vault:[A-Za-z0-9_-]{2,50}$")
_VAULT_NAME = re.compile(r"^[A-Za-z0-9_-]{2,50}$")
VaultName = InputMatching(
    _VAULT_NAME, "is not a backup vault name (2..50 letters, digits, '-', '_'); pass RecoveryPointVault(...).name"
)
VaultArn = InputMatching(
    _BACKUP_VAULT_ARN,
    "is not a backup vault ARN; pass the second region's RecoveryPointVault(...).arn, e.g. "
    "'arn:aws:backup:eu-south-2:123456789012:backup-vault:name'",
    optional=True,
)
# Backup plan, rule and selection names: 1..50 letters, digits, '-', '_', '.'.
_PLAN_NAME_MAX = 50
# Start within 1 hour of the schedule, complete within 5 hours: a job never overlaps the next 6-hourly run.
START_WINDOW_MINUTES = 60
COMPLETION_WINDOW_MINUTES = 300
MAX_RETENTION_DAYS = 36500
RetentionDays = IntBetween(1, MAX_RETENTION_DAYS)
BACKUP_POLICY = "AWSBackupServiceRolePolicyForBackup"
RESTORE_POLICY = "AWSBackupServiceRolePolicyForRestores"


def plan_name_for(component_name: str) -> str:
    """A valid backup plan / selection name from a component name (1..50 of [A-Za-z0-9._-])."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", component_name).strip("-") or "plan"
    return base[:_PLAN_NAME_MAX]


def check_cron(field: str, value: str) -> str:
    match = _CRON.match(value) if isinstance(value, str) else None
    fields = match["fields"].split() if match else []
    if len(fields) != 6 or not all(_CRON_FIELD.match(f) for f in fields) or "?" not in (fields[2], fields[4]):
        raise ValueError(
            f"{field}: {value!r} is not an AWS Backup cron expression; use cron(minutes hours day-of-month month "
            "day-of-week year) with '?' in day-of-month or day-of-week, e.g. 'cron(0 */6 * * ? *)'"
        )
    return value


class DatabaseBackupPlanArgs(BaseModel):
    """Settings of a database backup plan with a cross-region copy."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    vault_name: VaultName = Field(description="pulumi.Input[str]: the RecoveryPointVault (this region) backups go to.")
    copy_destination_vault_arn: VaultArn = Field(
        default=None,
        description="pulumi.Input[str]: ARN of the RecoveryPointVault in the second region each backup is copied to; "
        "its region must differ from this plan's. Default None: no copy (single-region stacks only: the composer "
        "passes the second region's vault whenever there is one).",
    )
    resource_arns: list[Any] = Field(description="pulumi.Input[str] each: resources to back up, e.g. the Aurora cluster ARN.")
    # Every 6 hours (UTC): keeps the region-loss RPO well inside the 24-hour RPO of the backup-restore strategy (module doc).
    schedule: str = Field(
        default="cron(0 */6 * * ? *)",
        description="AWS Backup cron expression (UTC). Default every 6 hours: region-loss RPO ~6-8 h < the 24 h target.",
    )
    retention_days: RetentionDays = Field(description="Days a backup is kept in this region's vault, 1..36500.")
    copy_retention_days: Optional[RetentionDays] = Field(
        default=None, description="Days a copy is kept in the second region's vault, 1..36500; default retention_days."
    )
    tags: Tags = Field(default_factory=dict, description="Tags on the role, the plan and every recovery point.")
    # Default None: asked from the provider. The composer knows each plan's region and passes it,
    # which saves an invoke per plan (benchmarks/README.md).
    region: Optional[str] = Field(
        default=None, pattern=r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$",
        description="This plan's region (its provider's), e.g. 'eu-central-1': the copy must leave it. Default None: "
        "asked from the provider (aws.get_region).",
    )

    @model_validator(mode="after")
    def _copy(self) -> "DatabaseBackupPlanArgs":
        if self.copy_retention_days is not None and self.copy_destination_vault_arn is None:
            raise ValueError(
                f"copy_retention_days: {self.copy_retention_days} is set but copy_destination_vault_arn is not; "
                "pass the second region's vault ARN or drop copy_retention_days"
            )
        return self

    @property
    def effective_copy_retention_days(self) -> int:
        """Retention of the cross-region copies actually applied."""
        return self.copy_retention_days if self.copy_retention_days is not None else self.retention_days

    @field_validator("resource_arns")
    @classmethod
    def _resources(cls, v: list[Any]) -> list[Any]:
        if not v:
            raise ValueError("resource_arns: is empty; pass the ARNs to back up, e.g. AuroraDatabase(...).arn")
        for arn in v:
            if not isinstance(arn, pulumi.Output) and (not isinstance(arn, str) or not arn.startswith("arn:")):
                raise ValueError(f"resource_arns: {arn!r} is not an ARN; pass resource ARNs such as the Aurora cluster's")
        return v

    @field_validator("schedule")
    @classmethod
    def _schedule(cls, v: str) -> str:
        return check_cron("schedule", v)


def _check_destination_region(plan_region: str, destination_arn: str) -> str:
    """The copy must leave the region: a copy next to the original survives no region loss."""
    match = _BACKUP_VAULT_ARN.match(destination_arn)
    if match is None:
        raise ValueError(f"copy_destination_vault_arn: {destination_arn!r} is not a backup vault ARN")
    if match["region"] == plan_region:
        raise ValueError(
            f"copy_destination_vault_arn: {destination_arn!r} is in {plan_region}, the plan's own region; "
            "pass the vault of the second region so copies survive a region loss"
        )
    return destination_arn


def _backup_trust_policy(account: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "backup.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                    # Confused-deputy guard: only AWS Backup acting for this account.
                    "Condition": {"StringEquals": {"aws:SourceAccount": account}},
                }
            ],
        }
    )


class DatabaseBackupPlan(pulumi.ComponentResource):
    """Scheduled AWS Backup of the given resources into this region's vault, each backup copied to
    the second region's vault, with its own retention there."""

    def __init__(self, name: str, args: DatabaseBackupPlanArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("blueprint:aws:DatabaseBackupPlan", name, None, opts)
        destination = self._copy_destination(args)
        role, attachments = self._service_role(name, args)
        plan = self._plan(name, args, destination)
        aws.backup.Selection(
            f"{name}-selection",
            name=plan_name_for(f"{name}-selection"),
            plan_id=plan.id,
            iam_role_arn=role.arn,
            resources=args.resource_arns,
            # AWS Backup checks the role when the selection is created: attach the policies first.
            opts=pulumi.ResourceOptions(parent=self, depends_on=attachments),
        )

        self.plan_id: pulumi.Output[str] = plan.id
        self.plan_arn: pulumi.Output[str] = plan.arn
        self.role_arn: pulumi.Output[str] = role.arn
        self.register_outputs({"plan_id": self.plan_id, "plan_arn": self.plan_arn, "role_arn": self.role_arn})

    def _copy_destination(self, args: DatabaseBackupPlanArgs) -> Any:
        """The second region's vault ARN, once checked to be outside this region; None: no copy."""
        # The copy must leave this region (the provider's). A literal ARN is checked at once; an
        # Output when it resolves, which still fails the preview/up before anything is created.
        arn, region = args.copy_destination_vault_arn, args.region
        if arn is None:
            return None  # single-region stack: no copy
        if region is None and isinstance(arn, pulumi.Output):
            region = aws.get_region_output(opts=pulumi.InvokeOutputOptions(parent=self)).region
        elif region is None:
            region = aws.get_region(opts=pulumi.InvokeOptions(parent=self)).region
        if isinstance(arn, pulumi.Output) or isinstance(region, pulumi.Output):
            return pulumi.Output.all(region, arn).apply(lambda a: _check_destination_region(a[0], a[1]))
        return _check_destination_region(region, arn)

    def _service_role(self, name: str, args: DatabaseBackupPlanArgs) -> tuple[aws.iam.Role, list[aws.iam.RolePolicyAttachment]]:
        """The AWS Backup service role with the managed backup and restore policies."""
        child = pulumi.ResourceOptions(parent=self)
        invoke = pulumi.InvokeOutputOptions(parent=self)
        identity = aws.get_caller_identity_output(opts=invoke)
        partition = aws.get_partition_output(opts=invoke).partition
        role = aws.iam.Role(
            f"{name}-role",
            name_prefix=iam_role_name_prefix(f"{name}-role"),  # fits IAM's 64 (blueprint/components/aws/_names.py)
            assume_role_policy=identity.account_id.apply(_backup_trust_policy),
            description=f"AWS Backup service role of backup plan {name}",
            tags=merge_tags(args.tags, f"{name}-role"),
            opts=child,
        )
        attachments = [
            aws.iam.RolePolicyAttachment(
                f"{name}-{kind}-policy",
                role=role.name,
                policy_arn=partition.apply(lambda p, policy=policy: f"arn:{p}:iam::aws:policy/service-role/{policy}"),
                opts=child,
            )
            for kind, policy in (("backup", BACKUP_POLICY), ("restore", RESTORE_POLICY))
        ]
        return role, attachments

    def _plan(self, name: str, args: DatabaseBackupPlanArgs, destination: Any) -> aws.backup.Plan:
        """One scheduled rule into this region's vault, copying each backup to ``destination`` if any."""
        return aws.backup.Plan(
            f"{name}-plan",
            name=plan_name_for(name),
            rules=[
                aws.backup.PlanRuleArgs(
                    rule_name="scheduled-with-cross-region-copy" if destination is not None else "scheduled",
                    target_vault_name=args.vault_name,
                    schedule=args.schedule,
                    start_window=START_WINDOW_MINUTES,
                    completion_window=COMPLETION_WINDOW_MINUTES,
                    lifecycle=aws.backup.PlanRuleLifecycleArgs(delete_after=args.retention_days),
                    copy_actions=[
                        aws.backup.PlanRuleCopyActionArgs(
                            destination_vault_arn=destination,
                            lifecycle=aws.backup.PlanRuleCopyActionLifecycleArgs(delete_after=args.effective_copy_retention_days),
                        )
                    ]
                    if destination is not None
                    else None,
                    recovery_point_tags=dict(args.tags),
                )
            ],
            tags=merge_tags(args.tags, f"{name}-plan"),
            opts=pulumi.ResourceOptions(parent=self),
        )
