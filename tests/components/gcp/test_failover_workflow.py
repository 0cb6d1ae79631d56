"""FailoverWorkflow (GCP): least-privilege identities, CMEK and errors-only logging, the Eventarc
trigger's filter, the approval step for manual failovers, a source that is valid YAML naming the
planned resources, the plan-readable labels; validation."""

from __future__ import annotations

import pulumi
import pulumi_gcp as gcp
import pytest
import yaml
from pydantic import ValidationError

from blueprint.plan.engine import plan_program
from blueprint.components.gcp._failover_source import APPROVE_COMMAND, failover_source
from blueprint.components.gcp.failover_workflow import (
    DatabaseFailover, FailoverWorkflow, FailoverWorkflowArgs, GpuFloor, TrafficFailover, permissions_for)

CONFIG = {"gcp:project": "acme-ml-prod", "gcp:region": "europe-west1"}
KEY = "projects/acme-ml-prod/locations/europe-west1/keyRings/blueprint-prod-europe-west1/cryptoKeys/data"
POOL = "projects/acme-ml-prod/locations/europe-west1/clusters/prod-europe-west1/nodePools/fraud-scoring-gpu"
POLICY = "fraud-scoring (business-critical): Cloud SQL primary down or silent"


def _args(**over) -> FailoverWorkflowArgs:
    return FailoverWorkflowArgs(**{
        "workload": "fraud-scoring", "tier": "business-critical", "project": "acme-ml-prod",
        "region": "europe-west1", "primary_region": "europe-west4", "approval": "manual", "rto_s": 900,
        "trigger_policies": [POLICY], "alert_topic": "projects/acme-ml-prod/topics/prod-failover-alerts",
        "kms_key_id": KEY, "workflows_agent": "service-123@gcp-sa-workflows.iam.gserviceaccount.com",
        "database": DatabaseFailover(instance="prod-fraud-scoring-europe-west1"),
        "traffic": TrafficFailover(backend_service_name="fraud-scoring-lb-backend-1a2b3c4", zones=("europe-west1-b", "europe-west1-c")),
        "gpu_floors": [GpuFloor(capacity="on-demand", node_pool_id=POOL, min_nodes_per_zone=2, max_nodes_per_zone=6,
                                location_policy="BALANCED")],
        "workflow_name": "prod-fraud-scoring-failover", "role_id": "prod_fraud_scoring_failover",
        "labels": {"blueprint-workload": "fraud-scoring"}, **over})


def _plan(args: FailoverWorkflowArgs):
    def program() -> None:
        provider = gcp.Provider("gcp-europe-west1", project="acme-ml-prod", region="europe-west1")
        FailoverWorkflow("fw", args, pulumi.ResourceOptions(provider=provider))

    return plan_program(program, stack="test", config=CONFIG)


@pytest.fixture(scope="module")
def manual():
    return _plan(_args())


@pytest.fixture(scope="module")
def automatic():
    return _plan(_args(approval="automatic", traffic=None, gpu_floors=[], tier="mission-critical", rto_s=120))


def _source(plan) -> dict:
    return yaml.safe_load(plan.named("fw-workflow").inputs["sourceContents"])


def _step_names(steps: list) -> list[str]:
    """Every step name, nested ones included (try, switch, parallel branches, for)."""
    names: list[str] = []
    for step in steps:
        for name, body in step.items():
            names.append(name)
            if not isinstance(body, dict):
                continue
            for inner in (body.get("steps"), (body.get("try") or {}).get("steps"), (body.get("for") or {}).get("steps")):
                names += _step_names(inner or [])
            for case in body.get("switch") or []:
                names += _step_names(case.get("steps") or [])
            for branch in (body.get("parallel") or {}).get("branches") or []:
                for b in branch.values():
                    names += _step_names(b["steps"])
    return names


def test_workflow_runs_in_the_standby_region_encrypted_logging_errors_only(manual):
    wf = manual.named("fw-workflow")
    assert wf.region == "europe-west1" and wf.inputs["region"] == "europe-west1"
    assert wf.inputs["name"] == "prod-fraud-scoring-failover"
    assert wf.inputs["cryptoKeyName"] == KEY
    assert wf.inputs["callLogLevel"] == "LOG_ERRORS_ONLY"
    assert wf.inputs["serviceAccount"] == manual.named("fw-sa").outputs["email"]
    grant = manual.named("fw-key-user").inputs
    assert grant["role"] == "roles/cloudkms.cryptoKeyEncrypterDecrypter" and grant["cryptoKeyId"] == KEY
    assert grant["member"] == "serviceAccount:service-123@gcp-sa-workflows.iam.gserviceaccount.com"
    assert manual.named("fw-key-user").urn in wf.dependencies


def test_workflow_account_holds_exactly_the_steps_permissions(manual, automatic):
    role = manual.named("fw-role").inputs
    assert role["roleId"] == "prod_fraud_scoring_failover"
    assert set(role["permissions"]) == {
        "logging.logEntries.create", "cloudsql.instances.get", "cloudsql.instances.promoteReplica",
        "compute.backendServices.get", "compute.backendServices.update", "compute.networkEndpointGroups.use",
        "compute.globalOperations.get", "container.clusters.update", "container.operations.get"}
    member = manual.named("fw-role-member").inputs
    assert member["role"] == "projects/acme-ml-prod/roles/prod_fraud_scoring_failover"
    assert member["member"] == "serviceAccount:" + manual.named("fw-sa").outputs["email"]
    # Database only: no Compute or GKE permission at all.
    assert set(automatic.named("fw-role").inputs["permissions"]) == {
        "logging.logEntries.create", "cloudsql.instances.get", "cloudsql.instances.promoteReplica"}
    # No predefined role but the trigger's invoker anywhere.
    roles = {r.inputs["role"] for r in manual.of_type("gcp:projects/iAMMember:IAMMember")}
    assert roles == {"projects/acme-ml-prod/roles/prod_fraud_scoring_failover", "roles/workflows.invoker"}


def test_trigger_filters_the_alert_topics_messages_and_may_only_invoke(manual):
    trigger = manual.named("fw-trigger")
    assert trigger.region == "europe-west1" and trigger.inputs["location"] == "europe-west1"
    assert trigger.inputs["matchingCriterias"] == [{"attribute": "type", "value": "google.cloud.pubsub.topic.v1.messagePublished"}]
    assert trigger.inputs["transport"]["pubsub"]["topic"] == "projects/acme-ml-prod/topics/prod-failover-alerts"
    assert trigger.inputs["destination"]["workflow"] == "projects/acme-ml-prod/locations/europe-west1/workflows/prod-fraud-scoring-failover"
    invoker = manual.named("fw-invoker").inputs
    assert invoker["role"] == "roles/workflows.invoker"
    assert invoker["member"] == "serviceAccount:" + manual.named("fw-trigger-sa").outputs["email"]
    assert trigger.inputs["serviceAccount"] == manual.named("fw-trigger-sa").outputs["email"]
    assert manual.named("fw-invoker").urn in trigger.dependencies
    # Two identities: the trigger cannot act on the resources, the workflow cannot start itself.
    assert manual.named("fw-trigger-sa").outputs["email"] != manual.named("fw-sa").outputs["email"]


def test_source_is_valid_yaml_and_acts_on_the_planned_names(manual):
    text = manual.named("fw-workflow").inputs["sourceContents"]
    source = yaml.safe_load(text)
    assert source["main"]["params"] == ["event"]
    assert "instances/prod-fraud-scoring-europe-west1/promoteReplica" in text
    assert "backendService: fraud-scoring-lb-backend-1a2b3c4" in text
    assert f"name: {POOL}" in text
    assert "/zones/(europe-west1-b|europe-west1-c)/" in text
    assert "timeout: 900" in text  # every action bounded by the RTO


def test_incident_check_acts_only_on_open_incidents_of_the_trigger_policies(manual):
    steps = _source(manual)["main"]["steps"]
    assert steps[0]["read_event"]["assign"][0] == {"trigger_policies": [POLICY]}
    assert steps[0]["read_event"]["assign"][1] == {"trigger_probes": []}
    check = steps[2]["check_incident"]["switch"][0]["condition"]
    assert '"state") == "open"' in check and "in trigger_policies" in check and "in trigger_probes" in check
    assert check.startswith("${declared_by == null and not (") and '"verdict") == "primary-down"' in check
    assert "base64.decode(event.data.message.data)" in str(steps[1])


def test_manual_waits_for_a_callback_before_any_action(manual):
    steps = _source(manual)["main"]["steps"]
    names = [next(iter(s)) for s in steps]
    assert names.index("approve_failover") < names.index("fail_over")
    text = str(steps[names.index("approve_failover")])
    assert "events.create_callback_endpoint" in text and "events.await_callback" in text
    inner = steps[names.index("approve_failover")]["approve_failover"]["switch"][0]["steps"]
    assert inner[2]["await_approval"]["try"]["args"]["timeout"] == 43200
    logged = inner[1]["log_approval_request"]["args"]["json"]
    assert logged["callback_url"] == "${approval.url}"
    assert logged["approve_command"] == '${"' + APPROVE_COMMAND + '" + approval.url}'
    # Failing over in parallel, once approved.
    branches = steps[names.index("fail_over")]["fail_over"]["parallel"]["branches"]
    assert [next(iter(b)) for b in branches] == ["database", "traffic", "gpu"]


def test_automatic_acts_at_once_without_parallel_for_one_action(automatic):
    steps = _source(automatic)["main"]["steps"]
    names = _step_names(steps)
    assert "approve_failover" not in names and "events.await_callback" not in str(steps)
    assert [next(iter(s)) for s in steps] == ["read_event", "decode_incident", "check_incident", "db_failover_to_dr_replica",
                                              "report", "done"]


def _flat_steps(steps: list) -> dict:
    """Every step by name, nested ones included."""
    found: dict = {}
    for step in steps:
        for name, body in step.items():
            found[name] = body
            if isinstance(body, dict):
                for inner in (body.get("steps"), (body.get("try") or {}).get("steps")):
                    found.update(_flat_steps(inner or []))
    return found


def test_a_slow_promotion_is_followed_to_its_end_not_reported_failed_at_the_rto(automatic):
    # Cloud SQL keeps promoting after the RTO: the step warns once and keeps reading the operation up to
    # DB_OPERATION_CEILING_S, so the execution reports the promotion's real outcome (no second promoteReplica).
    from blueprint.components.gcp._failover_source import DB_OPERATION_CEILING_S

    steps = _flat_steps(_source(automatic)["main"]["steps"])
    name = "db_failover_to_dr_replica"
    conditions = [case["condition"] for case in steps[f"{name}_done"]["switch"]]
    late = next(case for case in steps[f"{name}_done"]["switch"] if case.get("next") == f"{name}_late")
    assert ">= 120" in late["condition"] and "not db_late" in late["condition"]
    assert any(f"< {DB_OPERATION_CEILING_S}" in c for c in conditions) and DB_OPERATION_CEILING_S > 120
    assert steps[f"{name}_late"]["args"]["severity"] == "WARNING"
    assert steps[f"{name}_since"]["next"] == f"{name}_wait"
    raised = [case["raise"] for case in steps[f"{name}_done"]["switch"] if isinstance(case.get("raise"), str) and "still running" in case["raise"]]
    assert raised and str(DB_OPERATION_CEILING_S) in raised[0] and "120 s" not in raised[0]


def test_labels_tell_a_plan_reader_what_is_automated(manual, automatic):
    labels = manual.named("fw-workflow").inputs["labels"]
    assert labels["blueprint-failover-approval"] == "manual" and labels["blueprint-rto-s"] == "900"
    assert labels["blueprint-failover-steps"] == "approve_db-failover_traffic_gpu-on-demand"
    assert labels["blueprint-workload"] == "fraud-scoring"
    assert automatic.named("fw-workflow").inputs["labels"]["blueprint-failover-steps"] == "db-failover"
    assert "recovery time objective 120 s" in automatic.named("fw-workflow").inputs["description"]
    assert manual.named("fw-trigger").inputs["labels"]["blueprint-workload"] == "fraud-scoring"


def test_step_names_are_the_sources(manual):
    names = _step_names(_source(manual)["main"]["steps"])
    for step in _args().step_names():
        assert step in names


def test_undesignated_replica_is_promoted(tmp_path):
    args = _args(database=DatabaseFailover(instance="prod-fraud-scoring-europe-west1", failover=False))
    assert "db_promote_replica" in args.step_names()
    text = failover_source({"project": "acme-ml-prod", "workload": "w1", "region": "europe-west1", "approval": "automatic",
                            "approval_timeout_s": 60, "rto_s": 60, "trigger_policies": ["p"],
                            "database": {"instance": "i1", "failover": False}})
    assert "failover: false" in text and "db_promote_replica" in text


def test_defaults():
    args = _args(workflow_name=None, role_id=None)
    assert args.effective_workflow_name == "fraud-scoring-failover"
    assert args.effective_role_id == "fraud_scoring_failover"
    assert args.approval_timeout_s == 43200
    assert DatabaseFailover(instance="i").failover is True
    assert _args(gpu_floors=[]).gpu_floors == [] and FailoverWorkflowArgs.model_fields["database"].default is None
    assert permissions_for(_args(database=None, traffic=None))[0] == "container.clusters.update"


@pytest.mark.parametrize("over, match", [
    ({"region": "europe-west4"}, "region: 'europe-west4' is the primary region"),
    ({"database": None, "traffic": None, "gpu_floors": []}, "needs at least one action"),
    ({"trigger_policies": []}, "trigger_policies"),
    ({"workflow_name": "Bad_Name"}, "workflow_name: 'Bad_Name'"),
    ({"role_id": "a-b"}, "role_id: 'a-b'"),
    ({"approval": "later"}, "approval"),
    ({"approval_timeout_s": 10}, "approval_timeout_s"),
    ({"traffic": TrafficFailover(backend_service_name="b", zones=("europe-west4-a",))}, "traffic.zones"),
])
def test_fails_invalid_settings(over, match):
    with pytest.raises(ValidationError, match=match):
        _args(**over)


def test_fails_a_gpu_floor_above_its_maximum_or_a_bad_pool_name():
    with pytest.raises(ValidationError, match="min_nodes_per_zone: 5 is above max_nodes_per_zone 4"):
        GpuFloor(capacity="spot", node_pool_id=POOL, min_nodes_per_zone=5, max_nodes_per_zone=4, location_policy="ANY")
    with pytest.raises(ValidationError, match="node_pool_id: 'pool' is not a node pool resource name"):
        GpuFloor(capacity="spot", node_pool_id="pool", min_nodes_per_zone=1, max_nodes_per_zone=4, location_policy="ANY")


def test_a_shared_key_grant_is_waited_for_instead_of_a_second_copy():
    # Several workflows on one key: one grant, passed in; a per-workflow copy is the same binding member,
    # so destroying one workflow's copy would take the key from the others.
    def program() -> None:
        provider = gcp.Provider("gcp-europe-west1", project="acme-ml-prod", region="europe-west1")
        grant = gcp.kms.CryptoKeyIAMMember("shared-key-user", crypto_key_id=KEY, role="roles/cloudkms.cryptoKeyEncrypterDecrypter",
                                           member="serviceAccount:service-123@gcp-sa-workflows.iam.gserviceaccount.com",
                                           opts=pulumi.ResourceOptions(provider=provider))
        FailoverWorkflow("fw", _args(key_grant=grant), pulumi.ResourceOptions(provider=provider))

    plan = plan_program(program, stack="test", config=CONFIG)
    grants = [r.name for r in plan.of_type("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember")]
    assert grants == ["shared-key-user"]
    assert plan.named("shared-key-user").urn in plan.named("fw-workflow").dependencies

