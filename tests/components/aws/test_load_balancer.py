"""LoadBalancer: HTTPS-only ALB with a validated certificate and a TLS 1.2+ policy, redirect-only
HTTP, invalid headers dropped, access logs, deletion protection, tier-driven health checks."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pytest
from pydantic import ValidationError

from blueprint.catalogs.tiers import probe_spec
from blueprint.plan.engine import plan_program
from blueprint.components.aws.load_balancer import (
    DEFAULT_SSL_POLICY,
    TLS12_PLUS_SSL_POLICIES,
    LoadBalancer,
    LoadBalancerArgs,
)

REGION = "eu-central-1"
DOMAIN = "fraud-scoring.ml.example.com"
REGIONAL = f"fraud-scoring.{REGION}.ml.example.com"
TAGS = {"blueprint:workload": "fraud-scoring", "blueprint:tier": "mission-critical"}
OUTPUTS = (
    "arn", "arn_suffix", "dns_name", "zone_id", "security_group_id", "target_group_arn",
    "target_group_arn_suffix", "https_listener_arn", "certificate_arn",
)


def _probe_fields(tier: str) -> dict:
    probe = probe_spec(tier)
    return {
        "health_check_interval_s": probe.lb_interval_s,
        "health_check_timeout_s": probe.lb_timeout_s,
        "healthy_threshold": probe.lb_healthy_threshold,
        "unhealthy_threshold": probe.lb_unhealthy_threshold,
    }


def _args(tier: str = "mission-critical", **overrides) -> LoadBalancerArgs:
    return LoadBalancerArgs(
        **{
            "vpc_id": "vpc-0123456789abcdef0",
            "vpc_cidr_block": "10.0.0.0/16",
            "public_subnet_ids": ["subnet-a", "subnet-b", "subnet-c"],
            "domain_name": DOMAIN,
            "regional_domain_name": REGIONAL,
            "hosted_zone_id": "Z0123456789ABCDEFGHIJ",
            "service_port": 8080,
            "readiness_path": "/ready",
            "access_logs_bucket": "logs-eu-central-1-bucket",
            "access_logs_prefix": "fraud-scoring",
            "tags": TAGS,
            **_probe_fields(tier),
            **overrides,
        }
    )


def _plan(args: LoadBalancerArgs):
    def program():
        provider = aws.Provider(f"aws-{REGION}", region=REGION)
        lb = LoadBalancer("lb", args, pulumi.ResourceOptions(providers=[provider]))
        for name in OUTPUTS:
            pulumi.export(name, getattr(lb, name))

    return plan_program(program, stack="test", config={"aws:region": REGION})


@pytest.fixture(scope="module")
def plan():
    return _plan(_args())


@pytest.fixture(scope="module")
def minimal_plan():
    """No regional name, deletion protection off (a dev environment), dualstack."""
    return _plan(_args(regional_domain_name=None, deletion_protection=False, ip_address_type="dualstack"))


# --- security group ---------------------------------------------------------------------------


def test_security_group_allows_https_and_http_in_and_the_service_port_out_to_the_vpc_only(plan):
    sg = plan.named("lb-sg")
    assert sg.inputs["vpcId"] == "vpc-0123456789abcdef0"
    assert "ingress" not in sg.inputs and "egress" not in sg.inputs  # rules are separate resources
    ingress = {r.name: r.inputs for r in plan.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")}
    assert set(ingress) == {"lb-https-in-ipv4", "lb-http-in-ipv4"}
    assert (ingress["lb-https-in-ipv4"]["fromPort"], ingress["lb-https-in-ipv4"]["toPort"]) == (443, 443)
    assert (ingress["lb-http-in-ipv4"]["fromPort"], ingress["lb-http-in-ipv4"]["toPort"]) == (80, 80)
    for rule in ingress.values():
        assert rule["cidrIpv4"] == "0.0.0.0/0" and rule["ipProtocol"] == "tcp" and rule["description"]
    assert "redirect" in ingress["lb-http-in-ipv4"]["description"]
    (egress,) = plan.of_type("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
    assert egress.name == "lb-service-out"
    assert egress.inputs["cidrIpv4"] == "10.0.0.0/16"
    assert (egress.inputs["fromPort"], egress.inputs["toPort"], egress.inputs["ipProtocol"]) == (8080, 8080, "tcp")


def test_dualstack_adds_ipv6_ingress(minimal_plan):
    ingress = {r.name: r.inputs for r in minimal_plan.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")}
    assert set(ingress) == {"lb-https-in-ipv4", "lb-http-in-ipv4", "lb-https-in-ipv6", "lb-http-in-ipv6"}
    assert ingress["lb-https-in-ipv6"]["cidrIpv6"] == "::/0" and ingress["lb-https-in-ipv6"]["fromPort"] == 443
    assert minimal_plan.named("lb-alb").inputs["ipAddressType"] == "dualstack"


# --- the load balancer ------------------------------------------------------------------------


def test_alb_is_internet_facing_in_every_public_subnet(plan):
    alb = plan.named("lb-alb")
    assert alb.type == "aws:lb/loadBalancer:LoadBalancer"
    assert alb.inputs["loadBalancerType"] == "application"
    assert alb.inputs["internal"] is False
    assert alb.inputs["subnets"] == ["subnet-a", "subnet-b", "subnet-c"]
    assert alb.inputs["securityGroups"] == [plan.outputs["security_group_id"]]
    assert alb.inputs["ipAddressType"] == "ipv4"
    assert alb.region == REGION and alb.workload == "fraud-scoring"


def test_alb_drops_invalid_headers_and_mitigates_desync_strictly(plan):
    alb = plan.named("lb-alb").inputs
    assert alb["dropInvalidHeaderFields"] is True
    assert alb["desyncMitigationMode"] == "strictest"
    assert alb["enableHttp2"] is True
    assert alb["idleTimeout"] == 60


def test_access_logs_enabled_to_the_bucket_and_prefix(plan):
    assert plan.named("lb-alb").inputs["accessLogs"] == {
        "bucket": "logs-eu-central-1-bucket", "prefix": "fraud-scoring", "enabled": True,
    }


def test_deletion_protection_is_on_by_default(plan):
    assert LoadBalancerArgs.model_fields["deletion_protection"].default is True
    assert plan.named("lb-alb").inputs["enableDeletionProtection"] is True


def test_deletion_protection_can_be_turned_off(minimal_plan):
    assert minimal_plan.named("lb-alb").inputs["enableDeletionProtection"] is False


# --- certificate ------------------------------------------------------------------------------


def test_certificate_is_dns_validated_for_the_global_and_regional_names(plan):
    cert = plan.named("lb-cert")
    assert cert.inputs["domainName"] == DOMAIN
    assert cert.inputs["subjectAlternativeNames"] == [REGIONAL]
    assert cert.inputs["validationMethod"] == "DNS"
    assert cert.region == REGION  # the certificate must live in the load balancer's region


def test_one_validation_record_per_name_owned_by_the_load_balancer_by_default(plan):
    assert LoadBalancerArgs.model_fields["domain_validation_record_fqdn"].default is None
    records = {r.name: r for r in plan.of_type("aws:route53/record:Record") if "validation" in r.name}
    assert set(records) == {"lb-cert-validation-record", "lb-regional-cert-validation-record"}
    for record, domain in ((records["lb-cert-validation-record"], DOMAIN), (records["lb-regional-cert-validation-record"], REGIONAL)):
        assert record.inputs["type"] == "CNAME"
        assert record.inputs["name"].endswith(f".{domain}.")
        assert record.inputs["records"][0].endswith(".acm-validations.aws.")
        # Never a second owner of someone else's record: creating over an existing one fails.
        assert not record.inputs.get("allowOverwrite")
        assert record.inputs["zoneId"] == "Z0123456789ABCDEFGHIJ"
        assert record.region == "global"
    validation = plan.named("lb-cert-validation")
    assert validation.inputs["validationRecordFqdns"] == [
        records["lb-cert-validation-record"].inputs["name"].rstrip("."),
        records["lb-regional-cert-validation-record"].inputs["name"].rstrip("."),
    ]


def test_caller_owned_validation_record_for_the_global_name():
    """Two regions' load balancers of one name: the caller owns the shared CNAME (ACM gives every
    certificate of the name the same one); the load balancer keeps only its regional record."""
    shared = f"_abc.{DOMAIN}"
    out = {}

    def program():
        provider = aws.Provider(f"aws-{REGION}", region=REGION)
        record = aws.route53.Record("shared", zone_id="Z0123456789ABCDEFGHIJ", name=shared, type="CNAME",
                                    records=["_x.acm-validations.aws."], ttl=60)
        lb = LoadBalancer("lb", _args(domain_validation_record_fqdn=record.fqdn), pulumi.ResourceOptions(providers=[provider]))
        lb.domain_validation_option.apply(lambda o: out.update(name=o.resource_record_name, domain=o.domain_name))

    plan = plan_program(program, stack="test", config={"aws:region": REGION})
    names = {r.name for r in plan.of_type("aws:route53/record:Record") if r.inputs["type"] == "CNAME"}
    assert names == {"shared", "lb-regional-cert-validation-record"}
    validation = plan.named("lb-cert-validation")
    assert validation.inputs["validationRecordFqdns"][0] == shared
    assert plan.named("shared").urn in validation.dependencies  # validated only once the record exists
    assert out["domain"] == DOMAIN and out["name"].endswith(f".{DOMAIN}.")  # what the caller builds it from


def test_without_a_regional_name_one_name_and_no_regional_record(minimal_plan):
    cert = minimal_plan.named("lb-cert")
    assert "subjectAlternativeNames" not in cert.inputs
    names = {r.name for r in minimal_plan.of_type("aws:route53/record:Record")}
    assert names == {"lb-cert-validation-record"}


# --- listeners --------------------------------------------------------------------------------


def test_https_listener_uses_a_tls12_plus_policy_and_the_validated_certificate(plan):
    https = plan.named("lb-https")
    assert https.inputs["port"] == 443 and https.inputs["protocol"] == "HTTPS"
    assert https.inputs["sslPolicy"] == DEFAULT_SSL_POLICY == "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"
    assert DEFAULT_SSL_POLICY in TLS12_PLUS_SSL_POLICIES
    assert https.inputs["certificateArn"] == plan.outputs["certificate_arn"]
    assert plan.named("lb-cert-validation").urn in https.dependencies  # only once validated
    assert https.inputs["routingHttpResponseStrictTransportSecurityHeaderValue"] == "max-age=31536000"
    assert https.inputs["defaultActions"] == [{"type": "forward", "targetGroupArn": plan.outputs["target_group_arn"]}]


@pytest.mark.parametrize("policy", ["ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-FS-1-2-Res-2020-10"])
def test_other_tls12_plus_policies_are_accepted(policy):
    assert _args(ssl_policy=policy).ssl_policy == policy


def test_http_listener_only_redirects_to_https(plan):
    http = plan.named("lb-http")
    assert http.inputs["port"] == 80 and http.inputs["protocol"] == "HTTP"
    assert http.inputs["defaultActions"] == [
        {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}
    ]
    assert "certificateArn" not in http.inputs


# --- target group -----------------------------------------------------------------------------


def test_target_group_sends_to_pod_ips_on_the_service_port(plan):
    tg = plan.named("lb-tg").inputs
    assert tg["targetType"] == "ip"
    assert tg["protocol"] == "HTTP" and tg["port"] == 8080
    assert tg["vpcId"] == "vpc-0123456789abcdef0"
    assert tg["deregistrationDelay"] == 30
    assert tg["loadBalancingCrossZoneEnabled"] == "true"
    assert tg["loadBalancingAlgorithmType"] == "least_outstanding_requests"


def test_health_check_uses_the_readiness_path_and_args(plan):
    hc = plan.named("lb-tg").inputs["healthCheck"]
    probe = probe_spec("mission-critical")
    assert hc == {
        "enabled": True, "protocol": "HTTP", "port": "traffic-port", "path": "/ready", "matcher": "200-399",
        "interval": probe.lb_interval_s, "timeout": probe.lb_timeout_s,
        "healthyThreshold": probe.lb_healthy_threshold, "unhealthyThreshold": probe.lb_unhealthy_threshold,
    }


@pytest.mark.parametrize("tier", ["mission-critical", "standard"])
def test_health_check_follows_the_tier(tier):
    hc = _plan(_args(tier)).named("lb-tg").inputs["healthCheck"]
    probe = probe_spec(tier)
    assert (hc["interval"], hc["timeout"], hc["healthyThreshold"], hc["unhealthyThreshold"]) == (
        probe.lb_interval_s, probe.lb_timeout_s, probe.lb_healthy_threshold, probe.lb_unhealthy_threshold,
    )


def test_tiers_really_differ():
    # A mission-critical target is dropped within 10 s, a standard one within 45 s.
    fast, slow = probe_spec("mission-critical"), probe_spec("standard")
    assert fast.lb_interval_s * fast.lb_unhealthy_threshold < slow.lb_interval_s * slow.lb_unhealthy_threshold


# --- regional name ----------------------------------------------------------------------------


def test_regional_name_is_an_alias_to_this_load_balancer(plan):
    record = plan.named("lb-regional-a")
    assert record.inputs["name"] == REGIONAL and record.inputs["type"] == "A"
    assert record.inputs["aliases"] == [
        {"name": plan.outputs["dns_name"], "zoneId": plan.outputs["zone_id"], "evaluateTargetHealth": True}
    ]
    assert "ttl" not in record.inputs  # alias records follow the ALB's TTL
    assert not [r for r in plan.resources if r.name == "lb-regional-aaaa"]


def test_dualstack_regional_name_gets_an_aaaa_record_too():
    plan = _plan(_args(ip_address_type="dualstack"))
    assert plan.named("lb-regional-aaaa").inputs["type"] == "AAAA"
    assert plan.named("lb-regional-a").inputs["type"] == "A"


# --- component contract -----------------------------------------------------------------------


def test_children_are_parented_and_tagged(plan):
    component = plan.of_type("blueprint:aws:LoadBalancer")[0]
    children = [r for r in plan.resources if r.parent == component.urn]
    assert {r.name for r in children} == {
        "lb-sg", "lb-https-in-ipv4", "lb-http-in-ipv4", "lb-service-out", "lb-alb", "lb-cert",
        "lb-cert-validation-record", "lb-regional-cert-validation-record", "lb-cert-validation", "lb-tg",
        "lb-https", "lb-http", "lb-regional-a",
    }
    for r in children:
        if "tags" in r.inputs or r.type.startswith(("aws:lb/", "aws:ec2/", "aws:vpc/", "aws:acm/certificate:")):
            assert r.inputs["tags"] == {**TAGS, "Name": r.name}, r.name


def test_outputs(plan):
    out = plan.outputs
    assert set(out) == set(OUTPUTS)
    assert out["arn"].startswith(f"arn:aws:elasticloadbalancing:{REGION}:") and out["arn"].endswith(out["arn_suffix"])
    assert out["dns_name"].endswith(f".{REGION}.elb.amazonaws.com")
    assert out["zone_id"].startswith("Z")
    assert out["security_group_id"].startswith("sg-")
    assert out["target_group_arn"].endswith(out["target_group_arn_suffix"])
    assert out["https_listener_arn"].startswith(f"arn:aws:elasticloadbalancing:{REGION}:")
    assert out["certificate_arn"].startswith(f"arn:aws:acm:{REGION}:")


# --- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["ready", "", "/re ady"])
def test_fails_bad_readiness_path(path):
    with pytest.raises(ValidationError, match="readiness_path: .* must be an absolute HTTP path"):
        _args(readiness_path=path)


@pytest.mark.parametrize("field", ["healthy_threshold", "unhealthy_threshold"])
@pytest.mark.parametrize("value", [1, 11])
def test_fails_threshold_out_of_range(field, value):
    with pytest.raises(ValidationError, match=rf"{field}: {value} is outside the ALB range 2\.\.10"):
        _args(**{field: value})


@pytest.mark.parametrize("value", [4, 301])
def test_fails_interval_out_of_range(value):
    with pytest.raises(ValidationError, match=rf"health_check_interval_s: {value} is outside the ALB range 5\.\.300"):
        _args(health_check_interval_s=value, health_check_timeout_s=2)


@pytest.mark.parametrize("value", [1, 121])
def test_fails_timeout_out_of_range(value):
    with pytest.raises(ValidationError, match=rf"health_check_timeout_s: {value} is outside the ALB range 2\.\.120"):
        _args(health_check_timeout_s=value, health_check_interval_s=300)


def test_fails_timeout_not_below_interval():
    with pytest.raises(ValidationError, match=r"health_check_timeout_s: 10 must be shorter than health_check_interval_s \(10\)"):
        _args(health_check_interval_s=10, health_check_timeout_s=10)


@pytest.mark.parametrize(
    "policy", ["ELBSecurityPolicy-2016-08", "ELBSecurityPolicy-TLS-1-1-2017-01", "ELBSecurityPolicy-TLS13-1-0-2021-06", "tls12"]
)
def test_fails_ssl_policy_below_tls12(policy):
    with pytest.raises(ValidationError, match=rf"ssl_policy: '{policy}' is not one of the predefined ALB policies with TLS 1\.2"):
        _args(ssl_policy=policy)


@pytest.mark.parametrize("subnets", [[], ["subnet-a"]])
def test_fails_fewer_than_two_subnets(subnets):
    with pytest.raises(ValidationError, match=rf"public_subnet_ids: got {len(subnets)} subnet\(s\); .* at least 2 zones"):
        _args(public_subnet_ids=subnets)


def test_fails_duplicate_subnets():
    with pytest.raises(ValidationError, match=r"public_subnet_ids: \['subnet-a'\] listed more than once"):
        _args(public_subnet_ids=["subnet-a", "subnet-a"])


@pytest.mark.parametrize("field,value", [("domain_name", "Fraud.Example.com"), ("domain_name", "localhost"), ("regional_domain_name", "-x.example.com")])
def test_fails_bad_domain_name(field, value):
    with pytest.raises(ValidationError, match=rf"{field}: '{value}' is not a fully qualified domain name"):
        _args(**{field: value})


def test_fails_regional_name_equal_to_global_name():
    with pytest.raises(ValidationError, match="regional_domain_name: .* equals domain_name"):
        _args(regional_domain_name=DOMAIN)


@pytest.mark.parametrize("prefix", ["", "/fraud", "fraud/", "fraud/AWSLogs"])
def test_fails_bad_access_logs_prefix(prefix):
    with pytest.raises(ValidationError, match="access_logs_prefix: "):
        _args(access_logs_prefix=prefix)


@pytest.mark.parametrize("cidr", ["10.0.0.0/33", "10.0.0.1/16", "fd00::/48"])
def test_fails_bad_vpc_cidr(cidr):
    with pytest.raises(ValidationError, match=f"vpc_cidr_block: '{cidr}'"):
        _args(vpc_cidr_block=cidr)


@pytest.mark.parametrize("port", [0, 65536])
def test_fails_bad_service_port(port):
    with pytest.raises(ValidationError, match=f"service_port: {port} is not a TCP port"):
        _args(service_port=port)


def test_fails_idle_timeout_out_of_range():
    with pytest.raises(ValidationError, match=r"idle_timeout_s: 4001 is outside the ALB range 1\.\.4000"):
        _args(idle_timeout_s=4001)


def test_fails_unknown_field():
    with pytest.raises(ValidationError, match="internal"):
        _args(internal=True)


WEB_ACL = "arn:aws:wafv2:eu-central-1:123456789012:regional/webacl/prod-eu-central-1-waf/0d7e4b6c-1a2b-4c3d-8e9f-0123456789ab"


def test_no_waf_association_without_a_web_acl(plan):
    assert not plan.of_type("aws:wafv2/webAclAssociation:WebAclAssociation")


def test_web_acl_is_associated_with_the_alb():
    waf_plan = _plan(_args(web_acl_arn=WEB_ACL))
    association = waf_plan.named("lb-waf")
    assert association.inputs["webAclArn"] == WEB_ACL
    assert association.inputs["resourceArn"].startswith("arn:aws:elasticloadbalancing:eu-central-1:")


def test_fails_on_a_cloudfront_or_malformed_web_acl_arn():
    with pytest.raises(ValidationError, match="web_acl_arn"):
        _args(web_acl_arn="arn:aws:wafv2:us-east-1:123456789012:global/webacl/cdn/0d7e4b6c")
