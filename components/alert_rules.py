"""Rules every workload's alerts follow, whatever the cloud (components.aws.workload_alarms and
components.gcp.workload_alerts): the tiers they take, how long a condition must hold per tier, and
the thresholds derived from the tier's RTO and RPO targets. Written once here; each cloud wraps them
in its own words (SQS visibility timeout or Pub/Sub ack deadline, Aurora lag in ms or Cloud SQL lag
in s). Cloud-neutral: imports no cloud SDK.
"""

from __future__ import annotations

from typing import Literal

from blueprint.catalogs.tiers import tier_spec

TierName = Literal["mission-critical", "business-critical", "standard", "best-effort"]
# Minutes a condition must hold before the alert fires (CloudWatch: evaluation periods of 60 s;
# Cloud Monitoring: the condition's duration): the stricter the tier, the sooner.
EVALUATION_MINUTES_BY_TIER = {"mission-critical": 1, "business-critical": 2, "standard": 3, "best-effort": 5}


def backlog_age_threshold_s(tier: str, redelivery_seconds: int) -> int:
    """Oldest-message age that means the backlog is not draining: the tier's RTO target, but never
    below two redelivery intervals (a message being retried once is not an incident)."""
    return max(tier_spec(tier).rto_target_s, 2 * redelivery_seconds)


def replication_lag_target_s(tier: str) -> int:
    """The tier's RPO target in seconds: replication lag above it alerts."""
    return tier_spec(tier).rpo_target_s
