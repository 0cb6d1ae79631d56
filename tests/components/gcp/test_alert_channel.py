"""AlertChannel (GCP): encrypted, region-pinned Pub/Sub topic behind a Monitoring notification channel."""

from __future__ import annotations

import pulumi_gcp as gcp
import pytest
from pydantic import ValidationError

from blueprint.plan.engine import plan_program
from blueprint.components.gcp.alert_channel import AlertChannel, AlertChannelArgs

KEY = "projects/acme-ml-prod/locations/europe-west4/keyRings/blueprint-prod-europe-west4/cryptoKeys/data"
CONFIG = {"gcp:project": "acme-ml-prod", "gcp:region": "europe-west4"}


def _args(**overrides) -> AlertChannelArgs:
    return AlertChannelArgs(**{"topic_name": "prod-alerts", "region": "europe-west4", "kms_key_id": KEY,
                               "monitoring_agent": "service-123456789012@gcp-sa-monitoring-notification.iam.gserviceaccount.com",
                               **overrides})


@pytest.fixture(scope="module")
def plan():
    return plan_program(lambda: AlertChannel("alerts", _args()), stack="test", config=CONFIG)


def test_publisher_is_the_agent_the_lookup_returns():
    """The agent comes from Service Usage's lookup (created if missing), not from the project number."""
    def program() -> None:
        agent = gcp.projects.ServiceIdentity("monitoring-agent", service="monitoring.googleapis.com")
        AlertChannel("alerts", _args(monitoring_agent=agent.email))

    plan = plan_program(program, stack="test", config=CONFIG)
    grant = plan.named("alerts-publisher")
    assert grant.inputs["member"] == "serviceAccount:service-123456789012@gcp-sa-monitoring-notification.iam.gserviceaccount.com"
    assert plan.named("monitoring-agent").urn in grant.dependencies


def test_topic_is_cmek_encrypted_and_stores_messages_in_its_region_only(plan):
    topic = plan.named("alerts-topic").inputs
    assert topic["kmsKeyName"] == KEY
    assert topic["messageStoragePolicy"]["allowedPersistenceRegions"] == ["europe-west4"]


def test_only_the_monitoring_agent_may_publish(plan):
    grant = plan.named("alerts-publisher").inputs
    assert grant["role"] == "roles/pubsub.publisher"
    assert grant["member"] == "serviceAccount:service-123456789012@gcp-sa-monitoring-notification.iam.gserviceaccount.com"


def test_channel_notifies_the_topic(plan):
    channel = plan.named("alerts-channel")
    assert channel.inputs["type"] == "pubsub"
    assert channel.inputs["labels"]["topic"].endswith("/topics/prod-alerts")
    assert plan.named("alerts-publisher").urn in channel.dependencies


def test_fails_with_a_key_version_instead_of_a_key():
    with pytest.raises(ValidationError, match="kms_key_id"):
        _args(kms_key_id=KEY + "/cryptoKeyVersions/1")


def test_fails_with_a_zone_instead_of_a_region():
    with pytest.raises(ValidationError, match="region"):
        _args(region="europe-west4-a")
