"""Terraform-plan JSON: document shape, snake_case names, block shapes, maps, references, secrets."""

from __future__ import annotations

import json

import pytest

from blueprint.export.tfplan import FORMAT_VERSION, build_terraform_plan, to_terraform_plan
from blueprint.plan.model import Plan, PlannedResource
from tiny_aws import DEFAULT_TAGS, tiny_plan  # noqa: F401 - tiny_plan is a fixture

AWS = "registry.terraform.io/hashicorp/aws"


@pytest.fixture(scope="module")
def export(tiny_plan):
    return build_terraform_plan(tiny_plan)


@pytest.fixture(scope="module")
def doc(export):
    return export.document


def planned(doc, address: str) -> dict:
    return next(r for r in doc["planned_values"]["root_module"]["resources"] if r["address"] == address)


def configured(doc, address: str) -> dict:
    return next(r for r in doc["configuration"]["root_module"]["resources"] if r["address"] == address)


def change(doc, address: str) -> dict:
    return next(r for r in doc["resource_changes"] if r["address"] == address)


def test_document_has_what_checkov_reads(doc):
    assert doc["format_version"] == FORMAT_VERSION
    assert doc["terraform_version"]
    resources = doc["planned_values"]["root_module"]["resources"]
    assert resources
    assert [c["address"] for c in doc["resource_changes"]] == [r["address"] for r in resources]
    assert [c["address"] for c in doc["configuration"]["root_module"]["resources"]] == [r["address"] for r in resources]
    for r in resources:
        assert r["mode"] == "managed"
        assert r["address"] == f"{r['type']}.{r['name']}"
        assert r["provider_name"] == AWS
    for c in doc["resource_changes"]:
        assert c["change"]["actions"] == ["create"]
        assert c["change"]["before"] is None
        assert c["change"]["after"] == planned(doc, c["address"])["values"]
    json.dumps(doc)  # plain JSON all the way down


def test_real_terraform_types_and_names(export, doc):
    types = {r["name"]: r["type"] for r in doc["planned_values"]["root_module"]["resources"]}
    assert types["data"] == "aws_s3_bucket"
    assert types["data-versioning"] == "aws_s3_bucket_versioning"
    assert types["data-sse"] == "aws_s3_bucket_server_side_encryption_configuration"
    assert types["data-pab"] == "aws_s3_bucket_public_access_block"
    assert types["key"] == "aws_kms_key"
    assert types["nodes"] == "aws_launch_template"
    assert types["pg"] == "aws_rds_cluster_parameter_group"
    assert types["role-readonly"] == "aws_iam_role_policy_attachment"
    assert types["pool"] == "aws_eks_node_group"
    assert "aws-eu" not in types  # providers are provider_config, not resources
    assert export.skipped == {}


def test_address_maps_back_to_the_urn(export, tiny_plan):
    urn = export.address_to_urn["aws_s3_bucket.data"]
    assert urn == tiny_plan.named("data").urn
    assert export.urn_to_address[urn] == "aws_s3_bucket.data"
    assert len(export.address_to_urn) == len([r for r in tiny_plan.resources if r.custom and not r.type.startswith("pulumi:")])


def test_attribute_names_are_snake_case(doc):
    key = planned(doc, "aws_kms_key.key")["values"]
    assert key["enable_key_rotation"] is True
    assert "enableKeyRotation" not in key
    bucket = planned(doc, "aws_s3_bucket.data")["values"]
    assert bucket["bucket_prefix"] == "data-"


def test_single_blocks_are_one_element_lists(doc):
    versioning = planned(doc, "aws_s3_bucket_versioning.data-versioning")["values"]
    assert versioning["versioning_configuration"] == [{"status": "Enabled"}]
    template = planned(doc, "aws_launch_template.nodes")["values"]
    assert template["metadata_options"] == [{"http_tokens": "required", "http_endpoint": "enabled", "http_put_response_hop_limit": 1}]
    # block lists keep Terraform's names: the plural Pulumi `rules` is Terraform's `rule` block
    sse = planned(doc, "aws_s3_bucket_server_side_encryption_configuration.data-sse")["values"]
    assert list(sse["rule"][0]["apply_server_side_encryption_by_default"][0]) == ["sse_algorithm"]  # key ARN: known after apply
    assert sse["rule"][0]["bucket_key_enabled"] is True
    mapping = template["block_device_mappings"][0]  # plural in Terraform too
    assert mapping["device_name"] == "/dev/xvda"
    assert mapping["ebs"][0]["volume_size"] == 100
    pg = planned(doc, "aws_rds_cluster_parameter_group.pg")["values"]
    assert pg["parameter"] == [{"name": "rds.force_ssl", "value": "1"}]


def test_maps_keep_their_keys_verbatim_and_tags_all_merges_default_tags(doc):
    bucket = planned(doc, "aws_s3_bucket.data")["values"]
    assert bucket["tags"] == {"Name": "data", "kubernetes.io/role/elb": "1", "blueprint:tier": "standard"}
    assert bucket["tags_all"] == {**DEFAULT_TAGS, **bucket["tags"]}
    key = planned(doc, "aws_kms_key.key")["values"]
    assert key["tags_all"] == DEFAULT_TAGS  # no own tags: the provider's default tags only
    versioning = planned(doc, "aws_s3_bucket_versioning.data-versioning")["values"]
    assert "tags_all" not in versioning  # Terraform has no tags on this type


def test_whole_numbers_are_integers_and_region_comes_from_the_provider(doc):
    key = planned(doc, "aws_kms_key.key")["values"]
    assert key["deletion_window_in_days"] == 30 and isinstance(key["deletion_window_in_days"], int)
    assert key["region"] == "eu-central-1"


def test_provider_config_carries_region_and_default_tags(doc):
    (key, config), = doc["configuration"]["provider_config"].items()
    assert key == "aws.aws-eu".replace("-", "_")
    assert config["name"] == "aws" and config["full_name"] == AWS
    assert config["expressions"]["region"] == {"constant_value": "eu-central-1"}
    assert configured(doc, "aws_s3_bucket.data")["provider_config_key"] == key


def test_reference_to_a_computed_id_is_unknown_and_a_configuration_reference(doc):
    pab = "aws_s3_bucket_public_access_block.data-pab"
    assert "bucket" not in planned(doc, pab)["values"]
    assert change(doc, pab)["change"]["after_unknown"] == {"bucket": True}
    assert configured(doc, pab)["expressions"]["bucket"] == {"references": ["aws_s3_bucket.data.id", "aws_s3_bucket.data"]}
    assert configured(doc, pab)["expressions"]["block_public_acls"] == {"constant_value": True}


def test_nested_references_follow_the_block_shape(doc):
    sse = "aws_s3_bucket_server_side_encryption_configuration.data-sse"
    expressions = configured(doc, sse)["expressions"]
    by_default = expressions["rule"][0]["apply_server_side_encryption_by_default"][0]
    assert by_default["kms_master_key_id"] == {"references": ["aws_kms_key.key.arn", "aws_kms_key.key"]}
    assert by_default["sse_algorithm"] == {"constant_value": "aws:kms"}
    unknown = change(doc, sse)["change"]["after_unknown"]
    assert unknown["rule"] == [{"apply_server_side_encryption_by_default": [{"kms_master_key_id": True}]}]


def test_references_prefer_the_id_which_is_known_after_apply(doc):
    attachment = "aws_iam_role_policy_attachment.role-readonly"
    # an IAM role's ID is its name: Terraform's `aws_iam_role.role.id`, unknown until created
    assert configured(doc, attachment)["expressions"]["role"] == {"references": ["aws_iam_role.role.id", "aws_iam_role.role"]}
    assert "role" not in planned(doc, attachment)["values"]
    assert planned(doc, attachment)["values"]["policy_arn"] == "arn:aws:iam::aws:policy/ReadOnlyAccess"
    pool = "aws_eks_node_group.pool"
    assert configured(doc, pool)["expressions"]["node_role_arn"] == {"references": ["aws_iam_role.role.arn", "aws_iam_role.role"]}


def test_reference_to_an_attribute_set_in_the_program_keeps_its_known_value(doc):
    pool = "aws_eks_node_group.pool"
    template = configured(doc, pool)["expressions"]["launch_template"][0]
    assert template["name"] == {"references": ["aws_launch_template.named-template.name", "aws_launch_template.named-template"]}
    assert planned(doc, pool)["values"]["launch_template"] == [{"name": "explicit-template-name", "version": "$Latest"}]
    assert planned(doc, pool)["values"]["scaling_config"] == [{"min_size": 1, "max_size": 4, "desired_size": 1}]
    assert planned(doc, pool)["values"]["subnet_ids"] == ["subnet-0a1b2c3d4e5f60718"]


def test_secrets_stay_redacted_and_are_marked_sensitive(doc):
    address = "aws_secretsmanager_secret_version.secret-value"
    assert planned(doc, address)["values"]["secret_string"] == "[secret]"
    assert planned(doc, address)["sensitive_values"] == {"secret_string": True}
    assert "hunter2" not in json.dumps(doc)


def test_saved_plan_round_trip_exports_the_same_document(tiny_plan, doc):
    text = json.dumps(tiny_plan.to_json())
    loaded = Plan.from_json(json.loads(text))
    assert loaded.stack_urn == tiny_plan.stack_urn
    assert [r.outputs for r in loaded.resources] == [r.outputs for r in tiny_plan.resources]
    assert to_terraform_plan(loaded) == doc


def test_plan_json_keeps_the_documented_keys_and_adds_id_and_outputs(tiny_plan):
    bucket = next(r for r in tiny_plan.to_json()["resources"] if r["name"] == "data")
    assert {"urn", "type", "name", "parent", "dependencies", "region", "zone", "workload", "inputs"} <= set(bucket)
    assert bucket["id"] == bucket["outputs"]["bucket"]
    assert bucket["outputs"]["arn"].startswith("arn:aws:s3:::data-")


def test_plan_saved_before_outputs_existed_loads_and_exports_with_a_note(tiny_plan):
    data = tiny_plan.to_json()
    for r in data["resources"]:
        r.pop("id"), r.pop("outputs")
    export = build_terraform_plan(Plan.from_json(data))
    assert any("no recorded resource outputs" in n for n in export.notes)
    pab = next(r for r in export.document["planned_values"]["root_module"]["resources"] if r["name"] == "data-pab")
    assert pab["values"]["bucket"].startswith("data-")  # the plain value, no reference


def test_unmapped_types_are_skipped_with_a_note_never_guessed():
    stack = "urn:pulumi:t::blueprint::pulumi:pulumi:Stack::blueprint-t"
    plan = Plan(stack="t", cloud="aws", stack_urn=stack, resources=[
        PlannedResource(urn="urn:pulumi:t::blueprint::random:index/randomPet:RandomPet::pet", type="random:index/randomPet:RandomPet",
                        name="pet", parent=stack, dependencies=[], region=None, zone=None, workload=None, inputs={"length": 2}),
        PlannedResource(urn="urn:pulumi:t::blueprint::aws:ec2/vpc:Vpc::vpc", type="aws:ec2/vpc:Vpc", name="vpc", parent=stack,
                        dependencies=[], region="us-east-1", zone=None, workload=None, inputs={"cidrBlock": "10.0.0.0/16"}),
    ])
    export = build_terraform_plan(plan)
    assert export.skipped == {"random:index/randomPet:RandomPet": ["urn:pulumi:t::blueprint::random:index/randomPet:RandomPet::pet"]}
    assert any("random:index/randomPet:RandomPet" in n for n in export.notes)
    assert list(export.address_to_urn) == ["aws_vpc.vpc"]
    # no explicit provider: the default, unaliased provider configuration
    assert export.document["configuration"]["provider_config"]["aws"]["name"] == "aws"
    assert export.document["configuration"]["root_module"]["resources"][0]["provider_config_key"] == "aws"


def test_names_are_terraform_identifiers_and_unique_per_type():
    stack = "urn:pulumi:t::blueprint::pulumi:pulumi:Stack::blueprint-t"

    def vpc(parent: str, name: str) -> PlannedResource:
        return PlannedResource(urn=f"urn:pulumi:t::blueprint::{parent}$aws:ec2/vpc:Vpc::{name}", type="aws:ec2/vpc:Vpc", name=name,
                               parent=stack, dependencies=[], region="us-east-1", zone=None, workload=None, inputs={})

    plan = Plan(stack="t", cloud="aws", stack_urn=stack, resources=[vpc("a:b:C", "1st.vpc"), vpc("a:b:D", "1st.vpc")])
    assert list(build_terraform_plan(plan).address_to_urn) == ["aws_vpc._1st_vpc", "aws_vpc._1st_vpc_2"]
