"""ServingIdentity: the IAM role a workload's inference pods run as in one region (EKS Pod Identity),
and the only principal granted read access to its model artifacts and its secrets.

The InferenceService runs its pods as the ServiceAccount ``<workload>`` in the namespace
``<workload>`` (blueprint/components/k8s/inference_service.py); this component associates that
service account of the region's cluster with a role (``PodIdentityRole``: trust limited to
``pods.eks.amazonaws.com`` for that cluster, namespace and service account) allowed to

- read the region's artifact store: ``s3:GetObject``, ``s3:GetObjectVersion`` on its objects and
  ``s3:ListBucket`` on the bucket (Amazon S3 actions, Service Authorization Reference);
- read the workload's secrets in this region (a replica has the primary's name and suffix, only the
  region differs): ``secretsmanager:GetSecretValue``, ``secretsmanager:DescribeSecret`` on
  ``arn:<partition>:secretsmanager:<region>:<account>:secret:<prefix>*``;
- decrypt with the region's key, only through those two services (``kms:ViaService``
  ``s3.<region>.amazonaws.com`` / ``secretsmanager.<region>.amazonaws.com``): SSE-KMS objects and
  secrets are decrypted under the caller's permissions.

No write: the serving role cannot change what it serves. Training jobs that write checkpoints get
their own role (outside this footprint). Image pulls use the nodes' role (AmazonEC2ContainerRegistryPullOnly).

Children (component named ``n``): ``n-role``, ``n-policy``, ``n-policy-attachment``, ``n-pod-identity``.
"""

from __future__ import annotations

import json
from typing import Any, Optional

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field

from ._pod_identity import PodIdentityRole
from ._types import KmsKeyArn, Tags

READ_OBJECT_ACTIONS = ("s3:GetObject", "s3:GetObjectVersion")
LIST_BUCKET_ACTIONS = ("s3:ListBucket",)
READ_SECRET_ACTIONS = ("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret")


class ServingIdentityArgs(BaseModel):
    """The serving pods' identity in one region and what it may read."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    cluster_name: Any = Field(description="pulumi.Input[str]: the region's EKS cluster.")
    namespace: str = Field(description="The InferenceService's namespace (its workload name by default).")
    service_account: str = Field(description="The InferenceService's ServiceAccount (its workload name).")
    kms_key_arn: KmsKeyArn = Field(description="pulumi.Input[str]: the region's key (artifacts and secret replicas are encrypted with it).")
    artifact_bucket_arn: Any = Field(default=None, description="pulumi.Input[str]: the region's artifact store bucket. Default None: no artifacts.")
    secret_prefix: Optional[str] = Field(default=None, description="Name prefix of the workload's secrets. Default None: no secrets.")
    tags: Tags = Field(default_factory=dict, description="Tags on the role and its policy.")


def read_policy(partition: str, region: str, account: str, key_arn: str, bucket_arn: Optional[str], secret_prefix: Optional[str]) -> str:
    """The role's policy document (only the stores given)."""
    statements: list[dict[str, Any]] = []
    services = []
    if bucket_arn:
        statements += [{"Sid": "ReadArtifacts", "Effect": "Allow", "Action": list(READ_OBJECT_ACTIONS), "Resource": f"{bucket_arn}/*"},
                       {"Sid": "ListArtifacts", "Effect": "Allow", "Action": list(LIST_BUCKET_ACTIONS), "Resource": bucket_arn}]
        services.append(f"s3.{region}.amazonaws.com")
    if secret_prefix:
        statements.append({"Sid": "ReadSecrets", "Effect": "Allow", "Action": list(READ_SECRET_ACTIONS),
                           "Resource": f"arn:{partition}:secretsmanager:{region}:{account}:secret:{secret_prefix}*"})
        services.append(f"secretsmanager.{region}.amazonaws.com")
    statements.append({"Sid": "DecryptThroughStores", "Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": key_arn,
                       "Condition": {"StringEquals": {"kms:ViaService": services}}})
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


class ServingIdentity(pulumi.ComponentResource):
    """Pod Identity role of a workload's serving pods: read-only on its artifacts and secrets."""

    def __init__(self, name: str, args: ServingIdentityArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:aws:ServingIdentity", name, None, opts)
        if args.artifact_bucket_arn is None and args.secret_prefix is None:
            raise ValueError("artifact_bucket_arn / secret_prefix: give at least one store the serving pods read")
        invoke = pulumi.InvokeOutputOptions(parent=self)
        region = aws.get_region_output(opts=invoke).region
        account = aws.get_caller_identity_output(opts=invoke).account_id
        partition = aws.get_partition_output(opts=invoke).partition
        policy = pulumi.Output.all(partition, region, account, args.kms_key_arn, args.artifact_bucket_arn).apply(
            lambda v: read_policy(v[0], v[1], v[2], v[3], v[4], args.secret_prefix))
        identity = PodIdentityRole(
            name, parent=self, account=account, cluster_name=args.cluster_name, namespace=args.namespace,
            service_account=args.service_account, sid="ServingPods",
            role_description=f"blueprint: {args.namespace}/{args.service_account} serving pods (read-only artifacts and secrets)",
            policy_description=f"blueprint: read {args.namespace}'s model artifacts and secrets in this region",
            policy=policy, tags=args.tags,
        )
        self.role_arn: pulumi.Output[str] = identity.role_arn
        self.ready = identity.ready
        self.register_outputs({"role_arn": self.role_arn})
