"""FailoverProbe: an out-of-region probe of one region's serving endpoint and the high-resolution
alarm that starts the workload's Region switch plan when that region is lost (issue 17).

Why: Route 53 publishes health-check metrics in us-east-1 only, so a Route 53 alarm cannot start the
failover of a us-east-1 primary (the alarm dies with the region it watches), and its one-minute
datapoints cost a minute more than a two-minute RTO can spare. The probe runs in *another*
region than the one it watches (the plan's surviving region) and publishes a datapoint every
``period_s`` seconds at one-second storage resolution, so the trigger alarm lives where the failover
must run and evaluates every 10 s.

Children (component named ``n``; every regional child is placed in ``probe_region`` explicitly):

    ``n-role``          IAM role the function runs as (trust: lambda.amazonaws.com)
    ``n-policy``        its inline policy: cloudwatch:PutMetricData only in ``namespace`` (condition key
                        cloudwatch:namespace), and writing to its own log group; with ``direct_start``
                        also StartPlanExecution on its plan and GetParameter on the one parameter
    ``n-logs``          the function's log group (/blueprint/failover-probe/<workload>/...), CMK-encrypted, with retention
    ``n-function``      the Lambda function (python3.13; code: failover_probe_handler.py), no VPC (it
                        probes a public endpoint from outside the watched region, as users reach it). No
                        reserved concurrency: Lambda keeps 100 of the account's concurrency unreserved
                        (Lambda DG, "Configuring reserved concurrency"), so a reservation fails the deploy
                        on a low-quota account; an overlapping run only adds datapoints, which the
                        alarms' Minimum statistic absorbs
    ``n-schedule``      EventBridge rule ``rate(1 minute)`` that starts it (each run probes ``RUN_S`` s, longer
                        than the schedule's worst gap, so runs overlap: failover_probe_handler "Coverage"); ``n-schedule-target`` and
    ``n-invoke``        the target and the permission for events.amazonaws.com from that rule only
    ``n-alarm``         the trigger: EndpointUp below 1 in ``datapoints_to_alarm`` of
                        ``evaluation_periods`` periods of ``period_s`` (a high-resolution alarm)
    ``n-survivor``      (with ``self_host``) the same on SelfEndpointUp, the probe's check of its *own*
                        region's endpoint; missing data breaching. The plan fires only on "watched red
                        AND survivor green" (region_switch_plan.py), so a fault both regions share (a bad
                        release, a shared database, a WAF block of the probe's address, a partition of
                        the probe from both) fails nothing over. Contract: the readiness path must not
                        depend on the other region (e.g. the primary writer through write forwarding), or
                        the survivor reads red with it and only the page (a human) starts the plan
    ``n-silent``        the probe's own heartbeat: no datapoint for 3 minutes pages on-call (also while
                        the probe is unarmed: a region never seen up publishes no EndpointUp at all)
    ``n-started``       (with ``direct_start``) FailoverStarted reached 1: the probe started the plan; it
                        notifies the alarm topics, so a human knows the failover runs

Direct start (``direct_start``, automatic approval only): the function starts the plan itself
(arc-region-switch:StartPlanExecution) once ``datapoints_to_alarm`` consecutive slots saw the watched
region down and its own region up, while armed (failover_probe_handler.py). The trigger alarm's
evaluation and Region switch's alarm -> execution delay leave the critical path; ``n-alarm`` stays the
plan's trigger, the backstop. Region switch plan ARNs end in a generated suffix (API_Plan arn:
``plan/<name>:<6 chars>``), and the plan is created after this probe (it names the probe's alarms), so
the function reads the ARN at run time from an SSM parameter the plan's component writes once the plan
exists (``parameter_name``; blueprint/components/aws/region_switch_plan.py): no cycle. The role may start
only that plan (by its account-unique name) and read only that parameter.

Degraded serving (``target_fallback_host`` / ``self_fallback_host``): a region whose fallback load balancer
answers counts as up (DNS serves it from its fallback while its GPU endpoint fails), so losing only the GPU side
of a region starts no ungraceful failover; the survivor likewise counts as up while its fallback answers.

Armed (failover_probe_handler.py): a 0 is published only once the watched endpoint was seen up (in
the last 24 h or in this run), so a first deploy, whose load balancer answers 503 until its targets
are healthy, never turns the trigger red; it pages through ``n-silent`` instead.

Missing data: the (armed) watched region's death produces data (the probe publishes 0 for every failed slot),
so missing data can only mean the probe itself failed (its own region, Lambda or CloudWatch). The
trigger alarm treats it as ``notBreaching``: a broken probe in the *surviving* region must not fail a
healthy workload over, least of all *into* the region that is impaired. That silence pages through
``n-silent`` (missing data ``breaching``) instead, so a blind trigger is seen within minutes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal, Optional

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field, model_validator

from blueprint.components._validation import HttpPath, TcpPort

from ._names import fit_name, iam_role_name_prefix
from ._tags import merge_tags
from ._types import Tags

# Lambda runtime identifier (pulumi-aws 7.51.1 lambda_.Runtime.PYTHON3D13; Lambda DG "Lambda runtimes",
# https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html: python3.13 on Amazon Linux 2023, supported
# into 2029). The handler uses the standard library and the runtime's boto3 only: it signs its
# StartPlanExecution request with the runtime's botocore (SigV4Auth) instead of asking that botocore for an
# arc-region-switch client, because which botocore a runtime bundles changes with AWS's runtime updates
# (Lambda DG, "Runtime-included SDK versions") and one older than the service (2025) knows neither its model
# nor its smithy-rpc-v2-cbor protocol; SigV4 signing and the JSON protocol the service also accepts do not depend on it.
RUNTIME = "python3.13"
HANDLER_FILE = Path(__file__).with_name("failover_probe_handler.py")
# Lambda function names: 1..64 of letters, digits, '-' and '_' (Lambda API CreateFunction FunctionName).
FUNCTION_NAME_MAX = 64
# EventBridge rule names: 1..64 (PutRule Name).
RULE_NAME_MAX = 64
# Lambda AddPermission StatementId: 1..100.
STATEMENT_ID_MAX = 100
# EventBridge rule schedule: "rate(value unit)", unit minute for a value of 1 (EventBridge UG,
# "Creating a rule that runs on a schedule": rate expressions; the finest rate is 1 minute).
SCHEDULE = "rate(1 minute)"
# A scheduled rule "runs within that minute, but not on the precise 0th second" (EventBridge UG, "Setting a
# schedule pattern for scheduled rules", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html):
# two consecutive rate(1 minute) invocations start up to (just under) 120 s apart.
SCHEDULE_MAX_GAP_S = 120
# The handler's reads before its first slot: armed() and, in a new execution environment, seed()'s three
# GetMetricStatistics calls, each bounded by its client (failover_probe_handler.handler: connect 2 s + read 2 s,
# 2 attempts): 4 x 2 x (2 + 2) s.
PRE_SLOT_READS_MAX_S = 32
# Seconds each invocation probes (handler RUN_S): the longest gap to the next invocation, plus that invocation's
# reads before its first slot, plus 8 s for the asynchronous invocation's delivery: consecutive invocations
# overlap, so no stretch of time is left unprobed (failover_probe_handler module doc, "Coverage").
RUN_S = SCHEDULE_MAX_GAP_S + PRE_SLOT_READS_MAX_S + 8
# Lambda timeout (1..900 s): the run, its reads, the last slot's deadline and its publish and start calls.
FUNCTION_TIMEOUT_S = RUN_S + 40
# CloudWatch Logs retention values (PutRetentionPolicy retentionInDays) accepted here: one year and up.
RETENTION_DAYS = (365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)
LOG_GROUP_PREFIX = "/blueprint/failover-probe/"
METRIC_NAME = "EndpointUp"  # failover_probe_handler.METRIC_NAME
SELF_METRIC_NAME = "SelfEndpointUp"  # failover_probe_handler.SELF_METRIC_NAME
START_METRIC_NAME = "FailoverStarted"  # failover_probe_handler.START_METRIC_NAME
DEFAULT_NAMESPACE = "Blueprint/FailoverProbe"
# Probe silence that pages: no datapoint in 3 one-minute periods (the schedule runs every minute).
SILENT_MINUTES = 3
HealthPath = HttpPath(255, "the probe")


class DirectStart(BaseModel):
    """What the probe needs to start its workload's Region switch plan itself: the same action and target
    region as the plan's trigger for the watched region (region_switch_plan.plan_triggers)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    plan_name: str = Field(description="The plan's name (unique in the account): the role may start this plan only.")
    parameter_name: str = Field(description="SSM parameter in probe_region holding the plan's ARN (written after the plan).")
    action: Literal["activate", "deactivate"] = Field(description="StartPlanExecution action: activate the probing "
                                                      "region (activePassive) or deactivate the watched one (activeActive).")
    target_region: str = Field(description="StartPlanExecution targetRegion: probe_region for activate, watched_region for deactivate.")
    # The plan trigger's minDelayMinutesBetweenExecutions (region_switch_plan's default 60): the same damping.
    min_interval_minutes: int = Field(default=60, ge=1, description="No second start within this many minutes. Default 60.")


class FailoverProbeArgs(BaseModel):
    """One region's probe of another region's endpoint. Defaults are secure: least privilege, encrypted
    logs kept a year, a trigger that only real probe failures of an endpoint once seen up can fire."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    workload: str = Field(description="The workload whose endpoint is probed (metric dimension, descriptions).")
    probe_region: str = Field(description="Where the probe and its alarms run: never the watched region.")
    watched_region: str = Field(description="The region whose endpoint is probed (metric dimension WatchedRegion).")
    target_host: Any = Field(description="pulumi.Input[str]: the watched region's load balancer DNS name.")
    server_name: str = Field(description="The workload's global name: TLS SNI, certificate check and Host header.")
    path: HealthPath = Field(description="HTTP path probed, e.g. '/ready' (the DNS health checks' path).")
    port: TcpPort = Field(default=443, description="HTTPS port. Default 443: the load balancer's HTTPS listener.")
    period_s: Literal[10, 20, 30, 60] = Field(description="Probe interval and alarm period, seconds (the tier's).")
    datapoints_to_alarm: int = Field(ge=1, description="Failed probes that turn the alarm red (the tier's M).")
    evaluation_periods: int = Field(ge=1, description="Probes the alarm looks at (the tier's N).")
    kms_key_arn: Any = Field(description="pulumi.Input[str]: customer-managed key of probe_region for the log group.")
    # One year: the probe's record of a regional outage outlives the post-incident review.
    log_retention_days: int = Field(default=365, description=f"Log retention, one of {RETENTION_DAYS}. Default 365.")
    # Seconds a slot's two concurrent attempts may take (one deadline); it must fit in the slot (validator).
    attempt_timeout_s: int = Field(default=3, ge=1, description="Seconds one slot's attempts may take. Default 3.")
    self_host: Any = Field(default=None, description="pulumi.Input[str]: probe_region's own load balancer DNS name; "
                           "probed too, for the survivor alarm. Default None: no self-check (no survivor alarm).")
    # A region whose GPU endpoint fails but whose fallback serves (DNS answers with it: dns_failover.py) is degraded,
    # not lost: its fallback load balancer is a second target of that region (up while either answers).
    target_fallback_host: Any = Field(default=None, description="pulumi.Input[str]: the watched region's fallback load "
                                      "balancer DNS name. Default None: the watched region's GPU endpoint alone.")
    self_fallback_host: Any = Field(default=None, description="pulumi.Input[str]: probe_region's fallback load balancer "
                                    "DNS name (needs self_host). Default None: the survivor's GPU endpoint alone.")
    fallback_path: Optional[HealthPath] = Field(default=None, description="HTTP path probed on the fallback load balancers "
                                                "(their readiness path). Default None: ``path``.")
    namespace: str = Field(default=DEFAULT_NAMESPACE, description=f"Metric namespace. Default {DEFAULT_NAMESPACE!r}.")
    alarm_topic_arns: list[Any] = Field(default_factory=list, description="SNS topics (in probe_region) the alarms notify. Default none.")
    tags: Tags = Field(default_factory=dict, description="Tags on every taggable child.")
    direct_start: Optional[DirectStart] = Field(default=None, description="Start the plan from the probe (needs "
                                                "self_host). Default None: only the trigger alarm starts it.")

    @model_validator(mode="after")
    def _consistent(self) -> "FailoverProbeArgs":
        if self.probe_region == self.watched_region:
            raise ValueError(f"probe_region: {self.probe_region!r} equals watched_region; a probe in the region it watches "
                             "dies with it and can never start the failover: run it in the other region of the plan")
        if self.datapoints_to_alarm > self.evaluation_periods:
            raise ValueError(f"datapoints_to_alarm: {self.datapoints_to_alarm} exceeds evaluation_periods "
                             f"{self.evaluation_periods}; M of N needs M <= N")
        if self.log_retention_days not in RETENTION_DAYS:
            raise ValueError(f"log_retention_days: {self.log_retention_days} is not one of {RETENTION_DAYS}")
        if self.attempt_timeout_s + 1 > self.period_s:
            raise ValueError(f"attempt_timeout_s: {self.attempt_timeout_s} s leaves no room for the publish in a "
                             f"{self.period_s} s slot; use at most {self.period_s - 1}")
        if self.namespace.startswith("AWS/"):
            raise ValueError(f"namespace: {self.namespace!r}; 'AWS/' namespaces are reserved for AWS services (PutMetricData)")
        if self.self_fallback_host is not None and self.self_host is None:
            raise ValueError("self_fallback_host: given without self_host; the fallback is a second target of the "
                             "probe's own region, whose check needs self_host")
        if self.direct_start is not None:
            self._check_direct_start(self.direct_start)
        return self

    def _check_direct_start(self, start: DirectStart) -> None:
        if self.self_host is None:
            raise ValueError("direct_start: needs self_host; the probe starts the plan only while its own region "
                             "answers (watched red AND survivor green)")
        wanted = self.probe_region if start.action == "activate" else self.watched_region
        if start.target_region != wanted:
            raise ValueError(f"direct_start.target_region: {start.target_region!r} with action {start.action!r}; "
                             f"allowed: {wanted!r} (activate the probing region, or deactivate the watched one)")


class FailoverProbe(pulumi.ComponentResource):
    alarm_arn: pulumi.Output[str]
    alarm_name: pulumi.Output[str]
    function_arn: pulumi.Output[str]
    # The self-check's alarm (None without self_host): green while probe_region's endpoint answers.
    survivor_alarm_arn: Optional[pulumi.Output[str]]

    def __init__(self, name: str, args: FailoverProbeArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:aws:FailoverProbe", name, None, opts)
        region, child = args.probe_region, pulumi.ResourceOptions(parent=self)
        function_name = fit_name(name, max_length=FUNCTION_NAME_MAX)
        logs = aws.cloudwatch.LogGroup(
            # Its own name (Lambda advanced logging: logging_config.log_group may name any group), so the group
            # exists, encrypted and with retention, before the function, which names it by reference.
            f"{name}-logs", region=region, name_prefix=f"{LOG_GROUP_PREFIX}{args.workload}/", kms_key_id=args.kms_key_arn,
            retention_in_days=args.log_retention_days, tags=merge_tags(args.tags, f"{name}-logs"), opts=child)
        role = aws.iam.Role(
            f"{name}-role", name_prefix=iam_role_name_prefix(f"{name}-role"),
            description=f"Failover probe of {args.workload} in {args.watched_region}, from {region}",
            assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}),
            tags=merge_tags(args.tags, f"{name}-role"), opts=child)
        policy = aws.iam.RolePolicy(f"{name}-policy", role=role.id, policy=self._policy(args, logs), opts=child)
        function = self._function(name, function_name, args, role, logs, policy)
        self._schedule(name, args, function)
        alarm = self._alarm(name, args)
        survivor = self._survivor(name, args) if args.self_host is not None else None
        self._silent(name, args)
        if args.direct_start is not None:
            self._started(name, args)
        self.alarm_arn, self.alarm_name, self.function_arn = alarm.arn, alarm.name, function.arn
        self.survivor_alarm_arn = survivor.arn if survivor is not None else None
        self.register_outputs({"alarm_arn": self.alarm_arn, "alarm_name": self.alarm_name, "function_arn": self.function_arn,
                               "survivor_alarm_arn": self.survivor_alarm_arn})

    def _function(self, name: str, function_name: str, args: FailoverProbeArgs, role: aws.iam.Role,
                  logs: aws.cloudwatch.LogGroup, policy: aws.iam.RolePolicy) -> aws.lambda_.Function:
        return aws.lambda_.Function(
            f"{name}-function", region=args.probe_region, name=function_name, role=role.arn, runtime=RUNTIME,
            handler="index.handler", code=pulumi.AssetArchive({"index.py": pulumi.StringAsset(HANDLER_FILE.read_text())}),
            timeout=FUNCTION_TIMEOUT_S, memory_size=128,
            logging_config={"log_format": "JSON", "log_group": logs.name},
            environment={"variables": {
                "TARGET_HOST": args.target_host, "SERVER_NAME": args.server_name, "PATH_TO_PROBE": args.path,
                "PORT": str(args.port), "PERIOD_S": str(args.period_s), "ATTEMPT_TIMEOUT_S": str(args.attempt_timeout_s),
                "NAMESPACE": args.namespace, "WORKLOAD": args.workload, "WATCHED_REGION": args.watched_region,
                "PROBE_REGION": args.probe_region, "RUN_S": str(RUN_S),
                **({"SELF_HOST": args.self_host} if args.self_host is not None else {}),
                **fallback_environment(args), **start_environment(args)}},
            description=f"Probes {args.workload} in {args.watched_region} every {args.period_s} s (failover trigger)",
            tags=merge_tags(args.tags, f"{name}-function"),
            # Its role may write its metric and logs before its first run.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]))

    def _policy(self, args: FailoverProbeArgs, logs: aws.cloudwatch.LogGroup) -> pulumi.Output[str]:
        if args.direct_start is None:
            return logs.arn.apply(lambda a: probe_policy(a, args.namespace))
        invoke = pulumi.InvokeOutputOptions(parent=self)
        where = pulumi.Output.all(logs.arn, aws.get_partition_output(opts=invoke).partition,
                                  aws.get_caller_identity_output(opts=invoke).account_id)
        return where.apply(lambda v: probe_policy(v[0], args.namespace, start_statements(args, v[1], v[2])))

    def _started(self, name: str, args: FailoverProbeArgs) -> aws.cloudwatch.MetricAlarm:
        """FailoverStarted reached 1 in a minute: the probe started (or found running) the plan; tells the topics."""
        return aws.cloudwatch.MetricAlarm(
            f"{name}-started", region=args.probe_region, namespace=args.namespace, metric_name=START_METRIC_NAME,
            alarm_description=f"The failover probe in {args.probe_region} started the Region switch plan of "
                              f"{args.workload}: {args.watched_region} unreachable while {args.probe_region} answers",
            dimensions={"Workload": args.workload, "WatchedRegion": args.watched_region},
            comparison_operator="GreaterThanOrEqualToThreshold", threshold=1, statistic="Maximum", period=60,
            evaluation_periods=1, datapoints_to_alarm=1, treat_missing_data="notBreaching",
            alarm_actions=list(args.alarm_topic_arns), ok_actions=list(args.alarm_topic_arns),
            tags=merge_tags(args.tags, f"{name}-started"), opts=pulumi.ResourceOptions(parent=self))

    def _schedule(self, name: str, args: FailoverProbeArgs, function: aws.lambda_.Function) -> None:
        child = pulumi.ResourceOptions(parent=self)
        rule = aws.cloudwatch.EventRule(
            # Named (EventBridge rule names: 1..64): the provider's autoname would not fit a long workload's.
            f"{name}-schedule", region=args.probe_region, name=fit_name(f"{name}-schedule", max_length=RULE_NAME_MAX),
            schedule_expression=SCHEDULE,
            description=f"Starts the failover probe of {args.workload} in {args.watched_region} every minute",
            tags=merge_tags(args.tags, f"{name}-schedule"), opts=child)
        permission = aws.lambda_.Permission(
            # Unique per function would do; named after the component so no two of the stack look alike.
            f"{name}-invoke", region=args.probe_region, statement_id=fit_name(f"{name}-schedule", max_length=STATEMENT_ID_MAX),
            action="lambda:InvokeFunction", function=function.name,
            principal="events.amazonaws.com", source_arn=rule.arn, opts=child)
        aws.cloudwatch.EventTarget(f"{name}-schedule-target", region=args.probe_region, rule=rule.name, arn=function.arn,
                                   target_id=fit_name(f"{name}-function", max_length=RULE_NAME_MAX),  # Target Id: 1..64
                                   opts=pulumi.ResourceOptions(parent=self, depends_on=[permission]))

    def _alarm(self, name: str, args: FailoverProbeArgs) -> aws.cloudwatch.MetricAlarm:
        return self._probe_alarm(
            name, "alarm", args, METRIC_NAME, args.watched_region,
            f"{args.workload} in {args.watched_region} unreachable from {args.probe_region}: starts its Region switch plan",
            # 10/20/30 s make it a high-resolution alarm, evaluated every 10 s (CloudWatch UG, "Using Amazon
            # CloudWatch alarms": "If the alarm period is 10 seconds or 30 seconds, the alarm is evaluated every 10 seconds").
            statistic="Minimum", period=args.period_s, evaluation_periods=args.evaluation_periods,
            datapoints_to_alarm=args.datapoints_to_alarm,
            # Silence is the probe failing, not the watched region (module doc): never a failover.
            treat_missing_data="notBreaching")

    def _survivor(self, name: str, args: FailoverProbeArgs) -> aws.cloudwatch.MetricAlarm:
        """Red while probe_region's own endpoint fails the same M of N; green (OK) while it answers. Silence
        is breaching: a survivor nobody saw answering is no place to fail over to."""
        return self._probe_alarm(
            name, "survivor", args, SELF_METRIC_NAME, args.probe_region,
            f"{args.workload} in {args.probe_region} unreachable from its own failover probe: "
            f"no failover of {args.watched_region} into it",
            statistic="Minimum", period=args.period_s, evaluation_periods=args.evaluation_periods,
            datapoints_to_alarm=args.datapoints_to_alarm, treat_missing_data="breaching")

    def _silent(self, name: str, args: FailoverProbeArgs) -> aws.cloudwatch.MetricAlarm:
        return self._probe_alarm(
            name, "silent", args, METRIC_NAME, args.watched_region,
            f"The failover probe of {args.workload} in {args.watched_region} publishes nothing: its Region switch trigger is blind",
            statistic="SampleCount", period=60, evaluation_periods=SILENT_MINUTES, datapoints_to_alarm=SILENT_MINUTES,
            treat_missing_data="breaching")

    def _probe_alarm(self, name: str, suffix: str, args: FailoverProbeArgs, metric: str, endpoint_region: str,
                     description: str, **evaluation: object) -> aws.cloudwatch.MetricAlarm:
        """An alarm in probe_region on one of the probe's metrics for the endpoint in ``endpoint_region``: below 1
        (down, or no sample) per ``evaluation``; it notifies the alarm topics both ways."""
        return aws.cloudwatch.MetricAlarm(
            f"{name}-{suffix}", region=args.probe_region, alarm_description=description,
            namespace=args.namespace, metric_name=metric,
            dimensions={"Workload": args.workload, "WatchedRegion": endpoint_region},
            comparison_operator="LessThanThreshold", threshold=1, **evaluation,
            alarm_actions=list(args.alarm_topic_arns), ok_actions=list(args.alarm_topic_arns),
            tags=merge_tags(args.tags, f"{name}-{suffix}"), opts=pulumi.ResourceOptions(parent=self))

def fallback_environment(args: FailoverProbeArgs) -> dict[str, Any]:
    """The handler's fallback targets (TARGET_FALLBACK_HOST, SELF_FALLBACK_HOST, FALLBACK_PATH), or none."""
    found: dict[str, Any] = {}
    if args.target_fallback_host is not None:
        found["TARGET_FALLBACK_HOST"] = args.target_fallback_host
    if args.self_fallback_host is not None:
        found["SELF_FALLBACK_HOST"] = args.self_fallback_host
    if found:
        found["FALLBACK_PATH"] = args.fallback_path or args.path
    return found


def start_environment(args: FailoverProbeArgs) -> dict[str, str]:
    """The handler's START_* variables (failover_probe_handler.DirectStart), or none."""
    start = args.direct_start
    if start is None:
        return {}
    return {"START_PLAN_PARAMETER": start.parameter_name, "START_ACTION": start.action,
            "START_TARGET_REGION": start.target_region, "START_AFTER_SLOTS": str(args.datapoints_to_alarm),
            "START_MIN_INTERVAL_S": str(start.min_interval_minutes * 60)}


def start_statements(args: FailoverProbeArgs, partition: str, account: str) -> list[dict]:
    """StartPlanExecution on the one plan of that name (the Service Authorization Reference's plan resource;
    the ARN in both forms AWS documents, as region_switch_plan._plan_statements: API_Plan's
    ``plan/<name>:<suffix>`` and the ARC DG sample policy's ``plan/<name>/<suffix>``; the suffix is generated, and a
    replaced plan keeps the name), and GetParameter on the one parameter holding its ARN (SSM parameter ARN
    ``arn:<partition>:ssm:<region>:<account>:parameter/<name without its leading '/'>``, Systems Manager UG,
    "Setting up Parameter Store" sample policies). No iam:PassRole: StartPlanExecution passes no role (its
    request members: planArn, targetRegion, action, mode, comment, latestVersion, recoveryExecutionId, clientToken)."""
    start = args.direct_start
    plan = [f"arn:{partition}:arc-region-switch::{account}:plan/{start.plan_name}{sep}*" for sep in (":", "/")]
    parameter = f"arn:{partition}:ssm:{args.probe_region}:{account}:parameter/{start.parameter_name.lstrip('/')}"
    return [{"Sid": "StartItsPlan", "Effect": "Allow", "Action": "arc-region-switch:StartPlanExecution", "Resource": plan},
            {"Sid": "ReadItsPlanArn", "Effect": "Allow", "Action": "ssm:GetParameter", "Resource": parameter}]


def probe_policy(log_group_arn: str, namespace: str, extra: Optional[list[dict]] = None) -> str:
    """PutMetricData only in the probe's namespace (CloudWatch UG, "Using condition keys to limit access to
    CloudWatch namespaces": PutMetricData has no resource type, so Resource is "*" and the namespace condition
    is the limit), GetMetricStatistics to arm itself (read-only; no resource type either: Service
    Authorization Reference, Amazon CloudWatch), and the function's own log streams (Lambda DG,
    AWSLambdaBasicExecutionRole's actions)."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "PublishProbeMetric", "Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*",
         "Condition": {"StringEquals": {"cloudwatch:namespace": namespace}}},
        {"Sid": "ReadOwnMetricToArm", "Effect": "Allow", "Action": "cloudwatch:GetMetricStatistics", "Resource": "*"},
        {"Sid": "OwnLogStreams", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": f"{log_group_arn}:*"},
        *(extra or []),
    ]})
