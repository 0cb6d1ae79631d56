"""DnsFailover: latency / failover / simple alias records to the regional ALBs, HTTPS health checks
per region, and alarms on them in us-east-1 whatever the endpoints' regions."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pytest
from pydantic import ValidationError

from blueprint.catalogs.tiers import probe_spec
from blueprint.plan.engine import plan_program
from blueprint.components.aws.dns_failover import HEALTH_CHECKER_REGIONS, DnsEndpoint, DnsFailover, DnsFailoverArgs
from tests.components._helpers import child_names

ZONE = "ml.example.com"
NAME = f"fraud-scoring.{ZONE}"
PRIMARY, SECONDARY = "eu-central-1", "eu-west-3"
TOPIC = "arn:aws:sns:us-east-1:123456789012:prod-route53-alarms"
TAGS = {"blueprint:workload": "fraud-scoring", "blueprint:tier": "mission-critical"}
ALB = {r: (f"k8s-fraud-{r}.{r}.elb.amazonaws.com", f"Z{r.upper().replace('-', '')}") for r in (PRIMARY, SECONDARY, "eu-west-1")}

# Route 53's documented checker regions (Route 53 API reference, HealthCheckRegion).
ROUTE53_CHECKER_REGIONS = {"us-east-1", "us-west-1", "us-west-2", "eu-west-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1"}


def _endpoint(region: str, role: str = "primary") -> DnsEndpoint:
    dns_name, zone_id = ALB[region]
    return DnsEndpoint(region=region, role=role, alb_dns_name=dns_name, alb_zone_id=zone_id)


def _endpoints(routing: str) -> list[DnsEndpoint]:
    if routing == "simple":
        return [_endpoint(PRIMARY)]
    return [_endpoint(PRIMARY, "primary"), _endpoint(SECONDARY, "secondary")]


def _args(routing: str = "latency", tier: str = "mission-critical", **overrides) -> DnsFailoverArgs:
    probe = probe_spec(tier)
    return DnsFailoverArgs(
        **{
            "zone_name": ZONE,
            "record_name": NAME,
            "routing": routing,
            "endpoints": _endpoints(routing),
            "readiness_path": "/ready",
            "health_check_interval_s": probe.dns_interval_s,
            "failure_threshold": probe.dns_failure_threshold,
            "alarm_topic_arns": [TOPIC],
            "tags": TAGS,
            **overrides,
        }
    )


def _plan(args_factory, own_alarm_provider: bool = False):
    """Plan with one explicit provider per endpoint region (as the composer does); the component
    itself gets the primary region's provider."""

    def program():
        providers = {r: aws.Provider(f"aws-{r}", region=r) for r in (PRIMARY, SECONDARY, "eu-west-1")}
        extra = {}
        if own_alarm_provider:
            extra["alarm_provider"] = aws.Provider("aws-us-east-1-alarms", region="us-east-1")
        dns = DnsFailover("fraud-dns", args_factory(**extra), pulumi.ResourceOptions(providers=[providers[PRIMARY]]))
        pulumi.export("fqdn", dns.fqdn)
        pulumi.export("health_check_ids", dns.health_check_ids)
        pulumi.export("record_names", dns.record_names)

    return plan_program(program, stack="test", config={"aws:region": PRIMARY})


@pytest.fixture(scope="module")
def latency():
    return _plan(lambda **kw: _args("latency", **kw))


@pytest.fixture(scope="module")
def failover():
    return _plan(lambda **kw: _args("failover", tier="business-critical", **kw))


@pytest.fixture(scope="module")
def simple():
    return _plan(lambda **kw: _args("simple", tier="best-effort", **kw))


def _records(plan) -> dict:
    return {r.name: r for r in plan.of_type("aws:route53/record:Record")}


def _checks(plan) -> dict:
    return {r.name: r for r in plan.of_type("aws:route53/healthCheck:HealthCheck")}


# --- routing ----------------------------------------------------------------------------------


def test_latency_routing_one_record_per_region_with_its_health_check(latency):
    records = _records(latency)
    assert set(records) == {f"fraud-dns-{PRIMARY}-record", f"fraud-dns-{SECONDARY}-record"}
    for region in (PRIMARY, SECONDARY):
        record = records[f"fraud-dns-{region}-record"]
        assert record.inputs["latencyRoutingPolicies"] == [{"region": region}]
        assert record.inputs["setIdentifier"] == region
        assert "failoverRoutingPolicies" not in record.inputs
        check = latency.named(f"fraud-dns-{region}-health-check")
        assert check.urn in record.dependencies
        assert record.inputs["healthCheckId"] == latency.outputs["health_check_ids"][region]


def test_failover_routing_primary_and_secondary_both_health_checked(failover):
    records = _records(failover)
    primary, secondary = records[f"fraud-dns-{PRIMARY}-record"], records[f"fraud-dns-{SECONDARY}-record"]
    assert primary.inputs["failoverRoutingPolicies"] == [{"type": "PRIMARY"}]
    assert secondary.inputs["failoverRoutingPolicies"] == [{"type": "SECONDARY"}]
    assert (primary.inputs["setIdentifier"], secondary.inputs["setIdentifier"]) == (PRIMARY, SECONDARY)
    assert primary.inputs["healthCheckId"] == failover.outputs["health_check_ids"][PRIMARY]
    assert secondary.inputs["healthCheckId"] == failover.outputs["health_check_ids"][SECONDARY]
    assert "latencyRoutingPolicies" not in primary.inputs


def test_simple_routing_one_plain_alias_record_but_still_a_health_check_and_alarm(simple):
    (record,) = _records(simple).values()
    assert record.name == f"fraud-dns-{PRIMARY}-record"
    for key in ("setIdentifier", "healthCheckId", "latencyRoutingPolicies", "failoverRoutingPolicies"):
        assert key not in record.inputs, key
    assert set(_checks(simple)) == {f"fraud-dns-{PRIMARY}-health-check"}
    assert simple.named(f"fraud-dns-{PRIMARY}-alarm").region == "us-east-1"


@pytest.mark.parametrize("fixture", ["latency", "failover", "simple"])
def test_records_are_alias_a_records_to_the_albs_without_ttl(fixture, request):
    plan = request.getfixturevalue(fixture)
    zone_ids = set()
    for record in _records(plan).values():
        region = record.name.removeprefix("fraud-dns-").removesuffix("-record")
        assert record.inputs["name"] == NAME and record.inputs["type"] == "A"
        dns_name, zone_id = ALB[region]
        assert record.inputs["aliases"] == [{"name": dns_name, "zoneId": zone_id, "evaluateTargetHealth": True}]
        assert "ttl" not in record.inputs and "records" not in record.inputs
        assert record.region == "global"
        zone_ids.add(record.inputs["zoneId"])
    (zone_id,) = zone_ids  # the zone looked up by name, the same for every record
    assert zone_id.startswith("Z")


# --- health checks ----------------------------------------------------------------------------


def test_health_checks_probe_each_alb_over_https_on_the_readiness_path(latency):
    for region in (PRIMARY, SECONDARY):
        check = latency.named(f"fraud-dns-{region}-health-check")
        assert check.inputs["type"] == "HTTPS"
        assert check.inputs["fqdn"] == ALB[region][0]
        assert check.inputs["port"] == 443
        assert check.inputs["resourcePath"] == "/ready"
        assert check.inputs["measureLatency"] is True
        assert check.inputs["enableSni"] is True
        assert check.inputs["tags"] == {**TAGS, "Name": check.name}
        assert check.region == "global"


def test_health_checks_run_from_at_least_three_route53_checker_regions(latency):
    for check in _checks(latency).values():
        regions = check.inputs["regions"]
        assert len(regions) >= 3 and len(set(regions)) == len(regions)
        assert set(regions) <= ROUTE53_CHECKER_REGIONS
    assert set(HEALTH_CHECKER_REGIONS) == ROUTE53_CHECKER_REGIONS


@pytest.mark.parametrize("fixture,tier", [("latency", "mission-critical"), ("failover", "business-critical"), ("simple", "best-effort")])
def test_interval_and_threshold_follow_the_tier(fixture, tier, request):
    plan = request.getfixturevalue(fixture)
    probe = probe_spec(tier)
    for check in _checks(plan).values():
        assert check.inputs["requestInterval"] == probe.dns_interval_s
        assert check.inputs["failureThreshold"] == probe.dns_failure_threshold


def test_tiers_detect_a_dead_region_at_different_speeds():
    fast, slow = probe_spec("mission-critical"), probe_spec("best-effort")
    assert fast.dns_interval_s * fast.dns_failure_threshold < slow.dns_interval_s * slow.dns_failure_threshold


def test_port_follows_args():
    plan = _plan(lambda **kw: _args("simple", port=8443, **kw))
    (check,) = _checks(plan).values()
    assert check.inputs["port"] == 8443


# --- alarms -----------------------------------------------------------------------------------


def test_alarms_live_in_us_east_1_even_for_eu_endpoints(latency):
    alarms = latency.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    assert {a.name for a in alarms} == {f"fraud-dns-{PRIMARY}-alarm", f"fraud-dns-{SECONDARY}-alarm"}
    for alarm in alarms:
        assert alarm.region == "us-east-1"
        assert alarm.provider == latency.named("fraud-dns-us-east-1").urn


def test_alarm_watches_its_health_check_status(latency):
    for region in (PRIMARY, SECONDARY):
        alarm = latency.named(f"fraud-dns-{region}-alarm").inputs
        assert alarm["namespace"] == "AWS/Route53" and alarm["metricName"] == "HealthCheckStatus"
        assert alarm["dimensions"] == {"HealthCheckId": latency.outputs["health_check_ids"][region]}
        assert alarm["statistic"] == "Minimum"
        assert alarm["comparisonOperator"] == "LessThanThreshold" and alarm["threshold"] == 1
        assert alarm["period"] == 60 and alarm["evaluationPeriods"] == 1
        # Silent before the first datapoint of a fresh stack; a check that stops reporting is notified.
        assert alarm["treatMissingData"] == "missing"
        assert alarm["alarmActions"] == [TOPIC] and alarm["okActions"] == [TOPIC] and alarm["insufficientDataActions"] == [TOPIC]
        assert alarm["tags"] == {**TAGS, "Name": f"fraud-dns-{region}-alarm"}


def test_own_us_east_1_provider_is_a_child_when_none_is_given(latency):
    provider = latency.named("fraud-dns-us-east-1")
    component = latency.of_type("blueprint:aws:DnsFailover")[0]
    assert provider.type == "pulumi:providers:aws"
    assert provider.inputs["region"] == "us-east-1"
    assert provider.parent == component.urn


def test_given_alarm_provider_is_used_and_none_is_created():
    plan = _plan(lambda **kw: _args("failover", **kw), own_alarm_provider=True)
    given = plan.named("aws-us-east-1-alarms")
    assert not [r for r in plan.resources if r.name == "fraud-dns-us-east-1"]
    for alarm in plan.of_type("aws:cloudwatch/metricAlarm:MetricAlarm"):
        assert alarm.provider == given.urn and alarm.region == "us-east-1"


def test_no_topics_means_alarms_without_actions():
    plan = _plan(lambda **kw: _args("simple", alarm_topic_arns=[], **kw))
    (alarm,) = plan.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    assert alarm.inputs.get("alarmActions", []) == [] and alarm.inputs.get("okActions", []) == []


# --- component contract -----------------------------------------------------------------------


def test_children_are_parented(latency):
    component = latency.of_type("blueprint:aws:DnsFailover")[0]
    assert child_names(latency, "blueprint:aws:DnsFailover") == {
        "fraud-dns-us-east-1",
        *(f"fraud-dns-{r}-{role}" for r in (PRIMARY, SECONDARY) for role in ("health-check", "record", "alarm")),
    }
    assert component.workload == "fraud-scoring"


def test_outputs(latency):
    out = latency.outputs
    assert out["fqdn"] == NAME
    assert set(out["health_check_ids"]) == {PRIMARY, SECONDARY}
    assert len(set(out["health_check_ids"].values())) == 2
    assert out["record_names"] == {PRIMARY: NAME, SECONDARY: NAME}


def test_with_real_load_balancers_in_two_regions():
    """End to end: two regional LoadBalancers feed the endpoints (their computed DNS names)."""
    from blueprint.components.aws.load_balancer import LoadBalancer, LoadBalancerArgs

    def program():
        lbs = {}
        for region in (PRIMARY, SECONDARY):
            provider = aws.Provider(f"aws-{region}", region=region)
            lbs[region] = LoadBalancer(
                f"fraud-{region}-lb",
                LoadBalancerArgs(
                    vpc_id="vpc-1", vpc_cidr_block="10.0.0.0/16", public_subnet_ids=["subnet-a", "subnet-b"],
                    domain_name=NAME, regional_domain_name=f"fraud-scoring.{region}.{ZONE}", hosted_zone_id="Z1",
                    service_port=8080, readiness_path="/ready", health_check_interval_s=5, health_check_timeout_s=4,
                    healthy_threshold=2, unhealthy_threshold=2, access_logs_bucket="logs", access_logs_prefix="fraud-scoring",
                ),
                pulumi.ResourceOptions(providers=[provider]),
            )
        endpoints = [
            DnsEndpoint(region=r, role=role, alb_dns_name=lbs[r].dns_name, alb_zone_id=lbs[r].zone_id)
            for r, role in ((PRIMARY, "primary"), (SECONDARY, "secondary"))
        ]
        DnsFailover("fraud-dns", _args("latency", endpoints=endpoints))

    plan = plan_program(program, stack="test", config={"aws:region": PRIMARY})
    for region in (PRIMARY, SECONDARY):
        alb = plan.named(f"fraud-{region}-lb-alb")
        assert alb.region == region
        check = plan.named(f"fraud-dns-{region}-health-check")
        assert check.inputs["fqdn"].endswith(f".{region}.elb.amazonaws.com")
        assert plan.named(f"fraud-dns-{region}-alarm").region == "us-east-1"


def test_no_validation_record_by_default(latency):
    assert DnsFailoverArgs.model_fields["validation_option"].default is None
    assert not [r for r in latency.of_type("aws:route53/record:Record") if "validation" in r.name]


def test_owns_the_one_validation_record_both_regions_certificates_use():
    """The global name's ACM CNAME has one owner, the DnsFailover; both regions' certificate
    validations reference it (hand-composed the way the composer does it: a deferred output)."""
    from blueprint.components.aws.load_balancer import LoadBalancer, LoadBalancerArgs

    def program():
        shared_fqdn, resolve = pulumi.deferred_output()
        lbs = {}
        for region in (PRIMARY, SECONDARY):
            lbs[region] = LoadBalancer(
                f"fraud-{region}-lb",
                LoadBalancerArgs(
                    vpc_id="vpc-1", vpc_cidr_block="10.0.0.0/16", public_subnet_ids=["subnet-a", "subnet-b"],
                    domain_name=NAME, regional_domain_name=f"fraud-scoring.{region}.{ZONE}", hosted_zone_id="Z1",
                    domain_validation_record_fqdn=shared_fqdn,
                    service_port=8080, readiness_path="/ready", health_check_interval_s=5, health_check_timeout_s=4,
                    healthy_threshold=2, unhealthy_threshold=2, access_logs_bucket="logs", access_logs_prefix="fraud-scoring",
                ),
                pulumi.ResourceOptions(providers=[aws.Provider(f"aws-{region}", region=region)]),
            )
        endpoints = [
            DnsEndpoint(region=r, role=role, alb_dns_name=lbs[r].dns_name, alb_zone_id=lbs[r].zone_id)
            for r, role in ((PRIMARY, "primary"), (SECONDARY, "secondary"))
        ]
        dns = DnsFailover("fraud-dns", _args("latency", endpoints=endpoints, validation_option=lbs[PRIMARY].domain_validation_option))
        resolve(dns.validation_record_fqdn)

    plan = plan_program(program, stack="test", config={"aws:region": PRIMARY})
    shared = [r for r in plan.of_type("aws:route53/record:Record") if r.inputs.get("name", "").endswith(f".{NAME}.")]
    assert [r.name for r in shared] == ["fraud-dns-cert-validation-record"]
    (record,) = shared
    assert record.parent == plan.named("fraud-dns").urn and record.region == "global"
    assert record.inputs["type"] == "CNAME" and record.inputs["records"][0].endswith(".acm-validations.aws.")
    for region in (PRIMARY, SECONDARY):
        validation = plan.named(f"fraud-{region}-lb-cert-validation")
        assert validation.inputs["validationRecordFqdns"][0] == record.inputs["name"].rstrip(".")
        assert record.urn in validation.dependencies


# --- validation -------------------------------------------------------------------------------


def test_fails_latency_with_one_endpoint():
    with pytest.raises(ValidationError, match=r"endpoints: routing 'latency' needs at least 2 endpoints in distinct regions"):
        _args("latency", endpoints=[_endpoint(PRIMARY)])


def test_fails_repeated_region():
    with pytest.raises(ValidationError, match=r"endpoints: regions \['eu-central-1'\] appear more than once"):
        _args("latency", endpoints=[_endpoint(PRIMARY), _endpoint(PRIMARY, "secondary")])


@pytest.mark.parametrize(
    "endpoints",
    [
        [_endpoint(PRIMARY, "primary"), _endpoint(SECONDARY, "primary")],
        [_endpoint(PRIMARY, "secondary"), _endpoint(SECONDARY, "secondary")],
        [_endpoint(PRIMARY, "primary")],
        [_endpoint(PRIMARY, "primary"), _endpoint(SECONDARY, "secondary"), _endpoint("eu-west-1", "secondary")],
    ],
)
def test_fails_failover_without_exactly_one_primary_and_one_secondary(endpoints):
    with pytest.raises(ValidationError, match=r"endpoints: routing 'failover' needs exactly one 'primary' and one 'secondary'"):
        _args("failover", endpoints=endpoints)


@pytest.mark.parametrize("count", [0, 2])
def test_fails_simple_without_exactly_one_endpoint(count):
    endpoints = [_endpoint(PRIMARY), _endpoint(SECONDARY, "secondary")][:count]
    with pytest.raises(ValidationError, match=rf"endpoints: routing 'simple' takes exactly 1 endpoint, got {count}"):
        _args("simple", endpoints=endpoints)


def test_fails_unknown_routing():
    with pytest.raises(ValidationError, match="routing"):
        _args("weighted", endpoints=_endpoints("latency"))


@pytest.mark.parametrize("interval", [5, 20, 60])
def test_fails_interval_route53_does_not_offer(interval):
    with pytest.raises(ValidationError, match="health_check_interval_s"):
        _args(health_check_interval_s=interval)


@pytest.mark.parametrize("threshold", [0, 11])
def test_fails_failure_threshold_out_of_range(threshold):
    with pytest.raises(ValidationError, match=rf"failure_threshold: {threshold} is outside the Route 53 range 1\.\.10"):
        _args(failure_threshold=threshold)


def test_fails_record_outside_the_zone():
    with pytest.raises(ValidationError, match=r"record_name: 'fraud.example.org' is not inside zone_name 'ml.example.com'"):
        _args(record_name="fraud.example.org")


@pytest.mark.parametrize("name", ["Fraud.ml.example.com", "fraud_scoring.ml.example.com", "*.ml.example.com"])
def test_fails_bad_record_name(name):
    with pytest.raises(ValidationError, match=r"record_name: .* is not a fully qualified domain name"):
        _args(record_name=name)


@pytest.mark.parametrize("path", ["ready", "/" + "a" * 255])
def test_fails_bad_readiness_path(path):
    with pytest.raises(ValidationError, match="readiness_path: .* must be an absolute HTTP path"):
        _args(readiness_path=path)


def test_fails_bad_port():
    with pytest.raises(ValidationError, match="port: 0 is not a TCP port"):
        _args(port=0)


def test_fails_topic_outside_us_east_1():
    with pytest.raises(ValidationError, match=r"alarm_topic_arns: .* is in eu-central-1; the alarms live in us-east-1"):
        _args(alarm_topic_arns=["arn:aws:sns:eu-central-1:123456789012:alarms"])


def test_fails_topic_that_is_not_an_arn():
    with pytest.raises(ValidationError, match="alarm_topic_arns: 'alarms' is not an SNS topic ARN"):
        _args(alarm_topic_arns=["alarms"])


def test_fails_alarm_provider_that_is_not_a_provider():
    with pytest.raises(ValidationError, match="alarm_provider: 'us-east-1' is not a Pulumi provider"):
        _args(alarm_provider="us-east-1")


def test_fails_bad_endpoint_region():
    with pytest.raises(ValidationError, match="region: 'Frankfurt' is not an AWS region name"):
        DnsEndpoint(region="Frankfurt", role="primary", alb_dns_name="x", alb_zone_id="Z1")


def test_fails_bad_endpoint_role():
    with pytest.raises(ValidationError, match="role"):
        DnsEndpoint(region=PRIMARY, role="standby", alb_dns_name="x", alb_zone_id="Z1")


# --- records under a failover orchestration (issue 17) -----------------------------------------

CONTROL = {PRIMARY: "11111111-aaaa-bbbb-cccc-000000000001", SECONDARY: "11111111-aaaa-bbbb-cccc-000000000002"}


def test_by_default_records_use_their_endpoint_checks_only(failover):
    assert not [c for c in _checks(failover).values() if c.inputs.get("type") == "CALCULATED"]
    checks = _checks(failover)
    for region in (PRIMARY, SECONDARY):
        record = _records(failover)[f"fraud-dns-{region}-record"]
        assert checks[f"fraud-dns-{region}-health-check"].urn in record.dependencies


@pytest.mark.parametrize("routing", ["failover", "latency"])
def test_orchestration_checks_and_the_endpoint_check_both_gate_each_record(routing):
    plan = _plan(lambda **kw: _args(routing, traffic_control_health_check_ids=CONTROL, **kw))
    checks, records = _checks(plan), _records(plan)
    for region in (PRIMARY, SECONDARY):
        serving = checks[f"fraud-dns-{region}-serving-check"]
        endpoint = checks[f"fraud-dns-{region}-health-check"]
        assert serving.inputs["type"] == "CALCULATED" and serving.inputs["childHealthThreshold"] == 2
        assert serving.inputs["childHealthchecks"] == [endpoint.id, CONTROL[region]]
        record = records[f"fraud-dns-{region}-record"]
        assert record.inputs["healthCheckId"] == serving.id and serving.urn in record.dependencies
        # detection stays on the endpoint check
        assert plan.named(f"fraud-dns-{region}-alarm").inputs["dimensions"] == {"HealthCheckId": endpoint.id}


def test_fails_orchestration_checks_on_a_simple_record():
    with pytest.raises(ValidationError, match="traffic_control_health_check_ids"):
        _args("simple", tier="best-effort", traffic_control_health_check_ids={PRIMARY: CONTROL[PRIMARY]})


def test_fails_orchestration_checks_for_other_regions_than_the_endpoints():
    with pytest.raises(ValidationError, match=r"traffic_control_health_check_ids: regions \['eu-central-1'\]"):
        _args("failover", traffic_control_health_check_ids={PRIMARY: CONTROL[PRIMARY]})
