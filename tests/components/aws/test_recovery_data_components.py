"""Recovery data on AWS (issue 18): ImageRepositories, RegistryReplication, WorkloadSecrets,
ServingIdentity and the artifact store's checkpoint lifecycle (BackupVault.prefix_expiration_days):
secure defaults, and the refusals."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from blueprint.plan.engine import plan_program
from blueprint.components.aws.backup_vault import BackupVault, BackupVaultArgs
from blueprint.components.aws.image_repositories import ImageRepositories, ImageRepositoriesArgs, repository_prefix
from blueprint.components.aws.registry_replication import RegistryReplication, RegistryReplicationArgs
from blueprint.components.aws.serving_identity import ServingIdentity, ServingIdentityArgs, read_policy
from blueprint.components.aws.workload_secrets import WorkloadSecrets, WorkloadSecretsArgs

CMK = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
CMK2 = "arn:aws:kms:eu-south-2:123456789012:key/9999abcd-12ab-34cd-56ef-1234567890ab"
CONFIG = {"aws:region": "eu-central-1"}


def _program():
    ImageRepositories("img", ImageRepositoriesArgs(prefix=repository_prefix("prod", "fraud"), images=("server", "tokenizer"),
                                                   kms_key_arn=CMK, tags={"blueprint:workload": "fraud"}))
    RegistryReplication("reg", RegistryReplicationArgs(destination_regions=("eu-south-2",), registry_id="123456789012",
                                                       repository_prefixes=("prod/fraud/",)))
    WorkloadSecrets("sec", WorkloadSecretsArgs(prefix="prod/fraud/", secrets=("api-key",), kms_key_arn=CMK,
                                               replica_region="eu-south-2", replica_kms_key_arn=CMK2))
    BackupVault("art", BackupVaultArgs(kms_key_arn=CMK, lock_mode="COMPLIANCE", retention_days=35,
                                       prefix_expiration_days={"checkpoints/": 90}))


@pytest.fixture(scope="module")
def plan():
    return plan_program(_program, stack="test", config=CONFIG)


def test_repositories_are_immutable_scanned_and_kms_encrypted(plan):
    for image in ("server", "tokenizer"):
        repo = plan.named(f"img-{image}")
        assert repo.inputs["name"] == f"prod/fraud/{image}"
        assert repo.inputs["imageTagMutability"] == "IMMUTABLE"
        assert repo.inputs["imageScanningConfiguration"] == {"scanOnPush": True}
        assert repo.inputs["encryptionConfigurations"] == [{"encryptionType": "KMS", "kmsKey": CMK}]
        assert repo.inputs["forceDelete"] is False
        assert repo.outputs["repositoryUrl"] == f"123456789012.dkr.ecr.eu-central-1.amazonaws.com/prod/fraud/{image}"


def test_one_replication_rule_with_prefix_filters(plan):
    (config,) = [r for r in plan.resources if r.name == "reg-config"]
    (rule,) = config.inputs["replicationConfiguration"]["rules"]
    assert rule["destinations"] == [{"region": "eu-south-2", "registryId": "123456789012"}]
    assert rule["repositoryFilters"] == [{"filter": "prod/fraud/", "filterType": "PREFIX_MATCH"}]


def test_secrets_are_containers_with_a_cmk_replica(plan):
    secret = plan.named("sec-api-key").inputs
    assert secret["name"] == "prod/fraud/api-key" and secret["kmsKeyId"] == CMK
    assert secret["replicas"] == [{"region": "eu-south-2", "kmsKeyId": CMK2}]
    assert secret["recoveryWindowInDays"] == 30
    assert not [r for r in plan.resources if r.type == "aws:secretsmanager/secretVersion:SecretVersion"]


def test_artifact_store_expires_checkpoints_only(plan):
    rules = plan.named("art-lifecycle").inputs["rules"]
    expire = [r for r in rules if r["id"] == "expire-checkpoints"]
    assert expire == [{"id": "expire-checkpoints", "status": "Enabled", "filter": {"prefix": "checkpoints/"},
                       "expiration": {"days": 90}}]
    # The whole-bucket noncurrent rule is unchanged (default retention + 30).
    assert [r["noncurrentVersionExpiration"]["noncurrentDays"] for r in rules if r["id"] == "expire-noncurrent-versions"] == [65]


def test_backup_vault_default_has_no_prefix_expiration():
    assert BackupVaultArgs(kms_key_arn=CMK, lock_mode="GOVERNANCE", retention_days=7).prefix_expiration_days == {}


def test_serving_policy_is_read_only_and_scoped():
    doc = json.loads(read_policy("aws", "eu-central-1", "123456789012", CMK, "arn:aws:s3:::bucket", "prod/fraud/"))
    actions = {a for s in doc["Statement"] for a in s["Action"]}
    assert actions == {"s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "secretsmanager:GetSecretValue",
                       "secretsmanager:DescribeSecret", "kms:Decrypt"}
    resources = {s["Sid"]: s["Resource"] for s in doc["Statement"]}
    assert resources["ReadArtifacts"] == "arn:aws:s3:::bucket/*"
    assert resources["ReadSecrets"] == "arn:aws:secretsmanager:eu-central-1:123456789012:secret:prod/fraud/*"
    decrypt = next(s for s in doc["Statement"] if s["Sid"] == "DecryptThroughStores")
    assert decrypt["Condition"] == {"StringEquals": {"kms:ViaService": ["s3.eu-central-1.amazonaws.com",
                                                                         "secretsmanager.eu-central-1.amazonaws.com"]}}


def test_serving_identity_trusts_only_the_workloads_service_account():
    def program():
        ServingIdentity("srv", ServingIdentityArgs(cluster_name="prod-eks", namespace="fraud", service_account="fraud", kms_key_arn=CMK,
                                                   artifact_bucket_arn="arn:aws:s3:::bucket", secret_prefix="prod/fraud/"))
    plan = plan_program(program, stack="test", config=CONFIG)
    trust = json.loads(plan.named("srv-role").inputs["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    assert trust["Condition"]["StringEquals"]["aws:RequestTag/kubernetes-namespace"] == "fraud"
    assert trust["Condition"]["StringEquals"]["aws:RequestTag/kubernetes-service-account"] == "fraud"
    association = plan.named("srv-pod-identity").inputs
    assert (association["namespace"], association["serviceAccount"], association["clusterName"]) == ("fraud", "fraud", "prod-eks")


def test_fails_images_with_a_path_or_twice():
    with pytest.raises(ValidationError, match="images: 'a/b' must be one lower-case path component"):
        ImageRepositoriesArgs(prefix="prod/fraud/", images=("a/b",), kms_key_arn=CMK)
    with pytest.raises(ValidationError, match="names an image twice"):
        ImageRepositoriesArgs(prefix="prod/fraud/", images=("a", "a"), kms_key_arn=CMK)


def test_fails_prefix_without_slash():
    with pytest.raises(ValidationError, match="prefix: 'prod' must be lower-case path components ending with '/'"):
        ImageRepositoriesArgs(prefix="prod", images=("a",), kms_key_arn=CMK)


def test_fails_too_many_replication_filters():
    with pytest.raises(ValidationError, match="repository_prefixes"):
        RegistryReplicationArgs(destination_regions=("eu-south-2",), registry_id="1", repository_prefixes=tuple(f"p{i}/" for i in range(101)))


def test_fails_replica_without_its_key():
    with pytest.raises(ValidationError, match="replica_kms_key_arn: required with replica_region 'eu-south-2'"):
        WorkloadSecretsArgs(prefix="prod/fraud/", secrets=("a",), kms_key_arn=CMK, replica_region="eu-south-2")


def test_fails_serving_identity_with_nothing_to_read():
    def program():
        ServingIdentity("srv", ServingIdentityArgs(cluster_name="c", namespace="n", service_account="n", kms_key_arn=CMK))
    with pytest.raises(Exception, match="give at least one store"):
        plan_program(program, stack="test", config=CONFIG)


def test_fails_prefix_expiration_without_slash_or_days():
    with pytest.raises(ValidationError, match="prefix_expiration_days: 'checkpoints': 30 needs a prefix ending in '/'"):
        BackupVaultArgs(kms_key_arn=CMK, lock_mode="GOVERNANCE", retention_days=7, prefix_expiration_days={"checkpoints": 30})
