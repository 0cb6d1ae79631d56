"""DrReplicaDesignation: the Cloud SQL DR replica is designated after it exists, in the same `pulumi up`,
by a gcloud step whose names are structured inputs; the primary never references the replica."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from blueprint.analysis.gcp_facts import ENV_DR_REPLICA, ENV_PRIMARY, designated_dr_replicas
from blueprint.plan.engine import plan_program
from blueprint.components.gcp import dr_replica_designation as d
from blueprint.components.gcp.cloud_sql import CloudSqlDatabase, CloudSqlDatabaseArgs
from blueprint.components.gcp.dr_replica_designation import DrReplicaDesignation, DrReplicaDesignationArgs

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
    assert ('until out=$(gcloud sql instances patch "$BLUEPRINT_PRIMARY_INSTANCE" --project="$BLUEPRINT_PROJECT" '
            '--failover-dr-replica-name="$BLUEPRINT_DR_REPLICA" --quiet 2>&1); do') in cmd["create"]
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


# --- the create script: bounded waits, POSIX interpreter (review of issue 13) --------------------


def test_script_runs_under_posix_sh_on_every_os(plan):
    # pulumi-command's default interpreter on Windows is cmd.exe, which cannot run the script
    assert plan.named("fraud-dr-designate").inputs["interpreter"] == ["/bin/sh", "-c"]


def test_script_waits_for_runnable_then_retries_the_patch_with_bounds():
    script = d.DESIGNATE
    assert "--format='value(state)')" in script and '[ "$state" = RUNNABLE ] && break' in script
    assert f'"$n" -ge {d.READY_CHECKS} ]' in script and f'"$n" -ge {d.PATCH_ATTEMPTS} ]' in script
    # no gcloud, a failing describe, a refusal other than a concurrent operation, and the two bounds
    assert script.count("exit 1") == 5
    # the replica's bare name comes from the environment (POSIX expansion), never from shell text
    assert '"${BLUEPRINT_DR_REPLICA##*:}"' in script


def _run(tmp_path, states: list[str], patch_failures: int, *, describe_fails: bool = False,
         patch_error: str = "HTTPError 409: operation in progress", fake_gcloud: bool = True):
    """Runs DESIGNATE with a fake gcloud (states in turn; the patch fails `patch_failures` times) and a
    no-op sleep; returns (exit code, stderr, the gcloud calls)."""
    import os
    import subprocess

    log, state_file, fail_file = tmp_path / "calls", tmp_path / "states", tmp_path / "fails"
    state_file.write_text("\n".join(states) + "\n")
    fail_file.write_text(str(patch_failures))
    (tmp_path / "gcloud").write_text(f"""#!/bin/sh
echo "$*" >> {log}
case "$3" in
  describe) {"echo 'ERROR: PERMISSION_DENIED' >&2; exit 1" if describe_fails else 'true'}; s=$(head -n 1 {state_file}); tail -n +2 {state_file} > {state_file}.t; mv {state_file}.t {state_file}; echo "${{s:-PENDING_CREATE}}";;
  patch) f=$(cat {fail_file}); if [ "$f" -gt 0 ]; then echo $((f-1)) > {fail_file}; echo "{patch_error}" >&2; exit 1; fi;;
esac
""")
    (tmp_path / "sleep").write_text("#!/bin/sh\nexit 0\n")
    for f in ("gcloud", "sleep"):
        (tmp_path / f).chmod(0o755)
    if not fake_gcloud:
        (tmp_path / "gcloud").unlink()
    env = {"PATH": f"{tmp_path}:{os.environ['PATH']}" if fake_gcloud else str(tmp_path), "BLUEPRINT_PROJECT": "acme-ml-prod",
           "BLUEPRINT_PRIMARY_INSTANCE": "prod-a-europe-west4", "BLUEPRINT_DR_REPLICA": "acme-ml-prod:prod-a-europe-west1"}
    done = subprocess.run(["/bin/sh", "-c", d.DESIGNATE], env=env, capture_output=True, text=True, timeout=30)
    return done.returncode, done.stderr, log.read_text().splitlines() if log.exists() else []


def test_script_designates_once_the_replica_is_runnable_after_refusals(tmp_path):
    code, _, calls = _run(tmp_path, ["PENDING_CREATE", "MAINTENANCE", "RUNNABLE"], patch_failures=2)
    assert code == 0
    assert [c.split()[2] for c in calls] == ["describe"] * 3 + ["patch"] * 3
    assert calls[0].startswith("sql instances describe prod-a-europe-west1 --project=acme-ml-prod")
    assert "--failover-dr-replica-name=acme-ml-prod:prod-a-europe-west1" in calls[-1]


def test_fails_when_the_replica_never_becomes_runnable(tmp_path):
    code, err, calls = _run(tmp_path, [], patch_failures=0)
    assert code == 1 and "is not RUNNABLE after 1800 s" in err
    assert len(calls) == d.READY_CHECKS and not any(" patch " in f" {c} " for c in calls)


def test_fails_after_the_bounded_patch_retries(tmp_path):
    code, err, calls = _run(tmp_path, ["RUNNABLE"], patch_failures=99)
    assert code == 1 and f"refused {d.PATCH_ATTEMPTS} times" in err
    assert sum(c.split()[2] == "patch" for c in calls) == d.PATCH_ATTEMPTS


def test_fails_at_once_without_gcloud(tmp_path):
    # PATH holds only the fake sleep: the script must say gcloud is missing, not wait
    code, err, calls = _run(tmp_path, ["RUNNABLE"], patch_failures=0, fake_gcloud=False)
    assert code == 1 and "gcloud is not on PATH" in err and calls == []


def test_fails_at_once_when_the_replica_cannot_be_read(tmp_path):
    code, err, calls = _run(tmp_path, ["RUNNABLE"], patch_failures=0, describe_fails=True)
    assert code == 1 and "cannot read DR replica" in err and "PERMISSION_DENIED" in err
    assert len(calls) == 1


def test_fails_at_once_on_a_refusal_that_is_not_a_concurrent_operation(tmp_path):
    code, err, calls = _run(tmp_path, ["RUNNABLE"], patch_failures=5,
                            patch_error="ERROR: (gcloud.sql.instances.patch) unrecognized arguments: --failover-dr-replica-name")
    assert code == 1 and "not a concurrent operation" in err and "unrecognized arguments" in err
    assert sum(c.split()[2] == "patch" for c in calls) == 1
