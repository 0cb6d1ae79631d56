"""The runbook's first failover step per workload: start the failover orchestration the plan holds
(issue 17), with the manual steps after it as the fallback.

- AWS: the workload's ARC Region switch plan (blueprint/components/aws/region_switch_plan.py). Commands of
  the ``aws arc-region-switch`` CLI (https://docs.aws.amazon.com/cli/latest/reference/arc-region-switch/):
  ``list-plans-in-region``, ``start-plan-execution --plan-arn --target-region --action
  activate|deactivate --mode graceful|ungraceful``, ``approve-plan-execution-step --plan-arn
  --execution-id --step-name --approval approve|decline``, ``get-plan-execution`` (``executionState``),
  ``cancel-plan-execution``. They are all Region switch *data plane* operations, served in every
  Region of the plan ("Region switch API operations",
  https://docs.aws.amazon.com/r53recovery/latest/dg/actions.region-switch.html; ``ListPlans`` and
  ``GetPlan`` are control plane only), so the runbook calls them in the surviving Region.
  ``ungraceful`` is the mode for a lost Region: it "changes the behavior of the execution blocks or
  skips specific execution blocks" that need the impaired Region (API_StartPlanExecution).
- GCP: the workload's Cloud Workflows failover workflow (blueprint/components/gcp/failover_workflow.py):
  ``gcloud workflows run`` with ``declared_by`` (a declared disaster: no incident check, no
  approval), or the approval callback of an execution the alert already started (its log entry holds
  the exact ``curl`` command: blueprint/components/gcp/_failover_source.py).
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from blueprint.analysis.facts import REBUILD_HEALTH_CHECK, PlanFacts, SwitchPlanEntry

# The approval step's name in every generated plan (blueprint/components/aws/region_switch_plan.py workflows()).
APPROVAL_STEP = "approve-failover"
# GetPlanExecution executionState values that mean the plan did not do its job (boto3
# ARCRegionswitch ListPlanExecutions ``state``): then the manual steps below take over.
FAILED_STATES = ("failed", "pausedByFailedStep", "planExecutionTimedOut", "canceled")


def _one(facts: PlanFacts, workload: str) -> Optional[SwitchPlanEntry]:
    """The workload's failover orchestration resource (the read model's RebuildRecords, in plan order)."""
    return next((o for o in facts.rebuild.orchestrations if o.workload == workload), None)


def _has_approval(found: SwitchPlanEntry) -> bool:
    return APPROVAL_STEP in found.step_names


def _approver_prefix(facts: PlanFacts, workload: str) -> str:
    """The name prefix of the plan's approver role (IAM adds a unique suffix to it)."""
    return facts.rebuild.approver_prefixes.get(workload) or f"{workload}-region-switch-approver-role"


def aws_action(found: SwitchPlanEntry, lost: str, survivor: str) -> Optional[tuple[str, str]]:
    """(action, target region) that fails the workload over after losing ``lost``, or None (the lost
    region was an active/passive plan's standby: nothing served there)."""
    if found.approach == "activeActive":
        return "deactivate", lost  # the survivor already serves: take the impaired region out
    if found.primary_region == lost:
        return "activate", survivor
    return None


def _trigger_survives(facts: PlanFacts, workload: str, lost: str, found: SwitchPlanEntry) -> bool:
    """Whether the plan's trigger for ``lost`` lives outside it: the resilience model's trigger credit for the
    primary's loss (blueprint/analysis/aws_orchestration.py); the composer probes a lost secondary from the
    primary the same way (blueprint/components/aws/orchestration.py)."""
    if lost != found.primary_region:
        return True
    w = next((w for w in facts.workloads if w.name == workload), None)
    return w is not None and w.orchestration is not None and w.orchestration.trigger_s is not None


def aws_plan_step(facts: PlanFacts, workload: str, lost: str, survivor: str) -> Optional[tuple[str, list[str], list[str]]]:
    """(title, commands, notes) that start the workload's Region switch plan, or None (no plan)."""
    found = _one(facts, workload)
    action = aws_action(found, lost, survivor) if found is not None else None
    if found is None or action is None:
        return None
    name, (verb, target) = found.name, action
    var = "PLAN_" + workload.upper().replace("-", "_")
    run = "EXEC_" + workload.upper().replace("-", "_")
    cmds = [f"{var}=$(aws arc-region-switch list-plans-in-region --region {survivor} "
            f"--query \"plans[?name=='{name}'].arn | [0]\" --output text)"]
    notes = [f"Region switch plan `{name}` ({found.approach}): {verb} {target}; it runs the "
             "workload's database, capacity and traffic steps below in order, in parallel where safe"]
    if found.triggered and not _trigger_survives(facts, workload, lost, found):
        notes.append(f"its trigger for {lost} was evaluated in {lost} (or no probe outside {lost} feeds it) and was "
                     "lost with it: nothing started the plan, start it with the command below")
    elif found.triggered:
        cmds += [f"# automatic plan: its trigger (the failover probe's alarm in {survivor}, which probes {lost}) has "
                 "probably started it already; its execution id, if so:",
                 f"aws arc-region-switch list-plans-in-region --region {survivor} "
                 f"--query \"plans[?name=='{name}'].activePlanExecution | [0]\" --output text"]
        notes.append(f"an execution already running refuses a second one: then set {run} to the id printed above "
                     "instead of starting one")
    cmds.append(f"{run}=$(aws arc-region-switch start-plan-execution --region {survivor} --plan-arn \"${var}\" "
                f"--target-region {target} --action {verb} --mode ungraceful "
                f"--comment \"region loss of {lost} declared\" --query executionId --output text)")
    if _has_approval(found):
        approver = _approver_prefix(facts, workload)
        cmds += ["# a human declares the disaster: approve the plan's approval step with the plan's approver role "
                 f"(IAM role named {approver}*; arc-region-switch:ApprovePlanExecutionStep on this plan only)",
                 f"aws arc-region-switch approve-plan-execution-step --region {survivor} --plan-arn \"${var}\" "
                 f"--execution-id \"${run}\" --step-name {APPROVAL_STEP} --approval approve --comment \"declared by $USER\""]
    cmds += [f"aws arc-region-switch get-plan-execution --region {survivor} --plan-arn \"${var}\" --execution-id \"${run}\" "
             "--no-paginate --query executionState --output text   # until completed",
             f"# {' / '.join(FAILED_STATES)}: stop it and run the manual steps below for {workload}",
             f"#   aws arc-region-switch cancel-plan-execution --region {survivor} --plan-arn \"${var}\" --execution-id \"${run}\""]
    return f"{workload}: start its failover orchestration (Region switch plan {name})", cmds, notes


def gcp_workflow_step(facts: PlanFacts, workload: str, lost: str, project: Optional[str]) -> Optional[tuple[str, list[str], list[str]]]:
    """(title, commands, notes) that run the workload's failover workflow, or None (no workflow, or
    it lived in the lost region: the lost region was the standby)."""
    found = _one(facts, workload)
    if found is None or found.region == lost:
        return None
    name, region = found.name, found.region
    where = f"--location={region} --project={project}"
    cmds = [
        "# its failover probe (or, minutes later, the primary-down alert) has probably started it already:",
        f"gcloud workflows executions list {name} {where} --limit=3   # an ACTIVE or SUCCEEDED one: do not start another",
        "# an execution may wait for an approval (manual approval): the exact approval command, if so",
        f"gcloud logging read 'resource.type=\"workflows.googleapis.com/Workflow\" AND jsonPayload.callback_url:*' "
        f"--project={project} --limit=1 --format='value(jsonPayload.approve_command)'",
        "# else declare the disaster: runs every action at once (no incident check, no approval)",
        f"gcloud workflows run {name} {where} --data='{{\"declared_by\": \"'\"$USER\"'\"}}'",
        f"gcloud workflows executions list {name} {where} --limit=3   # the latest must be SUCCEEDED",
    ]
    labels: Mapping[str, Any] = found.labels
    notes = [f"failover workflow `{name}` in {region} ({labels.get('blueprint-failover-approval', '?')} approval; steps: "
             f"{labels.get('blueprint-failover-steps', '?')}); it raises an error naming the failed branch",
             f"FAILED or a branch error: run the manual steps below for {workload}"]
    return f"{workload}: start its failover orchestration (workflow {name})", cmds, notes


def aws_ungate_commands(facts: PlanFacts, workload: str, fqdn: str, survivor: str) -> tuple[list[str], list[str]]:
    """(commands, notes) for the manual DNS fallback when the survivor's record answers only while the
    Region switch plan's health check of its region is healthy (a ``-serving-check``:
    blueprint/components/aws/dns_failover.py) and the plan's traffic step did not run: point the record at its
    endpoint check alone. Nothing when the record has no such check."""
    checks = [c.logical for c in facts.rebuild.of(REBUILD_HEALTH_CHECK, workload)]
    if not any(n.endswith(f"-{survivor}-serving-check") for n in checks):
        return _ungate_fallback_region(facts, workload, fqdn, survivor, checks)
    endpoint = next((n for n in checks if n.endswith(f"-{survivor}-health-check")), None)
    if endpoint is None:
        return [], []
    rr, change = f"rr-{workload}-{survivor}.json", f"ungate-{workload}.json"
    cmds = [f"# only if the Region switch plan's traffic step did not run: {survivor}'s record waits for the plan's health check; "
            "point it at its endpoint check alone",
            f"aws route53 list-resource-record-sets --hosted-zone-id \"$ZONE\" "
            f"--query \"ResourceRecordSets[?Name=='{fqdn}.' && SetIdentifier=='{survivor}'] | [0]\" > {rr}",
            f"jq --arg hc \"$(hc_id {endpoint})\" '{{Changes: [{{Action: \"UPSERT\", ResourceRecordSet: (. + {{HealthCheckId: $hc}})}}]}}' "
            f"{rr} > {change}",
            f"aws route53 change-resource-record-sets --hosted-zone-id \"$ZONE\" --change-batch file://{change}"]
    notes = [f"{fqdn} answers from a region only while its endpoint check and the Region switch plan's check of the region are "
             "both healthy: the plan's traffic step (above) moves it; the promotion's `pulumi up` puts the record's check back"]
    return cmds, notes


def _ungate_fallback_region(facts: PlanFacts, workload: str, fqdn: str, survivor: str,
                            checks: list[str]) -> tuple[list[str], list[str]]:
    """A region with a degraded-mode fallback (``service.fallback``) has no ``-serving-check``: its record
    aliases the region's weighted group (GPU endpoint, fallback at weight 0) with Evaluate target health and
    carries the Region switch plan's check of the region itself (blueprint/components/aws/dns_failover.py).
    Ungating drops that check; Evaluate target health still follows the weighted group."""
    if _one(facts, workload) is None or not any(n.endswith(f"-{survivor}-fallback-health-check") for n in checks):
        return [], []
    rr, change = f"rr-{workload}-{survivor}.json", f"ungate-{workload}.json"
    cmds = [f"# only if the Region switch plan's traffic step did not run: {survivor}'s record waits for the plan's health check; "
            "drop it (the record still follows its weighted group of GPU endpoint and fallback)",
            f"aws route53 list-resource-record-sets --hosted-zone-id \"$ZONE\" "
            f"--query \"ResourceRecordSets[?Name=='{fqdn}.' && SetIdentifier=='{survivor}'] | [0]\" > {rr}",
            f"jq '{{Changes: [{{Action: \"UPSERT\", ResourceRecordSet: (. | del(.HealthCheckId))}}]}}' {rr} > {change}",
            f"aws route53 change-resource-record-sets --hosted-zone-id \"$ZONE\" --change-batch file://{change}"]
    notes = [f"{fqdn} answers from a region only while the Region switch plan's check of the region is healthy and its weighted "
             "group (GPU endpoint, else the fallback) answers: the plan's traffic step (above) moves it; the promotion's "
             "`pulumi up` puts the record's check back"]
    return cmds, notes
