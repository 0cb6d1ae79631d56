"""orchestration-present / orchestration-present-advisory (issue 17): the shipped plans pass; saved
plans with the Region switch plan, the FIS templates of a region or the GCP failover workflow
removed fail, naming the workload and the region."""

from __future__ import annotations

from typing import Any

from blueprint.types import aws, gcp
from blueprint.policies import ADVISORY, MANDATORY, RULES_BY_ID

from policy_helpers import violations_of

RULE_IDS = ("orchestration-present", "orchestration-present-advisory")


def _orchestration(data: dict[str, Any]) -> list[Any]:
    return [v for rule_id in RULE_IDS for v in violations_of(data, rule_id=rule_id)]


def _without(data: dict[str, Any], keep) -> dict[str, Any]:
    data["resources"] = [r for r in data["resources"] if keep(r)]
    return data


def test_enforcement_is_mandatory_for_mission_critical_only():
    assert RULES_BY_ID["orchestration-present"].enforcement == MANDATORY
    assert RULES_BY_ID["orchestration-present-advisory"].enforcement == ADVISORY


def test_shipped_prod_passes(prod_data):
    assert _orchestration(prod_data) == []


def test_shipped_gcp_prod_passes(gcp_data):
    assert _orchestration(gcp_data) == []


def test_fails_aws_without_region_switch_plan(prod_data):
    data = _without(prod_data, lambda r: r["type"] != aws.ARCREGIONSWITCH_PLAN)
    found = _orchestration(data)
    mandatory = [v for v in found if v.policy == "orchestration-present"]
    assert len(mandatory) == 1 and mandatory[0].enforcement == MANDATORY
    assert "'fraud-scoring'" in mandatory[0].message and "us-east-1, us-west-2" in mandatory[0].message
    assert "Region switch plan" in mandatory[0].message
    advisory = [v for v in found if v.policy == "orchestration-present-advisory"]
    assert [v.enforcement for v in advisory] == [ADVISORY] and "'recommendations'" in advisory[0].message


def test_fails_aws_plan_over_other_regions(prod_data):
    for r in prod_data["resources"]:
        if r["type"] == aws.ARCREGIONSWITCH_PLAN and r["workload"] == "fraud-scoring":
            r["inputs"]["regions"] = ["us-east-1", "eu-west-1"]
    found = violations_of(prod_data, rule_id="orchestration-present")
    assert len(found) == 1 and "eu-west-1" in found[0].message


def test_fails_aws_without_drill_templates_in_a_region(prod_data):
    data = _without(prod_data, lambda r: not (r["type"] == aws.FIS_EXPERIMENT_TEMPLATE and r["region"] == "us-west-2"))
    found = violations_of(data, rule_id="orchestration-present")
    assert len(found) == 1
    assert "'fraud-scoring'" in found[0].message and "us-west-2" in found[0].message and "FIS" in found[0].message


def test_fails_gcp_without_failover_workflow(gcp_data):
    data = _without(gcp_data, lambda r: r["type"] != gcp.WORKFLOWS_WORKFLOW)
    found = _orchestration(data)
    assert len(found) == 1 and found[0].policy == "orchestration-present"
    assert "'fraud-scoring'" in found[0].message and "europe-west1" in found[0].message
    assert "failover workflow" in found[0].message


def test_nothing_to_fail_over_is_not_judged(prod_data):
    """batch-embeddings (standard, no database, no service) runs in two regions with no plan: fine."""
    found = _orchestration(_without(prod_data, lambda r: r["type"] != aws.ARCREGIONSWITCH_PLAN))
    assert not any("batch-embeddings" in v.message for v in found)


# --- mission-critical: a trigger that survives the primary's loss (issue 17) ------------------------------


def test_shipped_prod_mission_critical_plan_has_an_out_of_region_trigger(prod_data):
    probes = [r for r in prod_data["resources"] if r["type"] == aws.LAMBDA_FUNCTION and r["workload"] == "fraud-scoring"]
    assert {r["region"] for r in probes} == {"us-east-1", "us-west-2"}
    assert violations_of(prod_data, rule_id="orchestration-present") == []


def test_fails_mission_critical_plan_without_its_probe(prod_data):
    data = _without(prod_data, lambda r: not (r["type"] == aws.LAMBDA_FUNCTION and r["workload"] == "fraud-scoring"))
    (found,) = violations_of(data, rule_id="orchestration-present")
    assert found.urn.endswith("::fraud-scoring-region-switch-plan")
    assert "no trigger that survives the loss of its primary region us-east-1" in found.message
    assert "no probe in us-west-2" in found.message


def test_fails_mission_critical_trigger_alarm_evaluated_in_the_primary(prod_data):
    for r in prod_data["resources"]:
        if r["name"] == "fraud-scoring-probe-us-east-1-alarm":
            r["region"] = "us-east-1"
    (found,) = violations_of(prod_data, rule_id="orchestration-present")
    assert "is evaluated in us-east-1" in found.message
    # The business-critical plan is not judged by this mandatory check.
    assert "'recommendations'" not in found.message


def test_fails_mission_critical_trigger_on_one_red_alarm_alone(prod_data):
    """Review finding 2: without the survivor's 'green' self-check a fault both regions share fails over."""
    for r in prod_data["resources"]:
        if r["type"] == aws.ARCREGIONSWITCH_PLAN and r["workload"] == "fraud-scoring":
            for trigger in r["inputs"]["triggers"]:
                trigger["conditions"] = [c for c in trigger["conditions"] if c["condition"] == "red"]
    found = violations_of(prod_data, rule_id="orchestration-present")
    assert len(found) == 2 and all(f.urn.endswith("::fraud-scoring-region-switch-plan") for f in found)
    assert "red alone: add the surviving region's self-check alarm as a 'green' condition" in found[0].message
