"""The type registry: what the plan readers know about each Pulumi resource type, held once.

One module per cloud names every type token the readers use as a constant
(``blueprint.types.aws.EKS_CLUSTER``; likewise ``gcp``, ``k8s``, ``command``) and states, per
type, the knowledge the readers share:

* ``terraform``: the Terraform resource type (``aws_terraform.py``, ``gcp_terraform.py``), read by
  the Terraform-plan export (blueprint/export/types.py is a view of it);
* ``role``: what the type is to a reader (a compute pool, a database, a vault, a load balancer, a
  DNS record, a key, a queue, ...; the ``ROLE_*`` names below);
* ``encryption``: the input that names its customer-managed key (blueprint/policies/encryption.py);
* ``zone_keys``: the inputs through which it says its zone(s) or subnets (the facts modules in
  blueprint/analysis and blueprint/plan/placement.py read these);
* its name rule: :func:`name_rule` looks it up in the name-limit tables
  (blueprint/readiness/name_limits_{aws,gcp,k8s}.py, which stay where they are).

Plan readers (blueprint/policies, blueprint/analysis, rebuild, audit, readiness) import the constants
from here and hold no type-token literal of their own; tests/test_type_registry.py fails when a
type a stack plans is missing here, or when a reader spells a token itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from blueprint.types import aws, command, gcp, k8s

# Roles a reader looks a type up by.
ROLE_NETWORK = "network"
ROLE_SUBNET = "subnet"
ROLE_EGRESS = "egress"  # NAT: the zones whose private subnets route out through it
ROLE_ROUTE = "route"
ROLE_CLUSTER = "cluster"  # a Kubernetes control plane
ROLE_COMPUTE_POOL = "compute-pool"  # a node pool / node group
ROLE_LOAD_BALANCER = "load-balancer"
ROLE_DNS_RECORD = "dns-record"
ROLE_HEALTH_CHECK = "health-check"
ROLE_DATABASE = "database"
ROLE_DATABASE_INSTANCE = "database-instance"
ROLE_DATABASE_GLOBAL = "database-global"
ROLE_DATABASE_SUBNETS = "database-subnets"
ROLE_VAULT = "vault"  # an object vault (bucket)
ROLE_RECOVERY_POINT_VAULT = "recovery-point-vault"
ROLE_VAULT_LOCK = "vault-lock"
ROLE_VAULT_VERSIONING = "vault-versioning"
ROLE_COPY = "copy"  # copies a vault's content to another region
ROLE_BACKUP_PLAN = "backup-plan"
ROLE_KEY = "key"
ROLE_QUEUE = "queue"
ROLE_TOPIC = "topic"
ROLE_SECRET = "secret"
ROLE_IMAGE_REPOSITORY = "image-repository"  # a container image repository (ECR, Artifact Registry)
ROLE_IMAGE_REPLICATION = "image-replication"  # copies image repositories to another region (ECR registry replication)
ROLE_ALARM = "alarm"
ROLE_CERTIFICATE = "certificate"
ROLE_CHART = "chart"  # a Helm release / chart
ROLE_SCALER = "scaler"  # HPA, KEDA ScaledObject
ROLE_ENDPOINT_GROUP = "endpoint-group"
ROLE_BACKEND = "backend"
ROLE_COMMAND = "command"
ROLE_SERVICE = "service"  # a Kubernetes Service
ROLE_WORKLOAD = "workload"  # a Kubernetes Deployment / DaemonSet
ROLE_AUDIT_TRAIL = "audit-trail"  # CloudTrail trail, GCP audit-log sink (issue 18)
ROLE_BREAK_GLASS = "break-glass"  # the break-glass access grant (GCP PAM entitlement; issue 18)

ROLES = frozenset(v for k, v in dict(globals()).items() if k.startswith("ROLE_"))

CLOUD_MODULES = {"aws": aws, "gcp": gcp, "kubernetes": k8s, "command": command}


@dataclass(frozen=True)
class TypeInfo:
    """What the registry knows of one Pulumi resource type token."""

    token: str
    cloud: str  # the token's package: aws | gcp | kubernetes | command
    terraform: Optional[str] = None  # the Terraform resource type; None: not a Terraform resource
    role: Optional[str] = None
    encryption: Optional[str] = None  # dotted input path of its customer-managed key
    zone_keys: tuple[str, ...] = ()


def cloud_of(token: str) -> str:
    """``aws:s3/bucket:Bucket`` -> ``aws``; ``pulumi:providers:aws`` -> ``pulumi``."""
    return token.split(":", 1)[0]


def _build() -> dict[str, TypeInfo]:
    registry: dict[str, TypeInfo] = {}
    for cloud, module in CLOUD_MODULES.items():
        tokens = set(module.TERRAFORM) | set(module.ROLES) | set(module.ENCRYPTION) | set(module.ZONE_KEYS) | set(module.OTHER)
        for t in sorted(tokens):
            registry[t] = TypeInfo(t, cloud, module.TERRAFORM.get(t), module.ROLES.get(t),
                                   module.ENCRYPTION.get(t), tuple(module.ZONE_KEYS.get(t, ())))
    return registry


REGISTRY: dict[str, TypeInfo] = _build()


def info(token: str) -> Optional[TypeInfo]:
    """The registry's entry of ``token``; None for a type it does not know."""
    return REGISTRY.get(token)


def known(token: str) -> bool:
    return token in REGISTRY


def terraform_type(token: str) -> Optional[str]:
    entry = REGISTRY.get(token)
    return entry.terraform if entry else None


def encryption_property(token: str) -> str:
    """The input naming ``token``'s customer-managed key; KeyError for a type without one."""
    prop = REGISTRY[token].encryption
    if prop is None:
        raise KeyError(f"type {token} has no encryption property in the registry (blueprint/types/{cloud_of(token)}.py ENCRYPTION)")
    return prop


def of_role(role: str, cloud: Optional[str] = None) -> tuple[str, ...]:
    """Every token with ``role`` (of ``cloud`` when given), sorted."""
    return tuple(t for t, i in REGISTRY.items() if i.role == role and (cloud is None or i.cloud == cloud))


def name_rule(token: str) -> Any:
    """The NameRule of ``token`` from the name-limit tables, or None (no explicit name rule).
    Imported when asked: the tables live in blueprint.readiness, which reads this registry."""
    from blueprint.readiness.names import NAME_RULES

    return NAME_RULES.get(token)
