"""deploy-alarm-metric: alarms on Auto Scaling group metrics need group metrics collection enabled."""

from __future__ import annotations

import pytest

from blueprint.readiness import alarms
from readiness_helpers import SHIPPED_STACKS, plan_of, resource

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMMAND = "command:local:Command"
ASG_NAME = "eks-gpu-a-on-demand-1a2b3c4-0f1e2d3c4b5a"


def _alarm(metric="GroupInServiceInstances", namespace="AWS/AutoScaling"):
    return resource("gpu-a-nodes", ALARM, {"namespace": namespace, "metricName": metric,
                                           "dimensions": {"AutoScalingGroupName": ASG_NAME}, "treatMissingData": "breaching"},
                    region="us-west-2")


def _enable(create=None, environment=None):
    create = create or (f"aws autoscaling enable-metrics-collection --region us-west-2 --auto-scaling-group-name {ASG_NAME} "
                        "--granularity 1Minute")
    return resource("gpu-a-metrics", COMMAND, {"create": create, **({"environment": environment} if environment else {})})


def test_passes_when_a_command_enables_collection_for_the_group():
    assert list(alarms.check(plan_of(_alarm(), _enable()))) == []


def test_passes_when_the_group_name_comes_through_the_environment():
    command = _enable('aws autoscaling enable-metrics-collection --auto-scaling-group-name "$ASG" --granularity 1Minute',
                      {"ASG": ASG_NAME, "AWS_REGION": "us-west-2"})
    assert list(alarms.check(plan_of(_alarm(), command))) == []


def test_passes_when_an_asg_resource_lists_the_metric():
    asg = resource("asg", "aws:autoscaling/group:Group", {"name": ASG_NAME, "enabledMetrics": ["GroupInServiceInstances"]})
    assert list(alarms.check(plan_of(_alarm(), asg))) == []


def test_ignores_metrics_that_are_always_published():
    assert list(alarms.check(plan_of(_alarm("UnHealthyHostCount", "AWS/ApplicationELB")))) == []


def test_fails_without_metrics_collection():
    alarm = _alarm()
    [problem] = alarms.check(plan_of(alarm))
    assert problem.check == "deploy-alarm-metric"
    assert problem.urn == alarm.urn and problem.name == "gpu-a-nodes"
    assert problem.value["AutoScalingGroupName"] == ASG_NAME and problem.value["metricName"] == "GroupInServiceInstances"
    assert "pages from the first deploy" in problem.rule
    assert "ec2-auto-scaling-cloudwatch-monitoring" in problem.source


@pytest.mark.parametrize("command", [
    "aws autoscaling enable-metrics-collection --region us-west-2 --auto-scaling-group-name other-asg-name --granularity 1Minute",
    f"aws autoscaling enable-metrics-collection --region us-west-2 --auto-scaling-group-name {ASG_NAME} --granularity 1Minute "
    "--metrics GroupMaxSize",
    f"aws autoscaling disable-metrics-collection --region us-west-2 --auto-scaling-group-name {ASG_NAME}",
    # The group lives in us-west-2: another region, or the deployer's profile region, does not find it.
    f"aws autoscaling enable-metrics-collection --region us-east-1 --auto-scaling-group-name {ASG_NAME} --granularity 1Minute",
    f"aws autoscaling enable-metrics-collection --auto-scaling-group-name {ASG_NAME} --granularity 1Minute",
])
def test_fails_when_the_command_does_not_enable_that_metric_of_that_group(command):
    assert len(list(alarms.check(plan_of(_alarm(), _enable(command))))) == 1


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_shipped_stack_alarms_watch_published_metrics(shipped_plan, stack):
    assert [p.message for p in alarms.check(shipped_plan(stack))] == []


def test_refuses_prod_without_its_metrics_collection_commands(shipped_plan):
    plan = shipped_plan("prod")
    plan.resources = [r for r in plan.resources
                      if not (r.type == COMMAND and "enable-metrics-collection" in str(r.inputs.get("create")))]
    watched = [a for a in plan.of_type(ALARM) if a.inputs.get("namespace") == "AWS/AutoScaling"]
    assert watched
    assert {p.urn for p in alarms.check(plan)} == {a.urn for a in watched}
