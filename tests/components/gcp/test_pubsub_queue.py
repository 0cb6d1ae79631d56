"""PubSubQueue: topic + subscription with a dead-letter topic (kept by its own subscription), retry
with exponential backoff, CMEK and regional persistence on both topics, the Pub/Sub service agent's
dead-lettering grants; validation."""

from __future__ import annotations

import pulumi
import pulumi_gcp as gcp
import pytest
from pydantic import ValidationError

from blueprint.plan.engine import plan_program
from blueprint.components.gcp.pubsub_queue import PubSubQueue, PubSubQueueArgs, ack_deadline_for
from tests.components._helpers import child_names

CONFIG = {"gcp:project": "acme-ml-prod", "gcp:region": "europe-west4"}
KEY = "projects/acme-ml-prod/locations/europe-west4/keyRings/blueprint-prod-europe-west4/cryptoKeys/data"
AGENT = "service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com"  # as ServiceIdentity('pubsub...').email returns it
TOPIC = "gcp:pubsub/topic:Topic"
SUBSCRIPTION = "gcp:pubsub/subscription:Subscription"


def _args(**over) -> PubSubQueueArgs:
    return PubSubQueueArgs(**{"topic_name": "prod-ingest-europe-west4", "region": "europe-west4", "kms_key_id": KEY,
                              "pubsub_service_agent": AGENT, "labels": {"blueprint-workload": "ingest"}, **over})


@pytest.fixture(scope="module")
def plan():
    args = _args(max_delivery_attempts=7)

    def program() -> None:
        provider = gcp.Provider("gcp-europe-west4", project="acme-ml-prod", region="europe-west4")
        PubSubQueue("q", args, pulumi.ResourceOptions(provider=provider))

    return plan_program(program, stack="test", config=CONFIG)


def test_children(plan):
    assert child_names(plan, "blueprint:gcp:PubSubQueue") == {
        "q-topic", "q-subscription", "q-dead-letter-topic", "q-dead-letter-subscription",
        "q-dead-letter-publisher", "q-subscription-subscriber"}


def test_topics_are_cmek_encrypted_and_stored_in_the_region_only(plan):
    topics = plan.of_type(TOPIC)
    assert len(topics) == 2
    for topic in topics:
        assert topic.inputs["kmsKeyName"] == KEY
        assert topic.inputs["messageStoragePolicy"]["allowedPersistenceRegions"] == ["europe-west4"]
        assert topic.inputs["labels"]["blueprint-workload"] == "ingest"
        assert topic.region == "europe-west4"
        assert topic.workload == "ingest"


def test_subscription_dead_letters_after_max_delivery_attempts_with_backoff(plan):
    sub = plan.named("q-subscription").inputs
    assert sub["name"] == "prod-ingest-europe-west4"
    assert sub["topic"] == "projects/acme-ml-prod/topics/prod-ingest-europe-west4"
    assert sub["deadLetterPolicy"] == {"deadLetterTopic": "projects/acme-ml-prod/topics/prod-ingest-europe-west4-dead-letter",
                                       "maxDeliveryAttempts": 7}
    assert sub["retryPolicy"] == {"minimumBackoff": "10s", "maximumBackoff": "600s"}
    assert sub["ackDeadlineSeconds"] == 300
    assert sub["messageRetentionDuration"] == "345600s"
    assert sub["expirationPolicy"] == {"ttl": ""}


def test_dead_letters_are_kept(plan):
    dlq_topic = plan.named("q-dead-letter-topic").inputs
    assert dlq_topic["messageRetentionDuration"] == "2678400s"
    dlq_sub = plan.named("q-dead-letter-subscription").inputs
    assert dlq_sub["topic"] == "projects/acme-ml-prod/topics/prod-ingest-europe-west4-dead-letter"
    assert dlq_sub["messageRetentionDuration"] == "604800s"
    assert dlq_sub["expirationPolicy"] == {"ttl": ""}
    assert "deadLetterPolicy" not in dlq_sub


def test_service_agent_may_dead_letter(plan):
    publisher = plan.named("q-dead-letter-publisher").inputs
    assert publisher["role"] == "roles/pubsub.publisher"
    assert publisher["member"] == f"serviceAccount:{AGENT}"
    assert publisher["topic"] == "prod-ingest-europe-west4-dead-letter"
    subscriber = plan.named("q-subscription-subscriber").inputs
    assert subscriber["role"] == "roles/pubsub.subscriber"
    assert subscriber["member"] == f"serviceAccount:{AGENT}"
    assert subscriber["subscription"] == "prod-ingest-europe-west4"
    sub = plan.named("q-subscription")
    assert plan.named("q-dead-letter-publisher").urn in sub.dependencies


def test_defaults():
    args = _args()
    assert args.max_delivery_attempts == 5
    assert args.ack_deadline_seconds == 300
    assert args.message_retention_seconds == 4 * 86400


@pytest.mark.parametrize("visibility, expected", [(5, 10), (120, 120), (600, 600), (43200, 600)])
def test_ack_deadline_for_caps_at_pubsub_limits(visibility, expected):
    assert ack_deadline_for(visibility) == expected


@pytest.mark.parametrize("attempts", [1, 4, 101, 1000])
def test_fails_max_delivery_attempts_outside_5_to_100(attempts):
    with pytest.raises(ValidationError, match="max_delivery_attempts"):
        _args(max_delivery_attempts=attempts)


def test_fails_ack_deadline_outside_limits():
    with pytest.raises(ValidationError, match="ack_deadline_seconds"):
        _args(ack_deadline_seconds=601)


def test_fails_retention_over_seven_days():
    with pytest.raises(ValidationError, match="message_retention_seconds"):
        _args(message_retention_seconds=8 * 86400)


def test_fails_bad_topic_name():
    with pytest.raises(ValidationError, match="topic_name"):
        _args(topic_name="Prod_Ingest")


def test_fails_key_version_instead_of_key():
    with pytest.raises(ValidationError, match="kms_key_id"):
        _args(kms_key_id=KEY + "/cryptoKeyVersions/1")


def test_fails_agent_not_an_email():
    with pytest.raises(ValidationError, match="pubsub_service_agent"):
        _args(pubsub_service_agent="pubsub")


def test_fails_bad_labels():
    with pytest.raises(ValidationError, match="labels"):
        _args(labels={"Blueprint:Workload": "ingest"})


def test_agent_as_member_or_email_passes_and_a_bare_name_fails_with_the_hint():
    email = "service-1@gcp-sa-pubsub.iam.gserviceaccount.com"
    assert _args(pubsub_service_agent=email).pubsub_service_agent == email
    assert _args(pubsub_service_agent=f"serviceAccount:{email}").pubsub_service_agent == f"serviceAccount:{email}"
    with pytest.raises(ValidationError, match=r"pubsub_service_agent: 'pubsub' is not a service agent email; pass "
                                              r"gcp\.projects\.ServiceIdentity"):
        _args(pubsub_service_agent="pubsub")
