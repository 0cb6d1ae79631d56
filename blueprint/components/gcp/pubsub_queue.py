"""PubSubQueue: a Pub/Sub topic + pull subscription that buffer a workload's requests in one region,
with a dead-letter topic (and its subscription, so dead letters are kept).

Children (component named ``n``):
    ``n-topic``                    gcp.pubsub.Topic: the work topic (CMEK, messages stored only in ``region``)
    ``n-subscription``             gcp.pubsub.Subscription: the work subscription (retry with exponential
                                   backoff, dead-lettered after ``max_delivery_attempts``, never expires)
    ``n-dead-letter-topic``        gcp.pubsub.Topic: the dead-letter topic (CMEK, ``region`` only, 31 days retention)
    ``n-dead-letter-subscription`` gcp.pubsub.Subscription: keeps the dead letters (7 days, the maximum)
    ``n-dead-letter-publisher``    gcp.pubsub.TopicIAMMember: the Pub/Sub service agent may publish to the DLQ topic
    ``n-subscription-subscriber``  gcp.pubsub.SubscriptionIAMMember: the agent may ack on the work subscription

Dead lettering needs both grants to the project's Pub/Sub service agent
(``pubsub_service_agent``, from ``gcp.projects.ServiceIdentity('pubsub.googleapis.com')``): Publish on the dead-letter topic and
Subscribe on the source subscription (Pub/Sub "Dead-letter topics"; DeadLetterPolicy.dead_letter_topic:
"The Pub/Sub service account ... must have permission to Publish() to this topic"). A topic without
a subscription drops what is published to it, hence the dead-letter subscription.

Residency: ``message_storage_policy.allowed_persistence_regions = [region]`` (the policy rule
``residency-data-copies`` requires it). Encryption: both topics use the region's CMEK key
(``kms_key_id``; the Pub/Sub service agent must hold encrypt/decrypt on it - ``KmsKey`` grants it).

Pub/Sub limits (DeadLetterPolicy, Subscription reference): ``max_delivery_attempts`` 5..100;
ack deadline 10..600 s; retry backoff 0..600 s; subscription retention 10 min..7 days; topic
retention 10 min..31 days.
"""

from __future__ import annotations

import re
from typing import Any, Optional

import pulumi
import pulumi_gcp as gcp
from pydantic import BaseModel, ConfigDict, Field, field_validator

from blueprint.components._validation import InputMatching, IntBetween

from ._labels import merge_labels
from ._types import KmsKeyId, Labels, Region

DAY = 86400
MIN_ACK_DEADLINE_S, MAX_ACK_DEADLINE_S = 10, 600
MIN_DELIVERY_ATTEMPTS, MAX_DELIVERY_ATTEMPTS = 5, 100
# Subscription retention: 4 days of buffering (as the AWS WorkQueue) covers a weekend-long consumer outage.
MESSAGE_RETENTION_S = 4 * DAY
# The maxima: dead letters stay inspectable as long as Pub/Sub allows on the subscription (7 days) and
# replayable by seek from the topic's own retention for a month (31 days).
DLQ_SUBSCRIPTION_RETENTION_S = 7 * DAY
DLQ_TOPIC_RETENTION_S = 31 * DAY
# Retry with exponential backoff between 10 s (Pub/Sub's default minimum) and 600 s (its maximum).
RETRY_MIN_BACKOFF_S, RETRY_MAX_BACKOFF_S = 10, 600
# Pub/Sub topic and subscription ids: 3..255 characters, a letter first, then letters, digits and - _ . ~ + %;
# blueprint keeps to lowercase letters, digits and '-'.
_NAME = re.compile(r"^[a-z][a-z0-9-]{2,254}$")
# A service agent's email, bare or as a 'serviceAccount:' member.
_AGENT_EMAIL = re.compile(r"^(serviceAccount:)?[a-z0-9.-]+@[a-z0-9.-]+\.iam\.gserviceaccount\.com$")
ServiceAgent = InputMatching(_AGENT_EMAIL, "is not a service agent email; pass "
                             "gcp.projects.ServiceIdentity(service='pubsub.googleapis.com').email "
                             "(blueprint.components.gcp.service_agents.project_service_agents(...)['pubsub'])")
DeliveryAttempts = IntBetween(MIN_DELIVERY_ATTEMPTS, MAX_DELIVERY_ATTEMPTS, scope="Pub/Sub's ",
                              note="; set the workload's queue.maxReceiveCount within 5..100 for GCP stacks")
AckDeadlineSeconds = IntBetween(MIN_ACK_DEADLINE_S, MAX_ACK_DEADLINE_S, scope="Pub/Sub's ",
                                note="; use ack_deadline_for(visibility_timeout_seconds)")
RetentionSeconds = IntBetween(600, DLQ_SUBSCRIPTION_RETENTION_S, scope="Pub/Sub's ", note=" (10 minutes..7 days)")


def ack_deadline_for(visibility_timeout_seconds: int) -> int:
    """The subscription's ack deadline for a configured visibility timeout (the SQS notion):
    Pub/Sub allows 10..600 s, so longer timeouts are capped at 600 s (clients extend the deadline
    with ModifyAckDeadline while they work, which the client libraries do automatically) and shorter
    ones raised to 10 s."""
    return max(MIN_ACK_DEADLINE_S, min(MAX_ACK_DEADLINE_S, visibility_timeout_seconds))


def _duration(seconds: int) -> str:
    return f"{seconds}s"


class PubSubQueueArgs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    topic_name: str = Field(description="Work topic and subscription id (unique in the project: include the region); "
                                        "the dead-letter ones add '-dead-letter'.")
    region: Region = Field(description="The only region Pub/Sub may persist messages in (and the key's region).")
    kms_key_id: KmsKeyId = Field(description="pulumi.Input[str]: the region's CMEK CryptoKey id (both topics).")
    pubsub_service_agent: ServiceAgent = Field(description="pulumi.Input[str]: the project's Pub/Sub service agent email (dead-letter grants).")
    # Pub/Sub's own default and minimum: a poison message is parked after 5 deliveries.
    max_delivery_attempts: DeliveryAttempts = Field(default=5, description="Deliveries before a message is dead-lettered (Pub/Sub allows 5..100); default 5.")
    # Five minutes: longer than a typical inference request; clients extend it for slow ones.
    ack_deadline_seconds: AckDeadlineSeconds = Field(default=300, description="Ack deadline (10..600 s); default 300. Use ack_deadline_for(visibility).")
    message_retention_seconds: RetentionSeconds = Field(default=MESSAGE_RETENTION_S, description="Work subscription retention (600..604800 s); default 4 days.")
    labels: Labels = Field(default_factory=dict, description="Labels merged onto every topic and subscription.")

    @field_validator("topic_name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not _NAME.match(v) or len(v) + len("-dead-letter") > 255 or v.startswith("goog"):
            raise ValueError(f"topic_name: {v!r} is not a valid Pub/Sub id; use 3..243 lowercase letters, digits or '-', "
                             "starting with a letter and not with 'goog' (e.g. 'prod-ingest-europe-west4')")
        return v


class PubSubQueue(pulumi.ComponentResource):
    """Pub/Sub work topic + subscription with a dead-letter topic, CMEK, regional persistence."""

    topic_id: pulumi.Output[str]
    subscription_name: pulumi.Output[str]
    subscription_id: pulumi.Output[str]
    dead_letter_topic_id: pulumi.Output[str]
    dead_letter_subscription_name: pulumi.Output[str]

    def __init__(self, name: str, args: PubSubQueueArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:gcp:PubSubQueue", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        storage = gcp.pubsub.TopicMessageStoragePolicyArgs(allowed_persistence_regions=[args.region])
        agent = pulumi.Output.from_input(args.pubsub_service_agent).apply(
            lambda e: e if e.startswith("serviceAccount:") else f"serviceAccount:{e}")
        dead_letter_topic, dead_letter_subscription = self._dead_letter(name, args, storage)
        topic = gcp.pubsub.Topic(
            f"{name}-topic",
            name=args.topic_name,
            kms_key_name=args.kms_key_id,
            message_storage_policy=storage,
            labels=merge_labels(args.labels, f"{name}-topic"),
            opts=child,
        )
        subscription = self._work_subscription(name, args, topic, dead_letter_topic, dead_letter_subscription, agent)

        self.topic_id = topic.id
        self.subscription_name = subscription.name
        self.subscription_id = subscription.id
        self.dead_letter_topic_id = dead_letter_topic.id
        self.dead_letter_subscription_name = dead_letter_subscription.name
        self.register_outputs({
            "topic_id": self.topic_id, "subscription_name": self.subscription_name, "subscription_id": self.subscription_id,
            "dead_letter_topic_id": self.dead_letter_topic_id, "dead_letter_subscription_name": self.dead_letter_subscription_name,
        })

    def _dead_letter(self, name: str, args: PubSubQueueArgs, storage: Any) -> tuple[gcp.pubsub.Topic, gcp.pubsub.Subscription]:
        """The dead-letter topic (a month of retention for replay by seek) and its never-expiring subscription."""
        child = pulumi.ResourceOptions(parent=self)
        dlq_name = f"{args.topic_name}-dead-letter"
        dead_letter_topic = gcp.pubsub.Topic(
            f"{name}-dead-letter-topic",
            name=dlq_name,
            kms_key_name=args.kms_key_id,
            message_storage_policy=storage,
            message_retention_duration=_duration(DLQ_TOPIC_RETENTION_S),
            labels=merge_labels(args.labels, f"{name}-dead-letter-topic"),
            opts=child,
        )
        dead_letter_subscription = gcp.pubsub.Subscription(
            f"{name}-dead-letter-subscription",
            name=dlq_name,
            topic=dead_letter_topic.id,
            ack_deadline_seconds=args.ack_deadline_seconds,
            message_retention_duration=_duration(DLQ_SUBSCRIPTION_RETENTION_S),
            # Never expire: dead letters are read rarely, and an expired subscription drops them.
            expiration_policy=gcp.pubsub.SubscriptionExpirationPolicyArgs(ttl=""),
            labels=merge_labels(args.labels, f"{name}-dead-letter-subscription"),
            opts=child,
        )
        return dead_letter_topic, dead_letter_subscription

    def _work_subscription(self, name: str, args: PubSubQueueArgs, topic: gcp.pubsub.Topic, dead_letter_topic: gcp.pubsub.Topic,
                           dead_letter_subscription: gcp.pubsub.Subscription, agent: Any) -> gcp.pubsub.Subscription:
        """The work subscription with retry backoff and dead lettering, and the Pub/Sub agent's grants that
        dead lettering needs (publish to the dead-letter topic, subscribe to the work subscription)."""
        child = pulumi.ResourceOptions(parent=self)
        publisher = gcp.pubsub.TopicIAMMember(
            f"{name}-dead-letter-publisher",
            topic=dead_letter_topic.name,
            role="roles/pubsub.publisher",
            member=agent,
            opts=child,
        )
        subscription = gcp.pubsub.Subscription(
            f"{name}-subscription",
            name=args.topic_name,
            topic=topic.id,
            ack_deadline_seconds=args.ack_deadline_seconds,
            message_retention_duration=_duration(args.message_retention_seconds),
            retry_policy=gcp.pubsub.SubscriptionRetryPolicyArgs(
                minimum_backoff=_duration(RETRY_MIN_BACKOFF_S), maximum_backoff=_duration(RETRY_MAX_BACKOFF_S)),
            dead_letter_policy=gcp.pubsub.SubscriptionDeadLetterPolicyArgs(
                dead_letter_topic=dead_letter_topic.id, max_delivery_attempts=args.max_delivery_attempts),
            # Never expire: a standby region's subscription may see no consumer for months (Pub/Sub's
            # default deletes a subscription after 31 days without activity).
            expiration_policy=gcp.pubsub.SubscriptionExpirationPolicyArgs(ttl=""),
            labels=merge_labels(args.labels, f"{name}-subscription"),
            # Dead lettering fails until the agent may publish to the dead-letter topic.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[publisher, dead_letter_subscription]),
        )
        gcp.pubsub.SubscriptionIAMMember(
            f"{name}-subscription-subscriber",
            subscription=subscription.name,
            role="roles/pubsub.subscriber",
            member=agent,
            opts=child,
        )
        return subscription
