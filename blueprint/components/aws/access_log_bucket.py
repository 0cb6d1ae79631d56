"""AccessLogBucket: the S3 bucket a region's access logs go to - Application Load Balancer access
logs and the S3 server access logs of the region's backup vaults.

One per region where a load balancer or a vault is; every load balancer of the region writes under
its own prefix (``<bucket>/<prefix>/AWSLogs/<account>/...``), S3 server access logs go under
:data:`S3_ACCESS_LOG_PREFIX` (``BackupVault``'s ``access_log_bucket``).

Children (component named ``n``):
    ``n-bucket``  aws.s3.Bucket (retained on delete)
    ``n-ownership``, ``n-public-access-block``, ``n-versioning``, ``n-encryption``, ``n-policy``,
    ``n-lifecycle``

Encryption is SSE-S3 (AES256), not SSE-KMS, on purpose: the ALB guide ("Enable access logs for
your Application Load Balancer", step 1, bucket requirements) states "The only server-side
encryption option that's supported is Amazon S3-managed keys (SSE-S3)". A bucket whose default
encryption is SSE-KMS silently receives no logs (aws-cdk issue #21947). The encryption policy's
exemption for access-log buckets cites this paragraph.

Log delivery (same guide, step 2) is granted to both principals AWS documents:
* the ``logdelivery.elasticloadbalancing.amazonaws.com`` service principal, which AWS requires in
  regions available as of August 2022 and accepts elsewhere;
* the regional Elastic Load Balancing account (``aws.elb.get_service_account``) in the regions
  available before August 2022 (:data:`ELB_ACCOUNT_REGIONS`). The provider knows no account for
  later regions and fails the lookup there, so it is made only in those regions.
Both may only put objects under ``*/AWSLogs/<this account>/*``.

S3 server access log delivery (S3 user guide, "Enabling Amazon S3 server access logging",
"Grant permissions to the logging service principal using a bucket policy") is granted to the
``logging.s3.amazonaws.com`` service principal, for source buckets of this account only
(``aws:SourceAccount``) and only under ``s3-access-logs/``. The destination's requirements hold
here: same region and account as the source buckets, SSE-S3 default encryption (the guide: "You
can use default bucket encryption on the destination bucket only if you use server-side
encryption with Amazon S3 managed keys (SSE-S3)"), no Object Lock default retention, ACLs off
(so the bucket policy, not an ACL grant, authorises delivery).
"""

from __future__ import annotations

import json
from typing import Optional

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ._s3 import private_versioned, tls_only_statements
from ._tags import check_tags, merge_tags
from .backup_vault import S3_ACCESS_LOG_PREFIX, bucket_prefix

# The service principal ELB log delivery uses (ALB guide, "Attach a policy to your S3 bucket").
ELB_LOG_DELIVERY_PRINCIPAL = "logdelivery.elasticloadbalancing.amazonaws.com"

# Regions available before August 2022, which have a regional ELB account for log delivery: the
# keys of the provider's own table (terraform-provider-aws internal/service/elb/
# service_account_data_source.go, accountIDPerRegionMap). Any other region gets the service
# principal only (the provider's lookup fails there with "unsupported AWS Region").
ELB_ACCOUNT_REGIONS = frozenset({
    "af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
    "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ca-central-1", "cn-north-1", "cn-northwest-1",
    "eu-central-1", "eu-north-1", "eu-south-1", "eu-west-1", "eu-west-2", "eu-west-3", "me-south-1",
    "sa-east-1", "us-east-1", "us-east-2", "us-gov-east-1", "us-gov-west-1", "us-west-1", "us-west-2",
})

# S3 server access log delivery (S3 user guide, "Enabling Amazon S3 server access logging").
# The key prefix (S3_ACCESS_LOG_PREFIX) is BackupVault's, imported above.
S3_LOG_DELIVERY_PRINCIPAL = "logging.s3.amazonaws.com"

# A deleted or overwritten log object stays recoverable this long (versioning), then goes.
NONCURRENT_VERSION_DAYS = 30
# Incomplete multipart uploads are aborted after a week.
ABORT_INCOMPLETE_MULTIPART_DAYS = 7


class AccessLogBucketArgs(BaseModel):
    """Settings of a region's load-balancer access-log bucket."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    retention_days: int = Field(
        default=365,
        description="Days a log object is kept before the lifecycle expires it (1..3650). Default 365: a year of "
        "request history for incident investigation, then it ages out (logs hold client IPs).",
    )
    tags: dict[str, str] = Field(default_factory=dict, description="Tags merged onto every taggable child.")

    @field_validator("retention_days")
    @classmethod
    def _retention(cls, v: int) -> int:
        if not 1 <= v <= 3650:
            raise ValueError(f"retention_days: {v} is outside 1..3650; choose how many days access logs are kept (default 365)")
        return v

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: dict[str, str]) -> dict[str, str]:
        return check_tags("tags", v)


def access_log_policy(bucket_arn: str, account: str, elb_account_arn: Optional[str]) -> str:
    """The bucket policy: TLS 1.2+ only; ELB and S3 server access log delivery for this account's logs only."""
    logs = f"{bucket_arn}/*/AWSLogs/{account}/*"
    statements = [
        *tls_only_statements(bucket_arn),
        {
            "Sid": "AllowElbLogDelivery",
            "Effect": "Allow",
            "Principal": {"Service": ELB_LOG_DELIVERY_PRINCIPAL},
            "Action": "s3:PutObject",
            "Resource": logs,
        },
    ]
    statements.append(
        {
            "Sid": "AllowS3ServerAccessLogDelivery",
            "Effect": "Allow",
            "Principal": {"Service": S3_LOG_DELIVERY_PRINCIPAL},
            "Action": "s3:PutObject",
            "Resource": f"{bucket_arn}/{S3_ACCESS_LOG_PREFIX}*",
            # Confused-deputy guard: only logs of this account's buckets.
            "Condition": {"StringEquals": {"aws:SourceAccount": account}},
        }
    )
    if elb_account_arn:
        statements.append(
            {
                "Sid": "AllowRegionalElbAccountLogDelivery",
                "Effect": "Allow",
                "Principal": {"AWS": elb_account_arn},
                "Action": "s3:PutObject",
                "Resource": logs,
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


class AccessLogBucket(pulumi.ComponentResource):
    """An S3 bucket for ALB and S3 server access logs: SSE-S3 (the only encryption both deliveries support), ACLs
    disabled, all public access blocked, versioned, TLS 1.2+ only, logs expire after
    ``retention_days``, retained on delete."""

    bucket: pulumi.Output[str]
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: AccessLogBucketArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:aws:AccessLogBucket", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        invoke = pulumi.InvokeOutputOptions(parent=self)

        def after(*deps: pulumi.Resource) -> pulumi.ResourceOptions:
            return pulumi.ResourceOptions(parent=self, depends_on=list(deps))

        region = aws.get_region_output(opts=invoke).region
        account = aws.get_caller_identity_output(opts=invoke).account_id
        # Only regions older than August 2022 have an ELB account; elsewhere the lookup would fail.
        elb_account_arn = region.apply(
            lambda r: aws.elb.get_service_account_output(opts=invoke).arn if r in ELB_ACCOUNT_REGIONS else None
        )

        bucket = aws.s3.Bucket(
            f"{name}-bucket",
            bucket_prefix=bucket_prefix(name),
            force_destroy=False,  # never empty the logs on delete
            tags=merge_tags(args.tags, f"{name}-bucket"),
            # Stateful: deleting the stack (or a replace) never deletes the logs.
            opts=pulumi.ResourceOptions(parent=self, retain_on_delete=True),
        )
        controls = private_versioned(name, bucket, child)
        ownership, public_access_block, versioning = controls.ownership, controls.public_access_block, controls.versioning
        encryption = aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=bucket.id,
            rules=[
                aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                    # SSE-S3: the only default encryption ALB log delivery supports (module doc).
                    apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                        sse_algorithm="AES256"
                    ),
                )
            ],
            opts=child,
        )
        policy = aws.s3.BucketPolicy(
            f"{name}-policy",
            bucket=bucket.id,
            policy=pulumi.Output.all(bucket.arn, account, elb_account_arn).apply(lambda a: access_log_policy(*a)),
            opts=after(public_access_block),
        )
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=bucket.id,
            rules=[
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id="expire-access-logs",
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(),  # whole bucket
                    expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=args.retention_days),
                    noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                        noncurrent_days=NONCURRENT_VERSION_DAYS
                    ),
                    abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                        days_after_initiation=ABORT_INCOMPLETE_MULTIPART_DAYS
                    ),
                )
            ],
            opts=after(versioning),
        )

        # The bucket name resolves only once the bucket accepts logs (policy, encryption, ownership
        # in place): a load balancer given this name waits for them, since ELB test-writes to the
        # bucket when access logging is turned on and fails on an unwritable bucket.
        ready = [policy.id, encryption.id, ownership.id]
        self.bucket = pulumi.Output.all(bucket.bucket, *ready).apply(lambda a: a[0])
        self.arn = bucket.arn
        self.retention_days: int = args.retention_days
        self.register_outputs({"bucket": self.bucket, "arn": self.arn, "retention_days": self.retention_days})
