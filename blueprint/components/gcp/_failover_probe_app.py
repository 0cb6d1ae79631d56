"""The failover probe's program: plain Python 3, standard library only, so the FailoverProbe component
(blueprint/components/gcp/failover_probe.py) runs this very file as ``python3 -c <source>`` in a stock
Python image, and the tests import and drive it without any cloud.

Every ``interval_s`` it reads, all at once under one deadline of ``interval_s`` (a round never
outlasts its interval, whatever a lost region's API does), the global external Application Load
Balancer's latest health verdict of each NEG of the watched (primary) region and of the standby
region, and the primary Cloud SQL instance's state when it watches one. It publishes one message to
the failover topic when (blueprint/catalogs/failover_probe.py says why):

- fast path: for ``interval_s x failures`` seconds the primary is down, the standby is healthy, and
  (with a database) the primary Cloud SQL instance is not RUNNABLE or cannot be reached;
- hold path (with a database only): for ``interval_s x hold_failures`` seconds the primary is down
  with one second signal at least: the standby healthy, or the primary instance not RUNNABLE or
  unreachable. Never on the primary's health alone.

Safeguards against a failover nobody needs (a lossy, one-way action):
- disarmed until the primary has been seen healthy once (a first ``pulumi up`` whose endpoints are not
  HEALTHY yet, or an application that never came up, publishes nothing);
- a region is *down* only when every one of its groups answered and none has a HEALTHY endpoint; a
  failed or late read (an IAM grant not propagated yet, a Compute API error or 429) is *unknown*:
  it breaks the streaks (evidence must be continuous) and is logged as blind; the probe's heartbeat
  (one ``probe round`` log line per answered round) then stops, and its alert pages on-call;
- the Cloud SQL signal: a permission, quota or not-found error (401, 403, 404, 429) is unknown, never
  "unreachable".

APIs (REST, OAuth access token of the worker pool's service account from the metadata server,
https://cloud.google.com/compute/docs/access/authenticate-workloads#applications):
- ``POST https://compute.googleapis.com/compute/v1/projects/{project}/global/backendServices/{bs}/getHealth``
  body ``{"group": <NEG URL>}`` -> ``healthStatus[].healthState`` (HEALTHY | UNHEALTHY); needs
  compute.backendServices.get (https://cloud.google.com/compute/docs/reference/rest/v1/backendServices/getHealth).
- ``GET https://sqladmin.googleapis.com/v1/projects/{project}/instances/{instance}`` -> ``state``
  (RUNNABLE: "The instance is running, or has been stopped by owner"; SUSPENDED, MAINTENANCE, FAILED...:
  DatabaseInstance.SqlInstanceState, https://cloud.google.com/sql/docs/postgres/admin-api/rest/v1/instances/get);
  needs cloudsql.instances.get.
- ``POST https://{region}-pubsub.googleapis.com/v1/{topic}:publish`` body ``{"messages": [{"data": <base64>}]}``
  (locational endpoint of the standby region; needs pubsub.topics.publish:
  https://cloud.google.com/pubsub/docs/reference/rest/v1/projects.topics/publish).

The message (what the failover workflow's ``check_incident`` accepts, blueprint/components/gcp/_failover_source.py):
``{"probe": {"name", "verdict": "primary-down", "primary_region", "standby_region", "down_s", "standby_healthy", "database"}}``.

Configuration: the JSON in the environment variable ``PROBE_CONFIG`` with ``name``, ``project``,
``backend_service``, ``primary_groups``, ``standby_groups``, ``primary_instance`` (or null), ``topic``,
``primary_region``, ``standby_region``, ``interval_s``, ``failures``, ``hold_failures``.
"""

from __future__ import annotations

import base64
import concurrent.futures
import json
import os
import sys
import time
import urllib.error
import urllib.request
from typing import Any, Callable, Optional

UP, DOWN, UNKNOWN = "up", "down", "unknown"
HEALTHY, RUNNABLE = "HEALTHY", "RUNNABLE"
VERDICT = "primary-down"
# The heartbeat line (field ``heartbeat`` = the probe's name) the FailoverProbe's log-based metric
# counts: one per answered round.
HEARTBEAT = "probe round"
METADATA_TOKEN = "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token"
COMPUTE = "https://compute.googleapis.com/compute/v1/projects"
SQLADMIN = "https://sqladmin.googleapis.com/v1/projects"
# Errors that say nothing about the instance: the grant not propagated yet, a quota, a wrong name.
NOT_A_SIGNAL = (401, 403, 404, 429)
_UNREAD = object()  # a read that failed or missed the round's deadline


def region_state(groups: list[Optional[list[str]]]) -> str:
    """``up`` when any answered group has a HEALTHY endpoint; ``down`` when every group answered and
    none has (an answered empty group has none); ``unknown`` otherwise (a failed or late read)."""
    answered = [g for g in groups if g is not None]
    if any(HEALTHY in g for g in answered):
        return UP
    return DOWN if groups and len(answered) == len(groups) else UNKNOWN


class Detector:
    """Times how long the primary has been down (with the second signals) and says when to publish,
    once per outage, never before the primary was seen up once."""

    def __init__(self, window_s: float, hold_s: float, database: bool) -> None:
        if window_s <= 0 or hold_s < window_s:
            raise ValueError(f"window_s: {window_s}, hold_s: {hold_s}; need 0 < window_s <= hold_s")
        self.window_s, self.hold_s, self.database = window_s, hold_s, database
        self.armed = False  # the primary was seen up at least once
        self.fast_since: Optional[float] = None  # primary down, standby up (and the database down)
        self.hold_since: Optional[float] = None  # primary down with the standby up or the database down
        self.published = False

    def observe(self, now: float, primary: str, standby: str, database: str = UNKNOWN) -> bool:
        """One round started at ``now`` (seconds): True when the failover message is to be published now."""
        if primary == UP:
            self.armed, self.published = True, False
            self.fast_since = self.hold_since = None
            return False
        if not self.armed or primary == UNKNOWN:
            self.fast_since = self.hold_since = None  # no evidence, or broken evidence: start over
            return False
        db_down = database == DOWN if self.database else True
        fast = standby == UP and db_down
        hold = self.database and (db_down or standby == UP)
        self.fast_since = (now if self.fast_since is None else self.fast_since) if fast else None
        self.hold_since = (now if self.hold_since is None else self.hold_since) if hold else None
        due = ((self.fast_since is not None and now - self.fast_since >= self.window_s)
               or (self.hold_since is not None and now - self.hold_since >= self.hold_s))
        return due and not self.published

    def down_s(self, now: float) -> float:
        since = [s for s in (self.fast_since, self.hold_since) if s is not None]
        return round(now - min(since), 1) if since else 0.0

    def sent(self) -> None:
        """The message was published: nothing more until the primary is up again."""
        self.published = True


def message(cfg: dict[str, Any], down_s: float, standby: str, database: str) -> dict[str, Any]:
    return {"probe": {"name": cfg["name"], "verdict": VERDICT, "primary_region": cfg["primary_region"],
                      "standby_region": cfg["standby_region"], "down_s": down_s, "standby_healthy": standby == UP,
                      "database": database}}


def _call(url: str, token: Optional[str], body: Optional[dict] = None, timeout: float = 4.0) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    request.add_header("Content-Type", "application/json")
    if token is None:
        request.add_header("Metadata-Flavor", "Google")
    else:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read() or b"{}")


class AccessToken:
    """The service account's token, kept until 5 minutes before it expires (the metadata server answers
    ``access_token`` and ``expires_in`` seconds), so a round rarely spends its interval fetching it."""

    def __init__(self, fetch: Callable[[], dict] = lambda: _call(METADATA_TOKEN, None)) -> None:
        self.fetch, self.value, self.until = fetch, "", 0.0

    def get(self, now: float) -> str:
        if not self.value or now >= self.until:
            answer = self.fetch()
            self.value, self.until = str(answer["access_token"]), now + max(0.0, float(answer.get("expires_in") or 0) - 300)
        return self.value


def group_health(cfg: dict[str, Any], group: str, token: str, call: Callable, timeout: float) -> Optional[list[str]]:
    """The health states of a NEG's endpoints, or None when the verdict cannot be read."""
    url = f"{COMPUTE}/{cfg['project']}/global/backendServices/{cfg['backend_service']}/getHealth"
    try:
        answer = call(url, token, {"group": group}, timeout=timeout)
    except Exception as error:  # noqa: BLE001 - a failed read is unknown, never down
        log("WARNING", "getHealth failed", group=group, error=str(error))
        return None
    return [str(s.get("healthState", "")) for s in answer.get("healthStatus") or []]


def database_state(cfg: dict[str, Any], token: str, call: Callable, timeout: float) -> str:
    """``up`` (RUNNABLE), ``down`` (any other state, or unreachable: a timeout, a connection error, a
    5xx), ``unknown`` (no instance watched, or a 401/403/404/429 that says nothing about it)."""
    if not cfg.get("primary_instance"):
        return UNKNOWN
    try:
        answer = call(f"{SQLADMIN}/{cfg['project']}/instances/{cfg['primary_instance']}", token, timeout=timeout)
    except urllib.error.HTTPError as error:
        log("WARNING", "instances.get failed", status=error.code)
        return UNKNOWN if error.code in NOT_A_SIGNAL else DOWN
    except Exception as error:  # noqa: BLE001 - timeout or connection failure: the instance is unreachable
        log("WARNING", "instances.get unreachable", error=str(error))
        return DOWN
    return UP if answer.get("state") == RUNNABLE else DOWN


def read_round(cfg: dict[str, Any], token: str, call: Callable = _call) -> tuple[str, str, str]:
    """The primary's, the standby's and the database's states, read concurrently; whatever has not
    answered within ``interval_s`` is unknown (the round keeps its pace; the threads finish on their own)."""
    deadline = float(cfg["interval_s"])
    timeout = max(1.0, deadline - 1.0)
    groups = list(cfg["primary_groups"]) + list(cfg["standby_groups"])
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=len(groups) + 1)
    try:
        reads = [pool.submit(group_health, cfg, g, token, call, timeout) for g in groups]
        database = pool.submit(database_state, cfg, token, call, timeout)
        concurrent.futures.wait(reads + [database], timeout=deadline)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    states = [r.result() if r.done() and not r.cancelled() else None for r in reads]
    split = len(cfg["primary_groups"])
    db = database.result() if database.done() and not database.cancelled() else UNKNOWN
    return region_state(states[:split]), region_state(states[split:]), db


def publish(cfg: dict[str, Any], token: str, payload: dict[str, Any], call: Callable = _call) -> None:
    data = base64.b64encode(json.dumps(payload).encode()).decode()
    call(f"https://{cfg['standby_region']}-pubsub.googleapis.com/v1/{cfg['topic']}:publish", token, {"messages": [{"data": data}]})


def log(severity: str, text: str, **fields: Any) -> None:
    """A structured log line (Cloud Run sends JSON on stdout to Cloud Logging with its severity)."""
    print(json.dumps({"severity": severity, "message": text, **fields}), flush=True)


def round_once(cfg: dict[str, Any], detector: Detector, token: str, now: float, call: Callable = _call) -> bool:
    """Read once, log the heartbeat (or the blindness), publish when due; True when a message was published."""
    primary, standby, database = read_round(cfg, token, call)
    if primary == UNKNOWN:
        log("ERROR", "probe blind: the primary's health could not be read", probe=cfg["name"])
    else:
        log("INFO", HEARTBEAT, heartbeat=cfg["name"], primary=primary, standby=standby, database=database, armed=detector.armed)
    if not detector.observe(now, primary, standby, database):
        return False
    payload = message(cfg, detector.down_s(now), standby, database)
    try:
        publish(cfg, token, payload, call)
    except Exception as error:  # noqa: BLE001 - retried next round: the detector is not marked sent
        log("ERROR", "publishing the failover message failed; retrying next round", error=str(error))
        return False
    detector.sent()
    log("CRITICAL", "primary region down: failover requested", **payload["probe"])
    return True


def detector_for(cfg: dict[str, Any]) -> Detector:
    interval = float(cfg["interval_s"])
    return Detector(interval * int(cfg["failures"]), interval * int(cfg["hold_failures"]), bool(cfg.get("primary_instance")))


def main() -> None:  # pragma: no cover - the loop itself runs only in Cloud Run
    cfg = json.loads(os.environ["PROBE_CONFIG"])
    detector, token = detector_for(cfg), AccessToken()
    log("INFO", "failover probe started", probe=cfg["name"], interval_s=cfg["interval_s"])
    while True:
        started = time.monotonic()
        try:
            round_once(cfg, detector, token.get(started), started)
        except Exception as error:  # noqa: BLE001 - e.g. the metadata server: never stop probing
            log("ERROR", "probe round failed", error=str(error))
        time.sleep(max(0.0, float(cfg["interval_s"]) - (time.monotonic() - started)))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
