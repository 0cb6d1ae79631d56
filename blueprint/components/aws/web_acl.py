"""WebAcl: a regional AWS WAF (v2) web ACL for the internet-facing Application Load Balancers of
one region, with CloudWatch metrics, sampled requests and full request logging.

One web ACL serves every load balancer of a region (each ``LoadBalancer`` associates itself via
``web_acl_arn``): the rules are the same for every workload, a web ACL costs a monthly fee per ACL
and per rule, and one log group per region keeps the investigation in one place. Per-workload
traffic is still told apart in the logs (``httpSourceId`` is the load balancer).

Rules, in evaluation order (AWS WAF developer guide, "AWS Managed Rules rule groups list";
vendor ``AWS``):

0. ``AWSManagedRulesAmazonIpReputationList`` - addresses Amazon threat intelligence saw in
   malicious activity, bots, reconnaissance and DDoS (cheap, so first: 25 WCU).
1. ``AWSManagedRulesAnonymousIpList`` - Tor exit nodes, anonymising proxies and VPNs
   (``AnonymousIPList``, blocked). Its ``HostingProviderIPList`` rule is overridden to *count*:
   inference APIs are called server-to-server, often from cloud hosting ranges, which that rule
   would block. (checkov CKV2_AWS_76 asks for this group together with KnownBadInputs.)
2. ``rate-limit-per-ip`` - a rate-based rule blocking a source IP above ``rate_limit`` requests per
   ``rate_limit_window_s`` (AWS WAF: limit >= 10; window 60, 120, 300 or 600 s, "Rate-based rule
   high-level settings").
3. ``AWSManagedRulesKnownBadInputsRuleSet`` - request patterns of known exploits, including
   ``Log4JRCE`` (CVE-2021-44228); never overridden (checkov CKV_AWS_192).
4. ``AWSManagedRulesCommonRuleSet`` - the OWASP-style core rule set. ``SizeRestrictions_BODY``
   (bodies above 8 KB) is overridden to *count*: inference requests (feature vectors, documents,
   images) are routinely larger, and blocking them would break the service it protects.

The failover probe (blueprint/components/aws/failover_probe.py) reaches the load balancers through this
ACL from Lambda's shared egress addresses, with no allow rule of its own (a secret-header allow rule would
put a shared secret in the function's environment and the ACL; not built). Rule 1's hosting-provider rule
only counts, and rule 2 counts only this ACL's requests (the probe sends 12 a minute per endpoint, far
below the default 2000), so the risk is rule 0 listing a Lambda address: every probe of that region then fails. The probe's self-check of its own region passes the same rules from the same address, and the
Region switch trigger needs that self-check green, so such a block pages (the trigger alarm) rather than
failing over; the drill runbook (docs/runbooks/dr-drill.md) says how to find the blocked requests.

Requests no rule blocks are allowed (default action). Logs go to a CloudWatch Logs group named
``aws-waf-logs-<name>`` (WAF refuses destinations without the ``aws-waf-logs-`` prefix:
PutLoggingConfiguration), encrypted with the region's customer-managed key (its key policy lets
CloudWatch Logs of this account and region use it), with the ``authorization`` and ``cookie``
headers redacted (API keys and session tokens never reach the logs).

Children (component named ``n``):
    ``n-acl``       aws.wafv2.WebAcl (scope REGIONAL)
    ``n-logs``      aws.cloudwatch.LogGroup ``aws-waf-logs-<n>``
    ``n-logging``   aws.wafv2.WebAclLoggingConfiguration
"""

from __future__ import annotations

import re
from typing import Any, Literal, Optional

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ._tags import check_kms_key_arn, check_tags, merge_tags

# WAF requires this prefix on every logging destination's name (PutLoggingConfiguration).
LOG_GROUP_PREFIX = "aws-waf-logs-"
# Rate-based rules: the lowest limit AWS WAF accepts is 10, the highest 2,000,000,000.
MIN_RATE_LIMIT = 10
MAX_RATE_LIMIT = 2_000_000_000
# Headers whose values never reach the logs: credentials of API clients and browser sessions.
REDACTED_HEADERS = ("authorization", "cookie")
# Retention values CloudWatch Logs accepts (PutRetentionPolicy).
LOG_RETENTION_DAYS = frozenset({1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653})


class ManagedGroup:
    """One AWS managed rule group of the web ACL and the rules it only counts."""

    def __init__(self, name: str, count_rules: tuple[str, ...] = ()):
        self.name = name
        self.count_rules = count_rules


# Evaluation order after the IP-based groups and the rate limit (module doc).
IP_GROUPS = (
    ManagedGroup("AWSManagedRulesAmazonIpReputationList"),
    ManagedGroup("AWSManagedRulesAnonymousIpList", count_rules=("HostingProviderIPList",)),
)
REQUEST_GROUPS = (
    ManagedGroup("AWSManagedRulesKnownBadInputsRuleSet"),
    ManagedGroup("AWSManagedRulesCommonRuleSet", count_rules=("SizeRestrictions_BODY",)),
)
RATE_RULE = "rate-limit-per-ip"

_WAF_NAME = re.compile(r"[^A-Za-z0-9_-]+")


def acl_name_for(component_name: str) -> str:
    """A valid web ACL / metric name from a component name (1..128 of [A-Za-z0-9_-])."""
    return (_WAF_NAME.sub("-", component_name).strip("-") or "web-acl")[:128]


class WebAclArgs(BaseModel):
    """Settings of a region's web ACL."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    kms_key_arn: Any = Field(
        description="pulumi.Input[str]: the region's customer-managed KMS key that encrypts the WAF log group (required).",
    )
    # 2000 requests per 5 minutes per client IP (~6.7 per second sustained): far above an API
    # client's normal rate, low enough to cut a single-source flood within the window.
    rate_limit: int = Field(
        default=2000,
        description="Requests per rate_limit_window_s from one IP before it is blocked (10..2,000,000,000); default 2000.",
    )
    rate_limit_window_s: Literal[60, 120, 300, 600] = Field(
        default=300, description="Evaluation window of the rate limit, seconds (AWS WAF: 60, 120, 300, 600); default 300."
    )
    # A year of request history for incident investigation (checkov CKV_AWS_338 asks for >= 1 year).
    log_retention_days: int = Field(
        default=365, description="Days the WAF log group keeps events (a CloudWatch Logs retention value); default 365."
    )
    tags: dict[str, str] = Field(default_factory=dict, description="Tags merged onto every taggable child.")

    @field_validator("kms_key_arn")
    @classmethod
    def _kms(cls, v: Any) -> Any:
        return check_kms_key_arn("kms_key_arn", v)

    @field_validator("rate_limit")
    @classmethod
    def _rate(cls, v: int) -> int:
        if not MIN_RATE_LIMIT <= v <= MAX_RATE_LIMIT:
            raise ValueError(f"rate_limit: {v} is outside {MIN_RATE_LIMIT}..{MAX_RATE_LIMIT} (AWS WAF rate-based rule limits); default 2000")
        return v

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, v: int) -> int:
        if v not in LOG_RETENTION_DAYS:
            raise ValueError(f"log_retention_days: {v} is not a CloudWatch Logs retention value; choose one of {sorted(LOG_RETENTION_DAYS)}")
        return v

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: dict[str, str]) -> dict[str, str]:
        return check_tags("tags", v)


def _visibility(metric: str) -> aws.wafv2.WebAclRuleVisibilityConfigArgs:
    return aws.wafv2.WebAclRuleVisibilityConfigArgs(cloudwatch_metrics_enabled=True, metric_name=metric, sampled_requests_enabled=True)


def _managed_rule(group: ManagedGroup, priority: int, prefix: str) -> aws.wafv2.WebAclRuleArgs:
    return aws.wafv2.WebAclRuleArgs(
        name=group.name,
        priority=priority,
        # The group's own actions apply (block); only the listed rules are turned into counts.
        override_action=aws.wafv2.WebAclRuleOverrideActionArgs(none=aws.wafv2.WebAclRuleOverrideActionNoneArgs()),
        statement=aws.wafv2.WebAclRuleStatementArgs(
            managed_rule_group_statement=aws.wafv2.WebAclRuleStatementManagedRuleGroupStatementArgs(
                vendor_name="AWS",
                name=group.name,
                rule_action_overrides=[
                    aws.wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideArgs(
                        name=rule,
                        action_to_use=aws.wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideActionToUseArgs(
                            count=aws.wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideActionToUseCountArgs()
                        ),
                    )
                    for rule in group.count_rules
                ]
                or None,
            )
        ),
        visibility_config=_visibility(f"{prefix}-{group.name}"),
    )


class WebAcl(pulumi.ComponentResource):
    """A regional WAF web ACL (managed rule groups, per-IP rate limit, metrics, CMK-encrypted logs)
    for the region's Application Load Balancers."""

    arn: pulumi.Output[str]

    def __init__(self, name: str, args: WebAclArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:aws:WebAcl", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        prefix = acl_name_for(name)

        rules = [_managed_rule(group, priority, prefix) for priority, group in enumerate(IP_GROUPS)]
        rules.append(
            aws.wafv2.WebAclRuleArgs(
                name=RATE_RULE,
                priority=len(rules),
                action=aws.wafv2.WebAclRuleActionArgs(block=aws.wafv2.WebAclRuleActionBlockArgs()),
                statement=aws.wafv2.WebAclRuleStatementArgs(
                    rate_based_statement=aws.wafv2.WebAclRuleStatementRateBasedStatementArgs(
                        aggregate_key_type="IP", limit=args.rate_limit, evaluation_window_sec=args.rate_limit_window_s
                    )
                ),
                visibility_config=_visibility(f"{prefix}-{RATE_RULE}"),
            )
        )
        rules += [_managed_rule(group, len(IP_GROUPS) + 1 + i, prefix) for i, group in enumerate(REQUEST_GROUPS)]

        acl = aws.wafv2.WebAcl(
            f"{name}-acl",
            name=prefix,
            description=f"blueprint: internet-facing load balancers ({name})",
            scope="REGIONAL",
            default_action=aws.wafv2.WebAclDefaultActionArgs(allow=aws.wafv2.WebAclDefaultActionAllowArgs()),
            rules=rules,
            visibility_config=aws.wafv2.WebAclVisibilityConfigArgs(
                cloudwatch_metrics_enabled=True, metric_name=prefix, sampled_requests_enabled=True
            ),
            tags=merge_tags(args.tags, f"{name}-acl"),
            opts=child,
        )
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=f"{LOG_GROUP_PREFIX}{prefix}",
            kms_key_id=args.kms_key_arn,
            retention_in_days=args.log_retention_days,
            tags=merge_tags(args.tags, f"{name}-logs"),
            opts=child,
        )
        aws.wafv2.WebAclLoggingConfiguration(
            f"{name}-logging",
            resource_arn=acl.arn,
            log_destination_configs=[log_group.arn],
            redacted_fields=[
                aws.wafv2.WebAclLoggingConfigurationRedactedFieldArgs(
                    single_header=aws.wafv2.WebAclLoggingConfigurationRedactedFieldSingleHeaderArgs(name=header)
                )
                for header in REDACTED_HEADERS
            ],
            opts=child,
        )

        self.arn = acl.arn
        self.name: pulumi.Output[str] = acl.name
        self.log_group_name: pulumi.Output[str] = log_group.name
        self.register_outputs({"arn": self.arn, "name": self.name, "log_group_name": self.log_group_name})
