"""blueprint.catalogs.operations.FAILOVER_PROBE (issue 17): every tier has the out-of-region probe's timing,
CloudWatch accepts its alarm period, the stricter tier detects sooner, and the footprint hands it on."""

from __future__ import annotations

import pytest

from blueprint.catalogs.operations import FAILOVER_PROBE, FailoverProbeSpec
from blueprint.catalogs.tiers import Tier, tier_spec
from blueprint.components.aws.failover_probe import FailoverProbeArgs

ORDER = [Tier.MISSION_CRITICAL, Tier.BUSINESS_CRITICAL, Tier.STANDARD, Tier.BEST_EFFORT]


def test_every_tier_has_a_probe_spec_cloudwatch_accepts():
    assert set(FAILOVER_PROBE) == set(Tier)
    for spec in FAILOVER_PROBE.values():
        # PutMetricAlarm Period: 10, 20, 30 or a multiple of 60; M of N needs M <= N.
        assert spec.period_s in (10, 20, 30) or spec.period_s % 60 == 0
        assert 1 <= spec.datapoints_to_alarm <= spec.evaluation_periods


def test_stricter_tiers_detect_sooner():
    detections = [FAILOVER_PROBE[t].detection_s for t in ORDER]
    assert detections == sorted(detections) and len(set(detections)) == len(detections), detections


def test_mission_critical_probe_timing_counts_the_last_slots_deadline():
    """2 x 10 s probes + the last slot's 3 s deadline + 10 s alarm evaluation + 30 s Region switch start + 60 s
    Aurora global failover = 123 s: 3 s over the 120 s target (review finding 3; docs/resilience.md says so)."""
    spec = FAILOVER_PROBE[Tier.MISSION_CRITICAL]
    assert spec == FailoverProbeSpec(period_s=10, datapoints_to_alarm=2, evaluation_periods=3, attempt_timeout_s=3)
    assert spec.detection_s == 2 * 10 + 3
    assert spec.detection_s + 10 + 30 + 60 == tier_spec(Tier.MISSION_CRITICAL).rto_target_s + 3


@pytest.mark.parametrize("tier", ORDER)
def test_each_spec_builds_a_valid_probe(tier):
    spec = FAILOVER_PROBE[tier]
    args = FailoverProbeArgs(workload="w", probe_region="us-west-2", watched_region="us-east-1", target_host="h",
                             server_name="w.example.com", path="/ready", period_s=spec.period_s,
                             datapoints_to_alarm=spec.datapoints_to_alarm, evaluation_periods=spec.evaluation_periods,
                             kms_key_arn="arn:aws:kms:us-west-2:123456789012:key/k")
    # The documented defaults: HTTPS 443, a year of logs, 3 s attempts, the probe namespace, no topic.
    assert (args.port, args.log_retention_days, args.attempt_timeout_s) == (443, 365, 3)
    assert args.namespace == "Blueprint/FailoverProbe" and args.alarm_topic_arns == []
