"""WebAcl: managed rule groups, per-IP rate limit, metrics, CMK-encrypted logs; validation."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from blueprint.plan.engine import plan_program
from blueprint.components.aws.web_acl import WebAcl, WebAclArgs

CMK = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.fixture(scope="module")
def plan():
    return plan_program(lambda: WebAcl("waf", WebAclArgs(kms_key_arn=CMK, tags={"team": "ml"})), stack="test",
                        config={"aws:region": "eu-central-1"})


def _rules(plan) -> dict:
    return {r["name"]: r for r in plan.named("waf-acl").inputs["rules"]}


def test_acl_is_regional_allows_by_default_and_emits_metrics(plan):
    acl = plan.named("waf-acl").inputs
    assert acl["scope"] == "REGIONAL"
    assert "allow" in acl["defaultAction"]
    assert acl["visibilityConfig"] == {"cloudwatchMetricsEnabled": True, "metricName": "waf", "sampledRequestsEnabled": True}
    assert all(r["visibilityConfig"]["cloudwatchMetricsEnabled"] and r["visibilityConfig"]["sampledRequestsEnabled"] for r in acl["rules"])
    assert plan.named("waf-acl").region == "eu-central-1"


def test_managed_groups_in_order_and_never_downgraded_as_a_whole(plan):
    rules = sorted(plan.named("waf-acl").inputs["rules"], key=lambda r: r["priority"])
    assert [r["name"] for r in rules] == [
        "AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesAnonymousIpList", "rate-limit-per-ip",
        "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesCommonRuleSet",
    ]
    for rule in rules:
        if rule["name"].startswith("AWSManaged"):
            assert "none" in rule["overrideAction"]
            assert rule["statement"]["managedRuleGroupStatement"]["vendorName"] == "AWS"


def test_only_hosting_providers_and_large_bodies_are_counted_log4j_blocks(plan):
    rules = _rules(plan)
    counted = {
        name: [o["name"] for o in r["statement"]["managedRuleGroupStatement"].get("ruleActionOverrides") or []]
        for name, r in rules.items() if "managedRuleGroupStatement" in r["statement"]
    }
    assert counted == {
        "AWSManagedRulesAmazonIpReputationList": [], "AWSManagedRulesAnonymousIpList": ["HostingProviderIPList"],
        "AWSManagedRulesKnownBadInputsRuleSet": [], "AWSManagedRulesCommonRuleSet": ["SizeRestrictions_BODY"],
    }


def test_rate_limit_blocks_2000_per_5_minutes_per_ip(plan):
    rule = _rules(plan)["rate-limit-per-ip"]
    assert "block" in rule["action"]
    assert rule["statement"]["rateBasedStatement"] == {"aggregateKeyType": "IP", "limit": 2000, "evaluationWindowSec": 300}


def test_logs_go_to_an_encrypted_waf_log_group_for_a_year_with_credentials_redacted(plan):
    group = plan.named("waf-logs").inputs
    assert group["name"] == "aws-waf-logs-waf"
    assert group["kmsKeyId"] == CMK
    assert group["retentionInDays"] == 365
    logging = plan.named("waf-logging")
    assert logging.inputs["resourceArn"].startswith("arn:aws:wafv2:eu-central-1:")
    assert logging.inputs["logDestinationConfigs"] == ["arn:aws:logs:eu-central-1:123456789012:log-group:aws-waf-logs-waf"] or \
        logging.inputs["logDestinationConfigs"][0].endswith(":log-group:aws-waf-logs-waf")
    assert [f["singleHeader"]["name"] for f in logging.inputs["redactedFields"]] == ["authorization", "cookie"]


def test_children_are_tagged_and_parented(plan):
    assert plan.named("waf-acl").inputs["tags"] == {"team": "ml", "Name": "waf-acl"}
    assert plan.named("waf-logs").inputs["tags"]["Name"] == "waf-logs"
    assert all(plan.named(n).parent.endswith("blueprint:aws:WebAcl::waf") for n in ("waf-acl", "waf-logs", "waf-logging"))


@pytest.mark.parametrize("field,value", [("rate_limit", 5), ("log_retention_days", 100), ("rate_limit_window_s", 30),
                                         ("kms_key_arn", "alias/foo"), ("tags", {"aws:x": "y"})])
def test_fails_on_invalid_args(field, value):
    with pytest.raises(ValidationError, match=field):
        WebAclArgs(**{"kms_key_arn": CMK, field: value})
