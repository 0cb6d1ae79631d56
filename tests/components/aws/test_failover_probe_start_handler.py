"""The failover probe's direct start of its Region switch plan, as plain Python (issue 17): the start decision
(armed, consecutive slots of "watched down AND survivor up", once per failure, damping), the read-back of a
cold execution environment, and the StartPlanExecution request itself, checked against the pinned botocore."""

from __future__ import annotations

import io
import json
import urllib.error
from datetime import datetime, timedelta, timezone

import boto3
import botocore.session
import pytest
from botocore.credentials import Credentials

from blueprint.components.aws import failover_probe_handler as h

PLAN_ARN = "arn:aws:arc-region-switch::123456789012:plan/prod-fraud-scoring:abc123"
ENV = {"PERIOD_S": "10", "ATTEMPT_TIMEOUT_S": "3", "NAMESPACE": "Blueprint/FailoverProbe", "WORKLOAD": "fraud-scoring",
       "WATCHED_REGION": "us-east-1", "PROBE_REGION": "us-west-2", "SELF_HOST": "fraud-2.example",
       "START_PLAN_PARAMETER": "/blueprint/region-switch/prod-fraud-scoring/us-east-1/plan-arn",
       "START_ACTION": "deactivate", "START_TARGET_REGION": "us-east-1", "START_AFTER_SLOTS": "2",
       "START_MIN_INTERVAL_S": "3600"}
T0 = datetime(2026, 12, 3, 18, 0, 0, tzinfo=timezone.utc)
DOWN, BOTH_DOWN, UP = {"watched": False, "self": True}, {"watched": False, "self": False}, {"watched": True, "self": True}
CREDENTIALS = Credentials("AKIDEXAMPLE", "secret", "token")


def _at(i: int) -> datetime:
    return T0 + timedelta(seconds=10 * i)


def _decisions(slots, armed=True, state=None, needed=2):
    state = state or h.StartState()
    return [h.observe(state, up, armed, _at(i), needed, 3600) for i, up in enumerate(slots)], state


# --- the decision -----------------------------------------------------------------------------------


def test_starts_on_the_slot_that_completes_the_streak():
    decisions, state = _decisions([DOWN, DOWN, DOWN])
    assert decisions == [False, True, True]  # the caller marks it started (DirectStart): see test_starts_once
    assert state.streak == 3 and state.first_failed == _at(0)


def test_never_starts_unarmed():
    decisions, _ = _decisions([DOWN] * 6, armed=False)
    assert not any(decisions)


def test_the_streak_must_be_consecutive():
    decisions, _ = _decisions([DOWN, UP, DOWN, UP, DOWN])
    assert not any(decisions)


def test_a_survivor_that_is_down_too_is_a_shared_fault_never_a_failover():
    decisions, state = _decisions([DOWN, BOTH_DOWN, DOWN, BOTH_DOWN, DOWN])
    assert not any(decisions) and state.streak == 1


def test_no_survivor_signal_no_start():
    decisions, _ = _decisions([{"watched": False}] * 4)
    assert not any(decisions)


class _Run:
    """A DirectStart with fake collaborators."""

    def __init__(self, outcomes=("started",), env=ENV):
        self.state, self.bodies, self.outcomes = h.StartState(), [], list(outcomes)
        self.reads = 0
        self.starter = h.DirectStart(env, self.state, self._read, self._start)

    def _read(self):
        self.reads += 1
        return PLAN_ARN

    def _start(self, body):
        self.bodies.append(body)
        outcome = self.outcomes.pop(0) if self.outcomes else "started"
        return outcome, "detail"

    def slots(self, slots, armed=True, offset=0):
        return [self.starter.after_slot(up, armed, _at(offset + i)) for i, up in enumerate(slots)]


def test_starts_once_per_failure_and_publishes_failover_started():
    run = _Run()
    published = run.slots([DOWN] * 6)
    assert len(run.bodies) == 1 and published[1] and not any(published[2:]) and not published[0]
    (datum,) = published[1]
    assert datum["MetricName"] == h.START_METRIC_NAME == "FailoverStarted" and datum["Value"] == 1.0
    assert datum["Timestamp"] == _at(1) and datum["StorageResolution"] == 1
    body = run.bodies[0]
    assert body["planArn"] == PLAN_ARN and body["action"] == "deactivate" and body["targetRegion"] == "us-east-1"
    assert body["mode"] == "ungraceful" and body["clientToken"] == h.start_body(ENV, PLAN_ARN, run.state)["clientToken"]
    assert body["clientToken"].startswith(f"{int(_at(0).timestamp())}-") and body["clientToken"].endswith("-fraud-scoring-us-east-1")
    assert "us-east-1 unreachable from us-west-2" in body["comment"] and run.reads == 1


def test_an_execution_already_running_counts_as_started():
    run = _Run(outcomes=("already-started",))
    published = run.slots([DOWN] * 4)
    assert len(run.bodies) == 1 and published[1] and run.state.started


def test_a_failed_start_is_tried_again_on_the_next_slot():
    run = _Run(outcomes=("failed", "started"))
    published = run.slots([DOWN] * 4)
    assert len(run.bodies) == 2 and not published[1] and published[2] and not published[3]


def test_an_unreadable_parameter_starts_nothing_and_is_read_again():
    run = _Run()
    run._read = lambda: (_ for _ in ()).throw(OSError("ssm down"))
    run.starter.read_plan_arn = run._read
    assert run.slots([DOWN] * 3) == [[], [], []] and not run.bodies and not run.state.started


def test_a_recovered_region_failing_again_within_the_damping_starts_nothing():
    run = _Run()
    run.slots([DOWN, DOWN, UP, DOWN, DOWN, DOWN])
    assert len(run.bodies) == 1  # the trigger's minDelayMinutesBetweenExecutions (60 min): the same damping
    later = run.slots([UP, DOWN, DOWN], offset=360 + 6)  # a new failure an hour later
    assert len(run.bodies) == 2 and later[2]


# --- the probe's run ----------------------------------------------------------------------------------


class _CloudWatch:
    def __init__(self, seen_up=True, points=None):
        self.calls, self.reads, self.seen_up, self.points = [], [], seen_up, points or {}

    def put_metric_data(self, **kwargs):
        self.calls.append(kwargs)

    def get_metric_statistics(self, **kwargs):
        self.reads.append(kwargs)
        if kwargs["MetricName"] == h.METRIC_NAME and kwargs["Period"] == h.ARMING_PERIOD_S:
            return {"Datapoints": [{"Maximum": 1.0}] if self.seen_up else []}
        return {"Datapoints": self.points.get(kwargs["MetricName"], [])}


class _Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def _probe_run(cw, run, watched=False, self_up=True):
    clock = _Clock()
    probes = {"watched": lambda: watched, "self": lambda: self_up}
    return h.run(ENV, cw, lambda: 60000 - int(clock.now * 1000), probes, clock, clock.sleep, now=lambda: T0,
                 starter=run.starter)


def test_the_run_starts_the_plan_before_publishing_the_slot():
    cw, run = _CloudWatch(), _Run()
    _probe_run(cw, run)
    assert len(run.bodies) == 1
    second = cw.calls[1]["MetricData"]
    assert [d["MetricName"] for d in second] == ["FailoverStarted", "EndpointUp", "SelfEndpointUp"]
    assert sum(d["MetricName"] == "FailoverStarted" for c in cw.calls for d in c["MetricData"]) == 1


def test_a_first_deploy_never_starts_the_plan():
    cw, run = _CloudWatch(seen_up=False), _Run()
    _probe_run(cw, run)
    assert not run.bodies and not any(d["MetricName"] == "FailoverStarted" for c in cw.calls for d in c["MetricData"])


def test_a_cold_environment_reads_the_streak_back_and_starts_on_its_first_slot():
    points = {h.METRIC_NAME: [{"Timestamp": T0 - timedelta(seconds=10), "Minimum": 0.0}],
              h.SELF_METRIC_NAME: [{"Timestamp": T0 - timedelta(seconds=10), "Minimum": 1.0}]}
    cw, run = _CloudWatch(points=points), _Run()
    _probe_run(cw, run)
    assert len(run.bodies) == 1 and cw.calls[0]["MetricData"][0]["MetricName"] == "FailoverStarted"
    # The token is the failure's first failed slot, as the environment that saw it computed it.
    assert run.bodies[0]["clientToken"].startswith(str(int((T0 - timedelta(seconds=10)).timestamp())))
    high_res = [r for r in cw.reads if r["Period"] == 1]
    assert {r["MetricName"] for r in high_res} == {"EndpointUp", "SelfEndpointUp"}


def test_a_cold_environment_remembers_a_start_within_the_damping():
    points = {h.START_METRIC_NAME: [{"Timestamp": T0 - timedelta(minutes=5), "Maximum": 1.0}]}
    cw, run = _CloudWatch(points=points), _Run()
    _probe_run(cw, run)
    assert not run.bodies and run.state.started


def test_a_failed_read_back_seeds_nothing():
    class Broken(_CloudWatch):
        def get_metric_statistics(self, **kwargs):
            if kwargs["Period"] != h.ARMING_PERIOD_S:
                raise OSError("throttled")
            return super().get_metric_statistics(**kwargs)

    state = h.StartState()
    h.seed(state, ENV, Broken(), T0)
    assert state.seeded and state.streak == 0 and not state.started


# --- the request --------------------------------------------------------------------------------------


def test_the_request_is_the_one_botocore_sends_for_start_plan_execution():
    """botocore 1.44.5's own arc-region-switch client (json protocol) sends the same URL, target, content type and
    body: our request needs no service model in the Lambda runtime's botocore, only its SigV4 signer."""
    body = {"planArn": PLAN_ARN, "targetRegion": "us-east-1", "action": "deactivate", "mode": "ungraceful",
            "clientToken": "fraud-scoring-us-east-1-1", "comment": "c"}
    seen = {}

    class Stop(Exception):
        pass

    def capture(request, **_):
        seen.update(url=request.url, headers=dict(request.headers), body=json.loads(request.body))
        raise Stop()

    client = boto3.client("arc-region-switch", region_name="us-west-2", aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="x")
    client.meta.events.register("before-send.arc-region-switch.StartPlanExecution", capture)
    with pytest.raises(Stop):
        client.start_plan_execution(**body)
    url, headers, data = h.signed_request("us-west-2", body, CREDENTIALS)
    assert url == seen["url"] == "https://arc-region-switch.us-west-2.api.aws/"
    assert headers["X-Amz-Target"] == seen["headers"]["X-Amz-Target"].decode() == h.START_TARGET
    assert headers["Content-Type"] == seen["headers"]["Content-Type"].decode() == h.JSON_CONTENT_TYPE
    assert json.loads(data) == seen["body"] == body
    assert headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/us-west-2/arc-region-switch/aws4_request" in headers["Authorization"]


def test_the_body_uses_only_members_and_values_of_the_service_model():
    model = botocore.session.get_session().get_service_model("arc-region-switch")
    shape = model.operation_model("StartPlanExecution").input_shape
    state = h.StartState()
    state.streak, state.first_failed = 2, T0
    body = h.start_body(ENV, PLAN_ARN, state)
    assert set(shape.required_members) <= set(body) <= set(shape.members)
    assert body["action"] in shape.members["action"].enum and body["mode"] in shape.members["mode"].enum
    assert 1 <= len(body["clientToken"]) <= 128 and len(body["comment"]) <= 1024
    assert model.metadata["targetPrefix"] + ".StartPlanExecution" == h.START_TARGET
    assert "json" in model.metadata["protocols"] and model.metadata["signingName"] == h.SIGNING_NAME


@pytest.mark.parametrize("region", ["us-west-2", "eu-south-2", "cn-north-1"])
def test_the_endpoint_is_the_regions_data_plane_as_botocore_resolves_it(region):
    seen = {}

    class Stop(Exception):
        pass

    def capture(request, **_):
        seen["url"] = request.url
        raise Stop()

    client = boto3.client("arc-region-switch", region_name=region, aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="x")
    client.meta.events.register("before-send.arc-region-switch.StartPlanExecution", capture)
    with pytest.raises(Stop):
        client.start_plan_execution(planArn=PLAN_ARN, targetRegion="us-east-1", action="deactivate")
    assert h.endpoint(region) == seen["url"]


class _Answer(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _http_error(code, error_type=None, body=b""):
    headers = {"x-amzn-ErrorType": error_type} if error_type else {}
    return urllib.error.HTTPError("https://x", code, "error", headers, io.BytesIO(body))


def test_call_start_reports_the_execution():
    sent = []

    def opener(request, timeout):
        sent.append((request, timeout))
        return _Answer(json.dumps({"executionId": "us-west-2/0123456789abcdef"}).encode())

    assert h.call_start("us-west-2", {"planArn": PLAN_ARN}, CREDENTIALS, opener) == ("started", "us-west-2/0123456789abcdef")
    request, timeout = sent[0]
    assert request.get_method() == "POST" and timeout == h.API_TIMEOUT_S
    assert request.full_url == "https://arc-region-switch.us-west-2.api.aws/"


@pytest.mark.parametrize("error, outcome", [
    (_http_error(400, body=b'{"__type": "com.amazonaws.arcregionswitch#IllegalStateException", "message": "running"}'),
     "already-started"),
    (_http_error(409, "ConflictException:http://internal.amazon.com/coral/"), "conflict"),
    (_http_error(403, body=b'{"__type": "AccessDeniedException"}'), "failed"),
    (_http_error(404, body=b"not json"), "failed"),
    (OSError("unreachable"), "failed"),
])
def test_call_start_treats_a_running_execution_as_started(error, outcome):
    def opener(request, timeout):
        raise error

    assert h.call_start("us-west-2", {"planArn": PLAN_ARN}, CREDENTIALS, opener)[0] == outcome


def test_error_code_reads_like_botocores_json_parser():
    assert h.error_code(None, b'{"__type": "a.b#IllegalStateException"}') == "IllegalStateException"
    assert h.error_code("ConflictException:http://x", b"") == "ConflictException"
    assert h.error_code(None, b"<html>") == ""


# --- review findings 2 and 3: a replaced plan's ARN, idempotent retries -------------------------------------


def test_a_failed_start_reads_the_plan_arn_again():
    # A warm environment kept the ARN of a plan since replaced (delete_before_replace: a new suffix): the start
    # fails with ResourceNotFoundException; the next slot reads the parameter again and starts the new plan.
    run, arns = _Run(outcomes=("failed", "started")), iter([PLAN_ARN, PLAN_ARN + "-new"])
    run.starter.read_plan_arn = lambda: next(arns)
    run.slots([DOWN] * 3)
    assert [b["planArn"] for b in run.bodies] == [PLAN_ARN, PLAN_ARN + "-new"] and run.state.started
    # ... and with a new ARN comes a new client token (the token maps to the parameters).
    assert run.bodies[0]["clientToken"] != run.bodies[1]["clientToken"]


def test_a_retry_with_the_same_token_sends_the_same_request():
    run = _Run(outcomes=("failed", "started"))
    run.slots([DOWN] * 3)
    assert run.bodies[0] == run.bodies[1]  # the streak grew in between; the request did not: a replay


def test_a_conflict_is_no_start_and_is_retried_with_a_new_token():
    run = _Run(outcomes=("conflict", "started"))
    published = run.slots([DOWN] * 3)
    assert not published[1] and published[2] and len(run.bodies) == 2
    assert run.bodies[0]["clientToken"] != run.bodies[1]["clientToken"]
    assert {k: v for k, v in run.bodies[0].items() if k != "clientToken"} == \
        {k: v for k, v in run.bodies[1].items() if k != "clientToken"}


# --- review finding 4: slots on the wall clock, overlapping invocations ------------------------------------


def test_slots_sit_on_the_wall_clocks_multiples_of_the_period_for_run_s():
    cw, clock = _CloudWatch(), _Clock()
    env = {**ENV, "RUN_S": "160"}
    h.run(env, cw, lambda: 200000 - int(clock.now * 1000), {"watched": lambda: True, "self": lambda: True}, clock,
          clock.sleep, now=lambda: T0 + timedelta(seconds=3.5))
    stamps = [c["MetricData"][0]["Timestamp"] for c in cw.calls]
    assert stamps[0] == T0 + timedelta(seconds=10) and stamps[-1] == T0 + timedelta(seconds=160)
    assert len(stamps) == 16  # 10 .. 160 s: overlapping the next invocation, however late the schedule fires it


def test_a_warm_environment_with_a_stale_streak_reads_it_back():
    run = _Run()
    run.slots([DOWN], offset=-30)  # its last slot 30 s before this run: other environments probed in between
    assert run.state.streak == 1
    cw = _CloudWatch(points={h.METRIC_NAME: [{"Timestamp": T0 - timedelta(seconds=10), "Minimum": 1.0}]})
    _probe_run(cw, run, watched=False)
    # The region answered at -10 s (read back): the streak restarts at T0, so the start is on the second slot.
    assert len(run.bodies) == 1 and run.bodies[0]["clientToken"].startswith(f"{int(T0.timestamp())}-")
    assert [d["MetricName"] for d in cw.calls[1]["MetricData"]][0] == "FailoverStarted"


def test_a_region_serving_from_its_fallback_is_up():
    with h.ThreadPoolExecutor(max_workers=8) as pool:
        assert h.slot({"watched": lambda: False, "watched:fallback": lambda: True, "self": lambda: True}, 1.0, pool) == \
            {"watched": True, "self": True}
        assert h.slot({"watched": lambda: False, "watched:fallback": lambda: False, "self": lambda: False,
                       "self:fallback": lambda: True}, 1.0, pool) == {"watched": False, "self": True}


def test_the_handler_probes_each_regions_fallback_on_the_fallback_path(monkeypatch):
    seen, calls = {}, []
    env = {**ENV, "TARGET_HOST": "gpu-1.elb", "SERVER_NAME": "recs.ml.example.com", "PATH_TO_PROBE": "/ready",
           "TARGET_FALLBACK_HOST": "fb-1.elb", "SELF_FALLBACK_HOST": "fb-2.elb", "FALLBACK_PATH": "/cpu-ready",
           "AWS_DEFAULT_REGION": "us-west-2", "START_PLAN_PARAMETER": ""}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(h, "attempt", lambda host, port, name, path, timeout: calls.append((host, path)) or True)
    monkeypatch.setattr(h, "run", lambda env, cw, remaining, probes, **kw: seen.update(probes) or [])

    class Context:
        def get_remaining_time_in_millis(self):
            return 1000

    h.handler({}, Context())
    assert set(seen) == {"watched", "self", "watched:fallback", "self:fallback"}
    for fn in seen.values():
        fn()
    assert sorted(calls) == sorted([("gpu-1.elb", "/ready"), ("fraud-2.example", "/ready"), ("fb-1.elb", "/cpu-ready"),
                                    ("fb-2.elb", "/cpu-ready")])
