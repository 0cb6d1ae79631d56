"""AlarmTopic: the region's SNS topic that CloudWatch alarms notify, encrypted with the region's CMK.

Children (component named ``n``):
    ``n-topic``           aws.sns.Topic (SSE with the CMK, SHA256 message signatures)
    ``n-policy``          aws.sns.TopicPolicy: CloudWatch alarms of this account may publish; no plain HTTP
    ``n-email-<digest>``  aws.sns.TopicSubscription per email address (``<digest>``: the first 8 hex
                          characters of the lower-cased address's SHA-256, so names are stable when
                          the list is reordered and do not carry the address itself)

CloudWatch can only publish to a topic encrypted with a customer-managed key whose key policy lets
``cloudwatch.amazonaws.com`` use it (kms:GenerateDataKey*, kms:Decrypt; the SNS guide, "Enable
compatibility between event sources from AWS services and encrypted topics"); the AWS-managed
``alias/aws/sns`` key cannot be used. ``KmsKey``'s key policy carries that grant
(``AllowCloudWatchAlarms``, limited to this account), so pass a ``KmsKey(...).arn`` of the same region.

Email subscriptions stay "pending confirmation" until the recipient confirms the mail AWS sends;
an unconfirmed subscription cannot be deleted through the API (AWS drops it after 3 days).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ._tags import check_kms_key_arn, check_tags, merge_tags

# A practical address check (local part of RFC 5322 atext and dots, a dotted domain with a TLD);
# SNS sends the confirmation mail, which is the real proof.
_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
_MAX_EMAIL = 254


def email_digest(address: str) -> str:
    """The stable, address-free suffix of an email subscription's resource name."""
    return hashlib.sha256(address.lower().encode()).hexdigest()[:8]


class AlarmTopicArgs(BaseModel):
    """Settings of the region's encrypted alarm topic."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    kms_key_arn: Any = Field(
        description="pulumi.Input[str]: ARN of the region's customer-managed key for SNS server-side encryption "
        "(required). Its key policy must let cloudwatch.amazonaws.com use it, as KmsKey's does.",
    )
    email_subscriptions: tuple[str, ...] = Field(
        default=(),
        description="Email addresses notified of every alarm (optional; default none: other subscribers, such as "
        "a pager or chat integration, can subscribe to the topic's ARN). Each must confirm AWS's mail.",
    )
    tags: dict[str, str] = Field(default_factory=dict, description="Tags merged onto every taggable child.")

    @field_validator("kms_key_arn")
    @classmethod
    def _kms(cls, v: Any) -> Any:
        return check_kms_key_arn("kms_key_arn", v)

    @field_validator("email_subscriptions")
    @classmethod
    def _emails(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        seen: dict[str, str] = {}
        for address in v:
            if len(address) > _MAX_EMAIL or not _EMAIL.match(address):
                raise ValueError(
                    f"email_subscriptions: {address!r} is not an email address; pass addresses like 'oncall@example.com'"
                )
            key = address.lower()
            if key in seen:
                raise ValueError(
                    f"email_subscriptions: {address!r} is listed twice (also as {seen[key]!r}); list each address once"
                )
            seen[key] = address
        return v

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: dict[str, str]) -> dict[str, str]:
        return check_tags("tags", v)


def _topic_policy(topic_arn: str, partition: str, account: str, region: str) -> str:
    """CloudWatch alarms of this account and region may publish (confused-deputy guard on source
    account and alarm ARN); nobody may publish or subscribe over plain HTTP (the SNS security
    best practice "Enforce encryption of data in transit"). Principals of the account keep the
    access their IAM policies give them."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AllowCloudWatchAlarmsToPublish",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudwatch.amazonaws.com"},
                    "Action": "sns:Publish",
                    "Resource": topic_arn,
                    "Condition": {
                        "StringEquals": {"aws:SourceAccount": account},
                        "ArnLike": {"aws:SourceArn": f"arn:{partition}:cloudwatch:{region}:{account}:alarm:*"},
                    },
                },
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": ["sns:Publish", "sns:Subscribe"],
                    "Resource": topic_arn,
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
            ],
        }
    )


class AlarmTopic(pulumi.ComponentResource):
    """An SNS topic for CloudWatch alarms: SSE with the region's CMK, publish limited to this
    account's alarms, TLS only, optional email subscriptions."""

    arn: pulumi.Output[str]
    name: pulumi.Output[str]

    def __init__(self, name: str, args: AlarmTopicArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("blueprint:aws:AlarmTopic", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        invoke = pulumi.InvokeOutputOptions(parent=self)

        region = aws.get_region_output(opts=invoke)
        identity = aws.get_caller_identity_output(opts=invoke)
        partition = aws.get_partition_output(opts=invoke)

        topic_name = f"{name}-topic"
        topic = aws.sns.Topic(
            topic_name,
            kms_master_key_id=args.kms_key_arn,
            # Secure default: SHA256-signed deliveries (SignatureVersion 2) instead of SHA1.
            signature_version=2,
            tags=merge_tags(args.tags, topic_name),
            opts=child,
        )
        aws.sns.TopicPolicy(
            f"{name}-policy",
            arn=topic.arn,
            policy=pulumi.Output.all(topic.arn, partition.partition, identity.account_id, region.region).apply(
                lambda a: _topic_policy(*a)
            ),
            opts=child,
        )
        for address in args.email_subscriptions:
            aws.sns.TopicSubscription(
                f"{name}-email-{email_digest(address)}",
                topic=topic.arn,
                protocol="email",
                endpoint=address,
                opts=child,
            )

        self.arn = topic.arn
        self.name = topic.name
        self.register_outputs({"arn": self.arn, "name": self.name})
