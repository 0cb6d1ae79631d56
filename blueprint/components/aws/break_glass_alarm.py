"""BreakGlassAlarm: one region's alarm on every assumption of the break-glass DR role, so an assumption
pages while ANY one of the stack's regions is up (the composer builds one per region of the stack).

Why per region: an ``AssumeRole`` call is recorded by CloudTrail, and delivered to EventBridge, in the
region of the STS endpoint that served it; calls to the global endpoint (``sts.amazonaws.com``) are
logged to us-east-1 and carry ``aws:RequestedRegion`` = ``us-east-1`` whichever region served them
(IAM user guide, "AWS STS Regions and endpoints", sections "AWS STS global endpoint changes" and
"AWS CloudTrail and Regional endpoints",
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_region-endpoints.html).
BreakGlassRole's trust policy therefore allows the assumption only through the STS endpoints of the
stack's regions (``aws:RequestedRegion``), and each of those regions has this rule and its own topic:
losing one region leaves the others' alarms intact. (The role's metric-filter alarm on the audit
trail's log group in the primary region stays as a second, independent path.)

Children (component named ``n``; all in the component's region):
    ``n-key``           aws.kms.Key: the topic's customer-managed key (rotation on); EventBridge may use it
                        only for this account and this topic (SNS guide, "Enable compatibility between event
                        sources from AWS services and encrypted topics",
                        https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services;
                        SNS passes the encryption context ``aws:sns:topicArn``)
    ``n-topic``         aws.sns.Topic (explicit name ``topic_name``: the key policy names its ARN before it
                        exists), SSE with ``n-key``, SHA256 signatures
    ``n-topic-policy``  aws.sns.TopicPolicy: events.amazonaws.com may publish only from ``n-rule``
                        (``aws:SourceArn``; EventBridge user guide, "Using resource-based policies for Amazon
                        EventBridge", Amazon SNS permissions,
                        https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html);
                        no plain-HTTP publish or subscribe
    ``n-rule``          aws.cloudwatch.EventRule on the default bus: ``AssumeRole`` of ``role_arn``
                        (source ``aws.sts``, detail-type ``AWS API Call via CloudTrail``). ``AssumeRole`` is a
                        read-only management event, which a rule in state ``ENABLED`` never receives: the
                        state is ``ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`` (EventBridge user guide,
                        "Receiving read-only management events from AWS services", whose example is this
                        very ``AssumeRole`` rule,
                        https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail-management.html)
    ``n-target``        aws.cloudwatch.EventTarget: the rule -> the topic (no ``role_arn``: SNS targets
                        authorize through the topic policy)

CloudTrail delivers events to EventBridge without a delivery guarantee ("best effort", EventBridge user guide, "AWS service
events delivered via AWS CloudTrail"); the primary region's metric-filter alarm backs it up. A trusted
principal of another account: the rule relies on the role's own account receiving the cross-account
``AssumeRole`` event, which this project has not verified (the shipped stacks trust their own account).
Subscribe the security on-call to every region's topic (stack output ``break_glass_alarm_topics``).
"""

from __future__ import annotations

import json
import re
from typing import Any, Optional

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ._tags import merge_tags
from ._types import Tags
from .kms_key import DeletionWindowDays

# The rule's state for read-only management events (module docstring).
RULE_STATE = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
# EventBridge rule names and target ids: 1..64 of [.\-_A-Za-z0-9] (PutRule Name, Target Id).
_RULE_NAME = re.compile(r"^[.\-_A-Za-z0-9]{1,64}$")
# SNS topic names: 1..256 letters, digits, '_' and '-' (CreateTopic Name).
_TOPIC_NAME = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class BreakGlassAlarmArgs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    role_arn: Any = Field(description="pulumi.Input[str]: the break-glass role (BreakGlassRole.arn) whose assumptions page.")
    rule_name: str = Field(description="The EventBridge rule's name (1..64 letters, digits, '.', '-', '_'), e.g. 'prod-break-glass-dr-assumed'.")
    topic_name: str = Field(description="The region's break-glass alarm topic (1..256 letters, digits, '_', '-'), e.g. 'prod-break-glass-dr-alarm'.")
    # Default: KMS's longest window, so a mistaken key deletion can be cancelled for a month.
    key_deletion_window_days: DeletionWindowDays = Field(default=30, description="KMS deletion window of the topic's key, days (7..30); default 30.")
    tags: Tags = Field(default_factory=dict, description="Tags merged onto every taggable child.")

    @field_validator("rule_name")
    @classmethod
    def _rule(cls, v: str) -> str:
        if not _RULE_NAME.match(v):
            raise ValueError(f"rule_name: {v!r} is not an EventBridge rule name; use 1..64 letters, digits, '.', '-' or '_'")
        return v

    @field_validator("topic_name")
    @classmethod
    def _topic(cls, v: str) -> str:
        if not _TOPIC_NAME.match(v):
            raise ValueError(f"topic_name: {v!r} is not an SNS topic name; use 1..256 letters, digits, '-' or '_'")
        return v


def event_pattern(role_arn: str) -> str:
    """AssumeRole of this role, as CloudTrail delivers it to EventBridge."""
    return json.dumps({"source": ["aws.sts"], "detail-type": ["AWS API Call via CloudTrail"],
                       "detail": {"eventSource": ["sts.amazonaws.com"], "eventName": ["AssumeRole"],
                                  "requestParameters": {"roleArn": [role_arn]}}})


def key_policy(partition: str, account: str, topic_arn: str) -> str:
    """The account administers the key; EventBridge may use it only to publish to this account's topic."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "EnableIamPolicies", "Effect": "Allow", "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "AllowEventBridgeToThisTopic", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
         "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceAccount": account, "kms:EncryptionContext:aws:sns:topicArn": topic_arn}}},
    ]})


def topic_policy(topic_arn: str, rule_arn: str, account: str) -> str:
    """Only the break-glass rule may publish (confused-deputy guard); nobody over plain HTTP."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "AllowTheBreakGlassRuleToPublish", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
         "Action": "sns:Publish", "Resource": topic_arn,
         "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}, "StringEquals": {"aws:SourceAccount": account}}},
        {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": ["sns:Publish", "sns:Subscribe"],
         "Resource": topic_arn, "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    ]})


class BreakGlassAlarm(pulumi.ComponentResource):
    """One region's EventBridge rule on the break-glass role's assumptions -> that region's encrypted topic."""

    topic_arn: pulumi.Output[str]
    rule_arn: pulumi.Output[str]

    def __init__(self, name: str, args: BreakGlassAlarmArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:aws:BreakGlassAlarm", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        invoke = pulumi.InvokeOutputOptions(parent=self)
        account = aws.get_caller_identity_output(opts=invoke).account_id
        partition = aws.get_partition_output(opts=invoke).partition
        region = aws.get_region_output(opts=invoke).region
        # The topic's ARN before it exists (explicit name): the key policy names it, the topic uses the key.
        topic_arn = pulumi.Output.concat("arn:", partition, ":sns:", region, ":", account, ":", args.topic_name)
        key = aws.kms.Key(
            f"{name}-key", description=f"blueprint break-glass alarm topic {args.topic_name}", enable_key_rotation=True,
            deletion_window_in_days=args.key_deletion_window_days,
            policy=pulumi.Output.all(partition, account, topic_arn).apply(lambda v: key_policy(*v)),
            tags=merge_tags(args.tags, f"{name}-key"), opts=child)
        topic = aws.sns.Topic(f"{name}-topic", name=args.topic_name, kms_master_key_id=key.arn, signature_version=2,
                              tags=merge_tags(args.tags, f"{name}-topic"), opts=child)
        rule = aws.cloudwatch.EventRule(
            f"{name}-rule", name=args.rule_name, state=RULE_STATE,
            description="Every AssumeRole of the break-glass DR role in this region: confirm a declared disaster",
            event_pattern=pulumi.Output.from_input(args.role_arn).apply(event_pattern),
            tags=merge_tags(args.tags, f"{name}-rule"), opts=child)
        policy = aws.sns.TopicPolicy(
            f"{name}-topic-policy", arn=topic.arn, opts=child,
            policy=pulumi.Output.all(topic.arn, rule.arn, account).apply(lambda v: topic_policy(*v)))
        aws.cloudwatch.EventTarget(f"{name}-target", rule=rule.name, arn=topic.arn, target_id=args.rule_name,
                                   opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]))
        self.topic_arn, self.rule_arn = topic.arn, rule.arn
        self.register_outputs({"topic_arn": self.topic_arn, "rule_arn": self.rule_arn})
