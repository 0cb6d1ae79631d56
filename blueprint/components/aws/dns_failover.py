"""DnsFailover: one served workload's global name in Route 53, routed to its regional load
balancers by latency, by failover or simply, with a health check and an alarm per region.

Children (component named ``n``, endpoint region ``r``):
    ``n-r-health-check``  aws.route53.HealthCheck (HTTPS to the region's ALB, readiness path)
    ``n-r-record``        aws.route53.Record (alias A record to the region's ALB)
    ``n-r-alarm``         aws.cloudwatch.MetricAlarm on the health check, in us-east-1
    ``n-r-serving-check`` (only with ``traffic_control_health_check_ids``) aws.route53.HealthCheck of
                          type CALCULATED: healthy only while both the endpoint check and the
                          orchestration's check of region r are healthy; the record uses it
    ``n-cert-validation-record``  the name's ACM DNS validation CNAME, one for every region's
                          certificate (only with ``validation_option``)
    ``n-us-east-1``       aws.Provider for the alarms, only when no ``alarm_provider`` is given

Records are alias records: they have no TTL of their own; Route 53 answers with the load
balancer's record TTL (60 s), which bounds how long resolvers keep a failed region's address.

A failover orchestration moves traffic through health checks it controls: an ARC Region switch
plan's Route 53 health check execution block creates one health check per region of the record and
flips their states when it runs (active/passive: the primary's starts healthy and the standby's
unhealthy, and a failover swaps them; active/active: all start healthy and a deactivate workflow
sets the impaired region's unhealthy), but only records that use them move ("Amazon Route 53
health check execution block", https://docs.aws.amazon.com/r53recovery/latest/dg/route53-health-check-block.html).
``traffic_control_health_check_ids`` hands them over: each record then uses a calculated check whose
children are its endpoint check and the region's control check with ``childHealthThreshold`` 2
(Route 53 CreateHealthCheck: a CALCULATED check is healthy when at least that many children are),
so a region gets traffic only while its load balancer answers *and* the orchestration has it
active. Consequence for failover routing: the standby's control check is unhealthy until the plan
activates it, and Route 53 answers with the primary whenever the secondary is unhealthy (Route 53
API, ResourceRecordSet ``Failover``), so an endpoint failure alone no longer moves an active/passive
name: the plan does (a human approves it, or its trigger starts it). Latency routing keeps moving
traffic away from a failed endpoint at once. The alarms stay on the endpoint checks (detection).

Degraded serving (an endpoint with a ``fallback``: a second load balancer in the region whose
targets are the workload's fallback pods, e.g. a CPU model). Children for such a region r:
    ``n-r-fallback-health-check``  aws.route53.HealthCheck (HTTPS to the fallback ALB, its readiness path)
    ``n-r-gpu-record``       weighted alias A record ``<r>.<record_name>`` -> the region's ALB, weight 255,
                             health check ``n-r-health-check``
    ``n-r-fallback-record``  weighted alias A record ``<r>.<record_name>`` -> the fallback ALB, weight 0,
                             health check ``n-r-fallback-health-check``
    ``n-r-record``           the routed record as above, but an alias to ``<r>.<record_name>`` (same zone)
Route 53 "initially considers only the nonzero weighted records"; "if all the records that have a
weight greater than 0 are unhealthy, then Route 53 considers the zero-weighted records"
(https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-how-route-53-chooses-records.html,
"Weighted records that have a weight of 0"): the fallback answers only while the GPU endpoint's check
fails (not while it is merely saturated). The routed record evaluates its target's health: an alias to
a group of weighted records is healthy while at least one of them is (same page, "Alias records"), so
the region counts as up while its GPU *or* its fallback endpoint answers, and latency / failover
routing leaves it only when both are down.

Under an orchestration such a region's record carries the orchestration's check itself (no
``n-r-serving-check``): Route 53 answers from an alias record that has a health check and Evaluate
target health only while both the check passes and at least one weighted record below it is healthy
("How health checks work in complex Amazon Route 53 configurations", "What happens when you associate
a health check with an alias record?",
https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-complex-configs.html): control
AND (GPU OR fallback). Not with calculated checks: "You can't configure a calculated health check to
monitor the health of other calculated health checks" ("Values that you specify when you create or
update health checks", calculated health checks), so an OR check (threshold 1 over GPU + fallback)
cannot be a child of the AND with the control check; and one calculated check over the three with
threshold 2 is not equivalent: it stays healthy with GPU and fallback up while the orchestration has
the region *inactive* (a deactivated region would keep its traffic). The alarm stays on the GPU
endpoint check: detection is of the GPU service.

Route 53 publishes health-check metrics (AWS/Route53 HealthCheckStatus) in us-east-1 only, so the
alarms live there whatever the stack's jurisdiction. This is a documented residency exemption:
an alarm holds a health check's up/down status and the checked ALB host name, no customer data.
"""

from __future__ import annotations

import re
from typing import Any, Literal, Optional

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from blueprint.components._validation import HttpPath, IntBetween, TcpPort

from ._tags import merge_tags
from ._types import Tags
from .load_balancer import check_domain_name, validation_record

# Region of the Route 53 health-check metrics (and therefore of their alarms).
ROUTE53_METRICS_REGION = "us-east-1"

# Every region Route 53 runs health checkers in (Route 53 API, HealthCheckRegion: the only values
# a health check's `regions` accepts; at least three are required). All of them: a checker region
# of its own having trouble can never outvote the others.
HEALTH_CHECKER_REGIONS = (
    "us-east-1", "us-west-1", "us-west-2", "eu-west-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1",
)

_REGION = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d+$")
HealthCheckPath = HttpPath(255, "Route 53")
FailureThreshold = IntBetween(1, 10, scope="the Route 53 range ", note=" consecutive failures")
_SNS_ARN = re.compile(r"^arn:aws[a-z-]*:sns:(?P<region>[a-z0-9-]+):\d{12}:[A-Za-z0-9_.-]+$")


# Route 53 weights are integers 0..255 (Route 53 Developer Guide, "Values for weighted alias records", Weight:
# "Enter an integer between 0 and 255"; with health checks weight 0 means "only once every nonzero record is
# unhealthy", module doc). The GPU endpoint takes all of a region's traffic while healthy; the fallback none until then.
GPU_WEIGHT = 255
FALLBACK_WEIGHT = 0


class DnsFallbackTarget(BaseModel):
    """A region's degraded-serving load balancer: answers only while the region's GPU endpoint is unhealthy."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    alb_dns_name: Any = Field(description="pulumi.Input[str]: the fallback load balancer's DNS name (LoadBalancer.dns_name).")
    alb_zone_id: Any = Field(description="pulumi.Input[str]: its canonical hosted zone (LoadBalancer.zone_id).")
    readiness_path: Optional[HealthCheckPath] = Field(
        default=None,
        description="Path its health check requests over HTTPS (must start with '/'). Default None: the name's readiness_path.",
    )


class DnsEndpoint(BaseModel):
    """One regional load balancer behind the global name."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    region: str = Field(description="AWS region of the load balancer, e.g. 'eu-central-1' (also its latency region).")
    role: Literal["primary", "secondary"] = Field(description="'primary' or 'secondary': the failover role of the region.")
    alb_dns_name: Any = Field(description="pulumi.Input[str]: the load balancer's DNS name (LoadBalancer.dns_name).")
    alb_zone_id: Any = Field(description="pulumi.Input[str]: the load balancer's canonical hosted zone (LoadBalancer.zone_id).")
    fallback: Optional[DnsFallbackTarget] = Field(
        default=None,
        description="The region's degraded-serving load balancer (weighted records, module doc). Default None: the "
        "routed record aliases the load balancer directly, as without degraded serving.",
    )

    @field_validator("region")
    @classmethod
    def _region(cls, v: str) -> str:
        if not _REGION.match(v):
            raise ValueError(f"region: {v!r} is not an AWS region name; use e.g. 'eu-central-1'")
        return v


class DnsFailoverArgs(BaseModel):
    """Settings of a workload's global DNS name and its regional health checks."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    zone_name: str = Field(description="The existing public hosted zone, e.g. 'ml.example.com' (looked up by name).")
    record_name: str = Field(description="The workload's name inside the zone, e.g. 'fraud-scoring.ml.example.com'.")
    routing: Literal["latency", "failover", "simple"] = Field(
        description="'latency': every endpoint answers, nearest healthy first (>= 2 regions); 'failover': the primary "
        "answers while healthy, else the secondary (exactly one of each); 'simple': one endpoint."
    )
    endpoints: list[DnsEndpoint] = Field(description="The regional load balancers, one per region.")
    readiness_path: HealthCheckPath = Field(description="Path the health checks request over HTTPS, e.g. '/ready' (must start with '/').")
    port: TcpPort = Field(default=443, description="Port the health checks connect to (1..65535). Default 443: the ALB's HTTPS listener.")
    health_check_interval_s: Literal[10, 30] = Field(
        description="Seconds between a checker's requests: 10 (fast) or 30 (standard), the only values Route 53 offers; tiers pick it."
    )
    failure_threshold: FailureThreshold = Field(description="Consecutive failures before an endpoint is unhealthy (Route 53: 1..10).")
    alarm_topic_arns: list[Any] = Field(
        default_factory=list,
        description="pulumi.Input[str] ARNs of SNS topics in us-east-1 notified when a health check fails and recovers. Default: none.",
    )
    alarm_provider: Optional[Any] = Field(
        default=None,
        description="A pulumi aws.Provider for us-east-1 that creates the alarms. Default None: the component "
        "creates its own child provider for us-east-1 (Route 53 metrics exist only there).",
    )
    # The global name's ACM validation record belongs to the global part: every region's
    # certificate for record_name is validated by the same CNAME (ACM User Guide, "DNS validation"),
    # so no region's load balancer may own it (see blueprint/components/aws/load_balancer.py).
    validation_option: Optional[Any] = Field(
        default=None,
        description="pulumi.Input of an ACM DNS validation option for record_name (resource_record_name, _type, "
        "_value), e.g. LoadBalancer(...).domain_validation_option of any region. Given: the component owns that "
        "CNAME (child n-cert-validation-record; validation_record_fqdn) for every region's load balancer. "
        "Default None: no validation record here.",
    )
    traffic_control_health_check_ids: dict[str, Any] = Field(
        default_factory=dict,
        description="Region -> pulumi.Input[str] id of a Route 53 health check a failover orchestration controls "
        "(RegionSwitchPlan.traffic_health_check_ids). Given: that region's record answers only while both its endpoint "
        "check and this one are healthy (child n-r-serving-check; an endpoint with a fallback: on its record itself, module doc). "
        "Default empty: the endpoint checks alone.",
    )
    tags: Tags = Field(default_factory=dict, description="Tags merged onto every taggable child.")

    @field_validator("zone_name")
    @classmethod
    def _zone(cls, v: str) -> str:
        return check_domain_name("zone_name", v.rstrip("."))

    @field_validator("record_name")
    @classmethod
    def _record(cls, v: str) -> str:
        return check_domain_name("record_name", v.rstrip("."))

    @field_validator("alarm_topic_arns")
    @classmethod
    def _topics(cls, v: list[Any]) -> list[Any]:
        for arn in v:
            if isinstance(arn, pulumi.Output):
                continue
            m = _SNS_ARN.match(arn) if isinstance(arn, str) else None
            if m is None:
                raise ValueError(f"alarm_topic_arns: {arn!r} is not an SNS topic ARN; pass e.g. AlarmTopic(...).arn")
            if m.group("region") != ROUTE53_METRICS_REGION:
                raise ValueError(
                    f"alarm_topic_arns: {arn!r} is in {m.group('region')}; the alarms live in {ROUTE53_METRICS_REGION} "
                    f"(Route 53 metrics exist only there) and can notify topics of that region only - pass a topic in {ROUTE53_METRICS_REGION}"
                )
        return v

    @field_validator("alarm_provider")
    @classmethod
    def _provider(cls, v: Optional[Any]) -> Optional[Any]:
        if v is not None and not isinstance(v, pulumi.ProviderResource):
            raise ValueError(
                f"alarm_provider: {v!r} is not a Pulumi provider; pass aws.Provider(..., region='us-east-1') or leave it "
                "unset to let the component create one"
            )
        return v

    @model_validator(mode="after")
    def _routing_fits_endpoints(self) -> DnsFailoverArgs:
        if self.record_name != self.zone_name and not self.record_name.endswith(f".{self.zone_name}"):
            raise ValueError(
                f"record_name: {self.record_name!r} is not inside zone_name {self.zone_name!r}; use a name ending in "
                f"'.{self.zone_name}', e.g. 'fraud-scoring.{self.zone_name}'"
            )
        regions = [e.region for e in self.endpoints]
        repeated = sorted({r for r in regions if regions.count(r) > 1})
        if repeated:
            raise ValueError(f"endpoints: regions {repeated} appear more than once; give one endpoint per region")
        roles = sorted(e.role for e in self.endpoints)
        if self.routing == "latency" and len(self.endpoints) < 2:
            raise ValueError(
                f"endpoints: routing 'latency' needs at least 2 endpoints in distinct regions, got {regions}; "
                "add a region or use routing 'simple'"
            )
        if self.routing == "failover" and roles != ["primary", "secondary"]:
            raise ValueError(
                f"endpoints: routing 'failover' needs exactly one 'primary' and one 'secondary' endpoint, got roles {roles}; "
                "mark the serving region primary and the standby secondary"
            )
        if self.routing == "simple" and len(self.endpoints) != 1:
            raise ValueError(
                f"endpoints: routing 'simple' takes exactly 1 endpoint, got {len(self.endpoints)} ({regions}); "
                "pass one endpoint or use routing 'latency' / 'failover'"
            )
        controlled = sorted(self.traffic_control_health_check_ids)
        if controlled and (self.routing == "simple" or set(controlled) != set(regions)):
            raise ValueError(
                f"traffic_control_health_check_ids: regions {controlled} with routing {self.routing!r} and endpoints in "
                f"{sorted(regions)}; pass one check for every endpoint region of a 'latency' or 'failover' name "
                "(Route 53 ignores health checks on simple records)"
            )
        return self

    @model_validator(mode="after")
    def _fallback_names_fit(self) -> DnsFailoverArgs:
        for endpoint in self.endpoints:
            if endpoint.fallback is not None:
                check_domain_name(f"endpoints[{endpoint.region}].fallback (its weighted record name)", weighted_name(endpoint.region, self.record_name))
        return self


def weighted_name(region: str, record_name: str) -> str:
    """The name of a degraded-serving region's weighted records: ``<region>.<record_name>`` (module doc)."""
    return f"{region}.{record_name}"


class DnsFailover(pulumi.ComponentResource):
    """A workload's global alias record(s) with per-region HTTPS health checks and us-east-1 alarms."""

    fqdn: pulumi.Output[str]
    health_check_ids: dict[str, pulumi.Output[str]]
    # Region -> the fallback endpoint's check, for the regions with degraded serving only.
    fallback_health_check_ids: dict[str, pulumi.Output[str]]
    record_names: dict[str, pulumi.Output[str]]
    validation_record_fqdn: Optional[pulumi.Output[str]]  # None without validation_option

    def __init__(self, name: str, args: DnsFailoverArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:aws:DnsFailover", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        zone_id = aws.route53.get_zone_output(
            name=args.zone_name, private_zone=False, opts=pulumi.InvokeOutputOptions(parent=self)
        ).zone_id
        alarm_provider = args.alarm_provider
        if alarm_provider is None:
            # Route 53 metrics exist only in us-east-1 (module doc: documented residency exemption).
            alarm_provider = aws.Provider(f"{name}-{ROUTE53_METRICS_REGION}", region=ROUTE53_METRICS_REGION, opts=child)
        in_metrics_region = pulumi.ResourceOptions(parent=self, provider=alarm_provider)

        self.health_check_ids = {}
        self.fallback_health_check_ids = {}
        self.record_names = {}
        records: list[aws.route53.Record] = []
        for endpoint in args.endpoints:
            prefix = f"{name}-{endpoint.region}"
            check = self._health_check(prefix, args, endpoint)
            if endpoint.fallback is None:
                serving = self._serving_check(prefix, args, endpoint, check)
                record = self._record(prefix, args, endpoint, zone_id, serving.id, (endpoint.alb_dns_name, endpoint.alb_zone_id))
            else:
                weighted = self._weighted_records(prefix, args, endpoint, zone_id, check)
                # The orchestration's check on the routed record itself; the OR of GPU and fallback below it (module doc).
                control = args.traffic_control_health_check_ids.get(endpoint.region)
                record = self._record(prefix, args, endpoint, zone_id, control, (weighted[0].name, zone_id), depends_on=weighted)
            self._alarm(prefix, args, endpoint, check, in_metrics_region)
            self.health_check_ids[endpoint.region] = check.id
            self.record_names[endpoint.region] = record.name
            records.append(record)

        self.validation_record_fqdn = None
        if args.validation_option is not None:
            self.validation_record_fqdn = validation_record(
                f"{name}-cert-validation-record", zone_id, args.validation_option, child
            ).fqdn

        self.fqdn = records[0].fqdn
        self.register_outputs({"fqdn": self.fqdn, "health_check_ids": self.health_check_ids, "record_names": self.record_names,
                               "fallback_health_check_ids": self.fallback_health_check_ids,
                               "validation_record_fqdn": self.validation_record_fqdn})

    def _health_check(self, prefix: str, args: DnsFailoverArgs, endpoint: DnsEndpoint, role: str = "health-check",
                      host: Any = None, path: Optional[str] = None) -> aws.route53.HealthCheck:
        """An endpoint's HTTPS check: the region's load balancer by default, or ``host`` on ``path``."""
        return aws.route53.HealthCheck(
            f"{prefix}-{role}",
            type="HTTPS",
            fqdn=host if host is not None else endpoint.alb_dns_name,
            port=args.port,
            resource_path=path or args.readiness_path,
            request_interval=args.health_check_interval_s,
            failure_threshold=args.failure_threshold,
            measure_latency=True,
            enable_sni=True,
            regions=list(HEALTH_CHECKER_REGIONS),
            tags=merge_tags(args.tags, f"{prefix}-{role}"),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _weighted_records(self, prefix: str, args: DnsFailoverArgs, endpoint: DnsEndpoint, zone_id: pulumi.Output[str],
                          check: aws.route53.HealthCheck) -> list[aws.route53.Record]:
        """A degraded-serving region's two weighted records under ``<region>.<record_name>``: the GPU load balancer
        (weight 255, its endpoint check) and the fallback's (weight 0, its own check), in that order."""
        fallback = endpoint.fallback
        fallback_check = self._health_check(prefix, args, endpoint, "fallback-health-check", fallback.alb_dns_name,
                                            fallback.readiness_path)
        self.fallback_health_check_ids[endpoint.region] = fallback_check.id
        made = []
        for role, weight, hc, alias in (("gpu", GPU_WEIGHT, check, (endpoint.alb_dns_name, endpoint.alb_zone_id)),
                                        ("fallback", FALLBACK_WEIGHT, fallback_check, (fallback.alb_dns_name, fallback.alb_zone_id))):
            made.append(aws.route53.Record(
                f"{prefix}-{role}-record",
                zone_id=zone_id,
                name=weighted_name(endpoint.region, args.record_name),
                type="A",
                set_identifier=f"{endpoint.region}-{role}",
                weighted_routing_policies=[aws.route53.RecordWeightedRoutingPolicyArgs(weight=weight)],
                # Every record of the group health-checked: one without a check would always count as healthy
                # ("How health checks work in complex Amazon Route 53 configurations", "What happens when you omit health checks?").
                health_check_id=hc.id,
                aliases=[aws.route53.RecordAliasArgs(name=alias[0], zone_id=alias[1], evaluate_target_health=True)],
                opts=pulumi.ResourceOptions(parent=self),
            ))
        return made

    def _serving_check(self, prefix: str, args: DnsFailoverArgs, endpoint: DnsEndpoint,
                       check: aws.route53.HealthCheck) -> aws.route53.HealthCheck:
        """The check the record uses: the endpoint check, or (under an orchestration) the calculated
        AND of the endpoint check and the orchestration's check of the region (module doc)."""
        control = args.traffic_control_health_check_ids.get(endpoint.region)
        if control is None:
            return check
        return aws.route53.HealthCheck(
            f"{prefix}-serving-check",
            type="CALCULATED",
            child_healthchecks=[check.id, control],
            # Both children: the endpoint answers AND the orchestration has the region active.
            child_health_threshold=2,
            tags=merge_tags(args.tags, f"{prefix}-serving-check"),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _record(self, prefix: str, args: DnsFailoverArgs, endpoint: DnsEndpoint, zone_id: pulumi.Output[str],
                health_check_id: Any, alias: tuple[Any, Any], depends_on: Optional[list[Any]] = None) -> aws.route53.Record:
        """The endpoint's alias record (to ``alias``: name, zone) with the routing policy (latency / failover /
        simple) and ``health_check_id`` (None: Evaluate target health alone)."""
        policy: dict[str, Any] = {}
        if args.routing == "latency":
            policy = {
                "set_identifier": endpoint.region,
                "latency_routing_policies": [aws.route53.RecordLatencyRoutingPolicyArgs(region=endpoint.region)],
            }
        elif args.routing == "failover":
            policy = {
                "set_identifier": endpoint.region,
                "failover_routing_policies": [aws.route53.RecordFailoverRoutingPolicyArgs(type=endpoint.role.upper())],
            }
        if policy and health_check_id is not None:
            policy["health_check_id"] = health_check_id
        # Simple routing: a plain alias record (Route 53 ignores health checks on it); the
        # health check still feeds the alarm.
        return aws.route53.Record(
            f"{prefix}-record",
            zone_id=zone_id,
            name=args.record_name,
            type="A",
            # Alias: no TTL of its own, Route 53 answers with the ALB's 60 s.
            aliases=[aws.route53.RecordAliasArgs(name=alias[0], zone_id=alias[1], evaluate_target_health=True)],
            **policy,
            # An alias to records of the zone needs them first (the weighted records of a degraded-serving region).
            opts=pulumi.ResourceOptions(parent=self, depends_on=depends_on or []),
        )

    def _alarm(self, prefix: str, args: DnsFailoverArgs, endpoint: DnsEndpoint, check: aws.route53.HealthCheck,
               in_metrics_region: pulumi.ResourceOptions) -> aws.cloudwatch.MetricAlarm:
        return aws.cloudwatch.MetricAlarm(
            f"{prefix}-alarm",
            alarm_description=f"{args.record_name} in {endpoint.region}: the Route 53 health check of the load balancer failed",
            namespace="AWS/Route53",
            metric_name="HealthCheckStatus",
            dimensions={"HealthCheckId": check.id},
            statistic="Minimum",
            comparison_operator="LessThanThreshold",
            threshold=1,
            period=60,
            evaluation_periods=1,
            # Route 53 publishes HealthCheckStatus every minute once the check exists, up or down
            # (Route 53 developer guide, "Monitoring health check status and getting notifications");
            # only the minutes before its first datapoint have none. "breaching" would page every
            # fresh stack then: missing data is INSUFFICIENT_DATA instead, and that state is
            # notified too, so a check that stops reporting is still seen.
            treat_missing_data="missing",
            alarm_actions=list(args.alarm_topic_arns),
            ok_actions=list(args.alarm_topic_arns),
            insufficient_data_actions=list(args.alarm_topic_arns),
            tags=merge_tags(args.tags, f"{prefix}-alarm"),
            opts=in_metrics_region,
        )
