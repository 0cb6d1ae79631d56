"""WorkQueue: an SQS queue that buffers a workload's requests, with a dead-letter queue.

Children (component named ``n``):
    ``n-dlq``             aws.sqs.Queue: the dead-letter queue (14 days retention)
    ``n-queue``           aws.sqs.Queue: the work queue (4 days), redrive to the DLQ after ``max_receive_count``
    ``n-dlq-redrive-allow``  aws.sqs.RedriveAllowPolicy: only this work queue may use the DLQ
    ``n-queue-policy`` / ``n-dlq-policy``  aws.sqs.QueuePolicy: requests without TLS are denied

Both queues are encrypted with the region's customer-managed key (SSE-KMS; SQS-managed SSE is
not used), and long polling is on. The DLQ keeps messages longer than the source queue because a
standard queue's message keeps its original enqueue time when it is moved (SQS developer guide,
"dead-letter queues": set the DLQ retention longer than the source's).
"""

from __future__ import annotations

import json
from typing import Optional

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field, model_validator

from blueprint.components._validation import IntBetween

from ._tags import merge_tags
from ._types import KmsKeyArn, Tags

DAY = 86400
# SQS limits: retention 60 s..14 days, visibility 0..12 h, data key reuse 60 s..24 h, wait 0..20 s.
MAX_RETENTION_S = 14 * DAY
MaxReceiveCount = IntBetween(1, 1000, note="; default 5")
VisibilityTimeout = IntBetween(0, 43200, scope="SQS's ", note=" (12 h)")
RetentionSeconds = IntBetween(60, MAX_RETENTION_S, scope="SQS's ", note=" seconds (14 days)")
DataKeyReuseSeconds = IntBetween(60, 86400, scope="SQS's ", note="; default 300")
ReceiveWaitSeconds = IntBetween(0, 20, scope="SQS's ", note="; default 20")


def _deny_insecure_transport(arn: str) -> str:
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "sqs:*",
            "Resource": arn,
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }],
    })


class WorkQueueArgs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    kms_key_arn: KmsKeyArn = Field(description="pulumi.Input[str]: the region's customer-managed key (SSE-KMS of both queues).")
    max_receive_count: MaxReceiveCount = Field(default=5, description="Receives before a message moves to the DLQ (1..1000); default 5.")
    visibility_timeout_seconds: VisibilityTimeout = Field(default=300, description="Visibility timeout (0..43200 s); default 300. Longer than the slowest request.")
    # Four days (the SQS default) of buffering covers a weekend-long consumer outage.
    message_retention_seconds: RetentionSeconds = Field(default=4 * DAY, description="Work queue retention; default 4 days (345600 s).")
    # The maximum: failed messages stay inspectable and redrivable as long as SQS allows.
    dlq_message_retention_seconds: RetentionSeconds = Field(default=MAX_RETENTION_S, description="DLQ retention; default 14 days (1209600 s, the SQS maximum).")
    # Fewer KMS calls (cost, throttling) while keeping data keys short-lived.
    kms_data_key_reuse_period_seconds: DataKeyReuseSeconds = Field(default=300, description="SSE data key reuse (60..86400 s); default 300.")
    # Long polling: fewer empty receives, lower latency than short polling.
    receive_wait_time_seconds: ReceiveWaitSeconds = Field(default=20, description="Long-polling wait (0..20 s); default 20.")
    tags: Tags = Field(default_factory=dict, description="Tags merged onto every taggable child.")

    @model_validator(mode="after")
    def _dlq_outlives_queue(self) -> "WorkQueueArgs":
        if self.dlq_message_retention_seconds <= self.message_retention_seconds:
            raise ValueError(
                f"dlq_message_retention_seconds: {self.dlq_message_retention_seconds} must exceed message_retention_seconds "
                f"({self.message_retention_seconds}); moved messages keep their enqueue time and would expire in the DLQ at once"
            )
        return self


class WorkQueue(pulumi.ComponentResource):
    """SQS work queue + dead-letter queue, SSE-KMS with the CMK, TLS only."""

    name: pulumi.Output[str]
    arn: pulumi.Output[str]
    url: pulumi.Output[str]
    dlq_name: pulumi.Output[str]
    dlq_arn: pulumi.Output[str]

    def __init__(self, name: str, args: WorkQueueArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:aws:WorkQueue", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        sse = {"kms_master_key_id": args.kms_key_arn, "kms_data_key_reuse_period_seconds": args.kms_data_key_reuse_period_seconds}

        dlq = aws.sqs.Queue(
            f"{name}-dlq",
            message_retention_seconds=args.dlq_message_retention_seconds,
            visibility_timeout_seconds=args.visibility_timeout_seconds,
            receive_wait_time_seconds=args.receive_wait_time_seconds,
            tags=merge_tags(args.tags, f"{name}-dlq"),
            **sse,
            opts=child,
        )
        queue = aws.sqs.Queue(
            f"{name}-queue",
            message_retention_seconds=args.message_retention_seconds,
            visibility_timeout_seconds=args.visibility_timeout_seconds,
            receive_wait_time_seconds=args.receive_wait_time_seconds,
            redrive_policy=dlq.arn.apply(lambda arn: json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": args.max_receive_count})),
            tags=merge_tags(args.tags, f"{name}-queue"),
            **sse,
            opts=child,
        )
        aws.sqs.RedriveAllowPolicy(
            f"{name}-dlq-redrive-allow",
            queue_url=dlq.url,
            redrive_allow_policy=queue.arn.apply(lambda arn: json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": [arn]})),
            opts=child,
        )
        for role, q in (("queue", queue), ("dlq", dlq)):
            aws.sqs.QueuePolicy(f"{name}-{role}-policy", queue_url=q.url, policy=q.arn.apply(_deny_insecure_transport), opts=child)

        self.name, self.arn, self.url = queue.name, queue.arn, queue.url
        self.dlq_name, self.dlq_arn = dlq.name, dlq.arn
        self.register_outputs({"name": self.name, "arn": self.arn, "url": self.url, "dlq_name": self.dlq_name, "dlq_arn": self.dlq_arn})
