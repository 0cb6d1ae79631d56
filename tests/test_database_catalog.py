"""The cloud-neutral database catalog: engines and sizes -> Aurora settings."""

from __future__ import annotations

import re

import pytest

from blueprint.catalogs import databases as db
from blueprint.config.models import DbSize, Engine


def test_engines_and_sizes_are_the_config_values() -> None:
    assert set(db.ENGINES) == {e.value for e in Engine}
    assert set(db.SIZES) == {s.value for s in DbSize}
    assert set(db.AURORA_ENGINES) == set(db.ENGINES)
    assert set(db.AWS_INSTANCE_CLASSES) == set(db.SIZES)


def test_postgres_on_aurora() -> None:
    spec = db.aurora_engine("postgres")
    assert spec.aurora_engine == "aurora-postgresql"
    assert spec.engine_version == "16.13"
    assert spec.parameter_group_family == "aurora-postgresql16"
    assert spec.port == 5432
    assert spec.tls_parameter == db.DbParameter("rds.force_ssl", "1", "immediate")
    assert spec.cloudwatch_log_exports == ("postgresql",)


def test_mysql_on_aurora() -> None:
    spec = db.aurora_engine("mysql")
    assert spec.aurora_engine == "aurora-mysql"
    assert re.fullmatch(r"8\.0\.mysql_aurora\.3\.\d{2}\.\d+", spec.engine_version)
    assert spec.engine_version == "8.0.mysql_aurora.3.10.4"  # the 3.10 long-term-support line
    assert spec.parameter_group_family == "aurora-mysql8.0"
    assert spec.port == 3306
    assert spec.tls_parameter == db.DbParameter("require_secure_transport", "ON", "immediate")
    assert set(spec.cloudwatch_log_exports) == {"audit", "error", "slowquery"}
    names = {p.name for p in spec.log_parameters}
    assert {"server_audit_logging", "slow_query_log"} <= names  # the audit/slowquery exports need them


@pytest.mark.parametrize("engine", db.ENGINES)
def test_family_matches_the_pinned_major_version(engine: str) -> None:
    spec = db.aurora_engine(engine)
    major = spec.engine_version.split(".")[0] if engine == "postgres" else ".".join(spec.engine_version.split(".")[:2])
    assert spec.parameter_group_family == f"{spec.aurora_engine}{major}"


@pytest.mark.parametrize("engine", db.ENGINES)
def test_tls_parameter_comes_first_and_names_are_unique(engine: str) -> None:
    params = db.aurora_engine(engine).cluster_parameters
    assert params[0] == db.aurora_engine(engine).tls_parameter
    assert len({p.name for p in params}) == len(params)
    assert all(p.apply_method == "immediate" for p in params)


def test_write_forwarding_read_consistency_per_engine() -> None:
    # Global write forwarding: Aurora MySQL 2.08.1+ (every 3.x) and Aurora PostgreSQL 16 (every
    # minor) support it, so the pins qualify; the consistency is SESSION on both engines.
    assert db.aurora_engine("postgres").engine_version.startswith("16.")
    assert db.aurora_engine("mysql").engine_version.startswith("8.0.mysql_aurora.3.")
    assert db.aurora_engine("mysql").write_forwarding_parameter == db.DbParameter(
        "aurora_replica_read_consistency", "SESSION", "pending-reboot")
    assert db.aurora_engine("postgres").write_forwarding_parameter == db.DbParameter(
        "apg_write_forward.consistency_mode", "session", "pending-reboot")
    for engine in db.ENGINES:  # kept apart from the always-on parameters
        spec = db.aurora_engine(engine)
        assert spec.write_forwarding_parameter not in spec.cluster_parameters


def test_instance_classes_are_memory_optimised_graviton_never_burstable() -> None:
    # Aurora Global Database requires memory-optimised classes; db.t* is refused there.
    for size in db.SIZES:
        cls = db.aws_instance_class(size)
        assert re.fullmatch(r"db\.r\dg\.(large|\d*xlarge)", cls), cls
        assert not cls.startswith("db.t")


def test_instance_classes_grow_with_size() -> None:
    order = ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"]
    ranks = [order.index(db.aws_instance_class(s).split(".")[-1]) for s in db.SIZES]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
    assert db.aws_instance_class("small") == "db.r7g.large"


def test_unknown_engine_or_size_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match=r"engine 'oracle' is not catalogued; choose one of postgres, mysql"):
        db.aurora_engine("oracle")
    with pytest.raises(ValueError, match=r"size 'huge' is not catalogued; choose one of small, medium, large, xlarge"):
        db.aws_instance_class("huge")


def test_catalog_is_read_only() -> None:
    with pytest.raises(TypeError):
        db.AWS_INSTANCE_CLASSES["small"] = "db.t4g.medium"  # type: ignore[index]


# --- GCP Cloud SQL ----------------------------------------------------------------------------


def test_cloudsql_database_versions_are_pinned() -> None:
    assert db.cloudsql_database_version("postgres") == "POSTGRES_18"
    assert db.cloudsql_database_version("mysql") == "MYSQL_8_4"


@pytest.mark.parametrize("engine", db.ENGINES)
def test_cloudsql_engines_cover_the_config_engines(engine: str) -> None:
    spec = db.cloudsql_engine(engine)
    assert spec.engine == engine
    names = [f.name for f in spec.flags]
    assert len(set(names)) == len(names)
    assert any("iam_authentication" in n for n in names)  # IAM database authentication on


def test_cloudsql_pitr_windows() -> None:
    assert db.cloudsql_engine("postgres").max_transaction_log_days("ENTERPRISE_PLUS") == 35
    assert db.cloudsql_engine("postgres").max_transaction_log_days("ENTERPRISE") == 7
    assert db.cloudsql_engine("mysql").max_transaction_log_days("ENTERPRISE_PLUS") == 7
    assert db.cloudsql_engine("mysql").pitr_via_binary_log and not db.cloudsql_engine("postgres").pitr_via_binary_log


def test_cloudsql_tiers_match_the_edition_and_grow_with_size() -> None:
    plus = [db.cloudsql_tier(s) for s in db.SIZES]
    assert plus == ["db-perf-optimized-N-2", "db-perf-optimized-N-4", "db-perf-optimized-N-8", "db-perf-optimized-N-16"]
    for size in db.SIZES:
        tier = db.cloudsql_tier(size, "ENTERPRISE")
        m = re.fullmatch(r"db-custom-(\d+)-(\d+)", tier)
        assert m, tier
        cpus, mib = int(m[1]), int(m[2])
        assert mib % 256 == 0 and 0.9 * 1024 * cpus <= mib <= 6.5 * 1024 * cpus


def test_cloudsql_unknown_values_are_refused() -> None:
    with pytest.raises(ValueError, match=r"engine 'oracle' is not catalogued"):
        db.cloudsql_database_version("oracle")
    with pytest.raises(ValueError, match=r"size 'huge' is not catalogued"):
        db.cloudsql_tier("huge")
    with pytest.raises(ValueError, match=r"edition 'STANDARD' is not catalogued"):
        db.cloudsql_tier("small", "STANDARD")
