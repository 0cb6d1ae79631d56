"""LoadBalancer with a given certificate (a degraded-serving load balancer beside the GPU one, issue 18):
the listener serves that certificate, no certificate or validation record of its own; by default (None)
the load balancer still requests and validates its own."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pytest
from pydantic import ValidationError

from blueprint.components.aws.load_balancer import LoadBalancer, LoadBalancerArgs
from blueprint.plan.engine import plan_program
from tests.components.aws.test_load_balancer import REGION, _args

CERT = "arn:aws:acm:eu-central-1:123456789012:certificate/0d1c5f3e-1111-2222-3333-444455556666"


def _plan(args: LoadBalancerArgs):
    seen = {}

    def program():
        provider = aws.Provider(f"aws-{REGION}", region=REGION)
        seen["lb"] = LoadBalancer("fb", args, pulumi.ResourceOptions(providers=[provider]))

    return plan_program(program, stack="test", config={"aws:region": REGION}), seen["lb"]


def test_default_is_its_own_certificate():
    assert LoadBalancerArgs.model_fields["certificate_arn"].default is None
    plan, lb = _plan(_args())
    assert plan.named("fb-cert") and plan.named("fb-cert-validation")
    assert lb.domain_validation_option is not None


def test_given_certificate_is_served_without_one_of_its_own():
    plan, lb = _plan(_args(regional_domain_name=None, certificate_arn=CERT))
    names = {r.name for r in plan.resources}
    assert not {n for n in names if n.startswith("fb-cert") or "validation" in n}
    https = plan.named("fb-https").inputs
    assert https["certificateArn"] == CERT and https["protocol"] == "HTTPS"
    assert https["sslPolicy"] == LoadBalancerArgs.model_fields["ssl_policy"].default
    assert lb.domain_validation_option is None
    # Everything else stays as secure as the default load balancer.
    alb = plan.named("fb-alb").inputs
    assert alb["enableDeletionProtection"] is True and alb["dropInvalidHeaderFields"] is True and alb["accessLogs"]["enabled"] is True
    assert plan.named("fb-http").inputs["defaultActions"][0]["type"] == "redirect"


def test_fails_given_certificate_with_a_regional_name():
    with pytest.raises(ValidationError, match="regional_domain_name: .* with a given certificate_arn"):
        _args(certificate_arn=CERT)
