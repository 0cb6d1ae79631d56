"""WorkloadAlarms: CloudWatch alarms of one workload in one region, to the region's AlarmTopic.

Children (component named ``n``; each only when its input is given):
    ``n-queue-age``          AWS/SQS ApproximateAgeOfOldestMessage (QueueName) above ``queue_age_threshold_s``
    ``n-queue-depth``        AWS/SQS ApproximateNumberOfMessagesVisible (QueueName) above ``queue_depth_threshold``
    ``n-dlq-depth``          AWS/SQS ApproximateNumberOfMessagesVisible (QueueName = the DLQ) > 0
    ``n-dlq-age``            AWS/SQS ApproximateAgeOfOldestMessage (QueueName = the DLQ) above ``dlq_age_threshold_s``:
                             dead letters nobody replayed (``blueprint queue replay``) before they expire
    ``n-db-replication-lag`` AWS/RDS AuroraGlobalDBReplicationLag (DBClusterIdentifier, ms; published for the
                             secondary cluster of a global database) above ``replication_lag_threshold_ms``
    ``n-unhealthy-hosts``    AWS/ApplicationELB UnHealthyHostCount (TargetGroup, LoadBalancer) > 0
    ``n-target-5xx``         AWS/ApplicationELB HTTPCode_Target_5XX_Count (TargetGroup, LoadBalancer) above the threshold
    ``n-elb-5xx``            AWS/ApplicationELB HTTPCode_ELB_5XX_Count (LoadBalancer) above the threshold
    ``n-<zone>-gpu-nodes``   AWS/AutoScaling GroupInServiceInstances (AutoScalingGroupName) below the pool's
                             per-zone minimum, one per GPU node group

Metric names, units and dimensions: Amazon SQS developer guide "Available CloudWatch metrics for
Amazon SQS"; Aurora user guide "Cluster-level metrics for Amazon Aurora" (AuroraGlobalDBReplicationLag,
milliseconds, secondary Region only); ELB user guide "CloudWatch metrics for your Application Load
Balancer"; EC2 Auto Scaling user guide "Amazon CloudWatch metrics for Amazon EC2 Auto Scaling".
GroupInServiceInstances is published only once group metrics collection is enabled on the node
group's Auto Scaling group (EKS does not expose that setting: aws/containers-roadmap#762).
``GpuNodePool`` enables it for every node group (a ``command:local:Command`` running
``aws autoscaling enable-metrics-collection``) and its ``asg_names`` resolve only after that command
ran, so these alarms are created after the metric is switched on. Still, the minutes before the
first datapoint, and a new ``AutoScalingGroupName`` after a node group replacement, have no data at
all; with missing data as breaching an evaluation range of only missing datapoints means ALARM
(CloudWatch User Guide, "Configuring how CloudWatch alarms treat missing data"). So the capacity
alarm treats missing data as ``missing``: a range with no datapoint at all puts it in
INSUFFICIENT_DATA (where it is born), and it notifies that state too
(``insufficient_data_actions``), so metrics collection turned off later (OK -> INSUFFICIENT_DATA) is
still reported instead of going silently unmonitored, while a fresh stack stays silent until its
first datapoints decide OK or ALARM.

Every alarm notifies on ALARM and OK (recovery) to the topic; missing data counts as not breaching
for the counters that publish only when something happens (5xx, DLQ depth), and as missing for the
GPU capacity and replication-lag alarms, which notify INSUFFICIENT_DATA too: the secondary's
AuroraGlobalDBReplicationLag, like the group metrics, has no datapoint until replication runs, so
"breaching" would page on every fresh stack, while a metric that stops later (the primary region
lost, replication broken) still reaches the topic as OK -> INSUFFICIENT_DATA.
"""

from __future__ import annotations

import re
from typing import Any, Optional

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field, model_validator

from blueprint.components._intent_values import TierLabel
from blueprint.components._validation import AtLeastOne, InputMatching, MinNodes

from ._tags import merge_tags
from ._types import Tags

_SNS_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$")
TopicArn = InputMatching(_SNS_ARN, "is not an SNS topic ARN; pass AlarmTopic(...).arn")

# The GPU capacity alarm: no data at all (before the first group metrics, a new node group's Auto
# Scaling group) is INSUFFICIENT_DATA, never ALARM; that state is notified (insufficient_data_actions).
GPU_CAPACITY_TREAT_MISSING_DATA = "missing"


class WorkloadAlarmsArgs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    workload: str = Field(description="Workload name, used in alarm names and descriptions.")
    tier: TierLabel = Field(description="Workload tier, a label only: named in the alarm descriptions.")
    # The composer passes the tier's (blueprint.catalogs.operations via blueprint.footprint.WorkloadIntent).
    evaluation_minutes: AtLeastOne = Field(
        default=3, description="One-minute periods a condition must hold before the alarm fires (evaluation periods and "
                               "datapoints to alarm); default 3. The dead-letter alarm always fires on the first.")
    alarm_topic_arn: TopicArn = Field(description="pulumi.Input[str]: the region's AlarmTopic ARN (ALARM and OK actions).")
    queue_name: Any = Field(default=None, description="Work queue name (WorkQueue.name): the age alarm.")
    dlq_name: Any = Field(default=None, description="Dead-letter queue name (WorkQueue.dlq_name): the depth alarm.")
    queue_age_threshold_s: Optional[AtLeastOne] = Field(
        default=None, description="Oldest-message age alarm threshold, seconds; required with queue_name (the RTO, never below "
                                  "two visibility timeouts: blueprint.catalogs.operations.backlog_age_threshold_s).")
    # Defaults: the strictest row of blueprint.catalogs.operations QUEUE_DEPTH_THRESHOLD and DEAD_LETTER_AGE_THRESHOLD_S.
    queue_depth_threshold: AtLeastOne = Field(
        default=1000, description="Visible messages in the work queue that raise the depth alarm (with queue_name); default 1000.")
    dlq_age_threshold_s: AtLeastOne = Field(
        default=3600, description="Age of the oldest dead letter that raises the DLQ age alarm (with dlq_name), seconds; default 3600.")
    db_cluster_identifier: Any = Field(default=None, description="Secondary Aurora cluster of a global database: the replication-lag alarm.")
    replication_lag_threshold_ms: Optional[AtLeastOne] = Field(
        default=None, description="Replication lag alarm threshold, ms; required with db_cluster_identifier (the RPO in ms).")
    load_balancer_arn_suffix: Any = Field(default=None, description="ALB ARN suffix (LoadBalancer.arn_suffix): 5xx alarms.")
    target_group_arn_suffix: Any = Field(default=None, description="Target group ARN suffix: unhealthy-host and target 5xx alarms.")
    # Any burst of 5xx inside a minute above this is paged; single errors are not.
    http_5xx_threshold: AtLeastOne = Field(default=5, description="5xx responses per minute that raise the alarm; default 5.")
    gpu_asg_names: dict[str, Any] = Field(default_factory=dict, description="Zone -> Auto Scaling group of the GPU node group: capacity alarms.")
    gpu_min_nodes_per_zone: MinNodes = Field(default=0, description="The pools' per-zone minimum; no capacity alarm when 0.")
    tags: Tags = Field(default_factory=dict, description="Tags merged onto every alarm.")

    @model_validator(mode="after")
    def _pairs(self) -> "WorkloadAlarmsArgs":
        if self.target_group_arn_suffix is not None and self.load_balancer_arn_suffix is None:
            raise ValueError("load_balancer_arn_suffix: required with target_group_arn_suffix (the ALB metrics need both dimensions)")
        if self.queue_name is not None and self.queue_age_threshold_s is None:
            raise ValueError("queue_age_threshold_s: required with queue_name (seconds; e.g. the RTO, at least two visibility timeouts)")
        if self.db_cluster_identifier is not None and self.replication_lag_threshold_ms is None:
            raise ValueError("replication_lag_threshold_ms: required with db_cluster_identifier (e.g. the RPO in milliseconds)")
        return self


class WorkloadAlarms(pulumi.ComponentResource):
    """Queue backlog, dead letters, replication lag, ALB health and 5xx, GPU capacity."""

    alarm_names: list[pulumi.Output[str]]
    # By role ("unhealthy-hosts", "target-5xx", "elb-5xx", "<zone>-gpu-nodes", ...): the failover
    # orchestration picks its blocking and outcome alarms by what they measure.
    alarm_names_by_role: dict[str, pulumi.Output[str]]
    alarm_arns_by_role: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: WorkloadAlarmsArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:aws:WorkloadAlarms", name, None, opts)
        # The alarms' name prefix and settings, for _alarm (not _name: pulumi.Resource keeps its own there).
        self._prefix, self._settings = name, args
        self.alarm_names = []
        self.alarm_names_by_role, self.alarm_arns_by_role = {}, {}
        self._queue_alarms(args)
        if args.db_cluster_identifier is not None:
            lag = args.replication_lag_threshold_ms
            self._alarm("db-replication-lag", f"Aurora global replication lag above {lag} ms (the RPO target)",
                        namespace="AWS/RDS", metric="AuroraGlobalDBReplicationLag",
                        dimensions={"DBClusterIdentifier": args.db_cluster_identifier}, statistic="Maximum",
                        comparison="GreaterThanThreshold", threshold=lag, missing="missing", notify_insufficient_data=True)
        if args.load_balancer_arn_suffix is not None:
            self._load_balancer_alarms(args)
        if args.gpu_min_nodes_per_zone > 0:
            for zone, asg in sorted(args.gpu_asg_names.items()):
                self._alarm(f"{zone}-gpu-nodes", f"GPU nodes in {zone} below the pool minimum ({args.gpu_min_nodes_per_zone})",
                            namespace="AWS/AutoScaling", metric="GroupInServiceInstances", dimensions={"AutoScalingGroupName": asg},
                            statistic="Minimum", comparison="LessThanThreshold", threshold=args.gpu_min_nodes_per_zone,
                            missing=GPU_CAPACITY_TREAT_MISSING_DATA, notify_insufficient_data=True)

        self.register_outputs({"alarm_names": self.alarm_names})

    def _alarm(self, role: str, description: str, *, namespace: str, metric: str, dimensions: dict[str, Any], statistic: str,
               comparison: str, threshold: float, missing: str, evaluation_periods: Optional[int] = None,
               notify_insufficient_data: bool = False) -> None:
        """One CloudWatch alarm over 60-second periods, its ALARM/OK (and optionally INSUFFICIENT_DATA)
        actions to the alarm topic; evaluation_periods defaults to evaluation_minutes."""
        args = self._settings
        periods = evaluation_periods or args.evaluation_minutes
        topic = [args.alarm_topic_arn]
        child_name = f"{self._prefix}-{role}"
        resource = aws.cloudwatch.MetricAlarm(
            child_name,
            alarm_description=f"{args.workload} ({args.tier}): {description}",
            namespace=namespace,
            metric_name=metric,
            dimensions=dimensions,
            statistic=statistic,
            period=60,
            evaluation_periods=periods,
            datapoints_to_alarm=periods,
            comparison_operator=comparison,
            threshold=threshold,
            treat_missing_data=missing,
            alarm_actions=topic,
            ok_actions=topic,
            insufficient_data_actions=topic if notify_insufficient_data else None,
            tags=merge_tags(args.tags, child_name),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.alarm_names.append(resource.name)
        self.alarm_names_by_role[role], self.alarm_arns_by_role[role] = resource.name, resource.arn

    def _queue_alarms(self, args: WorkloadAlarmsArgs) -> None:
        """Backlog age of the work queue, any message in the dead-letter queue."""
        if args.queue_name is not None:
            threshold = args.queue_age_threshold_s
            self._alarm("queue-age", f"oldest queued message older than {threshold} s: the backlog is not draining",
                        namespace="AWS/SQS", metric="ApproximateAgeOfOldestMessage", dimensions={"QueueName": args.queue_name},
                        statistic="Maximum", comparison="GreaterThanThreshold", threshold=threshold, missing="notBreaching")
            self._alarm("queue-depth", f"more than {args.queue_depth_threshold} visible messages: the backlog outgrows its consumers",
                        namespace="AWS/SQS", metric="ApproximateNumberOfMessagesVisible", dimensions={"QueueName": args.queue_name},
                        statistic="Maximum", comparison="GreaterThanThreshold", threshold=args.queue_depth_threshold,
                        missing="notBreaching")
        if args.dlq_name is not None:
            self._alarm("dlq-depth", "messages in the dead-letter queue: requests failed every retry",
                        namespace="AWS/SQS", metric="ApproximateNumberOfMessagesVisible", dimensions={"QueueName": args.dlq_name},
                        statistic="Maximum", comparison="GreaterThanThreshold", threshold=0, missing="notBreaching",
                        evaluation_periods=1)
            self._alarm("dlq-age", f"a dead letter older than {args.dlq_age_threshold_s} s: replay or triage it before it expires",
                        namespace="AWS/SQS", metric="ApproximateAgeOfOldestMessage", dimensions={"QueueName": args.dlq_name},
                        statistic="Maximum", comparison="GreaterThanThreshold", threshold=args.dlq_age_threshold_s,
                        missing="notBreaching", evaluation_periods=1)

    def _load_balancer_alarms(self, args: WorkloadAlarmsArgs) -> None:
        """Unhealthy targets and target 5xx (with a target group), the load balancer's own 5xx."""
        lb = {"LoadBalancer": args.load_balancer_arn_suffix}
        if args.target_group_arn_suffix is not None:
            tg = {"TargetGroup": args.target_group_arn_suffix, **lb}
            self._alarm("unhealthy-hosts", "unhealthy targets behind the load balancer",
                        namespace="AWS/ApplicationELB", metric="UnHealthyHostCount", dimensions=tg,
                        statistic="Maximum", comparison="GreaterThanThreshold", threshold=0, missing="notBreaching")
            self._alarm("target-5xx", f"more than {args.http_5xx_threshold} 5xx responses a minute from the pods",
                        namespace="AWS/ApplicationELB", metric="HTTPCode_Target_5XX_Count", dimensions=tg,
                        statistic="Sum", comparison="GreaterThanThreshold", threshold=args.http_5xx_threshold,
                        missing="notBreaching")
        self._alarm("elb-5xx", f"more than {args.http_5xx_threshold} 5xx responses a minute from the load balancer itself",
                    namespace="AWS/ApplicationELB", metric="HTTPCode_ELB_5XX_Count", dimensions=lb,
                    statistic="Sum", comparison="GreaterThanThreshold", threshold=args.http_5xx_threshold, missing="notBreaching")
