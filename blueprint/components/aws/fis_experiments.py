"""FisExperiments: the drills of one region of a stack as AWS FIS experiment templates, built after
the FIS scenario library's "AZ Availability: Power Interruption" (one template per zone) and
"Cross-Region: Connectivity" (one template towards the stack's other region)
(https://docs.aws.amazon.com/fis/latest/userguide/az-availability-scenario.html,
https://docs.aws.amazon.com/fis/latest/userguide/cross-region-scenario.html).

Children (component named ``n``):

    ``n-role``                  IAM role FIS assumes (trust: fis.amazonaws.com)
    ``n-role-<ec2|network|rds>`` the FIS-maintained managed policies of the actions used (their writes are
                                conditioned on FIS's own ``managedByFIS`` tags, and kept up to date by AWS)
    ``n-role-policy``           inline: experiment logging, insufficient-capacity errors on the region's Auto Scaling
                                groups (not in AWSFaultInjectionSimulatorEC2Access), and pausing replication of
                                the stack's vaults only
    ``n-logs``                  CloudWatch log group of the experiments, encrypted with the region's CMK
    ``n-stop``                  composite alarm: ALARM while any of the given impact alarms is (the stop condition)
    ``n-az-power-<zone>``       per zone: stop the cluster's nodes in the zone (restarted after the outage),
                                insufficient capacity for its node groups there, the zone's private subnet cut
                                off for the first minutes, Aurora failover of clusters whose writer is there
    ``n-cross-region-<peer>``   block the private subnets' traffic to the peer region, pause the vaults' replication
                                (the vault buckets of the region, selected by their ``blueprint:backup-vault`` tag:
                                that action only supports targeting by tags)

Every experiment stops on the stop alarm (the workloads' customer-impact alarms: load balancer 5xx,
queue age): an experiment without a stop condition is refused. Targets the scenario cannot find
are skipped (``emptyTargetResolutionMode: skip``, as the scenario library does), so a zone without
a database writer still runs the rest.

Precondition of the cross-region drill (not something the stack can set): FIS isolates the region by
creating route tables holding every route of the peer region, so the account's Amazon VPC quota
"Routes per route table" must first be raised to 250 (350 when the peer region is us-east-1) plus the
routes of the existing route tables (FIS actions reference, aws:network:route-table-disrupt-cross-region-connectivity:
https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html#route-table-disrupt-cross-region-connectivity);
docs/deploying.md lists it for the deployer.
"""

from __future__ import annotations

import json
import re
from typing import Any, Optional

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ._names import fit_name, iam_role_name_prefix
from ._tags import merge_tags
from ._types import KmsKeyArn, Tags
from .backup_vault import VAULT_TAG_KEY, VAULT_TAG_VALUE

SERVICE_PRINCIPAL = "fis.amazonaws.com"
# FIS-maintained policies for the actions used (https://docs.aws.amazon.com/fis/latest/userguide/security-iam-awsmanpol.html).
MANAGED_POLICIES = {
    # stop-instances only: its v10 grants instance actions, kms:CreateGrant, SSM, DescribeInstances and DescribeSubnets,
    # not ec2:InjectApiError nor autoscaling:DescribeAutoScalingGroups, which asg-insufficient-instance-capacity-error
    # needs (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSFaultInjectionSimulatorEC2Access.html):
    # inline_policy grants those.
    "ec2": "AWSFaultInjectionSimulatorEC2Access",
    "network": "AWSFaultInjectionSimulatorNetworkAccess",  # disrupt-connectivity, route-table-disrupt-cross-region-connectivity
    "rds": "AWSFaultInjectionSimulatorRDSAccess",  # failover-db-cluster
}
# The zone outage's "no new capacity" action (FIS actions reference, Amazon EC2 actions).
CAPACITY_ERROR_ACTION = "aws:ec2:asg-insufficient-instance-capacity-error"
# ISO 8601 durations as FIS takes them ("PT30M"), whole minutes or hours.
DURATION = re.compile(r"^PT([1-9]\d*)(M|H)$")
# PutCompositeAlarm AlarmName: 1..255 characters.
ALARM_NAME_MAX = 255
# CloudWatch Logs retention; 365 days: a drill's evidence is kept a year (and checkov CKV_AWS_338 asks for it).
LOG_RETENTION_DAYS = 365


class FisExperimentsArgs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    region: str = Field(description="The region the experiments run in (the experiment Region).")
    zones: list[str] = Field(min_length=1, description="The region's zones used by the stack: one power-interruption template each.")
    cluster_name: Any = Field(default=None, description="EKS cluster whose nodes and node groups lose the zone (None: no compute actions).")
    subnet_arns_by_zone: dict[str, Any] = Field(default_factory=dict, description="Zone -> ARN of the stack's private subnet there.")
    database_cluster_arns: list[Any] = Field(default_factory=list,
                                             description="Aurora clusters of the region (failed over when their writer is in the zone).")
    peer_region: Optional[str] = Field(default=None, description="The stack's other region (None: no cross-region template).")
    vault_bucket_arns: list[Any] = Field(
        default_factory=list,
        description="Vault buckets (BackupVault) of the region replicating to the peer region: the role may pause only "
        "their replication. The experiment selects the region's buckets tagged blueprint:backup-vault=true, so pass "
        "every vault of the region (the composer's all replicate when the stack has a second region).")
    stop_alarm_names: list[Any] = Field(description="Names of the customer-impact alarms that stop every experiment (at least one).")
    kms_key_arn: KmsKeyArn = Field(description="The region's customer-managed key: encrypts the experiment log group.")
    # The scenario library's defaults: 30 minutes of power interruption, the subnet cut for the
    # first 2 minutes (timeouts and DNS refresh), 3 hours of cross-Region isolation (at most 12).
    outage_duration: str = Field(default="PT30M", description="Zone outage (nodes stopped, no capacity). Default PT30M.")
    subnet_disruption_duration: str = Field(default="PT2M", description="Zone subnet cut off. Default PT2M.")
    cross_region_duration: str = Field(default="PT3H", description="Cross-region isolation, at most PT12H. Default PT3H.")
    tags: Tags = Field(default_factory=dict, description="Tags on every taggable child.")

    @field_validator("outage_duration", "subnet_disruption_duration", "cross_region_duration")
    @classmethod
    def _duration(cls, v: str, info) -> str:
        match = DURATION.match(v)
        if not match:
            raise ValueError(f"{info.field_name}: {v!r} is not an ISO 8601 duration in whole minutes or hours, e.g. 'PT30M' or 'PT3H'")
        minutes = int(match.group(1)) * (60 if match.group(2) == "H" else 1)
        if minutes > 12 * 60:
            raise ValueError(f"{info.field_name}: {v!r} is longer than FIS's 12 hours")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> "FisExperimentsArgs":
        if not self.stop_alarm_names:
            raise ValueError("stop_alarm_names: an experiment without a stop condition is refused; pass the workloads' "
                             "customer-impact alarms in this region")
        unknown = sorted(set(self.subnet_arns_by_zone) - set(self.zones))
        if unknown:
            raise ValueError(f"subnet_arns_by_zone: zones {unknown} are not in zones {self.zones}")
        if self.peer_region == self.region:
            raise ValueError(f"peer_region: {self.peer_region!r} is the experiment region itself; pass the stack's other region")
        return self


class FisExperiments(pulumi.ComponentResource):
    template_ids: dict[str, pulumi.Output[str]]
    role_arn: pulumi.Output[str]

    def __init__(self, name: str, args: FisExperimentsArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:aws:FisExperiments", name, None, opts)
        role = self._role(name, args)
        logs = aws.cloudwatch.LogGroup(f"{name}-logs", kms_key_id=args.kms_key_arn, retention_in_days=LOG_RETENTION_DAYS,
                                       tags=merge_tags(args.tags, f"{name}-logs"), opts=pulumi.ResourceOptions(parent=self))
        stop = aws.cloudwatch.CompositeAlarm(
            f"{name}-stop", alarm_name=fit_name(f"{name}-stop", max_length=ALARM_NAME_MAX),
            alarm_description=f"Stops the FIS experiments in {args.region}: customers see errors",
            alarm_rule=pulumi.Output.all(*args.stop_alarm_names).apply(lambda n: " OR ".join(f'ALARM("{x}")' for x in sorted(n))),
            tags=merge_tags(args.tags, f"{name}-stop"), opts=pulumi.ResourceOptions(parent=self))
        common = {"role_arn": role.arn, "stop_conditions": [{"source": "aws:cloudwatch:alarm", "value": stop.arn}],
                  "log_configuration": {"log_schema_version": 2,
                                        "cloudwatch_logs_configuration": {"log_group_arn": logs.arn.apply(lambda a: f"{a}:*")}},
                  "experiment_options": {"account_targeting": "single-account", "empty_target_resolution_mode": "skip"}}
        self.template_ids = {}
        for zone in args.zones:
            actions, targets = az_power_interruption(args, zone)
            self.template_ids[f"az-power-{zone}"] = self._template(f"{name}-az-power-{zone}", args, actions, targets, common,
                                                                   f"AZ Availability: Power Interruption of {zone}")
        if args.peer_region is not None:
            actions, targets = cross_region_connectivity(args)
            if actions:
                self.template_ids[f"cross-region-{args.peer_region}"] = self._template(
                    f"{name}-cross-region-{args.peer_region}", args, actions, targets, common,
                    f"Cross-Region: Connectivity from {args.region} to {args.peer_region}")
        self.role_arn = role.arn
        self.register_outputs({"template_ids": self.template_ids, "role_arn": self.role_arn})

    def _template(self, child_name: str, args: FisExperimentsArgs, actions: list[dict], targets: list[dict],
                  common: dict, description: str) -> pulumi.Output[str]:
        return aws.fis.ExperimentTemplate(
            child_name, description=description, actions=actions, targets=targets, **common,
            tags=merge_tags(args.tags, child_name), opts=pulumi.ResourceOptions(parent=self)).id

    def _role(self, name: str, args: FisExperimentsArgs) -> aws.iam.Role:
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            f"{name}-role", name_prefix=iam_role_name_prefix(f"{name}-role"),
            description=f"AWS FIS experiments of {args.region}",
            assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"Service": SERVICE_PRINCIPAL}, "Action": "sts:AssumeRole"}]}),
            tags=merge_tags(args.tags, f"{name}-role"), opts=child)
        partition = aws.get_partition_output(opts=pulumi.InvokeOutputOptions(parent=self)).partition
        for key, policy in MANAGED_POLICIES.items():
            aws.iam.RolePolicyAttachment(f"{name}-role-{key}", role=role.name,
                                         policy_arn=partition.apply(lambda p, n=policy: f"arn:{p}:iam::aws:policy/service-role/{n}"),
                                         opts=child)
        groups: Any = None
        if args.cluster_name is not None:  # the capacity-error action targets the region's Auto Scaling groups
            account = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
            groups = pulumi.Output.all(partition, account).apply(lambda a: auto_scaling_group_arns(a[0], args.region, a[1]))
        policy = pulumi.Output.all(groups, *args.vault_bucket_arns).apply(
            lambda v: json.dumps(inline_policy(list(v[1:]), peer_region=args.peer_region, auto_scaling_group_arns=v[0])))
        aws.iam.RolePolicy(f"{name}-role-policy", role=role.id, policy=policy, opts=child)
        return role


def auto_scaling_group_arns(partition: str, region: str, account: str) -> str:
    """Every Auto Scaling group of the account in the region, as an ARN pattern (arn:<p>:autoscaling:<region>:
    <account>:autoScalingGroup:<uuid>:autoScalingGroupName/<name>, the form of the FIS example policy for
    ec2:FisTargetArns): the node groups' names are only known once EKS has created them."""
    return f"arn:{partition}:autoscaling:{region}:{account}:autoScalingGroup:*:autoScalingGroupName/*"


def inline_policy(bucket_arns: list[str], *, peer_region: Optional[str] = None,
                  auto_scaling_group_arns: Optional[str] = None) -> dict:
    """Experiment logging (FIS "Experiment logging permissions": log delivery has no resource-level
    permissions); insufficient-capacity errors on the Auto Scaling groups; pausing the vaults' replication,
    scoped to the vault buckets (the S3 statements of AWS Resilience Hub's "Multi-Region: isolation"
    policy, narrowed from arn:aws:s3:::* to them). Permissions per action: FIS actions reference
    (https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html); conditions: FIS example
    policies "Use condition keys for ec2:InjectApiError" and "... for aws:s3:bucket-pause-replication"
    (https://docs.aws.amazon.com/fis/latest/userguide/security_iam_id-based-policy-examples.html)."""
    statements: list[dict] = [{"Sid": "ExperimentLogDelivery", "Effect": "Allow", "Resource": "*", "Action": [
        "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries", "logs:DescribeResourcePolicies", "logs:PutResourcePolicy", "logs:DescribeLogGroups"]}]
    if auto_scaling_group_arns:
        statements += _capacity_error_statements(auto_scaling_group_arns)
    if bucket_arns:
        pause: dict = {"Sid": "PauseVaultReplication", "Effect": "Allow", "Action": "s3:PauseReplication", "Resource": bucket_arns}
        if peer_region is not None:  # only replication towards the peer region
            pause["Condition"] = {"StringEquals": {"s3:DestinationRegion": peer_region}}
        statements += [
            pause,
            {"Sid": "VaultReplicationConfiguration", "Effect": "Allow", "Resource": bucket_arns,
             "Action": ["s3:GetReplicationConfiguration", "s3:PutReplicationConfiguration"],
             "Condition": {"BoolIfExists": {"s3:IsReplicationPauseRequest": "true"}}},
            {"Sid": "ListBucketsForTargets", "Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"},
            # The vaults are found by tag (the action only supports targeting by tags); tag:GetResources
            # has no resource-level permissions.
            {"Sid": "FindVaultsByTag", "Effect": "Allow", "Action": "tag:GetResources", "Resource": "*"},
        ]
    return {"Version": "2012-10-17", "Statement": statements}


def _capacity_error_statements(auto_scaling_group_arns: str) -> list[dict]:
    """ec2:InjectApiError only for aws:ec2:asg-insufficient-instance-capacity-error AND only on Auto
    Scaling groups (both condition keys in one statement: the actions reference asks for both), and
    autoscaling:DescribeAutoScalingGroups (no resource-level permissions) to resolve the targets."""
    return [
        {"Sid": "InjectCapacityErrorsIntoAutoScalingGroups", "Effect": "Allow", "Action": "ec2:InjectApiError", "Resource": "*",
         "Condition": {"StringEquals": {"ec2:FisActionId": CAPACITY_ERROR_ACTION},
                       "ForAllValues:ArnLike": {"ec2:FisTargetArns": [auto_scaling_group_arns]}}},
        {"Sid": "DescribeAutoScalingGroups", "Effect": "Allow", "Action": "autoscaling:DescribeAutoScalingGroups", "Resource": "*"},
    ]


def _action(name: str, action_id: str, target_key: str, target: str, description: str, **parameters: Any) -> dict:
    action: dict = {"name": name, "action_id": action_id, "description": description, "target": {"key": target_key, "value": target}}
    if parameters:
        action["parameters"] = [{"key": k, "value": v} for k, v in parameters.items()]
    return action


def az_power_interruption(args: FisExperimentsArgs, zone: str) -> tuple[list[dict], list[dict]]:
    """The scenario's zonal actions on the stack's resources in ``zone`` (action ids, target keys and
    parameters: https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html; target
    resource types and their parameters: https://docs.aws.amazon.com/fis/latest/userguide/targets.html)."""
    actions, targets = [], []
    if args.cluster_name is not None:
        # Managed node groups' instances carry eks:cluster-name; their Auto Scaling groups the
        # cluster autoscaler's discovery tag k8s.io/cluster-autoscaler/<cluster> (blueprint/components/aws/gpu_node_pool.py).
        targets.append({"name": "nodes", "resource_type": "aws:ec2:instance", "selection_mode": "ALL",
                        "resource_tags": [{"key": "eks:cluster-name", "value": args.cluster_name}],
                        "filters": [{"path": "Placement.AvailabilityZone", "values": [zone]}, {"path": "State.Name", "values": ["running"]}]})
        targets.append({"name": "node-groups", "resource_type": "aws:ec2:autoscaling-group", "selection_mode": "ALL",
                        "resource_tags": [{"key": pulumi.Output.from_input(args.cluster_name).apply(lambda c: f"k8s.io/cluster-autoscaler/{c}"),
                                           "value": "owned"}]})
        actions.append(_action("stop-nodes", "aws:ec2:stop-instances", "Instances", "nodes",
                               f"The cluster's nodes in {zone} lose power; restarted after the outage",
                               startInstancesAfterDuration=args.outage_duration, completeIfInstancesTerminated="true"))
        actions.append(_action("no-capacity-in-zone", CAPACITY_ERROR_ACTION, "AutoScalingGroups",
                               "node-groups", f"No new nodes in {zone} during the outage",
                               availabilityZoneIdentifiers=zone, duration=args.outage_duration, percentage="100"))
    if zone in args.subnet_arns_by_zone:
        targets.append({"name": "subnet", "resource_type": "aws:ec2:subnet", "selection_mode": "ALL",
                        "resource_arns": [args.subnet_arns_by_zone[zone]]})
        actions.append(_action("cut-subnet", "aws:network:disrupt-connectivity", "Subnets", "subnet",
                               f"The private subnet of {zone} is cut off (timeouts, DNS refresh)",
                               scope="all", duration=args.subnet_disruption_duration))
    if args.database_cluster_arns:
        targets.append({"name": "databases", "resource_type": "aws:rds:cluster", "selection_mode": "ALL",
                        "resource_arns": list(args.database_cluster_arns), "parameters": {"writerAvailabilityZoneIdentifiers": zone}})
        actions.append(_action("failover-database", "aws:rds:failover-db-cluster", "Clusters", "databases",
                               f"Aurora clusters whose writer is in {zone} fail over"))
    return actions, targets


def cross_region_connectivity(args: FisExperimentsArgs) -> tuple[list[dict], list[dict]]:
    """The scenario's actions this stack has targets for (no transit gateways, no DynamoDB)."""
    actions, targets = [], []
    subnets = [args.subnet_arns_by_zone[z] for z in args.zones if z in args.subnet_arns_by_zone]
    if subnets:
        targets.append({"name": "subnets", "resource_type": "aws:ec2:subnet", "selection_mode": "ALL", "resource_arns": subnets})
        actions.append(_action("isolate-region", "aws:network:route-table-disrupt-cross-region-connectivity", "Subnets", "subnets",
                               f"Private subnets lose their routes to {args.peer_region}",
                               region=args.peer_region, duration=args.cross_region_duration))
    if args.vault_bucket_arns:
        # By tag, not ARN: "This action only supports targeting by tags" (actions reference,
        # aws:s3:bucket-pause-replication). FIS resolves tags in the experiment's region, so the
        # target is the vault buckets of this region; the role may act on vault_bucket_arns only.
        targets.append({"name": "vaults", "resource_type": "aws:s3:bucket", "selection_mode": "ALL",
                        "resource_tags": [{"key": VAULT_TAG_KEY, "value": VAULT_TAG_VALUE}]})
        actions.append(_action("pause-vault-replication", "aws:s3:bucket-pause-replication", "Buckets", "vaults",
                               f"Vault replication to {args.peer_region} pauses", region=args.peer_region,
                               duration=args.cross_region_duration))
    return actions, targets
