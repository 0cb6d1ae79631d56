"""GlobalLoadBalancer + ZonalNegs: HTTPS-only global ALB over zonal NEGs, warm standby as a DEFAULT backend that
takes traffic on its own, the service load balancing policy, validation."""

from __future__ import annotations

import json

import pulumi
import pytest
from pydantic import ValidationError

from blueprint.catalogs.tiers import probe_spec
from blueprint.plan.engine import plan_program
from blueprint.components.gcp.load_balancer import GlobalLoadBalancer, GlobalLoadBalancerArgs, NegBackend
from blueprint.components.gcp.zonal_negs import GkeNegOwner, ZonalNegs, ZonalNegsArgs, neg_annotation
from tests.components._helpers import child_names

CONFIG = {"gcp:project": "acme-ml-prod", "gcp:region": "europe-west4"}
LABELS = {"blueprint-workload": "fraud-scoring", "blueprint-tier": "business-critical"}
PRIMARY_ZONES = ["europe-west4-a", "europe-west4-b", "europe-west4-c"]
STANDBY_NEGS = [f"https://www.googleapis.com/compute/v1/projects/acme-ml-prod/zones/europe-west1-{z}/networkEndpointGroups/fraud-scoring" for z in "bcd"]


def _args(negs, **overrides) -> GlobalLoadBalancerArgs:
    probe = probe_spec("business-critical")
    base = dict(
        workload="fraud-scoring", dns_zone="ml.example.com", service_port=8080, readiness_path="/ready",
        health_check_interval_s=probe.lb_interval_s, health_check_timeout_s=probe.lb_timeout_s,
        healthy_threshold=probe.lb_healthy_threshold, unhealthy_threshold=probe.lb_unhealthy_threshold,
        backends=[NegBackend(region="europe-west4", role="primary", neg_ids=negs),
                  NegBackend(region="europe-west1", role="warm", neg_ids=STANDBY_NEGS)],
        labels=LABELS,
    )
    return GlobalLoadBalancerArgs(**{**base, **overrides})


def _plan(**overrides):
    out = {}

    def program():
        negs = ZonalNegs("fs-europe-west4", ZonalNegsArgs(
            neg_name="fraud-scoring", zones=PRIMARY_ZONES, network="projects/acme-ml-prod/global/networks/main",
            subnetwork="projects/acme-ml-prod/regions/europe-west4/subnetworks/main", default_port=8080,
            gke_service=GkeNegOwner(cluster_uid="7d3c0e8a-uid", namespace="fraud", service_name="fraud-scoring", port=80)))
        out["negs"] = negs
        out["lb"] = GlobalLoadBalancer("fs", _args(negs.neg_ids, **overrides))

    return plan_program(program, stack="test", config=CONFIG), out


@pytest.fixture(scope="module")
def planned():
    return _plan()


def test_children_are_named_and_parented(planned):
    plan, _ = planned
    assert child_names(plan, "blueprint:gcp:GlobalLoadBalancer") == {
        "fs-ip", "fs-cert", "fs-ssl-policy", "fs-hc", "fs-lb-policy", "fs-backend", "fs-url-map",
        "fs-https-proxy", "fs-https", "fs-redirect-map", "fs-http-proxy", "fs-http", "fs-record"}
    assert child_names(plan, "blueprint:gcp:ZonalNegs") == {f"fs-europe-west4-{z}-neg" for z in PRIMARY_ZONES}


def test_lb_pieces_are_global_and_labelled(planned):
    plan, _ = planned
    for name in ("fs-ip", "fs-backend", "fs-https", "fs-record", "fs-hc", "fs-lb-policy"):
        assert plan.named(name).region == "global", name
    assert plan.named("fs-ip").inputs["labels"] == LABELS
    assert plan.named("fs-lb-policy").inputs["labels"] == LABELS and plan.named("fs-lb-policy").workload == "fraud-scoring"
    assert plan.named("fs-https").workload == "fraud-scoring"


def test_ssl_policy_tls12_minimum_restricted_by_default(planned):
    plan, _ = planned
    assert plan.named("fs-ssl-policy").inputs == {"profile": "RESTRICTED", "minTlsVersion": "TLS_1_2"}


def test_managed_certificate_for_the_workload_name(planned):
    plan, _ = planned
    cert = plan.named("fs-cert").inputs
    assert cert["type"] == "MANAGED" and cert["managed"]["domains"] == ["fraud-scoring.ml.example.com"]


def test_health_check_on_readiness_path_with_tier_probes_and_logging(planned):
    plan, _ = planned
    hc = plan.named("fs-hc").inputs
    assert hc["httpHealthCheck"] == {"portSpecification": "USE_SERVING_PORT", "requestPath": "/ready"}
    assert (hc["checkIntervalSec"], hc["timeoutSec"], hc["healthyThreshold"], hc["unhealthyThreshold"]) == (10, 5, 3, 2)
    assert hc["logConfig"] == {"enable": True}


def test_backend_service_external_managed_rate_balanced_with_warm_standby_as_default_backend(planned):
    plan, _ = planned
    be = plan.named("fs-backend").inputs
    assert be["loadBalancingScheme"] == "EXTERNAL_MANAGED" and be["protocol"] == "HTTP"
    assert be["connectionDrainingTimeoutSec"] == 30 and be["logConfig"] == {"enable": True, "sampleRate": 1.0}
    assert be["outlierDetection"]["consecutiveErrors"] == 5 and be["outlierDetection"]["maxEjectionPercent"] == 50
    primary = [b for b in be["backends"] if "europe-west4" in b["group"]]
    standby = [b for b in be["backends"] if "europe-west1" in b["group"]]
    assert len(primary) == 3 and len(standby) == 3
    assert all(b["balancingMode"] == "RATE" and b["maxRatePerEndpoint"] == 100.0 for b in be["backends"])
    # Primary: filled first. Warm standby: at full capacity but DEFAULT, so it gets requests only when the
    # primary's NEGs are unhealthy or full: automatic failover, no operator.
    assert {(b["capacityScaler"], b["preference"]) for b in primary} == {(1.0, "PREFERRED")}
    assert {(b["capacityScaler"], b["preference"]) for b in standby} == {(1.0, "DEFAULT")}
    assert {b["description"] for b in standby} == {"europe-west1 (warm)"}
    assert "securityPolicy" not in be
    assert plan.named("fs-hc").urn in plan.named("fs-backend").dependencies


def test_service_lb_policy_waterfall_auto_drain_failover_threshold_attached(planned):
    plan, out = planned
    policy = plan.named("fs-lb-policy")
    assert policy.type == "gcp:networkservices/serviceLbPolicies:ServiceLbPolicies"
    assert policy.inputs["name"] == "fraud-scoring-lb-policy" and policy.inputs["location"] == "global"
    assert policy.inputs["loadBalancingAlgorithm"] == "WATERFALL_BY_REGION"
    assert policy.inputs["autoCapacityDrain"] == {"enable": True}
    assert policy.inputs["failoverConfig"] == {"failoverHealthThreshold": 70}
    backend = plan.named("fs-backend")
    assert policy.urn in backend.dependencies
    ref = backend.inputs["serviceLbPolicy"]
    assert ref.startswith("//networkservices.googleapis.com/") and ref.endswith("fraud-scoring-lb-policy")
    assert isinstance(out["lb"].lb_policy_id, pulumi.Output)


@pytest.mark.parametrize("role, capacity, preference", [
    ("primary", 1.0, "PREFERRED"), ("serving", 1.0, "PREFERRED"), ("warm", 1.0, "DEFAULT"), ("pilot", 0.0, "DEFAULT"),
])
def test_role_defaults(role, capacity, preference):
    b = NegBackend(region="europe-west1", role=role, neg_ids=["a"])
    assert (b.capacity_scaler, b.preference) == (None, None)
    assert (b.effective_capacity_scaler, b.effective_preference) == (capacity, preference)


def test_overrides_of_capacity_preference_and_policy_name():
    b = NegBackend(region="europe-west1", role="warm", neg_ids=["a"], capacity_scaler=0.5, preference="PREFERRED")
    assert (b.effective_capacity_scaler, b.effective_preference) == (0.5, "PREFERRED")
    assert _args(["a"]).effective_lb_policy_name == "fraud-scoring-lb-policy"
    assert _args(["a"], lb_policy_name="prod-fraud-scoring-lbp").effective_lb_policy_name == "prod-fraud-scoring-lbp"
    # A pilot light stays drained until promoted, and promoting it to warm makes it a DEFAULT backend with capacity.
    pilot = _plan(backends=[NegBackend(region="europe-west4", role="primary", neg_ids=["a"]),
                            NegBackend(region="europe-west1", role="pilot", neg_ids=STANDBY_NEGS)])[0]
    standby = [b for b in pilot.named("fs-backend").inputs["backends"] if "europe-west1" in b["group"]]
    assert {(b["capacityScaler"], b["preference"]) for b in standby} == {(0.0, "DEFAULT")}


def test_https_forwarding_on_443_and_http_redirects_to_https(planned):
    plan, _ = planned
    https = plan.named("fs-https").inputs
    assert https["portRange"] == "443" and https["loadBalancingScheme"] == "EXTERNAL_MANAGED"
    proxy = plan.named("fs-https-proxy")
    assert plan.named("fs-ssl-policy").urn in proxy.dependencies and plan.named("fs-cert").urn in proxy.dependencies
    http = plan.named("fs-http").inputs
    assert http["portRange"] == "80" and http["ipAddress"] == https["ipAddress"]
    redirect = plan.named("fs-redirect-map").inputs["defaultUrlRedirect"]
    assert redirect == {"httpsRedirect": True, "stripQuery": False, "redirectResponseCode": "MOVED_PERMANENTLY_DEFAULT"}
    assert "defaultService" not in plan.named("fs-redirect-map").inputs


def test_dns_a_record_points_at_the_global_ip(planned):
    plan, out = planned
    record = plan.named("fs-record").inputs
    assert record["name"] == "fraud-scoring.ml.example.com." and record["type"] == "A" and record["ttl"] == 300
    assert record["managedZone"] == "ml-example-com"
    assert len(record["rrdatas"]) == 1 and record["rrdatas"][0].count(".") == 3
    assert out["lb"].domain_name == "fraud-scoring.ml.example.com"


def test_negs_are_zonal_same_name_and_claimable_by_gke(planned):
    plan, out = planned
    for zone in PRIMARY_ZONES:
        neg = plan.named(f"fs-europe-west4-{zone}-neg")
        assert neg.zone == zone and neg.region == "europe-west4"
        assert neg.inputs["name"] == "fraud-scoring" and neg.inputs["networkEndpointType"] == "GCE_VM_IP_PORT"
        assert neg.inputs["defaultPort"] == 8080
        assert json.loads(neg.inputs["description"]) == {
            "cluster-uid": "7d3c0e8a-uid", "namespace": "fraud", "service-name": "fraud-scoring", "port": "80"}
    assert out["negs"].annotation == '{"exposed_ports":{"80":{"name":"fraud-scoring"}}}'
    assert neg_annotation("x", 8080) == '{"exposed_ports":{"8080":{"name":"x"}}}'


def test_active_active_serves_from_both_and_options():
    plan, _ = _plan(
        backends=[NegBackend(region="europe-west4", role="primary", neg_ids=["a"]),
                  NegBackend(region="europe-west1", role="serving", neg_ids=STANDBY_NEGS)],
        ssl_policy_profile="MODERN", security_policy="projects/acme-ml-prod/global/securityPolicies/edge",
        health_check_network="projects/acme-ml-prod/global/networks/main", extra_domain_names=["fraud.example.org"])
    be = plan.named("fs-backend").inputs
    # Both regions PREFERRED at full capacity: each client goes to the closest healthy one.
    assert {(b["capacityScaler"], b["preference"]) for b in be["backends"]} == {(1.0, "PREFERRED")}
    assert be["securityPolicy"].endswith("/edge")
    assert plan.named("fs-ssl-policy").inputs["profile"] == "MODERN"
    fw = plan.named("fs-allow-health-checks").inputs
    assert fw["sourceRanges"] == ["35.191.0.0/16", "130.211.0.0/22"] and fw["allows"] == [{"protocol": "tcp", "ports": ["8080"]}]
    assert plan.named("fs-cert").inputs["managed"]["domains"] == ["fraud-scoring.ml.example.com", "fraud.example.org"]


# --- validation ---------------------------------------------------------------------------


def test_fails_when_nothing_serves():
    with pytest.raises(ValidationError, match=r"backends: no backend is PREFERRED with capacity_scaler > 0 \(got europe-west4 "
                                              r"\(role pilot, preference DEFAULT, capacity_scaler 0.0\)\); give the primary region role 'primary'"):
        _args(["a"], backends=[NegBackend(region="europe-west4", role="pilot", neg_ids=["a"])])


def test_fails_without_a_preferred_backend_with_capacity():
    # Only DEFAULT backends: nothing is filled first.
    with pytest.raises(ValidationError, match="backends: no backend is PREFERRED with capacity_scaler > 0"):
        _args(["a"], backends=[NegBackend(region="europe-west4", role="primary", neg_ids=["a"], preference="DEFAULT"),
                               NegBackend(region="europe-west1", role="warm", neg_ids=["b"])])
    # The only PREFERRED backend drained.
    with pytest.raises(ValidationError, match="europe-west4 \\(role primary, preference PREFERRED, capacity_scaler 0.0\\)"):
        _args(["a"], backends=[NegBackend(region="europe-west4", role="primary", neg_ids=["a"], capacity_scaler=0.0),
                               NegBackend(region="europe-west1", role="warm", neg_ids=["b"])])


@pytest.mark.parametrize("value", ["preferred", "PRIMARY", "", "PREFERENCE_UNSPECIFIED"])
def test_fails_bad_preference(value):
    with pytest.raises(ValidationError, match=rf"preference: '{value}' is not allowed; use 'PREFERRED' or 'DEFAULT'"):
        NegBackend(region="europe-west4", role="primary", neg_ids=["a"], preference=value)


@pytest.mark.parametrize("value", ["Fraud", "fraud_lb", "-fraud", "fraud-", "a" * 64, "1fraud"])
def test_fails_bad_lb_policy_name(value):
    with pytest.raises(ValidationError, match=rf"lb_policy_name: '{value}' is not a valid name"):
        _args(["a"], lb_policy_name=value)


@pytest.mark.parametrize("value", [0.05, 1.5, -1.0])
def test_fails_capacity_scaler_out_of_range(value):
    with pytest.raises(ValidationError, match=rf"capacity_scaler: {value} is not allowed"):
        NegBackend(region="europe-west4", role="primary", neg_ids=["a"], capacity_scaler=value)


def test_fails_timeout_longer_than_interval():
    with pytest.raises(ValidationError, match=r"health_check_timeout_s: 20 is longer than health_check_interval_s \(10\)"):
        _args(["a"], health_check_timeout_s=20)


def test_fails_domain_outside_zone_and_duplicate_region():
    with pytest.raises(ValidationError, match="domain_name: 'api.other.com' is not inside dns_zone"):
        _args(["a"], domain_name="api.other.com")
    with pytest.raises(ValidationError, match="lists a region twice"):
        _args(["a"], backends=[NegBackend(region="europe-west4", role="primary", neg_ids=["a"]),
                               NegBackend(region="europe-west4", role="warm", neg_ids=["b"])])


def test_fails_bad_labels_and_unknown_profile():
    with pytest.raises(ValidationError, match="label key 'Blueprint:Workload'"):
        _args(["a"], labels={"Blueprint:Workload": "x"})
    with pytest.raises(ValidationError, match="ssl_policy_profile"):
        _args(["a"], ssl_policy_profile="COMPATIBLE")


def test_fails_zonal_negs_across_regions_or_bad_name():
    base = dict(neg_name="fraud", network="n", subnetwork="s", default_port=8080)
    with pytest.raises(ValidationError, match="zones: .* span several regions"):
        ZonalNegsArgs(zones=["europe-west4-a", "europe-west1-b"], **base)
    with pytest.raises(ValidationError, match="neg_name: 'Fraud_1' is not a valid GCE name"):
        ZonalNegsArgs(**{**base, "neg_name": "Fraud_1"}, zones=["europe-west4-a"])


def test_negs_accept_a_salted_output_name():
    """Review of issue 13: the name salted with the cluster UID is an Output; the NEGs and the
    annotation carry its value (a new UID is a new name: create-before-delete under the backend)."""
    out = {}

    def program():
        name = pulumi.Output.from_input("7d3c0e8a-uid").apply(lambda uid: f"fraud-scoring-{uid[:8]}")
        out["negs"] = ZonalNegs("fs", ZonalNegsArgs(
            neg_name=name, zones=PRIMARY_ZONES, network="n", subnetwork="s", default_port=8080))
        out["negs"].annotation.apply(lambda a: out.__setitem__("annotation", a))

    plan = plan_program(program, stack="test", config=CONFIG)
    assert {plan.named(f"fs-{z}-neg").inputs["name"] for z in PRIMARY_ZONES} == {"fraud-scoring-7d3c0e8a"}
    assert out["annotation"] == '{"exposed_ports":{"8080":{"name":"fraud-scoring-7d3c0e8a"}}}'


@pytest.mark.parametrize("path", ["/ready\tnow", "ready", "/" + "x" * 1024])
def test_fails_readiness_path_relative_spaced_or_too_long(path):
    with pytest.raises(ValidationError, match=r"readiness_path: .* must be an absolute HTTP path without spaces, at most 1024"):
        _args(["a"], readiness_path=path)


def test_fails_ports_outside_tcp_range():
    with pytest.raises(ValidationError, match=r"service_port: 0 is not a TCP port; pass 1\.\.65535"):
        _args(["a"], service_port=0)
    base = dict(neg_name="fraud", network="n", subnetwork="s", zones=["europe-west4-a"])
    with pytest.raises(ValidationError, match=r"default_port: 70000 is not a TCP port"):
        ZonalNegsArgs(**base, default_port=70000)
    with pytest.raises(ValidationError, match=r"port: 0 is not a TCP port"):
        GkeNegOwner(cluster_uid="u", namespace="fraud", service_name="fraud-scoring", port=0)


@pytest.mark.parametrize("field,value", [("health_check_interval_s", 301), ("healthy_threshold", 11), ("backend_timeout_s", 0)])
def test_fails_health_check_and_timeout_ranges(field, value):
    with pytest.raises(ValidationError, match=rf"{field}: {value} is outside"):
        _args(["a"], **{field: value})
