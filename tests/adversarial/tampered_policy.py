"""The adversarial corpus of tampered plans (issue 16, "Policy bypasses"): resource-level controls.

Each :class:`Tamper` edits one resource (or adds one) of a real saved plan of a shipped stack
(``dev`` and ``prod`` on AWS, ``gcp-prod`` on GCP) the way an attacker or a careless hand edit would:
internet ingress to a database port, a shortened KMS deletion window, deletion protection off, a
public bucket, a ``*`` principal, a privileged pod... and names the resource the check must name and
the rule that must catch it. tests/adversarial/test_tampered_policy.py runs every case through
``blueprint check --plan FILE --skip-checkov`` (and a few with checkov) and expects exit 1.

``python -m tests.adversarial.tampered_policy DIR`` writes the tampered plans to DIR, to try them by hand.
"""

from __future__ import annotations

import copy
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

STACKS = ("dev", "prod", "gcp-prod")
Mutation = Callable[[dict[str, Any]], None]  # edits the target resource's record in place


@dataclass(frozen=True)
class Tamper:
    id: str
    stack: str  # the shipped stack whose saved plan is tampered
    target: str  # the name of the resource the check must name
    rule: str  # the rule that must report it
    mutate: Mutation
    add: Optional[str] = None  # when set, the target is a copy of this resource (a resource added to the plan)


def _set(path: str, value: Any) -> Mutation:
    """Set ``inputs.<path>`` (dots; ``[n]`` list items), creating mappings on the way."""
    def mutate(resource: dict[str, Any]) -> None:
        node = resource["inputs"]
        steps = [int(s[1:-1]) if s.startswith("[") else s for s in path.replace("[", ".[").split(".")]
        for step in steps[:-1]:
            node = node[step] if isinstance(step, int) else node.setdefault(step, {})
        node[steps[-1]] = value
    return mutate


def _drop(key: str) -> Mutation:
    def mutate(resource: dict[str, Any]) -> None:
        resource["inputs"].pop(key, None)
    return mutate


def _all(*mutations: Mutation) -> Mutation:
    def mutate(resource: dict[str, Any]) -> None:
        for m in mutations:
            m(resource)
    return mutate


def _add_statement(key: str, statement: dict[str, Any]) -> Mutation:
    """Append ``statement`` to the JSON policy document in ``inputs[key]``."""
    def mutate(resource: dict[str, Any]) -> None:
        document = json.loads(resource["inputs"][key])
        document["Statement"] = [*document.get("Statement", []), statement]
        resource["inputs"][key] = json.dumps(document)
    return mutate


EVERYONE_READS = {"Sid": "Everyone", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}
EVERYONE_KMS = {"Sid": "Everyone", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"}
EVERYONE_ASSUMES = {"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "sts:AssumeRole"}
EVERYONE_PUBLISHES = {"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": "*"}
_CONTAINER = "spec.template.spec.containers[0].securityContext"

AWS_TAMPERS: tuple[Tamper, ...] = (
    # Security-group ingress from the internet (network-internet-ingress / -target).
    Tamper("sg-rule-postgres-from-internet", "prod", "fraud-scoring-us-east-1-db-ingress-10-0-0-0-16",
           "network-internet-ingress", _set("cidrIpv4", "0.0.0.0/0")),
    Tamper("sg-rule-mysql-range-from-ipv6-internet", "prod", "recommendations-us-east-1-db-ingress-10-0-0-0-16",
           "network-internet-ingress", _all(_drop("cidrIpv4"), _set("cidrIpv6", "::/0"), _set("fromPort", 3000),
                                            _set("toPort", 4000))),
    Tamper("sg-rule-half-internet-all-ports", "prod", "fraud-scoring-us-west-2-db-ingress-10-1-0-0-16",
           "network-internet-ingress", _all(_set("cidrIpv4", "128.0.0.0/1"), _set("ipProtocol", "-1"))),
    Tamper("sg-lb-rule-all-protocols", "dev", "fraud-scoring-us-east-2-lb-https-in-ipv4",
           "network-internet-ingress", _set("ipProtocol", "-1")),
    Tamper("sg-inline-ingress-postgres", "prod", "fraud-scoring-us-east-1-db-sg", "network-internet-ingress",
           _set("ingress", [{"protocol": "tcp", "fromPort": 5432, "toPort": 5432, "cidrBlocks": ["0.0.0.0/0"]}])),
    Tamper("sg-endpoints-https-from-internet", "dev", "dev-us-east-2-net-endpoints-https-in",
           "network-internet-ingress-target", _set("cidrIpv4", "0.0.0.0/0")),
    # KMS keys.
    Tamper("kms-deletion-window-7-days", "prod", "prod-us-east-1-key-key", "kms-key-deletion-window",
           _set("deletionWindowInDays", 7)),
    Tamper("kms-rotation-2560-days", "dev", "dev-us-east-2-key-key", "kms-key-rotation",
           _set("rotationPeriodInDays", 2560)),
    Tamper("kms-rotation-off", "dev", "dev-audit-key", "kms-key-rotation", _set("enableKeyRotation", False)),
    # Deletion protection.
    Tamper("aurora-deletion-protection-off", "prod", "fraud-scoring-us-east-1-db-cluster", "deletion-protection",
           _set("deletionProtection", False)),
    Tamper("aurora-skip-final-snapshot", "prod", "recommendations-us-east-1-db-cluster", "deletion-protection",
           _set("skipFinalSnapshot", True)),
    Tamper("global-cluster-force-destroy", "prod", "fraud-scoring-global-db-global-cluster", "deletion-protection",
           _set("forceDestroy", True)),
    Tamper("backup-vault-force-destroy", "prod", "fraud-scoring-us-east-1-recovery-vault-vault", "deletion-protection",
           _set("forceDestroy", True)),
    Tamper("vault-bucket-force-destroy", "dev", "fraud-scoring-us-east-2-vault-bucket", "deletion-protection",
           _set("forceDestroy", True)),
    Tamper("eks-deletion-protection-off", "dev", "dev-us-west-2-eks-cluster", "deletion-protection",
           _set("deletionProtection", False)),
    # Public buckets, '*' principals, public endpoints and databases.
    Tamper("s3-public-access-block-off", "dev", "dev-audit-public-access-block", "exposure-bucket-public-access",
           _set("blockPublicPolicy", False)),
    Tamper("s3-acls-enabled", "dev", "scratch-us-east-2-vault-ownership", "exposure-bucket-public-access",
           _set("rule.objectOwnership", "ObjectWriter")),
    Tamper("s3-bucket-policy-star-principal", "dev", "fraud-scoring-us-west-2-vault-policy",
           "exposure-wildcard-principal", _add_statement("policy", EVERYONE_READS)),
    Tamper("kms-key-policy-star-principal", "prod", "prod-us-west-2-key-key", "exposure-wildcard-principal",
           _add_statement("policy", EVERYONE_KMS)),
    Tamper("role-trust-star-principal", "dev", "dev-break-glass-role", "exposure-wildcard-principal",
           _add_statement("assumeRolePolicy", EVERYONE_ASSUMES)),
    Tamper("sns-topic-policy-star-principal", "prod", "prod-us-east-1-alarms-policy", "exposure-wildcard-principal",
           _add_statement("policy", EVERYONE_PUBLISHES)),
    Tamper("aurora-instance-public", "prod", "fraud-scoring-us-east-1-db-us-east-1a-instance-0",
           "exposure-database-public", _set("publiclyAccessible", True)),
    Tamper("eks-endpoint-open-to-all", "dev", "dev-us-east-2-eks-cluster", "api-endpoint-deployer-cidrs",
           _set("vpcConfig.publicAccessCidrs", ["0.0.0.0/0"])),
    # Pods.
    Tamper("deployment-privileged", "dev", "fraud-scoring-us-east-2-inference-deployment", "k8s-pod-security",
           _set(f"{_CONTAINER}.privileged", True)),
    Tamper("deployment-privilege-escalation", "dev", "fraud-scoring-us-west-2-inference-deployment",
           "k8s-pod-security", _set(f"{_CONTAINER}.allowPrivilegeEscalation", True)),
    Tamper("daemonset-host-network", "dev", "dev-us-east-2-gpu-enablement-device-plugin", "k8s-pod-security",
           _set("spec.template.spec.hostNetwork", True)),
)

GCP_TAMPERS: tuple[Tamper, ...] = (
    # Firewalls open to the internet (network-internet-ingress).
    Tamper("firewall-health-checks-from-internet", "gcp-prod", "fraud-scoring-lb-allow-health-checks",
           "network-internet-ingress", _set("sourceRanges", ["0.0.0.0/0"])),
    Tamper("firewall-extra-half-internet", "gcp-prod", "prod-vpc-allow-health-checks", "network-internet-ingress",
           _set("sourceRanges", ["35.191.0.0/16", "130.211.0.0/22", "0.0.0.0/1"])),
    Tamper("firewall-no-source-means-all", "gcp-prod", "prod-europe-west4-keda-control-plane",
           "network-internet-ingress", _all(_drop("sourceRanges"), _drop("targetServiceAccounts"))),
    Tamper("firewall-postgres-added", "gcp-prod", "tampered-allow-postgres", "network-internet-ingress",
           _all(_set("name", "tampered-allow-postgres"), _set("allows", [{"protocol": "tcp", "ports": ["5432"]}]),
                _set("sourceRanges", ["0.0.0.0/0"])), add="prod-europe-west1-keda-control-plane"),
    # Cloud KMS.
    Tamper("cryptokey-destroy-7-days", "gcp-prod", "prod-europe-west4-key-key", "kms-key-deletion-window",
           _set("destroyScheduledDuration", "604800s")),
    Tamper("cryptokey-destroy-default", "gcp-prod", "prod-europe-key-key", "kms-key-deletion-window",
           _drop("destroyScheduledDuration")),
    Tamper("cryptokey-rotation-yearly", "gcp-prod", "prod-europe-west1-key-key", "kms-key-rotation",
           _set("rotationPeriod", "31536000s")),
    Tamper("cryptokey-rotation-off", "gcp-prod", "prod-europe-west4-key-key", "kms-key-rotation",
           _drop("rotationPeriod")),
    # Deletion protection.
    Tamper("cloudsql-deletion-protection-off", "gcp-prod", "fraud-scoring-europe-west4-db-instance",
           "deletion-protection", _set("deletionProtection", False)),
    Tamper("cloudsql-api-deletion-protection-off", "gcp-prod", "fraud-scoring-europe-west1-db-instance",
           "deletion-protection", _set("settings.deletionProtectionEnabled", False)),
    Tamper("gke-deletion-protection-off", "gcp-prod", "prod-europe-west1-gke-cluster", "deletion-protection",
           _set("deletionProtection", False)),
    Tamper("gcs-vault-force-destroy", "gcp-prod", "fraud-scoring-vault-bucket", "deletion-protection",
           _set("forceDestroy", True)),
    # Public buckets, grants, endpoints, databases, pods.
    Tamper("gcs-public-access-prevention-inherited", "gcp-prod", "batch-embeddings-vault-bucket",
           "exposure-bucket-public-access", _set("publicAccessPrevention", "inherited")),
    Tamper("gcs-fine-grained-acls", "gcp-prod", "fraud-scoring-artifacts-bucket", "exposure-bucket-public-access",
           _set("uniformBucketLevelAccess", False)),
    Tamper("gcs-grant-all-users", "gcp-prod", "fraud-scoring-artifacts-reader", "exposure-wildcard-principal",
           _set("member", "allUsers")),
    Tamper("cryptokey-grant-all-authenticated", "gcp-prod", "prod-europe-west4-key-encrypter-member0",
           "exposure-wildcard-principal", _set("member", "allAuthenticatedUsers")),
    Tamper("cloudsql-public-ip-open", "gcp-prod", "fraud-scoring-europe-west4-db-instance", "exposure-database-public",
           _all(_set("settings.ipConfiguration.ipv4Enabled", True),
                _set("settings.ipConfiguration.authorizedNetworks", [{"name": "all", "value": "0.0.0.0/0"}]))),
    Tamper("gke-authorized-networks-open", "gcp-prod", "prod-europe-west4-gke-cluster", "api-endpoint-deployer-cidrs",
           _set("masterAuthorizedNetworksConfig.cidrBlocks", [{"cidrBlock": "0.0.0.0/0", "displayName": "all"}])),
    Tamper("gke-deployment-host-pid", "gcp-prod", "fraud-scoring-europe-west4-inference-deployment",
           "k8s-pod-security", _set("spec.template.spec.hostPID", True)),
    Tamper("gke-deployment-privileged", "gcp-prod", "fraud-scoring-europe-west1-inference-deployment",
           "k8s-pod-security", _set(f"{_CONTAINER}.privileged", True)),
)

TAMPERS: tuple[Tamper, ...] = AWS_TAMPERS + GCP_TAMPERS
# Run with checkov too (slow): two per cloud.
WITH_CHECKOV = ("sg-rule-postgres-from-internet", "aurora-deletion-protection-off",
                "cloudsql-deletion-protection-off", "firewall-health-checks-from-internet")


def _named(plan: dict[str, Any], name: str) -> dict[str, Any]:
    found = [r for r in plan["resources"] if r["name"] == name]
    assert len(found) == 1, f"{len(found)} resources named {name!r} in the {plan.get('stack')} plan"
    return found[0]


def tampered(case: Tamper, plans: dict[str, dict[str, Any]]) -> tuple[dict[str, Any], str]:
    """A deep copy of the case's saved plan with the tampering applied, and the target's URN."""
    plan = copy.deepcopy(plans[case.stack])
    if case.add is not None:
        source = copy.deepcopy(_named(plan, case.add))
        source["name"] = case.target
        source["urn"] = source["urn"].rsplit("::", 1)[0] + f"::{case.target}"
        plan["resources"].append(source)
    target = _named(plan, case.target)
    case.mutate(target)
    return plan, target["urn"]


def saved_plans() -> dict[str, dict[str, Any]]:
    """``blueprint plan --stack S --format json`` of every base stack, as JSON data."""
    from blueprint.plan.run import plan_stack
    from blueprint.project import resolve_stack

    root = Path(__file__).resolve().parents[2]
    return {s: json.loads(json.dumps(plan_stack(root, resolve_stack(root, s, None)).to_json())) for s in STACKS}


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    plans = saved_plans()
    for case in TAMPERS:
        plan, _ = tampered(case, plans)
        (out / f"{case.id}.json").write_text(json.dumps(plan, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
