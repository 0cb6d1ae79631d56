"""The failover probe's Lambda code as plain Python: one datapoint per target and slot, timestamped at
the slot's start, 0 only when both concurrent attempts fail within the slot's one deadline, zeros only
once armed, high resolution, published at once, and never past the function's time."""

from __future__ import annotations

import ssl
import threading
import time
from datetime import datetime, timedelta, timezone

from blueprint.components.aws import failover_probe_handler as h

ENV = {"PERIOD_S": "10", "ATTEMPT_TIMEOUT_S": "3", "NAMESPACE": "Blueprint/FailoverProbe", "WORKLOAD": "fraud-scoring",
       "WATCHED_REGION": "us-east-1", "PROBE_REGION": "us-west-2"}
T0 = datetime(2026, 12, 3, 18, 0, 0, tzinfo=timezone.utc)


class _CloudWatch:
    def __init__(self, seen_up: bool = True, fail_read: bool = False):
        self.calls, self.reads, self.seen_up, self.fail_read = [], [], seen_up, fail_read

    def put_metric_data(self, **kwargs):
        self.calls.append(kwargs)

    def get_metric_statistics(self, **kwargs):
        self.reads.append(kwargs)
        if self.fail_read:
            raise OSError("throttled")
        return {"Datapoints": [{"Maximum": 1.0 if self.seen_up else 0.0}] if self.seen_up is not None else []}


class _Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def _run(cw, watched, self_up=None, remaining=60000, env=ENV):
    clock = _Clock()
    probes = {"watched": lambda: watched} if self_up is None else {"watched": lambda: watched, "self": lambda: self_up}
    return h.run(env, cw, lambda: remaining - int(clock.now * 1000), probes, clock, clock.sleep, now=lambda: T0)


def _values(cw, metric=h.METRIC_NAME):
    return [d["Value"] for c in cw.calls for d in c["MetricData"] if d["MetricName"] == metric]


def test_one_high_resolution_datapoint_per_ten_second_slot_stamped_at_its_start():
    cw = _CloudWatch()
    results = _run(cw, True)
    assert results == [{"watched": True}] * 6 and len(cw.calls) == 6
    datum = cw.calls[0]["MetricData"][0]
    assert cw.calls[0]["Namespace"] == "Blueprint/FailoverProbe"
    assert datum["StorageResolution"] == 1 and datum["Value"] == 1.0 and datum["MetricName"] == "EndpointUp"
    assert datum["Dimensions"] == [{"Name": "Workload", "Value": "fraud-scoring"}, {"Name": "WatchedRegion", "Value": "us-east-1"}]
    # Finding 3: each datapoint carries its slot's scheduled start, not the time its verdict was known.
    assert [c["MetricData"][0]["Timestamp"] for c in cw.calls] == [T0 + timedelta(seconds=10 * i) for i in range(6)]


def test_an_armed_probe_of_a_dead_region_publishes_zeros_not_silence():
    cw = _CloudWatch(seen_up=True)
    _run(cw, False)
    assert _values(cw) == [0.0] * 6
    read = cw.reads[0]
    assert read["MetricName"] == "EndpointUp" and read["Statistics"] == ["Maximum"] and read["Period"] == 3600
    assert read["EndTime"] - read["StartTime"] == timedelta(hours=24)


def test_a_region_never_seen_up_publishes_no_zeros():
    # Finding 2: a first deploy (targets not healthy yet) must not turn the trigger red.
    for cw in (_CloudWatch(seen_up=False), _CloudWatch(seen_up=None), _CloudWatch(fail_read=True)):
        _run(cw, False)
        assert _values(cw) == []


def test_a_first_success_arms_the_probe_within_the_run():
    # One True only: whichever order the threads take the answers in, slot 1 is the one that gets it.
    cw, answers = _CloudWatch(seen_up=None), iter([False, False, True] + [False] * 20)
    lock = threading.Lock()

    def probe():
        with lock:
            return next(answers)

    clock = _Clock()
    h.run(ENV, cw, lambda: 60000 - int(clock.now * 1000), {"watched": probe}, clock, clock.sleep, now=lambda: T0)
    assert _values(cw) == [1.0, 0.0, 0.0, 0.0, 0.0]  # the first slot publishes nothing (never seen up)


def test_the_survivor_is_probed_and_published_in_its_own_metric():
    cw = _CloudWatch()
    results = _run(cw, False, self_up=True)
    assert results[0] == {"watched": False, "self": True}
    assert _values(cw) == [0.0] * 6 and _values(cw, h.SELF_METRIC_NAME) == [1.0] * 6
    survivor = next(d for d in cw.calls[0]["MetricData"] if d["MetricName"] == h.SELF_METRIC_NAME)
    assert survivor["Dimensions"] == [{"Name": "Workload", "Value": "fraud-scoring"}, {"Name": "WatchedRegion", "Value": "us-west-2"}]


def test_one_failed_attempt_is_not_a_failed_slot():
    answers, lock = iter([False, True]), threading.Lock()

    def probe():
        with lock:
            return next(answers)

    with h.ThreadPoolExecutor(max_workers=2) as pool:
        assert h.slot({"watched": probe}, 1, pool) == {"watched": True}


def test_a_slot_has_one_deadline_for_both_attempts():
    # Finding 3: the attempts run together; a blackholed target costs the slot one timeout, not two.
    release = threading.Event()

    def hang():
        release.wait(5)
        return True

    with h.ThreadPoolExecutor(max_workers=2) as pool:
        started = time.monotonic()
        assert h.slot({"watched": hang}, 0.3, pool) == {"watched": False}
        assert time.monotonic() - started < 0.6
        release.set()


def test_stops_before_the_function_timeout():
    results = _run(_CloudWatch(), True, remaining=30000)
    assert len(results) == 3  # slots at 0, 10 and 20 s fit; at 30 s only 0 ms would remain


class _Socket:
    def __init__(self, answer: bytes):
        self.answer, self.sent, self.timeouts = answer, b"", []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def settimeout(self, t):
        self.timeouts.append(t)


class _Tls(_Socket):
    def sendall(self, data):
        self.sent += data

    def recv(self, n):
        return self.answer[:n]


class _Context:
    def __init__(self, answer: bytes):
        self.tls, self.server_hostname = _Tls(answer), None

    def wrap_socket(self, raw, server_hostname):
        self.server_hostname = server_hostname
        return self.tls


def _resolve(*addresses):
    return lambda host, port, type: [(2, 1, 6, "", (a, port)) for a in addresses]


def test_attempt_verifies_the_global_name_and_judges_the_status():
    ctx = _Context(b"HTTP/1.1 200 OK\r\n")
    assert h.attempt("alb.elb.amazonaws.com", 443, "fraud.ml.example.com", "/ready", 3,
                     connect=lambda addr, timeout: _Socket(b""), context=ctx, resolve=_resolve("10.0.0.1"))
    assert ctx.server_hostname == "fraud.ml.example.com"
    assert ctx.tls.sent.startswith(b"GET /ready HTTP/1.1\r\nHost: fraud.ml.example.com\r\n")
    assert not h.attempt("a", 443, "b", "/ready", 3, connect=lambda addr, timeout: _Socket(b""),
                         context=_Context(b"HTTP/1.1 503 Service Unavailable\r\n"), resolve=_resolve("10.0.0.1"))


def test_attempt_spends_one_deadline_across_all_addresses():
    # Finding 3: three blackholed ALB addresses share one 3 s budget (create_connection gave each 3 s).
    clock, offered = _Clock(), []

    def blackholed(addr, timeout):
        offered.append(timeout)
        clock.now += timeout
        raise TimeoutError()

    assert not h.attempt("a", 443, "b", "/", 3, connect=blackholed, resolve=_resolve("10.0.0.1", "10.0.0.2", "10.0.0.3"),
                         clock=clock)
    assert offered == [3] and clock.now == 3


def test_attempt_failure_on_connection_resolution_or_tls_error():
    def refused(addr, timeout):
        raise ConnectionRefusedError()

    assert not h.attempt("a", 443, "b", "/", 3, connect=refused, resolve=_resolve("10.0.0.1"))

    def unresolvable(host, port, type):
        raise OSError("no such name")

    assert not h.attempt("a", 443, "b", "/", 3, connect=refused, resolve=unresolvable)

    class _BadCert(_Context):
        def wrap_socket(self, raw, server_hostname):
            raise ssl.SSLCertVerificationError("bad cert")

    assert not h.attempt("a", 443, "b", "/", 3, connect=lambda addr, timeout: _Socket(b""), context=_BadCert(b""),
                         resolve=_resolve("10.0.0.1"))
