"""The failover probe's Lambda code (blueprint/components/aws/failover_probe.py ships this file, as is,
as the function's inline code: ``index.py``, handler ``index.handler``). Plain Python 3 with the
runtime's boto3; tested as plain Python (tests/components/aws/test_failover_probe_handler.py).

Every minute (the schedule) the function starts and probes, once per ``PERIOD_S`` slot for ``RUN_S``
seconds ("Coverage" below), the watched region's load balancer (``TARGET_HOST``) and its own region's
(``SELF_HOST``, when given), and publishes one high-resolution datapoint per region and slot (``StorageResolution`` 1,
CloudWatch PutMetricData), timestamped at the slot's scheduled start: ``EndpointUp`` for the
watched region, ``SelfEndpointUp`` for its own. 1 when the endpoint answered, 0 when it did not.

One deadline per slot: each target gets two attempts *at once* (one lost packet or reset
connection is no failover), and the slot's verdict is known ``ATTEMPT_TIMEOUT_S`` after its start
at the latest, however many addresses the load balancer's name resolves to: an attempt resolves the
name once and spends what remains of its deadline on each address in turn, the TLS handshake and
the answer (``socket.create_connection`` would give every address, the handshake and the read the
full timeout each, CPython Lib/socket.py).

Armed: the watched region's 0 is published only when ``EndpointUp`` reached 1 in the last 24 h
(CloudWatch GetMetricStatistics, Maximum over one-hour periods; read-only), or in this run. A
region never seen up (a first deploy whose targets are not healthy yet, a probe that cannot reach
it at all) publishes nothing, so the trigger alarm stays green and the probe's silence alarm pages
instead. A failed read is "not armed" too. ``SelfEndpointUp`` is always published: a survivor not
seen answering keeps the plan's "survivor green" condition false, which is the safe side.

An attempt is an HTTPS GET of ``PATH_TO_PROBE`` with TLS SNI, certificate check and ``Host`` set to
``SERVER_NAME`` (the workload's global name, which the load balancers' certificates cover), so what
is probed is what users reach; a status 200..399 is success (as Route 53 HTTPS health checks judge it).

Direct start (``START_PLAN_PARAMETER`` set; automatic approval only): the probe itself starts the
workload's Region switch plan (StartPlanExecution) once ``START_AFTER_SLOTS`` consecutive slots saw
the watched region down AND its own region up, while armed. That skips the trigger alarm's evaluation
and Region switch's unpublished alarm -> execution delay; the plan's trigger alarm stays as the
backstop. At most one start per failure: the streak and the last start live in the execution
environment between invocations and, on a cold one, are read back from the probe's own metrics
(``seed``); a start is never repeated within ``START_MIN_INTERVAL_S`` (the plan trigger's damping) and
carries a client token derived from the failure's first failed slot and the plan's ARN, with a comment
that depends on nothing else (StartPlanExecution ``clientToken``: a repeated token with the same parameters
returns the original result). An answer saying an execution already runs (IllegalStateException) counts as
started; ConflictException ("the client token was already used with different request parameters ... To
retry this operation, provide a new client token", service-2.json) is a failed start retried with a new
token. A failed start forgets the plan's ARN, so the next slot reads the parameter again (a replaced plan
has a new ARN: a warm environment must not keep starting the old one). Every start is logged and
published as ``FailoverStarted`` (1), whose alarm notifies the alarm topic.

Degraded serving (``TARGET_FALLBACK_HOST`` / ``SELF_FALLBACK_HOST``, on ``FALLBACK_PATH``): a region also
counts as up while its fallback load balancer answers. DNS keeps serving a region from its fallback while
its GPU endpoint fails (blueprint/components/aws/dns_failover.py), so such a region is degraded, not lost:
no ungraceful failover (and Aurora global failover) for it. Each target is attempted twice per slot; a
region's verdict is up once any attempt of any of its targets succeeds.

Coverage (``RUN_S``): an EventBridge scheduled rule "runs within that minute, but not on the precise 0th
second" (EventBridge UG, "Setting a schedule pattern for scheduled rules",
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html), so two
consecutive rate(1 minute) invocations may start up to 2 minutes apart. Each invocation probes for
``RUN_S`` seconds (longer than that gap plus its own arming and read-back calls), so consecutive
invocations overlap and no stretch of time goes unprobed; slots sit on the wall clock's multiples of
``PERIOD_S``, so overlapping invocations probe and stamp the same slots (the alarms' Minimum absorbs the
duplicates) and build the same client token (a replay, not a second execution). A warm environment whose
last slot is not the one before its first re-reads its streak from the metrics (another environment
probed in between).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import socket
import ssl
import time
import urllib.error
import urllib.request
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Optional

METRIC_NAME = "EndpointUp"
SELF_METRIC_NAME = "SelfEndpointUp"
USER_AGENT = "blueprint-failover-probe"
# Arming window and its read (GetMetricStatistics: at most 1,440 datapoints per call; data older than
# 3 hours needs a period that is a multiple of 60 s): 24 one-hour Maximum datapoints.
ARMING_WINDOW = timedelta(hours=24)
ARMING_PERIOD_S = 3600
ATTEMPTS_PER_SLOT = 2
START_METRIC_NAME = "FailoverStarted"
# StartPlanExecution over the service's "json" protocol (botocore 1.44.5 data/arc-region-switch/2022-07-26/
# service-2.json: metadata protocols ["smithy-rpc-v2-cbor", "json"], jsonVersion 1.0, targetPrefix
# ArcRegionSwitch, signingName arc-region-switch), signed with botocore's SigV4Auth. The runtime's own
# botocore need not know the service (it may predate it); SigV4 signing and credentials are all it lends.
START_TARGET = "ArcRegionSwitch.StartPlanExecution"
JSON_CONTENT_TYPE = "application/x-amz-json-1.0"
SIGNING_NAME = "arc-region-switch"
# The Region's own data plane endpoint (the service's endpoint-rule-set-1.json: StartPlanExecution sets no
# UseControlPlaneEndpoint, so https://arc-region-switch.{Region}.{dualStackDnsSuffix}; botocore
# data/partitions.json dualStackDnsSuffix per partition). Region switch plans are executed from the Region
# being activated (ARC DG "Execute a Region switch plan to recover an application"): the probe's own.
DUALSTACK_SUFFIXES = (("cn-", "api.amazonwebservices.com.cn"), ("eusc-", "api.amazonwebservices.eu"))
DEFAULT_DUALSTACK_SUFFIX = "api.aws"
# "The operation failed because the current state of the resource doesn't allow the operation to proceed"
# (an execution already runs, e.g. the trigger alarm's), and "The client token was already used"
# (service-2.json IllegalStateException): the failover is under way. AWS documents no example of the answer to a
# second start while one runs; the model's IllegalStateException is the only error of StartPlanExecution about the
# plan's state. The FailoverStarted alarm pages and the trigger alarm stays armed as the backstop; the first drill
# records the real answer (docs/runbooks/dr-drill.md). ConflictException is not one: "The client token was already
# used with different request parameters ... To retry this operation, provide a new client token" (service-2.json).
ALREADY_STARTED = ("IllegalStateException",)
CONFLICT = "ConflictException"
# Unplanned: the watched region is unreachable, so its side of every step runs ungraceful (ARC DG, "Region
# switch components": graceful for a healthy environment, ungraceful "uses only the necessary steps").
START_MODE = "ungraceful"
API_TIMEOUT_S = 2.0
LOG = logging.getLogger("blueprint.failover_probe")


def attempt(host: str, port: int, server_name: str, path: str, timeout_s: float,
            connect: Callable[..., Any] = socket.create_connection, context: Optional[ssl.SSLContext] = None,
            resolve: Callable[..., Any] = socket.getaddrinfo, clock: Callable[[], float] = time.monotonic) -> bool:
    """One HTTPS request under one deadline of ``timeout_s``; True for a 2xx/3xx answer."""
    deadline = clock() + timeout_s
    ctx = context or ssl.create_default_context()
    try:
        addresses = [info[4][:2] for info in resolve(host, port, type=socket.SOCK_STREAM)]
    except (OSError, ValueError):
        return False
    for address in addresses:
        left = deadline - clock()
        if left <= 0:
            return False
        try:
            return _request(connect(address, timeout=left), ctx, server_name, path, deadline, clock)
        except (OSError, ValueError):
            continue  # the next address, with what remains of the deadline
    return False


def _request(raw: Any, ctx: Any, server_name: str, path: str, deadline: float, clock: Callable[[], float]) -> bool:
    with raw:
        raw.settimeout(max(deadline - clock(), 0.001))  # the handshake's share
        with ctx.wrap_socket(raw, server_hostname=server_name) as tls:
            tls.settimeout(max(deadline - clock(), 0.001))
            tls.sendall((f"GET {path} HTTP/1.1\r\nHost: {server_name}\r\nUser-Agent: {USER_AGENT}\r\n"
                         "Connection: close\r\n\r\n").encode("ascii"))
            tls.settimeout(max(deadline - clock(), 0.001))
            status_line = tls.recv(64).split(b"\r\n", 1)[0].decode("ascii", "replace")
    parts = status_line.split(" ")
    return len(parts) >= 2 and parts[0].startswith("HTTP/") and parts[1].isdigit() and 200 <= int(parts[1]) < 400


def group(key: str) -> str:
    """The region a probe key judges: 'watched' for 'watched' and 'watched:fallback'."""
    return key.split(":", 1)[0]


def slot(probes: dict[str, Callable[[], bool]], timeout_s: float, pool: ThreadPoolExecutor) -> dict[str, bool]:
    """Region ('watched', 'self') -> up: two concurrent attempts per target (a key 'watched:fallback' is a second
    target of 'watched'); up once any attempt of any of its targets succeeds, down when all failed or the slot's
    deadline passed."""
    futures = {pool.submit(fn): group(key) for key, fn in probes.items() for _ in range(ATTEMPTS_PER_SLOT)}
    up = {group(key): False for key in probes}
    deadline, pending = time.monotonic() + timeout_s, set(futures)
    while pending and not all(up.values()):
        done, pending = wait(pending, timeout=max(deadline - time.monotonic(), 0), return_when=FIRST_COMPLETED)
        if not done:
            break  # deadline: what has not answered is down
        for f in done:
            up[futures[f]] = up[futures[f]] or (f.exception() is None and f.result() is True)
    return up


def datum(metric: str, workload: str, region: str, up: bool, at: datetime) -> dict:
    return {"MetricName": metric, "Timestamp": at, "Value": 1.0 if up else 0.0, "Unit": "Count", "StorageResolution": 1,
            "Dimensions": [{"Name": "Workload", "Value": workload}, {"Name": "WatchedRegion", "Value": region}]}


def armed(env: dict, cloudwatch: Any, now: datetime) -> bool:
    """Whether the watched endpoint's EndpointUp reached 1 in the last 24 h; False when the read fails."""
    try:
        found = cloudwatch.get_metric_statistics(
            Namespace=env["NAMESPACE"], MetricName=METRIC_NAME, StartTime=now - ARMING_WINDOW, EndTime=now,
            Period=ARMING_PERIOD_S, Statistics=["Maximum"],
            Dimensions=[{"Name": "Workload", "Value": env["WORKLOAD"]}, {"Name": "WatchedRegion", "Value": env["WATCHED_REGION"]}])
    except Exception:  # noqa: BLE001 - any failure means "not known to have been up": publish no zeros
        return False
    return any(float(p.get("Maximum", 0)) >= 1 for p in found.get("Datapoints") or [])


def _data(env: dict, up: dict[str, bool], is_armed: bool, at: datetime) -> list[dict]:
    data = []
    if up["watched"] or is_armed:
        data.append(datum(METRIC_NAME, env["WORKLOAD"], env["WATCHED_REGION"], up["watched"], at))
    if "self" in up:
        data.append(datum(SELF_METRIC_NAME, env["WORKLOAD"], env["PROBE_REGION"], up["self"], at))
    return data


class StartState:
    """What the direct start remembers between slots, and between invocations of a warm execution environment."""

    def __init__(self) -> None:
        self.streak, self.first_failed, self.started = 0, None, False
        self.last_start: Optional[datetime] = None
        self.plan_arn: Optional[str] = None
        self.seeded = False
        # The last slot this environment judged, and the client token's generation (a ConflictException asks for a new one).
        self.last_at: Optional[datetime] = None
        self.generation = 0

    def resume(self, first_at: datetime, period_s: float) -> None:
        """Before a run whose first slot is ``first_at``: a streak that does not end on the slot before it is
        stale (other environments probed in between): forget it and read it back from the metrics (``seed``)."""
        if self.last_at is not None and (first_at - self.last_at).total_seconds() > period_s:
            self.streak, self.first_failed, self.seeded = 0, None, False


_STATE = StartState()


def observe(state: StartState, up: dict[str, bool], is_armed: bool, at: datetime, needed: int, min_interval_s: float) -> bool:
    """One slot's verdict into the streak; True when this slot must start the plan: armed, ``needed``
    consecutive slots of "watched down AND survivor up", not started for this failure, none in the damping."""
    state.last_at = at
    if up["watched"]:
        state.streak, state.first_failed, state.started = 0, None, False  # the failure is over
        return False
    if not up.get("self", False):
        state.streak, state.first_failed = 0, None  # the survivor is down too: a shared fault, never a failover
        return False
    state.first_failed = state.first_failed or at
    state.streak += 1
    damped = state.last_start is not None and (at - state.last_start).total_seconds() < min_interval_s
    return is_armed and state.streak >= needed and not state.started and not damped


def _points(cloudwatch: Any, env: dict, metric: str, region: str, start: datetime, end: datetime, period: int, stat: str) -> dict:
    found = cloudwatch.get_metric_statistics(
        Namespace=env["NAMESPACE"], MetricName=metric, StartTime=start, EndTime=end, Period=period, Statistics=[stat],
        Dimensions=[{"Name": "Workload", "Value": env["WORKLOAD"]}, {"Name": "WatchedRegion", "Value": region}])
    return {p["Timestamp"]: float(p.get(stat, 0)) for p in found.get("Datapoints") or []}


def seed(state: StartState, env: dict, cloudwatch: Any, now: datetime) -> None:
    """A cold execution environment reads the streak and the last start back from the probe's own metrics
    (one-second datapoints are kept 3 hours: GetMetricStatistics Period 1). A failed read seeds nothing:
    a later start, never an earlier one."""
    if state.seeded:
        return
    state.seeded = True
    period, needed = float(env["PERIOD_S"]), int(env["START_AFTER_SLOTS"])
    try:
        since = now - timedelta(seconds=(needed + 1) * period)
        watched = _points(cloudwatch, env, METRIC_NAME, env["WATCHED_REGION"], since, now, 1, "Minimum")
        own = _points(cloudwatch, env, SELF_METRIC_NAME, env["PROBE_REGION"], since, now, 1, "Minimum")
        starts = _points(cloudwatch, env, START_METRIC_NAME, env["WATCHED_REGION"],
                         now - timedelta(seconds=float(env["START_MIN_INTERVAL_S"])), now, 60, "Maximum")
    except Exception:  # noqa: BLE001 - see above
        LOG.warning("failover probe: could not read back its streak; starting from none")
        return
    for at in sorted(watched, reverse=True):
        if watched[at] >= 1 or own.get(at, 0) < 1:
            break
        state.streak, state.first_failed = state.streak + 1, at
    started = [at for at, value in starts.items() if value >= 1]
    if started:
        state.last_start, state.started = max(started), True


def endpoint(region: str) -> str:
    suffix = next((s for prefix, s in DUALSTACK_SUFFIXES if region.startswith(prefix)), DEFAULT_DUALSTACK_SUFFIX)
    return f"https://arc-region-switch.{region}.{suffix}/"


def signed_request(region: str, body: dict, credentials: Any) -> tuple[str, dict, bytes]:
    """The SigV4-signed StartPlanExecution request (url, headers, body) for ``region``'s data plane."""
    from botocore.auth import SigV4Auth  # the runtime's botocore: signing only
    from botocore.awsrequest import AWSRequest

    data = json.dumps(body).encode("utf-8")
    request = AWSRequest(method="POST", url=endpoint(region), data=data,
                         headers={"Content-Type": JSON_CONTENT_TYPE, "X-Amz-Target": START_TARGET})
    SigV4Auth(credentials, SIGNING_NAME, region).add_auth(request)
    return request.url, dict(request.headers.items()), data


def error_code(header: Optional[str], body: bytes) -> str:
    """The error's shape name, as botocore's JSON parser reads it (x-amzn-ErrorType or __type, without
    its ':...' suffix and 'namespace#' prefix: botocore/parsers.py BaseJSONParser._do_error_parse)."""
    try:
        code = header or json.loads(body or b"{}").get("__type") or ""
    except ValueError:
        code = header or ""
    return code.split(":", 1)[0].rsplit("#", 1)[-1]


def call_start(region: str, body: dict, credentials: Any, opener: Callable[..., Any] = urllib.request.urlopen) -> tuple[str, str]:
    """('started' | 'already-started' | 'conflict' | 'failed', detail) for one StartPlanExecution call."""
    url, headers, data = signed_request(region, body, credentials)
    try:
        with opener(urllib.request.Request(url, data=data, headers=headers, method="POST"), timeout=API_TIMEOUT_S) as answer:
            return "started", str(json.loads(answer.read() or b"{}").get("executionId", ""))
    except urllib.error.HTTPError as error:
        code = error_code(error.headers.get("x-amzn-ErrorType") if error.headers else None, error.read())
        outcome = "already-started" if code in ALREADY_STARTED else "conflict" if code == CONFLICT else "failed"
        return outcome, f"HTTP {error.code} {code}"
    except (OSError, ValueError) as error:
        return "failed", f"{type(error).__name__}: {error}"


def start_body(env: dict, plan_arn: str, state: StartState) -> dict:
    """The request: every member a function of the token's inputs only (the failure's first failed slot, the plan's
    ARN, the generation), so a retry with the same token is a replay, never a ConflictException. The token's
    distinguishing parts first: clientToken is 1..128 of \x21-\x7E (service-2.json)."""
    first = int(state.first_failed.timestamp())
    digest = hashlib.sha256(plan_arn.encode("utf-8")).hexdigest()[:12]
    token = f"{first}-{digest}-{state.generation}-{env['WORKLOAD']}-{env['WATCHED_REGION']}"
    return {"planArn": plan_arn, "targetRegion": env["START_TARGET_REGION"], "action": env["START_ACTION"],
            "mode": START_MODE, "clientToken": token[:128],
            "comment": f"blueprint failover probe: {env['WATCHED_REGION']} unreachable from {env['PROBE_REGION']} "
                       f"since {state.first_failed.isoformat()} while {env['PROBE_REGION']} answers"}


class DirectStart:
    """The probe's start of its plan: ``after_slot`` returns the FailoverStarted datum to publish, if it started."""

    def __init__(self, env: dict, state: StartState, read_plan_arn: Callable[[], str],
                 start: Callable[[dict], tuple[str, str]]) -> None:
        self.env, self.state, self.read_plan_arn, self.start = env, state, read_plan_arn, start
        self.needed, self.min_interval_s = int(env["START_AFTER_SLOTS"]), float(env["START_MIN_INTERVAL_S"])

    def after_slot(self, up: dict[str, bool], is_armed: bool, at: datetime) -> list[dict]:
        if not observe(self.state, up, is_armed, at, self.needed, self.min_interval_s):
            return []
        try:
            self.state.plan_arn = self.state.plan_arn or self.read_plan_arn()
        except Exception as error:  # noqa: BLE001 - the next slot tries again; the trigger alarm is the backstop
            LOG.error("failover probe: cannot read the plan ARN (%s): %s", self.env["START_PLAN_PARAMETER"], error)
            return []
        outcome, detail = self.start(start_body(self.env, self.state.plan_arn, self.state))
        LOG.warning("failover probe: StartPlanExecution %s %s -> %s (%s)", self.env["START_ACTION"],
                    self.env["START_TARGET_REGION"], outcome, detail)
        if outcome in ("failed", "conflict"):
            # Read the ARN again next slot (a replaced plan has a new one); a conflict asks for a new token.
            self.state.plan_arn = None
            self.state.generation += outcome == "conflict"
            return []
        self.state.started, self.state.last_start = True, at
        return [datum(START_METRIC_NAME, self.env["WORKLOAD"], self.env["WATCHED_REGION"], True, at)]


def run(env: dict, cloudwatch: Any, remaining_ms: Callable[[], int], probes: dict[str, Callable[[], bool]],
        clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        starter: Optional[DirectStart] = None) -> list[dict[str, bool]]:
    """Probe once per slot (the wall clock's multiples of PERIOD_S) for RUN_S seconds (default 60) and publish
    each slot's results at once (with ``starter``, start the plan first when the slot completes the streak);
    returns them."""
    period, timeout = float(env["PERIOD_S"]), float(env.get("ATTEMPT_TIMEOUT_S", "3"))
    run_s = float(env.get("RUN_S") or 60)
    needed_ms = (timeout + 1) * 1000  # the slot's deadline plus the PutMetricData call (1 s is ample)
    start, wall, results = clock(), now(), []
    offset = -wall.timestamp() % period  # to the next multiple of the period: every invocation probes the same slots
    is_armed = armed(env, cloudwatch, wall)
    if starter is not None:
        starter.state.resume(wall + timedelta(seconds=offset), period)
        seed(starter.state, env, cloudwatch, wall)
    # Twice the attempts of a slot: a late attempt of the last slot (bounded by its deadline) never delays this one.
    with ThreadPoolExecutor(max_workers=2 * ATTEMPTS_PER_SLOT * len(probes)) as pool:
        for index in range(max(1, math.ceil((run_s - offset) / period))):
            pause = start + offset + index * period - clock()
            if pause > 0:
                sleep(pause)
            if remaining_ms() < needed_ms:
                break  # never run into the function timeout: the next invocation takes over
            up = slot(probes, timeout, pool)
            is_armed = is_armed or up["watched"]
            at = wall + timedelta(seconds=offset + index * period)
            # The start first: the plan's execution is what the failure waits for, the datapoints can follow.
            data = (starter.after_slot(up, is_armed, at) if starter is not None else []) + _data(env, up, is_armed, at)
            if data:
                cloudwatch.put_metric_data(Namespace=env["NAMESPACE"], MetricData=data)
            results.append(up)
    return results


def handler(event: Any, context: Any) -> dict:
    import boto3  # the Lambda runtime's; imported here so the module loads without it
    from botocore.config import Config

    env = dict(os.environ)
    timeout, port, name, path = float(env.get("ATTEMPT_TIMEOUT_S", "3")), int(env.get("PORT", "443")), env["SERVER_NAME"], env["PATH_TO_PROBE"]
    probes = {"watched": lambda: attempt(env["TARGET_HOST"], port, name, path, timeout)}
    if env.get("SELF_HOST"):
        probes["self"] = lambda: attempt(env["SELF_HOST"], port, name, path, timeout)
    fallback_path = env.get("FALLBACK_PATH") or path  # a region serving from its fallback is degraded, not lost
    for key, variable in (("watched", "TARGET_FALLBACK_HOST"), ("self", "SELF_FALLBACK_HOST")):
        if env.get(variable) and key in probes:
            probes[f"{key}:fallback"] = lambda host=env[variable]: attempt(host, port, name, fallback_path, timeout)
    # Short client timeouts: a slow CloudWatch call must not eat the next slot.
    config = Config(connect_timeout=2, read_timeout=2, retries={"max_attempts": 2})
    cloudwatch = boto3.client("cloudwatch", config=config)
    starter = None
    if env.get("START_PLAN_PARAMETER") and env.get("SELF_HOST"):
        session, ssm = boto3.Session(), boto3.client("ssm", config=config)
        starter = DirectStart(
            env, _STATE, lambda: ssm.get_parameter(Name=env["START_PLAN_PARAMETER"])["Parameter"]["Value"],
            lambda body: call_start(env["PROBE_REGION"], body, session.get_credentials().get_frozen_credentials()))
    results = run(env, cloudwatch, context.get_remaining_time_in_millis, probes, starter=starter)
    return {"slots": len(results), "watched_up": sum(r["watched"] for r in results)}
