"""The rebuild runbook takes the break-glass DR access right after declaring the disaster (the exact
`aws sts assume-role --serial-number --token-code` / `gcloud pam grants create` command), and replays
each queued workload's dead letters in the survivor once it serves (`blueprint queue replay`)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from blueprint.plan.run import plan_stack
from blueprint.project import StackRef
from blueprint.rebuild import promote
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


def test_aws_break_glass_first_then_replay_after_verify(prod):
    text = _runbook(*prod, "us-east-1")
    assert ("aws sts assume-role --role-arn \"$ROLE_ARN\" --role-session-name \"dr-$(whoami)\" --serial-number \"$MFA_SERIAL\" "
            "--token-code <6-digit MFA code> --duration-seconds 3600 --region us-west-2") in text
    assert "ROLE_ARN=arn:aws:iam::$ACCOUNT:role/prod-break-glass-dr" in text
    replay = "blueprint queue replay --stack prod --workload fraud-scoring --region us-west-2 --max-messages 100 --max-seconds 300"
    assert replay in text and "--workload batch-embeddings --region us-west-2 --dry-run" in text
    assert text.index("Take the break-glass DR access") < text.index("aws rds failover-global-cluster")
    assert text.index("Verify:") < text.index("Replay the dead letters")


def test_gcp_requests_the_pam_grant(gcp_prod):
    text = _runbook(*gcp_prod, "europe-west4")
    assert ("gcloud pam grants create --entitlement=projects/acme-ml-prod/locations/global/entitlements/prod-break-glass-dr "
            "--requested-duration=3600s") in text
    assert "blueprint queue replay --stack gcp-prod --workload batch-embeddings --region europe-west1" in text


def test_no_steps_without_the_role_or_queues(prod):
    ref, plan = prod
    bare = dataclasses.replace(plan, resources=[r for r in plan.resources if r.type not in (aws.IAM_ROLE, aws.SQS_QUEUE)])
    text = _runbook(ref, bare, "us-east-1")
    assert "break-glass" not in text and "blueprint queue replay" not in text


def test_aws_break_glass_says_which_sts_endpoints_the_role_accepts(prod):
    # Review finding 5: the role trusts only the stack's regions (aws:RequestedRegion); the global endpoint counts as
    # us-east-1, so the console's Switch Role is refused for stacks without us-east-1: the runbook says so.
    text = _runbook(*prod, "us-east-1")
    assert "CLI or SDK with a regional STS endpoint in one of the stack's regions only" in text
    assert "console's Switch Role" in text
    for page in ("region-rebuild.md", "dr-drill.md"):
        assert "regional STS endpoint" in (ROOT / "docs" / "runbooks" / page).read_text(encoding="utf-8")
    assert "aws sts assume-role --role-arn" in (ROOT / "docs" / "runbooks" / "dr-drill.md").read_text(encoding="utf-8")
