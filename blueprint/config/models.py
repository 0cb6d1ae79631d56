"""Typed stack configuration (DESIGN.md, "Stack configuration").

These models check *shape*: types, enums, name patterns and ranges, and refuse unknown keys.
Rules that relate several values (tier minimums, regions inside the jurisdiction, min <= max, ...)
live in :mod:`blueprint.config.rules` so that every problem in a file is reported at once, even
when some other part of the file is malformed.

Field names are snake_case in Python; the stack file uses the camelCase aliases.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Annotated, Any, Literal, Optional

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

from blueprint.catalogs.accelerators import ACCELERATOR_NAMES
from blueprint.catalogs.residency import JURISDICTIONS
from blueprint.catalogs.tiers import Strategy, Tier
from blueprint.quantities import cpu_millicores, memory_mib

AcceleratorName = Enum("AcceleratorName", {n.upper().replace("-", "_"): n for n in ACCELERATOR_NAMES}, type=str)


class Capacity(str, Enum):
    ON_DEMAND = "on-demand"
    SPOT = "spot"
    MIXED = "mixed"  # on-demand base per zone, spot above it


class Engine(str, Enum):
    POSTGRES = "postgres"
    MYSQL = "mysql"


class DbSize(str, Enum):
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"
    XLARGE = "xlarge"


# Integers are strict (issue 16): `gpusPerNode: true` or `1.0` is refused, not read as 1. Values inside
# structured keys (workloads) keep their YAML types through JSON; a top-level key reaches the program
# as text (pulumi.Config.get), so `zonesPerRegion: 3` arrives as "3": whole-number text is read as
# the integer, as Config.get_int does (int("3")), and "true" or "3.0" stays refused.
def _config_int_text(value: Any) -> Any:
    if isinstance(value, str) and re.fullmatch(r"[+-]?[0-9]{1,18}", value.strip()):
        return int(value)
    return value


# At most this many workloads in one stack (issue 16). The binding limits are the AWS default quotas
# the footprint multiplies per served workload: one Application Load Balancer per region ("Application
# Load Balancers per Region": 50, https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html)
# and four Route 53 health checks (two per region; 200 active health checks per account,
# https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DNSLimitations.html): both reach the
# default at 50. Planning stays within the plan-speed goals (a 40-workload plan peaks at 443 MB,
# benchmarks/README.md); 500 workloads took 192 s and 1.5 GB (issue 16). docs/configuration.md.
MAX_WORKLOADS = 50


class _Model(BaseModel):
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        alias_generator=to_camel,
        # Only the stack file's camelCase keys: a snake_case key is a typo, reported as unknown.
        populate_by_name=False,
        use_enum_values=False,
    )


class GpuSpec(_Model):
    accelerator: AcceleratorName
    gpus_per_node: Annotated[int, Field(ge=1, le=8, strict=True)] = 1
    # HA default: one node per zone keeps serving through the loss of any zone.
    min_nodes_per_zone: Annotated[int, Field(ge=0, le=100, strict=True)] = 1
    max_nodes_per_zone: Annotated[int, Field(ge=1, le=100, strict=True)] = 4
    # Secure/HA default: on-demand capacity cannot be reclaimed in a capacity crunch.
    capacity: Capacity = Capacity.ON_DEMAND


IMAGE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._\-/:]*[a-z0-9](:[\w][\w.\-]{0,127}|@sha256:[a-f0-9]{64})$")


def _check_pinned_image(value: str) -> str:
    # A moving tag makes a rebuilt region run different code than the surviving one.
    if not IMAGE_PATTERN.match(value) or value.endswith(":latest"):
        raise ValueError(
            "must be an image reference pinned to a version tag or digest, e.g. "
            "registry.example.com/fraud:1.4.2 ('latest' and untagged images are refused)"
        )
    return value


# service.fallback (issue 18): requests of one fallback pod. Its pods run on the cluster's system nodes
# (no GPU), so one must fit the smallest system node of either cloud after the node's reservations:
# EKS m7i.large, 2 vCPU / 8 GiB (https://aws.amazon.com/ec2/instance-types/m7i/); GKE e2-standard-4,
# 4 vCPU / 16 GB (https://cloud.google.com/compute/docs/general-purpose-machines#e2_machine_types).
FALLBACK_CPU_RANGE_M = (50, 1500)
FALLBACK_MEMORY_RANGE_MIB = (64, 6144)


def _fallback_cpu(value: str) -> str:
    low, high = FALLBACK_CPU_RANGE_M
    if not low <= cpu_millicores(value) <= high:
        raise ValueError(f"{value!r} is outside {low}m..{high}m: a fallback pod runs on a system node (no GPU) and must fit one")
    return value


def _fallback_memory(value: str) -> str:
    low, high = FALLBACK_MEMORY_RANGE_MIB
    if not low <= memory_mib(value) <= high:
        raise ValueError(f"{value!r} is outside {low}Mi..{high}Mi: a fallback pod runs on a system node (no GPU) and must fit one")
    return value


class FallbackSpec(_Model):
    """service.fallback: a degraded mode (a smaller model or a CPU image) served where the GPU service
    lacks capacity (docs/configuration.md "service.fallback")."""

    # Pinned like service.image, and resolved the same way against the workload's images (rules.py).
    image: Annotated[str, Field(min_length=3, max_length=255), AfterValidator(_check_pinned_image)]
    # HA default: one fallback pod in every zone, so a zone loss leaves it serving in the others.
    replicas_per_zone: Annotated[int, Field(ge=1, le=20, strict=True)] = 1
    # Default 500m / 1Gi: a CPU model server's modest pod, guaranteed (requests = limits).
    cpu: Annotated[str, Field(max_length=16), AfterValidator(_fallback_cpu)] = "500m"
    memory: Annotated[str, Field(max_length=16), AfterValidator(_fallback_memory)] = "1Gi"
    # Default (unset): the service's port / readiness path / liveness path.
    port: Optional[Annotated[int, Field(ge=1, le=65535, strict=True)]] = None
    readiness_path: Optional[Annotated[str, Field(pattern=r"^/[\x21-\x7e]*$", max_length=255)]] = None
    liveness_path: Optional[Annotated[str, Field(pattern=r"^/[\x21-\x7e]*$", max_length=255)]] = None
    # Sustained requests/s one fallback pod serves (a CPU model serves far fewer than a GPU pod): the GCP load
    # balancer's capacity per fallback endpoint (maxRatePerEndpoint). Bounds as service.requestsPerSecondPerPod.
    # Default (unset): FALLBACK_DEFAULT_RATE, 1/s per pod, so the load balancer counts the fallback as little
    # capacity until told better.
    requests_per_second_per_pod: Optional[Annotated[float, Field(gt=0, le=10000, allow_inf_nan=False, strict=True)]] = None


class ServiceSpec(_Model):
    image: Annotated[str, Field(min_length=3, max_length=255)]
    port: Annotated[int, Field(ge=1, le=65535, strict=True)] = 8080
    readiness_path: Annotated[str, Field(pattern=r"^/[\x21-\x7e]*$", max_length=255)] = "/ready"
    liveness_path: Annotated[str, Field(pattern=r"^/[\x21-\x7e]*$", max_length=255)] = "/healthz"
    # HA default: one replica in every zone.
    replicas_per_zone: Annotated[int, Field(ge=1, le=50, strict=True)] = 1
    # The sustained requests/s one pod serves at its latency target: the load balancer's request
    # rate per pod becomes the scaling signal (KEDA, components/<cloud>/traffic_trigger.py), CPU the
    # second one. Default (unset): the service scales on CPU only and `blueprint plan` warns.
    # 10000/s per pod is far above any GPU inference server; a larger value is a unit slip.
    requests_per_second_per_pod: Optional[Annotated[float, Field(gt=0, le=10000, allow_inf_nan=False, strict=True)]] = None
    # Degraded serving (issue 18). Default (unset): none; only beside GPU serving (rules.py).
    fallback: Optional[FallbackSpec] = None

    @field_validator("image")
    @classmethod
    def _pinned_image(cls, value: str) -> str:
        return _check_pinned_image(value)


class DatabaseSpec(_Model):
    engine: Engine = Engine.POSTGRES
    size: DbSize = DbSize.MEDIUM


class BackupSpec(_Model):
    # Immutable retention in days; its lower bound is the tier's minimum (rules.py).
    retention_days: Annotated[int, Field(ge=1, le=36500, strict=True)]


class QueueSpec(_Model):
    max_receive_count: Annotated[int, Field(ge=1, le=1000, strict=True)] = 5
    visibility_timeout_seconds: Annotated[int, Field(ge=0, le=43200, strict=True)] = 300


# Recovery data (issue 18; blueprint.catalogs.recovery_data has the tier defaults).
# An image is one repository the workload pulls, named by its last path component: ECR repository
# names are "(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*" (CreateRepository,
# https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html), and Docker image
# path components the same without '/' (Artifact Registry accepts the Docker naming): one component
# here, the composer adds <environment>/<workload>/ on AWS and the repository path on GCP.
IMAGE_NAME = r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$"
# A secret's short name; AWS prefixes <environment>/<workload>/ (Secrets Manager names allow
# /_+=.@- and letters and digits), GCP <environment>-<workload>- (secret_id [A-Za-z0-9_-]{1,255}).
SECRET_NAME = r"^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$"


class ArtifactsSpec(_Model):
    # Days after which current objects under checkpoints/ expire (the lock still keeps every version
    # for the vault's retention). Default (unset): the tier's (RecoveryDataSpec.checkpoint_expiration_days).
    checkpoint_expiration_days: Optional[Annotated[int, Field(ge=1, le=36500, strict=True)]] = None


WORKLOAD_NAME = r"^[a-z][a-z0-9-]{1,30}$"


def _ends_alphanumeric(value: str) -> str:
    # The name is a Kubernetes label value and namespace (DNS-1123 label) and part of cloud resource
    # names: all of them must end with a letter or digit (k8s.io/apimachinery pkg/util/validation
    # IsValidLabelValue, IsDNS1123Label), so 'fraud-' would plan and then fail in `pulumi up`.
    if value.endswith("-"):
        raise ValueError("must end with a letter or digit, not '-' (it is a Kubernetes label value and DNS label)")
    return value


def _known_jurisdiction(value: str) -> str:
    if value not in JURISDICTIONS:
        raise ValueError(f"unknown jurisdiction; allowed: {', '.join(JURISDICTIONS)}")
    return value


class Workload(_Model):
    name: Annotated[str, Field(pattern=WORKLOAD_NAME), AfterValidator(_ends_alphanumeric)]
    tier: Tier
    # Optional: defaults to the tier's strategy; never weaker (rules.py).
    strategy: Optional[Strategy] = None
    rto_seconds: Optional[Annotated[int, Field(ge=1, strict=True)]] = None
    rpo_seconds: Optional[Annotated[int, Field(ge=0, strict=True)]] = None
    gpu: Optional[GpuSpec] = None
    service: Optional[ServiceSpec] = None
    database: Optional[DatabaseSpec] = None
    backup: Optional[BackupSpec] = None
    queue: Optional[QueueSpec] = None
    # Recovery data (issue 18). Default (unset): none of them; the composer plans only what is declared.
    # images: the repositories the workload pulls (ECR / Artifact Registry in the stack, replicated to
    # the second region); a service image then names one of them ("<image>:<tag>") or a digest (rules.py).
    images: Optional[Annotated[list[Annotated[str, Field(pattern=IMAGE_NAME, max_length=64)]], Field(min_length=1, max_length=20)]] = None
    # artifacts: a locked, versioned, replicated store for model weights and training checkpoints.
    artifacts: Optional[ArtifactsSpec] = None
    # secrets: the containers of the workload's secrets (never their values), replicated to the second region.
    secrets: Optional[Annotated[list[Annotated[str, Field(pattern=SECRET_NAME)]], Field(min_length=1, max_length=20)]] = None
    # Who starts a failover to the second region: "automatic" (the orchestration runs on the
    # workload's alarm) or "manual" (it waits for a human's approval). Default (unset): the
    # strategy's (blueprint.catalogs.operations.FAILOVER_APPROVAL). Refused on a strategy with no
    # second region to fail over to (rules.py).
    failover_approval: Optional[Literal["automatic", "manual"]] = None


DNS_NAME = r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"


class StackConfig(_Model):
    """Everything a stack file configures, as read through ``pulumi.Config``."""

    cloud: Literal["aws", "gcp"]
    environment: Annotated[str, Field(pattern=r"^[a-z0-9-]{1,20}$")]
    residency: Annotated[str, AfterValidator(_known_jurisdiction)]
    primary_region: Annotated[str, Field(min_length=1)]
    secondary_region: Optional[str] = None
    # HA default: three zones per region (a zone loss leaves two thirds of the capacity).
    zones_per_region: Annotated[int, Field(ge=2, le=6, strict=True), BeforeValidator(_config_int_text)] = 3
    dns_zone: Optional[Annotated[str, Field(pattern=DNS_NAME, max_length=253)]] = None
    workloads: Annotated[list[Workload], Field(min_length=1, max_length=MAX_WORKLOADS)]
    # GCP only. Cloud SQL advanced disaster recovery: the primary's cross-region replica is designated
    # as its DR replica, which enables `replica failover` and the write endpoint that follows the
    # primary. Cloud SQL accepts the designation only once the replica exists, so the same `pulumi up`
    # designates it after creating it (blueprint/components/gcp/dr_replica_designation.py, a gcloud step that
    # needs gcloud authenticated where `pulumi up` runs). Default (unset) or `true`: designated.
    # `false` opts out: no designation at all (plain promote-replica, a slower modeled RTO).
    designate_dr_replicas: Optional[bool] = None
    # The networks `pulumi up` runs from (CI runner egress, VPN pool, office NAT), as IPv4 CIDRs.
    # The program creates Kubernetes objects through each cluster's API, so the clusters' public
    # API endpoints answer these sources only (docs/deploying.md). No usable default exists (it is
    # the user's own egress): rules.py requires 1..40 public, specific blocks in every stack, since
    # every stack runs a cluster in its primary region. Default () = unset, reported there.
    deployer_cidrs: tuple[Annotated[str, Field(max_length=43)], ...] = ()
    # Who may use the break-glass DR role (issue 18; rules.py checks the form per cloud). AWS: IAM role/user
    # ARNs (or ':root') trusted to assume it with MFA; default () = the account root, i.e. the account's IAM
    # principals an IAM policy allows. GCP: IAM members ('group:', 'user:') eligible for the PAM entitlement;
    # default () = no entitlement (nobody can request the role).
    break_glass_principals: tuple[Annotated[str, Field(max_length=2048)], ...] = ()
    # Provider settings from other namespaces (aws:region, gcp:project, gcp:region).
    aws_region: Optional[str] = Field(default=None, alias="aws:region")
    gcp_region: Optional[str] = Field(default=None, alias="gcp:region")
    gcp_project: Optional[Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")]] = Field(
        default=None, alias="gcp:project"
    )

    @field_validator("deployer_cidrs", mode="before")
    @classmethod
    def _cidr_list(cls, value: Any) -> Any:
        # A single CIDR written as a scalar is the likely slip; pydantic alone would only say
        # "Input should be a valid tuple".
        if value is not None and not isinstance(value, (list, tuple)):
            raise ValueError(f"must be a list of IPv4 CIDRs, e.g. [203.0.113.10/32], not a {type(value).__name__}")
        return value

    @property
    def dr_replicas_designated(self) -> bool:
        """Whether Cloud SQL primaries designate their DR replica (default True, GCP only)."""
        return self.designate_dr_replicas is not False

    def workload(self, name: str) -> Workload:
        for w in self.workloads:
            if w.name == name:
                return w
        raise KeyError(name)


def effective_strategy(workload: Workload) -> Strategy:
    """The strategy a workload runs: its own, or its tier's default."""
    from blueprint.catalogs.tiers import tier_spec

    return workload.strategy or tier_spec(workload.tier).default_strategy


def effective_retention_days(workload: Workload) -> int:
    """Backup retention: the configured days, or the tier's minimum."""
    from blueprint.catalogs.tiers import tier_spec

    return workload.backup.retention_days if workload.backup else tier_spec(workload.tier).min_retention_days
