"""A customer-managed key reference must resolve to a key of the plan in the resource's region and
account/project (issue 16; blueprint/policies/key_refs.py), not be any string that is not AWS-managed."""

from __future__ import annotations

from typing import Any

import pytest

from blueprint.plan.model import Plan
from blueprint.policies.encryption import check_at_rest
from blueprint.policies.key_refs import gcp_contains
from blueprint.policies.model import UNKNOWN, Context, Resource
from blueprint.types import aws, gcp

KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/0c6822fa-5772-2f71-6ce4-6988c46bad37"
KEY_ID = KEY_ARN.rsplit("/", 1)[1]
RING = "projects/acme/locations/europe-west4/keyRings/ring"
MULTI_RING = "projects/acme/locations/europe/keyRings/multi"


def _r(type_: str, name: str, region: str, inputs: dict[str, Any], outputs: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"urn": f"urn:pulumi:s::p::{type_}::{name}", "type": type_, "name": name, "parent": None, "dependencies": [],
            "region": region, "zone": None, "workload": None, "inputs": inputs, "custom": True, "provider": None,
            "id": (outputs or {}).get("id", name), "outputs": outputs or {}}


def _ctx(cloud: str, *resources: dict[str, Any]) -> Context:
    if cloud == "aws":
        keys = [_r(aws.KMS_KEY, "key", "us-east-1", {}, {"arn": KEY_ARN, "keyId": KEY_ID, "id": KEY_ID}),
                _r(aws.KMS_ALIAS, "alias", "us-east-1", {"name": "alias/blueprint/s"},
                   {"arn": "arn:aws:kms:us-east-1:123456789012:alias/blueprint/s", "name": "alias/blueprint/s"})]
    else:
        keys = [_r(gcp.KMS_CRYPTO_KEY, "key", "europe-west4", {"keyRing": RING, "name": "data"},
                   {"id": f"{RING}/cryptoKeys/data", "keyRing": RING, "name": "data"}),
                _r(gcp.KMS_CRYPTO_KEY, "multi", "europe-west4", {"keyRing": MULTI_RING, "name": "vaults"},
                   {"id": f"{MULTI_RING}/cryptoKeys/vaults"})]
    return Context.from_plan(Plan.from_json({"stack": "s", "cloud": cloud, "resources": [*keys, *resources]}), "any")


def _problems(ctx: Context, name: str) -> list[str]:
    r = next(x for x in ctx if x.name == name)
    return list(check_at_rest(r, ctx))


@pytest.mark.parametrize("value", [KEY_ARN, KEY_ID, "alias/blueprint/s", "arn:aws:kms:us-east-1:123456789012:alias/blueprint/s"])
def test_aws_reference_to_a_planned_key_in_the_region_passes(value: str) -> None:
    ctx = _ctx("aws", _r(aws.SNS_TOPIC, "topic", "us-east-1", {"kmsMasterKeyId": value}))
    assert _problems(ctx, "topic") == []


@pytest.mark.parametrize("value,region,why", [
    ("arn:aws:kms:us-east-1:999999999999:key/11111111-2222-3333-4444-555555555555", "us-east-1", "names no KMS key"),  # another account
    ("arn:aws:kms:eu-west-1:123456789012:key/0c6822fa-5772-2f71-6ce4-6988c46bad37", "us-east-1", "names no KMS key"),  # another region
    (KEY_ARN, "us-west-2", "names a key in us-east-1"),  # the planned key, used from another region
    (KEY_ID, "us-west-2", "in the resource's region us-west-2"),  # a bare ID resolves in the caller's region
    ("not-a-key", "us-east-1", "names no KMS key ID or alias"),
])
def test_fails_aws_reference_that_does_not_resolve(value: str, region: str, why: str) -> None:
    ctx = _ctx("aws", _r(aws.SNS_TOPIC, "topic", region, {"kmsMasterKeyId": value}))
    [problem] = _problems(ctx, "topic")
    assert "'topic'" in problem and "kmsMasterKeyId" in problem and repr(value) in problem and why in problem


def test_aws_deleted_key_with_references_kept_fails_and_nested_paths_are_named() -> None:
    sse = _r(aws.S3_BUCKET_SSE_CONFIGURATION, "sse", "us-east-1", {"rules": [
        {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": KEY_ARN}}]})
    plan = Plan.from_json({"stack": "s", "cloud": "aws", "resources": [sse]})  # no key in the plan
    ctx = Context.from_plan(plan, "any")
    [problem] = _problems(ctx, "sse")
    assert "rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId" in problem and "names no KMS key" in problem


def test_unknown_values_and_crossguard_resource_policies_are_skipped() -> None:
    ctx = _ctx("aws", _r(aws.SNS_TOPIC, "topic", "us-east-1", {"kmsMasterKeyId": "x"}))
    topic = next(x for x in ctx if x.name == "topic")
    topic.props["kmsMasterKeyId"] = UNKNOWN
    assert list(check_at_rest(topic, ctx)) == []
    alone = Resource(urn="u", type=aws.SNS_TOPIC, name="topic", region="us-east-1", props={"kmsMasterKeyId": "x"})
    assert list(check_at_rest(alone, Context([alone], "any"))) == []  # CrossGuard: the keys are not visible


@pytest.mark.parametrize("key,region", [(f"{RING}/cryptoKeys/data", "europe-west4"),
                                        (f"{MULTI_RING}/cryptoKeys/vaults", "europe-west4")])  # multi-region holds it
def test_gcp_reference_to_a_planned_key_in_the_location_passes(key: str, region: str) -> None:
    ctx = _ctx("gcp", _r(gcp.STORAGE_BUCKET, "bucket", region, {"encryption": {"defaultKmsKeyName": key}}))
    assert _problems(ctx, "bucket") == []


@pytest.mark.parametrize("key,region,why", [
    ("projects/evil/locations/europe-west4/keyRings/ring/cryptoKeys/data", "europe-west4", "names no Cloud KMS CryptoKey"),
    (f"{RING}/cryptoKeys/data", "europe-west1", "does not hold the resource's region europe-west1"),
    (f"{MULTI_RING}/cryptoKeys/vaults", "us-central1", "location europe"),
])
def test_fails_gcp_reference_that_does_not_resolve(key: str, region: str, why: str) -> None:
    ctx = _ctx("gcp", _r(gcp.STORAGE_BUCKET, "bucket", region, {"encryption": {"defaultKmsKeyName": key}}))
    [problem] = _problems(ctx, "bucket")
    assert "'bucket'" in problem and "encryption.defaultKmsKeyName" in problem and why in problem


def test_gcp_secret_replica_key_is_judged_in_the_replica_location() -> None:
    def secret(location: str) -> dict[str, Any]:
        replica = {"location": location, "customerManagedEncryption": {"kmsKeyName": f"{RING}/cryptoKeys/data"}}
        return _r(gcp.SECRETMANAGER_SECRET, "secret", "europe-west1", {"replication": {"userManaged": {"replicas": [replica]}}})

    assert _problems(_ctx("gcp", secret("europe-west4")), "secret") == []
    [problem] = _problems(_ctx("gcp", secret("europe-west1")), "secret")
    assert "replicas[0].customerManagedEncryption.kmsKeyName" in problem


def test_gcp_multi_regions_hold_their_regions_only() -> None:
    assert gcp_contains("europe", "europe-west4") and gcp_contains("us", "us-central1")
    assert not gcp_contains("europe", "us-central1") and not gcp_contains("us", "europe-west4")
    assert not gcp_contains("europe-west1", "europe-west4")
