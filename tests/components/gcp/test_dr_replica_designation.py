"""DrReplicaDesignation: the Cloud SQL DR replica is designated after it exists, in the same `pulumi up`,
by a gcloud step whose names are structured inputs; the primary never references the replica."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from blueprint.analysis.gcp_facts import ENV_DR_REPLICA, ENV_PRIMARY, designated_dr_replicas
from blueprint.plan.engine import plan_program
from components.gcp import dr_replica_designation as d
from components.gcp.cloud_sql import CloudSqlDatabase, CloudSqlDatabaseArgs
from components.gcp.dr_replica_designation import DrReplicaDesignation, DrReplicaDesignationArgs

CONFIG = {"gcp:project": "acme-ml-prod", "gcp:region": "europe-west4"}
NET = "projects/acme-ml-prod/global/networks/main"
KEY4 = "projects/acme-ml-prod/locations/europe-west4/keyRings/blueprint/cryptoKeys/data"
KEY1 = "projects/acme-ml-prod/locations/europe-west1/keyRings/blueprint/cryptoKeys/data"


def _db(name: str, region: str, key: str, master=None) -> CloudSqlDatabase:
    return CloudSqlDatabase(name, CloudSqlDatabaseArgs(
        instance_name=name, engine="postgres", size="medium", region=region, role="replica" if master else "primary",
        master_instance_name=master, network_id=NET, kms_key_id=key))


@pytest.fixture(scope="module")
def plan():
    def program() -> None:
        primary = _db("fraud-ew4", "europe-west4", KEY4)
        replica = _db("fraud-ew1", "europe-west1", KEY1, master=primary.name)
        DrReplicaDesignation("fraud-dr", DrReplicaDesignationArgs(
            project="acme-ml-prod", primary_instance=primary.name, replica_instance=replica.name))

    return plan_program(program, stack="test", config=CONFIG)


def test_command_runs_after_both_instances_and_names_them_in_structured_inputs(plan):
    cmd = plan.named("fraud-dr-designate")
    assert cmd.type == "command:local:Command"
    assert plan.named("fraud-ew1-instance").urn in cmd.dependencies
    assert plan.named("fraud-ew4-instance").urn in cmd.dependencies
    assert cmd.inputs["environment"] == {"BLUEPRINT_PROJECT": "acme-ml-prod", "BLUEPRINT_PRIMARY_INSTANCE": "fraud-ew4",
                                         "BLUEPRINT_DR_REPLICA": "acme-ml-prod:fraud-ew1"}
    assert cmd.inputs["triggers"] == ["acme-ml-prod", "fraud-ew4", "fraud-ew1"]


def test_gcloud_designates_on_create_and_clears_on_delete(plan):
    cmd = plan.named("fraud-dr-designate").inputs
    # gcloud sql instances patch (GA reference): --failover-dr-replica-name / --clear-failover-dr-replica-name
    assert cmd["create"] == ('gcloud sql instances patch "$BLUEPRINT_PRIMARY_INSTANCE" --project="$BLUEPRINT_PROJECT" '
                             '--failover-dr-replica-name="$BLUEPRINT_DR_REPLICA" --quiet')
    assert cmd["delete"].startswith('gcloud sql instances patch "$BLUEPRINT_PRIMARY_INSTANCE" --project="$BLUEPRINT_PROJECT" '
                                    '--clear-failover-dr-replica-name --quiet || ')
    # names reach gcloud through the environment only, never interpolated into shell text
    assert "fraud-ew" not in cmd["create"] + cmd["delete"]


def test_replacement_clears_before_it_designates(monkeypatch):
    seen = {}
    real = d.command.local.Command

    def spy(name, **kwargs):
        seen[name] = kwargs["opts"]
        return real(name, **kwargs)

    monkeypatch.setattr(d.command.local, "Command", spy)
    plan_program(lambda: DrReplicaDesignation("x", DrReplicaDesignationArgs(
        project="acme-ml-prod", primary_instance="a-primary", replica_instance="a-replica")), stack="test", config=CONFIG)
    assert seen["x-designate"].delete_before_replace is True


def test_primary_does_not_reference_the_replica(plan):
    assert "replicationCluster" not in plan.named("fraud-ew4-instance").inputs
    assert plan.named("fraud-ew1-instance").urn not in plan.named("fraud-ew4-instance").dependencies


def test_plan_reads_the_designation_from_the_command(plan):
    assert (ENV_PRIMARY, ENV_DR_REPLICA) == (d.ENV_PRIMARY, d.ENV_DR_REPLICA)
    assert designated_dr_replicas(plan.resources) == {"fraud-ew1": plan.named("fraud-dr-designate").urn}


def test_a_designation_of_another_primary_does_not_count():
    def program() -> None:
        primary = _db("fraud-ew4", "europe-west4", KEY4)
        replica = _db("fraud-ew1", "europe-west1", KEY1, master=primary.name)
        DrReplicaDesignation("fraud-dr", DrReplicaDesignationArgs(
            project="acme-ml-prod", primary_instance="someone-else", replica_instance=replica.name))

    assert designated_dr_replicas(plan_program(program, stack="test", config=CONFIG).resources) == {}


# --- validation ---------------------------------------------------------------------------


def test_fails_bad_project_and_instance_names():
    with pytest.raises(ValidationError, match="project: 'Acme' is not a GCP project id"):
        DrReplicaDesignationArgs(project="Acme", primary_instance="a", replica_instance="b")
    with pytest.raises(ValidationError, match="replica_instance: 'acme-ml-prod:b' is not a Cloud SQL instance name"):
        DrReplicaDesignationArgs(project="acme-ml-prod", primary_instance="a", replica_instance="acme-ml-prod:b")


def test_fails_designating_the_primary_itself():
    with pytest.raises(ValidationError, match="replica_instance: 'same' is the primary itself"):
        DrReplicaDesignationArgs(project="acme-ml-prod", primary_instance="same", replica_instance="same")
