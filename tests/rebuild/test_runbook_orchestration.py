"""The rebuild runbook starts from the failover orchestration (issue 17): the exact command that
starts the workload's Region switch plan (AWS) or failover workflow (GCP), the approval command for
manual plans, and today's manual commands kept as the fallback."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from blueprint.analysis import extract_facts
from blueprint.plan.run import plan_stack
from blueprint.project import StackRef
from blueprint.rebuild import promote
from blueprint.rebuild.orchestration import aws_plan_step, gcp_workflow_step
from blueprint.rebuild.runbook import render_runbook
from blueprint.types import aws, gcp

ROOT = Path(__file__).resolve().parents[2]
STACKS = ROOT / "stacks"


@pytest.fixture(scope="module")
def prod():
    ref = StackRef("prod", STACKS / "Pulumi.prod.yaml")
    return ref, plan_stack(ROOT, ref)


@pytest.fixture(scope="module")
def gcp_prod():
    ref = StackRef("gcp-prod", STACKS / "Pulumi.gcp-prod.yaml")
    return ref, plan_stack(ROOT, ref)


def _runbook(ref, plan, lost: str) -> str:
    return render_runbook(promote(ROOT, ref, lost), plan, None, None, None)


def _without(plan, type_):
    return dataclasses.replace(plan, resources=[r for r in plan.resources if r.type != type_])


def test_aws_runbook_starts_each_plan_before_the_manual_steps(prod):
    text = _runbook(*prod, "us-east-1")
    start = ("aws arc-region-switch start-plan-execution --region us-west-2 --plan-arn \"$PLAN_{var}\" "
             "--target-region {target} --action {action} --mode ungraceful")
    # active-active takes the impaired region out; active/passive activates the standby
    assert start.format(var="FRAUD_SCORING", target="us-east-1", action="deactivate") in text
    assert start.format(var="RECOMMENDATIONS", target="us-west-2", action="activate") in text
    assert ("PLAN_RECOMMENDATIONS=$(aws arc-region-switch list-plans-in-region --region us-west-2 "
            "--query \"plans[?name=='prod-recommendations'].arn | [0]\" --output text)") in text
    # automatic (mission-critical, and warm standby by default): no approval command
    for var in ("FRAUD_SCORING", "RECOMMENDATIONS"):
        assert f"--plan-arn \"$PLAN_{var}\" --execution-id \"$EXEC_{var}\" --step-name" not in text
    assert text.index("start its failover orchestration") < text.index("aws rds failover-global-cluster")
    # the manual commands stay, marked as the fallback
    assert "aws rds failover-global-cluster --region us-west-2" in text
    assert "FALLBACK: only if fraud-scoring's failover orchestration" in text


def test_aws_runbook_gives_the_approval_command_of_a_manual_plan(tmp_path):
    """failoverApproval: manual on the warm standby: its plan waits for the approval the runbook gives."""
    raw = yaml.safe_load((STACKS / "Pulumi.prod.yaml").read_text())
    workloads = raw["config"]["blueprint:workloads"]
    next(w for w in workloads if w["name"] == "recommendations")["failoverApproval"] = "manual"
    path = tmp_path / "Pulumi.prod.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    ref = StackRef("prod", path)
    text = _runbook(ref, plan_stack(ROOT, ref), "us-east-1")
    assert ("aws arc-region-switch approve-plan-execution-step --region us-west-2 --plan-arn \"$PLAN_RECOMMENDATIONS\" "
            "--execution-id \"$EXEC_RECOMMENDATIONS\" --step-name approve-failover --approval approve") in text
    assert "--plan-arn \"$PLAN_FRAUD_SCORING\" --execution-id \"$EXEC_FRAUD_SCORING\" --step-name" not in text


def test_aws_lost_secondary_deactivates_it_only_for_active_active(prod):
    ref, plan = prod
    title, cmds, _ = aws_plan_step(extract_facts(plan), "fraud-scoring", "us-west-2", "us-east-1")
    assert any("--target-region us-west-2 --action deactivate" in c and "--region us-east-1" in c for c in cmds)
    assert aws_plan_step(extract_facts(plan), "recommendations", "us-west-2", "us-east-1") is None  # its standby was lost


def test_aws_without_plans_the_manual_steps_are_the_runbook(prod):
    ref, plan = prod
    text = _runbook(ref, _without(plan, aws.ARCREGIONSWITCH_PLAN), "us-east-1")
    assert "arc-region-switch" not in text and "FALLBACK" not in text
    assert "aws rds failover-global-cluster --region us-west-2" in text


def test_gcp_runbook_runs_the_workflow_and_gives_the_approval_command(gcp_prod):
    text = _runbook(*gcp_prod, "europe-west4")
    assert ("gcloud workflows run prod-fraud-scoring-failover --location=europe-west1 --project=acme-ml-prod "
            "--data='{\"declared_by\": \"'\"$USER\"'\"}'") in text
    assert "--format='value(jsonPayload.approve_command)'" in text
    assert text.index("gcloud workflows run") < text.index("gcloud sql instances promote-replica")
    assert "FALLBACK: only if fraud-scoring's failover orchestration" in text


def test_gcp_workflow_in_the_lost_region_is_not_started(gcp_prod):
    ref, plan = gcp_prod
    assert gcp_workflow_step(extract_facts(plan), "fraud-scoring", "europe-west1", "acme-ml-prod") is None
    text = _runbook(ref, _without(plan, gcp.WORKFLOWS_WORKFLOW), "europe-west4")
    assert "gcloud workflows run" not in text and "FALLBACK" not in text


def test_aws_dns_fallback_can_ungate_the_survivors_record(prod):
    """The records wait for the plan's health checks: if the plan's traffic step never ran, the
    fallback points the survivor's record at its endpoint check alone."""
    text = _runbook(*prod, "us-east-1")
    # fraud-scoring's record has a calculated serving check: point it at the endpoint check alone.
    assert ("jq --arg hc \"$(hc_id fraud-scoring-dns-us-west-2-health-check)\" "
            "'{Changes: [{Action: \"UPSERT\", ResourceRecordSet: (. + {HealthCheckId: $hc})}]}'") in text
    # recommendations has a fallback: its record carries the plan's check itself; drop it.
    assert ("jq '{Changes: [{Action: \"UPSERT\", ResourceRecordSet: (. | del(.HealthCheckId))}]}' "
            "rr-recommendations-us-west-2.json > ungate-recommendations.json") in text
    assert "SetIdentifier=='us-west-2'] | [0]\" > rr-recommendations-us-west-2.json" in text


def test_aws_lost_us_east_1_the_probe_in_us_west_2_has_probably_started_the_plan(prod):
    # The trigger alarms of a us-east-1 loss live in us-west-2 (the failover probes): they survive it.
    east, west = _runbook(*prod, "us-east-1"), _runbook(*prod, "us-west-2")
    assert "the failover probe's alarm in us-west-2, which probes us-east-1) has probably started it already" in east
    assert "nothing started the plan" not in east and "nothing started the plan" not in west


def test_aws_without_its_probe_the_runbook_says_nothing_started_the_plan(prod):
    ref, plan = prod
    text = _runbook(ref, _without(plan, aws.LAMBDA_FUNCTION), "us-east-1")
    assert "(or no probe outside us-east-1 feeds it) and was lost with it: nothing started the plan" in text
