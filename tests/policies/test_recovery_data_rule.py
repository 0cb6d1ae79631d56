"""recovery-data-replicated (issue 18): the shipped prod plans pass; saved plans without image
replication, artifact replication or locking, secret replicas, or with mutable image tags fail on
each cloud, naming the workload and the store."""

from __future__ import annotations

from typing import Any

from blueprint.catalogs.recovery_data import RECOVERY_DATA, RECOVERY_DATA_LABEL, RECOVERY_DATA_TAG
from blueprint.catalogs.tiers import Tier
from blueprint.types import aws, gcp, k8s
from blueprint.policies import ADVISORY, MANDATORY, RULES_BY_ID

from policy_helpers import violations_of

RULE_IDS = ("recovery-data-replicated", "recovery-data-replicated-advisory")


def _found(data: dict[str, Any]) -> list[Any]:
    return [v for rule_id in RULE_IDS for v in violations_of(data, rule_id=rule_id)]


def _without(data: dict[str, Any], drop) -> dict[str, Any]:
    data["resources"] = [r for r in data["resources"] if not drop(r)]
    return data


def test_enforcement_follows_the_catalog():
    assert RULES_BY_ID["recovery-data-replicated"].enforcement == MANDATORY
    assert RULES_BY_ID["recovery-data-replicated-advisory"].enforcement == ADVISORY
    assert [t for t, row in RECOVERY_DATA.items() if not row.required] == [Tier.BEST_EFFORT]


def test_shipped_prod_passes(prod_data):
    assert _found(prod_data) == []


def test_shipped_gcp_prod_passes(gcp_data):
    assert _found(gcp_data) == []


def test_fails_aws_without_registry_replication(prod_data):
    found = _found(_without(prod_data, lambda r: r["type"] == aws.ECR_REPLICATION_CONFIGURATION))
    assert {v.policy for v in found} == {"recovery-data-replicated"}
    messages = " ".join(v.message for v in found)
    for workload in ("fraud-scoring", "recommendations", "batch-embeddings"):
        assert f"'{workload}'" in messages
    assert "image repository 'prod/fraud-scoring/fraud'" in messages and "us-west-2" in messages


def test_fails_aws_with_mutable_tags(prod_data):
    for r in prod_data["resources"]:
        if r["type"] == aws.ECR_REPOSITORY and r["workload"] == "fraud-scoring" and r["region"] == "us-east-1":
            r["inputs"]["imageTagMutability"] = "MUTABLE"
    found = violations_of(prod_data, rule_id="recovery-data-replicated")
    assert len(found) == 1 and "mutable tags" in found[0].message and "'fraud-scoring'" in found[0].message


def test_fails_aws_without_artifact_replication(prod_data):
    found = _found(_without(prod_data, lambda r: r["type"] == aws.S3_BUCKET_REPLICATION_CONFIG and "artifacts" in r["name"]))
    assert found and all(v.policy == "recovery-data-replicated" for v in found)
    assert any("artifact store" in v.message and "'fraud-scoring'" in v.message for v in found)


def test_fails_aws_artifacts_locked_weaker_than_the_tier(prod_data):
    for r in prod_data["resources"]:
        if r["type"] == aws.S3_BUCKET_OBJECT_LOCK_CONFIGURATION and r["name"].startswith("fraud-scoring-us-east-1-artifacts"):
            r["inputs"]["rule"]["defaultRetention"]["mode"] = "GOVERNANCE"
    found = violations_of(prod_data, rule_id="recovery-data-replicated")
    assert len(found) == 1 and "locked GOVERNANCE" in found[0].message and "COMPLIANCE" in found[0].message


def test_fails_aws_secret_without_replica(prod_data):
    for r in prod_data["resources"]:
        if r["type"] == aws.SECRETSMANAGER_SECRET and (r["inputs"].get("tags") or {}).get(RECOVERY_DATA_TAG):
            r["inputs"].pop("replicas", None)
    found = violations_of(prod_data, rule_id="recovery-data-replicated")
    assert {v.message.split("'")[1] for v in found} == {"prod/fraud-scoring/scoring-api-key", "prod/recommendations/feature-store-token"}
    assert all(v.message.startswith("secret ") and "us-west-2" in v.message for v in found)


def test_fails_gcp_with_a_regional_image_repository(gcp_data):
    for r in gcp_data["resources"]:
        if r["type"] == gcp.ARTIFACTREGISTRY_REPOSITORY and r["workload"] == "fraud-scoring":
            r["inputs"]["location"] = "europe-west4"
    found = [v for v in violations_of(gcp_data, rule_id="recovery-data-replicated") if v.message.startswith("image repository")]
    assert len(found) == 1 and "image repository 'prod-fraud-scoring'" in found[0].message and "europe-west1" in found[0].message


def test_fails_gcp_with_mutable_tags(gcp_data):
    for r in gcp_data["resources"]:
        if r["type"] == gcp.ARTIFACTREGISTRY_REPOSITORY and r["workload"] == "fraud-scoring":
            r["inputs"]["dockerConfig"] = {"immutableTags": False}
    found = violations_of(gcp_data, rule_id="recovery-data-replicated")
    assert found and all("mutable tags" in v.message for v in found)


def test_fails_gcp_artifacts_in_one_region(gcp_data):
    for r in gcp_data["resources"]:
        if r["type"] == gcp.STORAGE_BUCKET and (r["inputs"].get("labels") or {}).get(RECOVERY_DATA_LABEL) == "artifacts":
            r["inputs"].pop("customPlacementConfig", None)
            r["inputs"]["location"] = "EUROPE-WEST4"
    found = violations_of(gcp_data, rule_id="recovery-data-replicated")
    assert {"'fraud-scoring'" in v.message or "'batch-embeddings'" in v.message for v in found} == {True}
    assert len(found) == 2 and all("artifact store" in v.message for v in found)


def test_fails_gcp_artifacts_unlocked_for_mission_critical(gcp_data):
    for r in gcp_data["resources"]:
        if (r["type"] == gcp.STORAGE_BUCKET and r["workload"] == "fraud-scoring"
                and (r["inputs"].get("labels") or {}).get(RECOVERY_DATA_LABEL) == "artifacts"):
            r["inputs"]["retentionPolicy"]["isLocked"] = False
    found = violations_of(gcp_data, rule_id="recovery-data-replicated")
    assert found and all("locked GOVERNANCE" in v.message for v in found)


def test_fails_gcp_secret_in_one_region(gcp_data):
    for r in gcp_data["resources"]:
        if r["type"] == gcp.SECRETMANAGER_SECRET:
            replicas = r["inputs"]["replication"]["userManaged"]["replicas"]
            r["inputs"]["replication"]["userManaged"]["replicas"] = [x for x in replicas if x["location"] == "europe-west4"]
    found = violations_of(gcp_data, rule_id="recovery-data-replicated")
    assert len(found) == 1 and found[0].message.startswith("secret 'prod-fraud-scoring-scoring-api-key'")


# ---- residency-data-copies covers the new copies ----------------------------------------------------

def test_residency_fails_ecr_replication_outside_the_jurisdiction(prod_data):
    for r in prod_data["resources"]:
        if r["type"] == aws.ECR_REPLICATION_CONFIGURATION:
            r["inputs"]["replicationConfiguration"]["rules"][0]["destinations"][0]["region"] = "eu-west-1"
    found = violations_of(prod_data, rule_id="residency-data-copies")
    assert len(found) == 1 and "copies images to eu-west-1" in found[0].message


def test_residency_fails_secret_replica_outside_the_jurisdiction(gcp_data):
    for r in gcp_data["resources"]:
        if r["type"] == gcp.SECRETMANAGER_SECRET:
            r["inputs"]["replication"]["userManaged"]["replicas"][0]["location"] = "us-east1"
    found = violations_of(gcp_data, rule_id="residency-data-copies")
    assert len(found) == 1 and "replica in us-east1" in found[0].message


def test_residency_fails_automatic_secret_replication(gcp_data):
    for r in gcp_data["resources"]:
        if r["type"] == gcp.SECRETMANAGER_SECRET:
            r["inputs"]["replication"] = {"auto": {}}
    found = violations_of(gcp_data, rule_id="residency-data-copies")
    assert len(found) == 1 and "automatic replication" in found[0].message


def test_residency_fails_an_image_repository_in_another_multi_region(gcp_data):
    for r in gcp_data["resources"]:
        if r["type"] == gcp.ARTIFACTREGISTRY_REPOSITORY and r["workload"] == "fraud-scoring":
            r["inputs"]["location"] = "us"
    found = violations_of(gcp_data, rule_id="residency-data-copies")
    assert len(found) == 1 and "multi-region 'us'" in found[0].message


def test_encryption_rule_covers_the_new_types(prod_data, gcp_data):
    for r in prod_data["resources"]:
        if r["type"] == aws.ECR_REPOSITORY and r["workload"] == "fraud-scoring" and r["region"] == "us-east-1":
            r["inputs"]["encryptionConfigurations"] = [{"encryptionType": "AES256"}]
    assert any("fraud-scoring-us-east-1-images" in v.urn for v in violations_of(prod_data, rule_id="encryption-at-rest-cmk"))
    for r in gcp_data["resources"]:
        if r["type"] == gcp.SECRETMANAGER_SECRET:
            for replica in r["inputs"]["replication"]["userManaged"]["replicas"]:
                replica.pop("customerManagedEncryption")
    assert any("secrets" in v.urn for v in violations_of(gcp_data, rule_id="encryption-at-rest-cmk"))


def test_gcp_regional_pair_passes_with_a_repository_in_each_region(gcp_data):
    import copy

    for r in list(gcp_data["resources"]):
        if r["type"] == gcp.ARTIFACTREGISTRY_REPOSITORY and r["workload"] == "fraud-scoring":
            r["inputs"]["location"] = "europe-west4"
            twin = copy.deepcopy(r)
            twin["urn"], twin["name"], twin["region"] = r["urn"] + "-ew1", r["name"] + "-ew1", "europe-west1"
            twin["inputs"]["location"] = "europe-west1"
            gcp_data["resources"].append(twin)
    for d in _deployments(gcp_data, "fraud-scoring"):  # each region's pods pull from their region's repository
        _set_image(d, _image(d).replace("europe-docker.pkg.dev", f"{d['region']}-docker.pkg.dev"))
    assert violations_of(gcp_data, rule_id="recovery-data-replicated") == []


# ---- review finding 8: image pulls, twin repositories, replication into the stack's own account ------

DIGEST = "@sha256:" + "ab" * 32


def _deployments(data: dict[str, Any], workload: str) -> list[dict[str, Any]]:
    return [r for r in data["resources"] if r["type"] == k8s.DEPLOYMENT and r["workload"] == workload]


def _image(deployment: dict[str, Any]) -> str:
    return deployment["inputs"]["spec"]["template"]["spec"]["containers"][0]["image"]


def _set_image(deployment: dict[str, Any], image: str) -> None:
    deployment["inputs"]["spec"]["template"]["spec"]["containers"][0]["image"] = image


def _pull_findings(data: dict[str, Any]) -> list[Any]:
    return [v for v in violations_of(data, rule_id="recovery-data-replicated") if " pulls " in v.message]


def test_fails_aws_service_pulling_an_outside_tag(prod_data):
    for d in _deployments(prod_data, "fraud-scoring"):
        _set_image(d, "registry.example.com/fraud:1.4.2")
    found = _pull_findings(prod_data)
    assert sorted(v.resource_name for v in found) == ["fraud-scoring-us-east-1-inference-deployment",
                                                      "fraud-scoring-us-west-2-inference-deployment"]
    assert all("'registry.example.com/fraud:1.4.2'" in v.message and "@sha256:" in v.message for v in found)


def test_fails_aws_workload_without_images(prod_data):
    """No repositories at all (no ``images`` declared): the tag-pinned pull has nothing to resolve to."""
    found = _pull_findings(_without(prod_data, lambda r: r["type"] == aws.ECR_REPOSITORY and r["workload"] == "fraud-scoring"))
    assert len(found) == 2 and all("'fraud-scoring'" in v.message for v in found)


def test_fails_aws_pull_from_another_regions_repository(prod_data):
    for d in _deployments(prod_data, "fraud-scoring"):
        _set_image(d, _image(d).replace(".us-west-2.", ".us-east-1."))
    found = _pull_findings(prod_data)
    assert [v.resource_name for v in found] == ["fraud-scoring-us-west-2-inference-deployment"]


def test_aws_outside_image_pinned_by_digest_passes(prod_data):
    for d in _deployments(prod_data, "fraud-scoring"):
        _set_image(d, "registry.example.com/fraud" + DIGEST)
    assert violations_of(prod_data, rule_id="recovery-data-replicated") == []


def test_fails_aws_replication_without_the_twin_repository(prod_data):
    drop = lambda r: r["type"] == aws.ECR_REPOSITORY and r["name"] == "fraud-scoring-us-west-2-images-fraud"  # noqa: E731
    found = [v for v in violations_of(_without(prod_data, drop), rule_id="recovery-data-replicated") if " pulls " not in v.message]
    assert len(found) == 1 and "plans no repository" in found[0].message and "'prod/fraud-scoring/fraud'" in found[0].message


def test_fails_aws_replication_into_another_account(prod_data):
    for r in prod_data["resources"]:
        if r["type"] == aws.ECR_REPLICATION_CONFIGURATION:
            r["inputs"]["replicationConfiguration"]["rules"][0]["destinations"][0]["registryId"] = "210987654321"
    found = violations_of(prod_data, rule_id="recovery-data-replicated")
    assert len(found) == 4 and all("has no copy in the second region us-west-2" in v.message for v in found)


def test_fails_gcp_service_pulling_an_outside_tag(gcp_data):
    for d in _deployments(gcp_data, "fraud-scoring"):
        _set_image(d, "registry.example.com/fraud:1.4.2")
    found = _pull_findings(gcp_data)
    # The fallback's Deployments (service.fallback, issue 18) are judged like the GPU service's.
    assert sorted(v.resource_name for v in found) == ["fraud-scoring-europe-west1-fallback-deployment",
                                                      "fraud-scoring-europe-west1-inference-deployment",
                                                      "fraud-scoring-europe-west4-fallback-deployment",
                                                      "fraud-scoring-europe-west4-inference-deployment"]


def test_fails_gcp_pull_from_a_repository_of_another_project(gcp_data):
    for d in _deployments(gcp_data, "fraud-scoring"):
        _set_image(d, _image(d).replace("/acme-ml-prod/", "/someone-else/"))
    assert len(_pull_findings(gcp_data)) == 4  # the GPU service's and the fallback's (issue 18), in both regions


def test_gcp_outside_image_pinned_by_digest_passes(gcp_data):
    for d in _deployments(gcp_data, "fraud-scoring"):
        _set_image(d, "registry.example.com/fraud" + DIGEST)
    assert violations_of(gcp_data, rule_id="recovery-data-replicated") == []


def test_outside_pulls_of_best_effort_are_not_judged(prod_data):
    for r in prod_data["resources"]:
        if r["workload"] == "fraud-scoring" and isinstance((r["inputs"].get("tags") or {}).get("blueprint:tier"), str):
            r["inputs"]["tags"]["blueprint:tier"] = "best-effort"
    for d in _deployments(prod_data, "fraud-scoring"):
        d["inputs"]["metadata"]["labels"]["blueprint-tier"] = "best-effort"
        _set_image(d, "registry.example.com/fraud:1.4.2")
    assert _pull_findings(prod_data) == []
