"""Tier -> footprint rules, without planning."""

import pytest

from blueprint.catalogs.tiers import LockMode, SecondRegionRole, Strategy
from blueprint.config.validate import validate_config
from blueprint.footprint import RegionRole, build_footprint


def _config(*workloads, secondary="us-west-2", zones=3):
    raw = {
        "cloud": "aws", "environment": "t", "residency": "us", "aws:region": "us-east-1",
        "primaryRegion": "us-east-1", "zonesPerRegion": zones, "workloads": list(workloads),
        "deployerCidrs": ["203.0.113.10/32"],
    }
    if secondary:
        raw["secondaryRegion"] = secondary
    return validate_config(raw)


def _gpu(minimum=2, maximum=6):
    return {"accelerator": "nvidia-l4", "gpusPerNode": 1, "minNodesPerZone": minimum, "maxNodesPerZone": maximum}


@pytest.mark.parametrize(
    "tier, role, secondary_min",
    [
        ("mission-critical", SecondRegionRole.SERVING, 2),  # equal
        ("business-critical", SecondRegionRole.WARM, 1),  # smaller, never zero
        ("standard", SecondRegionRole.PILOT, 0),  # zero
    ],
)
def test_second_region_gpu_minimum_by_tier(tier, role, secondary_min):
    fp = build_footprint(_config({"name": "wl", "tier": tier, "gpu": _gpu()}))
    secondary = next(p for p in fp.placements if p.region_role is RegionRole.SECONDARY)
    assert secondary.role is role
    assert secondary.gpu.min_nodes_per_zone == secondary_min
    assert secondary.gpu.max_nodes_per_zone == 6  # failover can scale to full capacity


def test_backup_restore_has_no_gpus_and_no_platform_in_the_second_region():
    fp = build_footprint(_config({"name": "wl", "tier": "best-effort", "gpu": _gpu(0, 2)}))
    secondary = next(p for p in fp.placements if p.region_role is RegionRole.SECONDARY)
    assert secondary.role is SecondRegionRole.BACKUP_COPIES and secondary.gpu is None
    assert fp.region("us-west-2").runs_platform is False
    assert fp.region("us-east-1").nat_per_zone is False  # best-effort only: one NAT is enough


def test_only_active_active_serves_from_the_second_region():
    fp = build_footprint(_config({"name": "aa", "tier": "mission-critical"}, {"name": "bb", "tier": "business-critical"}))
    serving = {(p.name, p.region_role) for p in fp.placements if p.serving}
    assert serving == {("aa", RegionRole.PRIMARY), ("bb", RegionRole.PRIMARY), ("aa", RegionRole.SECONDARY)}


def test_vault_lock_mode_and_days_follow_the_tier():
    fp = build_footprint(_config({"name": "aa", "tier": "mission-critical"}, {"name": "bb", "tier": "standard", "backup": {"retentionDays": 20}}))
    vaults = {p.name: p.vault for p in fp.placements if p.region_role is RegionRole.PRIMARY}
    assert vaults["aa"].lock_mode is LockMode.COMPLIANCE and vaults["aa"].retention_days == 35
    assert vaults["bb"].lock_mode is LockMode.GOVERNANCE and vaults["bb"].retention_days == 20


def test_regions_use_the_first_zones_of_the_catalog():
    fp = build_footprint(_config({"name": "aa", "tier": "standard"}, zones=2))
    assert fp.region("us-east-1").zones == ("us-east-1a", "us-east-1b")
    assert fp.region("us-east-1").nat_per_zone is True


def test_explicit_stronger_strategy_is_kept():
    fp = build_footprint(_config({"name": "aa", "tier": "standard", "strategy": "active-active", "gpu": _gpu()}))
    assert {p.strategy for p in fp.placements} == {Strategy.ACTIVE_ACTIVE}


def test_service_role_names_how_a_workload_runs_in_each_region():
    from blueprint.config.validate import validate_config
    from blueprint.footprint import build_footprint
    from tests.conftest import BASELINE

    footprint = build_footprint(validate_config(BASELINE, source="test"))
    roles = {(p.name, p.region): p.service_role for p in footprint.placements}
    assert roles[("fraud-scoring", "us-east-1")] == "serving"
    assert roles[("fraud-scoring", "us-west-2")] == "serving"  # active-active
    assert roles[("batch-embeddings", "us-west-2")] == "pilot"


def _served(name, tier, rps=None):
    service = {"image": "registry.example.com/w@sha256:" + "a" * 64}  # no outside tag for tiers requiring recovery data
    if rps is not None:
        service["requestsPerSecondPerPod"] = rps
    return {"name": name, "tier": tier, "gpu": _gpu(), "service": service}


def _served_config(*workloads):
    raw = {
        "cloud": "aws", "environment": "t", "residency": "us", "aws:region": "us-east-1", "primaryRegion": "us-east-1",
        "secondaryRegion": "us-west-2", "dnsZone": "ml.example.com", "workloads": list(workloads),
        "deployerCidrs": ["203.0.113.10/32"],
    }
    return validate_config(raw)


def test_request_rate_reaches_every_region_that_runs_the_service():
    fp = build_footprint(_served_config(_served("wl", "business-critical", 12.5)))
    assert [p.requests_per_second_per_pod for p in fp.placements] == [12.5, 12.5]  # primary and warm standby
    assert [r.traffic_scaling for r in fp.regions] == [True, True]


def test_no_request_rate_without_the_key_or_where_only_backups_land():
    fp = build_footprint(_served_config(_served("cpu", "mission-critical"), _served("be", "best-effort", 5)))
    by = {(p.name, p.region_role): p.requests_per_second_per_pod for p in fp.placements}
    assert by[("cpu", RegionRole.PRIMARY)] is None and by[("cpu", RegionRole.SECONDARY)] is None
    # best-effort: backup copies only in the second region, so nothing scales there.
    assert by[("be", RegionRole.PRIMARY)] == 5 and by[("be", RegionRole.SECONDARY)] is None
    assert fp.region("us-east-1").traffic_scaling and not fp.region("us-west-2").traffic_scaling


def test_traffic_scaling_defaults_off_for_regions_without_served_workloads():
    fp = build_footprint(_config({"name": "batch", "tier": "standard", "gpu": _gpu(0, 4)}))
    assert not any(r.traffic_scaling for r in fp.regions)


def test_every_placement_of_a_workload_carries_its_failover_approval():
    fp = build_footprint(_config(
        {"name": "aa", "tier": "mission-critical"}, {"name": "bb", "tier": "business-critical", "failoverApproval": "automatic"},
        {"name": "cc", "tier": "best-effort"},
    ))
    got = {(p.name, p.region_role): (p.intent.failover_approval, p.intent.zonal_autoshift) for p in fp.placements}
    assert got[("aa", RegionRole.PRIMARY)] == got[("aa", RegionRole.SECONDARY)] == ("automatic", True)
    assert got[("bb", RegionRole.PRIMARY)] == got[("bb", RegionRole.SECONDARY)] == ("automatic", True)
    assert got[("cc", RegionRole.PRIMARY)] == (None, False)


@pytest.mark.parametrize("tier, standby_queue", [
    ("mission-critical", True), ("business-critical", True), ("standard", True), ("best-effort", False)])
def test_queue_in_every_region_that_can_serve_the_workload(tier, standby_queue):
    """Issue 18: a queued workload keeps its queue in the standby region too (not where only backups land)."""
    fp = build_footprint(_config({"name": "wl", "tier": tier, "queue": {"maxReceiveCount": 5}}))
    by_role = {p.region_role: p for p in fp.placements}
    assert by_role[RegionRole.PRIMARY].has_queue is True
    assert by_role[RegionRole.SECONDARY].has_queue is standby_queue
    unqueued = build_footprint(_config({"name": "wl", "tier": tier}))
    assert not any(p.has_queue for p in unqueued.placements)
