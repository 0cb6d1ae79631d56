"""LoadBalancer: an internet-facing Application Load Balancer for one workload in one region.

HTTPS only (HTTP answers with a permanent redirect), a DNS-validated ACM certificate, a TLS 1.2+
policy, invalid headers dropped, strictest HTTP desync mitigation, access logs on, deletion
protection on by default, and an IP target group for the workload's pods in every zone.

Children (component named ``n``):
    ``n-sg``                security group; ``n-https-in-ipv4``, ``n-http-in-ipv4`` (and
                            ``n-https-in-ipv6``, ``n-http-in-ipv6`` when dualstack), ``n-service-out``
    ``n-alb``               aws.lb.LoadBalancer (application, internet-facing, all public subnets)
    ``n-cert``              aws.acm.Certificate (domain_name + regional_domain_name as SAN)
    ``n-cert-validation-record``           Route 53 CNAME validating domain_name (unless the caller
                                           owns it: ``domain_validation_record_fqdn``)
    ``n-regional-cert-validation-record``  Route 53 CNAME validating regional_domain_name (if set)
    ``n-cert-validation``   aws.acm.CertificateValidation
                            (no ``n-cert*`` children with a given ``certificate_arn``: the listener serves that one)
    ``n-tg``                aws.lb.TargetGroup (target type ip, HTTP on service_port)
    ``n-https``             listener 443, forwards to ``n-tg``
    ``n-http``              listener 80, redirect to HTTPS only
    ``n-regional-a`` (and ``n-regional-aaaa`` when dualstack)  alias records for regional_domain_name
    ``n-waf``               aws.wafv2.WebAclAssociation with ``web_acl_arn`` (when given)

ACM asks for the same validation CNAME for the same domain name in every region of an account, and
deleting it stops the renewal of every certificate that uses it. So when load balancers in two
regions certify one ``domain_name``, the record must have one owner outside the regions: pass its
FQDN as ``domain_validation_record_fqdn`` (the composer lets the workload's ``DnsFailover`` own it,
built from the first region's ``domain_validation_option``). Alone in one region, the load balancer
owns it. No record is created with ``allow_overwrite``: a second owner fails instead of sharing.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any, Literal, Optional

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ._names import fit_name
from blueprint.components._validation import HttpPath, InputMatching, IntBetween, TcpPort

from ._tags import merge_tags
from ._types import Tags

# Default TLS policy: TLS 1.3 and 1.2 with forward-secret AEAD ciphers only, plus hybrid
# post-quantum key exchange for clients that offer it. The ALB guide ("Security policies for your
# Application Load Balancer") names it as the console default and AWS's recommendation.
DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"

# Predefined ALB security policies whose minimum protocol is TLS 1.2 (same guide's tables).
# Refused: every policy that still accepts TLS 1.0 or 1.1 (ELBSecurityPolicy-2016-08 - the API
# default -, -TLS-1-1-2017-01, -TLS13-1-0-*, -TLS13-1-1-*, -FS-2018-06, -FS-1-1-2019-08, ...).
TLS12_PLUS_SSL_POLICIES = frozenset({
    # TLS 1.3 + 1.2, hybrid post-quantum key exchange (2025-09)
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
    # TLS 1.3 + 1.2 (2021-06) and their FIPS variants (2023-04)
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
    # TLS 1.2 only
    "ELBSecurityPolicy-FS-1-2-Res-2020-10",
    "ELBSecurityPolicy-FS-1-2-Res-2019-08",
    "ELBSecurityPolicy-FS-1-2-2019-08",
    "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
    "ELBSecurityPolicy-TLS-1-2-2017-01",
})

# AWS's recommendation for HTTP desync mitigation ("AWS ELB best practices", vulnerability
# management): strictest, so targets only ever see RFC 7230-compliant requests. The provider
# documents the values monitor | defensive (AWS default) | strictest.
DESYNC_MITIGATION_MODE = "strictest"

# Readiness semantics of the target group: the same codes a Kubernetes httpGet readiness probe
# accepts (200..399), so the ALB and the kubelet agree on which pods are ready.
HEALTH_CHECK_MATCHER = "200-399"

# Seconds a deregistering pod keeps its in-flight requests before it is cut off: long enough
# for an inference call to finish, short enough to roll a deployment quickly (AWS default 300).
DEREGISTRATION_DELAY_S = 30

# HSTS on every HTTPS response: browsers never downgrade to plain HTTP for a year.
HSTS_HEADER = "max-age=31536000"

# Least outstanding requests: a new request goes to the pod with the fewest in flight, which
# suits inference calls of very different durations better than round robin.
LOAD_BALANCING_ALGORITHM = "least_outstanding_requests"

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# A web ACL an ALB can use is REGIONAL scope: arn:<partition>:wafv2:<region>:<account>:regional/webacl/<name>/<id>.
_REGIONAL_WEB_ACL_ARN = re.compile(r"^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:regional/webacl/[A-Za-z0-9_-]+/[A-Za-z0-9-]+$")
# Target-group health checks (ALB CreateTargetGroup limits, as the Args descriptions state them).
HealthCheckPath = HttpPath(1024, "ALB")
HealthCheckIntervalS = IntBetween(5, 300, scope="the ALB range ", note=" seconds")
HealthCheckTimeoutS = IntBetween(2, 120, scope="the ALB range ", note=" seconds")
HealthCheckThreshold = IntBetween(2, 10, scope="the ALB range ", note=" consecutive checks")
RegionalWebAclArn = InputMatching(
    _REGIONAL_WEB_ACL_ARN,
    "is not a regional WAF web ACL ARN; pass WebAcl(...).arn, e.g. "
    "'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/name/id' (CLOUDFRONT-scoped ACLs cannot protect an ALB)",
    optional=True,
)
_LOG_PREFIX = re.compile(r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")


# ELBv2 load balancer and target group names: at most 32 letters, digits or '-', not starting or
# ending with '-' (terraform-provider-aws internal/service/elbv2 validName; API_CreateLoadBalancer /
# API_CreateTargetGroup). Pulumi's autoname "<logical name>-<7 random>" outgrows 32 with a long
# workload name ("recommendations-us-east-1-lb-alb-xxxxxxx" is 40), so the names are explicit.
ELBV2_NAME_MAX = 32
# A load balancer name must not begin with "internal-" (the DNS prefix of internal load balancers;
# terraform-provider-aws internal/service/elbv2/validate.go validName, API_CreateLoadBalancer
# Name), yet a workload may be named "internal-...": such names are prefixed with this.
ELBV2_INTERNAL_PREFIX_FIX = "lb"


def elbv2_name(component: str, role: str, *replacing: object) -> str:
    """The load balancer's (role "alb") or target group's ("tg") name: a readable prefix of
    ``<component>-<role>`` and a hash that also covers the Pulumi project and stack, so the same
    component in two stacks of one account and region gets two names (as autonaming did), and
    ``replacing``: inputs whose change replaces the resource (a target group's port and VPC), so the
    replacement gets a new name and Pulumi can still create it before deleting the old one. A
    component named ``internal-...`` gets the prefix ``lb-`` (ELBv2 refuses load balancer names
    beginning with "internal-"; the target group follows for a recognisable pair)."""
    salt = "/".join([pulumi.get_project(), pulumi.get_stack(), *(str(r) for r in replacing)])
    parts = (ELBV2_INTERNAL_PREFIX_FIX, component) if component.lower().startswith("internal-") else (component,)
    return fit_name(*parts, role, max_length=ELBV2_NAME_MAX, pattern=r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?", salt=salt)


def check_domain_name(field: str, value: str) -> str:
    """A lower-case DNS name of at least two labels (no trailing dot, no wildcard)."""
    labels = value.split(".")
    if (
        value != value.lower()
        or len(value) > 253
        or len(labels) < 2
        or not all(_LABEL.match(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise ValueError(
            f"{field}: {value!r} is not a fully qualified domain name; use lower-case labels of letters, digits and "
            "inner hyphens joined by dots, without a trailing dot, e.g. 'fraud-scoring.ml.example.com'"
        )
    return value


class LoadBalancerArgs(BaseModel):
    """Settings of one workload's internet-facing Application Load Balancer in one region."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    vpc_id: Any = Field(description="pulumi.Input[str]: the VPC of the public subnets and the targets.")
    vpc_cidr_block: str = Field(description="IPv4 CIDR of the VPC: the only destination the load balancer may reach (service port).")
    public_subnet_ids: list[Any] = Field(
        description="pulumi.Input[str] IDs of the public subnets, one per zone, at least 2: the load balancer spans every zone.",
    )
    domain_name: str = Field(description="The workload's global DNS name, e.g. 'fraud-scoring.ml.example.com' (certificate subject).")
    regional_domain_name: Optional[str] = Field(
        default=None,
        description="Optional regional name, e.g. 'fraud-scoring.us-east-1.ml.example.com': added to the certificate "
        "and given its own alias record to this load balancer. Default None: no regional name.",
    )
    hosted_zone_id: Any = Field(description="pulumi.Input[str]: public Route 53 zone for the validation and alias records.")
    service_port: TcpPort = Field(description="Port the workload's pods listen on (1..65535); targets and health checks use it.")
    readiness_path: HealthCheckPath = Field(description="HTTP path of the pods' readiness endpoint, e.g. '/ready' (must start with '/').")
    health_check_interval_s: HealthCheckIntervalS = Field(description="Seconds between target health checks (ALB: 5..300); tiers pick it.")
    health_check_timeout_s: HealthCheckTimeoutS = Field(description="Seconds before a health check times out (ALB: 2..120, below the interval).")
    healthy_threshold: HealthCheckThreshold = Field(description="Consecutive successes before a target is healthy (ALB: 2..10).")
    unhealthy_threshold: HealthCheckThreshold = Field(description="Consecutive failures before a target is unhealthy (ALB: 2..10).")
    # Secure default: the API refuses to delete the load balancer until this is turned off.
    deletion_protection: bool = Field(
        default=True,
        description="Default True: the load balancer cannot be deleted until this is turned off. The composer turns "
        "it off for non-production environments only.",
    )
    access_logs_bucket: Any = Field(description="pulumi.Input[str]: name of the region's access-log bucket (AccessLogBucket.bucket).")
    access_logs_prefix: str = Field(
        description="Key prefix of this load balancer's logs in the bucket, e.g. the workload name; no leading or "
        "trailing '/', must not contain 'AWSLogs' (ELB appends AWSLogs/<account>/...).",
    )
    ssl_policy: str = Field(
        default=DEFAULT_SSL_POLICY,
        description=f"HTTPS listener security policy; one of the TLS 1.2+ ALB policies (TLS12_PLUS_SSL_POLICIES). Default "
        f"{DEFAULT_SSL_POLICY!r}: TLS 1.3 + 1.2, forward-secret AEAD ciphers, hybrid post-quantum key exchange.",
    )
    idle_timeout_s: int = Field(
        default=60, description="Seconds an idle connection is kept open (ALB: 1..4000). Default 60 (the ALB default)."
    )
    # Default ipv4: blueprint's networks are IPv4-only; dualstack needs IPv6 CIDRs on the subnets.
    ip_address_type: Literal["ipv4", "dualstack"] = Field(
        default="ipv4",
        description="'ipv4' (default; the Network component's subnets are IPv4-only) or 'dualstack' (subnets need IPv6 "
        "CIDRs; adds IPv6 ingress rules and an AAAA record for the regional name).",
    )
    # ACM asks every certificate of one account for the same validation CNAME for a name, in every
    # region (ACM User Guide, "DNS validation": the record is "created specifically for your domain
    # and your account", and "the CNAME validation token works for any AWS Region"), and deleting
    # it stops renewal. Load balancers of one name in two regions must not each own that record.
    domain_validation_record_fqdn: Any = Field(
        default=None,
        description="pulumi.Input[str]: FQDN of a Route 53 record that validates domain_name and that the caller "
        "owns once for all regions (e.g. DnsFailover(...).validation_record_fqdn, made from this load balancer's "
        "domain_validation_option). Default None: the load balancer creates and owns that record itself "
        "(child n-cert-validation-record), right for a name served from one region only.",
    )
    # A degraded-serving load balancer of the same name in the same region serves the workload's certificate
    # (blueprint/components/aws/dns_failover.py): one certificate per name and region, one renewal to watch.
    certificate_arn: Any = Field(
        default=None,
        description="pulumi.Input[str]: a validated ACM certificate for domain_name in this region to serve instead of "
        "one of the load balancer's own, e.g. another LoadBalancer(...).certificate_arn. Default None: the load balancer "
        "requests and DNS-validates its own (children n-cert, n-cert-validation and the validation records).",
    )
    web_acl_arn: RegionalWebAclArn = Field(
        default=None,
        description="pulumi.Input[str]: ARN of a regional AWS WAF web ACL (e.g. WebAcl(...).arn) the load balancer is "
        "associated with (child n-waf). Default None: no WAF; the composer always passes the region's WebAcl.",
    )
    tags: Tags = Field(default_factory=dict, description="Tags merged onto every taggable child.")

    @field_validator("vpc_cidr_block")
    @classmethod
    def _cidr(cls, v: str) -> str:
        try:
            net = ipaddress.ip_network(v, strict=True)
        except ValueError as exc:
            raise ValueError(f"vpc_cidr_block: {v!r} is not a network in CIDR form ({exc}); pass the VPC's CIDR, e.g. '10.0.0.0/16'") from None
        if net.version != 4:
            raise ValueError(f"vpc_cidr_block: {v!r} is IPv6; pass the VPC's IPv4 CIDR, e.g. '10.0.0.0/16'")
        return v

    @field_validator("public_subnet_ids")
    @classmethod
    def _subnets(cls, v: list[Any]) -> list[Any]:
        if len(v) < 2:
            raise ValueError(
                f"public_subnet_ids: got {len(v)} subnet(s); an Application Load Balancer needs public subnets in at least "
                "2 zones - pass one public subnet per zone"
            )
        literal = [s for s in v if isinstance(s, str)]
        duplicates = sorted({s for s in literal if literal.count(s) > 1})
        if duplicates:
            raise ValueError(f"public_subnet_ids: {duplicates} listed more than once; pass each zone's public subnet once")
        return v

    @field_validator("domain_name")
    @classmethod
    def _domain(cls, v: str) -> str:
        return check_domain_name("domain_name", v)

    @field_validator("regional_domain_name")
    @classmethod
    def _regional_domain(cls, v: Optional[str]) -> Optional[str]:
        return None if v is None else check_domain_name("regional_domain_name", v)

    @field_validator("access_logs_prefix")
    @classmethod
    def _prefix(cls, v: str) -> str:
        if not _LOG_PREFIX.match(v) or len(v) > 200:
            raise ValueError(
                f"access_logs_prefix: {v!r} is not a usable key prefix; use 1..200 letters, digits, '.', '_', '-' in "
                "'/'-separated parts without a leading or trailing '/', e.g. the workload name"
            )
        if "awslogs" in v.lower():
            raise ValueError(f"access_logs_prefix: {v!r} contains 'AWSLogs', which ELB adds itself; drop it from the prefix")
        return v

    @field_validator("ssl_policy")
    @classmethod
    def _ssl_policy(cls, v: str) -> str:
        if v not in TLS12_PLUS_SSL_POLICIES:
            raise ValueError(
                f"ssl_policy: {v!r} is not one of the predefined ALB policies with TLS 1.2 or newer as minimum; "
                f"use {DEFAULT_SSL_POLICY!r} (default) or another of {sorted(TLS12_PLUS_SSL_POLICIES)}"
            )
        return v

    @field_validator("idle_timeout_s")
    @classmethod
    def _idle(cls, v: int) -> int:
        if not 1 <= v <= 4000:
            raise ValueError(f"idle_timeout_s: {v} is outside the ALB range 1..4000 seconds (default 60)")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> LoadBalancerArgs:
        if self.health_check_timeout_s >= self.health_check_interval_s:
            raise ValueError(
                f"health_check_timeout_s: {self.health_check_timeout_s} must be shorter than health_check_interval_s "
                f"({self.health_check_interval_s}); lower the timeout or raise the interval"
            )
        if self.regional_domain_name is not None and self.certificate_arn is not None:
            raise ValueError(
                f"regional_domain_name: {self.regional_domain_name!r} with a given certificate_arn; a regional name needs "
                "the load balancer's own certificate (it adds the name to it): leave one of them unset"
            )
        if self.regional_domain_name is not None and self.regional_domain_name == self.domain_name:
            raise ValueError(
                f"regional_domain_name: {self.regional_domain_name!r} equals domain_name; pass a region-specific name "
                "such as 'fraud-scoring.us-east-1.ml.example.com' or leave it unset"
            )
        return self

    @property
    def domains(self) -> list[str]:
        """The certificate's names: domain_name first, then the regional name if any."""
        return [self.domain_name] + ([self.regional_domain_name] if self.regional_domain_name else [])


class LoadBalancer(pulumi.ComponentResource):
    """An internet-facing ALB: HTTPS with a validated ACM certificate and a TLS 1.2+ policy, HTTP
    redirected, invalid headers dropped, strictest desync mitigation, access logs, deletion
    protection, an IP target group health-checked on the pods' readiness path."""

    arn: pulumi.Output[str]
    arn_suffix: pulumi.Output[str]
    dns_name: pulumi.Output[str]
    zone_id: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    target_group_arn: pulumi.Output[str]
    target_group_arn_suffix: pulumi.Output[str]
    https_listener_arn: pulumi.Output[str]
    certificate_arn: pulumi.Output[str]
    # The certificate's DNS validation option for domain_name (record name, type, value): what a
    # caller that owns the shared validation record builds it from. None with a given certificate_arn.
    domain_validation_option: Optional[pulumi.Output[Any]]

    def __init__(self, name: str, args: LoadBalancerArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:aws:LoadBalancer", name, None, opts)
        sg = self._security_group(name, args)
        alb = self._alb(name, args, sg)
        self.domain_validation_option = None  # with a given certificate: none of our own
        certificate_arn = args.certificate_arn
        if certificate_arn is None:
            cert, options = self._certificate(name, args)
            certificate_arn = self._certificate_validation(name, args, cert, options).certificate_arn
            self.domain_validation_option = options[args.domain_name]
        tg = self._target_group(name, args)
        https = self._listeners(name, args, alb, certificate_arn, tg)
        # AWS WAF in front of the internet-facing load balancer.
        if args.web_acl_arn is not None:
            aws.wafv2.WebAclAssociation(f"{name}-waf", resource_arn=alb.arn, web_acl_arn=args.web_acl_arn,
                                        opts=pulumi.ResourceOptions(parent=self))
        if args.regional_domain_name:
            self._regional_records(name, args, alb)

        self.arn = alb.arn
        self.arn_suffix = alb.arn_suffix
        self.dns_name = alb.dns_name
        self.zone_id = alb.zone_id
        self.security_group_id = sg.id
        self.target_group_arn = tg.arn
        self.target_group_arn_suffix = tg.arn_suffix
        self.https_listener_arn = https.arn
        self.certificate_arn = certificate_arn
        self.register_outputs(
            {
                "arn": self.arn,
                "arn_suffix": self.arn_suffix,
                "dns_name": self.dns_name,
                "zone_id": self.zone_id,
                "security_group_id": self.security_group_id,
                "target_group_arn": self.target_group_arn,
                "target_group_arn_suffix": self.target_group_arn_suffix,
                "https_listener_arn": self.https_listener_arn,
                "certificate_arn": self.certificate_arn,
            }
        )

    def _security_group(self, name: str, args: LoadBalancerArgs) -> aws.ec2.SecurityGroup:
        """443 and 80 from anywhere, out only to the pods."""
        child = pulumi.ResourceOptions(parent=self)
        sg = aws.ec2.SecurityGroup(
            f"{name}-sg",
            vpc_id=args.vpc_id,
            description=f"{name}: HTTPS (and HTTP for the redirect) from the internet; out to the service port in the VPC only",
            tags=merge_tags(args.tags, f"{name}-sg"),
            opts=child,
        )
        ingress = [("https", 443, "HTTPS from the internet"), ("http", 80, "HTTP from the internet, only to redirect to HTTPS")]
        families = [("ipv4", "0.0.0.0/0")] + ([("ipv6", "::/0")] if args.ip_address_type == "dualstack" else [])
        for role, port, description in ingress:
            for family, cidr in families:
                n = f"{name}-{role}-in-{family}"
                aws.vpc.SecurityGroupIngressRule(
                    n,
                    security_group_id=sg.id,
                    ip_protocol="tcp",
                    from_port=port,
                    to_port=port,
                    **({"cidr_ipv4": cidr} if family == "ipv4" else {"cidr_ipv6": cidr}),
                    description=description,
                    tags=merge_tags(args.tags, n),
                    opts=child,
                )
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-service-out",
            security_group_id=sg.id,
            ip_protocol="tcp",
            from_port=args.service_port,
            to_port=args.service_port,
            cidr_ipv4=args.vpc_cidr_block,
            description="To the workload's pods (traffic and health checks) inside the VPC only",
            tags=merge_tags(args.tags, f"{name}-service-out"),
            opts=child,
        )
        return sg

    def _alb(self, name: str, args: LoadBalancerArgs, sg: aws.ec2.SecurityGroup) -> aws.lb.LoadBalancer:
        return aws.lb.LoadBalancer(
            f"{name}-alb",
            name=elbv2_name(name, "alb"),
            load_balancer_type="application",
            internal=False,
            subnets=args.public_subnet_ids,
            security_groups=[sg.id],
            ip_address_type=args.ip_address_type,
            drop_invalid_header_fields=True,
            desync_mitigation_mode=DESYNC_MITIGATION_MODE,
            enable_http2=True,
            enable_deletion_protection=args.deletion_protection,
            # ARC zonal shift integration: lets an operator (or zonal autoshift, where configured:
            # blueprint/components/aws/zonal_autoshift.py) move traffic away from an impaired zone. Off by
            # default on ALBs (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-zonal-shift.html).
            enable_zonal_shift=True,
            idle_timeout=args.idle_timeout_s,
            access_logs=aws.lb.LoadBalancerAccessLogsArgs(
                bucket=args.access_logs_bucket, prefix=args.access_logs_prefix, enabled=True
            ),
            tags=merge_tags(args.tags, f"{name}-alb"),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _certificate(self, name: str, args: LoadBalancerArgs) -> tuple[aws.acm.Certificate, dict[str, pulumi.Output[Any]]]:
        """The ACM certificate and its DNS validation option per name."""
        cert = aws.acm.Certificate(
            f"{name}-cert",
            domain_name=args.domain_name,
            subject_alternative_names=[args.regional_domain_name] if args.regional_domain_name else None,
            validation_method="DNS",
            tags=merge_tags(args.tags, f"{name}-cert"),
            opts=pulumi.ResourceOptions(parent=self),
        )
        options = {
            domain: cert.domain_validation_options.apply(lambda opts, d=domain: _validation_option(opts, d))
            for domain in args.domains
        }
        return cert, options

    def _certificate_validation(self, name: str, args: LoadBalancerArgs, cert: aws.acm.Certificate,
                                options: dict[str, pulumi.Output[Any]]) -> aws.acm.CertificateValidation:
        """DNS validation in the public zone."""
        child = pulumi.ResourceOptions(parent=self)
        # domain_name: the caller's shared record if given, else our own; the regional name is
        # this region's alone. No allow_overwrite: a record someone else owns fails loudly
        # instead of being shared by two owners, where destroying one breaks the other's renewal.
        validation_fqdns = [
            args.domain_validation_record_fqdn
            if args.domain_validation_record_fqdn is not None
            else validation_record(f"{name}-cert-validation-record", args.hosted_zone_id, options[args.domain_name], child).fqdn
        ]
        if args.regional_domain_name:
            validation_fqdns.append(
                validation_record(
                    f"{name}-regional-cert-validation-record", args.hosted_zone_id, options[args.regional_domain_name], child
                ).fqdn
            )
        return aws.acm.CertificateValidation(
            f"{name}-cert-validation",
            certificate_arn=cert.arn,
            # The provider wants every option's record name among these (terraform-provider-aws
            # internal/service/acm/certificate_validation.go: "missing %s DNS validation record");
            # the shared record has this certificate's name for domain_name. It also orders the
            # validation after the records, the caller-owned one included.
            validation_record_fqdns=validation_fqdns,
            opts=child,
        )

    def _target_group(self, name: str, args: LoadBalancerArgs) -> aws.lb.TargetGroup:
        """The workload's pods by IP, health-checked on their readiness path."""
        return aws.lb.TargetGroup(
            f"{name}-tg",
            # The VPC is hashed in: a new VPC replaces the group, and under the old name the create
            # would fail (DuplicateTargetGroupName) or CreateTargetGroup would return the old group
            # (it is idempotent for identical settings), which the old one's delete then removes.
            name=pulumi.Output.from_input(args.vpc_id).apply(
                lambda vpc: elbv2_name(name, "tg", "ip", "HTTP", args.service_port, vpc)),
            target_type="ip",
            protocol="HTTP",
            port=args.service_port,
            vpc_id=args.vpc_id,
            deregistration_delay=DEREGISTRATION_DELAY_S,
            load_balancing_cross_zone_enabled="true",  # a zone with fewer pods still gets its share
            load_balancing_algorithm_type=LOAD_BALANCING_ALGORITHM,
            health_check=aws.lb.TargetGroupHealthCheckArgs(
                enabled=True,
                protocol="HTTP",
                port="traffic-port",
                path=args.readiness_path,
                matcher=HEALTH_CHECK_MATCHER,
                interval=args.health_check_interval_s,
                timeout=args.health_check_timeout_s,
                healthy_threshold=args.healthy_threshold,
                unhealthy_threshold=args.unhealthy_threshold,
            ),
            tags=merge_tags(args.tags, f"{name}-tg"),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _listeners(self, name: str, args: LoadBalancerArgs, alb: aws.lb.LoadBalancer,
                   certificate_arn: Any, tg: aws.lb.TargetGroup) -> aws.lb.Listener:
        """HTTPS forwards to the targets, HTTP only redirects; returns the HTTPS listener."""
        https = aws.lb.Listener(
            f"{name}-https",
            load_balancer_arn=alb.arn,
            port=443,
            protocol="HTTPS",
            ssl_policy=args.ssl_policy,
            certificate_arn=certificate_arn,  # the validated certificate only (CertificateValidation's, or the caller's)
            routing_http_response_strict_transport_security_header_value=HSTS_HEADER,
            default_actions=[aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=tg.arn)],
            tags=merge_tags(args.tags, f"{name}-https"),
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.lb.Listener(
            f"{name}-http",
            load_balancer_arn=alb.arn,
            port=80,
            protocol="HTTP",
            default_actions=[
                aws.lb.ListenerDefaultActionArgs(
                    type="redirect",
                    redirect=aws.lb.ListenerDefaultActionRedirectArgs(protocol="HTTPS", port="443", status_code="HTTP_301"),
                )
            ],
            tags=merge_tags(args.tags, f"{name}-http"),
            opts=pulumi.ResourceOptions(parent=self),
        )
        return https

    def _regional_records(self, name: str, args: LoadBalancerArgs, alb: aws.lb.LoadBalancer) -> None:
        """Regional name -> this load balancer (alias records: no TTL, Route 53 follows the ALB)."""
        for record_type in ["A"] + (["AAAA"] if args.ip_address_type == "dualstack" else []):
            aws.route53.Record(
                f"{name}-regional-{record_type.lower()}",
                zone_id=args.hosted_zone_id,
                name=args.regional_domain_name,
                type=record_type,
                aliases=[aws.route53.RecordAliasArgs(name=alb.dns_name, zone_id=alb.zone_id, evaluate_target_health=True)],
                opts=pulumi.ResourceOptions(parent=self),
            )


def validation_record(name: str, zone_id: Any, option: Any, opts: pulumi.ResourceOptions) -> aws.route53.Record:
    """The Route 53 CNAME of one ACM DNS validation option: an Output of
    aws.acm.outputs.CertificateDomainValidationOption, or a plain dict with the same keys (snake_case
    or the API's camelCase). Also used by DnsFailover for the shared record."""
    option = pulumi.Output.from_input(option) if not isinstance(option, pulumi.Output) else option

    def field(key: str, camel: str) -> pulumi.Output[str]:
        # Output types are dict subclasses read through their properties; plain dicts by key.
        return option.apply(lambda o: (o[key] if key in o else o[camel]) if type(o) is dict else getattr(o, key))

    return aws.route53.Record(
        name,
        zone_id=zone_id,
        name=field("resource_record_name", "resourceRecordName"),
        type=field("resource_record_type", "resourceRecordType"),
        records=[field("resource_record_value", "resourceRecordValue")],
        ttl=60,
        opts=opts,
    )


def _validation_option(options: Any, domain: str) -> Any:
    """The certificate's DNS validation option for ``domain`` (ACM returns one per name)."""
    for option in options or []:
        if option.domain_name == domain:
            return option
    raise ValueError(f"ACM returned no DNS validation option for {domain!r}; the certificate's names are {[o.domain_name for o in options or []]}")
