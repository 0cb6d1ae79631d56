"""`blueprint audit` against moto in server mode on loopback, as a live endpoint."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
import requests
from moto.server import ThreadedMotoServer
from typer.testing import CliRunner

from blueprint.audit import DRIFTED, MISSING, OK, UNSUPPORTED, audit, expected_from_plan, failed
from blueprint.cli import app
from blueprint.plan.run import plan_stack
from blueprint.project import StackRef

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def plan():
    return plan_stack(ROOT, StackRef("prod", ROOT / "stacks" / "Pulumi.prod.yaml"))


@pytest.fixture(scope="module")
def plan_file(plan, tmp_path_factory):
    path = tmp_path_factory.mktemp("audit") / "plan.json"
    path.write_text(json.dumps(plan.to_json()))
    return path


@pytest.fixture(scope="module", autouse=True)
def credentials():
    mp = pytest.MonkeyPatch()
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}.items():
        mp.setenv(key, value)
    mp.delenv("AWS_PROFILE", raising=False)
    yield
    mp.undo()


def _server():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    # moto's backends live in the process, not in the server: start every account empty
    requests.post(f"{endpoint}/moto-api/reset", timeout=10).raise_for_status()
    return server, endpoint


def _client(endpoint, service, region):
    return boto3.client(service, region_name=region, endpoint_url=endpoint)


def build_account(plan, endpoint, lock_days_delta=0, skip_replication_of=None):
    """An account built to match the plan (what moto can emulate), by Name tag like a real `pulumi up`."""
    expected = expected_from_plan(plan)
    physical = {}
    for i, v in enumerate(expected.vaults):
        s3 = _client(endpoint, "s3", v.region)
        name = f"{v.name_tag[:40]}-{i:04d}"
        kwargs = {} if v.region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": v.region}}
        s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True, **kwargs)
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "Name", "Value": v.name_tag}]})
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        days = v.lock_days + (lock_days_delta if v.name_tag == "fraud-scoring-us-east-1-vault-bucket" else 0)
        s3.put_object_lock_configuration(Bucket=name, ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": v.lock_mode, "Days": days}}})
        physical[v.name_tag] = name
    for v in expected.vaults:
        if v.replicate_to and v.name_tag != skip_replication_of:
            _client(endpoint, "s3", v.region).put_bucket_replication(Bucket=physical[v.name_tag], ReplicationConfiguration={
                "Role": "arn:aws:iam::123456789012:role/replication",
                "Rules": [{"ID": "all", "Priority": 1, "Status": "Enabled", "Filter": {}, "DeleteMarkerReplication": {"Status": "Enabled"},
                           "Destination": {"Bucket": f"arn:aws:s3:::{physical[v.replicate_to[0]]}"}}]})
    for g in expected.global_dbs:
        writer = g.writer_region
        _client(endpoint, "rds", writer).create_global_cluster(GlobalClusterIdentifier=g.identifier, Engine="aurora-postgresql")
        for region in [writer] + [r for r in g.member_regions if r != writer]:
            _client(endpoint, "rds", region).create_db_cluster(
                DBClusterIdentifier=g.identifier, Engine="aurora-postgresql", GlobalClusterIdentifier=g.identifier,
                **({"MasterUsername": "admin_user", "MasterUserPassword": "a-long-password-1"} if region == writer else {}))
    r53 = _client(endpoint, "route53", "us-east-1")
    for i, h in enumerate(expected.health_checks):
        hc = r53.create_health_check(CallerReference=f"ref-{i}", HealthCheckConfig={
            "Type": h.type, "FullyQualifiedDomainName": f"lb-{i}.example.com", "Port": 443, "ResourcePath": h.path,
            "RequestInterval": h.interval, "FailureThreshold": h.threshold})["HealthCheck"]
        r53.change_tags_for_resource(ResourceType="healthcheck", ResourceId=hc["Id"], AddTags=[{"Key": "Name", "Value": h.name_tag}])
    for n, b in enumerate(expected.balancers):
        ec2 = _client(endpoint, "ec2", b.region)
        elb = _client(endpoint, "elbv2", b.region)
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{k}.0/24", AvailabilityZone=z)["Subnet"]["SubnetId"]
                   for k, z in enumerate(b.zones)]
        lb = elb.create_load_balancer(Name=f"lb-{n}", Subnets=subnets, Type="application",
                                      Tags=[{"Key": "Name", "Value": b.name_tag}])["LoadBalancers"][0]
        tg = elb.create_target_group(Name=f"tg-{n}", Protocol="HTTP", Port=8080, VpcId=vpc, TargetType="ip")["TargetGroups"][0]
        elb.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80,
                            DefaultActions=[{"Type": "forward", "TargetGroupArn": tg["TargetGroupArn"]}])
        elb.register_targets(TargetGroupArn=tg["TargetGroupArn"], Targets=[{"Id": f"10.0.{k}.10", "Port": 8080} for k in range(len(b.zones))])
    for region, vault in {(r, v) for p in expected.backup_plans for r, v in ((p.region, p.vault), *p.copy_to)}:
        _client(endpoint, "backup", region).create_backup_vault(BackupVaultName=vault)
    return expected


@pytest.fixture(scope="module")
def matching(plan):
    server, endpoint = _server()
    build_account(plan, endpoint)
    yield audit(plan, endpoint, max_attempts=1), endpoint
    server.stop()


def test_matching_account_passes_every_supported_check(matching):
    findings, _ = matching
    bad = [f for f in findings if f.status in (MISSING, DRIFTED)]
    assert not bad, bad
    assert not failed(findings)
    checks = {f.check for f in findings if f.status == OK}
    assert {"vault", "database", "health-check"} <= checks
    # moto implements neither ListRecoveryPointsByBackupVault: said plainly, never counted as a pass
    assert any(f.check == "recovery-points" and f.status == UNSUPPORTED for f in findings)


def test_vault_findings_name_mode_days_and_replication(matching):
    findings, _ = matching
    ok = next(f for f in findings if f.item == "fraud-scoring-us-east-1-vault-bucket")
    assert ok.status == OK and "COMPLIANCE 35 d" in ok.detail and "fraud-scoring-us-west-2-vault-bucket (us-west-2)" in ok.detail


def test_load_balancers_are_matched_by_name_tag_in_every_zone(matching):
    findings, _ = matching
    lbs = [f for f in findings if f.check == "load-balancer"]
    # two workloads x two regions, and recommendations' degraded-mode load balancer in each region (service.fallback)
    assert len(lbs) == 6 and sum("fallback" in f.item for f in lbs) == 2
    assert all(f.status in (OK, UNSUPPORTED) for f in lbs)


def test_cli_exit_0_on_the_matching_account(matching, plan_file):
    _, endpoint = matching
    result = CliRunner().invoke(app, ["audit", "--plan", str(plan_file), "--endpoint-url", endpoint, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["ok"] is True


def test_drifted_account_fails_naming_the_items(plan):
    server, endpoint = _server()
    try:
        build_account(plan, endpoint, lock_days_delta=-34, skip_replication_of="recommendations-us-east-1-vault-bucket")
        findings = audit(plan, endpoint, max_attempts=1)
    finally:
        server.stop()
    drifted = {(f.item, f.detail.split(": ", 1)[-1]) for f in findings if f.status == DRIFTED}
    assert ("fraud-scoring-us-east-1-vault-bucket", "Object Lock default retention") in drifted
    lock = next(f for f in findings if f.item == "fraud-scoring-us-east-1-vault-bucket" and f.status == DRIFTED)
    assert lock.expected["days"] == 35 and lock.actual["days"] == 1
    assert ("recommendations-us-east-1-vault-bucket", "no enabled replication rule") in drifted
    assert failed(findings)


def test_empty_account_exits_1_naming_missing_vaults_databases_and_health_checks(plan_file):
    server, endpoint = _server()
    try:
        result = CliRunner().invoke(app, ["audit", "--plan", str(plan_file), "--endpoint-url", endpoint])
    finally:
        server.stop()
    assert result.exit_code == 1, result.output
    out = result.output
    assert "MISSING     vault" in out and "fraud-scoring-us-east-1-vault-bucket" in out
    assert "MISSING     database" in out and "prod-fraud-scoring" in out and "prod-recommendations" in out
    assert "MISSING     health-check" in out and "fraud-scoring-dns-us-east-1-health-check" in out
    assert "research-notebooks-us-east-1-recovery-vault" in out


def test_fails_with_exit_2_when_the_endpoint_is_unreachable(plan_file):
    result = CliRunner().invoke(app, ["audit", "--plan", str(plan_file), "--endpoint-url", "http://127.0.0.1:9"])
    assert result.exit_code == 2
    assert "cannot reach the AWS endpoint" in result.output


def test_fails_with_exit_2_without_credentials(plan_file, monkeypatch, tmp_path):
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    result = CliRunner().invoke(app, ["audit", "--plan", str(plan_file), "--endpoint-url", "http://127.0.0.1:9"])
    assert result.exit_code == 2
    assert "AWS_ACCESS_KEY_ID" in result.output


class _FakeBackup:
    """AWS Backup answers shaped as the real API (moto does not implement ListRecoveryPointsByBackupVault)."""

    def __init__(self, points):
        self.points = points

    def describe_backup_vault(self, **kwargs):
        return {"BackupVaultName": kwargs["BackupVaultName"]}

    def list_recovery_points_by_backup_vault(self, **kwargs):
        return {"RecoveryPoints": [p for p in self.points if p["CreationDate"] >= kwargs["ByCreatedAfter"]]}


def test_recovery_points_recent_ok_and_stale_missing(plan):
    from datetime import datetime, timedelta, timezone

    from blueprint.audit.live import check_recovery_points

    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    expected = expected_from_plan(plan)
    fresh = _FakeBackup([{"Status": "COMPLETED", "CreationDate": now - timedelta(hours=5)}])
    stale = _FakeBackup([{"Status": "COMPLETED", "CreationDate": now - timedelta(hours=50)}])
    ok = check_recovery_points(expected, lambda service, region: fresh, 24, now)
    assert ok and all(f.status == OK for f in ok)
    assert {f.region for f in ok} == {"us-east-1", "us-west-2"}  # the plan's vault and its cross-region copy
    missing = check_recovery_points(expected, lambda service, region: stale, 24, now)
    assert missing and all(f.status == MISSING and f.item.endswith("-recovery-vault") for f in missing)


def test_fails_when_two_buckets_carry_a_vaults_name_tag(plan, plan_file):
    """Issue 16: a second bucket with a vault's Name tag used to replace the first in the lookup, so
    the audit checked one of them and hid the other; now it is a drift finding naming both (exit 1)."""
    server, endpoint = _server()
    try:
        build_account(plan, endpoint)
        tag = "fraud-scoring-us-east-1-vault-bucket"
        s3 = _client(endpoint, "s3", "us-east-1")
        original = next(b["Name"] for b in s3.list_buckets()["Buckets"]
                        if {"Key": "Name", "Value": tag} in s3.get_bucket_tagging(Bucket=b["Name"])["TagSet"])
        s3.create_bucket(Bucket="rogue-copy-of-the-vault")
        s3.put_bucket_tagging(Bucket="rogue-copy-of-the-vault", Tagging={"TagSet": [{"Key": "Name", "Value": tag}]})
        result = CliRunner().invoke(app, ["audit", "--plan", str(plan_file), "--endpoint-url", endpoint, "--format", "json"])
    finally:
        server.stop()
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    assert report["ok"] is False
    finding = next(f for f in report["findings"] if f["item"] == tag)
    assert finding["status"] == DRIFTED and finding["check"] == "vault"
    assert tag in finding["detail"] and original in finding["detail"] and "rogue-copy-of-the-vault" in finding["detail"]
    assert finding["actual"] == sorted([original, "rogue-copy-of-the-vault"])
