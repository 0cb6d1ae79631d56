"""GlobalLoadBalancer: one workload's global external Application Load Balancer on GCP.

One anycast IP for every region: HTTPS only (HTTP answers with a 301 to HTTPS), a Google-managed
certificate, an SSL policy with TLS 1.2 as the minimum, health checks on the readiness path, and a
backend service whose backends are zonal NEGs in each region the workload runs in, with a service
load balancing policy attached.

Failover without DNS changes or an operator: every backend has a ``preference`` (Compute API,
``backends[].preference``). The primary region's NEGs (and an active-active second region's) are
PREFERRED: the load balancer fills them first, closest by RTT. A warm standby region's NEGs stay
attached at ``capacity_scaler`` 1.0 but DEFAULT: they get requests only when the preferred backends
lack capacity, which includes the preferred backends failing their health checks. So when the
primary region fails, the load balancer moves its traffic to the warm standby by itself, as soon as
the health checks mark the primary's endpoints unhealthy (``unhealthy_threshold`` x
``health_check_interval_s``), and moves it back once they pass again; the warm region also absorbs overflow above the
primary's RATE capacity. The service load balancing policy (WATERFALL_BY_REGION, auto capacity
drain, failover health threshold) sets how a partly sick region sheds traffic before that.

A region's fallback NEGs (``NegBackend.fallback_neg_ids``: the degraded mode's pods, issue 18) are
DEFAULT at capacity 1.0 in every role (``FALLBACK_PREFERENCE``): they answer only what the PREFERRED
GPU backends cannot, such as a lost zone's share, GPU pools at their maximum, or a failed primary until
the standby's GPU capacity is up. In a warm or pilot standby its GPU NEGs are DEFAULT too: one layer and
region, filled in proportion to capacity (``max_rate_per_endpoint`` per GPU pod,
``fallback_max_rate_per_endpoint`` per fallback pod), until the failover workflow's traffic step makes the
GPU NEGs PREFERRED (blueprint/components/gcp/_failover_source.py).

A pilot-light region's NEGs stay attached at ``capacity_scaler`` 0 (drained: it runs no GPU nodes,
so there is nothing to send requests to) and DEFAULT. Promoting it is a one-field change per NEG, in
the stack (set its ``NegBackend.role`` to ``warm`` or ``serving``, or ``capacity_scaler`` to 1) or,
in an emergency, with::

    gcloud compute backend-services update-backend <backend_service_name> --global \\
        --network-endpoint-group=<neg_name> --network-endpoint-group-zone=<zone> --capacity-scaler=1

(once per zone; then make the stack agree).

Children (component named ``n``):
    ``n-ip``             compute.GlobalAddress (EXTERNAL, IPv4)
    ``n-cert``           compute.ManagedSslCertificate (domain_name + extra_domain_names)
    ``n-ssl-policy``     compute.SSLPolicy (profile, min TLS 1.2)
    ``n-hc``             compute.HealthCheck (HTTP, serving port of each endpoint, readiness path, logged)
    ``n-lb-policy``      networkservices.ServiceLbPolicies (global: WATERFALL_BY_REGION, auto capacity drain,
                         failover health threshold)
    ``n-backend``        compute.BackendService (EXTERNAL_MANAGED, HTTP, NEG backends with capacity and
                         preference per region role, RATE balancing, ``n-lb-policy`` attached)
    ``n-url-map``        compute.URLMap -> ``n-backend``
    ``n-https-proxy``    compute.TargetHttpsProxy (certificate + SSL policy)
    ``n-https``          compute.GlobalForwardingRule 443 (EXTERNAL_MANAGED)
    ``n-redirect-map``   compute.URLMap (HTTPS redirect, 301)
    ``n-http-proxy``     compute.TargetHttpProxy -> ``n-redirect-map``
    ``n-http``           compute.GlobalForwardingRule 80 (EXTERNAL_MANAGED)
    ``n-record``         dns.RecordSet A ``domain_name`` -> the IP, in the managed zone looked up by name
    ``n-allow-health-checks``  compute.Firewall (only with ``health_check_network``)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal, Optional

import pulumi
import pulumi_gcp as gcp
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from blueprint.components._validation import HttpPath, IntBetween, TcpPort

from ._labels import check_labels as _check_labels
from ._types import LabelsAsGiven, Region

# Source ranges of Google Front Ends and health checkers for global external Application Load
# Balancers ("Firewall rules" in the Cloud Load Balancing health check docs).
HEALTH_CHECK_SOURCE_RANGES = ("35.191.0.0/16", "130.211.0.0/22")

# Readiness semantics: a 200 from the readiness path, like a Kubernetes httpGet probe.
# Seconds a removed endpoint keeps its in-flight requests (same as the AWS target groups).
CONNECTION_DRAINING_S = 30

# Outlier detection: eject an endpoint after 5 consecutive 5xx, evaluated every 10 s, for 30 s
# (Envoy's defaults, which the load balancer uses), but never more than half of the endpoints.
OUTLIER_CONSECUTIVE_ERRORS = 5
OUTLIER_INTERVAL_S = 10
OUTLIER_BASE_EJECTION_S = 30
OUTLIER_MAX_EJECTION_PERCENT = 50

# Backend preference per region role (Compute API backends[].preference). PREFERRED backends are
# filled up to their capacity first, closest by RTT; DEFAULT ones get requests only when the
# preferred backends lack capacity, unhealthy ones included. Primary and active-active regions are
# both PREFERRED (each client goes to the closest); a warm standby is DEFAULT, so it takes traffic
# on its own when the primary fails its health checks (and absorbs overflow) but not before.
ROLE_PREFERENCE = {"primary": "PREFERRED", "serving": "PREFERRED", "warm": "DEFAULT", "pilot": "DEFAULT"}
# capacity_scaler per region role: every region with pods at 1.0. A pilot light runs no GPU nodes
# (no pods, nothing to serve with), so it stays drained at 0.0 until an operator promotes it.
ROLE_CAPACITY = {"primary": 1.0, "serving": 1.0, "warm": 1.0, "pilot": 0.0}
PREFERENCES = ("PREFERRED", "DEFAULT")
# Fallback NEGs (the degraded mode, issue 18): DEFAULT, so the load balancer fills the PREFERRED GPU
# backends first and sends the fallback only what they cannot take: "DEFAULT: If preferred backends
# don't have enough capacity, backends in this layer would be used" (Compute API backends[].preference,
# https://cloud.google.com/python/docs/reference/compute/latest/google.cloud.compute_v1.types.Backend.Preference);
# "preferred backends ... must be used to capacity before requests are sent to the remaining backends"
# (https://cloud.google.com/load-balancing/docs/service-lb-policy, which lists the global external
# Application Load Balancer among the load balancers that support preferred backends). A DEFAULT backend
# may share a region with PREFERRED ones here: "PREFERRED and DEFAULT backends cannot reside in the same
# Cloud region" applies to global external passthrough Network Load Balancers only (same API page).
# Unhealthy GPU endpoints are no capacity, so a zone's or region's lost GPU pods send their share to the
# fallback; capacity 1.0 in every role, a pilot light's included: its fallback pods run (on system nodes)
# and answer at once while an operator or the failover workflow promotes its drained GPU backends.
FALLBACK_PREFERENCE, FALLBACK_CAPACITY = "DEFAULT", 1.0

# Service load balancing policy (networkservices.ServiceLbPolicy, global).
# WATERFALL_BY_REGION, the API's default, set explicitly: fill the region closest to the client
# first (up to its capacity), then the next closest; with the backends' preferences this keeps a
# warm standby idle while the primary has healthy capacity.
LB_ALGORITHM = "WATERFALL_BY_REGION"
# Failover health threshold, percent (1..99): a NEG with fewer healthy endpoints than this share
# starts sending its traffic to failover backends. 70 is the API's default for this load balancer
# (50 is only the classic one's), pinned here so the plan shows it and a provider default change
# cannot move it. A lower value (50) would keep a zone that lost 1 of its 2 or 3 pods (GPU
# inference runs few pods per zone) at its full share on the pods left; a higher one would fail
# over on a single pod restart in zones of 4. Below 25 % healthy, auto capacity drain (below)
# empties the NEG altogether.
FAILOVER_HEALTH_THRESHOLD = 70

_DNS_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_RESOURCE_NAME = re.compile(r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$")
HealthCheckSeconds = IntBetween(1, 300, scope="the health check's ", note=" seconds")
HealthThreshold = IntBetween(1, 10)
BackendTimeoutSeconds = IntBetween(1, 86400)
# The Compute API documents no length limit for a health check's requestPath (only "Must comply with
# RFC3986", compute v1 HTTPHealthCheck.requestPath); 1024 is blueprint's own cap, kept from before.
ReadinessPath = HttpPath(1024, "blueprint's cap; the Compute API sets none")


def check_labels(field: str, labels: Mapping[str, str]) -> dict[str, str]:
    """GCP labels of components that pass their labels through unchanged (no blueprint-name added);
    Args models use the LabelsAsGiven type (blueprint.components.gcp._types) instead."""
    return _check_labels(field, labels, adds_name=False)


def check_fqdn(field: str, value: str) -> str:
    labels = value.split(".")
    if value != value.lower() or len(value) > 253 or len(labels) < 2 or not all(_DNS_LABEL.match(x) for x in labels):
        raise ValueError(
            f"{field}: {value!r} is not a fully qualified domain name; use lower-case labels joined by dots, "
            "without a trailing dot or wildcard, e.g. 'fraud-scoring.ml.example.com'"
        )
    return value


class NegBackend(BaseModel):
    """The NEGs of one region behind the backend service, and how much traffic they take."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    region: Region = Field(description="Region of the NEGs, e.g. 'europe-west4'.")
    role: Literal["primary", "serving", "warm", "pilot"] = Field(
        description="Region role; sets the defaults of capacity_scaler and preference. primary and serving "
        "(active-active): capacity 1.0, PREFERRED (filled first, closest region by RTT). warm: capacity 1.0, "
        "DEFAULT (takes traffic automatically when the preferred backends are unhealthy or full). pilot: "
        "capacity 0.0 (drained: no GPU nodes; promoted by an operator), DEFAULT.",
    )
    neg_ids: list[Any] = Field(description="pulumi.Input[str] self links of the region's zonal NEGs (ZonalNegs.neg_ids), at least 1.")
    capacity_scaler: Optional[float] = Field(
        default=None,
        description="Override of the role's capacity: 0.0 (drained) or 0.1..1.0. Default None: 1.0 for "
        "primary/serving/warm, 0.0 for pilot.",
    )
    preference: Optional[str] = Field(
        default=None,
        description="Override of the role's backend preference: 'PREFERRED' or 'DEFAULT'. Default None: PREFERRED "
        "for primary/serving, DEFAULT for warm/pilot.",
    )
    fallback_neg_ids: list[Any] = Field(
        default_factory=list,
        description="pulumi.Input[str] self links of the region's fallback NEGs (the degraded mode's pods, FallbackService): "
        "always preference DEFAULT at capacity 1.0, so they take requests only when the PREFERRED backends lack healthy "
        "capacity, whatever the region's role. Default []: no fallback.",
    )

    @field_validator("neg_ids")
    @classmethod
    def _negs(cls, v: list[Any]) -> list[Any]:
        if not v:
            raise ValueError("neg_ids: empty; pass the region's zonal NEG self links (ZonalNegs(...).neg_ids)")
        return v

    @field_validator("capacity_scaler")
    @classmethod
    def _capacity(cls, v: Optional[float]) -> Optional[float]:
        # Backend services accept 0 (drained) or 0.1..1.0 (compute API, backends[].capacityScaler).
        if v is not None and not (v == 0.0 or 0.1 <= v <= 1.0):
            raise ValueError(f"capacity_scaler: {v} is not allowed; use 0.0 (drained) or a value in 0.1..1.0")
        return v

    @field_validator("preference")
    @classmethod
    def _preference(cls, v: Optional[str]) -> Optional[str]:
        # The compute API's values (backends[].preference); PREFERENCE_UNSPECIFIED means DEFAULT.
        if v is not None and v not in PREFERENCES:
            raise ValueError(f"preference: {v!r} is not allowed; use 'PREFERRED' or 'DEFAULT' (upper case), or None for the role's default")
        return v

    @property
    def effective_capacity_scaler(self) -> float:
        if self.capacity_scaler is not None:
            return self.capacity_scaler
        return ROLE_CAPACITY[self.role]

    @property
    def effective_preference(self) -> str:
        return self.preference or ROLE_PREFERENCE[self.role]


class GlobalLoadBalancerArgs(BaseModel):
    """Settings of one workload's global external Application Load Balancer."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    workload: str = Field(description="Workload name ([a-z][a-z0-9-]{1,30}); used in the default domain name.")
    dns_zone: str = Field(description="DNS name of the existing public Cloud DNS zone, e.g. 'ml.example.com'.")
    managed_zone_name: Optional[str] = Field(
        default=None,
        description="Cloud DNS managed-zone resource name. Default None: dns_zone with dots replaced by '-' "
        "('ml.example.com' -> 'ml-example-com').",
    )
    domain_name: Optional[str] = Field(
        default=None,
        description="Name clients use; gets the certificate and the A record. Default None: '<workload>.<dns_zone>'. Must be inside dns_zone.",
    )
    extra_domain_names: list[str] = Field(
        default_factory=list,
        description="Further names on the managed certificate (no records are created for them); at most 99. Default none.",
    )
    service_port: TcpPort = Field(description="Port the workload's pods serve on (1..65535); NEG endpoints and health checks use it.")
    readiness_path: ReadinessPath = Field(description="HTTP path of the pods' readiness endpoint, e.g. '/ready'.")
    health_check_interval_s: HealthCheckSeconds = Field(description="Seconds between health checks (1..300); tiers pick it (PROBES.lb_interval_s).")
    health_check_timeout_s: HealthCheckSeconds = Field(description="Seconds before a check times out (1..300, <= interval).")
    healthy_threshold: HealthThreshold = Field(description="Consecutive successes before an endpoint is healthy (1..10).")
    unhealthy_threshold: HealthThreshold = Field(description="Consecutive failures before an endpoint is unhealthy (1..10).")
    backends: list[NegBackend] = Field(
        description="NEGs per region; each region once; at least one PREFERRED with capacity > 0 (the primary)."
    )
    max_rate_per_endpoint: float = Field(
        default=100.0,
        description="RATE balancing target of the GPU NEGs, requests per second per pod (the composer passes "
        "service.requestsPerSecondPerPod when set); PREFERRED backends are full above it and the rest overflows to the "
        "DEFAULT ones. Default 100.",
    )
    fallback_max_rate_per_endpoint: float = Field(
        default=1.0,
        description="RATE balancing target of the fallback NEGs, requests per second per fallback pod (the composer passes "
        "service.fallback.requestsPerSecondPerPod, default 1). Default 1.0: a CPU pod counts as little capacity.",
    )
    ssl_policy_profile: Literal["MODERN", "RESTRICTED"] = Field(
        default="RESTRICTED",
        description="SSL policy profile with TLS 1.2 minimum. Default RESTRICTED (AEAD, forward-secret ciphers only, "
        "the AWS default's equivalent); MODERN also allows older CBC suites for TLS 1.2 clients.",
    )
    security_policy: Optional[Any] = Field(
        default=None, description="pulumi.Input[str]: Cloud Armor security policy self link. Default None: none attached."
    )
    backend_timeout_s: BackendTimeoutSeconds = Field(default=30, description="Seconds the load balancer waits for a response (1..86400). Default 30.")
    log_sample_rate: float = Field(default=1.0, description="Share of requests logged (0.0..1.0). Default 1.0: every request.")
    fallback_port: Optional[TcpPort] = Field(
        default=None,
        description="Port the fallback NEGs' pods serve on when it differs from service_port (issue 18): the "
        "health-check firewall opens it too. Default None: the fallback (if any) serves on service_port.",
    )
    health_check_network: Optional[Any] = Field(
        default=None,
        description="pulumi.Input[str]: network to open for the Google health checkers and front ends "
        f"({', '.join(HEALTH_CHECK_SOURCE_RANGES)}) on service_port. Default None: the network component does it.",
    )
    lb_policy_name: Optional[str] = Field(
        default=None,
        description="Name of the service load balancing policy (1..63 lower-case letters, digits, '-'; unique per "
        "project). Default None: '<workload>-lb-policy'; pass a name with the environment in it when several "
        "stacks share a project.",
    )
    labels: LabelsAsGiven = Field(default_factory=dict, description="GCP labels on every labelable child.")

    @field_validator("workload")
    @classmethod
    def _workload(cls, v: str) -> str:
        if not re.match(r"^[a-z][a-z0-9-]{1,30}$", v):
            raise ValueError(f"workload: {v!r} must match [a-z][a-z0-9-]{{1,30}}")
        return v

    @field_validator("dns_zone")
    @classmethod
    def _zone(cls, v: str) -> str:
        return check_fqdn("dns_zone", v)

    @field_validator("managed_zone_name")
    @classmethod
    def _managed_zone(cls, v: Optional[str]) -> Optional[str]:
        if v is not None and not re.match(r"^[a-z][-a-z0-9]{0,62}$", v):
            raise ValueError(f"managed_zone_name: {v!r} is not a Cloud DNS zone name; use 1..63 lower-case letters, digits and '-'")
        return v

    @field_validator("domain_name")
    @classmethod
    def _domain(cls, v: Optional[str]) -> Optional[str]:
        return None if v is None else check_fqdn("domain_name", v)

    @field_validator("extra_domain_names")
    @classmethod
    def _extra(cls, v: list[str]) -> list[str]:
        if len(v) > 99:
            raise ValueError(f"extra_domain_names: {len(v)} names; a managed certificate holds at most 100 domains")
        return [check_fqdn("extra_domain_names", d) for d in v]

    @field_validator("max_rate_per_endpoint", "fallback_max_rate_per_endpoint")
    @classmethod
    def _rate(cls, v: float, info) -> float:
        if v <= 0:
            raise ValueError(f"{info.field_name}: {v} must be positive (requests per second per endpoint)")
        return v

    @field_validator("log_sample_rate")
    @classmethod
    def _sample(cls, v: float) -> float:
        if not 0.0 <= v <= 1.0:
            raise ValueError(f"log_sample_rate: {v} is outside 0.0..1.0")
        return v

    @field_validator("lb_policy_name")
    @classmethod
    def _policy_name(cls, v: Optional[str]) -> Optional[str]:
        if v is not None and not _RESOURCE_NAME.match(v):
            raise ValueError(
                f"lb_policy_name: {v!r} is not a valid name; use 1..63 lower-case letters, digits and '-', "
                "starting with a letter and not ending with '-'"
            )
        return v

    @model_validator(mode="after")
    def _consistent(self) -> GlobalLoadBalancerArgs:
        if self.health_check_timeout_s > self.health_check_interval_s:
            raise ValueError(
                f"health_check_timeout_s: {self.health_check_timeout_s} is longer than health_check_interval_s "
                f"({self.health_check_interval_s}); GCP requires timeout <= interval"
            )
        if not self.backends:
            raise ValueError("backends: empty; pass at least the primary region's NegBackend")
        regions = [b.region for b in self.backends]
        if len(set(regions)) != len(regions):
            raise ValueError(f"backends: {regions} lists a region twice; put all of a region's NEGs in one NegBackend")
        # DEFAULT backends only get what the PREFERRED ones cannot take: without a PREFERRED backend
        # that has capacity, no region would be the one filled first.
        if not any(b.effective_preference == "PREFERRED" and b.effective_capacity_scaler > 0 for b in self.backends):
            got = ", ".join(
                f"{b.region} (role {b.role}, preference {b.effective_preference}, capacity_scaler {b.effective_capacity_scaler})"
                for b in self.backends
            )
            raise ValueError(
                f"backends: no backend is PREFERRED with capacity_scaler > 0 (got {got}); give the primary region role "
                "'primary' (or set its preference='PREFERRED' and a capacity_scaler of 0.1..1.0)"
            )
        if not self.fqdn.endswith(f".{self.dns_zone}"):
            raise ValueError(f"domain_name: {self.fqdn!r} is not inside dns_zone {self.dns_zone!r}; the A record must live in that zone")
        return self

    @property
    def fqdn(self) -> str:
        return self.domain_name or f"{self.workload}.{self.dns_zone}"

    @property
    def effective_managed_zone_name(self) -> str:
        return self.managed_zone_name or self.dns_zone.replace(".", "-")

    @property
    def effective_lb_policy_name(self) -> str:
        # workload is at most 31 characters, so the default stays within the 63 allowed.
        return self.lb_policy_name or f"{self.workload}-lb-policy"


def _backends(args: GlobalLoadBalancerArgs) -> list[gcp.compute.BackendServiceBackendArgs]:
    """Every region's GPU NEGs with their role's capacity and preference, then its fallback NEGs
    (FALLBACK_PREFERENCE at FALLBACK_CAPACITY)."""
    def backend(neg: Any, rate: float, capacity: float, preference: str, description: str) -> gcp.compute.BackendServiceBackendArgs:
        return gcp.compute.BackendServiceBackendArgs(group=neg, balancing_mode="RATE", max_rate_per_endpoint=rate,
                                                     capacity_scaler=capacity, preference=preference, description=description)
    # Each kind of pod at its own rate: a backend's capacity is healthy endpoints x maxRatePerEndpoint x capacityScaler.
    return [
        *(backend(neg, args.max_rate_per_endpoint, b.effective_capacity_scaler, b.effective_preference, f"{b.region} ({b.role})")
          for b in args.backends for neg in b.neg_ids),
        *(backend(neg, args.fallback_max_rate_per_endpoint, FALLBACK_CAPACITY, FALLBACK_PREFERENCE, f"{b.region} ({b.role}, fallback)")
          for b in args.backends for neg in b.fallback_neg_ids),
    ]


class GlobalLoadBalancer(pulumi.ComponentResource):
    """Global external Application Load Balancer (EXTERNAL_MANAGED) over zonal NEGs in each region."""

    def __init__(self, name: str, args: GlobalLoadBalancerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("blueprint:gcp:GlobalLoadBalancer", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        labels = dict(args.labels)

        address = gcp.compute.GlobalAddress(
            f"{name}-ip", address_type="EXTERNAL", ip_version="IPV4", labels=labels, opts=child
        )
        certificate = gcp.compute.ManagedSslCertificate(
            f"{name}-cert",
            type="MANAGED",
            managed=gcp.compute.ManagedSslCertificateManagedArgs(domains=[args.fqdn, *args.extra_domain_names]),
            opts=child,
        )
        ssl_policy = gcp.compute.SSLPolicy(
            f"{name}-ssl-policy", profile=args.ssl_policy_profile, min_tls_version="TLS_1_2", opts=child
        )
        health_check = self._health_check(name, args)
        lb_policy = self._lb_policy(name, args, labels)
        backend = self._backend_service(name, args, health_check, lb_policy)
        url_map = self._https_frontend(name, labels, address, certificate, ssl_policy, backend)
        self._http_redirect(name, labels, address)
        if args.health_check_network is not None:
            self._health_check_firewall(name, args)
        record = self._record(name, args, address)

        self.ip_address: pulumi.Output[str] = address.address
        self.domain_name: str = args.fqdn
        self.backend_service_id: pulumi.Output[str] = backend.id
        self.backend_service_name: pulumi.Output[str] = backend.name
        self.lb_policy_id: pulumi.Output[str] = lb_policy.id
        self.url_map_id: pulumi.Output[str] = url_map.id
        self.certificate_id: pulumi.Output[str] = certificate.id
        self.record_name: pulumi.Output[str] = record.name
        self.register_outputs(
            {
                "ip_address": self.ip_address,
                "domain_name": self.domain_name,
                "backend_service_id": self.backend_service_id,
                "backend_service_name": self.backend_service_name,
                "lb_policy_id": self.lb_policy_id,
                "url_map_id": self.url_map_id,
                "certificate_id": self.certificate_id,
            }
        )

    def _health_check(self, name: str, args: GlobalLoadBalancerArgs) -> gcp.compute.HealthCheck:
        """HTTP checks of the readiness path on each endpoint's serving port, logged."""
        return gcp.compute.HealthCheck(
            f"{name}-hc",
            check_interval_sec=args.health_check_interval_s,
            timeout_sec=args.health_check_timeout_s,
            healthy_threshold=args.healthy_threshold,
            unhealthy_threshold=args.unhealthy_threshold,
            # NEG endpoints are checked on their own serving port (the pod's service_port).
            http_health_check=gcp.compute.HealthCheckHttpHealthCheckArgs(
                port_specification="USE_SERVING_PORT", request_path=args.readiness_path
            ),
            log_config=gcp.compute.HealthCheckLogConfigArgs(enable=True),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _lb_policy(self, name: str, args: GlobalLoadBalancerArgs,
                   labels: dict[str, str]) -> gcp.networkservices.ServiceLbPolicies:
        # Global: a global backend service takes only a global service load balancing policy.
        return gcp.networkservices.ServiceLbPolicies(
            f"{name}-lb-policy",
            name=args.effective_lb_policy_name,
            location="global",
            description=f"Load balancing of {args.workload}: closest region first, unhealthy NEGs drained",
            load_balancing_algorithm=LB_ALGORITHM,
            # Drains a NEG with fewer than 25 % healthy endpoints (never more than half of the NEGs), so
            # a sick zone stops receiving traffic before all of its health checks fail.
            auto_capacity_drain=gcp.networkservices.ServiceLbPoliciesAutoCapacityDrainArgs(enable=True),
            failover_config=gcp.networkservices.ServiceLbPoliciesFailoverConfigArgs(
                failover_health_threshold=FAILOVER_HEALTH_THRESHOLD
            ),
            labels=labels,
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _backend_service(self, name: str, args: GlobalLoadBalancerArgs, health_check: gcp.compute.HealthCheck,
                         lb_policy: gcp.networkservices.ServiceLbPolicies) -> gcp.compute.BackendService:
        """Every region's NEGs with their role's capacity and preference, RATE balancing, outlier detection."""
        return gcp.compute.BackendService(
            f"{name}-backend",
            load_balancing_scheme="EXTERNAL_MANAGED",
            protocol="HTTP",
            health_checks=health_check.id,
            timeout_sec=args.backend_timeout_s,
            connection_draining_timeout_sec=CONNECTION_DRAINING_S,
            backends=_backends(args),
            outlier_detection=gcp.compute.BackendServiceOutlierDetectionArgs(
                consecutive_errors=OUTLIER_CONSECUTIVE_ERRORS,
                interval=gcp.compute.BackendServiceOutlierDetectionIntervalArgs(seconds=OUTLIER_INTERVAL_S),
                base_ejection_time=gcp.compute.BackendServiceOutlierDetectionBaseEjectionTimeArgs(seconds=OUTLIER_BASE_EJECTION_S),
                max_ejection_percent=OUTLIER_MAX_EJECTION_PERCENT,
            ),
            log_config=gcp.compute.BackendServiceLogConfigArgs(enable=True, sample_rate=args.log_sample_rate),
            security_policy=args.security_policy,
            # The full resource name in the format the pulumi-gcp example uses.
            service_lb_policy=lb_policy.id.apply(lambda i: f"//networkservices.googleapis.com/{i}"),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _https_frontend(self, name: str, labels: dict[str, str], address: Any, certificate: Any, ssl_policy: Any,
                        backend: gcp.compute.BackendService) -> gcp.compute.URLMap:
        """URL map -> backend, HTTPS proxy (certificate, SSL policy), forwarding rule on 443."""
        child = pulumi.ResourceOptions(parent=self)
        url_map = gcp.compute.URLMap(f"{name}-url-map", default_service=backend.id, opts=child)
        https_proxy = gcp.compute.TargetHttpsProxy(
            f"{name}-https-proxy",
            url_map=url_map.id,
            ssl_certificates=[certificate.id],
            ssl_policy=ssl_policy.id,
            opts=child,
        )
        gcp.compute.GlobalForwardingRule(
            f"{name}-https",
            target=https_proxy.id,
            ip_address=address.id,
            ip_protocol="TCP",
            port_range="443",
            load_balancing_scheme="EXTERNAL_MANAGED",
            labels=labels,
            opts=child,
        )
        return url_map

    def _http_redirect(self, name: str, labels: dict[str, str], address: Any) -> None:
        """Port 80 answers every request with a 301 to HTTPS."""
        child = pulumi.ResourceOptions(parent=self)
        redirect_map = gcp.compute.URLMap(
            f"{name}-redirect-map",
            default_url_redirect=gcp.compute.URLMapDefaultUrlRedirectArgs(
                https_redirect=True, strip_query=False, redirect_response_code="MOVED_PERMANENTLY_DEFAULT"
            ),
            opts=child,
        )
        http_proxy = gcp.compute.TargetHttpProxy(f"{name}-http-proxy", url_map=redirect_map.id, opts=child)
        gcp.compute.GlobalForwardingRule(
            f"{name}-http",
            target=http_proxy.id,
            ip_address=address.id,
            ip_protocol="TCP",
            port_range="80",
            load_balancing_scheme="EXTERNAL_MANAGED",
            labels=labels,
            opts=child,
        )

    def _health_check_firewall(self, name: str, args: GlobalLoadBalancerArgs) -> None:
        # The fallback's pods (issue 18) are NEG endpoints too: the front ends and checkers reach them on their port.
        ports = [args.service_port] + ([args.fallback_port] if args.fallback_port not in (None, args.service_port) else [])
        gcp.compute.Firewall(
            f"{name}-allow-health-checks",
            network=args.health_check_network,
            direction="INGRESS",
            source_ranges=list(HEALTH_CHECK_SOURCE_RANGES),
            allows=[gcp.compute.FirewallAllowArgs(protocol="tcp", ports=[str(p) for p in ports])],
            log_config=gcp.compute.FirewallLogConfigArgs(metadata="INCLUDE_ALL_METADATA"),
            description=f"Google front ends and health checkers to {args.workload} on {', '.join(map(str, ports))}",
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _record(self, name: str, args: GlobalLoadBalancerArgs, address: Any) -> gcp.dns.RecordSet:
        """The A record of domain_name -> the anycast IP, in the managed zone looked up by name."""
        zone = gcp.dns.get_managed_zone_output(
            name=args.effective_managed_zone_name, opts=pulumi.InvokeOutputOptions(parent=self)
        )
        # TTL 300: the anycast IP never changes on failover (that happens behind it).
        return gcp.dns.RecordSet(
            f"{name}-record",
            managed_zone=zone.name,
            name=f"{args.fqdn}.",
            type="A",
            ttl=300,
            rrdatas=[address.address],
            opts=pulumi.ResourceOptions(parent=self),
        )
