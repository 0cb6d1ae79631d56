"""Pulumi type -> Terraform type table: known examples, every type the shipped stacks plan, and
every Terraform type in the table is one checkov knows (checked with the project's checkov)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from blueprint.export import schema
from blueprint.export.k8s import api_version_and_kind
from blueprint.export.types import (AWS, GCP, GCP_BETA, NOT_TERRAFORM_TYPES, PROVIDER_ADDRESS, provider_address, provider_local_name,
                                    terraform_type)
from blueprint.plan.run import plan_stack
from blueprint.project import resolve_stack

ROOT = Path(__file__).resolve().parents[2]
CHECKOV_PYTHON = ROOT / ".venv-checkov" / "bin" / "python"
SHIPPED_STACKS = sorted(p.name[len("Pulumi."):-len(".yaml")] for p in (ROOT / "stacks").glob("Pulumi.*.yaml"))


@pytest.mark.parametrize("token, expected", [
    ("aws:s3/bucket:Bucket", "aws_s3_bucket"),
    ("aws:s3/bucketV2:BucketV2", "aws_s3_bucket"),  # deprecated alias of the same Terraform type
    ("aws:s3/bucketVersioning:BucketVersioning", "aws_s3_bucket_versioning"),
    ("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "aws_s3_bucket_replication_configuration"),
    ("aws:lb/loadBalancer:LoadBalancer", "aws_lb"),
    ("aws:lb/listener:Listener", "aws_lb_listener"),
    ("aws:lb/targetGroup:TargetGroup", "aws_lb_target_group"),
    ("aws:ec2/vpc:Vpc", "aws_vpc"),
    ("aws:ec2/launchTemplate:LaunchTemplate", "aws_launch_template"),
    ("aws:ec2/flowLog:FlowLog", "aws_flow_log"),
    ("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "aws_default_security_group"),
    ("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws_vpc_security_group_ingress_rule"),
    ("aws:kms/key:Key", "aws_kms_key"),
    ("aws:rds/cluster:Cluster", "aws_rds_cluster"),
    ("aws:rds/subnetGroup:SubnetGroup", "aws_db_subnet_group"),
    ("aws:rds/instance:Instance", "aws_db_instance"),
    ("aws:eks/nodeGroup:NodeGroup", "aws_eks_node_group"),
    ("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "aws_eks_access_policy_association"),
    ("aws:route53/record:Record", "aws_route53_record"),
    ("aws:backup/vaultLockConfiguration:VaultLockConfiguration", "aws_backup_vault_lock_configuration"),
    ("aws:cloudwatch/metricAlarm:MetricAlarm", "aws_cloudwatch_metric_alarm"),
    ("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "aws_iam_openid_connect_provider"),
    ("gcp:storage/bucket:Bucket", "google_storage_bucket"),
    ("gcp:container/nodePool:NodePool", "google_container_node_pool"),
    ("gcp:compute/uRLMap:URLMap", "google_compute_url_map"),
    ("gcp:projects/iAMMember:IAMMember", "google_project_iam_member"),
    ("gcp:serviceaccount/account:Account", "google_service_account"),
    ("gcp:sql/databaseInstance:DatabaseInstance", "google_sql_database_instance"),
    ("gcp:projects/serviceIdentity:ServiceIdentity", "google_project_service_identity"),  # google-beta only
])
def test_known_types(token, expected):
    assert terraform_type(token) == expected


def test_unknown_types_are_not_guessed():
    assert terraform_type("aws:s3/notAType:NotAType") is None
    assert terraform_type("random:index/randomPet:RandomPet") is None
    assert terraform_type("pulumi:providers:aws") is None


def test_provider_addresses():
    assert provider_address("aws:s3/bucket:Bucket") == "registry.terraform.io/hashicorp/aws"
    assert provider_address("gcp:storage/bucket:Bucket") == "registry.terraform.io/hashicorp/google"
    assert set(PROVIDER_ADDRESS) == {"aws", "gcp"}
    assert provider_address("gcp:projects/serviceIdentity:ServiceIdentity") == "registry.terraform.io/hashicorp/google-beta"
    assert provider_local_name("gcp:projects/serviceIdentity:ServiceIdentity") == "google-beta"
    assert provider_local_name("gcp:storage/bucket:Bucket") == "google"


def test_every_token_in_the_table_is_a_resource_of_the_installed_sdks():
    """Each token is registered by a resource class of pulumi-aws / pulumi-gcp (read from the SDK
    sources: importing every GCP module would take seconds)."""
    import pulumi_aws
    import pulumi_gcp

    packages = {"aws": Path(pulumi_aws.__file__).parent, "gcp": Path(pulumi_gcp.__file__).parent}
    sources: dict[Path, str] = {}
    missing = []
    for token in [*AWS, *GCP, *GCP_BETA]:
        package, middle, _ = token.split(":")
        module = middle.split("/")[0]
        folder = packages[package] / module if (packages[package] / module).is_dir() else packages[package] / f"{module}_"
        if folder not in sources:
            sources[folder] = "".join(f.read_text(encoding="utf-8") for f in folder.glob("*.py"))
        if f"'{token}'" not in sources[folder]:
            missing.append(token)
    assert missing == []


@pytest.fixture(scope="module")
def shipped_types() -> dict[str, set[str]]:
    types: dict[str, set[str]] = {}
    for stack in SHIPPED_STACKS:
        try:
            plan = plan_stack(ROOT, resolve_stack(ROOT, stack, None))
        except Exception as error:  # noqa: BLE001 - a stack whose cloud does not plan yet has no types to map
            if "cannot be deployed yet" not in str(error):
                raise
            continue
        types[stack] = {r.type for r in plan.resources if r.custom and not r.type.startswith("pulumi:providers:")}
    return types


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_every_type_the_shipped_stacks_plan_is_mapped(shipped_types, stack):
    if stack not in shipped_types:
        pytest.skip(f"{stack} does not plan yet (its cloud's components are not released)")
    cloud = sorted(t for t in shipped_types[stack] if not t.startswith("kubernetes:") and t not in NOT_TERRAFORM_TYPES)
    unmapped = [t for t in cloud if terraform_type(t) is None]
    assert unmapped == [], f"add these to blueprint/export/types.py: {unmapped}"
    # Kubernetes objects become manifests; only what is not one object (Helm releases) is skipped
    kubernetes = sorted(t for t in shipped_types[stack] if t.startswith("kubernetes:"))
    not_objects = [t for t in kubernetes if api_version_and_kind(t) is None]
    assert set(not_objects) <= {"kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart"}, not_objects


def test_command_types_have_no_terraform_mapping_and_are_skipped_not_guessed():
    # pulumi-command runs a CLI on the deployer's machine: there is no Terraform resource to name.
    assert "command:local:Command" in NOT_TERRAFORM_TYPES
    assert all(terraform_type(t) is None for t in NOT_TERRAFORM_TYPES)


def test_terraform_types_are_real_ones_checkov_knows():
    if not CHECKOV_PYTHON.is_file():
        pytest.skip(f"{CHECKOV_PYTHON} is absent: `make setup` creates the checkov environment")
    script = ("import json; from checkov.common.checks_infra.resources_types import resources_types as r; "
              "print(json.dumps(sorted(set(r['aws']) | set(r['gcp']))))")
    known = set(json.loads(subprocess.run([str(CHECKOV_PYTHON), "-c", script], capture_output=True, text=True, check=True, timeout=120).stdout))
    from blueprint.types import aws_terraform, gcp_terraform

    unknown = sorted(t for t in {*AWS.values(), *GCP.values()} if t not in known)
    # Types newer than the pinned checkov are listed on purpose; the list must stay exact.
    assert unknown == sorted(aws_terraform.NEWER_THAN_CHECKOV | gcp_terraform.NEWER_THAN_CHECKOV)


@pytest.mark.parametrize("python_name, tf_type, expected", [
    ("rules", "aws_s3_bucket_lifecycle_configuration", "rule"),
    ("metric_queries", "aws_cloudwatch_metric_alarm", "metric_query"),
    ("aliases", "aws_route53_record", "alias"),
    ("failover_routing_policies", "aws_route53_record", "failover_routing_policy"),
    ("denies", "google_compute_firewall", "deny"),
    ("noncurrent_version_transitions", "aws_s3_bucket_lifecycle_configuration", "noncurrent_version_transition"),
    ("block_device_mappings", "aws_launch_template", "block_device_mappings"),  # plural in Terraform too
    ("string_equals", "aws_backup_selection", "string_equals"),
    ("ingress", "aws_security_group", "ingress"),
    ("lifecycle_rules", "google_storage_bucket", "lifecycle_rule"),
    ("cors", "google_storage_bucket", "cors"),  # Google keeps the API's plural names by default
    ("cidr_blocks", "google_container_cluster", "cidr_blocks"),
    ("node_pools", "google_container_cluster", "node_pool"),
    ("rules", "google_compute_router_nat", "rules"),
    ("rules", "google_compute_security_policy", "rule"),
])
def test_list_block_names_reverse_the_bridge_pluralisation(python_name, tf_type, expected):
    assert schema.list_block_name(tf_type, python_name) == expected


def test_schema_tells_maps_from_blocks():
    bucket = schema.resource_schema("aws:s3/bucket:Bucket", "aws_s3_bucket")
    assert bucket.props["tags"].kind == schema.MAP
    assert bucket.props["tagsAll"].tf_name == "tags_all"
    versioning = schema.resource_schema("aws:s3/bucketVersioning:BucketVersioning", "aws_s3_bucket_versioning")
    assert versioning.props["versioningConfiguration"].kind == schema.OBJECT
    eks = schema.resource_schema("aws:eks/cluster:Cluster", "aws_eks_cluster")
    assert eks.props["vpcConfig"].kind == schema.OBJECT
    assert eks.props["vpcConfig"].nested.props["subnetIds"].kind == schema.LIST
    group = schema.resource_schema("aws:eks/nodeGroup:NodeGroup", "aws_eks_node_group")
    assert group.props["labels"].kind == schema.MAP
    assert group.props["taints"].tf_name == "taint" and group.props["taints"].kind == schema.OBJECT_LIST
