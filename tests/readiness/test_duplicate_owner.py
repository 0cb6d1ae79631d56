"""deploy-duplicate-owner: no two planned resources own one physical object."""

from __future__ import annotations

import pytest

from blueprint.readiness import duplicate_owner, readiness_problems
from readiness_helpers import SHIPPED_STACKS, plan_of, resource

RECORD = "aws:route53/record:Record"
CNAME = {"zoneId": "Z1", "name": "_abc.recs.ml.example.com.", "type": "CNAME", "records": ["_x.acm-validations.aws."]}


def test_fails_for_the_same_validation_cname_from_two_regions():
    east = resource("recs-us-east-1-cert-validation", RECORD, dict(CNAME), region="global")
    west = resource("recs-us-west-2-cert-validation", RECORD, dict(CNAME, name="_ABC.recs.ml.example.com"), region="global")
    [problem] = duplicate_owner.check(plan_of(east, west))
    assert problem.check == "deploy-duplicate-owner" and problem.urn == west.urn
    assert east.name in problem.rule and "ResourceRecordSet" in problem.source


def test_records_with_distinct_set_identifiers_are_distinct():
    a = resource("a", RECORD, dict(CNAME, type="A", setIdentifier="us-east-1"))
    b = resource("b", RECORD, dict(CNAME, type="A", setIdentifier="us-west-2"))
    assert list(duplicate_owner.check(plan_of(a, b))) == []


def test_fails_for_two_regional_resources_with_one_name_in_one_region():
    a = resource("a", "aws:lb/targetGroup:TargetGroup", {"name": "recs-tg"}, region="us-east-1")
    b = resource("b", "aws:lb/targetGroup:TargetGroup", {"name": "recs-tg"}, region="us-east-1")
    [problem] = duplicate_owner.check(plan_of(a, b))
    assert problem.urn == b.urn and problem.value == {"name": "recs-tg", "scope": {"@region": "us-east-1"}}


def test_a_regional_name_may_repeat_in_another_region():
    a = resource("a", "aws:rds/cluster:Cluster", {"clusterIdentifier": "prod-recs"}, region="us-east-1")
    b = resource("b", "aws:rds/cluster:Cluster", {"clusterIdentifier": "prod-recs"}, region="us-west-2")
    assert list(duplicate_owner.check(plan_of(a, b))) == []


def test_account_and_project_wide_names_collide_across_regions():
    a = resource("a", "aws:iam/role:Role", {"name": "recs-node"}, region="us-east-1")
    b = resource("b", "aws:iam/role:Role", {"name": "recs-node"}, region="us-west-2")
    c = resource("c", "gcp:compute/firewall:Firewall", {"name": "allow-lb"}, region="us-central1")
    d = resource("d", "gcp:compute/firewall:Firewall", {"name": "allow-lb"}, region="us-east4")
    assert [p.urn for p in duplicate_owner.check(plan_of(a, b, c, d))] == [b.urn, d.urn]


def test_unknown_and_autonamed_names_are_not_compared():
    a = resource("a", "aws:iam/role:Role", {})
    b = resource("a", "aws:iam/role:Role", {})
    c = resource("c", "aws:eks/nodeGroup:NodeGroup", {"nodeGroupName": "gpu", "clusterName": {"unknown": True}})
    d = resource("d", "aws:eks/nodeGroup:NodeGroup", {"nodeGroupName": "gpu", "clusterName": {"unknown": True}})
    assert list(duplicate_owner.check(plan_of(a, b, c, d))) == []


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_shipped_stacks_have_one_owner_per_object(shipped_plan, stack):
    assert [p.message for p in duplicate_owner.check(shipped_plan(stack))] == []


def test_refuses_prod_with_a_validation_record_created_twice(shipped_plan):
    plan = shipped_plan("prod")
    records = [r for r in plan.of_type(RECORD) if r.inputs.get("type") == "CNAME"]
    records[1].inputs.update({k: records[0].inputs[k] for k in ("zoneId", "name", "type")})
    found = readiness_problems(plan, only=["deploy-duplicate-owner"])
    assert [p.urn for p in found] == [records[1].urn]


def test_refuses_prod_with_a_target_group_name_reused_in_its_region(shipped_plan):
    plan = shipped_plan("prod")
    groups = [g for g in plan.of_type("aws:lb/targetGroup:TargetGroup") if g.region == "us-east-1"]
    groups[1].inputs["name"] = groups[0].inputs["name"]
    assert [p.urn for p in duplicate_owner.check(plan)] == [groups[1].urn]
