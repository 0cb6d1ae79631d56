"""WorkloadAlarms: metric names/dimensions, the thresholds and periods passed, actions to the alarm topic; validation.
(The tier's values are resolved in blueprint.footprint: tests/test_intent.py.)"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from blueprint.plan.engine import plan_program
from blueprint.components.aws.workload_alarms import GPU_CAPACITY_TREAT_MISSING_DATA, WorkloadAlarms, WorkloadAlarmsArgs

TOPIC = "arn:aws:sns:us-east-1:123456789012:prod-alarms"


def _args(**over) -> WorkloadAlarmsArgs:
    base = dict(workload="fraud-scoring", tier="mission-critical", evaluation_minutes=1, alarm_topic_arn=TOPIC,
                queue_name="q", dlq_name="q-dlq", queue_age_threshold_s=600, replication_lag_threshold_ms=5000,
                db_cluster_identifier="prod-fraud-scoring", load_balancer_arn_suffix="app/lb/abc", target_group_arn_suffix="targetgroup/tg/def",
                gpu_asg_names={"us-east-1a": "eks-a", "us-east-1b": "eks-b"}, gpu_min_nodes_per_zone=2,
                tags={"blueprint:workload": "fraud-scoring"})
    return WorkloadAlarmsArgs(**{**base, **over})


def _plan(**over):
    args = _args(**over)
    return plan_program(lambda: WorkloadAlarms("a", args), stack="test", config={"aws:region": "us-east-1"})


@pytest.fixture(scope="module")
def plan():
    return _plan()


def _alarm(plan, role):
    return plan.named(f"a-{role}").inputs


def test_all_alarms_notify_the_topic_on_alarm_and_recovery(plan):
    alarms = plan.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    assert {a.name for a in alarms} == {"a-queue-age", "a-queue-depth", "a-dlq-depth", "a-dlq-age", "a-db-replication-lag", "a-unhealthy-hosts", "a-target-5xx",
                                        "a-elb-5xx", "a-us-east-1a-gpu-nodes", "a-us-east-1b-gpu-nodes"}
    for a in alarms:
        assert a.inputs["alarmActions"] == [TOPIC] and a.inputs["okActions"] == [TOPIC]
        assert a.workload == "fraud-scoring" and a.region == "us-east-1"


def test_queue_alarms(plan):
    age = _alarm(plan, "queue-age")
    assert (age["namespace"], age["metricName"], age["dimensions"]) == ("AWS/SQS", "ApproximateAgeOfOldestMessage", {"QueueName": "q"})
    assert age["threshold"] == 600 and age["comparisonOperator"] == "GreaterThanThreshold"
    dlq = _alarm(plan, "dlq-depth")
    assert (dlq["metricName"], dlq["dimensions"], dlq["threshold"]) == ("ApproximateNumberOfMessagesVisible", {"QueueName": "q-dlq"}, 0)


def test_replication_lag_above_the_rpo_target(plan):
    lag = _alarm(plan, "db-replication-lag")
    assert (lag["namespace"], lag["metricName"]) == ("AWS/RDS", "AuroraGlobalDBReplicationLag")
    assert lag["dimensions"] == {"DBClusterIdentifier": "prod-fraud-scoring"}
    assert lag["threshold"] == 5000


def test_replication_lag_is_silent_before_replication_runs_and_reports_insufficient_data(plan):
    """No datapoint until the secondary replicates: "breaching" would page every fresh stack; a metric
    that stops later (primary region lost) still notifies as INSUFFICIENT_DATA."""
    lag = _alarm(plan, "db-replication-lag")
    assert lag["treatMissingData"] == "missing" and lag["insufficientDataActions"] == [TOPIC]


def test_load_balancer_alarms(plan):
    unhealthy = _alarm(plan, "unhealthy-hosts")
    assert unhealthy["metricName"] == "UnHealthyHostCount" and unhealthy["threshold"] == 0
    assert unhealthy["dimensions"] == {"TargetGroup": "targetgroup/tg/def", "LoadBalancer": "app/lb/abc"}
    assert _alarm(plan, "target-5xx")["metricName"] == "HTTPCode_Target_5XX_Count"
    elb = _alarm(plan, "elb-5xx")
    assert elb["metricName"] == "HTTPCode_ELB_5XX_Count" and elb["dimensions"] == {"LoadBalancer": "app/lb/abc"}
    assert elb["statistic"] == "Sum" and elb["threshold"] == 5


def test_gpu_capacity_below_the_pool_minimum(plan):
    gpu = _alarm(plan, "us-east-1a-gpu-nodes")
    assert (gpu["namespace"], gpu["metricName"]) == ("AWS/AutoScaling", "GroupInServiceInstances")
    assert gpu["dimensions"] == {"AutoScalingGroupName": "eks-a"}
    assert gpu["comparisonOperator"] == "LessThanThreshold" and gpu["threshold"] == 2


def test_gpu_capacity_is_silent_without_data_and_reports_insufficient_data(plan):
    """Secure default: no data (a fresh stack before the first group metrics, a replaced node group's new
    ASG) is INSUFFICIENT_DATA, not ALARM (treatMissingData missing); that state is notified, so metrics
    collection switched off later is still reported. With "breaching" an all-missing range is ALARM."""
    for role in ("us-east-1a-gpu-nodes", "us-east-1b-gpu-nodes"):
        gpu = _alarm(plan, role)
        assert gpu["treatMissingData"] == GPU_CAPACITY_TREAT_MISSING_DATA == "missing"
        assert gpu["insufficientDataActions"] == [TOPIC] and gpu["alarmActions"] == [TOPIC] and gpu["okActions"] == [TOPIC]


def test_only_the_capacity_and_replication_alarms_notify_insufficient_data(plan):
    others = [a for a in plan.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
              if not a.name.endswith(("-gpu-nodes", "-db-replication-lag"))]
    assert others and all(not a.inputs.get("insufficientDataActions") for a in others)


@pytest.mark.parametrize("minutes,lag_ms", [(1, 5000), (5, 86400000)])
def test_evaluation_minutes_and_thresholds_are_the_values_passed(minutes, lag_ms):
    plan = _plan(evaluation_minutes=minutes, replication_lag_threshold_ms=lag_ms, queue_age_threshold_s=3600)
    assert _alarm(plan, "queue-age")["evaluationPeriods"] == minutes
    assert _alarm(plan, "queue-age")["threshold"] == 3600
    # Capacity: the same periods (no start-up minimum: missing data no longer counts as breaching).
    gpu = _alarm(plan, "us-east-1a-gpu-nodes")
    assert gpu["evaluationPeriods"] == gpu["datapointsToAlarm"] == minutes
    assert _alarm(plan, "db-replication-lag")["threshold"] == lag_ms
    # Dead letters always page on the first minute.
    assert _alarm(plan, "dlq-depth")["evaluationPeriods"] == 1


def test_tier_is_only_a_label_and_evaluation_minutes_default_to_3():
    args = _args(tier="any-label")
    del_minutes = {k: v for k, v in args.model_dump().items() if k != "evaluation_minutes"}
    assert WorkloadAlarmsArgs(**del_minutes).evaluation_minutes == 3
    plan = _plan(tier="gold")
    assert _alarm(plan, "elb-5xx")["alarmDescription"].startswith("fraud-scoring (gold): ")


def test_only_given_inputs_get_alarms():
    plan = _plan(queue_name=None, dlq_name=None, db_cluster_identifier=None, load_balancer_arn_suffix=None,
                 target_group_arn_suffix=None, gpu_min_nodes_per_zone=0)
    assert not plan.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")


def test_fails_bad_topic_and_thresholds():
    with pytest.raises(ValidationError, match="alarm_topic_arn: 'topic' is not an SNS topic ARN"):
        _args(alarm_topic_arn="topic")
    with pytest.raises(ValidationError, match="queue_age_threshold_s: 0 must be at least 1"):
        _args(queue_age_threshold_s=0)
    with pytest.raises(ValidationError, match="load_balancer_arn_suffix: required with target_group_arn_suffix"):
        _args(load_balancer_arn_suffix=None)
    with pytest.raises(ValidationError, match="gpu_min_nodes_per_zone: -1"):
        _args(gpu_min_nodes_per_zone=-1)


def test_fails_negative_gpu_minimum_and_optional_thresholds_below_one():
    with pytest.raises(ValidationError, match=r"gpu_min_nodes_per_zone: -1 is negative; use 0"):
        _args(gpu_min_nodes_per_zone=-1)
    with pytest.raises(ValidationError, match=r"replication_lag_threshold_ms: 0 must be at least 1"):
        _args(replication_lag_threshold_ms=0)
    assert _args(replication_lag_threshold_ms=None, db_cluster_identifier=None).replication_lag_threshold_ms is None


def test_fails_missing_thresholds_or_bad_labels():
    with pytest.raises(ValidationError, match=r"replication_lag_threshold_ms: required with db_cluster_identifier"):
        _args(replication_lag_threshold_ms=None)
    with pytest.raises(ValidationError, match=r"queue_age_threshold_s: required with queue_name"):
        _args(queue_age_threshold_s=None)
    with pytest.raises(ValidationError, match=r"evaluation_minutes: 0 must be at least 1"):
        _args(evaluation_minutes=0)
    with pytest.raises(ValidationError, match=r"tier: 'Mission Critical' is not a label value"):
        _args(tier="Mission Critical")


def test_queue_depth_and_dlq_age_alarms_default_thresholds(plan):
    """Issue 18: the work queue's depth and the DLQ's oldest message age; defaults documented (1000, 3600 s)."""
    depth, age = _alarm(plan, "queue-depth"), _alarm(plan, "dlq-age")
    assert (depth["namespace"], depth["metricName"], depth["dimensions"]) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible", {"QueueName": "q"})
    assert depth["threshold"] == 1000 and depth["comparisonOperator"] == "GreaterThanThreshold"
    assert (age["metricName"], age["dimensions"]) == ("ApproximateAgeOfOldestMessage", {"QueueName": "q-dlq"})
    assert age["threshold"] == 3600 and age["evaluationPeriods"] == 1


def test_queue_thresholds_passed_through():
    plan = _plan(queue_depth_threshold=20000, dlq_age_threshold_s=86400)
    assert plan.named("a-queue-depth").inputs["threshold"] == 20000
    assert plan.named("a-dlq-age").inputs["threshold"] == 86400


def test_fails_zero_queue_depth_threshold():
    with pytest.raises(ValidationError, match="queue_depth_threshold"):
        _args(queue_depth_threshold=0)
