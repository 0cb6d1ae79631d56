"""AWS plan -> each workload's failover orchestration (facts.Orchestration): its ARC Region switch plan
(blueprint/components/aws/region_switch_plan.py), read from the plan's inputs only.

- Steps: ``workflows[].steps[]`` (``executionBlockType``, and the members of ``Parallel`` steps'
  ``parallelConfigs[].steps``): ``AuroraGlobalDatabase`` runs the database failover,
  ``EKSResourceScaling`` the GPU capacity (the Deployment's replicas; the cluster autoscaler adds the
  nodes), ``Route53HealthCheck`` the traffic step (API_Plan / API_Step, Region switch API reference,
  https://docs.aws.amazon.com/arc-region-switch/latest/api/API_Step.html).
- Approval: a ``ManualApproval`` step means a human declares the disaster; otherwise the plan's
  ``triggers`` start it when their ``associatedAlarms`` go red (API_Trigger, API_AssociatedAlarm).
- When an automatic plan starts: its trigger alarm (the primary's, ``HealthCheckStatus`` of the
  Route 53 health check, blueprint/components/aws/region_switch_plan.py) reaches ALARM once
  ``datapointsToAlarm`` of its ``evaluationPeriods`` periods breach (CloudWatch User Guide, "Using
  Amazon CloudWatch alarms", evaluating an alarm,
  https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html). The model counts the health check's verdict
  (``requestInterval`` x ``failureThreshold`` + the checkers' aggregation) plus ``period`` x
  ``evaluationPeriods``: the one-minute datapoint that holds the failed status.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from blueprint.analysis.facts import STEP_DATABASE, STEP_GPU, STEP_TRAFFIC, Orchestration
from blueprint.analysis.figures import Figures
from blueprint.plan.model import PlannedResource

KIND = "Region switch plan"
BLOCK_STEPS = {"AuroraGlobalDatabase": STEP_DATABASE, "EKSResourceScaling": STEP_GPU, "Route53HealthCheck": STEP_TRAFFIC}
MANUAL_BLOCK = "ManualApproval"


def _flat(steps: Iterable[Any]) -> list[dict]:
    """A workflow's steps with the members of its Parallel steps, in order."""
    out: list[dict] = []
    for step in steps or []:
        if not isinstance(step, dict):
            continue
        out.append(step)
        for block in step.get("parallelConfigs") or []:
            out.extend(_flat((block or {}).get("steps")))
    return out


def _workflow(plan: PlannedResource, primary: str) -> list[dict]:
    """The workflow that fails the primary over: activePassive activates the second region; activeActive
    deactivates the impaired (primary) region."""
    wanted = "deactivate" if plan.inputs.get("recoveryApproach") == "activeActive" else "activate"
    for wf in plan.inputs.get("workflows") or []:
        if isinstance(wf, dict) and wf.get("workflowTargetAction") == wanted:
            return list(wf.get("steps") or [])
    return []


def _trigger(plan: PlannedResource, alarms: dict[str, PlannedResource], health_by_id: dict, probed: dict[str, str],
             primary: str, figures: Figures) -> tuple[Optional[float], str]:
    """Seconds from the primary's failure until the plan's trigger alarm on the primary's health check is red."""
    by_key = {a.get("mapBlockKey"): a.get("resourceIdentifier") for a in plan.inputs.get("associatedAlarms") or []
              if isinstance(a, dict) and a.get("alarmType") == "trigger"}
    in_lost_region = None
    for trigger in plan.inputs.get("triggers") or []:
        for cond in (trigger or {}).get("conditions") or []:
            alarm = alarms.get(by_key.get(cond.get("associatedAlarmName")))
            check = health_by_id.get((alarm.inputs.get("dimensions") or {}).get("HealthCheckId")) if alarm else None
            if check is None or cond.get("condition") != "red" or probed.get(check.urn) != primary:
                continue
            if alarm.region == primary:
                # Route 53 health-check metrics exist only in us-east-1, so the alarm is evaluated there: with
                # us-east-1 the primary, the region whose loss it should detect is the one that evaluates it.
                in_lost_region = alarm
                continue
            verdict = float(check.inputs.get("requestInterval") or 30) * float(check.inputs.get("failureThreshold") or 3)
            periods = float(alarm.inputs.get("evaluationPeriods") or 1)
            window = float(alarm.inputs.get("period") or 60) * periods
            return (verdict + figures.dns_checker_latency.seconds + window,
                    f"trigger alarm {alarm.urn}: health check verdict {verdict:g} s + checkers "
                    f"{figures.dns_checker_latency.seconds:g} s, then {window:g} s ({periods:g} x period) of HealthCheckStatus "
                    "below 1 (CloudWatch UG, 'Using Amazon CloudWatch alarms': ALARM once datapointsToAlarm of "
                    "evaluationPeriods periods breach)")
    if in_lost_region is not None:
        return None, (f"its only trigger alarm ({in_lost_region.urn}) is evaluated in {primary}, the region it should "
                      "detect the loss of (Route 53 health-check metrics are published in us-east-1 only), so in that "
                      "loss nothing starts the plan")
    return None, "no trigger alarm on the primary region's health check in the plan"


def read(workloads: dict, plans: Iterable[PlannedResource], alarms: Iterable[PlannedResource], health_by_id: dict,
         figures: Figures) -> None:
    """Set ``orchestration`` on each workload that a Region switch plan serves."""
    by_arn = {a.outputs.get("arn"): a for a in alarms if a.outputs.get("arn")}
    for plan in plans:
        w = workloads.get(plan.workload or "")
        if w is None:
            continue
        steps = _flat(_workflow(plan, w.primary_region))
        automated = {BLOCK_STEPS[s["executionBlockType"]]: str(s.get("name"))
                     for s in steps if s.get("executionBlockType") in BLOCK_STEPS}
        manual = any(s.get("executionBlockType") == MANUAL_BLOCK for s in steps)
        probed = {p.urn: p.region for p in (w.routing.probes if w.routing else ())}
        trigger_s, trigger_source = (None, "a human starts it") if manual else _trigger(
            plan, by_arn, health_by_id, probed, w.primary_region, figures)
        top = [s.get("executionBlockType") for s in _workflow(plan, w.primary_region)]
        ordering = ("the plan runs its traffic step before the database and capacity steps (activeActive deactivate "
                    "workflow); that Route 53 health-check update's own duration is not modelled"
                    if top and top[0] == "Route53HealthCheck" else "")
        w.orchestration = Orchestration(plan.urn, KIND, "manual" if manual else "automatic", automated,
                                        trigger_s, trigger_source, ordering)
