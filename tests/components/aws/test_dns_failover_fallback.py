"""DnsFailover with degraded serving (issue 18, service.fallback): a region with a fallback load balancer
gets two weighted records under ``<region>.<name>`` (GPU weight 255, fallback weight 0, each health-checked),
and its routed record aliases that name with Evaluate target health; an orchestration's control check sits on
the routed record itself (no calculated check nests another: Route 53 refuses that)."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pytest
from pydantic import ValidationError

from blueprint.catalogs.tiers import probe_spec
from blueprint.components.aws.dns_failover import (
    FALLBACK_WEIGHT, GPU_WEIGHT, DnsEndpoint, DnsFailover, DnsFailoverArgs, DnsFallbackTarget,
)
from blueprint.plan.engine import plan_program

ZONE = "ml.example.com"
NAME = f"recs.{ZONE}"
PRIMARY, SECONDARY = "eu-central-1", "eu-west-3"
TOPIC = "arn:aws:sns:us-east-1:123456789012:prod-route53-alarms"
ALB = {r: (f"k8s-recs-{r}.{r}.elb.amazonaws.com", f"Z{r.upper().replace('-', '')}") for r in (PRIMARY, SECONDARY)}
FALLBACK_ALB = {r: (f"recs-fallback-{r}.{r}.elb.amazonaws.com", f"Z{r.upper().replace('-', '')}") for r in (PRIMARY, SECONDARY)}
CONTROL = {PRIMARY: "11111111-aaaa-bbbb-cccc-000000000001", SECONDARY: "11111111-aaaa-bbbb-cccc-000000000002"}


def _endpoint(region: str, role: str, fallback: bool, path: str | None = "/fallback-ready") -> DnsEndpoint:
    target = DnsFallbackTarget(alb_dns_name=FALLBACK_ALB[region][0], alb_zone_id=FALLBACK_ALB[region][1],
                               readiness_path=path) if fallback else None
    return DnsEndpoint(region=region, role=role, alb_dns_name=ALB[region][0], alb_zone_id=ALB[region][1], fallback=target)


def _args(routing: str = "failover", fallback_in=(PRIMARY, SECONDARY), **overrides) -> DnsFailoverArgs:
    probe = probe_spec("business-critical")
    endpoints = [_endpoint(PRIMARY, "primary", PRIMARY in fallback_in)]
    if routing != "simple":
        endpoints.append(_endpoint(SECONDARY, "secondary", SECONDARY in fallback_in))
    return DnsFailoverArgs(**{
        "zone_name": ZONE, "record_name": NAME, "routing": routing, "endpoints": endpoints, "readiness_path": "/ready",
        "health_check_interval_s": probe.dns_interval_s, "failure_threshold": probe.dns_failure_threshold,
        "alarm_topic_arns": [TOPIC], **overrides,
    })


def _plan(args: DnsFailoverArgs):
    def program():
        provider = aws.Provider(f"aws-{PRIMARY}", region=PRIMARY)
        DnsFailover("recs-dns", args, pulumi.ResourceOptions(providers=[provider]))

    return plan_program(program, stack="test", config={"aws:region": PRIMARY})


def _by_name(plan, token: str) -> dict:
    return {r.name: r for r in plan.of_type(token)}


RECORD, CHECK = "aws:route53/record:Record", "aws:route53/healthCheck:HealthCheck"


@pytest.fixture(scope="module")
def failover():
    return _plan(_args("failover"))


@pytest.fixture(scope="module")
def controlled():
    return _plan(_args("failover", traffic_control_health_check_ids=CONTROL))


def test_weighted_records_gpu_255_and_fallback_0_under_the_regions_name(failover):
    records, checks = _by_name(failover, RECORD), _by_name(failover, CHECK)
    assert (GPU_WEIGHT, FALLBACK_WEIGHT) == (255, 0)
    for region in (PRIMARY, SECONDARY):
        gpu, fallback = records[f"recs-dns-{region}-gpu-record"], records[f"recs-dns-{region}-fallback-record"]
        for rec, weight, alb, check in ((gpu, 255, ALB, f"recs-dns-{region}-health-check"),
                                        (fallback, 0, FALLBACK_ALB, f"recs-dns-{region}-fallback-health-check")):
            assert rec.inputs["name"] == f"{region}.{NAME}" and rec.inputs["type"] == "A"
            assert rec.inputs["weightedRoutingPolicies"] == [{"weight": weight}]
            assert rec.inputs["setIdentifier"] in (f"{region}-gpu", f"{region}-fallback")
            assert rec.inputs["healthCheckId"] == checks[check].id
            assert rec.inputs["aliases"] == [{"name": alb[region][0], "zoneId": alb[region][1], "evaluateTargetHealth": True}]
            assert "ttl" not in rec.inputs


def test_routed_record_aliases_the_weighted_name_in_the_same_zone_with_evaluate_target_health(failover):
    records = _by_name(failover, RECORD)
    for region, role in ((PRIMARY, "PRIMARY"), (SECONDARY, "SECONDARY")):
        routed = records[f"recs-dns-{region}-record"]
        gpu = records[f"recs-dns-{region}-gpu-record"]
        assert routed.inputs["name"] == NAME and routed.inputs["setIdentifier"] == region
        assert routed.inputs["failoverRoutingPolicies"] == [{"type": role}]
        (alias,) = routed.inputs["aliases"]
        assert alias["name"] == f"{region}.{NAME}" and alias["evaluateTargetHealth"] is True
        assert alias["zoneId"] == gpu.inputs["zoneId"]  # the hosted zone itself
        # Evaluate target health alone: healthy while the GPU or the fallback record is (no health check of its own).
        assert "healthCheckId" not in routed.inputs
        assert {gpu.urn, records[f"recs-dns-{region}-fallback-record"].urn} <= set(routed.dependencies)


def test_fallback_health_check_is_https_on_its_readiness_path(failover):
    checks = _by_name(failover, CHECK)
    for region in (PRIMARY, SECONDARY):
        fb, gpu = checks[f"recs-dns-{region}-fallback-health-check"], checks[f"recs-dns-{region}-health-check"]
        assert fb.inputs["type"] == "HTTPS" and fb.inputs["fqdn"] == FALLBACK_ALB[region][0]
        assert fb.inputs["resourcePath"] == "/fallback-ready" and gpu.inputs["resourcePath"] == "/ready"
        for key in ("port", "requestInterval", "failureThreshold", "regions", "enableSni"):
            assert fb.inputs[key] == gpu.inputs[key]


def test_endpoints_have_no_fallback_by_default():
    assert DnsEndpoint.model_fields["fallback"].default is None
    assert DnsFallbackTarget.model_fields["readiness_path"].default is None


def test_fallback_readiness_path_defaults_to_the_names():
    plan = _plan(DnsFailoverArgs(**{**_args().model_dump(), "endpoints": [
        _endpoint(PRIMARY, "primary", True, path=None), _endpoint(SECONDARY, "secondary", False)]}))
    assert plan.named(f"recs-dns-{PRIMARY}-fallback-health-check").inputs["resourcePath"] == "/ready"


def test_alarms_stay_on_the_gpu_endpoint_checks_only(failover):
    alarms = _by_name(failover, "aws:cloudwatch/metricAlarm:MetricAlarm")
    checks = _by_name(failover, CHECK)
    assert set(alarms) == {f"recs-dns-{r}-alarm" for r in (PRIMARY, SECONDARY)}
    for region in (PRIMARY, SECONDARY):
        assert alarms[f"recs-dns-{region}-alarm"].inputs["dimensions"] == {"HealthCheckId": checks[f"recs-dns-{region}-health-check"].id}


def test_under_an_orchestration_the_control_check_sits_on_the_routed_record(controlled):
    records, checks = _by_name(controlled, RECORD), _by_name(controlled, CHECK)
    for region in (PRIMARY, SECONDARY):
        routed = records[f"recs-dns-{region}-record"]
        assert routed.inputs["healthCheckId"] == CONTROL[region]
        assert routed.inputs["aliases"][0]["evaluateTargetHealth"] is True
        assert f"recs-dns-{region}-serving-check" not in checks


def test_no_calculated_check_monitors_another_calculated_check(controlled):
    # Route 53: "You can't configure a calculated health check to monitor the health of other calculated health checks".
    checks = list(_by_name(controlled, CHECK).values())
    calculated = {c.id for c in checks if c.inputs.get("type") == "CALCULATED"}
    for c in checks:
        assert not set(c.inputs.get("childHealthchecks") or []) & calculated


def test_a_region_without_fallback_keeps_todays_records_and_serving_check():
    mixed = _plan(_args("failover", fallback_in=(PRIMARY,), traffic_control_health_check_ids=CONTROL))
    plain = _plan(_args("failover", fallback_in=(), traffic_control_health_check_ids=CONTROL))
    for plan in (mixed, plain):
        record = plan.named(f"recs-dns-{SECONDARY}-record")
        serving = plan.named(f"recs-dns-{SECONDARY}-serving-check")
        assert record.inputs["aliases"][0]["name"] == ALB[SECONDARY][0] and record.inputs["healthCheckId"] == serving.id
        assert serving.inputs["childHealthThreshold"] == 2
    assert not [r for r in plain.of_type(RECORD) if r.inputs.get("weightedRoutingPolicies")]
    names = lambda p: sorted(r.name for r in p.resources if f"-{SECONDARY}-" in r.name)  # noqa: E731
    assert names(mixed) == names(plain)


def test_simple_routing_with_a_fallback_still_switches_inside_the_region():
    plan = _plan(_args("simple"))
    records = _by_name(plan, RECORD)
    routed = records[f"recs-dns-{PRIMARY}-record"]
    assert routed.inputs["aliases"][0]["name"] == f"{PRIMARY}.{NAME}" and "setIdentifier" not in routed.inputs
    assert records[f"recs-dns-{PRIMARY}-fallback-record"].inputs["weightedRoutingPolicies"] == [{"weight": 0}]


def test_outputs_name_the_fallback_checks():
    seen = {}

    def program():
        dns = DnsFailover("recs-dns", _args("failover", fallback_in=(SECONDARY,)))
        seen["dns"] = dns

    plan_program(program, stack="test", config={"aws:region": PRIMARY})
    assert set(seen["dns"].fallback_health_check_ids) == {SECONDARY}
    assert set(seen["dns"].health_check_ids) == {PRIMARY, SECONDARY}


def test_fails_fallback_whose_weighted_name_is_too_long():
    long_zone = ".".join(["z" * 60] * 3) + ".example.com"  # 194 characters
    name = f"{'r' * 50}.{long_zone}"  # 245: fits; the weighted name (258) does not
    with pytest.raises(ValidationError, match=r"endpoints\[eu-central-1\]\.fallback"):
        _args(zone_name=long_zone, record_name=name)


def test_fails_bad_fallback_readiness_path():
    with pytest.raises(ValidationError, match="readiness_path"):
        DnsFallbackTarget(alb_dns_name="x", alb_zone_id="Z1", readiness_path="ready")


def test_fails_unknown_fallback_field():
    with pytest.raises(ValidationError, match="weight"):
        DnsFallbackTarget(alb_dns_name="x", alb_zone_id="Z1", weight=10)
