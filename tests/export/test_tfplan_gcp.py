"""Terraform-plan JSON of pulumi-gcp resources: google_* types, the Google provider's block names."""

from __future__ import annotations

import pulumi
import pulumi_gcp as gcp
import pytest

from blueprint.export.tfplan import build_terraform_plan
from blueprint.plan.engine import plan_program

CONFIG = {"gcp:project": "acme-ml-prod", "gcp:region": "europe-west4"}
# pulumi-gcp registers every module at import; some of its own functions are deprecated aliases.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:pulumi_gcp.*")


def program() -> None:
    provider = gcp.Provider("gcp-europe-west4", project="acme-ml-prod", region="europe-west4")
    opts = pulumi.ResourceOptions(provider=provider)
    gcp.storage.Bucket(
        "vault", location="EUROPE-WEST4", uniform_bucket_level_access=True, public_access_prevention="enforced",
        versioning={"enabled": True}, labels={"blueprint-tier": "standard"},
        lifecycle_rules=[{"action": {"type": "Delete"}, "condition": {"num_newer_versions": 3}}],
        cors=[{"origins": ["https://ml.example.com"], "methods": ["GET"]}], opts=opts,
    )
    gcp.container.Cluster(
        "gke", location="europe-west4", initial_node_count=1, remove_default_node_pool=True,
        master_authorized_networks_config={"cidr_blocks": [{"cidr_block": "10.0.0.0/8", "display_name": "vpc"}]}, opts=opts,
    )


@pytest.fixture(scope="module")
def doc():
    export = build_terraform_plan(plan_program(program, stack="test", config=CONFIG))
    assert export.skipped == {}
    return export.document


def _values(doc, address):
    return next(r for r in doc["planned_values"]["root_module"]["resources"] if r["address"] == address)["values"]


def test_google_types_and_provider(doc):
    resources = doc["planned_values"]["root_module"]["resources"]
    assert {r["type"] for r in resources} == {"google_storage_bucket", "google_container_cluster"}
    assert {r["provider_name"] for r in resources} == {"registry.terraform.io/hashicorp/google"}
    (key, config), = doc["configuration"]["provider_config"].items()
    assert config["name"] == "google" and key == "google.gcp_europe_west4"
    assert config["expressions"]["project"] == {"constant_value": "acme-ml-prod"}


def test_bucket_blocks_and_labels(doc):
    bucket = _values(doc, "google_storage_bucket.vault")
    assert bucket["versioning"] == [{"enabled": True}]
    assert bucket["lifecycle_rule"] == [{"action": [{"type": "Delete"}], "condition": [{"num_newer_versions": 3}]}]
    assert bucket["cors"] == [{"origins": ["https://ml.example.com"], "methods": ["GET"]}]  # plural in Terraform
    assert bucket["labels"] == {"blueprint-tier": "standard"}
    assert bucket["uniform_bucket_level_access"] is True


def test_plural_google_block_names_are_kept(doc):
    cluster = _values(doc, "google_container_cluster.gke")
    assert cluster["master_authorized_networks_config"] == [{"cidr_blocks": [{"cidr_block": "10.0.0.0/8", "display_name": "vpc"}]}]
