"""The failover probe's Lambda code (blueprint/components/aws/failover_probe.py ships this file, as is,
as the function's inline code: ``index.py``, handler ``index.handler``). Plain Python 3 with the
runtime's boto3; tested as plain Python (tests/components/aws/test_failover_probe_handler.py).

Every minute (the schedule) the function probes, once per ``PERIOD_S`` slot of the minute, the
watched region's load balancer (``TARGET_HOST``) and its own region's (``SELF_HOST``, when given),
and publishes one high-resolution datapoint per target and slot (``StorageResolution`` 1,
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
"""

from __future__ import annotations

import os
import socket
import ssl
import time
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


def slot(probes: dict[str, Callable[[], bool]], timeout_s: float, pool: ThreadPoolExecutor) -> dict[str, bool]:
    """Target -> up: two concurrent attempts per target; up once either succeeds, down when both
    failed or the slot's deadline passed."""
    futures = {pool.submit(fn): key for key, fn in probes.items() for _ in range(ATTEMPTS_PER_SLOT)}
    up = {key: False for key in probes}
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


def run(env: dict, cloudwatch: Any, remaining_ms: Callable[[], int], probes: dict[str, Callable[[], bool]],
        clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> list[dict[str, bool]]:
    """Probe once per slot of this minute and publish each slot's results at once; returns them."""
    period, timeout = float(env["PERIOD_S"]), float(env.get("ATTEMPT_TIMEOUT_S", "3"))
    needed_ms = (timeout + 1) * 1000  # the slot's deadline plus the PutMetricData call (1 s is ample)
    start, wall, results = clock(), now(), []
    is_armed = armed(env, cloudwatch, wall)
    # Twice the attempts of a slot: a late attempt of the last slot (bounded by its deadline) never delays this one.
    with ThreadPoolExecutor(max_workers=2 * ATTEMPTS_PER_SLOT * len(probes)) as pool:
        for index in range(max(1, int(60 // period))):
            pause = start + index * period - clock()
            if pause > 0:
                sleep(pause)
            if remaining_ms() < needed_ms:
                break  # never run into the function timeout: the next invocation takes over
            up = slot(probes, timeout, pool)
            is_armed = is_armed or up["watched"]
            data = _data(env, up, is_armed, wall + timedelta(seconds=index * period))
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
    # Short client timeouts: a slow CloudWatch call must not eat the next slot.
    cloudwatch = boto3.client("cloudwatch", config=Config(connect_timeout=2, read_timeout=2, retries={"max_attempts": 2}))
    results = run(env, cloudwatch, context.get_remaining_time_in_millis, probes)
    return {"slots": len(results), "watched_up": sum(r["watched"] for r in results)}
