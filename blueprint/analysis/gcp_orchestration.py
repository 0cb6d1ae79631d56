"""GCP plan -> each workload's failover orchestration (facts.Orchestration): its Cloud Workflows workflow
(blueprint/components/gcp/failover_workflow.py), read from the plan's labels and source only.

- Approval: label ``blueprint-failover-approval`` (automatic | manual).
- Steps: label ``blueprint-failover-steps``, '_'-joined short names (blueprint/components/gcp/failover_workflow.py
  STEP_LABELS): ``db-failover`` / ``db-promote`` run the database step, ``traffic`` the standby backend
  capacity, ``gpu-<capacity>`` the standby GPU pool floors; ``approve`` is the approval.
- When an automatic workflow starts: its Eventarc trigger fires on the alert notification of one of the
  source's ``trigger_policies`` (alert policy display names). Cloud Monitoring opens the incident once the
  condition holds for its ``duration`` (the retest window) over points aligned per ``alignmentPeriod``
  (Cloud Monitoring, "Behavior of metric-based alerting policies",
  https://cloud.google.com/monitoring/alerts/concepts-indepth: "alignment periods and retest windows
  determine when a condition is met"); the model counts both. Pub/Sub and
  Eventarc delivery (seconds) is not modelled.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Optional

from blueprint.analysis.facts import STEP_DATABASE, STEP_GPU, STEP_TRAFFIC, Orchestration
from blueprint.plan.model import PlannedResource

KIND = "Cloud Workflows workflow"
LABEL_APPROVAL = "blueprint-failover-approval"
LABEL_STEPS = "blueprint-failover-steps"
# The source assigns the trigger policies' display names (blueprint/components/gcp/_failover_source.py).
_POLICIES = re.compile(r"trigger_policies:\s*\n((?:\s*-\s*.+\n)+)")


def _step_kind(short: str) -> Optional[str]:
    if short in ("db-failover", "db-promote"):
        return STEP_DATABASE
    if short == "traffic":
        return STEP_TRAFFIC
    if short.startswith("gpu-"):
        return STEP_GPU
    return None


def _seconds(value: Any) -> float:
    text = str(value or "0s").rstrip("s")
    try:
        return float(text)
    except ValueError:
        return 0.0


def _trigger(source: str, policies: dict[str, PlannedResource]) -> tuple[Optional[float], str]:
    match = _POLICIES.search(source or "")
    names = [line.strip().lstrip("-").strip().strip("'\"") for line in match.group(1).splitlines()] if match else []
    best: Optional[tuple[float, str]] = None
    for name in names:
        policy = policies.get(name)
        if policy is None:
            continue
        for cond in policy.inputs.get("conditions") or []:
            threshold = (cond or {}).get("conditionThreshold") or {}
            align = max((_seconds(a.get("alignmentPeriod")) for a in threshold.get("aggregations") or []), default=0.0)
            seconds = _seconds(threshold.get("duration")) + align
            if best is None or seconds < best[0]:
                best = (seconds, f"alert policy {policy.urn} ({name!r}): duration {_seconds(threshold.get('duration')):g} s + "
                                 f"alignment period {align:g} s (Cloud Monitoring, 'Behavior of metric-based alerting policies': alignment period and retest window), then Eventarc starts "
                                 "the workflow (delivery not modelled)")
    return best if best is not None else (None, "no trigger alert policy of the workflow in the plan")


def read(workloads: dict, workflows: Iterable[PlannedResource], policies: Iterable[PlannedResource]) -> None:
    """Set ``orchestration`` on each workload that a failover workflow serves."""
    by_name = {p.inputs.get("displayName"): p for p in policies if p.inputs.get("displayName")}
    for wf in workflows:
        w = workloads.get(wf.workload or "")
        labels = wf.inputs.get("labels") or {}
        if w is None or LABEL_APPROVAL not in labels:
            continue
        shorts = [s for s in str(labels.get(LABEL_STEPS) or "").split("_") if s]
        steps = {kind: short for short in shorts if (kind := _step_kind(short)) is not None}
        approval = "manual" if labels.get(LABEL_APPROVAL) == "manual" or "approve" in shorts else "automatic"
        trigger_s, source = _trigger(str(wf.inputs.get("sourceContents") or ""), by_name)
        w.orchestration = Orchestration(wf.urn, KIND, approval, steps, trigger_s, source)
