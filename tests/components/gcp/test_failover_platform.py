"""The GCP composer's failover orchestration (issue 17): gcp-prod plans fraud-scoring's workflow,
started by its primary-down alert; strategies differ (active-active and warm standby automatic on
region loss only, pilot light manual, each with its standby's actions, backup-restore none); a config
override of the approval is honoured."""

from __future__ import annotations

import copy

import pytest
import yaml

from blueprint.plan.run import plan_stack
from blueprint.project import StackRef
from tests.components.gcp.test_platform import US_STACK
from tests.conftest import ROOT, write_stack

WORKFLOW = "gcp:workflows/workflow:Workflow"
TRIGGER = "gcp:eventarc/trigger:Trigger"


@pytest.fixture(scope="module")
def gcp_prod():
    return plan_stack(ROOT, StackRef("gcp-prod", ROOT / "stacks" / "Pulumi.gcp-prod.yaml"))


@pytest.fixture(scope="module")
def us(tmp_path_factory):
    return plan_stack(ROOT, StackRef("staging", write_stack(tmp_path_factory.mktemp("gcp-failover"), US_STACK, name="staging")))


def _workflows(plan) -> dict:
    return {r.workload: r for r in plan.of_type(WORKFLOW)}


def _source(workflow) -> dict:
    return yaml.safe_load(workflow.inputs["sourceContents"])


def test_gcp_prod_fails_over_fraud_scoring_automatically_on_primary_loss(gcp_prod):
    flows = _workflows(gcp_prod)
    # batch-embeddings (pilot light, no service, no database, GPU floor 0 in both regions): nothing to act on.
    assert set(flows) == {"fraud-scoring"}
    flow = flows["fraud-scoring"]
    assert flow.region == "europe-west1" and flow.inputs["name"] == "prod-fraud-scoring-failover"
    labels = flow.inputs["labels"]
    assert labels["blueprint-failover-approval"] == "automatic" and labels["blueprint-rto-s"] == "120"
    assert labels["blueprint-failover-steps"] == "db-failover"
    text = flow.inputs["sourceContents"]
    assert "instances/prod-fraud-scoring-europe-west1/promoteReplica" in text and "failover: true" in text
    assert _source(flow)["main"]["steps"][0]["read_event"]["assign"][0] == {
        "trigger_policies": ["fraud-scoring (mission-critical): Cloud SQL primary down or silent"]}
    key = gcp_prod.named("prod-europe-west1-workflows-key-user").inputs["cryptoKeyId"]  # one grant per standby region
    assert flow.inputs["cryptoKeyName"] == key and "/locations/europe-west1/" in key


def test_gcp_prod_trigger_listens_on_the_standby_regions_failover_topic(gcp_prod):
    (trigger,) = gcp_prod.of_type(TRIGGER)
    topic = gcp_prod.named("prod-failover-alerts-topic")
    assert trigger.inputs["transport"]["pubsub"]["topic"] == "projects/acme-ml-prod/topics/" + topic.inputs["name"]
    assert topic.inputs["messageStoragePolicy"]["allowedPersistenceRegions"] == ["europe-west1"]
    assert trigger.region == "europe-west1" and trigger.workload == "fraud-scoring"


def test_gcp_strategies_orchestrate_differently(us):
    flows = _workflows(us)
    # best-effort (backup-restore) has nothing in a second region to fail over to.
    assert set(flows) == {"mission-critical-app", "business-critical-app", "standard-app"}
    steps = {w: f.inputs["labels"]["blueprint-failover-steps"] for w, f in flows.items()}
    approval = {w: f.inputs["labels"]["blueprint-failover-approval"] for w, f in flows.items()}
    assert approval == {"mission-critical-app": "automatic", "business-critical-app": "automatic", "standard-app": "manual"}
    # Active-active serves from both regions at full GPU capacity: only the database moves.
    assert steps["mission-critical-app"] == "db-failover"
    # Warm standby: already takes traffic (DEFAULT backends at capacity 1); its GPU floor is a quarter;
    # no approval step (its 15-minute RTO leaves no time to declare a disaster).
    assert steps["business-critical-app"] == "db-failover_gpu-on-demand"
    # Pilot light: drained NEGs (capacity 0) and no GPU nodes.
    assert steps["standard-app"] == "approve_db-failover_traffic_gpu-on-demand"
    assert "minNodeCount: 2" in flows["standard-app"].inputs["sourceContents"]
    rto = {w: f.inputs["labels"]["blueprint-rto-s"] for w, f in flows.items()}
    assert rto == {"mission-critical-app": "120", "business-critical-app": "900", "standard-app": "3600"}


def test_gcp_manual_failovers_ask_on_every_primary_region_signal(us):
    flow = _workflows(us)["standard-app"]
    policies = _source(flow)["main"]["steps"][0]["read_event"]["assign"][0]["trigger_policies"]
    assert policies == ["standard-app (standard): Cloud SQL primary down or silent",
                        "standard-app (standard): more than 5 5xx responses per minute at the load balancer"]
    pool = next(r for r in us.of_type("gcp:container/nodePool:NodePool")
                if r.workload == "standard-app" and r.region == "us-east4")
    assert f"nodePools/{pool.inputs['name']}" in flow.inputs["sourceContents"]
    backend = next(r for r in us.of_type("gcp:compute/backendService:BackendService") if r.workload == "standard-app")
    assert f"backendService: {backend.outputs['name']}" in flow.inputs["sourceContents"]


def test_gcp_warm_standby_fails_over_automatically_on_primary_loss_only(us):
    flow = _workflows(us)["business-critical-app"]
    policies = _source(flow)["main"]["steps"][0]["read_event"]["assign"][0]["trigger_policies"]
    assert policies == ["business-critical-app (business-critical): Cloud SQL primary down or silent"]
    assert "approve_failover" not in flow.inputs["sourceContents"]


def test_gcp_failover_approval_override(tmp_path):
    stack = copy.deepcopy(US_STACK)
    stack["workloads"] = [w for w in stack["workloads"] if w["tier"] == "business-critical"]
    stack["workloads"][0]["failoverApproval"] = "manual"
    plan = plan_stack(ROOT, StackRef("staging", write_stack(tmp_path, stack, name="staging")))
    flow = _workflows(plan)["business-critical-app"]
    assert flow.inputs["labels"]["blueprint-failover-approval"] == "manual"
    assert flow.inputs["labels"]["blueprint-failover-steps"].startswith("approve_")
    assert "approve_failover" in flow.inputs["sourceContents"]


def test_trigger_roles_by_approval():
    from blueprint.components.gcp._failover_wiring import trigger_roles

    roles = ["europe-west4-queue-age", "europe-west4-dead-letters", "europe-west1-queue-age", "lb-5xx", "primary-down"]
    # Automatic acts on region loss only; a human is asked on every primary-region signal.
    assert trigger_roles("automatic", roles, "europe-west4") == ["primary-down"]
    assert trigger_roles("manual", roles, "europe-west4") == ["primary-down", "europe-west4-queue-age", "lb-5xx"]
    # Without a database (an automatic override on a queued workload): the primary's backlog and the 5xx.
    assert trigger_roles("automatic", roles[:-1], "europe-west4") == ["europe-west4-queue-age", "lb-5xx"]
    assert trigger_roles("manual", ["europe-west4-dead-letters"], "europe-west4") == []


def test_gcp_workflows_of_one_standby_region_share_one_key_grant(us):
    workflows = us.of_type("gcp:workflows/workflow:Workflow")
    grants = [g for g in us.of_type("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember") if "workflows" in str(g.inputs.get("member"))]
    assert len(workflows) >= 2 and len(grants) == len({w.region for w in workflows})
    for workflow in workflows:
        assert [g.urn for g in grants if g.region == workflow.region][0] in workflow.dependencies
