"""WorkloadAlerts (GCP): queue age, dead letters, Cloud SQL replica lag and load balancer 5xx alert
policies with the documented metric types, the windows and severities passed (the tier's are resolved in
blueprint.footprint: tests/test_intent.py); validation."""

from __future__ import annotations

import pulumi
import pulumi_gcp as gcp
import pytest
from pydantic import ValidationError

from blueprint.plan.engine import plan_program
from blueprint.components.gcp.workload_alerts import WorkloadAlerts, WorkloadAlertsArgs
from tests.components._helpers import child_names

CONFIG = {"gcp:project": "acme-ml-prod", "gcp:region": "europe-west4"}
POLICY = "gcp:monitoring/alertPolicy:AlertPolicy"


def _args(**over) -> WorkloadAlertsArgs:
    return WorkloadAlertsArgs(**{
        "workload": "fraud-scoring", "tier": "mission-critical", "evaluation_minutes": 1, "severity": "CRITICAL",
        "queue_subscriptions": {"europe-west4": "prod-fraud-scoring-europe-west4"},
        "dead_letter_subscriptions": {"europe-west4": "prod-fraud-scoring-europe-west4-dead-letter"},
        "queue_age_threshold_s": 600,
        "replica_database_ids": {"europe-west1": "acme-ml-prod:prod-fraud-scoring-europe-west1"},
        "replica_lag_threshold_s": 5,
        "url_map_name": "fraud-scoring-lb-url-map",
        "labels": {"blueprint-workload": "fraud-scoring"}, **over})


def _plan(args: WorkloadAlertsArgs):
    def program() -> None:
        provider = gcp.Provider("gcp-europe-west4", project="acme-ml-prod", region="europe-west4")
        WorkloadAlerts("a", args, pulumi.ResourceOptions(provider=provider))

    return plan_program(program, stack="test", config=CONFIG)


@pytest.fixture(scope="module")
def plan():
    return _plan(_args())


def _condition(plan, name):
    policy = plan.named(name).inputs
    return policy, policy["conditions"][0]["conditionThreshold"]


def test_children(plan):
    assert child_names(plan, "blueprint:gcp:WorkloadAlerts") == {
        "a-europe-west4-queue-age", "a-europe-west4-queue-depth", "a-europe-west4-dead-letters",
        "a-europe-west4-dead-letter-age", "a-europe-west1-replica-lag", "a-lb-5xx"}


def test_queue_depth_and_dead_letter_age(plan):
    """Issue 18: depth of the work subscription and age of the oldest dead letter, defaults documented (1000, 3600 s)."""
    _, depth = _condition(plan, "a-europe-west4-queue-depth")
    assert 'metric.type = "pubsub.googleapis.com/subscription/num_undelivered_messages"' in depth["filter"]
    assert 'subscription_id = "prod-fraud-scoring-europe-west4"' in depth["filter"] and depth["thresholdValue"] == 1000
    _, age = _condition(plan, "a-europe-west4-dead-letter-age")
    assert 'metric.type = "pubsub.googleapis.com/subscription/oldest_unacked_message_age"' in age["filter"]
    assert "dead-letter" in age["filter"] and age["thresholdValue"] == 3600


def test_queue_age_on_the_work_subscription(plan):
    policy, cond = _condition(plan, "a-europe-west4-queue-age")
    assert 'resource.labels.subscription_id = "prod-fraud-scoring-europe-west4"' in cond["filter"]
    assert 'metric.type = "pubsub.googleapis.com/subscription/oldest_unacked_message_age"' in cond["filter"]
    assert cond["thresholdValue"] == 600 and cond["comparison"] == "COMPARISON_GT"
    assert cond["evaluationMissingData"] == "EVALUATION_MISSING_DATA_INACTIVE"
    assert policy["userLabels"]["blueprint-workload"] == "fraud-scoring"
    assert plan.named("a-europe-west4-queue-age").workload == "fraud-scoring"


def test_any_dead_letter_alerts(plan):
    _, cond = _condition(plan, "a-europe-west4-dead-letters")
    assert 'resource.labels.subscription_id = "prod-fraud-scoring-europe-west4-dead-letter"' in cond["filter"]
    assert "pubsub.googleapis.com/subscription/num_undelivered_messages" in cond["filter"]
    assert cond["thresholdValue"] == 0


def test_replica_lag_above_rpo_missing_data_breaches(plan):
    _, cond = _condition(plan, "a-europe-west1-replica-lag")
    assert 'resource.type = "cloudsql_database"' in cond["filter"]
    assert 'resource.labels.database_id = "acme-ml-prod:prod-fraud-scoring-europe-west1"' in cond["filter"]
    assert "cloudsql.googleapis.com/database/replication/replica_lag" in cond["filter"]
    assert cond["thresholdValue"] == 5
    assert cond["evaluationMissingData"] == "EVALUATION_MISSING_DATA_ACTIVE"


def test_lb_5xx_summed_per_minute(plan):
    _, cond = _condition(plan, "a-lb-5xx")
    assert 'resource.type = "https_lb_rule"' in cond["filter"]
    assert 'resource.labels.url_map_name = "fraud-scoring-lb-url-map"' in cond["filter"]
    assert "metric.labels.response_code_class = 500" in cond["filter"]
    assert cond["aggregations"] == [{"alignmentPeriod": "60s", "perSeriesAligner": "ALIGN_SUM", "crossSeriesReducer": "REDUCE_SUM"}]
    assert cond["thresholdValue"] == 5


def test_defaults_no_channel_notify_on_open_and_close(plan):
    for r in plan.of_type(POLICY):
        assert r.inputs.get("notificationChannels", []) == []
        assert r.inputs["alertStrategy"]["notificationPrompts"] == ["OPENED", "CLOSED"]
        assert r.inputs["severity"] == "CRITICAL"
        assert r.inputs["conditions"][0]["conditionThreshold"]["duration"] == "60s"
    args = WorkloadAlertsArgs(workload="w", tier="standard")
    assert args.notification_channels == [] and args.http_5xx_threshold == 5
    # Plain defaults for a hand-composed stack: three minutes, WARNING.
    assert (args.evaluation_minutes, args.severity) == (3, "WARNING")


def test_window_and_severity_are_the_values_passed():
    plan = _plan(_args(tier="gold", evaluation_minutes=5, severity="WARNING"))
    policy, cond = _condition(plan, "a-lb-5xx")
    assert cond["duration"] == "300s" and policy["severity"] == "WARNING"
    assert policy["displayName"].startswith("fraud-scoring (gold): ")


def test_only_given_inputs_make_policies():
    plan = _plan(WorkloadAlertsArgs(workload="w", tier="standard", url_map_name="m"))
    assert [r.name for r in plan.of_type(POLICY)] == ["a-lb-5xx"]


def test_fails_bad_channel():
    with pytest.raises(ValidationError, match="notification_channels"):
        _args(notification_channels=["ops@example.com"])


def test_fails_bad_region_key():
    with pytest.raises(ValidationError, match="queue_subscriptions"):
        _args(queue_subscriptions={"Europe West": "s"})


def test_fails_zero_threshold():
    with pytest.raises(ValidationError, match="replica_lag_threshold_s"):
        _args(replica_lag_threshold_s=0)


def test_fails_bad_tier_label_severity_or_window():
    with pytest.raises(ValidationError, match="tier: 'Gold Tier' is not a label value"):
        _args(tier="Gold Tier")
    with pytest.raises(ValidationError, match="severity"):
        _args(severity="PAGE")
    with pytest.raises(ValidationError, match="evaluation_minutes: 0 must be at least 1"):
        _args(evaluation_minutes=0)
