"""KmsKey (GCP): regional key ring + rotated ENCRYPT_DECRYPT key, retained on delete, service agents
granted encrypt/decrypt; validation."""

from __future__ import annotations

import pulumi
import pulumi_gcp as gcp
import pytest
from pydantic import ValidationError

from blueprint.plan.engine import plan_program
from blueprint.components.gcp.kms_key import KmsKey, KmsKeyArgs
from tests.components._helpers import capture_opts, child_names, planned_component_fixtures

CONFIG = {"gcp:project": "acme-ml-prod", "gcp:region": "europe-west4"}
# Agent emails as a hand-composed program may pass them (the composer passes lookups' Outputs).
AGENTS = {
    "gke": "service-123456789012@container-engine-robot.iam.gserviceaccount.com",
    "compute": "service-123456789012@compute-system.iam.gserviceaccount.com",
    "gcs": "service-123456789012@gs-project-accounts.iam.gserviceaccount.com",
}


def _args(**overrides) -> KmsKeyArgs:
    return KmsKeyArgs(**{"key_ring_name": "blueprint-prod-europe-west4", "key_name": "data", "location": "europe-west4",
                         "encrypter_members": (AGENTS["gke"], AGENTS["compute"]),
                         "labels": {"blueprint-environment": "prod"}, **overrides})


def _plan(outputs: dict | None = None, region: str = "europe-west4", **overrides):
    def program() -> None:
        provider = gcp.Provider(f"gcp-{region}", project="acme-ml-prod", region=region)
        key = KmsKey("kms", _args(location=region, **overrides), pulumi.ResourceOptions(provider=provider))
        if outputs is not None:
            outputs["key"] = key
            pulumi.export("id", key.id)
            pulumi.export("crypto_key_id", key.crypto_key_id)
            pulumi.export("key_ring_id", key.key_ring_id)

    return plan_program(program, stack="test", config=CONFIG)


built, plan = planned_component_fixtures(_plan)


def test_key_ring_in_the_region(plan):
    ring = plan.named("kms-key-ring")
    assert ring.type == "gcp:kms/keyRing:KeyRing"
    assert ring.inputs["name"] == "blueprint-prod-europe-west4"
    assert ring.inputs["location"] == "europe-west4"
    assert ring.region == "europe-west4"


def test_key_is_symmetric_rotated_every_90_days_with_the_longest_destroy_window(plan):
    key = plan.named("kms-key").inputs
    assert key["purpose"] == "ENCRYPT_DECRYPT"
    assert key["rotationPeriod"] == "7776000s"
    assert key["destroyScheduledDuration"] == "10368000s"  # 120 days, the Cloud KMS maximum
    assert key["versionTemplate"] == {"algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION", "protectionLevel": "SOFTWARE"}
    assert key["keyRing"] == "projects/acme-ml-prod/locations/europe-west4/keyRings/blueprint-prod-europe-west4"
    assert key["labels"] == {"blueprint-environment": "prod", "blueprint-name": "kms-key"}
    assert plan.named("kms-key").region == "europe-west4"


def test_service_agents_granted_encrypter_decrypter(plan):
    members = {r.name: r.inputs for r in plan.of_type("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember")}
    assert set(members) == {"kms-encrypter-gke", "kms-encrypter-compute"}
    assert members["kms-encrypter-gke"]["member"] == (
        "serviceAccount:service-123456789012@container-engine-robot.iam.gserviceaccount.com")
    assert members["kms-encrypter-compute"]["member"] == (
        "serviceAccount:service-123456789012@compute-system.iam.gserviceaccount.com")
    for inputs in members.values():
        assert inputs["role"] == "roles/cloudkms.cryptoKeyEncrypterDecrypter"
        assert inputs["cryptoKeyId"].endswith("/keyRings/blueprint-prod-europe-west4/cryptoKeys/data")


def test_key_and_ring_retained_on_delete(monkeypatch):
    seen = capture_opts(monkeypatch, gcp.kms, "KeyRing", "CryptoKey")
    _plan()
    assert seen["kms-key-ring"].retain_on_delete is True
    assert seen["kms-key"].retain_on_delete is True


def test_outputs_and_children(built):
    out = built["plan"].outputs
    key_id = "projects/acme-ml-prod/locations/europe-west4/keyRings/blueprint-prod-europe-west4/cryptoKeys/data"
    assert out["id"] == key_id and out["crypto_key_id"] == key_id
    assert out["key_ring_id"] == "projects/acme-ml-prod/locations/europe-west4/keyRings/blueprint-prod-europe-west4"
    plan = built["plan"]
    assert child_names(plan, "blueprint:gcp:KmsKey") == {
        "kms-key-ring", "kms-key", "kms-encrypter-gke", "kms-encrypter-compute"}


def test_consumer_of_id_depends_on_the_bindings():
    def program() -> None:
        key = KmsKey("kms", _args())
        gcp.pubsub.Topic("consumer", kms_key_name=key.id)

    plan = plan_program(program, stack="test", config=CONFIG)
    deps = set(plan.named("consumer").dependencies)
    assert plan.named("kms-encrypter-gke").urn in deps and plan.named("kms-key").urn in deps


def test_rotation_period_follows_args():
    assert _plan(rotation_period_days=30).named("kms-key").inputs["rotationPeriod"] == "2592000s"


def test_output_member_named_by_position_and_prefixed():
    def program() -> None:
        sql = gcp.projects.ServiceIdentity("sqladmin", service="sqladmin.googleapis.com")
        KmsKey("kms", _args(encrypter_members=(AGENTS["gke"], sql.email)))

    plan = plan_program(program, stack="test", config=CONFIG)
    member = plan.named("kms-encrypter-member1").inputs["member"]
    assert member == "serviceAccount:service-123456789012@gcp-sa-cloud-sql.iam.gserviceaccount.com"


def test_multi_region_key_for_dual_region_buckets():
    plan = plan_program(lambda: KmsKey("kms", _args(location="europe", encrypter_members=(AGENTS["gcs"],))),
                        stack="test", config=CONFIG)
    assert plan.named("kms-key-ring").inputs["location"] == "europe"
    assert set(r.name for r in plan.of_type("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember")) == {"kms-encrypter-gcs"}


def test_no_members_no_bindings():
    plan = _plan(encrypter_members=())
    assert plan.of_type("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember") == []


def test_agent_bindings_keep_their_short_names():
    """Bindings of agents passed as emails are named by the agent (names are a contract), other
    Google agents by their domain label, accounts by their local part."""
    plan = _plan(encrypter_members=(AGENTS["gke"], "service-42@gcp-sa-newthing.iam.gserviceaccount.com",
                                    "ci@acme-ml-prod.iam.gserviceaccount.com"))
    names = {r.name for r in plan.of_type("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember")}
    assert names == {"kms-encrypter-gke", "kms-encrypter-gcp-sa-newthing", "kms-encrypter-ci"}


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize("days", [0, 36501])
def test_fails_rotation_out_of_range(days):
    with pytest.raises(ValidationError, match=rf"rotation_period_days: {days} is outside 1\.\.36500"):
        _args(rotation_period_days=days)


@pytest.mark.parametrize("location", ["global", "eu", "europe-west4-a", "EU"])
def test_fails_location_that_is_not_a_region(location):
    with pytest.raises(ValidationError, match=rf"location: '{location}' is not a GCP region"):
        _args(location=location)


@pytest.mark.parametrize("field", ["key_ring_name", "key_name"])
def test_fails_invalid_kms_names(field):
    with pytest.raises(ValidationError, match=rf"{field}: 'a b' is not a valid Cloud KMS name"):
        _args(**{field: "a b"})


def test_fails_member_that_is_not_a_principal():
    with pytest.raises(ValidationError, match="encrypter_members: 'container-engine-robot' is not an IAM member"):
        _args(encrypter_members=("container-engine-robot",))


def test_fails_member_listed_twice():
    with pytest.raises(ValidationError, match="encrypter_members: .* is listed twice"):
        _args(encrypter_members=(AGENTS["gke"], f"serviceAccount:{AGENTS['gke']}"))


def test_fails_invalid_label():
    with pytest.raises(ValidationError, match="labels: label key 'Blueprint:Env' is invalid"):
        _args(labels={"Blueprint:Env": "prod"})


def test_fails_unknown_field():
    with pytest.raises(ValidationError, match="deletion_window_in_days"):
        _args(deletion_window_in_days=30)
