"""`blueprint audit [--endpoint-url URL]`: compare a live AWS account with the plan (boto3).

Checks: vault buckets (versioning, Object Lock mode and days, replication to the planned region's
vault), Aurora global clusters (members in the planned regions, writer in the primary), Route 53
health checks (interval, failure threshold, path), load balancers (zones, a healthy target in
every zone), AWS Backup recovery points (a completed one within ``recent_hours`` in the plan's
vault and in each copy vault).

Matching: by the ``Name`` tag (the resource's logical name, set on every taggable child) and the
resource type, or by explicit identifiers (Aurora global cluster ids, Backup vault names); never by
the plan's physical names, which are auto-names of the offline mocks. Two buckets carrying one
vault's Name tag are a drift finding naming both (issue 16): auditing either would hide the other. Credentials come from the
environment (the standard boto3 chain).
"""

from __future__ import annotations

import json
from typing import Any, Optional

from blueprint.audit.expected import Expected, expected_from_plan
from blueprint.audit.live import (
    DRIFTED, MISSING, OK, UNSUPPORTED, AccessError, Finding, client_factory, failed, run_checks,
)
from blueprint.plan.model import Plan

__all__ = ["AccessError", "Expected", "Finding", "audit", "expected_from_plan", "failed", "render_json", "render_text",
           "OK", "MISSING", "DRIFTED", "UNSUPPORTED"]


def audit(plan: Plan, endpoint_url: Optional[str] = None, recent_hours: float = 24.0, max_attempts: int = 3) -> list[Finding]:
    """Every finding; raises :class:`AccessError` for missing/rejected credentials or an unreachable endpoint."""
    if (plan.cloud or "aws") != "aws":
        raise ValueError(f"blueprint audit reads AWS accounts; stack {plan.stack} is on {plan.cloud}")
    return run_checks(expected_from_plan(plan), client_factory(endpoint_url, max_attempts), recent_hours)


def _counts(findings: list[Finding]) -> dict[str, int]:
    return {s: sum(1 for f in findings if f.status == s) for s in (OK, MISSING, DRIFTED, UNSUPPORTED)}


def render_json(plan: Plan, findings: list[Finding]) -> str:
    data: dict[str, Any] = {"stack": plan.stack, "ok": not failed(findings), "summary": _counts(findings),
                            "findings": [f.to_json() for f in findings]}
    return json.dumps(data, indent=2, default=str) + "\n"


def render_text(plan: Plan, findings: list[Finding]) -> str:
    lines = [f"blueprint audit: stack {plan.stack}"]
    for f in findings:
        line = f"{f.status.upper():11} {f.check:15} {f.region:10} {f.item}: {f.detail}"
        if f.status in (MISSING, DRIFTED) and (f.expected is not None or f.actual is not None):
            line += f" (expected {f.expected}, actual {f.actual})"
        lines.append(line)
    c = _counts(findings)
    lines.append(f"{c[OK]} ok, {c[MISSING]} missing, {c[DRIFTED]} drifted, {c[UNSUPPORTED]} unsupported by the endpoint")
    lines.append("FAIL" if failed(findings) else "PASS")
    return "\n".join(lines) + "\n"
