"""The failover probe's program as plain Python (blueprint/components/gcp/_failover_probe_app.py).

Review findings (issue 17) each test pins: disarmed until the primary was seen up (a first deploy never
fails over); a failed read is unknown, never down; the hold path needs the primary Cloud SQL instance
not RUNNABLE or unreachable; the fast path too when a database is watched (an in-zone HA failover
leaves it RUNNABLE); the window is elapsed time, and a round's reads run concurrently under one
deadline of interval_s."""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.error

import pytest

from blueprint.components.gcp import _failover_probe_app as app
from blueprint.components.gcp._failover_probe_app import (DOWN, UNKNOWN, UP, Detector, database_state, detector_for, read_round,
                                                          region_state, round_once)

P = "https://www.googleapis.com/compute/v1/projects/acme-ml-prod/zones/europe-west4-{z}/networkEndpointGroups/neg"
S = "https://www.googleapis.com/compute/v1/projects/acme-ml-prod/zones/europe-west1-b/networkEndpointGroups/neg"
CFG = {"name": "prod-fraud-scoring-probe", "project": "acme-ml-prod", "backend_service": "fraud-scoring-lb-backend",
       "primary_groups": [P.format(z=z) for z in "abc"], "standby_groups": [S], "primary_instance": "prod-fraud-scoring-db",
       "topic": "projects/acme-ml-prod/topics/prod-failover-alerts", "primary_region": "europe-west4",
       "standby_region": "europe-west1", "interval_s": 5, "failures": 4, "hold_failures": 30}


def _fired(detector: Detector, states: list[tuple], start: float = 0.0, step: float = 5.0) -> list[float]:
    """The round start times (s) at which the detector asks to publish (and is told it did)."""
    fired = []
    for i, state in enumerate(states):
        now = start + i * step
        if detector.observe(now, *state):
            detector.sent()
            fired.append(now)
    return fired


def _armed(database: bool = True) -> Detector:
    d = Detector(20, 150, database)
    d.observe(-5, UP, UP, UP)
    return d


def test_region_state_down_only_when_every_group_answered():
    assert region_state([["UNHEALTHY", "HEALTHY"], None]) == UP
    assert region_state([["UNHEALTHY"], ["UNHEALTHY"]]) == DOWN and region_state([[], ["UNHEALTHY"]]) == DOWN
    # a failed read is unknown, never down (it used to count as down)
    assert region_state([None, ["UNHEALTHY"]]) == UNKNOWN and region_state([None, None]) == UNKNOWN


def test_disarmed_until_the_primary_was_seen_up_first_deploy_never_fails_over():
    d = Detector(20, 150, database=True)
    # first pulumi up: no endpoint HEALTHY yet, the new replica's primary not RUNNABLE yet, for 10 minutes
    assert _fired(d, [(DOWN, DOWN, DOWN)] * 120) == [] and not d.armed


def test_failed_reads_never_fail_over_and_break_the_streak():
    d = _armed()
    assert _fired(d, [(UNKNOWN, UNKNOWN, UNKNOWN)] * 100) == []
    # down, then a blind round: the evidence starts over
    assert _fired(d, [(DOWN, UP, DOWN)] * 4 + [(UNKNOWN, UP, DOWN)] + [(DOWN, UP, DOWN)] * 4) == []


def test_fast_path_after_the_window_in_elapsed_seconds():
    d = _armed()
    assert _fired(d, [(DOWN, UP, DOWN)] * 10) == [20.0]
    # slow rounds (12 s apart) do not stretch the window: the second round past 20 s fires
    d = _armed()
    assert _fired(d, [(DOWN, UP, DOWN)] * 5, step=12) == [24.0]


def test_fast_path_needs_the_primary_database_down_an_in_zone_ha_failover_never_fires():
    """Review finding 5: a standby whose readiness checks its local replica stays HEALTHY while the
    primary's pods turn unready for the ~60 s (up to ~120 s) HA failover; the instance stays RUNNABLE,
    so the fast path never fires, and the standby alone needs the 150 s hold window."""
    d = _armed()
    assert _fired(d, [(DOWN, UP, UP)] * 29 + [(UP, UP, UP)]) == []
    # a lost region whose instance still reads RUNNABLE: the standby's signal alone, after the hold window
    assert _fired(_armed(), [(DOWN, UP, UP)] * 40) == [150.0]


def test_without_a_database_the_standby_signal_alone_drives_the_fast_path():
    d = _armed(database=False)
    assert _fired(d, [(DOWN, UP, UNKNOWN)] * 6) == [20.0]
    # and there is no hold path: both regions down is no reason to move
    assert _fired(_armed(database=False), [(DOWN, DOWN, UNKNOWN)] * 100) == []


def test_hold_path_needs_the_database_signal_not_whatever_the_standby_says():
    d = _armed()
    # both regions unready, the primary instance RUNNABLE (a bad release, an app outage): never
    assert _fired(d, [(DOWN, DOWN, UP)] * 100) == []
    d = _armed()
    assert _fired(d, [(DOWN, DOWN, DOWN)] * 40) == [150.0]
    d = _armed()
    assert _fired(d, [(DOWN, DOWN, DOWN)] * 29 + [(UP, UP, UP)]) == []


def test_it_publishes_again_only_after_the_primary_recovered():
    d = _armed()
    assert _fired(d, [(DOWN, UP, DOWN)] * 6 + [(UP, UP, UP)] + [(DOWN, UP, DOWN)] * 5) == [20.0, 55.0]


@pytest.mark.parametrize("window, hold", [(0, 3), (25, 20)])
def test_fails_with_windows_out_of_order(window, hold):
    with pytest.raises(ValueError, match="window_s"):
        Detector(window, hold, True)


def test_detector_for_reads_the_tier_timing():
    d = detector_for(CFG)
    assert (d.window_s, d.hold_s, d.database) == (20.0, 150.0, True)
    assert detector_for({**CFG, "primary_instance": None}).database is False


def _http_error(code: int) -> urllib.error.HTTPError:
    return urllib.error.HTTPError("https://sqladmin.googleapis.com", code, "error", {}, None)


class FakeApi:
    """getHealth answers per group URL, instances.get, and the publish calls received."""

    def __init__(self, health: dict[str, object], sql: object = {"state": "RUNNABLE"}, publish_fails: bool = False, delay: float = 0.0):
        self.health, self.sql, self.publish_fails, self.delay, self.published = health, sql, publish_fails, delay, []

    def __call__(self, url, token, body=None, timeout=4.0):
        assert token == "t" and timeout <= 4.0
        if url.endswith(":publish"):
            if self.publish_fails:
                raise OSError("pubsub unavailable")
            self.published.append((url, body))
            return {"messageIds": ["1"]}
        answer = self.sql if "/instances/" in url else self.health[body["group"]]
        if "/instances/" in url:
            assert url == "https://sqladmin.googleapis.com/v1/projects/acme-ml-prod/instances/prod-fraud-scoring-db" and body is None
        else:
            assert url.endswith("/global/backendServices/fraud-scoring-lb-backend/getHealth")
        time.sleep(self.delay)
        if isinstance(answer, Exception):
            raise answer
        return answer if "/instances/" in url else {"healthStatus": [{"healthState": s} for s in answer]}


def _health(primary, standby=("HEALTHY",)):
    return {**{g: primary for g in CFG["primary_groups"]}, S: list(standby)}


@pytest.mark.parametrize("sql, state", [({"state": "RUNNABLE"}, UP), ({"state": "MAINTENANCE"}, DOWN), ({"state": "FAILED"}, DOWN),
                                        (TimeoutError("timed out"), DOWN), (_http_error(503), DOWN),
                                        (_http_error(403), UNKNOWN), (_http_error(429), UNKNOWN), (_http_error(404), UNKNOWN)])
def test_database_state_permission_and_quota_errors_say_nothing(sql, state):
    assert database_state(CFG, "t", FakeApi({}, sql=sql), 4.0) == state


def test_a_round_reads_concurrently_under_one_deadline():
    """Review finding 4: six reads of 1 s each used to take 6 s (3 x 4 s with a dead primary); now the
    round ends by interval_s, and reads still running then are unknown."""
    api = FakeApi(_health(["UNHEALTHY"]), sql={"state": "RUNNABLE"}, delay=1.0)
    started = time.monotonic()
    assert read_round({**CFG, "interval_s": 3}, "t", api) == (DOWN, UP, UP)
    assert time.monotonic() - started < 2.5
    hung = threading.Event()
    slow = FakeApi(_health(["UNHEALTHY"]), delay=0.0)
    slow_call = lambda url, token, body=None, timeout=4.0: (hung.wait(3) if body and body["group"] == S else None) or slow(url, token, body, timeout)  # noqa: E731
    started = time.monotonic()
    assert read_round({**CFG, "interval_s": 1}, "t", slow_call) == (DOWN, UNKNOWN, UP)
    assert time.monotonic() - started < 1.8
    hung.set()


def test_a_round_publishes_the_probe_message_once_per_outage():
    api = FakeApi(_health(["HEALTHY"]))
    d = detector_for(CFG)
    assert not round_once(CFG, d, "t", 0.0, api)  # arms
    api.health, api.sql = _health(TimeoutError("europe-west4 unreachable")), TimeoutError("unreachable")
    assert not any(round_once(CFG, d, "t", t, api) for t in (5.0, 10.0, 15.0, 20.0, 25.0)) and api.published == []  # blind
    api.health = _health(["UNHEALTHY"])
    assert [t for t in (30.0, 35.0, 40.0, 45.0, 50.0, 55.0) if round_once(CFG, d, "t", t, api)] == [50.0]
    (url, body), = api.published
    assert url == "https://europe-west1-pubsub.googleapis.com/v1/projects/acme-ml-prod/topics/prod-failover-alerts:publish"
    message = json.loads(base64.b64decode(body["messages"][0]["data"]))
    assert message == {"probe": {"name": "prod-fraud-scoring-probe", "verdict": "primary-down", "primary_region": "europe-west4",
                                 "standby_region": "europe-west1", "down_s": 20.0, "standby_healthy": True, "database": "down"}}


def test_a_failed_publish_is_retried_next_round():
    api = FakeApi(_health(["HEALTHY"]), publish_fails=True)
    d = Detector(5, 5, database=False)
    round_once(CFG, d, "t", 0.0, api)
    api.health = _health(["UNHEALTHY"])
    assert not round_once(CFG, d, "t", 5.0, api) and not round_once(CFG, d, "t", 10.0, api) and not d.published
    api.publish_fails = False
    assert round_once(CFG, d, "t", 15.0, api) and len(api.published) == 1


def test_heartbeat_only_for_answered_rounds(capsys):
    api = FakeApi(_health(["HEALTHY"]))
    round_once(CFG, detector_for(CFG), "t", 0.0, api)
    api.health = _health(OSError("403"))
    round_once(CFG, detector_for(CFG), "t", 5.0, api)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    beats = [line for line in lines if line["message"] == app.HEARTBEAT]
    assert len(beats) == 1 and beats[0]["heartbeat"] == CFG["name"] and beats[0]["primary"] == UP
    assert any(line["severity"] == "ERROR" and "blind" in line["message"] for line in lines)


def test_the_program_needs_only_the_standard_library():
    imported = {line.split()[1].split(".")[0] for line in open(app.__file__, encoding="utf-8")
                if line.startswith(("import ", "from ")) and not line.startswith("from __future__")}
    assert imported <= {"base64", "concurrent", "json", "os", "sys", "time", "urllib", "typing"}, imported


def test_the_access_token_is_kept_until_shortly_before_it_expires():
    calls = []
    token = app.AccessToken(lambda: calls.append(1) or {"access_token": f"t{len(calls)}", "expires_in": 3600})
    assert [token.get(t) for t in (0, 5, 3000, 3299)] == ["t1"] * 4 and token.get(3300) == "t2" and len(calls) == 2
