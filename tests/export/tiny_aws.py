"""A tiny hand-composed AWS program and its plan fixture, for the exporter tests (imported by the
test modules: a conftest.py here would shadow tests/conftest.py, which tests import by name)."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws
import pytest

from blueprint.plan.engine import plan_program

DEFAULT_TAGS = {"managed-by": "pulumi", "blueprint:stack": "test"}
ASSUME_EC2 = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def tiny_program() -> None:
    provider = aws.Provider("aws-eu", region="eu-central-1", default_tags=aws.ProviderDefaultTagsArgs(tags=DEFAULT_TAGS))
    opts = pulumi.ResourceOptions(provider=provider)
    key = aws.kms.Key("key", enable_key_rotation=True, deletion_window_in_days=30, opts=opts)
    bucket = aws.s3.Bucket("data", bucket_prefix="data-", tags={"Name": "data", "kubernetes.io/role/elb": "1", "blueprint:tier": "standard"}, opts=opts)
    aws.s3.BucketVersioning("data-versioning", bucket=bucket.id, versioning_configuration={"status": "Enabled"}, opts=opts)
    aws.s3.BucketServerSideEncryptionConfiguration(
        "data-sse", bucket=bucket.id,
        rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": key.arn}, "bucket_key_enabled": True}],
        opts=opts,
    )
    aws.s3.BucketPublicAccessBlock("data-pab", bucket=bucket.id, block_public_acls=True, block_public_policy=True,
                                   ignore_public_acls=True, restrict_public_buckets=True, opts=opts)
    aws.ec2.LaunchTemplate(
        "nodes",
        metadata_options={"http_tokens": "required", "http_endpoint": "enabled", "http_put_response_hop_limit": 1},
        block_device_mappings=[{"device_name": "/dev/xvda", "ebs": {"encrypted": "true", "volume_size": 100, "kms_key_id": key.arn}}],
        opts=opts,
    )
    aws.rds.ClusterParameterGroup("pg", family="aurora-postgresql16", parameters=[{"name": "rds.force_ssl", "value": "1"}], opts=opts)
    role = aws.iam.Role("role", assume_role_policy=ASSUME_EC2, opts=opts)
    aws.iam.RolePolicyAttachment("role-readonly", role=role.name, policy_arn="arn:aws:iam::aws:policy/ReadOnlyAccess", opts=opts)
    template = aws.ec2.LaunchTemplate("named-template", name="explicit-template-name", opts=opts)
    aws.eks.NodeGroup(
        "pool", cluster_name="gpu-cluster", node_role_arn=role.arn, subnet_ids=["subnet-0a1b2c3d4e5f60718"],
        scaling_config={"min_size": 1, "max_size": 4, "desired_size": 1},
        launch_template={"name": template.name, "version": "$Latest"}, opts=opts,
    )
    secret = aws.secretsmanager.Secret("secret", kms_key_id=key.arn, opts=opts)
    aws.secretsmanager.SecretVersion("secret-value", secret_id=secret.id, secret_string=pulumi.Output.secret("hunter2"), opts=opts)


@pytest.fixture(scope="session")
def tiny_plan():
    return plan_program(tiny_program, stack="test", config={"aws:region": "eu-central-1"})
