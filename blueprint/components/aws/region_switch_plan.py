"""RegionSwitchPlan: one workload's failover to its second region as an ARC Region switch plan
(``aws.arcregionswitch.Plan``), with a least-privilege execution role.

Why one plan per workload: a plan carries one recovery approach and one recovery time objective
(API_Plan: ``recoveryApproach``, ``recoveryTimeObjectiveMinutes``), and both follow the workload's
strategy and RTO; a stack-wide plan would have to take the weakest of them. Plans of one stack can
still be run together by a parent plan (Region switch "ARC Region switch plan execution block").

Children (component named ``n``; each step's name says what it automates, so a plan reader can
tell per workload which resource does what):

    ``n-execution-role``   IAM role Region switch assumes (trust: arc-region-switch.amazonaws.com)
    ``n-execution-policy`` its inline policy, every statement scoped to the workload's resources by ARN
    ``n-approver-role``    (manual approval) the role whose holders approve the failover step, and
    ``n-approver-policy``  its inline policy: arc-region-switch:ApprovePlanExecutionStep on this plan only
    ``n-eks-access-<r>``   (capacity step) EKS access entry of the execution role in region r's cluster, and
    ``n-eks-scaling-<r>``  its AmazonARCRegionSwitchScalingPolicy association, scoped to the workload's namespace
    ``n-plan``             the plan
    ``n-arn-<r>``          (a trigger with ``start_parameter``) SSM parameter in region r holding the plan's ARN,
                           written after the plan, for the FailoverProbe there that starts it directly

Triggers (automatic approval): per watched region, an alarm that lives in *another* region (a
FailoverProbe's, blueprint/components/aws/failover_probe.py: the surviving region probes the
watched one), handed in as ``trigger_alarms``. An alarm in the region it watches dies with it, so
the validator refuses one (Route 53 health-check alarms, evaluated in us-east-1 only, were that
case for a us-east-1 primary). Each trigger has two conditions, which must all be met (API_Trigger:
1..10 ``conditions``; API_TriggerCondition: ``red | green``): the watched region's alarm ``red`` AND
the surviving region's self-check alarm (``survivor_alarm_arn``) ``green``. A fault both regions
share (a bad release, a database both need, a WAF block of the probe, the probe cut off from both)
turns both red and fails nothing over; so does a survivor whose self-check is missing (its alarm
treats silence as breaching). With ``start_parameter`` the probe also starts the plan itself
(StartPlanExecution, failover_probe.py ``direct_start``), sooner than the trigger; the trigger is then the
backstop, and the plan writes its ARN to that SSM parameter for the probe (``n-arn-<r>``).

Edge or level: the API reference does not say whether Region switch starts a plan on an alarm that
is already red when the trigger is created, or again while the old primary stays red (the trigger's
``minDelayMinutesBetweenExecutions`` limits how often). The probe publishes no zeros until it saw the
endpoint up (failover_probe_handler.py), so a new stack's alarm is not red at creation; the first
drill (docs/runbooks/dr-drill.md) observes the rest.

Steps of the failover workflow (activate the second region; active-active: deactivate the impaired one):

1. ``approve-failover`` (ManualApproval) when a human declares the disaster (``approval="manual"``);
2. in parallel (neither waits for the other: the writer's promotion and new pods are independent):
   ``promote-database`` (AuroraGlobalDatabase, behavior ``failover``: an impaired primary cannot
   take a switchover) and ``scale-capacity`` (EKSResourceScaling of the workload's Deployment: its
   pending pods make the cluster autoscaler add GPU nodes); with ``capacity_after_traffic`` (a KEDA
   workload, whose HPA may scale the Deployment back down before traffic arrives) ``scale-capacity``
   runs after ``shift-traffic`` instead, so it can never hold the traffic step;
3. ``shift-traffic`` (Route53HealthCheck on the workload's failover/latency records) last, for both
   approaches: users are moved once the surviving region has a writer. Active/active needs it no
   sooner: its latency records already leave a failed endpoint by their endpoint health checks
   (blueprint/components/aws/dns_failover.py), and the plan's step only keeps the impaired region out
   once it answers again, which must not happen before the writer moved.

The Route53HealthCheck block creates one health check per region of the record, which moves
traffic only once the records use it (Region switch docs, "Amazon Route 53 health check execution
block", https://docs.aws.amazon.com/r53recovery/latest/dg/route53-health-check-block.html). The
component reads them back after the plan exists (``aws.arcregionswitch.get_route53_health_checks``,
ListRoute53HealthChecks: health check id, hosted zone, record name and region per check) and hands
them out as ``traffic_health_check_ids`` (region -> id), for DnsFailover's
``traffic_control_health_check_ids``: each record then answers only while its endpoint check and
the plan's check of its region are both healthy (blueprint/components/aws/dns_failover.py). Create order:
plan -> look-up -> the records' calculated checks -> records; the plan never reads the records.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal, Optional

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ._names import iam_role_name_prefix
from ._tags import merge_tags
from ._types import Tags

# API_Plan name: 1..32, [a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?
# (https://docs.aws.amazon.com/arc-region-switch/latest/api/API_Plan.html).
PLAN_NAME = re.compile(r"^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$")
# Trust policy of the plan execution role (r53recovery dg, security_iam_region_switch_trust_policy).
SERVICE_PRINCIPAL = "arc-region-switch.amazonaws.com"
# EKS access policy Region switch needs on each cluster of an EKSResourceScaling step (r53recovery
# dg, eks-resource-scaling-block: "Configure EKS access entry permissions").
EKS_SCALING_ACCESS_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonARCRegionSwitchScalingPolicy"
# The only capacity monitoring approach EKS resource scaling accepts (arc-region-switch API
# reference, EksResourceScalingConfiguration.capacityMonitoringApproach: sampledMaxInLast24Hours).
EKS_CAPACITY_MONITORING = "sampledMaxInLast24Hours"


class TriggerAlarm(BaseModel):
    """A CloudWatch alarm that starts the plan when the region it watches fails."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    alarm_arn: Any = Field(description="pulumi.Input[str]: the alarm's ARN.")
    alarm_region: str = Field(description="The region the alarm is evaluated in (never the region it watches).")
    # Required with automatic approval (the plan's validator): one probe's single signal must not fail over.
    survivor_alarm_arn: Any = Field(default=None, description="pulumi.Input[str]: alarm_region's own self-check alarm "
                                    "(a FailoverProbe's survivor alarm); the trigger fires only while it is green. Default None.")
    # The plan's ARN ends in a generated suffix (API_Plan arn) and the probe exists before the plan: it reads it here.
    start_parameter: Optional[str] = Field(default=None, description="SSM parameter (in alarm_region) to write the plan's "
                                           "ARN to, for a probe that starts the plan itself. Default None: none.")


class RegionSwitchPlanArgs(BaseModel):
    """One workload's Region switch plan. Every default is secure: nothing runs without a trigger or
    an approval of the caller's choosing, and the role reaches only the resources named here."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    plan_name: str = Field(description="Plan name, 1..32 letters, digits or '-' (unique in the account).")
    workload: str = Field(description="The workload the plan fails over (descriptions and the workload tag).")
    recovery_approach: Literal["activeActive", "activePassive"] = Field(
        description="activeActive: both regions serve (the plan deactivates the impaired one); activePassive: the "
        "plan activates the standby region.")
    primary_region: str = Field(description="The region that serves (writes) in steady state.")
    secondary_region: str = Field(description="The region the plan fails over to.")
    recovery_time_objective_minutes: int = Field(ge=1, description="The workload's RTO, rounded up to minutes.")
    approval: Literal["automatic", "manual"] = Field(
        description="manual: the workflow starts with an approval step; automatic: the impaired region's "
        "trigger alarm (trigger_alarms, evaluated outside that region) starts the plan.")
    # Our choice, not an AWS limit: long enough for an on-call engineer to be paged and decide.
    approval_timeout_minutes: int = Field(default=60, ge=1, description="How long the approval step waits. Default 60.")
    # Our choice: one automatic execution per hour at most, so a flapping health check cannot move
    # the workload back and forth.
    min_minutes_between_executions: int = Field(default=60, ge=1, description="Trigger damping. Default 60.")
    global_cluster_identifier: Any = Field(default=None, description="Aurora global cluster to fail over (None: no database step).")
    global_cluster_arn: Any = Field(default=None, description="Its ARN (the role may fail over this global cluster only).")
    database_cluster_arns: dict[str, Any] = Field(default_factory=dict, description="Region -> the global cluster's member ARN.")
    eks_cluster_arns: dict[str, Any] = Field(default_factory=dict, description="Region -> EKS cluster ARN (capacity step).")
    eks_cluster_names: dict[str, Any] = Field(default_factory=dict, description="Region -> EKS cluster name (access entries).")
    namespace: Optional[str] = Field(default=None, description="Namespace of the workload's Deployment (capacity step).")
    deployment: Optional[str] = Field(default=None, description="Name of the workload's Deployment (capacity step).")
    hpa_names: dict[str, str] = Field(default_factory=dict, description="Region -> the Deployment's HPA where one exists.")
    # False: the capacity step starts with the database's promotion (its pending pods start GPU nodes early).
    capacity_after_traffic: bool = Field(default=False, description="Run the capacity step after the traffic step, "
                                         "where another scaler (KEDA) may undo it until traffic arrives. Default False.")
    # 100: the activated region runs what the deactivated one ran (Region switch scales "relative to
    # the capacity in the Region that is being deactivated", eks-resource-scaling-block).
    capacity_target_percent: int = Field(default=100, ge=1, description="Capacity to reach, percent of the lost region's. Default 100.")
    hosted_zone_id: Any = Field(default=None, description="Route 53 zone of the workload's records (None: no traffic step).")
    record_name: Optional[str] = Field(default=None, description="The workload's failover/latency record name.")
    trigger_alarms: dict[str, TriggerAlarm] = Field(
        default_factory=dict, description="Watched region -> the alarm that starts the plan when that region fails "
        "(automatic approval; activePassive: the primary's, activeActive: both regions'). Default none.")
    tags: Tags = Field(default_factory=dict, description="Tags on every taggable child (the workload tag among them).")

    @model_validator(mode="after")
    def _consistent(self) -> "RegionSwitchPlanArgs":
        if not PLAN_NAME.match(self.plan_name):
            raise ValueError(f"plan_name: {self.plan_name!r} must be 1..32 letters, digits or '-', starting and ending "
                             "with a letter or digit (Region switch API_Plan name)")
        if self.primary_region == self.secondary_region:
            raise ValueError(f"secondary_region: {self.secondary_region!r} equals primary_region; a plan needs two regions")
        regions = {self.primary_region, self.secondary_region}
        for field in ("database_cluster_arns", "eks_cluster_arns", "eks_cluster_names"):
            given = set(getattr(self, field))
            if given and given != regions:
                raise ValueError(f"{field}: regions {sorted(given)}; pass one entry for each of {sorted(regions)}")
        if (self.global_cluster_identifier is None) != (not self.database_cluster_arns) or \
                (self.global_cluster_identifier is None) != (self.global_cluster_arn is None):
            raise ValueError("global_cluster_identifier: pass it with global_cluster_arn and database_cluster_arns, or none of them")
        if bool(self.eks_cluster_arns) != (self.deployment is not None and self.namespace is not None):
            raise ValueError("deployment: the capacity step needs eks_cluster_arns, eks_cluster_names, namespace and deployment together")
        if (self.hosted_zone_id is None) != (self.record_name is None):
            raise ValueError("record_name: the traffic step needs hosted_zone_id and record_name together")
        if self.approval == "automatic":
            self._check_triggers()
            self._check_survivors()
        if not (self.global_cluster_identifier or self.deployment or self.record_name):
            raise ValueError(f"{self.workload}: no database, capacity or traffic step to orchestrate; build no plan")
        return self

    def _check_survivors(self) -> None:
        for region, alarm in sorted(self.trigger_alarms.items()):
            if alarm.survivor_alarm_arn is None:
                raise ValueError(f"trigger_alarms: the alarm watching {region} has no survivor_alarm_arn; an automatic "
                                 f"failover needs {alarm.alarm_region}'s own self-check green as a second condition "
                                 "(a FailoverProbe with self_host), or use approval 'manual'")

    def _check_triggers(self) -> None:
        watched = {self.primary_region} if self.recovery_approach == "activePassive" else {self.primary_region, self.secondary_region}
        if not watched <= set(self.trigger_alarms):
            raise ValueError(f"trigger_alarms: watched regions {sorted(self.trigger_alarms)}; 'automatic' approval needs an "
                             f"alarm for each of {sorted(watched)} (e.g. a FailoverProbe's), or use approval 'manual'")
        for region, alarm in self.trigger_alarms.items():
            if alarm.alarm_region == region:
                raise ValueError(f"trigger_alarms: the alarm watching {region} is evaluated in {region} itself; it dies with "
                                 "the region and can never start the failover: evaluate it in the other region of the plan")


class RegionSwitchPlan(pulumi.ComponentResource):
    plan_arn: pulumi.Output[str]
    execution_role_arn: pulumi.Output[str]
    approver_role_arn: Optional[pulumi.Output[str]]
    # Region -> the Route 53 health check the plan's traffic step controls (empty: no traffic step).
    traffic_health_check_ids: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: RegionSwitchPlanArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:aws:RegionSwitchPlan", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            f"{name}-execution-role",
            name_prefix=iam_role_name_prefix(f"{name}-execution-role"),  # fits IAM's 64 (blueprint/components/aws/_names.py)
            description=f"ARC Region switch: fails {args.workload} over to {args.secondary_region}",
            assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"Service": SERVICE_PRINCIPAL}, "Action": "sts:AssumeRole"}]}),
            tags=merge_tags(args.tags, f"{name}-execution-role"), opts=child)
        approver = self._approver_role(name, args) if args.approval == "manual" else None
        triggers = {r: a.alarm_arn for r, a in args.trigger_alarms.items()} if args.approval == "automatic" else {}
        survivors = {a.alarm_region: a.survivor_alarm_arn for a in args.trigger_alarms.values()} if triggers else {}
        access = self._eks_access(name, args, role)
        policy = aws.iam.RolePolicy(f"{name}-execution-policy", role=role.id,
                                    policy=execution_policy(args, [triggers[r] for r in sorted(triggers)] +
                                                            [survivors[r] for r in sorted(survivors)], role.arn), opts=child)
        plan = aws.arcregionswitch.Plan(
            f"{name}-plan",
            name=args.plan_name,
            description=f"{args.workload}: failover from {args.primary_region} to {args.secondary_region}",
            execution_role=role.arn,
            recovery_approach=args.recovery_approach,
            # Sorted: `regions` forces a replacement (terraform-provider-aws arcregionswitch plan.go,
            # RequiresReplace), and `blueprint rebuild` swaps primary and secondary; the order says nothing
            # (primary_region does).
            regions=sorted([args.primary_region, args.secondary_region]),
            primary_region=args.primary_region,
            recovery_time_objective_minutes=args.recovery_time_objective_minutes,
            workflows=workflows(args, approver.arn if approver is not None else None),
            associated_alarms=[{"map_block_key": f"trigger-{r}", "alarm_type": "trigger", "resource_identifier": arn}
                               for r, arn in sorted(triggers.items())] +
                              [{"map_block_key": f"survivor-{r}", "alarm_type": "trigger", "resource_identifier": arn}
                               for r, arn in sorted(survivors.items())] or None,
            triggers=plan_triggers(args) or None,
            tags=merge_tags(args.tags, f"{name}-plan"),
            # The role must hold its permissions before the plan's first evaluation runs. A replaced plan
            # (name, regions or approach changed) keeps its account-unique name: delete the old one first,
            # or the create of the new one fails on the name.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy, *access], delete_before_replace=True),
        )
        self._start_parameters(name, args, plan)
        if approver is not None:
            aws.iam.RolePolicy(f"{name}-approver-policy", role=approver.id, policy=plan.arn.apply(_approver_policy), opts=child)
        self.plan_arn = plan.arn
        self.execution_role_arn = role.arn
        self.approver_role_arn = approver.arn if approver is not None else None
        self.traffic_health_check_ids = self._traffic_checks(args, plan) if args.record_name is not None else {}
        self.register_outputs({"plan_arn": self.plan_arn, "execution_role_arn": self.execution_role_arn,
                               "approver_role_arn": self.approver_role_arn,
                               "traffic_health_check_ids": self.traffic_health_check_ids})

    def _start_parameters(self, name: str, args: RegionSwitchPlanArgs, plan: aws.arcregionswitch.Plan) -> None:
        """The plan's ARN in each probe's region, after the plan (its value is the plan's output): plain String, an
        ARN is no secret, so ``insecure_value`` (pulumi-aws ssm.Parameter: "Use for non-sensitive values only"; the
        ``value`` input is always a secret), which also lets a plan reader see which plan it names."""
        if args.approval != "automatic":
            return
        for alarm in sorted(args.trigger_alarms.values(), key=lambda a: a.alarm_region):
            if alarm.start_parameter is None:
                continue
            aws.ssm.Parameter(
                f"{name}-arn-{alarm.alarm_region}", region=alarm.alarm_region, name=alarm.start_parameter, type="String",
                insecure_value=plan.arn, description=f"ARN of the Region switch plan of {args.workload}, for its failover probe",
                tags=merge_tags(args.tags, f"{name}-arn-{alarm.alarm_region}"), opts=pulumi.ResourceOptions(parent=self))

    def _traffic_checks(self, args: RegionSwitchPlanArgs, plan: aws.arcregionswitch.Plan) -> dict[str, pulumi.Output[str]]:
        """Region -> the health check Region switch created for the traffic step's record there."""
        found = aws.arcregionswitch.get_route53_health_checks_output(
            plan_arn=plan.arn, opts=pulumi.InvokeOutputOptions(parent=self))
        return {region: found.apply(lambda res, r=region: traffic_check_id(res.health_checks, args.record_name, r, args.plan_name))
                for region in (args.primary_region, args.secondary_region)}

    def _approver_role(self, name: str, args: RegionSwitchPlanArgs) -> aws.iam.Role:
        """Principals of the account that are allowed to assume it (by their own policies) approve."""
        account = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        partition = aws.get_partition_output(opts=pulumi.InvokeOutputOptions(parent=self)).partition
        trust = pulumi.Output.all(partition, account).apply(lambda a: json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:{a[0]}:iam::{a[1]}:root"}, "Action": "sts:AssumeRole"}]}))
        return aws.iam.Role(
            f"{name}-approver-role",
            name_prefix=iam_role_name_prefix(f"{name}-approver-role"),
            description=f"Approves the failover of {args.workload} to {args.secondary_region} (ARC Region switch)",
            assume_role_policy=trust, tags=merge_tags(args.tags, f"{name}-approver-role"),
            opts=pulumi.ResourceOptions(parent=self))

    def _eks_access(self, name: str, args: RegionSwitchPlanArgs, role: aws.iam.Role) -> list[pulumi.Resource]:
        """The execution role may scale the workload's namespace only, in each region's cluster."""
        created: list[pulumi.Resource] = []
        for region, cluster in sorted(args.eks_cluster_names.items()):
            entry = aws.eks.AccessEntry(
                f"{name}-eks-access-{region}", region=region, cluster_name=cluster, principal_arn=role.arn, type="STANDARD",
                tags=merge_tags(args.tags, f"{name}-eks-access-{region}"), opts=pulumi.ResourceOptions(parent=self))
            created.append(aws.eks.AccessPolicyAssociation(
                f"{name}-eks-scaling-{region}", region=region, cluster_name=cluster, principal_arn=entry.principal_arn,
                policy_arn=EKS_SCALING_ACCESS_POLICY,
                access_scope=aws.eks.AccessPolicyAssociationAccessScopeArgs(type="namespace", namespaces=[args.namespace]),
                opts=pulumi.ResourceOptions(parent=self)))
        return created


def traffic_check_id(checks: Any, record_name: str, region: str, plan_name: str) -> str:
    """The id of the plan's health check for ``record_name`` in ``region`` (ListRoute53HealthChecks
    items: healthCheckId, hostedZoneId, recordName, region, status)."""
    for check in checks or ():
        if check.region == region and check.record_name.rstrip(".") == record_name.rstrip("."):
            return check.health_check_id
    seen = sorted(f"{c.record_name}@{c.region}" for c in checks or ())
    raise ValueError(f"Region switch plan {plan_name!r} has no Route 53 health check for {record_name} in {region} "
                     f"(it has {seen or 'none yet'}); its traffic step creates one per region of the record: run "
                     "`pulumi up` again once the plan's Health checks tab lists them")


def _approver_policy(plan_arn: str) -> str:
    # r53recovery dg, security_iam_region_switch_manual_approval: ApprovePlanExecutionStep on the plan.
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "ApproveThisPlan", "Effect": "Allow", "Action": "arc-region-switch:ApprovePlanExecutionStep", "Resource": plan_arn}]})


def execution_policy(args: RegionSwitchPlanArgs, trigger_alarm_arns: list[Any], role_arn: Any) -> pulumi.Output[str]:
    """The execution role's statements, each scoped to the workload's own resources (the sample
    policies of r53recovery dg "Execution block permissions" and "Plan execution trigger
    permissions", with their '*' describe statements narrowed to the same ARNs), plus what every plan
    execution and plan evaluation needs (_plan_statements)."""
    regions = sorted({args.primary_region, args.secondary_region})
    db = [args.global_cluster_arn, *(args.database_cluster_arns[r] for r in regions)] if args.global_cluster_identifier else []
    eks = [args.eks_cluster_arns[r] for r in regions] if args.eks_cluster_arns else []
    zone = [args.hosted_zone_id] if args.hosted_zone_id is not None else []
    return pulumi.Output.all(db, eks, zone, trigger_alarm_arns, role_arn).apply(
        lambda v: json.dumps(_statements(*v[:4], plan=_plan_statements(v[4], args.plan_name))))


def _plan_statements(role_arn: str, plan_name: str) -> list[dict]:
    """The AWS managed policy AmazonApplicationRecoveryControllerRegionSwitchPlanExecutionPolicy (v1,
    https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonApplicationRecoveryControllerRegionSwitchPlanExecutionPolicy.html:
    "Grants permissions to ARC Region switch for plan execution and plan evaluation") narrowed: its
    arc-region-switch reads to this plan, its iam:SimulatePrincipalPolicy (plan evaluation checks the role's
    permissions) to this role. Its CloudWatch reads are in _statements, on the trigger alarms.

    The plan ARN in both forms AWS documents: ``plan/<name>:<suffix>`` (API_RegionSwitchPlanConfiguration
    arn pattern ``...:plan/(<name>):([a-z0-9]{6})``) and ``plan/<name>/<suffix>`` (the r53recovery dg sample
    policy "Region switch plan execution block sample policy": ``plan/child-plan-1/abcde1``)."""
    _, partition, _, _, account, _ = role_arn.split(":", 5)
    plan = [f"arn:{partition}:arc-region-switch::{account}:plan/{plan_name}{sep}*" for sep in (":", "/")]
    return [
        {"Sid": "GetPlanAndExecutions", "Effect": "Allow", "Resource": plan,
         "Action": ["arc-region-switch:GetPlan", "arc-region-switch:GetPlanExecution", "arc-region-switch:ListPlanExecutions"]},
        {"Sid": "PlanEvaluation", "Effect": "Allow", "Action": "iam:SimulatePrincipalPolicy", "Resource": role_arn},
    ]


def _statements(db: list[str], eks: list[str], zone: list[str], alarms: list[str], plan: Optional[list[dict]] = None) -> dict:
    statements = list(plan or [])
    if db:
        # security_iam_region_switch_aurora.
        statements.append({"Sid": "AuroraGlobalFailover", "Effect": "Allow", "Resource": db, "Action": [
            "rds:DescribeGlobalClusters", "rds:DescribeDBClusters", "rds:FailoverGlobalCluster", "rds:SwitchoverGlobalCluster"]})
    if eks:
        # security_iam_region_switch_eks: the clusters and their access entries.
        statements.append({"Sid": "EksDescribe", "Effect": "Allow", "Action": "eks:DescribeCluster", "Resource": eks})
        entries = [arn.replace(":cluster/", ":access-entry/", 1) + "/*" for arn in eks]
        statements.append({"Sid": "EksAccessEntries", "Effect": "Allow", "Action": "eks:ListAssociatedAccessPolicies", "Resource": entries})
    if zone:
        # security_iam_region_switch_route53: the record sets of the workload's zone.
        partition = (db or eks or ["arn:aws"])[0].split(":")[1]
        statements.append({"Sid": "Route53Records", "Effect": "Allow", "Action": "route53:ListResourceRecordSets",
                           "Resource": [f"arn:{partition}:route53:::hostedzone/{z}" for z in zone]})
    if alarms:
        # security_iam_region_switch_triggers / _reports and the managed execution policy's "CloudWatch"
        # statement: read the trigger alarms, and their metric (GetMetricStatistics has no resource type:
        # Service Authorization Reference, Amazon CloudWatch, so it takes "*").
        statements.append({"Sid": "TriggerAlarms", "Effect": "Allow", "Resource": alarms,
                           "Action": ["cloudwatch:DescribeAlarms", "cloudwatch:DescribeAlarmHistory"]})
        statements.append({"Sid": "TriggerMetrics", "Effect": "Allow", "Resource": "*", "Action": "cloudwatch:GetMetricStatistics"})
    return {"Version": "2012-10-17", "Statement": statements}


def _database_step(args: RegionSwitchPlanArgs, behavior: str = "failover") -> Optional[dict]:
    """``failover`` when a region is lost (an impaired primary cannot take a switchover);
    ``switchoverOnly`` for a planned return (no data loss). Both are the AuroraGlobalDatabase
    block's behaviors (pulumi-aws arcregionswitch Plan: ``switchoverOnly``, ``failover``); an
    ungraceful execution fails over either way."""
    if args.global_cluster_identifier is None:
        return None
    regions = (args.primary_region, args.secondary_region)
    verb = "failover" if behavior == "failover" else "switchover"
    return {"name": "promote-database", "execution_block_type": "AuroraGlobalDatabase",
            "description": f"Aurora global {verb} of {args.workload}'s database to the activated region",
            "global_aurora_configs": [{"behavior": behavior, "global_cluster_identifier": args.global_cluster_identifier,
                                       "database_cluster_arns": [args.database_cluster_arns[r] for r in regions],
                                       "ungracefuls": [{"ungraceful": "failover"}]}]}


def _capacity_step(args: RegionSwitchPlanArgs) -> Optional[dict]:
    if args.deployment is None:
        return None
    regions = (args.primary_region, args.secondary_region)
    resources = [{"resource_name": r, "name": args.deployment, "namespace": args.namespace,
                  **({"hpa_name": args.hpa_names[r]} if r in args.hpa_names else {})} for r in regions]
    return {"name": "scale-capacity", "execution_block_type": "EKSResourceScaling",
            "description": f"{args.workload}'s Deployment to {args.capacity_target_percent}% of the lost region's replicas "
                           "(the cluster autoscaler adds the GPU nodes they need)",
            "eks_resource_scaling_configs": [{
                "capacity_monitoring_approach": EKS_CAPACITY_MONITORING, "target_percent": args.capacity_target_percent,
                "kubernetes_resource_types": [{"api_version": "apps/v1", "kind": "Deployment"}],
                "eks_clusters": [{"cluster_arn": args.eks_cluster_arns[r]} for r in regions],
                "scaling_resources": [{"namespace": args.namespace, "resources": resources}]}]}


def _traffic_step(args: RegionSwitchPlanArgs) -> Optional[dict]:
    if args.record_name is None:
        return None
    regions = (args.primary_region, args.secondary_region)
    return {"name": "shift-traffic", "execution_block_type": "Route53HealthCheck",
            "description": f"{args.record_name}: traffic to the activated region",
            # DnsFailover's records carry the region as their set identifier.
            "route53_health_check_configs": [{"hosted_zone_id": args.hosted_zone_id, "record_name": args.record_name,
                                              "record_sets": [{"record_set_identifier": r, "region": r} for r in regions]}]}


def _together(steps: list[dict]) -> list[dict]:
    """Independent steps in one Parallel step (a single one stays as it is)."""
    if len(steps) < 2:
        return steps
    return [{"name": "database-and-capacity", "execution_block_type": "Parallel", "parallel_configs": [{"steps": steps}]}]


def workflows(args: RegionSwitchPlanArgs, approver_arn: Any) -> list[dict]:
    """activePassive: activate the second region (approval, database + capacity, traffic), and
    activate the primary again (switchover + capacity, traffic). activeActive: deactivate the impaired region (approval, database + capacity, traffic) and
    activate it again when it is back (capacity, traffic). With ``capacity_after_traffic`` the capacity step
    comes after the traffic step in every workflow."""
    approval = [{"name": "approve-failover", "execution_block_type": "ManualApproval",
                 "description": f"A human declares the disaster for {args.workload}",
                 "execution_approval_configs": [{"approval_role": approver_arn, "timeout_minutes": args.approval_timeout_minutes}]}]
    approval = approval if approver_arn is not None else []
    database, capacity, traffic = _database_step(args), _capacity_step(args), _traffic_step(args)
    # A capacity step another scaler may undo (capacity_after_traffic) must never hold the traffic step.
    late = [capacity] if capacity is not None and args.capacity_after_traffic and traffic is not None else []
    middle = _together([s for s in (database, None if late else capacity) if s is not None])
    if args.recovery_approach == "activePassive":
        # The return (failback, or the end of a drill) is a planned move a human starts: no approval
        # step, a switchover. Without it the primary's Region switch health check, which the records
        # use (blueprint/components/aws/dns_failover.py), would stay unhealthy after a failover.
        back = _together([s for s in (_database_step(args, "switchoverOnly"), None if late else capacity) if s is not None])
        return [{"workflow_target_action": "activate", "workflow_target_region": args.secondary_region,
                 "workflow_description": f"Fail {args.workload} over to {args.secondary_region}",
                 "steps": approval + middle + ([traffic] if traffic else []) + late},
                {"workflow_target_action": "activate", "workflow_target_region": args.primary_region,
                 "workflow_description": f"Bring {args.workload} back to {args.primary_region} (planned)",
                 "steps": back + ([traffic] if traffic else []) + late}]
    returning = ([traffic] + late if late else [s for s in (capacity, traffic) if s is not None]) or middle
    return [
        # The writer first: the survivor's sessions forward their writes to the lost writer until the
        # promotion (Aurora write forwarding), and the plan's traffic step must not settle users there sooner.
        {"workflow_target_action": "deactivate", "workflow_description": f"Take the impaired region out of {args.workload}",
         "steps": approval + middle + ([traffic] if traffic else []) + late},
        {"workflow_target_action": "activate", "workflow_description": f"Bring a recovered region back into {args.workload}",
         "steps": returning},
    ]


def plan_triggers(args: RegionSwitchPlanArgs) -> list[dict]:
    """automatic: the impaired region's trigger alarm starts the plan (activePassive: activate the
    second region when the primary fails; activeActive: deactivate whichever region fails)."""
    if args.approval != "automatic":
        return []
    if args.recovery_approach == "activePassive":
        pairs = [(args.primary_region, "activate", args.secondary_region)]
    else:
        pairs = [(r, "deactivate", r) for r in (args.primary_region, args.secondary_region)]
    return [{"action": action, "target_region": target, "min_delay_minutes_between_executions": args.min_minutes_between_executions,
             "description": f"{args.workload}: {region} unreachable from {args.trigger_alarms[region].alarm_region}, "
                            f"which answers itself",
             # All conditions must be met (API_Trigger): watched red AND the survivor's self-check green.
             "conditions": [{"associated_alarm_name": f"trigger-{region}", "condition": "red"},
                            {"associated_alarm_name": f"survivor-{args.trigger_alarms[region].alarm_region}", "condition": "green"}]}
            for region, action, target in pairs]
