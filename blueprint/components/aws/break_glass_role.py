"""BreakGlassRole: the DR operator role of a disaster: assumable only with MFA, short sessions, least
privilege for the failover and rebuild steps, and every assumption alarmed while any one of the stack's
regions is up: assumable only through the STS endpoints of the stack's regions (``sts_in_regions_only``),
each of which has a BreakGlassAlarm (break_glass_alarm.py; the composer builds one per region), plus the
metric-filter alarm below in the primary region.

Who can assume it: ``aws:MultiFactorAuthPresent``/``aws:MultiFactorAuthAge`` are in the request context
only for MFA-authenticated credentials (an IAM user's MFA device, ``--serial-number``/``--token-code``);
IAM Identity Center and SAML sessions generally lack them and are refused (docs/configuration.md).

Children (component named ``n``):
    ``n-role``          aws.iam.Role (explicit name; ``max_session_duration`` bounded)
    ``n-policy``        aws.iam.RolePolicy: the runbook actions below, nothing else
    ``n-assumed``       aws.cloudwatch.LogMetricFilter on the audit trail's CloudWatch Logs group:
                        ``AssumeRole`` of this role (CloudWatch Logs filter pattern syntax for JSON log events)
    ``n-assumed-alarm`` aws.cloudwatch.MetricAlarm: any assumption in a minute -> the alarm topic

Trust (IAM user guide, "Configuring MFA-protected API access"; global condition keys
``aws:MultiFactorAuthPresent``, ``aws:MultiFactorAuthAge``): ``sts:AssumeRole`` by ``trusted_principal_arns``
(default: the account root, i.e. IAM principals of the account that an IAM policy allows to assume it),
only when the caller signed in with MFA (``Bool aws:MultiFactorAuthPresent true``) no longer than
``mfa_max_age_s`` ago (``NumericLessThan aws:MultiFactorAuthAge``), and through an STS endpoint of
``regions`` (``StringEquals aws:RequestedRegion``). IAM allows ``max_session_duration``
3600..43200 s (IAM API reference, CreateRole MaxSessionDuration).

Permissions: the commands of the failover and rebuild runbooks (docs/runbooks/region-rebuild.md,
blueprint/rebuild, ``blueprint queue replay``), by their IAM actions (Service Authorization Reference
per service: arc-region-switch, rds, eks, route53, backup, sqs, secretsmanager, s3, ecr, fis,
cloudwatch). Regional actions only in the stack's regions (``aws:RequestedRegion``); Route 53 and ARC
Region switch are global. Reads of the vaults only on the vault buckets given. No IAM writes, no KMS
administration, no deletes of data stores.

The alarm reads the audit trail's CloudWatch Logs group (AuditTrail ``cloudwatch_logs_kms_key_arn``):
a multi-region trail delivers every region's ``AssumeRole`` events there, whichever STS endpoint was used.
It is kept beside the per-region EventBridge alarms as an independent second path (CloudTrail's delivery to
EventBridge is best effort) that also counts assumptions in a metric; it pages only while the primary is up.
"""

from __future__ import annotations

import json
import re
from typing import Any, Optional

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field, field_validator

from blueprint.components._validation import IntBetween

from ._tags import merge_tags
from ._types import Tags

_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")
_PRINCIPAL = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:(root|role/[\w+=,.@/-]+|user/[\w+=,.@/-]+)$")
SessionSeconds = IntBetween(3600, 43200, scope="IAM's ", note=" (MaxSessionDuration; default 3600)")
MfaAgeSeconds = IntBetween(60, 129600, note=" seconds (default 900)")
METRIC_NAMESPACE = "blueprint/BreakGlass"

# The runbooks' actions by service (see the module docstring); each list is one statement.
REGIONAL_ACTIONS: dict[str, list[str]] = {
    "Database": ["rds:FailoverGlobalCluster", "rds:SwitchoverGlobalCluster", "rds:DescribeGlobalClusters", "rds:DescribeDBClusters",
                 "rds:DescribeDBInstances", "rds:CreateDBClusterSnapshot", "rds:AddTagsToResource"],
    "Kubernetes": ["eks:DescribeCluster", "eks:ListClusters", "eks:ListNodegroups", "eks:DescribeNodegroup", "eks:UpdateNodegroupConfig"],
    "Restore": ["backup:StartRestoreJob", "backup:DescribeRestoreJob", "backup:ListRecoveryPointsByBackupVault",
                "backup:GetRecoveryPointRestoreMetadata"],
    "QueueReplay": ["sqs:ListQueues", "sqs:ListQueueTags", "sqs:GetQueueAttributes", "sqs:ReceiveMessage", "sqs:SendMessage",
                    "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"],
    "Inspect": ["secretsmanager:DescribeSecret", "ecr:DescribeImages", "cloudwatch:DescribeAlarms", "cloudwatch:GetMetricData",
                "fis:StartExperiment", "fis:StopExperiment", "fis:GetExperiment", "fis:ListExperimentTemplates"],
}
GLOBAL_ACTIONS: dict[str, list[str]] = {
    "RegionSwitch": ["arc-region-switch:StartPlanExecution", "arc-region-switch:ApprovePlanExecutionStep",
                     "arc-region-switch:CancelPlanExecution", "arc-region-switch:GetPlanExecution", "arc-region-switch:GetPlan",
                     "arc-region-switch:ListPlansInRegion", "arc-region-switch:ListPlanExecutions"],
    "Dns": ["route53:ListResourceRecordSets", "route53:ListHostedZonesByName",
            "route53:GetChange", "route53:ListHealthChecks", "route53:GetHealthCheckStatus", "route53:UpdateHealthCheck",
            "route53:ListTagsForResource"],
    # The rebuild runbook looks up the restore's backup role by name (aws iam list-roles); a list
    # action has no resource type (Service Authorization Reference, IAM), so it is global.
    "Identity": ["iam:ListRoles"],
}

# The writes that name a resource, each only on the stack's own (Service Authorization Reference, resource
# types of each action): rds:CreateDBInstance on "db" and "cluster" ARNs (the runbook's instances are
# "<env>-<workload>-<region>-0" / "-restored-0" in cluster "<env>-<workload>[-restored]"; the parameter,
# option and subnet groups it also checks stay open); secretsmanager:StopReplicationToReplica on "Secret"
# ARNs ("<env>/<workload>/<name>", blueprint.components.aws.recovery_data); route53:ChangeResourceRecordSets
# on "hostedzone" ARNs (arn:<partition>:route53:::hostedzone/<id>); iam:PassRole only for the Backup service
# roles DatabaseBackupPlan creates ("<workload>-[standby-]db-backup-role-<suffix>", the runbook's lookup).
CREATE_INSTANCE_ACTIONS = ["rds:CreateDBInstance"]
STOP_REPLICATION_ACTIONS = ["secretsmanager:StopReplicationToReplica"]
CHANGE_RECORDS_ACTIONS = ["route53:ChangeResourceRecordSets"]
BACKUP_ROLE_PATTERN = "*db-backup-role*"


class BreakGlassRoleArgs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    role_name: str = Field(description="The role's name (explicit: the runbook's assume-role command names it), e.g. 'prod-break-glass-dr'.")
    regions: tuple[str, ...] = Field(min_length=1, description="The stack's regions: regional actions are allowed only there.")
    # Default: the account's own IAM principals (account root as principal; IAM policies pick who may).
    trusted_principal_arns: tuple[str, ...] = Field(
        default=(), description="IAM principals that may assume it (with MFA). Default (): the account root (every IAM principal "
                                "of the account an IAM policy allows to).")
    # The composer passes the strictest tier's (blueprint.catalogs.recovery_stack).
    max_session_s: SessionSeconds = Field(default=3600, description="Session length limit, seconds (3600..43200); default 3600.")
    mfa_max_age_s: MfaAgeSeconds = Field(default=900, description="Oldest MFA sign-in that may assume it, seconds; default 900.")
    vault_bucket_arns: list[Any] = Field(default_factory=list, description="pulumi.Input[str] vault bucket ARNs the role may list and read.")
    audit_log_group_name: Any = Field(default=None, description="The audit trail's CloudWatch Logs group (AuditTrail.log_group_name): the alarm. "
                                                                "Default None: no alarm (the composer always passes it).")
    alarm_topic_arn: Any = Field(default=None, description="pulumi.Input[str]: the alarm topic (same region as the log group); required with the group.")
    # Default None: the writes below are scoped to the account's resources of their type only.
    environment: Optional[str] = Field(default=None, pattern=r"^[a-z0-9-]{1,20}$", description="The stack's environment: "
                                       "CreateDBInstance only on '<env>-*' instances/clusters, StopReplicationToReplica only on "
                                       "'<env>/*' secrets. Default None: any of the account's.")
    hosted_zone_ids: list[Any] = Field(default_factory=list, description="pulumi.Input[str] Route 53 zone ids the role may change "
                                       "records in. Default []: any hosted zone of the account.")
    # Default True: an assumption through any other region's STS endpoint would be recorded where no
    # BreakGlassAlarm listens (break_glass_alarm.py).
    sts_in_regions_only: bool = Field(default=True, description="Trust only assumptions through the STS endpoints of "
                                      "`regions` (aws:RequestedRegion; the global endpoint counts as us-east-1). Default True.")
    tags: Tags = Field(default_factory=dict, description="Tags merged onto every taggable child.")

    @field_validator("role_name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not _ROLE_NAME.match(v):
            raise ValueError(f"role_name: {v!r} is not an IAM role name; use 1..64 letters, digits or +=,.@_-")
        return v

    @field_validator("trusted_principal_arns")
    @classmethod
    def _principals(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for arn in v:
            if not _PRINCIPAL.match(arn):
                raise ValueError(f"trusted_principal_arns: {arn!r} is not an IAM principal ARN; use "
                                 "'arn:aws:iam::<account>:role/<name>', ':user/<name>' or ':root'")
        return v


def trust_policy(principals: list[str], mfa_max_age_s: int, sts_regions: tuple[str, ...] = ()) -> str:
    condition: dict[str, Any] = {"Bool": {"aws:MultiFactorAuthPresent": "true"},
                                 "NumericLessThan": {"aws:MultiFactorAuthAge": str(mfa_max_age_s)}}
    if sts_regions:
        # Only through the STS endpoints of these regions, where the assumption is recorded and alarmed
        # (BreakGlassAlarm); the global endpoint counts as us-east-1 (IAM user guide, "AWS STS Regions and
        # endpoints": "Requests made to the AWS STS global endpoint have a value of us-east-1 for the
        # aws:RequestedRegion condition key").
        condition["StringEquals"] = {"aws:RequestedRegion": list(sts_regions)}
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "AssumeWithRecentMfaOnly", "Effect": "Allow", "Principal": {"AWS": principals}, "Action": "sts:AssumeRole",
        "Condition": condition,
    }]})


def permissions_policy(regions: list[str], vault_arns: list[str], partition: str = "aws", account: str = "*",
                       environment: Optional[str] = None, zone_ids: tuple[str, ...] = ()) -> str:
    in_regions = {"StringEquals": {"aws:RequestedRegion": regions}}
    statements = [{"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": "*", "Condition": in_regions}
                  for sid, actions in REGIONAL_ACTIONS.items()]
    statements += [{"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": "*"} for sid, actions in GLOBAL_ACTIONS.items()]
    statements += _scoped_writes(regions, partition, account, environment, zone_ids)
    # Restores pass AWS Backup's service role (only the stack's backup roles); queue replay and the vault reads
    # decrypt through the services only.
    statements.append({"Sid": "PassRoleToBackup", "Effect": "Allow", "Action": "iam:PassRole",
                       "Resource": f"arn:{partition}:iam::{account}:role/{BACKUP_ROLE_PATTERN}",
                       "Condition": {"StringEquals": {"iam:PassedToService": "backup.amazonaws.com"}}})
    statements.append({"Sid": "DecryptThroughServices", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
                       "Condition": {"StringEquals": {"kms:ViaService": [f"{s}.{r}.amazonaws.com" for r in regions for s in ("sqs", "s3")]}}})
    if vault_arns:
        statements.append({"Sid": "ReadVaults", "Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject", "s3:GetObjectVersion"],
                           "Resource": [*vault_arns, *(f"{a}/*" for a in vault_arns)]})
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def _scoped_writes(regions: list[str], partition: str, account: str, environment: Optional[str], zone_ids: tuple[str, ...]) -> list[dict]:
    """The writes that name a resource, on the stack's resources only (CREATE_INSTANCE_ACTIONS and the others above)."""
    prefix = f"{environment}-" if environment else ""
    rds = f"arn:{partition}:rds:*:{account}"
    in_regions = {"StringEquals": {"aws:RequestedRegion": regions}}
    return [
        {"Sid": "DatabaseInstances", "Effect": "Allow", "Action": CREATE_INSTANCE_ACTIONS, "Condition": in_regions,
         "Resource": [f"{rds}:db:{prefix}*", f"{rds}:cluster:{prefix}*", f"{rds}:pg:*", f"{rds}:og:*", f"{rds}:subgrp:*", f"{rds}:secgrp:*"]},
        {"Sid": "SecretReplicas", "Effect": "Allow", "Action": STOP_REPLICATION_ACTIONS, "Condition": in_regions,
         "Resource": f"arn:{partition}:secretsmanager:*:{account}:secret:{environment + '/' if environment else ''}*"},
        {"Sid": "DnsRecords", "Effect": "Allow", "Action": CHANGE_RECORDS_ACTIONS,
         "Resource": [f"arn:{partition}:route53:::hostedzone/{z}" for z in zone_ids] or f"arn:{partition}:route53:::hostedzone/*"},
    ]


def _flat(values: Any) -> list[str]:
    """ARNs given one by one or as lists (a deferred output of all vaults)."""
    found: list[str] = []
    for v in values:
        found.extend(_flat(v) if isinstance(v, (list, tuple)) else [v])
    return found


class BreakGlassRole(pulumi.ComponentResource):
    """MFA-only, short-session DR operator role with least privilege; the trail's alarm in the primary region
    (the per-region alarms are BreakGlassAlarm, built beside it)."""

    arn: pulumi.Output[str]
    name: str

    def __init__(self, name: str, args: BreakGlassRoleArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:aws:BreakGlassRole", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        invoke = pulumi.InvokeOutputOptions(parent=self)
        principals: Any = list(args.trusted_principal_arns)
        account = aws.get_caller_identity_output(opts=invoke).account_id
        partition = aws.get_partition_output(opts=invoke).partition
        if not principals:
            principals = pulumi.Output.concat("arn:", partition, ":iam::", account, ":root").apply(lambda a: [a])
        role = aws.iam.Role(
            f"{name}-role", name=args.role_name, max_session_duration=args.max_session_s,
            description="blueprint break-glass DR operator: MFA required, every assumption alarmed",
            assume_role_policy=pulumi.Output.from_input(principals).apply(
                lambda p: trust_policy(list(p), args.mfa_max_age_s, args.regions if args.sts_in_regions_only else ())),
            tags=merge_tags(args.tags, f"{name}-role"), opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-policy", role=role.id, opts=child,
            policy=pulumi.Output.all(partition, account, pulumi.Output.all(*args.hosted_zone_ids), *args.vault_bucket_arns).apply(
                lambda v: permissions_policy(list(args.regions), _flat(v[3:]), v[0], v[1], args.environment, tuple(v[2]))),
        )
        if args.audit_log_group_name is not None:
            self._alarm(name, args, role)
        self.arn, self.name = role.arn, args.role_name
        self.register_outputs({"arn": self.arn})

    def _alarm(self, name: str, args: BreakGlassRoleArgs, role: aws.iam.Role) -> None:
        if args.alarm_topic_arn is None:
            raise ValueError("alarm_topic_arn: required with audit_log_group_name (every assumption must notify someone)")
        metric = f"{args.role_name}-assumed"
        aws.cloudwatch.LogMetricFilter(
            f"{name}-assumed", log_group_name=args.audit_log_group_name,
            pattern=role.arn.apply(lambda arn: f'{{ ($.eventSource = "sts.amazonaws.com") && ($.eventName = "AssumeRole") '
                                               f'&& ($.requestParameters.roleArn = "{arn}") }}'),
            metric_transformation=aws.cloudwatch.LogMetricFilterMetricTransformationArgs(
                name=metric, namespace=METRIC_NAMESPACE, value="1", default_value="0"),
            opts=pulumi.ResourceOptions(parent=self),
        )
        topic = [args.alarm_topic_arn]
        aws.cloudwatch.MetricAlarm(
            f"{name}-assumed-alarm", alarm_description=f"break-glass role {args.role_name} assumed: confirm it is a declared disaster",
            namespace=METRIC_NAMESPACE, metric_name=metric, statistic="Sum", period=60, evaluation_periods=1,
            datapoints_to_alarm=1, comparison_operator="GreaterThanOrEqualToThreshold", threshold=1,
            treat_missing_data="notBreaching", alarm_actions=topic, ok_actions=topic,
            tags=merge_tags(args.tags, f"{name}-assumed-alarm"), opts=pulumi.ResourceOptions(parent=self),
        )
