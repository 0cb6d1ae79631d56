"""AuroraGlobalCluster: encrypted, deletion-protected global database from the catalog; validation."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pytest
from pydantic import ValidationError

from blueprint.catalogs.databases import aurora_engine
from blueprint.plan.engine import plan_program
from blueprint.components.aws.aurora_global_cluster import AuroraGlobalCluster, AuroraGlobalClusterArgs

TAGS = {"blueprint:workload": "fraud-scoring", "blueprint:tier": "mission-critical"}


def _args(**overrides) -> AuroraGlobalClusterArgs:
    return AuroraGlobalClusterArgs(**{"global_cluster_identifier": "prod-fraud-scoring", "engine": "postgres", "tags": TAGS, **overrides})


def _plan(**overrides):
    args = _args(**overrides)
    out = {}

    def program():
        primary = aws.Provider("aws-eu-central-1", region="eu-central-1")
        out["gc"] = AuroraGlobalCluster("gdb", args, pulumi.ResourceOptions(providers=[primary]))
        pulumi.export("id", out["gc"].id)
        pulumi.export("arn", out["gc"].arn)

    return plan_program(program, stack="test", config={"aws:region": "eu-south-2"}), out["gc"]


@pytest.fixture(scope="module")
def planned():
    return _plan()


def test_global_cluster_is_encrypted_and_deletion_protected(planned):
    plan, _ = planned
    gc = plan.named("gdb-global-cluster")
    assert gc.type == "aws:rds/globalCluster:GlobalCluster"
    assert gc.inputs["globalClusterIdentifier"] == "prod-fraud-scoring"
    assert gc.inputs["storageEncrypted"] is True
    assert gc.inputs["deletionProtection"] is True
    assert gc.inputs.get("forceDestroy", False) is False
    assert gc.inputs["tags"] == {**TAGS, "Name": "gdb-global-cluster"}


def test_engine_and_version_come_from_the_catalog(planned):
    plan, _ = planned
    gc = plan.named("gdb-global-cluster")
    spec = aurora_engine("postgres")
    assert gc.inputs["engine"] == spec.aurora_engine == "aurora-postgresql"
    assert gc.inputs["engineVersion"] == spec.engine_version


def test_created_with_the_primary_regions_provider(planned):
    plan, _ = planned
    gc = plan.named("gdb-global-cluster")
    assert gc.region == "eu-central-1"  # the provider's region, not the stack default (eu-south-2)
    assert gc.provider == plan.named("aws-eu-central-1").urn
    assert gc.workload == "fraud-scoring"
    component = plan.of_type("blueprint:aws:AuroraGlobalCluster")[0]
    assert gc.parent == component.urn
    assert [r.name for r in plan.children(component.urn)] == ["gdb-global-cluster"]


def test_outputs_identifier_and_arn(planned):
    plan, gc = planned
    assert plan.outputs["id"] == "prod-fraud-scoring"
    assert plan.outputs["arn"] == "arn:aws:rds::123456789012:global-cluster:prod-fraud-scoring"
    assert gc.engine == "postgres"


def test_mysql_and_deletion_protection_off():
    plan, _ = _plan(engine="mysql", deletion_protection=False)
    gc = plan.named("gdb-global-cluster")
    assert gc.inputs["engine"] == "aurora-mysql"
    assert gc.inputs["engineVersion"] == aurora_engine("mysql").engine_version
    assert gc.inputs["deletionProtection"] is False
    assert gc.inputs["storageEncrypted"] is True


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize("ident", ["Prod", "1prod", "prod--db", "prod-", "prod_db", "", "a" * 64])
def test_fails_invalid_identifier(ident):
    with pytest.raises(ValidationError, match="global_cluster_identifier"):
        _args(global_cluster_identifier=ident)


def test_fails_unknown_engine():
    with pytest.raises(ValidationError, match="engine"):
        _args(engine="oracle")


def test_fails_aws_tag_prefix():
    with pytest.raises(ValidationError, match=r"tags: tag key 'aws:x'"):
        _args(tags={"aws:x": "y"})


def test_fails_unknown_field():
    with pytest.raises(ValidationError, match="engine_version"):
        _args(engine_version="16.1")
