"""The Cloud Workflows program of a FailoverWorkflow (blueprint/components/gcp/failover_workflow.py), from plain values.

Kept apart from the component so the program can be built and read without Pulumi (tests parse it as
YAML and check the names it acts on). Syntax and functions: Cloud Workflows syntax reference
(https://cloud.google.com/workflows/docs/reference/syntax: ``params``, ``assign``, ``switch``,
``try``/``except``, ``for``, ``parallel`` with ``shared`` variables and at least two ``branches``,
``raise``, ``return``) and standard library (https://cloud.google.com/workflows/docs/reference/stdlib:
``base64.decode``, ``json.decode``, ``map.get``, ``list.concat``, ``text.match_regex``, ``default``,
``len``, ``sys.log``, ``sys.now``, ``sys.sleep``, ``http.post``/``http.get`` with ``auth: {type: OAuth2}``,
``events.create_callback_endpoint`` / ``events.await_callback``).

The event: Eventarc delivers a Pub/Sub message as a CloudEvent whose ``data.message.data`` is the
base64 of the message ("Route Pub/Sub events to Workflows",
https://cloud.google.com/eventarc/docs/workflows/route-trigger-cloud-pubsub); a Cloud Monitoring
``pubsub`` channel publishes the incident JSON (schema 1.2: ``incident.policy_name`` = the policy's
display name, ``incident.state`` = ``open`` | ``closed``; "Create and manage notification channels",
https://cloud.google.com/monitoring/support/notification-options#schema-pubsub). A human may also
start the workflow directly, which declares the disaster (no incident check, no approval):
``gcloud workflows run <workflow> --location=<region> --data='{"declared_by": "<your name>"}'``.

Actions (each named so a plan reader sees what is automated, each bounded by the recovery time
objective, a failure recorded and raised at the end instead of stopping the other branches):
    ``db_failover_to_dr_replica`` / ``db_promote_replica``  Cloud SQL Admin REST
        ``POST v1/projects/{project}/instances/{instance}/promoteReplica?failover=true|false``, then
        ``GET v1/projects/{project}/operations/{operation}`` until ``status`` is ``DONE``
        (https://cloud.google.com/sql/docs/postgres/admin-api/rest/v1/instances/promoteReplica;
        ``failover=true``: "invoke a replica failover to the DR replica").
    ``traffic_standby_capacity``  connectors ``googleapis.compute.v1.backendServices.get`` and ``.patch``
        (https://cloud.google.com/workflows/docs/reference/googleapis/compute/v1/backendServices/patch):
        every backend on the standby's GPU NEGs (``neg_name`` in a standby zone; without it, every NEG there)
        gets ``capacityScaler`` 1 and ``preference`` PREFERRED, a serving region's (``PROMOTE_STEP``); the
        fallback NEGs keep DEFAULT. The patch "uses the JSON merge patch format and processing rules"
        (compute v1 backendServices.patch), in which an array is replaced whole (RFC 7396), so the step
        sends the whole ``backends`` list as read, every other backend unchanged, with the read ``fingerprint``.
    ``gpu_floor_<pool>``  connector ``googleapis.container.v1.projects.locations.clusters.nodePools.setAutoscaling``
        (https://cloud.google.com/workflows/docs/reference/googleapis/container/v1/projects.locations.clusters.nodePools/setAutoscaling;
        body ``autoscaling`` = NodePoolAutoscaling ``enabled``, ``minNodeCount``, ``maxNodeCount``,
        ``locationPolicy``, per zone like the pool's own limits), then ``...nodePools.setSize`` to that
        floor (``nodeCount``): a raised minimum alone adds no node until pods are pending (``_gpu``).

A failover probe (blueprint/components/gcp/failover_probe.py) publishes ``{"probe": {"name",
"verdict": "primary-down", ...}}`` to the same topic: the workflow acts on it when ``name`` is one of
``trigger_probes``.
"""

from __future__ import annotations

from typing import Any

import yaml

SQL_ADMIN = "https://sqladmin.googleapis.com/v1/projects"
# Seconds between two reads of the Cloud SQL promotion's operation.
POLL_INTERVAL_S = 10
# The longest the database step follows a promotion before it reports it as still running: a Cloud SQL
# promotion is an operation that runs to its end on its own; the step's outcome must be the operation's.
DB_OPERATION_CEILING_S = 3600
# The human's approval: an authenticated POST to the execution's callback URL (the caller needs
# workflows.callbacks.send, in roles/workflows.invoker; "Wait using callbacks",
# https://cloud.google.com/workflows/docs/creating-callback-endpoints). Not approving: cancel the
# execution (gcloud workflows executions cancel) or let the wait time out; either does nothing.
APPROVE_COMMAND = "curl -X POST -H 'Authorization: Bearer '$(gcloud auth print-access-token) "


def approve_command(url_expr: str) -> str:
    """A Workflows expression: the exact approval command, with the callback URL."""
    return f'${{"{APPROVE_COMMAND}" + {url_expr}}}'


def _log(name: str, severity: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {name: {"call": "sys.log", "args": {"severity": severity, "json": payload}}}


def _guarded(name: str, steps: list[dict[str, Any]]) -> dict[str, Any]:
    """``steps`` under ``name``; an error is logged and recorded in ``failures`` (raised at the end)."""
    return {name: {
        "try": {"steps": steps},
        "except": {"as": "e", "steps": [
            {f"{name}_failed": {"assign": [{"failures": f'${{list.concat(failures, "{name}")}}'}]}},
            _log(f"{name}_log", "ERROR", {"step": name, "error": "${e}"}),
        ]},
    }}


def _incident_check(trigger_policies: list[str], trigger_probes: list[str]) -> list[dict[str, Any]]:
    # Acts on an open incident of a trigger policy, or on a failover probe's "primary-down" message
    # (blueprint/components/gcp/_failover_probe_app.py message()), or on a human's declared disaster.
    alert = 'map.get(incident, "state") == "open" and default(map.get(incident, "policy_name"), "") in trigger_policies'
    probed = 'map.get(probe, "verdict") == "primary-down" and default(map.get(probe, "name"), "") in trigger_probes'
    return [
        {"read_event": {"assign": [
            {"trigger_policies": list(trigger_policies)},
            {"trigger_probes": list(trigger_probes)},
            {"declared_by": '${map.get(event, "declared_by")}'},
            {"incident": {}},
            {"probe": {}},
            {"failures": []},
        ]}},
        {"decode_incident": {"switch": [{"condition": "${declared_by == null}", "steps": [
            {"decode_message": {"assign": [{"message": "${json.decode(base64.decode(event.data.message.data))}"}]}},
            {"decode_alert": {"assign": [
                {"incident": '${default(map.get(message, "incident"), {})}'},
                {"probe": '${default(map.get(message, "probe"), {})}'}]}},
        ]}]}},
        {"check_incident": {"switch": [{"condition": f"${{declared_by == null and not ({alert}) and not ({probed})}}", "steps": [
            _log("log_ignored", "INFO", {"message": "not an open incident of a failover trigger policy nor a probe's primary-down: nothing done",
                                         "policy_name": '${map.get(incident, "policy_name")}',
                                         "state": '${map.get(incident, "state")}',
                                         "probe": '${map.get(probe, "name")}'}),
            {"ignored": {"return": "ignored"}},
        ]}]}},
    ]


def _approval(workload: str, region: str, timeout_s: int) -> list[dict[str, Any]]:
    wait = {"call": "events.await_callback", "args": {"callback": "${approval}", "timeout": timeout_s}, "result": "answer"}
    return [{"approve_failover": {"switch": [{"condition": "${declared_by == null}", "steps": [
        {"create_approval_callback": {"call": "events.create_callback_endpoint",
                                      "args": {"http_callback_method": "POST"}, "result": "approval"}},
        _log("log_approval_request", "WARNING", {
            "message": f"Failover of {workload} to {region} waits for a human decision (the alert opened an incident); "
                       "approve with the command below, or let it time out to do nothing",
            "policy_name": '${map.get(incident, "policy_name")}', "callback_url": "${approval.url}",
            "approve_command": approve_command("approval.url")}),
        {"await_approval": {"try": wait, "except": {"as": "e", "steps": [
            _log("log_no_decision", "WARNING", {"message": f"no approval within {timeout_s} s: nothing done", "error": "${e}"}),
            {"not_approved": {"return": "not approved"}},
        ]}}},
        # The request itself is not logged: its headers carry the approver's access token.
        _log("log_approved", "WARNING", {"message": "failover approved: acting now"}),
    ]}]}}]


def _database(project: str, instance: str, failover: bool, rto_s: int) -> dict[str, Any]:
    name = "db_failover_to_dr_replica" if failover else "db_promote_replica"
    base = f"{SQL_ADMIN}/{project}"
    return _guarded(name, [
        {f"{name}_start": {"call": "http.post", "args": {
            "url": f"{base}/instances/{instance}/promoteReplica", "auth": {"type": "OAuth2"},
            "query": {"failover": failover}}, "result": "db_operation"}},
        {f"{name}_since": {"assign": [{"db_started": "${sys.now()}"}, {"db_late": False}], "next": f"{name}_wait"}},
        # Reached only from _done, once, when the RTO has passed (flat steps: every jump stays in this block).
        {f"{name}_late": {"call": "sys.log", "args": {"severity": "WARNING", "json": {
            "message": f"promotion of {instance} still running past the {rto_s} s recovery time objective; still waiting for it"}}}},
        {f"{name}_late_mark": {"assign": [{"db_late": True}]}},
        {f"{name}_wait": {"call": "sys.sleep", "args": {"seconds": POLL_INTERVAL_S}}},
        {f"{name}_read": {"call": "http.get", "args": {
            "url": f'${{"{base}/operations/" + db_operation.body.name}}', "auth": {"type": "OAuth2"}}, "result": "db_status"}},
        {f"{name}_done": {"switch": [
            {"condition": '${"error" in db_status.body}', "raise": "${db_status.body.error}"},
            # Past the RTO the promotion keeps running in Cloud SQL (the operation is not cancelled by
            # the workflow giving up): say so once, keep waiting up to DB_OPERATION_CEILING_S, so the
            # execution reports the promotion's real outcome and nobody re-sends promoteReplica.
            {"condition": f'${{db_status.body.status != "DONE" and sys.now() - db_started >= {rto_s} and not db_late}}',
             "next": f"{name}_late"},
            {"condition": f'${{db_status.body.status != "DONE" and sys.now() - db_started < {DB_OPERATION_CEILING_S}}}',
             "next": f"{name}_wait"},
            {"condition": '${db_status.body.status != "DONE"}',
             "raise": f"promotion of {instance} still running after {DB_OPERATION_CEILING_S} s: follow the operation "
                      "(gcloud sql operations list) before any retry; do not send promoteReplica again"},
        ]}},
    ])


# What the traffic step sets on the standby's GPU backends: the capacity and preference of a serving region
# (load_balancer.ROLE_CAPACITY / ROLE_PREFERENCE["serving"]). PREFERRED matters where the standby also has
# fallback NEGs (DEFAULT): backends of one layer and region share its requests "in proportion to their
# configured target capacity" (https://cloud.google.com/load-balancing/docs/service-lb-policy), so with the
# GPU NEGs left DEFAULT the CPU fallback would keep its share after the GPU pods are back. Promoted, the GPU
# NEGs are filled first and the fallback takes only what they cannot (blueprint/analysis/degraded.py reads
# this assignment from the source: PROMOTE_STEP, PROMOTED_PREFERENCE).
PROMOTE_STEP, PROMOTED_CAPACITY, PROMOTED_PREFERENCE = "traffic_raise", 1, "PREFERRED"


def _standby_pattern(zones: list[str], neg_name: str | None) -> str:
    """RE2 over a backend's ``group`` (a NEG's URL, .../zones/<zone>/networkEndpointGroups/<name>): the standby's
    GPU NEGs only when ``neg_name`` is given (the fallback NEGs in the same zones keep their DEFAULT), else
    every NEG in the standby zones."""
    zone = "/zones/(" + "|".join(zones) + ")/"
    return zone + (f"networkEndpointGroups/{neg_name}$" if neg_name else "")


def _traffic(project: str, backend_service: str, zones: list[str], rto_s: int, neg_name: str | None = None) -> dict[str, Any]:
    standby = _standby_pattern(zones, neg_name)
    return _guarded("traffic_standby_capacity", [
        {"traffic_read_backend_service": {"call": "googleapis.compute.v1.backendServices.get",
                                          "args": {"project": project, "backendService": backend_service},
                                          "result": "traffic_service"}},
        {"traffic_start": {"assign": [{"traffic_backends": []}]}},
        {"traffic_each_backend": {"for": {"value": "backend", "in": "${traffic_service.backends}", "steps": [
            {"traffic_copy": {"assign": [{"scaled": "${backend}"}]}},
            {"traffic_if_standby": {"switch": [{"condition": f'${{text.match_regex(backend.group, "{standby}")}}', "steps": [
                {PROMOTE_STEP: {"assign": [{"scaled.capacityScaler": PROMOTED_CAPACITY},
                                           {"scaled.preference": PROMOTED_PREFERENCE}]}}]}]}},
            {"traffic_keep": {"assign": [{"traffic_backends": "${list.concat(traffic_backends, scaled)}"}]}},
        ]}}},
        {"traffic_patch_backend_service": {"call": "googleapis.compute.v1.backendServices.patch", "args": {
            "project": project, "backendService": backend_service,
            "body": {"backends": "${traffic_backends}", "fingerprint": "${traffic_service.fingerprint}"},
            "connector_params": {"timeout": rto_s}}}},
    ])


def _gpu(pool: dict[str, Any], rto_s: int) -> dict[str, Any]:
    """Raise the pool's autoscaling floor, then resize it to that floor: a raised minimum alone adds no
    node until pods are pending (cluster-autoscaler only scales a group up to its minimum with
    ``--enforce-node-group-min-size``, default false: kubernetes/autoscaler cluster-autoscaler/FAQ.md,
    "What are the parameters to CA?"; GKE's managed autoscaler exposes no such flag). ``setSize``'s
    ``nodeCount`` applies to every zone of the pool ("The new size will be used for all replicas",
    https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters.nodePools/setSize),
    like the per-zone minimum; the autoscaler then never removes them (they are the minimum)."""
    step = pool["step"]
    return _guarded(step, [
        {f"{step}_set": {
            "call": "googleapis.container.v1.projects.locations.clusters.nodePools.setAutoscaling",
            "args": {"name": pool["name"], "body": {"autoscaling": {
                "enabled": True, "minNodeCount": pool["min"], "maxNodeCount": pool["max"], "locationPolicy": pool["location_policy"]}},
                "connector_params": {"timeout": rto_s}}}},
        {f"{step}_resize": {
            "call": "googleapis.container.v1.projects.locations.clusters.nodePools.setSize",
            "args": {"name": pool["name"], "body": {"nodeCount": pool["min"]}, "connector_params": {"timeout": rto_s}}}},
    ])


def _actions(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The action steps: one per branch, in parallel when there are two or more."""
    rto, branches = spec["rto_s"], []
    if spec.get("database"):
        db = spec["database"]
        branches.append(("database", [_database(spec["project"], db["instance"], db["failover"], rto)]))
    if spec.get("traffic"):
        tr = spec["traffic"]
        branches.append(("traffic", [_traffic(spec["project"], tr["backend_service"], tr["zones"], rto, tr.get("neg_name"))]))
    if spec.get("gpu_pools"):
        branches.append(("gpu", [_gpu(pool, rto) for pool in spec["gpu_pools"]]))
    if not branches:
        raise ValueError("the failover workflow has no action: pass a database, traffic or gpu_pools step")
    if len(branches) == 1:
        return branches[0][1]
    return [{"fail_over": {"parallel": {"shared": ["failures"],
                                        "branches": [{name: {"steps": steps}} for name, steps in branches]}}}]


def failover_source(spec: dict[str, Any]) -> str:
    """The workflow's YAML source. ``spec``: project, workload, region, approval ("automatic" |
    "manual"), approval_timeout_s, rto_s, trigger_policies, trigger_probes (optional), and the actions: database {instance, failover}, traffic
    {backend_service, zones, neg_name (optional)}, gpu_pools [{step, name, min, max, location_policy}]."""
    steps = _incident_check(spec["trigger_policies"], spec.get("trigger_probes") or [])
    if spec["approval"] == "manual":
        steps += _approval(spec["workload"], spec["region"], spec["approval_timeout_s"])
    steps += _actions(spec)
    steps += [
        {"report": {"switch": [{"condition": "${len(failures) > 0}",
                                "raise": {"failed_steps": "${failures}", "workload": spec["workload"]}}]}},
        {"done": {"return": {"workload": spec["workload"], "failed_over_to": spec["region"]}}},
    ]
    return yaml.safe_dump({"main": {"params": ["event"], "steps": steps}}, sort_keys=False, width=200)
