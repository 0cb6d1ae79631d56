"""Recovery data on GCP (issue 18): ImageRegistry, WorkloadSecrets, the artifact bucket's checkpoint
lifecycle (BackupBucket.prefix_expiration_days) and the serving pods' Workload Identity principal:
secure defaults and refusals."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from blueprint.plan.engine import plan_program
from blueprint.components.gcp.backup_bucket import BackupBucket, BackupBucketArgs
from blueprint.components.gcp.image_registry import ImageRegistry, ImageRegistryArgs
from blueprint.components.gcp.recovery_data import workload_principal
from blueprint.components.gcp.workload_secrets import WorkloadSecrets, WorkloadSecretsArgs

CONFIG = {"gcp:project": "acme-ml-prod", "gcp:region": "europe-west4"}
KEY_EU = "projects/acme-ml-prod/locations/europe/keyRings/r/cryptoKeys/k"
KEY_EW4 = "projects/acme-ml-prod/locations/europe-west4/keyRings/r/cryptoKeys/k"
KEY_EW1 = "projects/acme-ml-prod/locations/europe-west1/keyRings/r/cryptoKeys/k"
READER = workload_principal("123456789012", "acme-ml-prod", "fraud", "fraud")


def _program():
    ImageRegistry("img", ImageRegistryArgs(project="acme-ml-prod", repository_id="prod-fraud", kms_key_ids={"europe": KEY_EU}))
    ImageRegistry("pair", ImageRegistryArgs(project="acme-ml-prod", repository_id="prod-fraud",
                                            kms_key_ids={"europe-west4": KEY_EW4, "europe-west1": KEY_EW1}))
    WorkloadSecrets("sec", WorkloadSecretsArgs(project="acme-ml-prod", prefix="prod-fraud-", secrets=("api-key",),
                                               replica_keys={"europe-west4": KEY_EW4, "europe-west1": KEY_EW1}, reader=READER))
    BackupBucket("art", BackupBucketArgs(region="europe-west4", kms_key_id=KEY_EW4, lock_mode="COMPLIANCE", retention_days=35,
                                         prefix_expiration_days={"checkpoints/": 90}))


@pytest.fixture(scope="module")
def plan():
    return plan_program(_program, stack="test", config=CONFIG)


def test_multi_region_repository_is_immutable_with_cmek(plan):
    repo = plan.named("img-europe").inputs
    assert (repo["location"], repo["format"], repo["repositoryId"]) == ("europe", "DOCKER", "prod-fraud")
    assert repo["dockerConfig"] == {"immutableTags": True} and repo["kmsKeyName"] == KEY_EU
    assert not repo.get("cleanupPolicies")


def test_regional_pair_has_a_repository_per_region_with_its_key(plan):
    assert plan.named("pair-europe-west4").inputs["kmsKeyName"] == KEY_EW4
    assert plan.named("pair-europe-west1").inputs["kmsKeyName"] == KEY_EW1
    assert plan.named("pair-europe-west1").region == "europe-west1"


def test_secrets_are_user_managed_with_a_key_per_replica(plan):
    secret = plan.named("sec-api-key").inputs
    assert secret["secretId"] == "prod-fraud-api-key"
    assert secret["replication"] == {"userManaged": {"replicas": [
        {"location": "europe-west1", "customerManagedEncryption": {"kmsKeyName": KEY_EW1}},
        {"location": "europe-west4", "customerManagedEncryption": {"kmsKeyName": KEY_EW4}}]}}
    reader = plan.named("sec-api-key-reader").inputs
    assert reader["role"] == "roles/secretmanager.secretAccessor" and reader["member"] == READER
    assert not [r for r in plan.resources if r.type == "gcp:secretmanager/secretVersion:SecretVersion"]


def test_workload_principal_names_the_service_account():
    assert READER == ("principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/"
                      "acme-ml-prod.svc.id.goog/subject/ns/fraud/sa/fraud")


def test_artifact_bucket_deletes_old_checkpoints_only(plan):
    rules = plan.named("art-bucket").inputs["lifecycleRules"]
    deletes = [r for r in rules if r["action"]["type"] == "Delete"]
    assert deletes == [{"action": {"type": "Delete"}, "condition": {"age": 90, "matchesPrefixes": ["checkpoints/"]}}]


def test_fails_mixed_multi_region_and_region():
    with pytest.raises(ValidationError, match="mixes a multi-region with another location"):
        ImageRegistryArgs(project="p", repository_id="r", kms_key_ids={"europe": KEY_EU, "europe-west1": KEY_EW1})


def test_fails_repository_id_starting_with_a_digit():
    with pytest.raises(ValidationError, match="repository_id: '1prod' must start with a letter"):
        ImageRegistryArgs(project="p", repository_id="1prod", kms_key_ids={"europe": KEY_EU})


def test_fails_secret_without_replicas_or_twice():
    with pytest.raises(ValidationError, match="replica_keys"):
        WorkloadSecretsArgs(project="p", prefix="x-", secrets=("a",), replica_keys={})
    with pytest.raises(ValidationError, match="names a secret twice"):
        WorkloadSecretsArgs(project="p", prefix="x-", secrets=("a", "a"), replica_keys={"europe-west4": KEY_EW4})


def test_fails_bucket_prefix_expiration_without_days():
    with pytest.raises(ValidationError, match="prefix_expiration_days: 'checkpoints/': 0"):
        BackupBucketArgs(region="europe-west4", kms_key_id=KEY_EW4, lock_mode="GOVERNANCE", retention_days=7,
                         prefix_expiration_days={"checkpoints/": 0})
