"""Database catalog: engine and size of a workload's ``database`` -> managed-database settings.

Pure data, no cloud SDK imports. The config speaks cloud-neutral words (``engine: postgres |
mysql``, ``size: small | medium | large | xlarge``); each cloud maps them here. AWS (Aurora) is
catalogued today; a cloud is added by a mapping per size (like :data:`AWS_INSTANCE_CLASSES`) and a
lookup function (like :func:`aws_instance_class`), keeping :data:`ENGINES` and :data:`SIZES` the
single source of the allowed values.

Where the AWS figures come from (checked late 2026)
--------------------------------------------------
* Engine versions: Aurora PostgreSQL 16.13 (release notes, "Aurora PostgreSQL 16.13, April 6,
  2026") and Aurora MySQL 3.10.4 (``8.0.mysql_aurora.3.10.4``, "Aurora MySQL database engine
  updates 2026-03-30 (version 3.10.4)"; 3.10 is a long-term-support minor). Both support Aurora
  Global Database ("Supported Regions and DB engines for Aurora global databases": Aurora MySQL
  3.01.0 and higher; Aurora PostgreSQL 16 versions). AWS retires old minors, so the pin is
  revisited with each catalog update; running clusters keep their version (the component ignores
  later engine-version drift, upgrades go through the global cluster or a planned change).
* Parameter group families follow RDS's ``DBParameterGroupFamily`` names (``aurora-postgresql16``,
  ``aurora-mysql8.0``).
* Query logging (Aurora PostgreSQL): ``log_statement`` (none | ddl | mod | all; ``ddl`` logs
  schema changes without row data) and ``log_min_duration_statement`` (milliseconds; -1 off) are
  dynamic cluster parameters ("Turning on query logging for your Aurora PostgreSQL DB cluster").
  The same guide warns that any log_statement but ``none`` can log a password given in SQL
  (``ALTER ROLE ... PASSWORD``): set passwords with psql's password meta-command (it sends a hash) or use
  IAM database authentication; the master password lives in Secrets Manager.
* TLS: ``rds.force_ssl = 1`` (Aurora PostgreSQL; default 0, "Securing Aurora PostgreSQL data
  with SSL/TLS") and ``require_secure_transport = ON`` (Aurora MySQL 3; default OFF). Both are
  dynamic, so ``apply_method = immediate``.
* Global write forwarding (the active-active second region's write path): "Using write forwarding
  in an Aurora MySQL global database" (docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/
  aurora-global-database-write-forwarding-ams.html): Aurora MySQL 2.08.1 and higher, so every 3.x;
  "... in an Aurora PostgreSQL global database" (...-write-forwarding-apg.html): "In Aurora
  PostgreSQL version 16 and higher major versions, global write forwarding is supported in all minor
  versions" (14.9+/15.4+ before). Both pins above qualify; no version move was needed. The read
  consistency of forwarded sessions is a cluster parameter: Aurora MySQL
  ``aurora_replica_read_consistency`` ("Read consistency for write forwarding": empty by default,
  and "If you don't [set it], then Aurora doesn't forward writes"; EVENTUAL | SESSION | GLOBAL) and
  Aurora PostgreSQL ``apg_write_forward.consistency_mode`` (a DB and DB cluster parameter,
  "Configuring Aurora PostgreSQL for local write forwarding": SESSION | EVENTUAL | GLOBAL | OFF,
  "The default value is SESSION"; forwarding works only with one of the first three).
  blueprint sets SESSION explicitly all the same (read-your-own-writes in a session, the
  AWS-documented middle ground), so the cluster's behaviour does not rest on the engine default, with
  ``apply_method = pending-reboot``, which RDS accepts for static and dynamic parameters alike; the
  cluster is created with it. Sessions may still ``SET`` another level.
* Instance classes: memory-optimised Graviton3 ``db.r7g``, because "An Aurora global database
  requires DB instance classes that are optimized for memory-intensive applications"
  ("Configuration requirements of an Amazon Aurora global database"): burstable ``db.t*`` classes
  are refused there. Regions newer than the catalog may lack a class; check with
  ``aws rds describe-orderable-db-instance-options``.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

__all__ = [
    "AURORA_ENGINES",
    "AWS_INSTANCE_CLASSES",
    "AuroraEngine",
    "CLOUDSQL_EDITIONS",
    "CLOUDSQL_ENGINES",
    "CLOUDSQL_TIERS",
    "CloudSqlEngine",
    "DbParameter",
    "ENGINES",
    "SIZES",
    "aurora_engine",
    "aws_instance_class",
    "cloudsql_database_version",
    "cloudsql_engine",
    "cloudsql_tier",
]

ENGINES: tuple[str, ...] = ("postgres", "mysql")
SIZES: tuple[str, ...] = ("small", "medium", "large", "xlarge")


@dataclass(frozen=True)
class DbParameter:
    """One engine parameter of a (cluster) parameter group."""

    name: str
    value: str
    apply_method: str = "immediate"  # every parameter catalogued here is dynamic


@dataclass(frozen=True)
class AuroraEngine:
    """How blueprint runs one config engine on Aurora."""

    engine: str  # the config value: postgres | mysql
    aurora_engine: str  # RDS engine name
    engine_version: str  # pinned; supports Aurora Global Database
    parameter_group_family: str
    port: int
    tls_parameter: DbParameter  # refuses unencrypted client connections
    log_parameters: tuple[DbParameter, ...]  # what the exported logs need to contain something
    cloudwatch_log_exports: tuple[str, ...]
    # Read consistency of sessions whose writes a global secondary forwards (see module doc);
    # without it Aurora MySQL forwards nothing; Aurora PostgreSQL defaults to SESSION, set explicitly here.
    write_forwarding_parameter: DbParameter

    @property
    def cluster_parameters(self) -> tuple[DbParameter, ...]:
        """Everything blueprint sets in the cluster parameter group, TLS first."""
        return (self.tls_parameter, *self.log_parameters)


AURORA_ENGINES: Mapping[str, AuroraEngine] = MappingProxyType(
    {
        "postgres": AuroraEngine(
            engine="postgres",
            aurora_engine="aurora-postgresql",
            engine_version="16.13",
            parameter_group_family="aurora-postgresql16",
            port=5432,
            tls_parameter=DbParameter("rds.force_ssl", "1"),
            # Who connected and when, every schema change (log_statement = ddl: CREATE/ALTER/DROP,
            # not the data itself) and every statement slower than a second (log_min_duration_statement,
            # milliseconds): the audit and slow-query trail the exported "postgresql" log carries.
            log_parameters=(
                DbParameter("log_connections", "1"),
                DbParameter("log_disconnections", "1"),
                DbParameter("log_statement", "ddl"),
                DbParameter("log_min_duration_statement", "1000"),
            ),
            cloudwatch_log_exports=("postgresql",),
            write_forwarding_parameter=DbParameter("apg_write_forward.consistency_mode", "session", "pending-reboot"),
        ),
        "mysql": AuroraEngine(
            engine="mysql",
            aurora_engine="aurora-mysql",
            engine_version="8.0.mysql_aurora.3.10.4",
            parameter_group_family="aurora-mysql8.0",
            port=3306,
            tls_parameter=DbParameter("require_secure_transport", "ON"),
            # The "audit" and "slowquery" exports stay empty unless these are on (Advanced Auditing).
            log_parameters=(
                DbParameter("server_audit_logging", "1"),
                DbParameter("server_audit_events", "CONNECT,QUERY_DCL,QUERY_DDL"),
                DbParameter("slow_query_log", "1"),
            ),
            cloudwatch_log_exports=("audit", "error", "slowquery"),
            write_forwarding_parameter=DbParameter("aurora_replica_read_consistency", "SESSION", "pending-reboot"),
        ),
    }
)

# Size -> Aurora DB instance class (memory optimised, Graviton3; never burstable, see module doc).
AWS_INSTANCE_CLASSES: Mapping[str, str] = MappingProxyType(
    {
        "small": "db.r7g.large",  # 2 vCPU, 16 GiB
        "medium": "db.r7g.xlarge",  # 4 vCPU, 32 GiB
        "large": "db.r7g.2xlarge",  # 8 vCPU, 64 GiB
        "xlarge": "db.r7g.4xlarge",  # 16 vCPU, 128 GiB
    }
)


def aurora_engine(engine: str) -> AuroraEngine:
    """The Aurora settings of a config engine (``postgres`` | ``mysql``)."""
    try:
        return AURORA_ENGINES[engine]
    except KeyError:
        raise ValueError(f"engine {engine!r} is not catalogued; choose one of {', '.join(ENGINES)}") from None


def aws_instance_class(size: str) -> str:
    """The Aurora instance class of a config size (``small`` .. ``xlarge``)."""
    try:
        return AWS_INSTANCE_CLASSES[size]
    except KeyError:
        raise ValueError(f"size {size!r} is not catalogued; choose one of {', '.join(SIZES)}") from None


# --- GCP: Cloud SQL ---------------------------------------------------------------------------
#
# Where the GCP figures come from (checked late 2026)
# * Database versions: the ``database_version`` values pulumi-gcp 10.2 documents for
#   ``gcp.sql.DatabaseInstance`` include POSTGRES_17 / POSTGRES_18 and MYSQL_8_0 / MYSQL_8_4, and the
#   Cloud SQL Admin API's SqlDatabaseVersion enum lists POSTGRES_18 and MYSQL_8_4. PostgreSQL 18 (the
#   latest major: the longest community support window, and CKV_GCP_79 "latest major version") and
#   MySQL 8.4 (the LTS line) are pinned; major upgrades are a planned change. Cloud SQL supports a
#   new PostgreSQL major from its community GA (Cloud SQL "Database versions and version policies").
# * Editions: ENTERPRISE_PLUS (99.99 % SLA including maintenance, sub-second maintenance downtime,
#   up to 35 days of PostgreSQL point-in-time recovery logs) accepts only the predefined
#   ``db-perf-optimized-N-<vCPUs>`` machine types; ``db-custom-<vCPUs>-<MiB>`` tiers require
#   ENTERPRISE (pulumi-gcp ``settings.edition`` docs: "ENTERPRISE_PLUS supports only predefined
#   db-perf-optimized-N-* machine types ... db-custom-* require edition = ENTERPRISE").
# * Custom tiers: memory 0.9..6.5 GiB per vCPU in multiples of 256 MiB, so the highest-memory shape
#   is 6.5 GiB (6656 MiB) per vCPU, e.g. ``db-custom-2-13312`` (the provider docs' own example).
# * Transaction-log retention (PITR window): 1..7 days, 1..35 for PostgreSQL Enterprise Plus
#   (``backup_configuration.transaction_log_retention_days`` docs).
# * Flags: PostgreSQL connection/lock/temp-file logging and MySQL ``local_infile=off`` /
#   ``skip_show_database=on`` follow the CIS Google Cloud benchmark's Cloud SQL section; IAM database
#   authentication is ``cloudsql.iam_authentication`` (PostgreSQL) / ``cloudsql_iam_authentication``
#   (MySQL). TLS is enforced by ``ip_configuration.ssl_mode``, not by flags.
#   PostgreSQL statement auditing (CIS GCP 6.2.x; checkov CKV_GCP_109/110/111):
#   ``log_min_error_statement=error`` (the statement text of every failing statement),
#   ``log_statement=ddl`` (every CREATE/ALTER/DROP/GRANT; not ``all``: row data of the workload's
#   queries would land in the logs), and pgAudit: ``cloudsql.enable_pgaudit=on`` loads the extension
#   and ``pgaudit.log=role`` audits privilege and role changes (Cloud SQL "Audit for PostgreSQL using
#   pgAudit": flag on, ``CREATE EXTENSION pgaudit`` in each database by the schema migrations, then
#   ``pgaudit.log``; the entries reach Cloud Logging as Data Access audit logs of Cloud SQL).
#   Deliberately not set: ``log_hostname`` (a reverse DNS lookup per connection; PostgreSQL docs: "might
#   impose a non-negligible performance penalty"; ``log_connections`` already records the client IP)
#   and ``log_duration`` (one log line per statement at inference QPS; Query Insights keeps per-query
#   latency): see policies/checkov-suppressions.yaml.

CLOUDSQL_EDITIONS: tuple[str, ...] = ("ENTERPRISE_PLUS", "ENTERPRISE")


@dataclass(frozen=True)
class CloudSqlEngine:
    """How blueprint runs one config engine on Cloud SQL."""

    engine: str  # the config value: postgres | mysql
    database_version: str  # Cloud SQL ``database_version``
    port: int
    flags: tuple[DbParameter, ...]  # database_flags (name, value); apply_method is unused on GCP
    pitr_via_binary_log: bool  # MySQL: PITR = binary logging; PostgreSQL: point_in_time_recovery_enabled

    def max_transaction_log_days(self, edition: str) -> int:
        """The longest point-in-time-recovery window Cloud SQL allows for this engine and edition."""
        return 35 if (edition == "ENTERPRISE_PLUS" and self.engine == "postgres") else 7


CLOUDSQL_ENGINES: Mapping[str, CloudSqlEngine] = MappingProxyType(
    {
        "postgres": CloudSqlEngine(
            engine="postgres",
            database_version="POSTGRES_18",
            port=5432,
            flags=(
                DbParameter("cloudsql.iam_authentication", "on"),
                DbParameter("log_connections", "on"),
                DbParameter("log_disconnections", "on"),
                DbParameter("log_checkpoints", "on"),
                DbParameter("log_lock_waits", "on"),
                DbParameter("log_temp_files", "0"),
                DbParameter("log_min_error_statement", "error"),
                DbParameter("log_statement", "ddl"),
                DbParameter("cloudsql.enable_pgaudit", "on"),
                DbParameter("pgaudit.log", "role"),
            ),
            pitr_via_binary_log=False,
        ),
        "mysql": CloudSqlEngine(
            engine="mysql",
            database_version="MYSQL_8_4",
            port=3306,
            flags=(
                DbParameter("cloudsql_iam_authentication", "on"),
                DbParameter("local_infile", "off"),
                DbParameter("skip_show_database", "on"),
            ),
            pitr_via_binary_log=True,
        ),
    }
)

# Size -> Cloud SQL tier per edition. Enterprise Plus: N2 performance-optimised (8 GiB per vCPU);
# Enterprise: custom shapes at the 6.5 GiB-per-vCPU maximum. vCPUs match the AWS sizes (2/4/8/16).
CLOUDSQL_TIERS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "ENTERPRISE_PLUS": MappingProxyType(
            {
                "small": "db-perf-optimized-N-2",
                "medium": "db-perf-optimized-N-4",
                "large": "db-perf-optimized-N-8",
                "xlarge": "db-perf-optimized-N-16",
            }
        ),
        "ENTERPRISE": MappingProxyType(
            {
                "small": "db-custom-2-13312",
                "medium": "db-custom-4-26624",
                "large": "db-custom-8-53248",
                "xlarge": "db-custom-16-106496",
            }
        ),
    }
)


def cloudsql_engine(engine: str) -> CloudSqlEngine:
    """The Cloud SQL settings of a config engine (``postgres`` | ``mysql``)."""
    try:
        return CLOUDSQL_ENGINES[engine]
    except KeyError:
        raise ValueError(f"engine {engine!r} is not catalogued; choose one of {', '.join(ENGINES)}") from None


def cloudsql_database_version(engine: str) -> str:
    """The pinned Cloud SQL ``database_version`` of a config engine, e.g. ``POSTGRES_18``."""
    return cloudsql_engine(engine).database_version


def cloudsql_tier(size: str, edition: str = "ENTERPRISE_PLUS") -> str:
    """The Cloud SQL machine tier of a config size in an edition (default Enterprise Plus)."""
    if edition not in CLOUDSQL_TIERS:
        raise ValueError(f"edition {edition!r} is not catalogued; choose one of {', '.join(CLOUDSQL_EDITIONS)}")
    try:
        return CLOUDSQL_TIERS[edition][size]
    except KeyError:
        raise ValueError(f"size {size!r} is not catalogued; choose one of {', '.join(SIZES)}") from None
