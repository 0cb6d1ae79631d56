"""AlertChannel (GCP): the stack's Cloud Monitoring notification channel, the counterpart of the
AWS stack's encrypted SNS alarm topic.

A Pub/Sub topic (CMEK, messages stored only in the stack's primary region) behind a ``pubsub``
notification channel: every alert policy notifies it, and on-call tooling (PagerDuty, Opsgenie, a
chat bridge, email via a push subscription) subscribes to the topic. Nothing organisation-specific
(addresses, webhooks) is needed to create it.

Children (component named ``n``):
    ``n-topic``      gcp.pubsub.Topic
    ``n-publisher``  gcp.pubsub.TopicIAMMember: the Monitoring notification service agent
                     (``monitoring_agent``) may publish
    ``n-channel``    gcp.monitoring.NotificationChannel (type ``pubsub``)
"""

from __future__ import annotations

from typing import Any, Optional

import pulumi
import pulumi_gcp as gcp
from pydantic import BaseModel, ConfigDict, Field

from ._labels import merge_labels
from ._types import KmsKeyId, Labels, Region



class AlertChannelArgs(BaseModel):
    """Settings of the stack's alert channel."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    topic_name: str = Field(pattern=r"^[a-z][a-z0-9-]{2,200}$", description="Pub/Sub topic name, e.g. 'prod-alerts'.")
    region: Region = Field(description="The only region the topic may store messages in (the stack's primary).")
    kms_key_id: KmsKeyId = Field(description="pulumi.Input[str]: CMEK key of that region (the Pub/Sub agent may use it).")
    monitoring_agent: Any = Field(
        description="pulumi.Input[str]: email of the Monitoring notification service agent, which publishes the alerts "
        "(gcp.projects.ServiceIdentity('monitoring.googleapis.com').email; blueprint.components.gcp.service_agents)."
    )
    labels: Labels = Field(default_factory=dict, description="Labels merged onto the topic. Default none.")


class AlertChannel(pulumi.ComponentResource):
    """An encrypted, region-pinned Pub/Sub topic behind a Cloud Monitoring notification channel."""

    def __init__(self, name: str, args: AlertChannelArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:gcp:AlertChannel", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        topic = gcp.pubsub.Topic(
            f"{name}-topic",
            name=args.topic_name,
            kms_key_name=args.kms_key_id,
            message_storage_policy=gcp.pubsub.TopicMessageStoragePolicyArgs(allowed_persistence_regions=[args.region]),
            labels=merge_labels(args.labels, f"{name}-topic"),
            opts=child,
        )
        publisher = gcp.pubsub.TopicIAMMember(
            f"{name}-publisher",
            topic=topic.id,
            role="roles/pubsub.publisher",
            member=pulumi.Output.concat("serviceAccount:", args.monitoring_agent),
            opts=child,
        )
        channel = gcp.monitoring.NotificationChannel(
            f"{name}-channel",
            display_name=f"blueprint alerts ({args.topic_name})",
            type="pubsub",
            labels={"topic": topic.id},
            user_labels=merge_labels(args.labels, f"{name}-channel"),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[publisher]),
        )
        self.topic_id: pulumi.Output[str] = topic.id
        self.channel_id: pulumi.Output[str] = channel.id
        self.register_outputs({"topic_id": self.topic_id, "channel_id": self.channel_id})
