"""deploy-alarm-metric: an alarm must watch a metric something publishes.

Auto Scaling group metrics (namespace ``AWS/AutoScaling``, ``Group*`` metrics such as
``GroupInServiceInstances``, dimension ``AutoScalingGroupName``) are published only after group
metrics collection is enabled for that group; it is off by default. AWS, "Monitor CloudWatch
metrics for your Auto Scaling groups and instances"
(https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-cloudwatch-monitoring.html)
and the EnableMetricsCollection API
(https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_EnableMetricsCollection.html:
Granularity "1Minute"; no Metrics list means all metrics).

An EKS managed node group's ASG (``eks-<nodegroup>-<uuid>``) is created by EKS with collection
off, and the EKS node group API has no setting for it (aws/containers-roadmap#762;
aws-cloudformation/cloudformation-coverage-roadmap#761: "isn't supported by the EKS Nodegroup
API"), so the plan must hold one of:

* a ``command:local:Command`` whose ``create`` runs ``enable-metrics-collection`` for that ASG
  (its name in ``create`` or in the command's ``environment``), in the alarm's region (``--region``
  or ``AWS_REGION``/``AWS_DEFAULT_REGION`` in its environment), listing the metric if it passes a
  ``--metrics`` list;
* an ``aws:autoscaling/group:Group`` of that name whose ``enabledMetrics`` lists the metric.

Without it the alarm sees no data: with ``treatMissingData=breaching`` it pages from day one,
otherwise it never fires.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Optional

from blueprint.plan.model import Plan, PlannedResource
from blueprint.readiness import ReadinessProblem
from blueprint.types import aws, command

CHECK_ID = "deploy-alarm-metric"
ALARM = aws.CLOUDWATCH_METRIC_ALARM
COMMAND = command.LOCAL_COMMAND
ASG = aws.AUTOSCALING_GROUP
NAMESPACE = "AWS/AutoScaling"
DIMENSION = "AutoScalingGroupName"
_REGION_FLAG = re.compile(r"""--region[= ]+["']?(\$\{?\w+\}?|[a-z]{2}(?:-[a-z]+)+-\d)""")
SOURCE = ("AWS 'Monitor CloudWatch metrics for your Auto Scaling groups and instances' "
          "https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-cloudwatch-monitoring.html; "
          "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_EnableMetricsCollection.html")


def _watched(alarm: PlannedResource) -> list[tuple[str, str]]:
    """(metric, ASG name) of every AWS/AutoScaling Group* metric the alarm reads."""
    specs: list[dict[str, Any]] = [alarm.inputs]
    for query in alarm.inputs.get("metricQueries") or []:
        if isinstance(query, dict) and isinstance(query.get("metric"), dict):
            specs.append(query["metric"])
    found = []
    for spec in specs:
        metric = str(spec.get("metricName") or "")
        group = (spec.get("dimensions") or {}).get(DIMENSION)
        if spec.get("namespace") == NAMESPACE and metric.startswith("Group") and isinstance(group, str):
            found.append((metric, group))
    return found


def _command_region(create: str, env: dict[str, Any]) -> Optional[str]:
    """The region the AWS CLI call targets: ``--region`` (a literal or ``$VAR`` of the command's
    environment), else ``AWS_REGION`` / ``AWS_DEFAULT_REGION`` of its environment; None when the call
    falls back to the deployer's profile. AWS CLI, "Environment variables to configure the AWS CLI"
    (https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-envvars.html)."""
    match = _REGION_FLAG.search(create)
    if match:
        token = match.group(1)
        if not token.startswith("$"):
            return token
        return str(env.get(token.strip("${}"), "")) or None
    return env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")


def _command_enables(command: PlannedResource, group: str, metric: str, region: Optional[str]) -> bool:
    create = str(command.inputs.get("create") or "")
    env = command.inputs.get("environment") or {}
    if "enable-metrics-collection" not in create:
        return False
    if group not in create and group not in [str(v) for v in env.values()]:
        return False
    # Run from the deployer's machine: without a pinned region the call goes to the profile's
    # region, where another region's group does not exist.
    if region and _command_region(create, env) != region:
        return False
    return "--metrics" not in create or metric in create


def _enabled_by(plan: Plan, group: str, metric: str, region: Optional[str]) -> Optional[PlannedResource]:
    for r in plan:
        if r.type == COMMAND and _command_enables(r, group, metric, region):
            return r
        if r.type == ASG and group in (r.inputs.get("name"), r.id) and metric in (r.inputs.get("enabledMetrics") or []):
            return r
    return None


def check(plan: Plan) -> Iterable[ReadinessProblem]:
    for alarm in plan.of_type(ALARM):
        for metric, group in _watched(alarm):
            if _enabled_by(plan, group, metric, alarm.region) is not None:
                continue
            missing = alarm.inputs.get("treatMissingData", "missing")
            effect = "pages from the first deploy" if missing == "breaching" else "never fires"
            yield ReadinessProblem(
                check=CHECK_ID, urn=alarm.urn, type=alarm.type, name=alarm.name,
                value={"namespace": NAMESPACE, "metricName": metric, DIMENSION: group, "treatMissingData": missing},
                rule=(f"watches {metric} of Auto Scaling group {group!r}, which is published only once group metrics "
                      f"collection is enabled for it (off by default; EKS node groups cannot enable it); nothing in "
                      f"the plan enables it in {alarm.region} (a command running `aws autoscaling "
                      f"enable-metrics-collection --region {alarm.region} --auto-scaling-group-name {group} "
                      f"--granularity 1Minute`), so the alarm {effect}"),
                source=SOURCE,
            )
