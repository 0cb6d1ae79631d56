"""FailoverProbe (GCP, issue 17): runs in the standby region as one always-on Cloud Run worker pool,
its own account may only read the one backend service's health and publish to the one failover topic,
CMEK on the pool, the plan-readable labels; validation (``test_fails_...``); the composer's tier
differences."""

from __future__ import annotations

import json

import pulumi
import pulumi_gcp as gcp
import pytest
from pydantic import ValidationError

from blueprint.catalogs.failover_probe import GCP_FAILOVER_PROBES, PRIMARY_DOWN_MINUTES
from blueprint.catalogs.tiers import Tier
from blueprint.components.gcp.failover_probe import DEFAULT_IMAGE, SOURCE_FILE, FailoverProbe, FailoverProbeArgs
from blueprint.plan.engine import plan_program

CONFIG = {"gcp:project": "acme-ml-prod", "gcp:region": "europe-west1"}
KEY = "projects/acme-ml-prod/locations/europe-west1/keyRings/blueprint-prod-europe-west1/cryptoKeys/data"
NEG = "https://www.googleapis.com/compute/v1/projects/acme-ml-prod/zones/{zone}/networkEndpointGroups/prod-fraud-scoring"
TOPIC = "projects/acme-ml-prod/topics/prod-failover-alerts"


def _args(**over) -> FailoverProbeArgs:
    return FailoverProbeArgs(**{
        "workload": "fraud-scoring", "tier": "mission-critical", "project": "acme-ml-prod", "region": "europe-west1",
        "watched_region": "europe-west4", "backend_service_name": "fraud-scoring-lb-backend-1a2b3c4",
        "watched_groups": [NEG.format(zone=z) for z in ("europe-west4-a", "europe-west4-b")],
        "standby_groups": [NEG.format(zone="europe-west1-b")], "topic_id": TOPIC,
        "interval_s": 5, "failures": 4, "hold_failures": 30, "kms_key_id": KEY,
        "run_agent": "service-123@serverless-robot-prod.iam.gserviceaccount.com",
        "probe_name": "prod-fraud-scoring-probe", "labels": {"blueprint-workload": "fraud-scoring"}, **over})


@pytest.fixture(scope="module")
def plan():
    def program() -> None:
        provider = gcp.Provider("gcp-europe-west1", project="acme-ml-prod", region="europe-west1")
        FailoverProbe("fp", _args(), pulumi.ResourceOptions(provider=provider))

    return plan_program(program, stack="test", config=CONFIG)


def test_one_always_on_worker_pool_in_the_standby_region_with_cmek(plan):
    pool = plan.named("fp-pool")
    assert pool.type == "gcp:cloudrunv2/workerPool:WorkerPool"
    assert pool.region == "europe-west1" and pool.inputs["location"] == "europe-west1"
    assert pool.inputs["scaling"] == {"scalingMode": "MANUAL", "manualInstanceCount": 1}
    template = pool.inputs["template"]
    assert template["encryptionKey"] == KEY and template["serviceAccount"] == plan.named("fp-sa").outputs["email"]
    (container,) = template["containers"]
    # the program is this package's plain-Python file, run by the image's python3
    assert container["image"] == DEFAULT_IMAGE and container["commands"] == ["python3"]
    assert container["args"] == ["-c", SOURCE_FILE.read_text()]
    config = json.loads(container["envs"][0]["value"])
    assert config["primary_groups"] == [NEG.format(zone="europe-west4-a"), NEG.format(zone="europe-west4-b")]
    assert config["standby_groups"] == [NEG.format(zone="europe-west1-b")] and config["topic"] == TOPIC
    assert (config["interval_s"], config["failures"], config["hold_failures"]) == (5, 4, 30)
    grant = plan.named("fp-key-user").inputs
    assert grant["cryptoKeyId"] == KEY and grant["role"] == "roles/cloudkms.cryptoKeyEncrypterDecrypter"
    assert grant["member"] == "serviceAccount:service-123@serverless-robot-prod.iam.gserviceaccount.com"
    assert plan.named("fp-key-user").urn in pool.dependencies


def test_its_account_reads_one_backend_services_health_and_publishes_to_one_topic(plan):
    member = "serviceAccount:" + plan.named("fp-sa").outputs["email"]
    role = plan.named("fp-role").inputs
    assert role["permissions"] == ["compute.backendServices.get"]  # getHealth's permission, nothing else
    reader = plan.named("fp-health-reader").inputs
    assert reader["name"] == "fraud-scoring-lb-backend-1a2b3c4" and reader["member"] == member
    assert reader["role"] == f"projects/acme-ml-prod/roles/{role['roleId']}"
    publisher = plan.named("fp-publisher").inputs
    assert publisher == {"topic": TOPIC, "role": "roles/pubsub.publisher", "member": member}
    # no project-wide grant at all
    assert not plan.of_type("gcp:projects/iAMMember:IAMMember")


def test_labels_tell_the_model_its_timing(plan):
    labels = plan.named("fp-pool").inputs["labels"]
    assert labels["blueprint-failover-probe"] == "prod-fraud-scoring-probe" and labels["blueprint-probe-watches"] == "europe-west4"
    assert (labels["blueprint-probe-interval-s"], labels["blueprint-probe-failures"], labels["blueprint-probe-hold-failures"]) == ("5", "4", "30")


def test_defaults():
    args = _args(probe_name=None, standby_groups=[])
    assert args.effective_name == "fraud-scoring-probe" and args.image == DEFAULT_IMAGE and args.key_grant is None
    assert args.standby_groups == []


def test_fails_in_the_region_it_watches():
    with pytest.raises(ValidationError, match="region: 'europe-west4' is the watched region"):
        _args(region="europe-west4", kms_key_id=KEY.replace("europe-west1", "europe-west4"), standby_groups=[])


@pytest.mark.parametrize("over, message", [
    ({"hold_failures": 3}, "hold_failures: 3 is below failures 4"),
    ({"watched_groups": []}, "watched_groups: empty"),
    ({"watched_groups": [NEG.format(zone="europe-west1-b")]}, "watched_groups: .* is not a NEG of a zone of europe-west4"),
    ({"standby_groups": [NEG.format(zone="europe-west4-a")]}, "standby_groups: .* is not a NEG of a zone of europe-west1"),
    ({"kms_key_id": KEY.replace("europe-west1", "europe-west4")}, "kms_key_id: .* is not in europe-west1"),
    ({"topic_id": "prod-failover-alerts"}, "topic_id: 'prod-failover-alerts' is not a topic id"),
    ({"probe_name": "Prod_Probe"}, "probe_name: 'Prod_Probe'"),
    ({"interval_s": 0}, "interval_s"),
])
def test_fails_with_bad_settings(over, message):
    with pytest.raises(ValidationError, match=message):
        _args(**over)


def test_tier_timing_in_the_catalog():
    mc, bc, std = (GCP_FAILOVER_PROBES[t] for t in (Tier.MISSION_CRITICAL, Tier.BUSINESS_CRITICAL, Tier.STANDARD))
    # mission-critical: a 20 s fast path (standby healthy) inside its 120 s RTO; others wait out any HA failover
    assert mc.window_s == 20 and mc.hold_window_s == 150
    assert bc.window_s == bc.hold_window_s == 150 and std.window_s == std.hold_window_s == 150
    # every hold window outlasts an in-region Cloud SQL HA failover (~60 s) at least twice
    assert all(s.hold_window_s >= 2 * 60 for s in (mc, bc, std)) and GCP_FAILOVER_PROBES[Tier.BEST_EFFORT] is None
    assert PRIMARY_DOWN_MINUTES * 60 >= 2 * 60


CHANNEL = "projects/acme-ml-prod/notificationChannels/123"


@pytest.fixture(scope="module")
def db_plan():
    def program() -> None:
        provider = gcp.Provider("gcp-europe-west1", project="acme-ml-prod", region="europe-west1")
        FailoverProbe("fp", _args(primary_instance="prod-fraud-scoring-db", notification_channels=[CHANNEL]),
                      pulumi.ResourceOptions(provider=provider))

    return plan_program(program, stack="test", config=CONFIG)


def test_with_a_database_it_reads_the_primary_instances_state_and_nothing_more(db_plan):
    """Review finding 1: the hold path's second signal is the primary Cloud SQL instance's state."""
    member = "serviceAccount:" + db_plan.named("fp-sa").outputs["email"]
    role = db_plan.named("fp-sql-role").inputs
    assert role["permissions"] == ["cloudsql.instances.get"]
    (grant,) = db_plan.of_type("gcp:projects/iAMMember:IAMMember")
    assert grant.inputs["member"] == member and grant.inputs["project"] == "acme-ml-prod"
    pool = db_plan.named("fp-pool")
    assert grant.urn in pool.dependencies
    config = json.loads(pool.inputs["template"]["containers"][0]["envs"][0]["value"])
    assert config["primary_instance"] == "prod-fraud-scoring-db"


def test_without_a_database_no_sql_grant(plan):
    config = json.loads(plan.named("fp-pool").inputs["template"]["containers"][0]["envs"][0]["value"])
    assert config["primary_instance"] is None
    assert [r.inputs["permissions"] for r in plan.of_type("gcp:projects/iAMCustomRole:IAMCustomRole")] == [["compute.backendServices.get"]]


def test_heartbeat_alert_opens_when_the_probe_stops_answering(db_plan):
    """Review finding 7: a crash-looping pool, a disabled key or a failed pull used to leave the fast trigger blind silently."""
    metric = db_plan.named("fp-heartbeat").inputs
    assert metric["filter"] == 'resource.type="cloud_run_worker_pool" AND jsonPayload.heartbeat="prod-fraud-scoring-probe"'
    assert metric["metricDescriptor"] == {"metricKind": "DELTA", "valueType": "INT64"}
    alert = db_plan.named("fp-blind").inputs
    (condition,) = alert["conditions"]
    absent = condition["conditionAbsent"]
    assert absent["duration"] == "180s" and "logging.googleapis.com/user/prod-fraud-scoring-probe-heartbeat" in absent["filter"]
    assert alert["notificationChannels"] == [CHANNEL] and alert["severity"] == "CRITICAL"


def test_heartbeat_line_matches_the_metric():
    from blueprint.components.gcp import _failover_probe_app as app
    from blueprint.components.gcp.failover_probe import HEARTBEAT_LOG
    assert app.HEARTBEAT == HEARTBEAT_LOG and _args().heartbeat_minutes == 3


def test_fails_with_a_heartbeat_outside_an_hour():
    with pytest.raises(ValidationError, match="heartbeat_minutes"):
        _args(heartbeat_minutes=0)
