"""VaultReplication (GCP): the transfer job's explicit name (prefix, pattern, per-stack uniqueness),
and the readiness name check on the planned job."""

from __future__ import annotations

import re

import pulumi
import pulumi_gcp as gcp

from blueprint.plan.engine import plan_program
from blueprint.readiness import readiness_problems
from blueprint.components.gcp.vault_replication import (
    JOB_ID_PATTERN, JOB_NAME_MAX, JOB_NAME_PREFIX, VaultReplication, VaultReplicationArgs, job_name,
)

CONFIG = {"gcp:project": "acme-ml-prod", "gcp:region": "asia-northeast1"}
KEY = "projects/acme-ml-prod/locations/{region}/keyRings/blueprint/cryptoKeys/data"
# The documented form (TransferJob.name, pulumi_gcp storage/transfer_job.py docstring).
DOCUMENTED = r"transferJobs/(?!OPI)[A-Za-z0-9._~-]*[A-Za-z0-9]"


def _plan(name: str = "prod-recs-asia-northeast1-vault-replication", stack: str = "test"):
    def program() -> None:
        provider = gcp.Provider("gcp", project="acme-ml-prod", region="asia-northeast1")
        VaultReplication(name, VaultReplicationArgs(
            project="acme-ml-prod", source_bucket="src-bucket", source_kms_key_id=KEY.format(region="asia-northeast1"),
            destination_bucket="dst-bucket", destination_kms_key_id=KEY.format(region="asia-northeast2"),
            destination_region="asia-northeast2"), pulumi.ResourceOptions(provider=provider))

    return plan_program(program, stack=stack, config=CONFIG)


def _job(plan):
    return next(r for r in plan if r.type == "gcp:storage/transferJob:TransferJob")


def test_job_is_named_with_the_required_prefix() -> None:
    name = _job(_plan()).inputs["name"]
    assert name.startswith(JOB_NAME_PREFIX + "prod-recs-asia-northeast1-vault-replication-")
    assert re.fullmatch(DOCUMENTED, name) and len(name) <= 128


def test_job_name_differs_per_stack_project_and_destination_and_is_stable() -> None:
    base = job_name("n-vault-replication", "acme-ml-prod", "prod", "vault-b-1234567")
    assert base == job_name("n-vault-replication", "acme-ml-prod", "prod", "vault-b-1234567")
    assert base != job_name("n-vault-replication", "acme-ml-prod", "staging", "vault-b-1234567")
    assert base != job_name("n-vault-replication", "acme-ml-dev", "prod", "vault-b-1234567")
    # A region dropped and added back (failback) gets a new destination bucket, so a new job name: the
    # deleted job's name stays taken for 30 days.
    assert base != job_name("n-vault-replication", "acme-ml-prod", "prod", "vault-b-7654321")
    assert _job(_plan(stack="a")).inputs["name"] != _job(_plan(stack="b")).inputs["name"]


def test_long_logical_name_still_fits_128() -> None:
    name = job_name("x" * 200, "p" * 30, "s" * 40, "b" * 63)
    assert len(name) == JOB_NAME_MAX and re.fullmatch(DOCUMENTED, name)


def test_job_id_pattern_refuses_opi_prefix() -> None:
    assert not re.fullmatch(JOB_ID_PATTERN, "OPI-job")
    assert re.fullmatch(JOB_ID_PATTERN, "job-OPI")


def test_planned_job_passes_the_readiness_name_check() -> None:
    plan = _plan()
    assert [p for p in readiness_problems(plan, only=["deploy-name-limit"]) if "transferJob" in p.type] == []
