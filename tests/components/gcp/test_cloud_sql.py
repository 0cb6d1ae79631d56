"""CloudSqlDatabase + PrivateServiceAccess: private, TLS-only, CMEK, HA, PITR, protected; replica; validation."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from blueprint.catalogs.tiers import database_backup_retention_days
from blueprint.plan.engine import plan_program
from blueprint.components.gcp.cloud_sql import CloudSqlDatabase, CloudSqlDatabaseArgs
from blueprint.components.gcp.private_service_access import PrivateServiceAccess, PrivateServiceAccessArgs
from tests.components._helpers import capture_opts

CONFIG = {"gcp:project": "acme-ml-prod", "gcp:region": "europe-west4"}
NET = "projects/acme-ml-prod/global/networks/main"
KEY4 = "projects/acme-ml-prod/locations/europe-west4/keyRings/blueprint/cryptoKeys/data"
KEY1 = "projects/acme-ml-prod/locations/europe-west1/keyRings/blueprint/cryptoKeys/data"
LABELS = {"blueprint-workload": "fraud-scoring"}


def _args(**overrides) -> CloudSqlDatabaseArgs:
    base = dict(instance_name="fraud-scoring-ew4", engine="postgres", size="medium", region="europe-west4", role="primary",
                network_id=NET, kms_key_id=KEY4, retained_backups=database_backup_retention_days("mission-critical"), labels=LABELS)
    return CloudSqlDatabaseArgs(**{**base, **overrides})


def _plan(primary_overrides=None, replica_overrides=None):
    out = {}

    def program():
        psa = PrivateServiceAccess("psa", PrivateServiceAccessArgs(network_id=NET))
        out["psa"] = psa
        p = CloudSqlDatabase("db-ew4", _args(allocated_ip_range=psa.range_name, **(primary_overrides or {})),
                             pulumi_opts(psa))
        out["primary"] = p
        if replica_overrides is not None:
            out["replica"] = CloudSqlDatabase("db-ew1", _args(
                instance_name="fraud-scoring-ew1", region="europe-west1", role="replica", master_instance_name=p.name,
                kms_key_id=KEY1, **replica_overrides), pulumi_opts(psa))

    return plan_program(program, stack="test", config=CONFIG), out


def pulumi_opts(psa):
    import pulumi

    return pulumi.ResourceOptions(depends_on=[psa.connection])


@pytest.fixture(scope="module")
def planned():
    return _plan(replica_overrides={})


def _settings(plan, name):
    return plan.named(name).inputs["settings"]


def test_children_and_placement(planned):
    plan, _ = planned
    primary = plan.named("db-ew4-instance")
    assert primary.type == "gcp:sql/databaseInstance:DatabaseInstance"
    assert primary.region == "europe-west4" and primary.workload == "fraud-scoring"
    assert plan.named("db-ew1-instance").region == "europe-west1"
    assert {r.name for r in plan.resources if r.parent == plan.named("psa").urn} == {"psa-range", "psa-connection"}
    assert plan.named("psa-connection").urn in plan.named("db-ew4").dependencies


def test_private_service_access_range_and_peering(planned):
    plan, _ = planned
    rng = plan.named("psa-range").inputs
    assert (rng["purpose"], rng["addressType"], rng["prefixLength"], rng["network"]) == ("VPC_PEERING", "INTERNAL", 16, NET)
    conn = plan.named("psa-connection").inputs
    assert conn["service"] == "servicenetworking.googleapis.com" and conn["deletionPolicy"] == "ABANDON"
    assert plan.named("psa-connection").region == "global"


def test_primary_is_versioned_enterprise_plus_regional_ssd(planned):
    plan, _ = planned
    inst = plan.named("db-ew4-instance").inputs
    assert inst["databaseVersion"] == "POSTGRES_18" and inst["name"] == "fraud-scoring-ew4"
    s = inst["settings"]
    assert (s["edition"], s["tier"], s["availabilityType"]) == ("ENTERPRISE_PLUS", "db-perf-optimized-N-4", "REGIONAL")
    assert s["diskType"] == "PD_SSD" and s["diskAutoresize"] is True and s["diskAutoresizeLimit"] == 0
    assert s["dataCacheConfig"] == {"dataCacheEnabled": True}


def test_private_ip_only_tls_required_cmek(planned):
    plan, _ = planned
    inst = plan.named("db-ew4-instance").inputs
    ip = inst["settings"]["ipConfiguration"]
    assert ip["ipv4Enabled"] is False and ip["privateNetwork"] == NET
    # Client certificates required (Auth Proxy / connectors): checkov CKV_GCP_6.
    assert ip["sslMode"] == "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"
    assert ip["allocatedIpRange"]
    assert inst["encryptionKeyName"] == KEY4


def test_deletion_protection_everywhere_and_retained(monkeypatch, planned):
    plan, _ = planned
    inst = plan.named("db-ew4-instance").inputs
    assert inst["deletionProtection"] is True and inst["settings"]["deletionProtectionEnabled"] is True
    assert inst["settings"]["retainBackupsOnDelete"] is True
    import pulumi_gcp as gcp

    seen = capture_opts(monkeypatch, gcp.sql, "DatabaseInstance")
    plan_program(lambda: CloudSqlDatabase("db", _args()), stack="test", config=CONFIG)
    assert seen["db-instance"].retain_on_delete is True
    # disk autoresize, and the DR designation DrReplicaDesignation makes after the replica exists
    assert seen["db-instance"].ignore_changes == ["settings.diskSize", "replicationCluster"]


def test_backups_by_tier_with_pitr(planned):
    plan, _ = planned
    b = _settings(plan, "db-ew4-instance")["backupConfiguration"]
    assert b["enabled"] is True and b["pointInTimeRecoveryEnabled"] is True and "binaryLogEnabled" not in b
    assert b["backupRetentionSettings"] == {"retainedBackups": 35, "retentionUnit": "COUNT"}
    assert b["transactionLogRetentionDays"] == 35  # PostgreSQL Enterprise Plus maximum
    assert b["startTime"] == "02:00" and "location" not in b


def test_flags_insights_maintenance(planned):
    plan, _ = planned
    s = _settings(plan, "db-ew4-instance")
    flags = {f["name"]: f["value"] for f in s["databaseFlags"]}
    assert flags["cloudsql.iam_authentication"] == "on" and flags["log_connections"] == "on"
    # Statement auditing (CIS GCP 6.2.x; checkov CKV_GCP_109/110/111): failing statements, DDL, pgAudit.
    assert flags["log_min_error_statement"] == "error" and flags["log_statement"] == "ddl"
    assert flags["cloudsql.enable_pgaudit"] == "on" and flags["pgaudit.log"] == "role"
    # Deliberately absent (see policies/checkov-suppressions.yaml): per-connection reverse DNS, per-statement lines.
    assert "log_hostname" not in flags and "log_duration" not in flags
    assert s["insightsConfig"]["queryInsightsEnabled"] is True and s["insightsConfig"]["recordClientAddress"] is False
    assert s["maintenanceWindow"] == {"day": 7, "hour": 3, "updateTrack": "stable"}
    assert s["userLabels"] == LABELS


def test_replica_is_ha_promotion_target_without_backups(planned):
    plan, out = planned
    inst = plan.named("db-ew1-instance").inputs
    assert inst["masterInstanceName"] == "fraud-scoring-ew4" and inst["region"] == "europe-west1"
    assert inst["encryptionKeyName"] == KEY1
    s = inst["settings"]
    assert s["availabilityType"] == "REGIONAL" and s["backupConfiguration"] == {"enabled": False}
    assert "retainBackupsOnDelete" not in s and s["deletionProtectionEnabled"] is True
    assert out["replica"].role == "replica" and out["replica"].region == "europe-west1"


def test_mysql_enterprise_backup_restore_primary_and_zonal_replica():
    plan, _ = _plan(
        primary_overrides=dict(engine="mysql", edition="ENTERPRISE", size="small", retained_backups=7, backup_location="europe-west1",
                               ssl_mode="ENCRYPTED_ONLY"),
        replica_overrides=dict(engine="mysql", edition="ENTERPRISE", size="small", high_availability=False),
    )
    p = plan.named("db-ew4-instance").inputs
    assert p["databaseVersion"] == "MYSQL_8_4" and p["settings"]["tier"] == "db-custom-2-13312"
    assert p["settings"]["ipConfiguration"]["sslMode"] == "ENCRYPTED_ONLY"  # opt-out of client certificates
    b = p["settings"]["backupConfiguration"]
    assert b["binaryLogEnabled"] is True and "pointInTimeRecoveryEnabled" not in b
    assert b["location"] == "europe-west1" and b["transactionLogRetentionDays"] == 7
    assert "dataCacheConfig" not in p["settings"]
    r = plan.named("db-ew1-instance").inputs["settings"]
    assert r["availabilityType"] == "ZONAL" and r["backupConfiguration"] == {"enabled": False, "binaryLogEnabled": True}


def test_outputs(planned):
    plan, out = planned
    assert plan.named("db-ew4-instance").outputs["connectionName"] == "acme-ml-prod:europe-west4:fraud-scoring-ew4"
    assert out["primary"].role == "primary"


def test_primary_never_names_its_replica(planned):
    """Issue 13: a primary naming its DR replica at create is a create-order cycle (the replica
    follows the primary; Cloud SQL designates only an existing replica)."""
    plan, _ = planned
    assert "replicationCluster" not in plan.named("db-ew4-instance").inputs
    assert "replicationCluster" not in plan.named("db-ew1-instance").inputs
    assert plan.named("db-ew4-instance").urn in plan.named("db-ew1-instance").dependencies


def test_primary_exposes_the_write_endpoint_and_meets_advanced_dr_requirements(planned):
    plan, out = planned
    primary = plan.named("db-ew4-instance")
    # advanced DR needs Enterprise Plus and PITR on the primary, and a direct replica of the same version
    assert primary.inputs["settings"]["edition"] == "ENTERPRISE_PLUS"
    assert primary.inputs["settings"]["backupConfiguration"]["pointInTimeRecoveryEnabled"] is True
    replica = plan.named("db-ew1-instance").inputs
    assert replica["databaseVersion"] == primary.inputs["databaseVersion"] and replica["settings"]["edition"] == "ENTERPRISE_PLUS"
    assert replica["settings"]["ipConfiguration"]["sslMode"] == primary.inputs["settings"]["ipConfiguration"]["sslMode"]
    # Cloud SQL makes the write endpoint with or without a designation ("can exist even if a standalone
    # instance doesn't have a DR replica yet", ReplicationCluster.psa_write_endpoint)
    assert primary.outputs["replicationCluster"]["psaWriteEndpoint"].endswith(".global.sql-psa.goog.")
    assert "write_endpoint" in vars(out["primary"])


# --- validation ---------------------------------------------------------------------------


def test_fails_dr_replica_at_create():
    with pytest.raises(ValidationError, match="dr_replica: 'acme-ml-prod:fraud-scoring-ew1' is no longer accepted; .*DrReplicaDesignation"):
        _args(dr_replica="acme-ml-prod:fraud-scoring-ew1")


def test_fails_replica_without_master_and_primary_with_master():
    with pytest.raises(ValidationError, match="master_instance_name: required for role 'replica'"):
        _args(role="replica")
    with pytest.raises(ValidationError, match="master_instance_name: set for role 'primary'"):
        _args(master_instance_name="x")


def test_fails_key_in_another_region():
    with pytest.raises(ValidationError, match="kms_key_id: key location 'europe-west1' differs from region 'europe-west4'"):
        _args(kms_key_id=KEY1)
    with pytest.raises(ValidationError, match="kms_key_id: 'alias/x' is not a Cloud KMS crypto key id"):
        _args(kms_key_id="alias/x")


def test_fails_zonal_primary_and_pitr_beyond_limit():
    with pytest.raises(ValidationError, match="high_availability: False for a primary"):
        _args(high_availability=False)
    with pytest.raises(ValidationError, match=r"point_in_time_recovery_days: 10 is outside 1\.\.7 for mysql"):
        _args(engine="mysql", point_in_time_recovery_days=10)


def test_fails_bad_values():
    with pytest.raises(ValidationError, match="instance_name"):
        _args(instance_name="Fraud_DB")
    with pytest.raises(ValidationError, match="retained_backups: 400"):
        _args(retained_backups=400)
    with pytest.raises(ValidationError, match="backup_location: 'mars'"):
        _args(backup_location="mars")
    with pytest.raises(ValidationError, match="ssl_mode"):
        _args(ssl_mode="ALLOW_UNENCRYPTED_AND_ENCRYPTED")
    with pytest.raises(ValidationError, match="prefix_length: 28"):
        PrivateServiceAccessArgs(network_id=NET, prefix_length=28)


def test_fails_key_hint_names_an_attribute_kms_key_has():
    # The hint used to name KmsKey(...).key_id, which KmsKey does not have; it names .id now.
    with pytest.raises(ValidationError, match=r"kms_key_id: 'alias/x' is not a Cloud KMS crypto key id; .*\(e\.g\. KmsKey\(\.\.\.\)\.id\)"):
        _args(kms_key_id="alias/x")


@pytest.mark.parametrize("field,value,match", [
    ("maintenance_day", 8, r"maintenance_day: 8 is outside 1\.\.7 \(1 = Monday, 7 = Sunday\)"),
    ("maintenance_hour", 24, r"maintenance_hour: 24 is outside 0\.\.23"),
    ("disk_size_gb", 9, r"disk_size_gb: 9 is outside 10\.\.65536"),
    ("instance_name", "Db", r"instance_name: 'Db' is not a valid GCP resource name"),
])
def test_fails_maintenance_window_disk_and_name(field, value, match):
    with pytest.raises(ValidationError, match=match):
        _args(**{field: value})
