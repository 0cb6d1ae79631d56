"""GCP plan -> each workload's failover orchestration (facts.Orchestration): its Cloud Workflows workflow
(blueprint/components/gcp/failover_workflow.py), read from the plan's labels and source only.

- Approval: label ``blueprint-failover-approval`` (automatic | manual).
- Steps: label ``blueprint-failover-steps`` (all in one parallel stage), '_'-joined short names (blueprint/components/gcp/failover_workflow.py
  STEP_LABELS): ``db-failover`` / ``db-promote`` run the database step, ``traffic`` the standby backend
  capacity, ``gpu-<capacity>`` the standby GPU pool floors; ``approve`` is the approval.
- When an automatic workflow starts (``trigger_s``): the earliest of its triggers that can see the primary
  region's loss, then ``figures.failover_trigger_delivery`` (Pub/Sub, Eventarc, the execution's start):
  - a failover probe named in the source's ``trigger_probes`` (a Cloud Run worker pool labelled
    ``blueprint-failover-probe``, blueprint/components/gcp/failover_probe.py): the load balancer's own
    verdict on the primary's endpoints (its health check's ``checkIntervalSec x unhealthyThreshold``,
    the workload's routing probe) + up to one interval until the probe's next round starts + its
    window ``interval x failures`` (elapsed time from that round's start) + one interval, the deadline
    of the round that crosses the window (a round's reads run concurrently and end by ``interval``:
    blueprint/components/gcp/_failover_probe_app.py read_round). That is its fast path, which needs
    the standby's endpoints HEALTHY (the same assumption as the load balancer's traffic shift at
    detection) and, when it watches the primary Cloud SQL instance (label ``blueprint-probe-database``),
    that instance unreachable or not RUNNABLE from the loss on (an assumption to verify in a drill:
    docs/runbooks/dr-drill.md); the source says so and gives the hold window too. No credit for a
    probe running in the lost region.
  - an alert policy named in ``trigger_policies`` whose condition breaches on *missing* data
    (``evaluationMissingData: EVALUATION_MISSING_DATA_ACTIVE``): a lost region publishes nothing, so only
    such a condition opens on its loss. Cloud Monitoring opens the incident once the condition holds for
    its ``duration`` (the retest window) over points aligned per ``alignmentPeriod`` (Cloud Monitoring,
    "Behavior of metric-based alerting policies", https://cloud.google.com/monitoring/alerts/concepts-indepth);
    a Cloud SQL metric adds its visibility delay (``figures.cloudsql_metric_visibility``, 165 s). Other
    policies (queue age, 5xx: missing data not breaching) get no credit: a lost region's queue publishes
    nothing, and the load balancer moves its traffic away.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

import yaml

from blueprint.analysis.facts import STEP_DATABASE, STEP_GPU, STEP_TRAFFIC, Orchestration
from blueprint.analysis.figures import DEFAULT_FIGURES, Figures
from blueprint.plan.model import PlannedResource

KIND = "Cloud Workflows workflow"
LABEL_APPROVAL = "blueprint-failover-approval"
LABEL_STEPS = "blueprint-failover-steps"
# The source's first step assigns the trigger policies' display names and the trigger probes' names
# (blueprint/components/gcp/_failover_source.py _incident_check).
_POLICIES, _PROBES = "trigger_policies", "trigger_probes"
# The FailoverProbe's labels (blueprint/components/gcp/failover_probe.py).
LABEL_PROBE = "blueprint-failover-probe"
LABEL_INTERVAL = "blueprint-probe-interval-s"
LABEL_FAILURES = "blueprint-probe-failures"
LABEL_HOLD = "blueprint-probe-hold-failures"
LABEL_DATABASE = "blueprint-probe-database"
MISSING_DATA_ACTIVE = "EVALUATION_MISSING_DATA_ACTIVE"
CLOUDSQL_METRIC = "cloudsql.googleapis.com/"


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


def _names(key: str, source: str) -> list[str]:
    """The names the source's first step assigns to ``key`` (``trigger_policies`` / ``trigger_probes``)."""
    try:
        program = yaml.safe_load(source or "") or {}
        first = program["main"]["steps"][0]["read_event"]["assign"]
    except (yaml.YAMLError, KeyError, IndexError, TypeError):
        return []
    return [str(n) for item in first if isinstance(item, dict) for n in (item.get(key) or [])]


def _policy_trigger(name: str, policy: PlannedResource, figures: Figures) -> Optional[tuple[float, str]]:
    """When the policy's incident opens after a region loss, or None when its condition cannot see one."""
    best: Optional[tuple[float, str]] = None
    for cond in policy.inputs.get("conditions") or []:
        threshold = (cond or {}).get("conditionThreshold") or {}
        if threshold.get("evaluationMissingData") != MISSING_DATA_ACTIVE:
            continue
        align = max((_seconds(a.get("alignmentPeriod")) for a in threshold.get("aggregations") or []), default=0.0)
        duration = _seconds(threshold.get("duration"))
        late = figures.cloudsql_metric_visibility if CLOUDSQL_METRIC in str(threshold.get("filter") or "") else None
        seconds = (late.seconds if late else 0.0) + duration + align
        if best is None or seconds < best[0]:
            best = (seconds, f"alert policy {policy.urn} ({name!r}): "
                             + (f"metric visibility {late.seconds:g} s ({late.source}) + " if late else "")
                             + f"duration {duration:g} s + alignment period {align:g} s (Cloud Monitoring, 'Behavior of "
                             "metric-based alerting policies': alignment period and retest window; missing data breaches)")
    return best


def _probe_trigger(probe: PlannedResource, lb_verdict: tuple[float, str], lost: str) -> Optional[tuple[float, str]]:
    """When the probe publishes after ``lost`` goes down (its fast path), or None when it ran there or
    its timing labels are missing."""
    labels = probe.inputs.get("labels") or {}
    if probe.region == lost:
        return None
    try:
        interval, failures, hold = (float(labels.get(k) or 0) for k in (LABEL_INTERVAL, LABEL_FAILURES, LABEL_HOLD))
    except ValueError:
        return None
    if interval <= 0 or failures <= 0:
        return None  # its timing is not in the plan: nothing to credit
    seconds = lb_verdict[0] + interval * failures + 2 * interval
    database = labels.get(LABEL_DATABASE) == "yes"
    signals = ("the standby's endpoints HEALTHY and the primary Cloud SQL instance unreachable or not RUNNABLE (an "
               "assumption: Cloud SQL documents no state for a lost region's instance, and no drill can reproduce one; it is "
               "expected to stay RUNNABLE through an in-zone HA failover, which then never fires it: verify that in the zone "
               "drill)") if database else "the standby's endpoints HEALTHY"
    slow = lb_verdict[0] + hold * interval + 2 * interval
    hold_text = (f"if the instance still reads RUNNABLE, the standby's HEALTHY endpoints alone start it after its hold window, "
                 f"{hold:g} x {interval:g} s = {hold * interval:g} s, which outlasts an in-region Cloud SQL HA failover: "
                 f"{slow:g} s instead of {seconds:g} s; so does the instance down alone, if the standby is not HEALTHY") if database \
        else "without a database it has no hold window: both regions down is no reason to move"
    return seconds, (f"failover probe {probe.urn} in {probe.region}: the load balancer's verdict on {lost}'s endpoints "
                     f"{lb_verdict[0]:g} s ({lb_verdict[1]}) + up to {interval:g} s to its next round + its window "
                     f"{failures:g} x {interval:g} s + {interval:g} s (the deadline of the round that crosses it) with {signals} "
                     f"({hold_text}); rounds count only when getHealth answers for every one of {lost}'s NEGs (UNHEALTHY or no "
                     "endpoint: assumed of a lost region's NEGs, undocumented; failed reads never count, and the probe's heartbeat "
                     "alert pages)")


def _trigger(w: Any, source: str, policies: dict[str, PlannedResource], probes: dict[str, PlannedResource],
             figures: Figures) -> tuple[Optional[float], str]:
    """The earliest trigger that sees the primary region's loss, plus the delivery to the workflow."""
    lost = w.primary_region
    found: list[tuple[float, str]] = []
    refused: list[str] = []
    for name in _names(_PROBES, source):
        probe = probes.get(name)
        hit = _probe_trigger(probe, _lb_verdict(w), lost) if probe is not None else None
        if hit is not None:
            found.append(hit)
        elif probe is not None:
            refused.append(f"failover probe {probe.urn} runs in {lost}, the lost region: no credit" if probe.region == lost
                           else f"failover probe {probe.urn} has no timing labels ({LABEL_INTERVAL}, {LABEL_FAILURES}): no credit")
    for name in _names(_POLICIES, source):
        policy = policies.get(name)
        hit = _policy_trigger(name, policy, figures) if policy is not None else None
        if hit is not None:
            found.append(hit)
        elif policy is not None:
            refused.append(f"alert policy {policy.urn} ({name!r}) does not breach on missing data: a lost region's metrics "
                           "stop, so it cannot see the loss (no credit)")
    if not found:
        why = "; ".join(refused) or "no trigger alert policy or failover probe of the workflow in the plan"
        return None, f"no trigger that sees the loss of {lost} ({why})"
    seconds, text = min(found, key=lambda f: f[0])
    delivery = figures.failover_trigger_delivery
    others = f"; slower triggers ignored: {len(found) - 1}" if len(found) > 1 else ""
    return seconds + delivery.seconds, f"{text}, then {delivery.seconds:g} s to start the workflow ({delivery.source}){others}"


def _lb_verdict(w: Any) -> tuple[float, str]:
    """How long the load balancer's health checks take to mark the primary's endpoints unhealthy."""
    probes = [p for p in (w.routing.probes if w.routing else ()) if p.region == w.primary_region]
    if not probes:
        return 0.0, "no health check of the primary's endpoints in the plan"
    p = max(probes, key=lambda p: p.interval_s * p.failure_threshold)
    return p.interval_s * p.failure_threshold, f"health check {p.urn}: {p.interval_s:g} s x {p.failure_threshold} failures"


def read(workloads: dict, workflows: Iterable[PlannedResource], policies: Iterable[PlannedResource],
         probes: Iterable[PlannedResource] = (), figures: Figures = DEFAULT_FIGURES) -> None:
    """Set ``orchestration`` on each workload that a failover workflow serves."""
    by_name = {p.inputs.get("displayName"): p for p in policies if p.inputs.get("displayName")}
    by_probe = {(p.inputs.get("labels") or {}).get(LABEL_PROBE): p for p in probes if (p.inputs.get("labels") or {}).get(LABEL_PROBE)}
    for wf in workflows:
        w = workloads.get(wf.workload or "")
        labels = wf.inputs.get("labels") or {}
        if w is None or LABEL_APPROVAL not in labels:
            continue
        shorts = [s for s in str(labels.get(LABEL_STEPS) or "").split("_") if s]
        steps = {kind: short for short in shorts if (kind := _step_kind(short)) is not None}
        approval = "manual" if labels.get(LABEL_APPROVAL) == "manual" or "approve" in shorts else "automatic"
        trigger_s, source = _trigger(w, str(wf.inputs.get("sourceContents") or ""), by_name, by_probe, figures)
        w.orchestration = Orchestration(wf.urn, KIND, approval, steps, trigger_s, source, ordering=_ordering(steps),
                                        # One parallel stage: database, traffic and GPU branches start together.
                                        stages=(tuple(steps),) if steps else ())


def _ordering(steps: dict[str, str]) -> str:
    """What the model's placed steps should say about the workflow's branches."""
    if STEP_GPU not in steps:
        return ""
    return ("the workflow runs its branches in parallel; its GPU step raises the standby pools' autoscaling minimum and "
            "resizes them to it (nodePools.setAutoscaling, then setSize: a raised minimum alone adds no node until pods "
            "are pending), so the nodes start at once; pods land on them when the HPA adds them on the failed-over load "
            "(the KEDA/HPA reaction is not modelled on GCP)")


def trigger_probe_names(source: str) -> list[str]:
    """The failover probes a workflow's source acts on (its ``trigger_probes``)."""
    return _names(_PROBES, source)
