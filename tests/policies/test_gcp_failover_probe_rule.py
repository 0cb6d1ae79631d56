"""gcp-failover-probe (issue 17): gcp-prod passes; its saved plan with the failover probe removed, moved
into the primary region, or not named by the workflow fails, naming the workload; mandatory."""

from __future__ import annotations

from typing import Any

from blueprint.policies import MANDATORY, RULES_BY_ID
from blueprint.types import gcp

from policy_helpers import violations_of

RULE = "gcp-failover-probe"


def _found(data: dict[str, Any]) -> list[Any]:
    return violations_of(data, rule_id=RULE)


def _probe(data: dict[str, Any]) -> dict[str, Any]:
    return next(r for r in data["resources"] if r["type"] == gcp.CLOUDRUNV2_WORKER_POOL and r["workload"] == "fraud-scoring")


def test_mandatory():
    assert RULES_BY_ID[RULE].enforcement == MANDATORY


def test_shipped_gcp_prod_passes(gcp_data):
    assert _found(gcp_data) == []


def test_fails_without_the_probe(gcp_data):
    gcp_data["resources"] = [r for r in gcp_data["resources"] if r["type"] != gcp.CLOUDRUNV2_WORKER_POOL]
    (v,) = _found(gcp_data)
    assert "fraud-scoring" in v.message and "no failover probe outside europe-west4" in v.message
    assert v.urn.endswith("::fraud-scoring-failover-workflow")


def test_fails_with_the_probe_in_the_primary_region(gcp_data):
    _probe(gcp_data)["region"] = "europe-west4"
    (v,) = _found(gcp_data)
    assert "prod-fraud-scoring-probe in europe-west4" in v.message


def test_fails_when_the_workflow_does_not_act_on_the_probe(gcp_data):
    _probe(gcp_data)["inputs"]["labels"]["blueprint-failover-probe"] = "someone-elses-probe"
    (v,) = _found(gcp_data)
    assert "the workflow acts on ['prod-fraud-scoring-probe']" in v.message


def test_aws_plans_are_not_judged(prod_data):
    assert _found(prod_data) == []


def test_fails_without_the_probes_heartbeat_alert(gcp_data):
    """Review finding 7: a probe nobody hears stop leaves the fast trigger off unseen."""
    gcp_data["resources"] = [r for r in gcp_data["resources"]
                             if not (r["type"] == gcp.MONITORING_ALERT_POLICY and r["name"].endswith("-probe-blind"))]
    (v,) = _found(gcp_data)
    assert "prod-fraud-scoring-probe has no heartbeat alert" in v.message and v.urn == _probe(gcp_data)["urn"]
