"""The IAM trust policy of a role that one Kubernetes service account assumes through EKS Pod Identity.

Shared by the in-cluster controllers this project installs (load balancer controller, cluster
autoscaler): each role trusts ``pods.eks.amazonaws.com`` only for its own cluster, namespace and
service account, narrowed by the session tags Pod Identity sets (EKS user guide "Create IAM role with
trust policy required by EKS Pod Identity"; "Pod Identity session tags").
"""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from ._names import iam_role_name_prefix
from ._tags import merge_tags


def pod_identity_trust_policy(account: str, cluster: str, namespace: str, service_account: str, sid: str) -> str:
    """Trust for ``namespace/service_account`` of ``cluster`` in ``account``, and nothing else."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": sid,
            "Effect": "Allow",
            "Principal": {"Service": "pods.eks.amazonaws.com"},
            "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Condition": {"StringEquals": {
                "aws:SourceAccount": account,
                "aws:RequestTag/eks-cluster-name": cluster,
                "aws:RequestTag/kubernetes-namespace": namespace,
                "aws:RequestTag/kubernetes-service-account": service_account,
            }},
        }],
    })


class PodIdentityRole:
    """The IAM side of one in-cluster controller, created as children of ``parent`` (names
    ``<name>-role``, ``-policy``, ``-policy-attachment``, ``-pod-identity``): a role trusted by
    :func:`pod_identity_trust_policy`, the controller's policy attached to it, and the Pod Identity
    association of ``namespace/service_account``. ``ready`` lists what the controller's pods need
    before they start (the association and the attachment), for ``depends_on``."""

    def __init__(
        self,
        name: str,
        *,
        parent: pulumi.Resource,
        account: pulumi.Input[str],
        cluster_name: pulumi.Input[str],
        namespace: str,
        service_account: str,
        sid: str,
        role_description: str,
        policy_description: str,
        policy: pulumi.Input[str],
        tags: dict[str, str],
    ) -> None:
        child = pulumi.ResourceOptions(parent=parent)
        role = aws.iam.Role(
            f"{name}-role",
            name_prefix=iam_role_name_prefix(f"{name}-role"),  # fits IAM's 64 (blueprint/components/aws/_names.py)
            description=role_description,
            assume_role_policy=pulumi.Output.all(account, cluster_name).apply(
                lambda a: pod_identity_trust_policy(a[0], a[1], namespace, service_account, sid)
            ),
            tags=merge_tags(tags, f"{name}-role"),
            opts=child,
        )
        attached_policy = aws.iam.Policy(
            f"{name}-policy", description=policy_description, policy=policy, tags=merge_tags(tags, f"{name}-policy"), opts=child
        )
        attachment = aws.iam.RolePolicyAttachment(f"{name}-policy-attachment", role=role.name, policy_arn=attached_policy.arn, opts=child)
        association = aws.eks.PodIdentityAssociation(
            f"{name}-pod-identity",
            cluster_name=cluster_name,
            namespace=namespace,
            service_account=service_account,
            role_arn=role.arn,
            tags=merge_tags(tags, f"{name}-pod-identity"),
            opts=child,
        )
        self.role_arn: pulumi.Output[str] = role.arn
        self.ready: list[pulumi.Resource] = [association, attachment]
