"""The GCP composer's failover probes (issue 17): gcp-prod's fraud-scoring workflow is started by a
FailoverProbe in europe-west1 and, as the slower second signal, by a primary-down alert that outlasts
an in-region HA failover; the probe's timing differs by tier; with a probe, an automatic failover no
longer listens to the queue-age / 5xx alerts; the workflow's GPU step resizes the pool."""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from blueprint.components.gcp._failover_wiring import trigger_roles
from blueprint.plan.run import plan_stack
from blueprint.project import StackRef
from blueprint.types import gcp
from tests.components.gcp.test_platform import US_STACK
from tests.conftest import ROOT, write_stack


@pytest.fixture(scope="module")
def gcp_prod():
    return plan_stack(ROOT, StackRef("gcp-prod", ROOT / "stacks" / "Pulumi.gcp-prod.yaml"))


@pytest.fixture(scope="module")
def us(tmp_path_factory):
    return plan_stack(ROOT, StackRef("staging", write_stack(tmp_path_factory.mktemp("gcp-probe"), US_STACK, name="staging")))


def _probes(plan) -> dict:
    return {r.workload: r for r in plan.of_type(gcp.CLOUDRUNV2_WORKER_POOL)}


def _assigned(workflow) -> dict:
    steps = yaml.safe_load(workflow.inputs["sourceContents"])["main"]["steps"]
    return {k: v for item in steps[0]["read_event"]["assign"] for k, v in item.items()}


def test_gcp_prod_fraud_scoring_is_started_by_its_probe_in_the_standby_region(gcp_prod):
    probe = _probes(gcp_prod)["fraud-scoring"]
    assert probe.region == "europe-west1" and probe.inputs["labels"]["blueprint-probe-watches"] == "europe-west4"
    config = json.loads(probe.inputs["template"]["containers"][0]["envs"][0]["value"])
    # the primary's three NEGs are watched, the standby's three are the independent signal
    assert len(config["primary_groups"]) == 3 and all("/zones/europe-west4-" in g for g in config["primary_groups"])
    assert len(config["standby_groups"]) == 3 and all("/zones/europe-west1-" in g for g in config["standby_groups"])
    (flow,) = [w for w in gcp_prod.of_type(gcp.WORKFLOWS_WORKFLOW) if w.workload == "fraud-scoring"]
    assigned = _assigned(flow)
    assert assigned["trigger_probes"] == [probe.inputs["labels"]["blueprint-failover-probe"]] == ["prod-fraud-scoring-probe"]
    assert assigned["trigger_policies"] == ["fraud-scoring (mission-critical): Cloud SQL primary down or silent"]
    # the probe publishes to the topic the workflow's trigger listens on, and may do nothing else there
    (topic,) = [t for t in gcp_prod.of_type(gcp.PUBSUB_TOPIC) if t.inputs["name"] == "prod-failover-alerts"]
    (publisher,) = [p for p in gcp_prod.of_type("gcp:pubsub/topicIAMMember:TopicIAMMember") if p.name == "fraud-scoring-probe-publisher"]
    assert publisher.inputs["topic"] == topic.id == config["topic"] == "projects/acme-ml-prod/topics/prod-failover-alerts"


def test_gcp_prod_primary_down_outlasts_an_in_region_ha_failover(gcp_prod):
    """The finding: a 60 s primary-down could fail over on a ~60 s Cloud SQL HA failover blip."""
    (policy,) = [p for p in gcp_prod.of_type(gcp.MONITORING_ALERT_POLICY) if p.name.endswith("-primary-down")]
    threshold = policy.inputs["conditions"][0]["conditionThreshold"]
    assert threshold["duration"] == "180s" and threshold["evaluationMissingData"] == "EVALUATION_MISSING_DATA_ACTIVE"
    # the other policies keep the tier's timing (mission-critical: one minute)
    (lag,) = [p for p in gcp_prod.of_type(gcp.MONITORING_ALERT_POLICY) if p.name.endswith("-replica-lag")]
    assert lag.inputs["conditions"][0]["conditionThreshold"]["duration"] == "60s"


def test_probe_timing_differs_by_tier(us):
    probes = _probes(us)
    timing = {w: tuple(int(p.inputs["labels"][k]) for k in ("blueprint-probe-interval-s", "blueprint-probe-failures",
                                                               "blueprint-probe-hold-failures")) for w, p in probes.items()}
    assert timing["mission-critical-app"] == (5, 4, 30)
    assert timing["business-critical-app"] == (10, 15, 15)
    assert timing["standard-app"] == (15, 10, 10)
    assert "best-effort-app" not in probes  # no second region to fail over to
    assert all(p.region == "us-east4" and p.inputs["labels"]["blueprint-probe-watches"] == "us-central1" for p in probes.values())


def test_automatic_with_a_probe_ignores_alerts_that_cannot_see_a_lost_region():
    roles = ["europe-west4-queue-age", "europe-west1-queue-age", "lb-5xx", "primary-down"]
    assert trigger_roles("automatic", roles, "europe-west4", probed=True) == ["primary-down"]
    # no database: the probe alone (queue age and 5xx would fail over on a backlog or a bad release)
    assert trigger_roles("automatic", roles[:-1], "europe-west4", probed=True) == []
    assert trigger_roles("manual", roles, "europe-west4", probed=True) == ["primary-down", "europe-west4-queue-age", "lb-5xx"]


def test_a_served_workload_without_a_database_gets_a_probe_triggered_workflow(tmp_path):
    stack = copy.deepcopy(US_STACK)
    stack["workloads"] = [w for w in stack["workloads"] if w["tier"] == "business-critical"]
    stack["workloads"][0].pop("database", None)
    plan = plan_stack(ROOT, StackRef("staging", write_stack(tmp_path, stack, name="staging")))
    (flow,) = plan.of_type(gcp.WORKFLOWS_WORKFLOW)
    assigned = _assigned(flow)
    assert assigned["trigger_policies"] == [] and assigned["trigger_probes"] == ["staging-business-critical-app-probe"]


def test_the_gpu_step_raises_the_floor_and_resizes_the_pool(us):
    (flow,) = [w for w in us.of_type(gcp.WORKFLOWS_WORKFLOW) if w.workload == "business-critical-app"]
    text = flow.inputs["sourceContents"]
    assert "nodePools.setAutoscaling" in text and "nodePools.setSize" in text
    assert text.index("nodePools.setAutoscaling") < text.index("nodePools.setSize")


def test_gcp_prod_probe_reads_the_primary_instance_and_pages_when_blind(gcp_prod):
    """Review findings 1 and 7: the probe's second signal is the primary Cloud SQL instance (europe-west4's),
    and its heartbeat alert notifies the stack's alert channel."""
    probe = _probes(gcp_prod)["fraud-scoring"]
    config = json.loads(probe.inputs["template"]["containers"][0]["envs"][0]["value"])
    (primary,) = [d for d in gcp_prod.of_type("gcp:sql/databaseInstance:DatabaseInstance")
                  if d.workload == "fraud-scoring" and d.region == "europe-west4"]
    assert config["primary_instance"] == primary.inputs["name"] and probe.inputs["labels"]["blueprint-probe-database"] == "yes"
    (blind,) = [p for p in gcp_prod.of_type(gcp.MONITORING_ALERT_POLICY) if p.name == "fraud-scoring-probe-blind"]
    (channel,) = [c for c in gcp_prod.of_type("gcp:monitoring/notificationChannel:NotificationChannel") if "failover" not in c.name and "break-glass" not in c.name]
    assert blind.inputs["notificationChannels"] == [channel.id]


def test_without_a_database_the_probe_watches_no_instance(tmp_path):
    stack = copy.deepcopy(US_STACK)
    stack["workloads"] = [w for w in stack["workloads"] if w["tier"] == "business-critical"]
    stack["workloads"][0].pop("database", None)
    plan = plan_stack(ROOT, StackRef("staging", write_stack(tmp_path, stack, name="staging")))
    (probe,) = plan.of_type(gcp.CLOUDRUNV2_WORKER_POOL)
    assert json.loads(probe.inputs["template"]["containers"][0]["envs"][0]["value"])["primary_instance"] is None
    assert probe.inputs["labels"]["blueprint-probe-database"] == "no"
