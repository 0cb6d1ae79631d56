"""CloudSqlDatabase: one Cloud SQL instance (PostgreSQL or MySQL), a primary or a cross-region replica.

Private IP only (no public IPv4, the VPC's private-services-access peering), TLS with client
certificates required (``ssl_mode`` TRUSTED_CLIENT_CERTIFICATE_REQUIRED: clients connect through the
Cloud SQL Auth Proxy or a Cloud SQL Language Connector, which present short-lived certificates issued
against the caller's IAM identity; ENCRYPTED_ONLY on request), CMEK disk encryption with a key in the
instance's own region, IAM database authentication, Query Insights without client addresses,
deletion protection at both levels (provider ``deletion_protection`` and the API's
``settings.deletion_protection_enabled``, which also stops the console and gcloud), retained on
delete, backups kept after deletion.

Primary: ``availability_type`` REGIONAL (a synchronous standby in a second zone, automatic
failover), daily backups with ``retained_backups`` from the tier and point-in-time recovery
(PostgreSQL: WAL archiving; MySQL: binary logs) for up to 7 days (35 on PostgreSQL Enterprise
Plus); ``backup_location`` puts the backups in another region (backup-restore tiers restore there).

Replica (``role`` replica): a cross-region read replica of ``master_instance_name``, the promotion
target of the second region. Decision: it is REGIONAL too by default (``high_availability``), so
the promoted instance is HA from its first second instead of needing a restart into HA during the
incident; Cloud SQL supports HA read replicas ("Configure a read replica for high availability").
Replicas take no backups of their own (Cloud SQL refuses backups on read replicas); promotion is
``gcloud sql instances promote-replica <name>`` and then enabling backups on it. The key must be a
key of the replica's region: Cloud SQL CMEK keys are regional ("The provided key must be in the
same region as the SQL instance", pulumi-gcp ``encryption_key_name``).

Advanced disaster recovery (Enterprise Plus): a primary may name its cross-region replica as its DR
replica (``replication_cluster.failover_dr_replica_name``). A
regional outage is then handled by *replica failover* (``gcloud sql instances promote-replica
<replica> --failover``), which Cloud SQL describes as failing over "immediately" to a replica that is
already configured as the failover target, and a DR drill by *switchover* (``gcloud sql instances
switchover <replica>``, zero data loss, roles reversed). The primary's write endpoint
(``write_endpoint``, a ``*.global.sql-psa.goog`` DNS name created for Enterprise Plus instances on
private services access when the project has the Cloud DNS API) follows the primary through both,
so clients connected to it need no change. Requirements met here: Enterprise Plus on both sides,
point-in-time recovery on the primary, a direct (not cascading) replica of the same version in
another region, the same TLS configuration. Cloud SQL accepts the designation only once the replica
exists ("Use advanced disaster recovery": create the replica, then designate it), and the replica
is created after its primary: a primary naming its replica at creation is a create-order cycle.
So this component never sets ``replication_cluster``; ``DrReplicaDesignation``
(blueprint/components/gcp/dr_replica_designation.py) designates the replica once it exists, in the same
``pulumi up``, and the primary ignores later changes of ``replicationCluster`` so Pulumi never
undoes that designation.

Edition: ENTERPRISE_PLUS by default (99.99 % SLA including maintenance, sub-second maintenance
downtime, 35-day PostgreSQL PITR); it takes the ``db-perf-optimized-N-*`` tiers of the catalog.
A replica of an Enterprise Plus primary must state its edition and tier (Cloud SQL replica docs),
which this component always does.

Children (component named ``n``): ``n-instance`` sql.DatabaseInstance.
Attributes: ``name``, ``connection_name``, ``private_ip_address``, ``self_link``, ``write_endpoint``
(primary: the DNS name that follows the primary through failover; None where Cloud SQL made none),
``region``, ``role``.
"""

from __future__ import annotations

import re
from typing import Any, Literal, Optional

import pulumi
import pulumi_gcp as gcp
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from blueprint.catalogs import databases

from blueprint.components._validation import IntBetween

from ._types import CryptoKeyId, GcpName, LabelsAsGiven, Region, kms_key_location

InstanceName = GcpName(63)
RetainedBackups = IntBetween(1, 365, scope="Cloud SQL's ")
MaintenanceDay = IntBetween(1, 7, note=" (1 = Monday, 7 = Sunday)")
MaintenanceHour = IntBetween(0, 23)
DiskSizeGb = IntBetween(10, 65536)
_HH_MM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
# Backup locations: a region, or a Cloud SQL multi-region (asia, eu, us).
_BACKUP_LOCATION = re.compile(r"^([a-z]+-[a-z]+\d+|asia|eu|us)$")


class CloudSqlDatabaseArgs(BaseModel):
    """Settings of one Cloud SQL instance."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    instance_name: InstanceName = Field(description="Cloud SQL instance name (1..63 lower-case letters, digits, '-'); not reusable for a week after deletion.")
    engine: Literal["postgres", "mysql"] = Field(description="Database engine; the version comes from blueprint/catalogs/databases.py.")
    size: Literal["small", "medium", "large", "xlarge"] = Field(description="Config size; the tier comes from the catalog by edition.")
    edition: Literal["ENTERPRISE_PLUS", "ENTERPRISE"] = Field(
        default="ENTERPRISE_PLUS", description="Cloud SQL edition. Default ENTERPRISE_PLUS (99.99 % SLA, near-zero-downtime maintenance)."
    )
    region: Region = Field(description="Region of the instance, e.g. 'europe-west4'.")
    role: Literal["primary", "replica"] = Field(description="primary: read-write with backups; replica: cross-region read replica (promotion target).")
    master_instance_name: Optional[Any] = Field(
        default=None, description="pulumi.Input[str]: name of the primary (required for a replica, refused for a primary)."
    )
    network_id: Any = Field(description="pulumi.Input[str]: VPC network (id or self link) with private services access.")
    allocated_ip_range: Optional[Any] = Field(
        default=None,
        description="pulumi.Input[str]: name of the private-services-access range to take the IP from "
        "(PrivateServiceAccess.range_name). Default None: any range of the peering.",
    )
    kms_key_id: CryptoKeyId = Field(description="pulumi.Input[str]: CMEK crypto key id in the instance's region (projects/.../locations/<region>/keyRings/.../cryptoKeys/...).")
    high_availability: bool = Field(
        default=True,
        description="availability_type REGIONAL (standby in another zone). Default True; a primary is always REGIONAL, a replica "
        "may opt out (pilot light) and then becomes HA only after promotion.",
    )
    retained_backups: RetainedBackups = Field(default=7, description="Daily automated backups kept (1..365); tiers pass database_backup_retention_days. Default 7.")
    point_in_time_recovery_days: Optional[int] = Field(
        default=None,
        description="Days of transaction logs for point-in-time recovery. Default None: the edition/engine maximum "
        "(7, or 35 on PostgreSQL Enterprise Plus) capped at retained_backups.",
    )
    backup_location: Optional[str] = Field(
        default=None,
        description="Region or multi-region (asia, eu, us) of the backups, e.g. the second region for backup-restore. Default None: "
        "Cloud SQL's default, the multi-region containing the instance's region.",
    )
    backup_start_time: str = Field(default="02:00", description="UTC start of the daily backup window, HH:MM. Default 02:00.")
    maintenance_day: MaintenanceDay = Field(default=7, description="Maintenance window day, 1 (Monday)..7 (Sunday). Default 7.")
    maintenance_hour: MaintenanceHour = Field(default=3, description="Maintenance window hour UTC, 0..23. Default 3.")
    # Decision: client certificates by default. The Cloud SQL Auth Proxy and the Language Connectors
    # (Java, Python, Go, Node.js) create an ephemeral client certificate for the caller's IAM identity
    # (Cloud SQL "Cloud SQL Language Connectors"), so IAM-authenticated workloads keep working, and the
    # Admin API documents that PostgreSQL IAM database authentication under this mode must use them
    # (IpConfiguration.SslMode TRUSTED_CLIENT_CERTIFICATE_REQUIRED). A bare libpq/JDBC client with only
    # a password is refused: possession of a password alone never reaches the database.
    ssl_mode: Literal["ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"] = Field(
        default="TRUSTED_CLIENT_CERTIFICATE_REQUIRED",
        description="TLS enforcement. Default TRUSTED_CLIENT_CERTIFICATE_REQUIRED: every connection encrypted and presenting a "
        "client certificate (Cloud SQL Auth Proxy / Language Connectors issue them per IAM identity); ENCRYPTED_ONLY accepts "
        "any TLS client (e.g. drivers connecting directly with a password). Unencrypted connections are never allowed.",
    )
    disk_size_gb: DiskSizeGb = Field(default=50, description="Initial SSD size (10..65536 GB); grows automatically (autoresize on). Default 50.")
    labels: LabelsAsGiven = Field(default_factory=dict, description="GCP labels (user_labels) of the instance.")

    @model_validator(mode="before")
    @classmethod
    def _no_dr_replica(cls, data: Any) -> Any:
        # The designation at create time was a create-order cycle (the replica follows the primary);
        # name the field and the replacement rather than pydantic's bare "extra inputs" error.
        if isinstance(data, dict) and "dr_replica" in data:
            raise ValueError(
                f"dr_replica: {data['dr_replica']!r} is no longer accepted; Cloud SQL designates a DR replica only once it "
                "exists, so designate it with DrReplicaDesignation (blueprint/components/gcp/dr_replica_designation.py) after both instances"
            )
        return data

    @field_validator("backup_location")
    @classmethod
    def _backup_location(cls, v: Optional[str]) -> Optional[str]:
        if v is not None and not _BACKUP_LOCATION.match(v):
            raise ValueError(f"backup_location: {v!r} is neither a GCP region (e.g. 'europe-west1') nor a multi-region (asia, eu, us)")
        return v

    @field_validator("backup_start_time")
    @classmethod
    def _start(cls, v: str) -> str:
        if not _HH_MM.match(v):
            raise ValueError(f"backup_start_time: {v!r} is not HH:MM (24 h, UTC), e.g. '02:00'")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> CloudSqlDatabaseArgs:
        if self.role == "replica" and self.master_instance_name is None:
            raise ValueError("master_instance_name: required for role 'replica'; pass the primary's name (CloudSqlDatabase(...).name)")
        if self.role == "primary" and self.master_instance_name is not None:
            raise ValueError("master_instance_name: set for role 'primary'; a primary replicates from nothing (use role 'replica')")
        if self.role == "primary" and not self.high_availability:
            raise ValueError("high_availability: False for a primary; primaries are always REGIONAL (zone-loss RTO), only replicas may opt out")
        if isinstance(self.kms_key_id, str):
            location = kms_key_location(self.kms_key_id)
            if location != self.region:
                raise ValueError(
                    f"kms_key_id: key location {location!r} differs from region {self.region!r}; Cloud SQL needs a key in the "
                    "instance's own region (a replica uses its region's key)"
                )
        limit = databases.cloudsql_engine(self.engine).max_transaction_log_days(self.edition)
        days = self.point_in_time_recovery_days
        if days is not None and not 1 <= days <= limit:
            raise ValueError(f"point_in_time_recovery_days: {days} is outside 1..{limit} for {self.engine} {self.edition}")
        if self.role == "replica" and self.backup_location is not None:
            raise ValueError("backup_location: set for a replica; read replicas take no backups (set it on the primary)")
        return self

    @property
    def effective_point_in_time_recovery_days(self) -> int:
        if self.point_in_time_recovery_days is not None:
            return self.point_in_time_recovery_days
        limit = databases.cloudsql_engine(self.engine).max_transaction_log_days(self.edition)
        return min(limit, self.retained_backups)


class CloudSqlDatabase(pulumi.ComponentResource):
    """A private, TLS-only, CMEK-encrypted, deletion-protected Cloud SQL instance (primary or replica)."""

    def __init__(self, name: str, args: CloudSqlDatabaseArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("blueprint:gcp:CloudSqlDatabase", name, None, opts)
        engine = databases.cloudsql_engine(args.engine)
        instance = gcp.sql.DatabaseInstance(
            f"{name}-instance",
            name=args.instance_name,
            region=args.region,
            database_version=engine.database_version,
            master_instance_name=args.master_instance_name,
            encryption_key_name=args.kms_key_id,
            deletion_protection=True,
            settings=_settings(args, engine),
            opts=pulumi.ResourceOptions(
                parent=self,
                # Stateful: a stack deletion or replacement never deletes the database.
                retain_on_delete=True,
                # Autoresize grows the disk; the stack must not try to shrink it back. DrReplicaDesignation
                # sets replicationCluster (the DR replica) after the replica exists; the program never
                # sets it, so Pulumi must not clear it. ignoreChanges takes the input's property path
                # (https://www.pulumi.com/docs/iac/concepts/options/ignorechanges/); only outputs live
                # under replicationCluster besides the designation, so the whole object is ignored.
                ignore_changes=["settings.diskSize", "replicationCluster"],
            ),
        )

        self.name: pulumi.Output[str] = instance.name
        self.connection_name: pulumi.Output[str] = instance.connection_name
        self.private_ip_address: pulumi.Output[str] = instance.private_ip_address
        self.self_link: pulumi.Output[str] = instance.self_link
        self.write_endpoint: pulumi.Output[Optional[str]] = instance.replication_cluster.apply(
            lambda cluster: cluster.psa_write_endpoint if cluster is not None else None
        )
        self.region: str = args.region
        self.role: str = args.role
        self.register_outputs(
            {
                "name": self.name,
                "connection_name": self.connection_name,
                "private_ip_address": self.private_ip_address,
                "self_link": self.self_link,
                "write_endpoint": self.write_endpoint,
            }
        )


def _backup_configuration(args: CloudSqlDatabaseArgs, engine: Any) -> gcp.sql.DatabaseInstanceSettingsBackupConfigurationArgs:
    """A primary's automated backups and point-in-time recovery; none on a read replica."""
    if args.role == "primary":
        return gcp.sql.DatabaseInstanceSettingsBackupConfigurationArgs(
            enabled=True,
            start_time=args.backup_start_time,
            location=args.backup_location,
            point_in_time_recovery_enabled=None if engine.pitr_via_binary_log else True,
            binary_log_enabled=True if engine.pitr_via_binary_log else None,
            transaction_log_retention_days=args.effective_point_in_time_recovery_days,
            backup_retention_settings=gcp.sql.DatabaseInstanceSettingsBackupConfigurationBackupRetentionSettingsArgs(
                retained_backups=args.retained_backups, retention_unit="COUNT"
            ),
        )
    # Read replicas take no backups; MySQL replicas keep binary logs so a promoted replica
    # can serve replicas and PITR as soon as backups are enabled on it.
    return gcp.sql.DatabaseInstanceSettingsBackupConfigurationArgs(
        enabled=False, binary_log_enabled=True if engine.pitr_via_binary_log else None
    )


def _settings(args: CloudSqlDatabaseArgs, engine: Any) -> gcp.sql.DatabaseInstanceSettingsArgs:
    """Machine, HA, SSD storage, private IP with TLS, insights, maintenance window, engine flags."""
    return gcp.sql.DatabaseInstanceSettingsArgs(
        tier=databases.cloudsql_tier(args.size, args.edition),
        edition=args.edition,
        availability_type="REGIONAL" if args.high_availability else "ZONAL",
        disk_type="PD_SSD",
        disk_size=args.disk_size_gb,
        disk_autoresize=True,
        disk_autoresize_limit=0,  # no ceiling: running out of disk is an outage
        deletion_protection_enabled=True,
        retain_backups_on_delete=True if args.role == "primary" else None,
        backup_configuration=_backup_configuration(args, engine),
        ip_configuration=gcp.sql.DatabaseInstanceSettingsIpConfigurationArgs(
            ipv4_enabled=False,
            private_network=args.network_id,
            allocated_ip_range=args.allocated_ip_range,
            ssl_mode=args.ssl_mode,
        ),
        insights_config=gcp.sql.DatabaseInstanceSettingsInsightsConfigArgs(
            query_insights_enabled=True,
            query_string_length=1024,
            record_application_tags=False,
            record_client_address=False,  # client IPs are personal data in some jurisdictions
        ),
        maintenance_window=gcp.sql.DatabaseInstanceSettingsMaintenanceWindowArgs(
            day=args.maintenance_day, hour=args.maintenance_hour, update_track="stable"
        ),
        database_flags=[gcp.sql.DatabaseInstanceSettingsDatabaseFlagArgs(name=f.name, value=f.value) for f in engine.flags],
        data_cache_config=(
            gcp.sql.DatabaseInstanceSettingsDataCacheConfigArgs(data_cache_enabled=True)
            if args.edition == "ENTERPRISE_PLUS"
            else None
        ),
        user_labels=dict(args.labels),
    )
