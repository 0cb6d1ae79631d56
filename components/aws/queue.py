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
from typing import Any, Optional

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ._tags import check_kms_key_arn, check_tags, merge_tags

DAY = 86400
# SQS limits: retention 60 s..14 days, visibility 0..12 h, data key reuse 60 s..24 h, wait 0..20 s.
MAX_RETENTION_S = 14 * DAY


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

    kms_key_arn: Any = Field(description="pulumi.Input[str]: the region's customer-managed key (SSE-KMS of both queues).")
    max_receive_count: int = Field(default=5, description="Receives before a message moves to the DLQ (1..1000); default 5.")
    visibility_timeout_seconds: int = Field(default=300, description="Visibility timeout (0..43200 s); default 300. Longer than the slowest request.")
    # Four days (the SQS default) of buffering covers a weekend-long consumer outage.
    message_retention_seconds: int = Field(default=4 * DAY, description="Work queue retention; default 4 days (345600 s).")
    # The maximum: failed messages stay inspectable and redrivable as long as SQS allows.
    dlq_message_retention_seconds: int = Field(default=MAX_RETENTION_S, description="DLQ retention; default 14 days (1209600 s, the SQS maximum).")
    # Fewer KMS calls (cost, throttling) while keeping data keys short-lived.
    kms_data_key_reuse_period_seconds: int = Field(default=300, description="SSE data key reuse (60..86400 s); default 300.")
    # Long polling: fewer empty receives, lower latency than short polling.
    receive_wait_time_seconds: int = Field(default=20, description="Long-polling wait (0..20 s); default 20.")
    tags: dict[str, str] = Field(default_factory=dict, description="Tags merged onto every taggable child.")

    @field_validator("kms_key_arn")
    @classmethod
    def _kms(cls, v: Any) -> Any:
        return check_kms_key_arn("kms_key_arn", v)

    @field_validator("max_receive_count")
    @classmethod
    def _receives(cls, v: int) -> int:
        if not 1 <= v <= 1000:
            raise ValueError(f"max_receive_count: {v} is outside 1..1000; default 5")
        return v

    @field_validator("visibility_timeout_seconds")
    @classmethod
    def _visibility(cls, v: int) -> int:
        if not 0 <= v <= 43200:
            raise ValueError(f"visibility_timeout_seconds: {v} is outside SQS's 0..43200 (12 h)")
        return v

    @field_validator("message_retention_seconds", "dlq_message_retention_seconds")
    @classmethod
    def _retention(cls, v: int, info) -> int:
        if not 60 <= v <= MAX_RETENTION_S:
            raise ValueError(f"{info.field_name}: {v} is outside SQS's 60..{MAX_RETENTION_S} seconds (14 days)")
        return v

    @field_validator("kms_data_key_reuse_period_seconds")
    @classmethod
    def _reuse(cls, v: int) -> int:
        if not 60 <= v <= 86400:
            raise ValueError(f"kms_data_key_reuse_period_seconds: {v} is outside SQS's 60..86400; default 300")
        return v

    @field_validator("receive_wait_time_seconds")
    @classmethod
    def _wait(cls, v: int) -> int:
        if not 0 <= v <= 20:
            raise ValueError(f"receive_wait_time_seconds: {v} is outside SQS's 0..20; default 20")
        return v

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: dict[str, str]) -> dict[str, str]:
        return check_tags("tags", v)

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
