"""AWS plan -> each workload's failover orchestration (facts.Orchestration): its ARC Region switch plan
(blueprint/components/aws/region_switch_plan.py), read from the plan's inputs only.

- Steps: ``workflows[].steps[]`` (``executionBlockType``, and the members of ``Parallel`` steps'
  ``parallelConfigs[].steps``): ``AuroraGlobalDatabase`` runs the database failover,
  ``EKSResourceScaling`` the GPU capacity (the Deployment's replicas; the cluster autoscaler adds the
  nodes), ``Route53HealthCheck`` the traffic step (API_Plan / API_Step, Region switch API reference,
  https://docs.aws.amazon.com/arc-region-switch/latest/api/API_Step.html).
- Approval: a ``ManualApproval`` step means a human declares the disaster; otherwise the plan's
  ``triggers`` start it when their ``associatedAlarms`` go red (API_Trigger, API_AssociatedAlarm).
- When an automatic plan starts: its trigger alarm on the primary (a FailoverProbe's ``EndpointUp``
  alarm in the other region, blueprint/components/aws/failover_probe.py; or a Route 53
  ``HealthCheckStatus`` alarm) reaches ALARM once ``datapointsToAlarm`` of its ``evaluationPeriods``
  periods breach (CloudWatch User Guide, "Using Amazon CloudWatch alarms",
  https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html), then Region
  switch starts the plan (figures.region_switch_trigger). The model counts ``period`` x
  ``datapointsToAlarm`` + the last slot's verdict (a probe slot's datapoint is published once its
  attempts answered or their one deadline, ``ATTEMPT_TIMEOUT_S``, passed) + the alarm's evaluation
  (every 10 s for a 10/20/30 s period) + that delay;
  for a Route 53 alarm, the health check's verdict first. No credit for an alarm evaluated in the
  primary region (it is lost with it), nor for a probe alarm with no probe publishing its metric.
- Direct start (issue 17): when that probe starts the plan itself (its environment names, in
  ``START_PLAN_PARAMETER``, an SSM parameter of its region that the plan writes its ARN to, and its
  ``START_ACTION`` / ``START_TARGET_REGION`` are the trigger's), the plan starts ``START_AFTER_SLOTS`` x
  ``PERIOD_S`` + the last slot's verdict after the failure, + StartPlanExecution -> first step
  (figures.region_switch_api_start): no alarm evaluation, no alarm -> execution delay. The trigger
  alarm remains the backstop; without the direct start the alarm path above is the estimate.
- Coverage (both paths): the probe runs on a rate(1 minute) schedule whose invocations start up to
  ``eventbridge_schedule_gap`` (120 s) apart, and each invocation reads CloudWatch (``probe_pre_slot_reads``,
  32 s worst case) before its first slot. An invocation probes ``RUN_S`` seconds (60 when its environment does
  not say), cut short by the function's ``timeout`` (Lambda's default 3 s when unset) less the last slot's
  verdict and publish; when that is shorter than gap + reads, the worst case leaves the difference unprobed
  and the model adds it. blueprint's probe runs 160 s (failover_probe.RUN_S): invocations overlap, nothing added.
- Degraded serving: a probe with ``TARGET_FALLBACK_HOST`` counts the watched region up while its fallback load
  balancer answers, so only the loss of the region as a whole (GPU and fallback) starts the plan; the figure
  above is for that loss.
- Order: the failover workflow's top-level steps run in sequence, a Parallel step's members together
  (``Orchestration.stages``); the resilience model starts each stage when the previous one ends.
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


def _watched(alarm: PlannedResource, health_by_id: dict, probed: dict[str, str]) -> Optional[str]:
    """The region an alarm watches: a FailoverProbe's ``WatchedRegion`` dimension, or the region of the
    load balancer a Route 53 health check (``HealthCheckId`` dimension) probes."""
    dims = alarm.inputs.get("dimensions") or {}
    if dims.get("WatchedRegion"):
        return str(dims["WatchedRegion"])
    check = health_by_id.get(dims.get("HealthCheckId"))
    return probed.get(check.urn) if check is not None else None


def _probe_of(alarm: PlannedResource, functions: Iterable[PlannedResource], watched: str) -> Optional[PlannedResource]:
    """The Lambda function that publishes the alarm's metric (namespace, workload and watched region), in the
    alarm's region."""
    for fn in functions:
        env = ((fn.inputs.get("environment") or {}).get("variables")) or {}
        if (fn.region == alarm.region and env.get("NAMESPACE") == alarm.inputs.get("namespace")
                and env.get("WATCHED_REGION") == watched
                and env.get("WORKLOAD") == (alarm.inputs.get("dimensions") or {}).get("Workload")):
            return fn
    return None


def _probe_verdict_s(probe: PlannedResource) -> float:
    """When a slot's datapoint is published, after the slot's start: its concurrent attempts' one deadline
    (blueprint/components/aws/failover_probe_handler.py), 3 s when the function does not say."""
    env = ((probe.inputs.get("environment") or {}).get("variables")) or {}
    try:
        return float(env.get("ATTEMPT_TIMEOUT_S") or 3)
    except (TypeError, ValueError):
        return 3.0


def _alarm_seconds(alarm: PlannedResource, figures: Figures) -> tuple[float, str]:
    """Failed datapoints the alarm needs x its period, plus when CloudWatch evaluates it."""
    period = float(alarm.inputs.get("period") or 60)
    needed = float(alarm.inputs.get("datapointsToAlarm") or alarm.inputs.get("evaluationPeriods") or 1)
    evaluation = figures.cloudwatch_high_res_evaluation if period < 60 else figures.cloudwatch_evaluation
    return (period * needed + evaluation.seconds,
            f"{needed:g} failed datapoints x {period:g} s period + evaluation {evaluation.seconds:g} s ({evaluation.source})")


def _env(fn: PlannedResource) -> dict:
    return ((fn.inputs.get("environment") or {}).get("variables")) or {}


def _direct_start(probe: PlannedResource, plan: PlannedResource, trigger: dict,
                  parameters: Iterable[PlannedResource]) -> Optional[PlannedResource]:
    """The SSM parameter through which ``probe`` starts ``plan`` itself, or None: the probe's START_PLAN_PARAMETER
    names a parameter of its region written from this plan (its value is the plan's ARN, or it depends on the
    plan), with the trigger's action and target region, and the probe checks its own region (SELF_HOST)."""
    env = _env(probe)
    name = env.get("START_PLAN_PARAMETER")
    if not name or not env.get("SELF_HOST") or env.get("START_ACTION") != trigger.get("action") \
            or env.get("START_TARGET_REGION") != trigger.get("targetRegion"):
        return None
    arn = plan.outputs.get("arn")
    for parameter in parameters:
        if parameter.region == probe.region and parameter.inputs.get("name") == name and (
                (arn and parameter.inputs.get("insecureValue") == arn) or plan.urn in (parameter.dependencies or [])):
            return parameter
    return None


def _unprobed(probe: PlannedResource, verdict: float, figures: Figures) -> tuple[float, str]:
    """Seconds the probe's schedule may leave unprobed (module doc, "Coverage"), and why."""
    env, gap, reads = _env(probe), figures.eventbridge_schedule_gap, figures.probe_pre_slot_reads
    try:
        run_s, timeout = float(env.get("RUN_S") or 60), float(probe.inputs.get("timeout") or 3)
    except (TypeError, ValueError):
        run_s, timeout = 60.0, 3.0
    covered = max(0.0, min(run_s, timeout - verdict - 1))
    missing = max(0.0, gap.seconds + reads.seconds - covered)
    if not missing:
        return 0.0, (f"; each run probes {covered:g} s, more than the schedule's worst gap {gap.seconds:g} s + "
                     f"its reads {reads.seconds:g} s: runs overlap ({gap.source})")
    return missing, (f"; + {missing:g} s unprobed: each run probes {covered:g} s (RUN_S, function timeout) but runs may "
                     f"start {gap.seconds:g} s apart and read {reads.seconds:g} s before their first slot ({gap.source})")


def _fallback_note(probe: PlannedResource) -> str:
    if not _env(probe).get("TARGET_FALLBACK_HOST"):
        return ""
    return "; the watched region counts as up while its fallback load balancer answers (degraded, not lost)"


def _direct_seconds(probe: PlannedResource, parameter: PlannedResource, alarm: PlannedResource, verdict: float,
                    figures: Figures) -> tuple[float, str]:
    env, start = _env(probe), figures.region_switch_api_start
    try:
        slots, period = float(env.get("START_AFTER_SLOTS") or 0), float(env.get("PERIOD_S") or 60)
    except (TypeError, ValueError):
        slots, period = 0.0, 60.0
    slots = slots or 1.0
    missing, coverage = _unprobed(probe, verdict, figures)
    return (slots * period + verdict + missing + start.seconds,
            f"the probe {probe.urn} in {probe.region} starts the plan itself (StartPlanExecution; its ARN from "
            f"{parameter.urn}): {slots:g} consecutive failed slots x {period:g} s + the last slot's verdict {verdict:g} s "
            f"(ATTEMPT_TIMEOUT_S){coverage}, then {start.seconds:g} s to the first step ({start.source}); its trigger "
            f"alarm {alarm.urn} stays the backstop{_fallback_note(probe)}")


def _trigger(plan: PlannedResource, alarms: dict[str, PlannedResource], health_by_id: dict, probed: dict[str, str],
             functions: list[PlannedResource], primary: str, figures: Figures,
             parameters: Iterable[PlannedResource] = ()) -> tuple[Optional[float], str]:
    """Seconds from the primary's failure until the plan starts: its trigger alarm on the primary is red,
    and Region switch acts on it. Credit only for an alarm (and its probe) outside the primary region."""
    by_key = {a.get("mapBlockKey"): a.get("resourceIdentifier") for a in plan.inputs.get("associatedAlarms") or []
              if isinstance(a, dict) and a.get("alarmType") == "trigger"}
    refused = []
    for trigger in plan.inputs.get("triggers") or []:
        for cond in (trigger or {}).get("conditions") or []:
            alarm = alarms.get(by_key.get(cond.get("associatedAlarmName")))
            if alarm is None or cond.get("condition") != "red" or _watched(alarm, health_by_id, probed) != primary:
                continue
            if alarm.region == primary:
                refused.append(f"its trigger alarm {alarm.urn} is evaluated in {primary}, the region whose loss it should "
                               "detect (Route 53 health-check metrics are published in us-east-1 only)")
                continue
            window, window_source = _alarm_seconds(alarm, figures)
            rs = figures.region_switch_trigger
            dims = alarm.inputs.get("dimensions") or {}
            if dims.get("WatchedRegion"):
                probe = _probe_of(alarm, functions, primary)
                if probe is None:
                    refused.append(f"no probe in {alarm.region} publishes the metric of its trigger alarm {alarm.urn}")
                    continue
                verdict = _probe_verdict_s(probe)
                direct = _direct_start(probe, plan, trigger, parameters)
                if direct is not None:
                    return _direct_seconds(probe, direct, alarm, verdict, figures)
                missing, coverage = _unprobed(probe, verdict, figures)
                return (window + verdict + missing + rs.seconds,
                        f"trigger alarm {alarm.urn} in {alarm.region}, on the probe {probe.urn}: {window_source}, + the last "
                        f"slot's verdict {verdict:g} s (its attempts' one deadline, ATTEMPT_TIMEOUT_S){coverage}; then "
                        f"Region switch starts the plan, {rs.seconds:g} s ({rs.source}){_fallback_note(probe)}")
            check = health_by_id.get(dims.get("HealthCheckId"))
            verdict = float(check.inputs.get("requestInterval") or 30) * float(check.inputs.get("failureThreshold") or 3)
            return (verdict + figures.dns_checker_latency.seconds + window + rs.seconds,
                    f"trigger alarm {alarm.urn}: health check verdict {verdict:g} s + checkers "
                    f"{figures.dns_checker_latency.seconds:g} s, then {window_source}; then Region switch starts the plan, "
                    f"{rs.seconds:g} s ({rs.source})")
    if refused:
        return None, "; ".join(refused) + ", so in that loss nothing starts the plan"
    return None, "no trigger alarm watching the primary region in the plan"


def _stages(steps: Iterable[Any]) -> tuple[tuple[str, ...], ...]:
    """The failover workflow's recovery steps in the plan's order: each top-level step is a stage, a
    Parallel step's members run together (API_Step: a workflow's steps run in sequence)."""
    stages = []
    for step in steps or []:
        kinds = tuple(BLOCK_STEPS[s["executionBlockType"]] for s in _flat([step]) if s.get("executionBlockType") in BLOCK_STEPS)
        if kinds:
            stages.append(kinds)
    return tuple(stages)


def read(workloads: dict, plans: Iterable[PlannedResource], alarms: Iterable[PlannedResource], health_by_id: dict,
         figures: Figures, functions: Iterable[PlannedResource] = (), parameters: Iterable[PlannedResource] = ()) -> None:
    """Set ``orchestration`` on each workload that a Region switch plan serves."""
    by_arn = {a.outputs.get("arn"): a for a in alarms if a.outputs.get("arn")}
    functions, parameters = list(functions), list(parameters)
    for plan in plans:
        w = workloads.get(plan.workload or "")
        if w is None:
            continue
        workflow = _workflow(plan, w.primary_region)
        steps = _flat(workflow)
        automated = {BLOCK_STEPS[s["executionBlockType"]]: str(s.get("name"))
                     for s in steps if s.get("executionBlockType") in BLOCK_STEPS}
        manual = any(s.get("executionBlockType") == MANUAL_BLOCK for s in steps)
        probed = {p.urn: p.region for p in (w.routing.probes if w.routing else ())}
        trigger_s, trigger_source = (None, "a human starts it") if manual else _trigger(
            plan, by_arn, health_by_id, probed, functions, w.primary_region, figures, parameters)
        stages = _stages(workflow)
        ordering = ("the plan runs its steps in sequence: " + " -> ".join(" + ".join(s) for s in stages)) if len(stages) > 1 else ""
        w.orchestration = Orchestration(plan.urn, KIND, "manual" if manual else "automatic", automated,
                                        trigger_s, trigger_source, ordering, stages)
