"""Tampered plans that pass every rule but are not what their stack file plans (issue 16): the corpus.

A read-only review built edits of real saved plans that each rule alone let through: a region field or
a provider's region moved, a subnet's zone or a cluster's location moved to another jurisdiction, a key
reference to a foreign account or project, a Deployment, GPU pools, the WAF or a NetworkPolicy deleted,
pools scaled to zero, a resource's ``workload`` cleared, an IAM user no workload owns added.
``blueprint check --plan F --stack S`` re-plans the stack file and compares (blueprint/check/replan.py):
tests/adversarial/test_tampered_replan.py expects exit 1 and ``intent-replan`` naming the URN returned.

``tamper(data)`` edits the plan JSON in place and returns the URN that must be named.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from blueprint.types import aws, gcp, k8s
from tests.adversarial.tampered_intent import AWS_STACK, GCP_STACK, _drop, _drop_subtree

AWS_PROVIDER, GCP_PROVIDER = "pulumi:providers:aws", "pulumi:providers:gcp"
AWS_SECOND, GCP_SECOND = "us-west-2", "europe-west1"  # the second regions of the two stack files
IAM_USER = "aws:iam/user:User"  # not in the registry: blueprint never plans an IAM user
IAM_USER_POLICY_ATTACHMENT = "aws:iam/userPolicyAttachment:UserPolicyAttachment"


@dataclass(frozen=True)
class Case:
    id: str
    stack: str
    tamper: Callable[[dict[str, Any]], str]


def _first(data: dict[str, Any], type_: str, where: Callable[[dict[str, Any]], bool] = lambda r: True) -> dict[str, Any]:
    return next(r for r in data["resources"] if r["type"] == type_ and where(r))


def _set(type_: str, edit: Callable[[dict[str, Any]], None], where: Callable[[dict[str, Any]], bool] = lambda r: True):
    def tamper(data: dict[str, Any]) -> str:
        r = _first(data, type_, where)
        edit(r)
        return r["urn"]
    return tamper


def _delete(type_: str, where: Callable[[dict[str, Any]], bool] = lambda r: True):
    """Delete one resource with what it parents, and every reference to it (a consistent plan)."""
    def tamper(data: dict[str, Any]) -> str:
        urn = _first(data, type_, where)["urn"]
        _drop_subtree(data, urn)
        return urn
    return tamper


def _in_second(region: str) -> Callable[[dict[str, Any]], bool]:
    return lambda r: r["region"] == region


def region_field_moved(data: dict[str, Any]) -> str:
    """A second-region subnet's ``region`` field says the primary's; its inputs are unchanged."""
    r = _first(data, aws.EC2_SUBNET, _in_second(AWS_SECOND))
    r["region"] = "us-east-1"
    return r["urn"]


def clear_workload(data: dict[str, Any]) -> str:
    """A workload's node group loses its ``workload`` field (out of the tier rules' sight)."""
    r = _first(data, aws.EKS_NODE_GROUP, lambda r: r["workload"] is not None)
    r["workload"] = None
    return r["urn"]


def pools_to_zero(data: dict[str, Any]) -> str:
    r = _first(data, aws.EKS_NODE_GROUP, lambda r: r["workload"] is not None and r["inputs"]["scalingConfig"]["minSize"] > 0)
    r["inputs"]["scalingConfig"].update(desiredSize=0, minSize=0)
    return r["urn"]


def add_admin_user(data: dict[str, Any]) -> str:
    """An IAM user with AdministratorAccess that no workload owns, parented to the stack root."""
    urns = {r["urn"] for r in data["resources"]}
    root = next(r["parent"] for r in data["resources"] if r["parent"] not in urns)  # the stack's root
    prefix = data["resources"][0]["urn"].split("::", 2)
    base = f"{prefix[0]}::{prefix[1]}"
    user = {"urn": f"{base}::{IAM_USER}::backdoor", "type": IAM_USER, "name": "backdoor", "parent": root,
            "dependencies": [], "region": "global", "zone": None, "workload": None, "inputs": {"name": "backdoor"},
            "custom": True, "provider": None, "id": "backdoor", "outputs": {"name": "backdoor"}}
    attach = {**user, "urn": f"{base}::{IAM_USER_POLICY_ATTACHMENT}::backdoor-admin", "type": IAM_USER_POLICY_ATTACHMENT,
              "name": "backdoor-admin", "dependencies": [user["urn"]], "id": "backdoor-admin", "outputs": {},
              "inputs": {"user": "backdoor", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}}
    data["resources"] += [user, attach]
    return user["urn"]


def _foreign_account_key(r: dict[str, Any]) -> None:
    r["inputs"]["kmsKeyId"] = "arn:aws:kms:eu-west-1:999999999999:key/11111111-2222-3333-4444-555555555555"


def _foreign_project_key(r: dict[str, Any]) -> None:
    key = r["inputs"]["encryption"]["defaultKmsKeyName"]
    r["inputs"]["encryption"]["defaultKmsKeyName"] = key.replace("projects/acme-ml-prod/", "projects/evil-project/")


def _deployment_then_refs(data: dict[str, Any]) -> str:
    """Delete a Deployment, and drop what depends on it (its autoscaler): a consistent plan."""
    urn = _first(data, k8s.DEPLOYMENT)["urn"]
    _drop(data, lambda r: r["urn"] != urn and urn not in r["dependencies"])
    return urn


def _gcp_location(location: str) -> Callable[[dict[str, Any]], None]:
    def edit(r: dict[str, Any]) -> None:
        r["inputs"]["location"] = location
    return edit


AWS_CASES = [
    Case("aws-region-field-moved", AWS_STACK, region_field_moved),
    Case("aws-provider-region", AWS_STACK, _set(AWS_PROVIDER, lambda r: r["inputs"].update(region="eu-west-1"),
                                                lambda r: r["inputs"].get("region") == AWS_SECOND)),
    Case("aws-subnet-foreign-az", AWS_STACK, _set(aws.EC2_SUBNET, lambda r: r["inputs"].update(availabilityZone="eu-west-1a"),
                                                  _in_second(AWS_SECOND))),
    Case("aws-rds-foreign-account-key", AWS_STACK, _set(aws.RDS_CLUSTER, _foreign_account_key)),
    Case("aws-delete-deployment", AWS_STACK, _deployment_then_refs),
    Case("aws-pools-to-zero", AWS_STACK, pools_to_zero),
    Case("aws-delete-waf", AWS_STACK, _delete(aws.WAFV2_WEB_ACL)),
    Case("aws-delete-network-policy", AWS_STACK, _delete(k8s.NETWORK_POLICY)),
    Case("aws-delete-dns-record", AWS_STACK, _delete(aws.ROUTE53_RECORD)),
    Case("aws-clear-workload", AWS_STACK, clear_workload),
    Case("aws-add-admin-user", AWS_STACK, add_admin_user),
]

GCP_CASES = [
    Case("gcp-region-field-moved", GCP_STACK, _set(gcp.CONTAINER_NODE_POOL, lambda r: r.update(region="europe-west4"),
                                                   _in_second(GCP_SECOND))),
    Case("gcp-provider-region", GCP_STACK, _set(GCP_PROVIDER, lambda r: r["inputs"].update(region="us-central1"),
                                                lambda r: r["inputs"].get("region") == GCP_SECOND)),
    Case("gcp-cluster-location", GCP_STACK, _set(gcp.CONTAINER_CLUSTER, _gcp_location("us-central1"), _in_second(GCP_SECOND))),
    Case("gcp-keyring-location", GCP_STACK, _set(gcp.KMS_KEY_RING, _gcp_location("us-central1"))),
    Case("gcp-bucket-foreign-project-key", GCP_STACK, _set(gcp.STORAGE_BUCKET, _foreign_project_key,
                                                           lambda r: "encryption" in r["inputs"])),
    Case("gcp-delete-node-pool", GCP_STACK, _delete(gcp.CONTAINER_NODE_POOL, lambda r: r["workload"] is not None)),
    Case("gcp-delete-deployment", GCP_STACK, _deployment_then_refs),
    Case("gcp-delete-image-repository", GCP_STACK, _delete(gcp.ARTIFACTREGISTRY_REPOSITORY)),
    Case("gcp-delete-network-policy", GCP_STACK, _delete(k8s.NETWORK_POLICY)),
    Case("gcp-clear-workload", GCP_STACK, _set(gcp.STORAGE_BUCKET, lambda r: r.update(workload=None),
                                               lambda r: r["workload"] is not None)),
]

CASES = AWS_CASES + GCP_CASES
