"""Each rule passes on the prod plan and fails, naming the broken resource, on a tampered copy."""

from __future__ import annotations

import json
from typing import Any

import pytest

from policy_helpers import named, plan_json, violations_of

PRIMARY_DB = "fraud-scoring-us-east-1-db-cluster"
VAULT_LOCK = "fraud-scoring-us-east-1-vault-object-lock"
HTTP_LISTENER = "fraud-scoring-us-east-1-lb-http"
HTTPS_LISTENER = "fraud-scoring-us-east-1-lb-https"


def only(found: list[Any], rule_id: str) -> list[Any]:
    return [v for v in found if v.policy == rule_id]


def urns(found: list[Any]) -> set[str]:
    return {v.urn for v in found}


@pytest.mark.parametrize("rule_id", [
    "residency-region", "residency-data-copies", "encryption-at-rest-cmk", "encryption-s3-default", "kms-key-rotation",
    "tls-listener", "tls-s3-bucket-policy", "tls-database", "immutability-vault-object-lock",
    "immutability-backup-vault-lock", "tier-zones", "tier-second-region", "tier-vault-replication",
    "api-endpoint-deployer-cidrs",
])
def test_rule_passes_on_prod(prod_plan_data: dict[str, Any], rule_id: str) -> None:
    assert violations_of(prod_plan_data, rule_id=rule_id) == []


# ---- residency -----------------------------------------------------------------------------------

def test_fails_resource_moved_out_of_jurisdiction(prod_data: dict[str, Any]) -> None:
    db = named(prod_data, PRIMARY_DB)
    db["region"] = "eu-west-1"
    found = violations_of(prod_data, rule_id="residency-region")
    assert urns(found) == {db["urn"]}
    assert "eu-west-1" in found[0].message and "'us'" in found[0].message


def test_fails_region_input_out_of_jurisdiction(prod_data: dict[str, Any]) -> None:
    topic = named(prod_data, "prod-us-east-1-alarms-topic")
    topic["inputs"]["region"] = "ap-south-1"
    assert urns(violations_of(prod_data, rule_id="residency-region")) == {topic["urn"]}


def test_fails_whole_stack_in_wrong_jurisdiction(prod_plan_data: dict[str, Any]) -> None:
    found = violations_of(prod_plan_data, jurisdiction="eu", rule_id="residency-region")
    assert len(found) > 100
    iam = [v for v in found if v.resource_type and v.resource_type.startswith("aws:iam/")]
    assert iam == [], "global services on the exemption list are never flagged"


def test_fails_non_global_type_marked_global(prod_data: dict[str, Any]) -> None:
    bucket = named(prod_data, "fraud-scoring-us-east-1-vault-bucket")
    bucket["region"] = "global"
    found = violations_of(prod_data, rule_id="residency-region")
    assert urns(found) == {bucket["urn"]} and "not a global service" in found[0].message


def test_fails_without_jurisdiction(prod_data: dict[str, Any]) -> None:
    prod_data.pop("residency")
    found = violations_of(prod_data, rule_id="residency-region")
    assert len(found) == 1 and found[0].urn is None and "jurisdiction is unknown" in found[0].message


def test_route53_alarm_exemption_holds_in_prod_eu() -> None:
    data = json.loads(plan_json("prod-eu"))
    in_us = [r for r in data["resources"] if r["region"] == "us-east-1" and r["type"].startswith("aws:")]
    assert {r["type"] for r in in_us} >= {"aws:cloudwatch/metricAlarm:MetricAlarm", "aws:sns/topic:Topic", "aws:kms/key:Key"}
    assert violations_of(data, rule_id="residency-region") == []


def test_fails_exemption_tag_on_a_data_store() -> None:
    data = json.loads(plan_json("prod-eu"))
    secret = next(r for r in data["resources"] if r["type"] == "aws:secretsmanager/secret:Secret")
    secret["region"] = "us-east-1"
    secret["inputs"]["tags"]["blueprint:residency-exemption"] = "route53-health-check-metrics"
    assert urns(violations_of(data, rule_id="residency-region")) == {secret["urn"]}


def test_fails_replication_to_bucket_outside_stack(prod_data: dict[str, Any]) -> None:
    replication = named(prod_data, "fraud-scoring-vault-replication-replication")
    replication["inputs"]["rules"][0]["destination"]["bucket"] = "arn:aws:s3:::somebody-elses-bucket"
    found = violations_of(prod_data, rule_id="residency-data-copies")
    assert urns(found) == {replication["urn"]} and "not declared in this stack" in found[0].message


def test_fails_replica_key_and_backup_copy_outside_jurisdiction(prod_data: dict[str, Any]) -> None:
    replication = named(prod_data, "fraud-scoring-vault-replication-replication")
    replication["inputs"]["rules"][0]["destination"]["encryptionConfiguration"]["replicaKmsKeyId"] = "arn:aws:kms:eu-west-1:123456789012:key/x"
    plan = named(prod_data, "research-notebooks-db-backup-plan")
    plan["inputs"]["rules"][0]["copyActions"][0]["destinationVaultArn"] = "arn:aws:backup:eu-west-1:123456789012:backup-vault:v"
    found = violations_of(prod_data, rule_id="residency-data-copies")
    assert urns(found) == {replication["urn"], plan["urn"]}


def test_fails_replica_bucket_moved_out_of_jurisdiction(prod_data: dict[str, Any]) -> None:
    named(prod_data, "fraud-scoring-us-west-2-vault-bucket")["region"] = "ca-central-1"
    found = violations_of(prod_data, rule_id="residency-data-copies")
    assert urns(found) == {named(prod_data, "fraud-scoring-vault-replication-replication")["urn"]}


def test_fails_global_cluster_member_out_of_jurisdiction(prod_data: dict[str, Any]) -> None:
    secondary = named(prod_data, "fraud-scoring-us-west-2-db-cluster")
    secondary["region"] = "eu-central-1"
    found = violations_of(prod_data, rule_id="residency-data-copies")
    assert urns(found) == {secondary["urn"]} and "global cluster" in found[0].message


# ---- encryption at rest ----------------------------------------------------------------------

def test_fails_encryption_off(prod_data: dict[str, Any]) -> None:
    db = named(prod_data, PRIMARY_DB)
    db["inputs"]["storageEncrypted"] = False
    db["inputs"].pop("kmsKeyId")
    found = violations_of(prod_data, rule_id="encryption-at-rest-cmk")
    assert urns(found) == {db["urn"]} and len(found) == 2


@pytest.mark.parametrize("name,path,value", [
    ("prod-us-east-1-alarms-topic", ("kmsMasterKeyId",), "alias/aws/sns"),
    ("prod-us-east-1-net-flow-logs", ("kmsKeyId",), None),
    ("fraud-scoring-us-east-1-db-master-secret", ("kmsKeyId",), None),
    ("research-notebooks-us-east-1-recovery-vault-vault", ("kmsKeyArn",), None),
    ("prod-us-east-1-eks-cluster", ("encryptionConfig",), None),
    ("prod-us-east-1-eks-system-launch-template", ("blockDeviceMappings", 0, "ebs", "encrypted"), "false"),
    ("fraud-scoring-us-east-1-vault-encryption", ("rules", 0, "applyServerSideEncryptionByDefault", "sseAlgorithm"), "AES256"),
])
def test_fails_without_customer_managed_key(prod_data: dict[str, Any], name: str, path: tuple, value: Any) -> None:
    resource = named(prod_data, name)
    target = resource["inputs"]
    for step in path[:-1]:
        target = target[step]
    if value is None:
        target.pop(path[-1])
    else:
        target[path[-1]] = value
    assert urns(violations_of(prod_data, rule_id="encryption-at-rest-cmk")) == {resource["urn"]}


def test_access_log_bucket_sse_s3_is_the_documented_exemption(prod_plan_data: dict[str, Any]) -> None:
    sse = named(prod_plan_data, "prod-us-east-1-access-logs-encryption")
    assert sse["inputs"]["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "AES256"
    assert "AccessLogBucket" in sse["urn"]
    assert violations_of(prod_plan_data, rule_id="encryption-at-rest-cmk") == []


def test_fails_bucket_without_default_encryption(prod_data: dict[str, Any]) -> None:
    sse = named(prod_data, "fraud-scoring-us-east-1-vault-encryption")
    prod_data["resources"].remove(sse)
    bucket = named(prod_data, "fraud-scoring-us-east-1-vault-bucket")
    assert urns(violations_of(prod_data, rule_id="encryption-s3-default")) == {bucket["urn"]}


def test_fails_key_rotation_off(prod_data: dict[str, Any]) -> None:
    key = named(prod_data, "prod-us-east-1-key-key")
    key["inputs"]["enableKeyRotation"] = False
    assert urns(violations_of(prod_data, rule_id="kms-key-rotation")) == {key["urn"]}


# ---- encryption in transit -------------------------------------------------------------------

def test_fails_plain_http_listener(prod_data: dict[str, Any]) -> None:
    listener = named(prod_data, HTTP_LISTENER)
    listener["inputs"]["defaultActions"] = [{"type": "forward", "targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/x/y"}]
    found = violations_of(prod_data, rule_id="tls-listener")
    assert urns(found) == {listener["urn"]} and "plain-HTTP" in found[0].message


def test_fails_weak_tls_policy(prod_data: dict[str, Any]) -> None:
    listener = named(prod_data, HTTPS_LISTENER)
    listener["inputs"]["sslPolicy"] = "ELBSecurityPolicy-2016-08"
    assert urns(violations_of(prod_data, rule_id="tls-listener")) == {listener["urn"]}
    listener["inputs"].pop("sslPolicy")
    assert urns(violations_of(prod_data, rule_id="tls-listener")) == {listener["urn"]}


def test_fails_bucket_policy_without_tls_deny(prod_data: dict[str, Any]) -> None:
    policy = named(prod_data, "fraud-scoring-us-east-1-vault-policy")
    document = json.loads(policy["inputs"]["policy"])
    document["Statement"] = [s for s in document["Statement"] if "aws:SecureTransport" not in json.dumps(s)]
    policy["inputs"]["policy"] = json.dumps(document)
    assert urns(violations_of(prod_data, rule_id="tls-s3-bucket-policy")) == {policy["urn"]}


def test_fails_database_without_forced_tls(prod_data: dict[str, Any]) -> None:
    group = named(prod_data, "fraud-scoring-us-east-1-db-cluster-params")
    for p in group["inputs"]["parameters"]:
        if p["name"] == "rds.force_ssl":
            p["value"] = "0"
    mysql = named(prod_data, "recommendations-us-west-2-db-cluster-params")
    mysql["inputs"]["parameters"] = [p for p in mysql["inputs"]["parameters"] if p["name"] != "require_secure_transport"]
    assert urns(violations_of(prod_data, rule_id="tls-database")) == {group["urn"], mysql["urn"]}


def test_fails_database_on_default_parameter_group(prod_data: dict[str, Any]) -> None:
    db = named(prod_data, PRIMARY_DB)
    db["inputs"]["dbClusterParameterGroupName"] = "default.aurora-postgresql16"
    assert urns(violations_of(prod_data, rule_id="tls-database")) == {db["urn"]}


# ---- immutability ----------------------------------------------------------------------------

def test_fails_weaker_object_lock(prod_data: dict[str, Any]) -> None:
    lock = named(prod_data, VAULT_LOCK)
    lock["inputs"]["rule"]["defaultRetention"] = {"mode": "GOVERNANCE", "days": 7}
    found = violations_of(prod_data, rule_id="immutability-vault-object-lock")
    assert urns(found) == {lock["urn"]}
    assert {"COMPLIANCE" in v.message or "at least 35" in v.message for v in found} == {True} and len(found) == 2


def test_fails_vault_without_versioning_or_lock(prod_data: dict[str, Any]) -> None:
    versioning = named(prod_data, "batch-embeddings-us-east-1-vault-versioning")
    versioning["inputs"]["versioningConfiguration"]["status"] = "Suspended"
    bucket = named(prod_data, "research-notebooks-us-west-2-vault-bucket")
    bucket["inputs"]["objectLockEnabled"] = False
    assert urns(violations_of(prod_data, rule_id="immutability-vault-object-lock")) == {versioning["urn"], bucket["urn"]}


def test_standard_tier_accepts_governance(prod_plan_data: dict[str, Any]) -> None:
    lock = named(prod_plan_data, "batch-embeddings-us-east-1-vault-object-lock")
    assert lock["inputs"]["rule"]["defaultRetention"]["mode"] == "GOVERNANCE"


def test_fails_backup_vault_lock_below_tier(prod_data: dict[str, Any]) -> None:
    lock = named(prod_data, "research-notebooks-us-east-1-recovery-vault-lock")
    lock["inputs"]["minRetentionDays"] = 1
    plan = named(prod_data, "research-notebooks-db-backup-plan")
    plan["inputs"]["rules"][0]["lifecycle"]["deleteAfter"] = 2
    assert urns(violations_of(prod_data, rule_id="immutability-backup-vault-lock")) == {lock["urn"], plan["urn"]}


def test_fails_backup_vault_without_lock(prod_data: dict[str, Any]) -> None:
    prod_data["resources"].remove(named(prod_data, "research-notebooks-us-west-2-recovery-vault-lock"))
    vault = named(prod_data, "research-notebooks-us-west-2-recovery-vault-vault")
    assert urns(violations_of(prod_data, rule_id="immutability-backup-vault-lock")) == {vault["urn"]}


# tier conformance: tests/policies/test_tiers.py (both clouds)


# ---- exposure: the EKS API endpoint -----------------------------------------------------------------

EKS = "prod-us-east-1-eks-cluster"


@pytest.mark.parametrize("cidrs,fragment", [
    (["0.0.0.0/0"], "whole internet"),
    ([], "open to every address"),
    (None, "open to every address"),
    (["203.0.113.10/32", "10.0.0.0/16"], "private or reserved"),
    (["0.0.0.0/1", "128.0.0.0/1"], "wider than any deployer"),
])
def test_fails_eks_endpoint_public_beyond_the_deployers(prod_data: dict[str, Any], cidrs: Any, fragment: str) -> None:
    cluster = named(prod_data, EKS)
    if cidrs is None:
        del cluster["inputs"]["vpcConfig"]["publicAccessCidrs"]  # EKS default: 0.0.0.0/0
    else:
        cluster["inputs"]["vpcConfig"]["publicAccessCidrs"] = cidrs
    found = violations_of(prod_data, rule_id="api-endpoint-deployer-cidrs")
    assert urns(found) == {cluster["urn"]} and fragment in found[0].message


def test_fails_eks_public_endpoint_without_private_endpoint(prod_data: dict[str, Any]) -> None:
    cluster = named(prod_data, EKS)
    cluster["inputs"]["vpcConfig"]["endpointPrivateAccess"] = False
    found = violations_of(prod_data, rule_id="api-endpoint-deployer-cidrs")
    assert urns(found) == {cluster["urn"]} and "endpointPrivateAccess" in found[0].message


def test_private_only_eks_endpoint_passes(prod_data: dict[str, Any]) -> None:
    vpc = named(prod_data, EKS)["inputs"]["vpcConfig"]
    vpc["endpointPublicAccess"] = False
    del vpc["publicAccessCidrs"]
    assert violations_of(prod_data, rule_id="api-endpoint-deployer-cidrs") == []


def test_placeholder_cidrs_are_advisory_on_eks(prod_data: dict[str, Any]) -> None:
    """The shipped RFC 5737 placeholders: reported (a real deploy fails) but advisory, so checks still pass."""
    cluster = named(prod_data, EKS)
    cluster["inputs"]["vpcConfig"]["publicAccessCidrs"] = ["198.51.100.0/28", "8.8.4.0/24"]
    found = only(violations_of(prod_data), "api-endpoint-placeholder-cidrs")
    assert cluster["urn"] in urns(found)
    mine = [v for v in found if v.urn == cluster["urn"]]
    assert [v.enforcement for v in mine] == ["advisory"] and "'198.51.100.0/28'" in mine[0].message
    assert "replace it" in mine[0].message


def test_real_deployer_cidrs_raise_no_placeholder_advisory(prod_data: dict[str, Any]) -> None:
    for r in prod_data["resources"]:
        if r["type"] == "aws:eks/cluster:Cluster":
            r["inputs"]["vpcConfig"]["publicAccessCidrs"] = ["8.8.4.0/24"]
    assert violations_of(prod_data, rule_id="api-endpoint-placeholder-cidrs") == []
