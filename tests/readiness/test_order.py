"""deploy-create-order: a resource never references, by value, one that depends on it."""

from __future__ import annotations

import pytest

from blueprint.readiness import order, readiness_problems
from readiness_helpers import SHIPPED_STACKS, plan_of, resource

SQL = "gcp:sql/databaseInstance:DatabaseInstance"
BUCKET = "gcp:storage/bucket:Bucket"


def _sql_pair(designation: bool):
    primary_inputs = {"name": "prod-fraud-scoring", "region": "europe-west4"}
    if designation:
        primary_inputs["replicationCluster"] = {"failoverDrReplicaName": "acme-ml-prod:prod-fraud-scoring-europe-west1"}
    primary = resource("db-primary", SQL, primary_inputs, id="prod-fraud-scoring")
    replica = resource("db-replica", SQL, {"name": "prod-fraud-scoring-europe-west1", "masterInstanceName": "prod-fraud-scoring"},
                       id="prod-fraud-scoring-europe-west1", dependencies=[primary.urn])
    return primary, replica


def test_passes_when_references_follow_the_dependencies():
    primary, replica = _sql_pair(designation=False)
    assert list(order.check(plan_of(primary, replica))) == []


def test_fails_when_the_primary_names_its_dependent_dr_replica():
    primary, replica = _sql_pair(designation=True)
    [problem] = order.check(plan_of(primary, replica))
    assert problem.check == "deploy-create-order"
    assert problem.urn == primary.urn and problem.name == "db-primary"
    assert problem.value == "acme-ml-prod:prod-fraud-scoring-europe-west1"
    assert "db-replica" in problem.rule
    assert "use-advanced-disaster-recovery" in problem.source


def test_fails_on_a_transitive_dependency_through_parent_and_dependencies():
    a = resource("bucket-a", BUCKET, {"name": "acme-logs-bucket", "logging": {"logBucket": "acme-target-bucket"}})
    comp = resource("comp", "blueprint:gcp:Thing", custom=False, dependencies=[a.urn])
    b = resource("bucket-b", BUCKET, {"name": "acme-target-bucket"}, parent=comp.urn)
    [problem] = order.check(plan_of(a, comp, b))
    assert problem.urn == a.urn and problem.value == "acme-target-bucket"
    assert "bucket-b -> comp -> bucket-a" in problem.rule


def test_ignores_labels_descriptions_and_short_names():
    a = resource("a", BUCKET, {"name": "acme-bucket-aaaa", "labels": {"peer": "acme-bucket-bbbb"},
                               "description": "acme-bucket-bbbb", "short": "bkt"})
    b = resource("b", BUCKET, {"name": "acme-bucket-bbbb"}, id="bkt", dependencies=[a.urn])
    assert list(order.check(plan_of(a, b))) == []


def test_ignores_a_same_named_sibling_and_names_reused_across_regions():
    # A subnet named like its cluster, and a cluster in each region with the same name: the referrer
    # means the one it already depends on (or itself), not the other region's.
    subnet = resource("subnet", "gcp:compute/subnetwork:Subnetwork", {"name": "prod-europe-west4"})
    cluster = resource("cluster", "gcp:container/cluster:Cluster", {"name": "prod-europe-west4", "subnetwork": "prod-europe-west4"},
                       dependencies=[subnet.urn])
    east = resource("pg-east", "aws:rds/subnetGroup:SubnetGroup", {"name": "prod-fraud-subnets"})
    west = resource("pg-west", "aws:rds/subnetGroup:SubnetGroup", {"name": "prod-fraud-subnets"}, dependencies=[east.urn])
    db = resource("db-east", "aws:rds/cluster:Cluster", {"dbSubnetGroupName": "prod-fraud-subnets"}, dependencies=[east.urn])
    west_deps = resource("west-comp", "blueprint:aws:Db", custom=False, dependencies=[db.urn])
    west.parent = west_deps.urn
    assert list(order.check(plan_of(subnet, cluster, east, west, db, west_deps))) == []


def test_is_registered():
    primary, replica = _sql_pair(designation=True)
    assert [p.check for p in readiness_problems(plan_of(primary, replica), only=["deploy-create-order"])] == ["deploy-create-order"]


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_shipped_stack_has_no_create_order_cycle(shipped_plan, stack):
    assert [p.message for p in order.check(shipped_plan(stack))] == []


def test_refuses_gcp_prod_with_the_dr_replica_named_on_the_primary(shipped_plan):
    plan = shipped_plan("gcp-prod")
    replica = next(r for r in plan.of_type(SQL) if r.inputs.get("masterInstanceName"))
    primary = next(r for r in plan.of_type(SQL) if r.inputs.get("name") == replica.inputs["masterInstanceName"])
    project = primary.outputs["connectionName"].split(":")[0]
    primary.inputs["replicationCluster"] = {"failoverDrReplicaName": f"{project}:{replica.inputs['name']}"}
    problems = [p for p in order.check(plan) if p.urn == primary.urn]
    assert len(problems) == 1
    assert problems[0].name == primary.name and replica.name in problems[0].rule
