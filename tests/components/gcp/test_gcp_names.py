"""blueprint/components/gcp/_names.py: names that fit Google Cloud's limits (GKE 40, Compute 63, Cloud SQL)."""

from __future__ import annotations

import re

import pytest

from blueprint.components.gcp._names import (
    CLOUD_SQL_INSTANCE_NAME_MAX,
    COMPUTE_NAME_MAX,
    GCP_NAME_PATTERN,
    GKE_CLUSTER_NAME_MAX,
    fit_name,
)
from blueprint.components.gcp.workload_region import database_instance_name


def test_limits() -> None:
    assert (GKE_CLUSTER_NAME_MAX, COMPUTE_NAME_MAX, CLOUD_SQL_INSTANCE_NAME_MAX) == (40, 63, 63)


def test_short_names_are_kept() -> None:
    assert fit_name("prod", "europe-west4", max_length=GKE_CLUSTER_NAME_MAX) == "prod-europe-west4"
    assert database_instance_name("prod", "fraud-scoring", "europe-west1", primary=False) == "prod-fraud-scoring-europe-west1"


def test_longest_cluster_name_fits_40() -> None:
    name = fit_name("environment-name-20c", "northamerica-northeast1", max_length=GKE_CLUSTER_NAME_MAX)
    assert len(name) == 40 and re.fullmatch(GCP_NAME_PATTERN, name) and name.startswith("environment-name-20c-northam")


def test_replica_names_of_one_workload_differ_when_shortened() -> None:
    names = {database_instance_name("environment-name-20c", "fraud-scoring-realtime-model-a1", region, primary=False)
             for region in ("northamerica-northeast1", "northamerica-northeast2")}
    assert len(names) == 2 and all(len(n) <= CLOUD_SQL_INSTANCE_NAME_MAX for n in names)


def test_fails_name_starting_with_a_digit() -> None:
    with pytest.raises(ValueError, match="does not match"):
        fit_name("1abc", max_length=63)


def test_vault_bucket_keeps_the_autoname_while_it_fits() -> None:
    """Short names keep Pulumi's globally unique autoname (no change for existing stacks); the
    explicit, project-hashed name is only for names whose autoname would pass 63."""
    from blueprint.components.gcp.backup_bucket import BUCKET_NAME_MAX, bucket_name

    assert BUCKET_NAME_MAX == 63
    assert bucket_name("fraud-scoring-europe-west4-vault-bucket") is None
    assert bucket_name("b" * 55) is None  # 55 + "-" + 7 random = 63


def test_instance_names_follow_the_region_not_the_role() -> None:
    # Review of issue 13: a promotion moves the primary role to the survivor under the same URN; a
    # role-based name would force its replacement under the lost primary's name (409).
    for primary in (True, False):
        assert database_instance_name("prod", "fraud-scoring", "europe-west4", primary=primary) == "prod-fraud-scoring-europe-west4"
