"""WorkloadAlerts (GCP), failover triggers: the primary-down policy (Cloud SQL database/up below 1,
missing data breaching) and the failover channel notified by the trigger policies only."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tests.components.gcp.test_workload_alerts import _args, _condition, _plan

FAILOVER = "projects/acme-ml-prod/notificationChannels/42"
STACK = "projects/acme-ml-prod/notificationChannels/7"


@pytest.fixture(scope="module")
def plan():
    return _plan(_args(primary_database_id="acme-ml-prod:prod-fraud-scoring-europe-west4", notification_channels=[STACK],
                       failover_channels=[FAILOVER], failover_roles=["primary-down", "lb-5xx"]))


def test_primary_down_breaches_below_one_or_without_data(plan):
    policy, cond = _condition(plan, "a-primary-down")
    assert 'resource.labels.database_id = "acme-ml-prod:prod-fraud-scoring-europe-west4"' in cond["filter"]
    assert 'metric.type = "cloudsql.googleapis.com/database/up"' in cond["filter"]
    assert cond["comparison"] == "COMPARISON_LT" and cond["thresholdValue"] == 1
    # A lost region publishes nothing: silence opens the incident.
    assert cond["evaluationMissingData"] == "EVALUATION_MISSING_DATA_ACTIVE"
    assert policy["displayName"] == "fraud-scoring (mission-critical): Cloud SQL primary down or silent"


def test_only_the_failover_roles_notify_the_failover_channel(plan):
    notified = {r.name: r.inputs["notificationChannels"] for r in plan.of_type("gcp:monitoring/alertPolicy:AlertPolicy")}
    assert notified["a-primary-down"] == [STACK, FAILOVER] and notified["a-lb-5xx"] == [STACK, FAILOVER]
    assert notified["a-europe-west4-queue-age"] == [STACK] and notified["a-europe-west1-replica-lag"] == [STACK]


def test_display_names_are_the_incidents_policy_names(plan):
    display = {r.name: r.inputs["displayName"] for r in plan.of_type("gcp:monitoring/alertPolicy:AlertPolicy")}
    roles = _args(primary_database_id="p:i").roles()
    assert "primary-down" in roles and "lb-5xx" in roles
    assert display["a-primary-down"].endswith("Cloud SQL primary down or silent")


def test_no_primary_down_without_the_primary(plan):
    assert "primary-down" not in _args().roles()


def test_fails_a_failover_role_that_names_no_policy():
    with pytest.raises(ValidationError, match=r"failover_roles: \['primary-down'\] name no policy"):
        _args(failover_channels=[FAILOVER], failover_roles=["primary-down"])


def test_fails_failover_roles_without_a_channel():
    with pytest.raises(ValidationError, match="failover_roles: \\['lb-5xx'\\] given without failover_channels"):
        _args(failover_roles=["lb-5xx"])


def test_fails_a_failover_channel_that_is_not_a_channel_id():
    with pytest.raises(ValidationError, match="failover_channels: 'topic' is not a notification channel id"):
        _args(failover_channels=["topic"])
