"""The explicit, documented exemptions (docs/policies.md lists the same, with the reasons).

Nothing else is exempt: a resource type not listed here is checked in full.
"""

from __future__ import annotations

from dataclasses import dataclass

from blueprint.types import aws, gcp

# ---- residency: global services ----------------------------------------------------------------
# Resource types that have no region: their configuration is held by a global control plane and
# they store no customer data (identities, DNS records, health checks, edge proxies of GCP's
# global load balancer). Only these may be planned in "global". CloudFront, Global Accelerator and
# S3 Multi-Region Access Points are deliberately absent: they cache or route data outside any
# one jurisdiction.
GLOBAL_SERVICE_PREFIXES: tuple[str, ...] = aws.GLOBAL_SERVICE_PREFIXES + gcp.GLOBAL_SERVICE_PREFIXES


def is_global_service(type_: str) -> bool:
    return type_.startswith(GLOBAL_SERVICE_PREFIXES)


# ---- residency: regional exemptions ------------------------------------------------------------
@dataclass(frozen=True)
class RegionalExemption:
    """Resources allowed in a region outside the stack's jurisdiction, and why."""

    id: str  # the value of the blueprint:residency-exemption tag
    regions: tuple[str, ...]
    tagged_types: tuple[str, ...]  # exempt when tagged blueprint:residency-exemption=<id>
    attached_types: tuple[str, ...]  # untaggable: exempt when they depend on an exempt resource
    alarm_namespace: str  # CloudWatch alarms on this namespace, in these regions, are exempt
    reason: str


ROUTE53_HEALTH_CHECK_METRICS = RegionalExemption(
    id="route53-health-check-metrics",
    regions=("us-east-1",),
    tagged_types=(aws.KMS_KEY, aws.SNS_TOPIC),
    attached_types=(aws.KMS_ALIAS, aws.SNS_TOPIC_POLICY),
    alarm_namespace="AWS/Route53",
    reason=("Route 53 publishes health-check metrics (AWS/Route53 HealthCheckStatus) in us-east-1 only, so "
            "the alarms on them, the SNS topic they notify and that topic's KMS key must live there; they "
            "hold a health check's up/down status and the checked host name, no customer data "
            "(blueprint/components/aws/platform.py, blueprint/components/aws/dns_failover.py)."),
)

REGIONAL_EXEMPTIONS: tuple[RegionalExemption, ...] = (ROUTE53_HEALTH_CHECK_METRICS,)

# ---- encryption at rest: where a customer-managed key is impossible ----------------------------
# Parent component type -> reason. The bucket must still be encrypted (SSE-S3, AES256).
SSE_S3_ALLOWED_PARENTS: dict[str, str] = {
    "blueprint:aws:AccessLogBucket": (
        "Elastic Load Balancing access-log delivery supports SSE-S3 only (ELB user guide, \"Enable access "
        "logs for your Application Load Balancer\", bucket requirements); see blueprint/components/aws/access_log_bucket.py."
    ),
}
