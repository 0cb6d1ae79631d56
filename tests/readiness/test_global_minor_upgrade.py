"""deploy-global-minor-upgrade: members of an Aurora global database do not ask for automatic minor upgrades."""

from __future__ import annotations

import pytest

from blueprint.readiness import global_minor_upgrade, readiness_problems
from readiness_helpers import SHIPPED_STACKS, plan_of, resource

CLUSTER = "aws:rds/cluster:Cluster"
INSTANCE = "aws:rds/clusterInstance:ClusterInstance"


def _plan(cluster_amvu, instance_amvu, global_id="prod-recs"):
    cluster = resource("db", CLUSTER, {"clusterIdentifier": "prod-recs", "globalClusterIdentifier": global_id,
                                       "autoMinorVersionUpgrade": cluster_amvu}, region="us-east-1")
    instance = resource("db-0", INSTANCE, {"clusterIdentifier": "prod-recs", "autoMinorVersionUpgrade": instance_amvu},
                        region="us-east-1")
    return plan_of(cluster, instance), cluster, instance


def test_passes_for_members_without_automatic_upgrades():
    assert list(global_minor_upgrade.check(_plan(False, False)[0])) == []


def test_fails_for_a_member_cluster_and_its_instance():
    plan, cluster, instance = _plan(True, True)
    problems = list(global_minor_upgrade.check(plan))
    assert [p.urn for p in problems] == [cluster.urn, instance.urn]
    assert problems[0].value["globalClusterIdentifier"] == "prod-recs" and "AMVU" in problems[0].source


def test_a_regional_cluster_may_upgrade_itself():
    assert list(global_minor_upgrade.check(_plan(True, True, global_id=None)[0])) == []


def test_an_instance_of_the_same_identifier_in_another_region_is_not_a_member():
    plan, _, instance = _plan(False, True)
    instance.region = "eu-west-1"
    assert list(global_minor_upgrade.check(plan)) == []


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_shipped_stacks_ask_no_upgrades_of_global_members(shipped_plan, stack):
    assert [p.message for p in global_minor_upgrade.check(shipped_plan(stack))] == []


def test_refuses_prod_with_automatic_upgrades_on_a_global_member(shipped_plan):
    plan = shipped_plan("prod")
    member = next(c for c in plan.of_type(CLUSTER) if c.inputs.get("globalClusterIdentifier"))
    member.inputs["autoMinorVersionUpgrade"] = True
    instances = [i for i in plan.of_type(INSTANCE)
                 if i.inputs.get("clusterIdentifier") == member.inputs["clusterIdentifier"] and i.region == member.region]
    for i in instances:
        i.inputs["autoMinorVersionUpgrade"] = True
    found = {p.urn for p in readiness_problems(plan, only=["deploy-global-minor-upgrade"])}
    assert found == {member.urn} | {i.urn for i in instances}
