"""Issue 16, "Policy bypasses": the resource-level rules that hold what only checkov enforced, on
hand-built resources of each cloud (a passing and a failing case per rule and cloud)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from blueprint.policies import RULES_BY_ID, Context, Resource, run_rules
from blueprint.types import aws, gcp, k8s

KEY = "projects/p/locations/europe-west4/keyRings/r/cryptoKeys/k"


def res(type_: str, name: str, cloud: str = "aws", **props: Any) -> Resource:
    stack = "prod" if cloud == "aws" else "gcp-prod"
    region = "us-east-1" if cloud == "aws" else "europe-west4"
    return Resource(urn=f"urn:pulumi:{stack}::blueprint::{type_}::{name}", type=type_, name=name, region=region,
                    props=props)


def run(rule_id: str, *resources: Resource, cloud: str = "aws") -> list[Any]:
    ctx = Context(resources, "us" if cloud == "aws" else "eu", cloud, "prod" if cloud == "aws" else "gcp-prod")
    return run_rules(ctx, [RULES_BY_ID[rule_id]])


def named(found: list[Any]) -> list[str]:
    return sorted(v.resource_name for v in found)


# ---- network-internet-ingress ---------------------------------------------------------------------

def _ingress(name: str, cidr: str = "0.0.0.0/0", low: int = 443, high: int = 443, protocol: str = "tcp") -> Resource:
    return res(aws.VPC_SECURITY_GROUP_INGRESS_RULE, name, cidrIpv4=cidr, fromPort=low, toPort=high, ipProtocol=protocol,
               securityGroupId="sg-lb")


def test_aws_internet_ingress_only_to_the_listener_ports() -> None:
    ok = [_ingress("https"), _ingress("http", low=80, high=80), _ingress("db-vpc", "10.0.0.0/16", 5432, 5432)]
    assert run("network-internet-ingress", *ok) == []


@pytest.mark.parametrize("resource", [
    _ingress("postgres", low=5432, high=5432),
    _ingress("range", "::/0", 3000, 4000),
    _ingress("all", protocol="-1"),
    _ingress("half", "128.0.0.0/1", 3306, 3306),
    _ingress("public-32", "8.8.8.8/32", 5432, 5432),
    res(aws.EC2_SECURITY_GROUP_RULE, "rule", type="ingress", protocol="tcp", fromPort=0, toPort=65535,
        cidrBlocks=["0.0.0.0/0"]),
    res(aws.EC2_SECURITY_GROUP, "inline", ingress=[{"protocol": "tcp", "fromPort": 5432, "toPort": 5432,
                                                   "cidrBlocks": ["0.0.0.0/0"]}]),
], ids=lambda r: r.name)
def test_fails_aws_internet_ingress_beyond_the_listeners(resource: Resource) -> None:
    found = run("network-internet-ingress", resource)
    assert named(found) == [resource.name]
    assert "only TCP 80 or 443" in found[0].message and resource.name in found[0].message


def test_aws_egress_rules_and_private_sources_pass() -> None:
    egress = res(aws.EC2_SECURITY_GROUP_RULE, "out", type="egress", protocol="-1", fromPort=0, toPort=0,
                 cidrBlocks=["0.0.0.0/0"])
    documentation = _ingress("doc", "203.0.113.0/24", 5432, 5432)  # RFC 5737: not the internet
    assert run("network-internet-ingress", egress, documentation) == []


def _firewall(name: str, **props: Any) -> Resource:
    props.setdefault("allows", [{"protocol": "tcp", "ports": ["8080"]}])
    return res(gcp.COMPUTE_FIREWALL, name, cloud="gcp", **props)


def test_gcp_firewall_from_google_load_balancers_and_private_ranges_passes() -> None:
    ok = [_firewall("hc", sourceRanges=["35.191.0.0/16", "130.211.0.0/22"]),
          _firewall("control-plane", sourceRanges=["172.16.0.0/28"]),
          _firewall("deny", sourceRanges=["0.0.0.0/0"], allows=None, denies=[{"protocol": "all"}]),
          _firewall("egress", direction="EGRESS", destinationRanges=["0.0.0.0/0"]),
          _firewall("off", sourceRanges=["0.0.0.0/0"], disabled=True),
          _firewall("tags", sourceTags=["web"])]
    assert run("network-internet-ingress", *ok, cloud="gcp") == []


@pytest.mark.parametrize("resource", [
    _firewall("world", sourceRanges=["0.0.0.0/0"]),
    _firewall("extra", sourceRanges=["35.191.0.0/16", "0.0.0.0/1"]),
    _firewall("no-source"),
    _firewall("ipv6", sourceRanges=["::/0"], allows=[{"protocol": "tcp", "ports": ["5432"]}]),
], ids=lambda r: r.name)
def test_fails_gcp_firewall_open_to_the_internet(resource: Resource) -> None:
    found = run("network-internet-ingress", resource, cloud="gcp")
    assert named(found) == [resource.name] and "35.191.0.0/16" in found[0].message


# ---- network-internet-ingress-target --------------------------------------------------------------

def _lb() -> Resource:
    return res(aws.LB_LOAD_BALANCER, "alb", securityGroups=["sg-lb"])


def test_internet_ingress_on_the_load_balancer_group_passes() -> None:
    assert run("network-internet-ingress-target", _lb(), _ingress("https")) == []
    assert run("network-internet-ingress-target", _firewall("world", sourceRanges=["0.0.0.0/0"]), cloud="gcp") == []


def test_fails_internet_ingress_on_another_group() -> None:
    rule = res(aws.VPC_SECURITY_GROUP_INGRESS_RULE, "endpoints-https", cidrIpv4="0.0.0.0/0", fromPort=443,
               toPort=443, ipProtocol="tcp", securityGroupId="sg-endpoints")
    found = run("network-internet-ingress-target", _lb(), rule)
    assert named(found) == ["endpoints-https"] and "sg-endpoints" in found[0].message


# ---- KMS: deletion window and rotation -------------------------------------------------------------

def test_the_minimum_windows_are_the_components_documented_defaults() -> None:
    from blueprint.components.aws.kms_key import KmsKeyArgs
    from blueprint.components.gcp.kms_key import DESTROY_SCHEDULED_DURATION, KmsKeyArgs as GcpKmsKeyArgs
    from blueprint.policies import encryption

    assert KmsKeyArgs.model_fields["deletion_window_in_days"].default == encryption.AWS_MIN_DELETION_WINDOW_DAYS == 30
    assert DESTROY_SCHEDULED_DURATION == f"{encryption.GCP_MIN_DESTROY_SCHEDULED_DAYS * 86400}s"
    assert KmsKeyArgs.model_fields["rotation_period_in_days"].default == encryption.AWS_MAX_ROTATION_DAYS
    assert GcpKmsKeyArgs.model_fields["rotation_period_days"].default == encryption.GCP_MAX_ROTATION_DAYS


def test_kms_deletion_window() -> None:
    assert run("kms-key-deletion-window", res(aws.KMS_KEY, "ok", deletionWindowInDays=30), res(aws.KMS_KEY, "unset")) == []
    found = run("kms-key-deletion-window", res(aws.KMS_KEY, "short", deletionWindowInDays=7))
    assert named(found) == ["short"] and "deletionWindowInDays is 7; at least 30" in found[0].message
    ok = res(gcp.KMS_CRYPTO_KEY, "ok", cloud="gcp", destroyScheduledDuration="10368000s")
    assert run("kms-key-deletion-window", ok, cloud="gcp") == []
    short = res(gcp.KMS_CRYPTO_KEY, "short", cloud="gcp", destroyScheduledDuration="604800s")
    unset = res(gcp.KMS_CRYPTO_KEY, "unset", cloud="gcp")
    found = run("kms-key-deletion-window", short, unset, cloud="gcp")
    assert named(found) == ["short", "unset"] and "'10368000s'" in found[0].message


def test_kms_rotation_period_at_most_the_defaults() -> None:
    assert run("kms-key-rotation", res(aws.KMS_KEY, "ok", enableKeyRotation=True, rotationPeriodInDays=365)) == []
    found = run("kms-key-rotation", res(aws.KMS_KEY, "slow", enableKeyRotation=True, rotationPeriodInDays=2560))
    assert named(found) == ["slow"] and "at most 365" in found[0].message
    assert run("kms-key-rotation", res(gcp.KMS_CRYPTO_KEY, "ok", cloud="gcp", rotationPeriod="7776000s"), cloud="gcp") == []
    found = run("kms-key-rotation", res(gcp.KMS_CRYPTO_KEY, "yearly", cloud="gcp", rotationPeriod="31536000s"), cloud="gcp")
    assert named(found) == ["yearly"] and "longer than 90 days" in found[0].message


# ---- deletion-protection ---------------------------------------------------------------------------

def test_aws_deletion_protection() -> None:
    ok = [res(aws.RDS_CLUSTER, "db", deletionProtection=True, skipFinalSnapshot=False),
          res(aws.RDS_GLOBAL_CLUSTER, "global", deletionProtection=True, forceDestroy=False),
          res(aws.EKS_CLUSTER, "eks", deletionProtection=True),
          res(aws.S3_BUCKET, "vault", forceDestroy=False), res(aws.BACKUP_VAULT, "rp")]
    assert run("deletion-protection", *ok) == []
    bad = [res(aws.RDS_CLUSTER, "db", deletionProtection=False), res(aws.RDS_CLUSTER, "db2", deletionProtection=True,
                                                                      skipFinalSnapshot=True),
           res(aws.RDS_GLOBAL_CLUSTER, "global", deletionProtection=True, forceDestroy=True),
           res(aws.EKS_CLUSTER, "eks"), res(aws.S3_BUCKET, "vault", forceDestroy=True),
           res(aws.BACKUP_VAULT, "rp", forceDestroy=True)]
    found = run("deletion-protection", *bad)
    assert named(found) == sorted(r.name for r in bad)
    assert "db: deletionProtection is False, must be true" in " ".join(v.message.replace("'", "") for v in found)


def test_gcp_deletion_protection() -> None:
    sql = {"settings": {"deletionProtectionEnabled": True}}
    ok = [res(gcp.SQL_DATABASE_INSTANCE, "sql", cloud="gcp", deletionProtection=True, **sql),
          res(gcp.CONTAINER_CLUSTER, "gke", cloud="gcp"), res(gcp.STORAGE_BUCKET, "vault", cloud="gcp", forceDestroy=False)]
    assert run("deletion-protection", *ok, cloud="gcp") == []
    bad = [res(gcp.SQL_DATABASE_INSTANCE, "sql", cloud="gcp", deletionProtection=False, **sql),
           res(gcp.SQL_DATABASE_INSTANCE, "api", cloud="gcp", settings={"deletionProtectionEnabled": False}),
           res(gcp.CONTAINER_CLUSTER, "gke", cloud="gcp", deletionProtection=False),
           res(gcp.STORAGE_BUCKET, "vault", cloud="gcp", forceDestroy=True)]
    found = run("deletion-protection", *bad, cloud="gcp")
    assert named(found) == sorted(r.name for r in bad)
    assert any("settings.deletionProtectionEnabled is False" in v.message for v in found)


# ---- exposure-bucket-public-access -----------------------------------------------------------------

def _s3(name: str, pab: bool = True, owner: str = "BucketOwnerEnforced") -> list[Resource]:
    bucket = res(aws.S3_BUCKET, name, bucket=name)
    block = res(aws.S3_BUCKET_PUBLIC_ACCESS_BLOCK, f"{name}-pab", bucket=name, blockPublicAcls=True,
                blockPublicPolicy=pab, ignorePublicAcls=True, restrictPublicBuckets=True)
    owners = res(aws.S3_BUCKET_OWNERSHIP_CONTROLS, f"{name}-owner", bucket=name, rule={"objectOwnership": owner})
    return [bucket, block, owners]


def test_aws_bucket_public_access() -> None:
    assert run("exposure-bucket-public-access", *_s3("ok")) == []
    found = run("exposure-bucket-public-access", *_s3("open", pab=False), *_s3("acls", owner="ObjectWriter"),
                res(aws.S3_BUCKET, "bare", bucket="bare"),
                res(aws.S3_BUCKET_ACL_V2, "public-acl", bucket="ok", acl="public-read"), *_s3("ok"))
    assert named(found) == ["acls-owner", "bare", "bare", "open-pab", "public-acl"]
    assert any("blockPublicPolicy=False" in v.message for v in found)


def test_gcp_bucket_public_access() -> None:
    ok = res(gcp.STORAGE_BUCKET, "ok", cloud="gcp", publicAccessPrevention="enforced", uniformBucketLevelAccess=True)
    assert run("exposure-bucket-public-access", ok, cloud="gcp") == []
    bad = [res(gcp.STORAGE_BUCKET, "inherited", cloud="gcp", publicAccessPrevention="inherited",
               uniformBucketLevelAccess=True),
           res(gcp.STORAGE_BUCKET, "acls", cloud="gcp", publicAccessPrevention="enforced", uniformBucketLevelAccess=False)]
    found = run("exposure-bucket-public-access", *bad, cloud="gcp")
    assert named(found) == ["acls", "inherited"]


# ---- exposure-wildcard-principal --------------------------------------------------------------------

def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_aws_wildcard_principal() -> None:
    tls_deny = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    scoped = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
              "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-123"}}}
    root = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*"}
    ok = [res(aws.S3_BUCKET_POLICY, "bp", policy=_policy(tls_deny, scoped)), res(aws.KMS_KEY, "key", policy=_policy(root))]
    assert run("exposure-wildcard-principal", *ok) == []
    bad = [res(aws.S3_BUCKET_POLICY, "bp", policy=_policy({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"})),
           res(aws.IAM_ROLE, "role", assumeRolePolicy=_policy({"Effect": "Allow", "Principal": {"AWS": ["*"]},
                                                               "Action": "sts:AssumeRole"}))]
    found = run("exposure-wildcard-principal", *bad)
    assert named(found) == ["bp", "role"] and "Principal '*'" in found[0].message
    caller = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt",
              "Condition": {"StringEquals": {"kms:CallerAccount": "123456789012"}}}
    assert run("exposure-wildcard-principal", res(aws.KMS_KEY, "ebs", policy=_policy(caller))) == []
    not_principal = {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::1:root"}, "Action": "sns:Publish"}
    assert named(run("exposure-wildcard-principal", res(aws.SNS_TOPIC_POLICY, "tp", policy=_policy(not_principal)))) == ["tp"]


def test_gcp_public_members() -> None:
    ok = res(gcp.KMS_CRYPTO_KEY_IAM_MEMBER, "ok", cloud="gcp", member="serviceAccount:a@p.iam.gserviceaccount.com",
             role="roles/cloudkms.cryptoKeyEncrypterDecrypter")
    assert run("exposure-wildcard-principal", ok, cloud="gcp") == []
    bad = [res(gcp.KMS_CRYPTO_KEY_IAM_MEMBER, "key", cloud="gcp", member="allAuthenticatedUsers", role="r"),
           res("gcp:storage/bucketIAMBinding:BucketIAMBinding", "binding", cloud="gcp", members=["allUsers"], role="r")]
    found = run("exposure-wildcard-principal", *bad, cloud="gcp")
    assert named(found) == ["binding", "key"] and any("'allUsers' (anyone)" in v.message for v in found)


# ---- exposure-database-public -----------------------------------------------------------------------

def test_aws_database_public() -> None:
    assert run("exposure-database-public", res(aws.RDS_CLUSTER_INSTANCE, "ok", publiclyAccessible=False)) == []
    found = run("exposure-database-public", res(aws.RDS_CLUSTER_INSTANCE, "open", publiclyAccessible=True))
    assert named(found) == ["open"] and "publiclyAccessible is true" in found[0].message


def test_gcp_database_public() -> None:
    private = {"ipConfiguration": {"ipv4Enabled": False, "privateNetwork": "n"}}
    assert run("exposure-database-public", res(gcp.SQL_DATABASE_INSTANCE, "ok", cloud="gcp", settings=private),
               cloud="gcp") == []
    public = {"ipConfiguration": {"ipv4Enabled": True, "authorizedNetworks": [{"value": "0.0.0.0/0"}]}}
    found = run("exposure-database-public", res(gcp.SQL_DATABASE_INSTANCE, "open", cloud="gcp", settings=public),
                cloud="gcp")
    assert named(found) == ["open", "open"] and any("'0.0.0.0/0'" in v.message for v in found)


# ---- k8s-pod-security (the same objects on both clouds' clusters) -------------------------------------

def _deployment(name: str, cloud: str, pod: dict[str, Any] | None = None, **security: Any) -> Resource:
    context = {"allowPrivilegeEscalation": False, "privileged": False, **security}
    spec = {"containers": [{"name": "app", "image": "i@sha256:0", "securityContext": context}], **(pod or {})}
    return res(k8s.DEPLOYMENT, name, cloud=cloud, spec={"template": {"spec": spec}})


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_pod_security(cloud: str) -> None:
    assert run("k8s-pod-security", _deployment("ok", cloud), cloud=cloud) == []
    bad = [_deployment("privileged", cloud, privileged=True), _deployment("escalation", cloud, allowPrivilegeEscalation=None),
           _deployment("host-network", cloud, {"hostNetwork": True})]
    found = run("k8s-pod-security", *bad, cloud=cloud)
    assert named(found) == ["escalation", "host-network", "privileged"]
    assert any("allowPrivilegeEscalation is None, must be false" in v.message for v in found)


# ---- preview: values not known yet never violate ------------------------------------------------------

def test_unknown_values_never_violate() -> None:
    from blueprint.policies.model import UNKNOWN

    aws_side = [res(aws.VPC_SECURITY_GROUP_INGRESS_RULE, "sg", cidrIpv4=UNKNOWN, fromPort=5432, toPort=5432, ipProtocol="tcp"),
                res(aws.KMS_KEY, "key", enableKeyRotation=True, deletionWindowInDays=UNKNOWN, policy=UNKNOWN),
                res(aws.RDS_CLUSTER, "db", deletionProtection=UNKNOWN),
                res(aws.RDS_CLUSTER_INSTANCE, "i", publiclyAccessible=UNKNOWN),
                res(k8s.DEPLOYMENT, "d", spec=UNKNOWN)]
    gcp_side = [res(gcp.COMPUTE_FIREWALL, "fw", cloud="gcp", sourceRanges=UNKNOWN, allows=[{"protocol": "tcp"}]),
                res(gcp.KMS_CRYPTO_KEY, "k", cloud="gcp", rotationPeriod="7776000s", destroyScheduledDuration=UNKNOWN),
                res(gcp.SQL_DATABASE_INSTANCE, "sql", cloud="gcp", settings=UNKNOWN, deletionProtection=UNKNOWN),
                res(gcp.STORAGE_BUCKET, "b", cloud="gcp", publicAccessPrevention=UNKNOWN, uniformBucketLevelAccess=UNKNOWN)]
    ids = ("network-internet-ingress", "kms-key-deletion-window", "deletion-protection", "exposure-database-public",
           "exposure-wildcard-principal", "k8s-pod-security", "exposure-bucket-public-access")
    for rule_id in ids:
        assert run(rule_id, *aws_side) == [], rule_id
        assert run(rule_id, *gcp_side, cloud="gcp") == [], rule_id
