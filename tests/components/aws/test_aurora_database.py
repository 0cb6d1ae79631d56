"""AuroraDatabase: private, encrypted, TLS-only Aurora per region; primary vs global secondary;
strategy-driven instance counts; credentials by role; validation."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws
import pytest
from pydantic import ValidationError

from blueprint.catalogs.databases import aurora_engine, aws_instance_class
from blueprint.plan.engine import plan_program
from blueprint.components.aws.aurora_database import AuroraDatabase, AuroraDatabaseArgs
from tests.components._helpers import capture_opts

CMK = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
CMK2 = "arn:aws:kms:eu-south-2:123456789012:key/abcd1234-12ab-34cd-56ef-1234567890ab"
TAGS = {"blueprint:workload": "fraud-scoring", "blueprint:tier": "mission-critical"}
ZONES = ("eu-central-1a", "eu-central-1b", "eu-central-1c")
ZONES2 = ("eu-south-2a", "eu-south-2b", "eu-south-2c")
SUBNETS = ["subnet-0a", "subnet-0b", "subnet-0c"]


def _args(**overrides) -> AuroraDatabaseArgs:
    base = {
        "identifier": "prod-fraud-euc1", "engine": "postgres", "size": "medium", "instance_count": 3,
        "zones": ZONES, "subnet_ids": SUBNETS, "vpc_id": "vpc-0123", "allowed_cidr_blocks": ["10.0.0.0/16"],
        "kms_key_arn": CMK, "backup_retention_days": 35, "tags": TAGS,
    }
    return AuroraDatabaseArgs(**{**base, **overrides})


def _secondary_args(**overrides) -> AuroraDatabaseArgs:
    return _args(**{
        "identifier": "prod-fraud-eus2", "role": "secondary", "global_cluster_identifier": "prod-fraud-scoring",
        "zones": ZONES2, "allowed_cidr_blocks": ["10.1.0.0/16"], "kms_key_arn": CMK2, **overrides,
    })


def _plan(args: AuroraDatabaseArgs, region: str = "eu-central-1", name: str = "db"):
    out = {}

    def program():
        provider = aws.Provider(f"aws-{region}", region=region)
        db = AuroraDatabase(name, args, pulumi.ResourceOptions(providers=[provider]))
        out["db"] = db
        pulumi.export("outputs", {
            "cluster_identifier": db.cluster_identifier, "arn": db.arn, "endpoint": db.endpoint,
            "reader_endpoint": db.reader_endpoint, "port": db.port, "security_group_id": db.security_group_id,
            "instance_identifiers": db.instance_identifiers, "master_user_secret_arn": db.master_user_secret_arn,
        })

    return plan_program(program, stack="test", config={"aws:region": "us-east-1"}), out["db"]


@pytest.fixture(scope="module")
def standalone():
    """Primary without a global database (e.g. a backup-restore workload), MySQL, two zones."""
    return _plan(_args(identifier="solo", engine="mysql", size="small", instance_count=2, zones=ZONES[:2],
                       subnet_ids=SUBNETS[:2], backup_retention_days=7))


@pytest.fixture(scope="module")
def global_primary():
    return _plan(_args(global_cluster_identifier="prod-fraud-scoring"))


@pytest.fixture(scope="module")
def secondaries():
    """The composer's strategy -> secondary instance count: active-active = primary's, warm 1, pilot 0."""
    counts = {"active-active": 3, "warm-standby": 1, "pilot-light": 0}
    return {s: _plan(_secondary_args(instance_count=n), region="eu-south-2", name="dr") for s, n in counts.items()}


def _children(plan, name):
    component = plan.named(name)
    return {r.name: r for r in plan.resources if r.parent == component.urn}


# --- network ------------------------------------------------------------------------------


def test_subnet_group_spans_the_private_subnets(global_primary):
    plan, _ = global_primary
    sg = plan.named("db-subnet-group")
    assert sg.type == "aws:rds/subnetGroup:SubnetGroup"
    assert sg.inputs["subnetIds"] == SUBNETS
    assert sg.inputs["name"] == "prod-fraud-euc1-subnets"


@pytest.mark.parametrize("fixture,port", [("global_primary", 5432), ("standalone", 3306)])
def test_security_group_allows_only_the_client_cidrs_on_the_engine_port(request, fixture, port):
    plan, _ = request.getfixturevalue(fixture)
    sg = plan.named("db-sg")
    assert sg.inputs["vpcId"] == "vpc-0123"
    assert not sg.inputs.get("ingress") and not sg.inputs.get("egress")  # no inline rules, no egress
    assert not plan.of_type("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
    (rule,) = plan.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    assert rule.name == "db-ingress-10-0-0-0-16"
    assert rule.inputs["cidrIpv4"] == "10.0.0.0/16"
    assert (rule.inputs["fromPort"], rule.inputs["toPort"], rule.inputs["ipProtocol"]) == (port, port, "tcp")
    assert sg.urn in rule.dependencies


def test_one_ingress_rule_per_cidr():
    plan, _ = _plan(_args(allowed_cidr_blocks=["10.0.0.0/16", "100.64.0.0/16"]))
    rules = {r.name: r.inputs["cidrIpv4"] for r in plan.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")}
    assert rules == {"db-ingress-10-0-0-0-16": "10.0.0.0/16", "db-ingress-100-64-0-0-16": "100.64.0.0/16"}


# --- engine and cluster defaults ----------------------------------------------------------


def test_parameter_group_forces_tls(global_primary, standalone):
    pg = global_primary[0].named("db-cluster-params")
    assert pg.inputs["family"] == "aurora-postgresql16"
    params = {p["name"]: p["value"] for p in pg.inputs["parameters"]}
    assert params["rds.force_ssl"] == "1"
    assert params["log_connections"] == "1"
    mysql = {p["name"]: p["value"] for p in standalone[0].named("db-cluster-params").inputs["parameters"]}
    assert standalone[0].named("db-cluster-params").inputs["family"] == "aurora-mysql8.0"
    assert mysql["require_secure_transport"] == "ON"
    assert mysql["server_audit_logging"] == "1"


def test_cluster_secure_defaults(global_primary):
    plan, _ = global_primary
    c = plan.named("db-cluster").inputs
    assert c["clusterIdentifier"] == "prod-fraud-euc1"
    assert c["engine"] == "aurora-postgresql" and c["engineVersion"] == aurora_engine("postgres").engine_version
    assert c["port"] == 5432
    assert c["storageEncrypted"] is True and c["kmsKeyId"] == CMK
    assert c["iamDatabaseAuthenticationEnabled"] is True
    assert c["backupRetentionPeriod"] == 35
    assert c["preferredBackupWindow"] == "02:00-03:00"
    assert c["preferredMaintenanceWindow"] == "sun:03:30-sun:04:30"
    assert c["copyTagsToSnapshot"] is True
    assert c["deletionProtection"] is True
    assert c["skipFinalSnapshot"] is False and c["finalSnapshotIdentifier"] == "prod-fraud-euc1-final"
    assert c["deleteAutomatedBackups"] is False
    assert c["enabledCloudwatchLogsExports"] == ["postgresql"]
    assert c["autoMinorVersionUpgrade"] is False  # a global member: see test_minor_upgrades_...
    assert "enableGlobalWriteForwarding" not in c  # a primary writes itself
    assert c["dbSubnetGroupName"] == "prod-fraud-euc1-subnets"
    assert c["dbClusterParameterGroupName"] == "prod-fraud-euc1-params"
    assert c["vpcSecurityGroupIds"] == [plan.outputs["outputs"]["security_group_id"]]


def test_mysql_exports_audit_error_and_slow_query_logs(standalone):
    c = standalone[0].named("db-cluster").inputs
    assert c["engine"] == "aurora-mysql" and c["port"] == 3306
    assert sorted(c["enabledCloudwatchLogsExports"]) == ["audit", "error", "slowquery"]
    assert c["backupRetentionPeriod"] == 7


def test_cluster_is_retained_on_delete_and_ignores_drift(monkeypatch):
    seen = capture_opts(monkeypatch, aws.rds, "Cluster")
    _plan(_args(identifier="solo"), name="solo")
    _plan(_secondary_args(instance_count=0), region="eu-south-2", name="dr")
    assert seen["solo-cluster"].retain_on_delete is True
    assert seen["solo-cluster"].ignore_changes == ["engineVersion"]  # auto minor upgrades move it
    assert seen["dr-cluster"].retain_on_delete is True
    assert set(seen["dr-cluster"].ignore_changes) == {"engineVersion", "replicationSourceIdentifier", "globalClusterIdentifier"}


# --- credentials by role ------------------------------------------------------------------


def test_standalone_primary_lets_rds_manage_the_password_with_the_cmk(standalone):
    plan, _ = standalone
    c = plan.named("db-cluster").inputs
    assert c["manageMasterUserPassword"] is True
    assert c["masterUserSecretKmsKeyId"] == CMK
    assert "masterPassword" not in c
    assert c["masterUsername"] == "blueprint_admin" and c["databaseName"] == "app"
    assert "globalClusterIdentifier" not in c
    assert not plan.of_type("aws:secretsmanager/secret:Secret")
    assert plan.outputs["outputs"]["master_user_secret_arn"].startswith(
        "arn:aws:secretsmanager:eu-central-1:123456789012:secret:rds!cluster-"
    )


def test_global_primary_uses_its_own_cmk_encrypted_secret(global_primary):
    plan, _ = global_primary
    c = plan.named("db-cluster").inputs
    # Secrets Manager-managed master passwords are not supported in a global database.
    assert "manageMasterUserPassword" not in c
    assert c["masterPassword"] == "[secret]"
    assert c["globalClusterIdentifier"] == "prod-fraud-scoring"
    secret = plan.named("db-master-secret")
    assert secret.inputs["kmsKeyId"] == CMK
    assert secret.inputs["recoveryWindowInDays"] == 30
    assert secret.inputs["name"] == "blueprint/rds/prod-fraud-euc1/master"
    value = plan.named("db-master-secret-value")
    assert value.inputs["secretString"] == "[secret]"
    assert value.urn in plan.named("db-cluster").dependencies
    assert plan.outputs["outputs"]["master_user_secret_arn"].startswith(
        "arn:aws:secretsmanager:eu-central-1:123456789012:secret:blueprint/rds/prod-fraud-euc1/master-"
    )


def test_global_primary_password_is_generated_once_and_never_rotated_by_pulumi(monkeypatch):
    seen = {}

    def spy(module, cls_name):
        base = getattr(module, cls_name)

        class Spy(base):  # type: ignore[misc, valid-type]
            def __init__(self, resource_name, *args, opts=None, **kwargs):
                seen[resource_name] = (opts, kwargs)
                super().__init__(resource_name, *args, opts=opts, **kwargs)

        monkeypatch.setattr(module, cls_name, Spy)

    spy(aws.rds, "Cluster")
    spy(aws.secretsmanager, "Secret")
    spy(aws.secretsmanager, "SecretVersion")
    values = {}

    def program():
        db = AuroraDatabase("db", _args(global_cluster_identifier="prod-fraud-scoring"))
        _, version_kwargs = seen["db-master-secret-value"]
        _, cluster_kwargs = seen["db-cluster"]
        pulumi.Output.all(version_kwargs["secret_string"], cluster_kwargs["master_password"]).apply(
            lambda a: values.update(secret=json.loads(a[0]), password=a[1])
        )
        return db

    plan_program(program, stack="test", config={"aws:region": "eu-central-1"})
    assert seen["db-master-secret-value"][0].ignore_changes == ["secretString"]
    assert "masterPassword" in seen["db-cluster"][0].ignore_changes
    assert seen["db-master-secret"][0].retain_on_delete is True
    assert values["secret"] == {"username": "blueprint_admin", "password": values["password"]}
    assert len(values["password"]) == 40 and values["password"].isalnum()


def test_secondary_sets_no_credentials_and_joins_the_global_cluster(secondaries):
    plan, db = secondaries["warm-standby"]
    c = plan.named("dr-cluster").inputs
    assert c["globalClusterIdentifier"] == "prod-fraud-scoring"
    for key in ("masterUsername", "masterPassword", "manageMasterUserPassword", "masterUserSecretKmsKeyId",
                "databaseName", "replicationSourceIdentifier"):
        assert key not in c, key
    assert c["kmsKeyId"] == CMK2  # the secondary region's own CMK
    assert c["storageEncrypted"] is True and c["deletionProtection"] is True
    assert not plan.of_type("aws:secretsmanager/secret:Secret")
    assert db.master_user_secret_arn is None
    assert plan.outputs["outputs"]["master_user_secret_arn"] is None


def test_secondary_lives_in_its_own_region(secondaries):
    plan, _ = secondaries["active-active"]
    regional = [r for r in plan.resources if r.type.startswith("aws:") and not r.type.startswith("aws:iam/")]
    assert {r.region for r in regional} == {"eu-south-2"}


# --- instances ----------------------------------------------------------------------------


def _instances(plan):
    # in instance order (the plan lists resources in a canonical order, not by index)
    return sorted(plan.of_type("aws:rds/clusterInstance:ClusterInstance"), key=lambda r: int(r.name.rsplit("-", 1)[1]))


def test_instances_round_robin_over_zones_writer_first(global_primary):
    plan, _ = global_primary
    instances = _instances(plan)
    assert [r.name for r in instances] == [f"db-{z}-instance-{i}" for i, z in enumerate(ZONES)]
    assert [r.zone for r in instances] == list(ZONES)
    assert [r.inputs["identifier"] for r in instances] == [f"prod-fraud-euc1-{i}" for i in range(3)]
    writer = instances[0]
    for reader in instances[1:]:
        assert writer.urn in reader.dependencies  # instance 0 exists first, so it is the writer
    assert [r.inputs["promotionTier"] for r in instances] == [0, 0, 1]


def test_more_instances_than_zones_wrap_around():
    plan, _ = _plan(_args(instance_count=5))
    assert [r.zone for r in _instances(plan)] == [*ZONES, *ZONES[:2]]


def test_instance_secure_defaults(global_primary):
    plan, _ = global_primary
    role_arn = None
    for r in _instances(plan):
        i = r.inputs
        assert i["instanceClass"] == aws_instance_class("medium") == "db.r7g.xlarge"
        assert i["engine"] == "aurora-postgresql"
        assert i["publiclyAccessible"] is False
        assert i["autoMinorVersionUpgrade"] is False  # global member, like its cluster
        assert i["performanceInsightsEnabled"] is True
        assert i["performanceInsightsKmsKeyId"] == CMK
        assert i["performanceInsightsRetentionPeriod"] == 7
        assert i["monitoringInterval"] == 60
        assert i["dbSubnetGroupName"] == "prod-fraud-euc1-subnets"
        assert i["clusterIdentifier"] == "prod-fraud-euc1"
        role_arn = i["monitoringRoleArn"]
    assert role_arn.startswith("arn:aws:iam::123456789012:role/db-monitoring-role")


def test_enhanced_monitoring_role(global_primary):
    plan, _ = global_primary
    trust = json.loads(plan.named("db-monitoring-role").inputs["assumeRolePolicy"])
    (stmt,) = trust["Statement"]
    assert stmt["Principal"] == {"Service": "monitoring.rds.amazonaws.com"}
    assert stmt["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}
    attachment = plan.named("db-monitoring-policy")
    assert attachment.inputs["policyArn"] == "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
    for r in _instances(plan):
        assert attachment.urn in r.dependencies


@pytest.mark.parametrize("strategy,count", [("active-active", 3), ("warm-standby", 1), ("pilot-light", 0)])
def test_secondary_instance_count_by_strategy(secondaries, strategy, count):
    plan, _ = secondaries[strategy]
    instances = _instances(plan)
    assert len(instances) == count
    assert [r.zone for r in instances] == list(ZONES2[:count])
    assert bool(plan.of_type("aws:iam/role:Role")) is (count > 0)  # headless: no monitoring role either
    assert plan.outputs["outputs"]["instance_identifiers"] == [f"prod-fraud-eus2-{i}" for i in range(count)]
    assert plan.named("dr-cluster").inputs["globalClusterIdentifier"] == "prod-fraud-scoring"


# --- engine upgrades and the write path of a secondary ------------------------------------


def test_minor_upgrades_automatic_when_standalone_and_via_the_global_cluster_for_members(standalone, global_primary, secondaries):
    # AWS applies no automatic minor upgrades to global-database members, so they say False.
    solo = standalone[0]
    assert solo.named("db-cluster").inputs["autoMinorVersionUpgrade"] is True
    assert {r.inputs["autoMinorVersionUpgrade"] for r in _instances(solo)} == {True}
    for plan, name in ((global_primary[0], "db"), (secondaries["active-active"][0], "dr")):
        assert plan.named(f"{name}-cluster").inputs["autoMinorVersionUpgrade"] is False
        assert {r.inputs["autoMinorVersionUpgrade"] for r in _instances(plan)} == {False}


def test_global_write_forwarding_is_off_by_default():
    assert AuroraDatabaseArgs.model_fields["global_write_forwarding"].default is False
    assert _secondary_args().global_write_forwarding is False


@pytest.mark.parametrize("strategy", ["warm-standby", "pilot-light"])
def test_secondary_states_forwarding_off_unless_asked(secondaries, strategy):
    assert secondaries[strategy][0].named("dr-cluster").inputs["enableGlobalWriteForwarding"] is False


def test_forwarding_secondary_sends_writes_to_the_primary():
    plan, _ = _plan(_secondary_args(instance_count=3, global_write_forwarding=True), region="eu-south-2", name="dr")
    c = plan.named("dr-cluster").inputs
    assert c["enableGlobalWriteForwarding"] is True
    assert c["globalClusterIdentifier"] == "prod-fraud-scoring"


@pytest.mark.parametrize("engine,param", [
    ("postgres", {"name": "apg_write_forward.consistency_mode", "value": "session", "applyMethod": "pending-reboot"}),
    ("mysql", {"name": "aurora_replica_read_consistency", "value": "SESSION", "applyMethod": "pending-reboot"}),
])
def test_global_members_set_the_forwarding_read_consistency(engine, param):
    # Aurora MySQL forwards nothing while aurora_replica_read_consistency is empty (its default).
    for args, name, region in ((_args(engine=engine, global_cluster_identifier="prod-fraud-scoring"), "db", "eu-central-1"),
                               (_secondary_args(engine=engine, instance_count=1), "dr", "eu-south-2")):
        params = _plan(args, region=region, name=name)[0].named(f"{name}-cluster-params").inputs["parameters"]
        assert param in params


def test_standalone_cluster_has_no_forwarding_parameter(standalone):
    names = {p["name"] for p in standalone[0].named("db-cluster-params").inputs["parameters"]}
    assert "aurora_replica_read_consistency" not in names


def test_performance_insights_retention_follows_args():
    plan, _ = _plan(_args(performance_insights_retention_days=731, size="xlarge"))
    for r in _instances(plan):
        assert r.inputs["performanceInsightsRetentionPeriod"] == 731
        assert r.inputs["instanceClass"] == "db.r7g.4xlarge"


def test_deletion_protection_can_be_turned_off_for_throwaway_stacks():
    plan, _ = _plan(_args(deletion_protection=False, instance_count=2))
    assert plan.named("db-cluster").inputs["deletionProtection"] is False


# --- outputs, tags, structure --------------------------------------------------------------


def test_outputs(global_primary):
    plan, _ = global_primary
    out = plan.outputs["outputs"]
    assert out["cluster_identifier"] == "prod-fraud-euc1"
    assert out["arn"] == "arn:aws:rds:eu-central-1:123456789012:cluster:prod-fraud-euc1"
    assert out["endpoint"].startswith("prod-fraud-euc1.cluster-") and out["endpoint"].endswith(".eu-central-1.rds.amazonaws.com")
    assert ".cluster-ro-" in out["reader_endpoint"]
    assert out["port"] == 5432
    assert out["security_group_id"].startswith("sg-")
    assert out["instance_identifiers"] == ["prod-fraud-euc1-0", "prod-fraud-euc1-1", "prod-fraud-euc1-2"]


def test_children_are_parented_and_taggable_ones_tagged(global_primary):
    plan, _ = global_primary
    children = _children(plan, "db")
    assert set(children) == {
        "db-subnet-group", "db-sg", "db-ingress-10-0-0-0-16", "db-cluster-params", "db-master-secret",
        "db-master-secret-value", "db-cluster", "db-monitoring-role", "db-monitoring-policy",
        *(f"db-{z}-instance-{i}" for i, z in enumerate(ZONES)),
    }
    untaggable = {"db-master-secret-value", "db-monitoring-policy"}
    for name, r in children.items():
        if name not in untaggable:
            assert r.inputs["tags"] == {**TAGS, "Name": name}, name
        assert r.workload == "fraud-scoring"
    assert plan.named("db").region == "eu-central-1"


# --- validation ---------------------------------------------------------------------------


def test_fails_write_forwarding_on_a_primary():
    with pytest.raises(ValidationError, match=r"global_write_forwarding: True on a primary; .* only a global secondary"):
        _args(global_cluster_identifier="prod-fraud-scoring", global_write_forwarding=True)


def test_fails_write_forwarding_on_a_headless_secondary():
    with pytest.raises(ValidationError, match=r"global_write_forwarding: True on a headless secondary \(instance_count=0\)"):
        _secondary_args(instance_count=0, global_write_forwarding=True)


def test_fails_secondary_without_global_cluster():
    with pytest.raises(ValidationError, match=r"global_cluster_identifier: None for a secondary"):
        _secondary_args(global_cluster_identifier=None)


@pytest.mark.parametrize("count", [0, 1])
def test_fails_primary_with_fewer_than_two_instances(count):
    with pytest.raises(ValidationError, match=rf"instance_count: {count} for a primary; give at least 2"):
        _args(instance_count=count)


@pytest.mark.parametrize("zones", [("eu-central-1a",), ()])
def test_fails_fewer_than_two_zones(zones):
    with pytest.raises(ValidationError, match=r"zones: .* give 2\.\.6"):
        _args(zones=zones, subnet_ids=SUBNETS[: len(zones)])


def test_fails_instance_count_above_aurora_limit():
    with pytest.raises(ValidationError, match=r"instance_count: 17 is outside 0\.\.16"):
        _args(instance_count=17)


@pytest.mark.parametrize(
    "zones,message",
    [
        (("eu-central-1a", "eu-central-1a"), "repeats a zone"),
        (("eu-central-1a", "eu-south-2b"), "span regions"),
        (("eu-central-1a", "euc1-az2"), "not an availability-zone name"),
    ],
)
def test_fails_bad_zones(zones, message):
    with pytest.raises(ValidationError, match=rf"zones: .*{message}"):
        _args(zones=zones, subnet_ids=SUBNETS[:2])


def test_fails_one_subnet_per_zone():
    with pytest.raises(ValidationError, match=r"subnet_ids: 2 subnet\(s\) for 3 zone\(s\)"):
        _args(subnet_ids=SUBNETS[:2])


@pytest.mark.parametrize("cidr", ["0.0.0.0/0", "8.8.8.0/24", "10.0.0.1/16", "not-a-cidr", "fd00::/8"])
def test_fails_client_cidrs_that_are_not_private_networks(cidr):
    with pytest.raises(ValidationError, match=rf"allowed_cidr_blocks: '{cidr}'"):
        _args(allowed_cidr_blocks=[cidr])


def test_fails_empty_client_cidrs():
    with pytest.raises(ValidationError, match=r"allowed_cidr_blocks: is empty"):
        _args(allowed_cidr_blocks=[])


@pytest.mark.parametrize("days", [0, 36])
def test_fails_backup_retention_outside_aurora_range(days):
    with pytest.raises(ValidationError, match=rf"backup_retention_days: {days} is outside Aurora's 1\.\.35"):
        _args(backup_retention_days=days)


@pytest.mark.parametrize("days", [0, 8, 30, 732])
def test_fails_performance_insights_retention_not_allowed(days):
    with pytest.raises(ValidationError, match=rf"performance_insights_retention_days: {days} is not allowed"):
        _args(performance_insights_retention_days=days)


@pytest.mark.parametrize("ident", ["Prod", "prod--x", "x-", "9db", "a" * 61])
def test_fails_invalid_identifier(ident):
    with pytest.raises(ValidationError, match=r"identifier: "):
        _args(identifier=ident)


@pytest.mark.parametrize("user,message", [("rdsadmin", "is reserved"), ("1admin", "must start with a letter"),
                                          ("a" * 17, "must start with a letter")])
def test_fails_bad_master_username(user, message):
    with pytest.raises(ValidationError, match=rf"master_username: '{user}' {message}"):
        _args(master_username=user)


def test_fails_bad_database_name():
    with pytest.raises(ValidationError, match=r"database_name: 'my-db'"):
        _args(database_name="my-db")


@pytest.mark.parametrize("field,value", [("database_name", "app"), ("master_username", "admin_user")])
def test_fails_credentials_or_database_on_a_secondary(field, value):
    with pytest.raises(ValidationError, match=rf"{field}: '{value}' set on a secondary"):
        _secondary_args(**{field: value})


def test_fails_kms_key_of_another_region():
    with pytest.raises(ValidationError, match=r"kms_key_arn: key in eu-south-2 for a cluster in eu-central-1"):
        _args(kms_key_arn=CMK2)


def test_fails_kms_alias():
    with pytest.raises(ValidationError, match=r"kms_key_arn: 'alias/aws/rds' is not a KMS key ARN"):
        _args(kms_key_arn="alias/aws/rds")


def test_fails_burstable_or_unknown_size():
    with pytest.raises(ValidationError, match="size"):
        _args(size="tiny")


def test_fails_unknown_field():
    with pytest.raises(ValidationError, match="publicly_accessible"):
        _args(publicly_accessible=True)


# --- master secret replica (DR for global primaries) -------------------------------------------

REPLICA_CMK = "arn:aws:kms:eu-south-2:123456789012:key/abcd1234-12ab-34cd-56ef-1234567890ab"


def test_global_primary_replicates_its_master_secret_to_the_second_region():
    from blueprint.plan.engine import plan_program
    from blueprint.components.aws.aurora_database import AuroraDatabase, AuroraDatabaseArgs

    args = AuroraDatabaseArgs(
        identifier="prod-fraud", engine="postgres", size="medium", instance_count=2,
        global_cluster_identifier="prod-fraud-global", zones=("eu-central-1a", "eu-central-1b"),
        subnet_ids=["subnet-a", "subnet-b"], vpc_id="vpc-1", allowed_cidr_blocks=["10.0.0.0/16"],
        kms_key_arn="arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        backup_retention_days=35, master_secret_replica_region="eu-south-2",
        master_secret_replica_kms_key_arn=REPLICA_CMK,
    )
    plan = plan_program(lambda: AuroraDatabase("db", args), stack="test", config={"aws:region": "eu-central-1"})
    assert plan.named("db-master-secret").inputs["replicas"] == [{"region": "eu-south-2", "kmsKeyId": REPLICA_CMK}]


def test_fails_with_a_secret_replica_region_but_no_key():
    import pytest
    from pydantic import ValidationError

    from blueprint.components.aws.aurora_database import AuroraDatabaseArgs

    with pytest.raises(ValidationError, match="master_secret_replica_region / master_secret_replica_kms_key_arn"):
        AuroraDatabaseArgs(
            identifier="prod-fraud", engine="postgres", size="medium", instance_count=2,
            global_cluster_identifier="prod-fraud-global", zones=("eu-central-1a", "eu-central-1b"),
            subnet_ids=["subnet-a", "subnet-b"], vpc_id="vpc-1", allowed_cidr_blocks=["10.0.0.0/16"],
            kms_key_arn="arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            backup_retention_days=35, master_secret_replica_region="eu-south-2",
        )


def test_postgres_logs_schema_changes_and_slow_queries(global_primary):
    params = {p["name"]: p["value"] for p in global_primary[0].named("db-cluster-params").inputs["parameters"]}
    # checkov CKV2_AWS_27: query logging; ddl (no row data) and statements slower than 1 s.
    assert params["log_statement"] == "ddl"
    assert params["log_min_duration_statement"] == "1000"
