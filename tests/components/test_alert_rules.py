"""components.alert_rules: the alert rules both clouds share (written once, used by each)."""

from __future__ import annotations

import typing

import pytest

from blueprint.catalogs.tiers import tier_spec
from components import alert_rules
from components.aws import workload_alarms
from components.gcp import workload_alerts

TIERS = typing.get_args(alert_rules.TierName)


def test_both_clouds_use_the_one_table_and_tier_list():
    assert workload_alarms.EVALUATION_PERIODS_BY_TIER is alert_rules.EVALUATION_MINUTES_BY_TIER
    assert workload_alerts.EVALUATION_MINUTES_BY_TIER is alert_rules.EVALUATION_MINUTES_BY_TIER
    assert workload_alarms.TierName is workload_alerts.TierName is alert_rules.TierName
    assert set(alert_rules.EVALUATION_MINUTES_BY_TIER) == set(TIERS)


def test_stricter_tiers_alert_sooner():
    minutes = [alert_rules.EVALUATION_MINUTES_BY_TIER[t] for t in TIERS]
    assert minutes == sorted(minutes) and minutes[0] == 1


@pytest.mark.parametrize("tier", TIERS)
def test_backlog_age_is_the_rto_but_never_below_two_redeliveries(tier):
    rto = tier_spec(tier).rto_target_s
    assert alert_rules.backlog_age_threshold_s(tier, 1) == max(rto, 2)
    assert alert_rules.backlog_age_threshold_s(tier, rto) == 2 * rto
    # Each cloud's wrapper is the shared rule in its own words.
    assert workload_alarms.queue_age_threshold_s(tier, 300) == workload_alerts.queue_age_threshold_s(tier, 300)


@pytest.mark.parametrize("tier", TIERS)
def test_replication_lag_follows_the_rpo_in_each_clouds_unit(tier):
    rpo = tier_spec(tier).rpo_target_s
    assert alert_rules.replication_lag_target_s(tier) == rpo
    assert workload_alarms.replication_lag_threshold_ms(tier) == rpo * 1000
    assert workload_alerts.replica_lag_threshold_s(tier) == max(rpo, 1)
