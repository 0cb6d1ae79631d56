"""EksCluster: one private, encrypted, audited EKS cluster per region, with a system node group in
every zone, managed add-ons and access entries; the GPU pools (``GpuNodePool``) join it.

Children (component named ``n``):
    ``n-cluster-role``                   aws.iam.Role (EKS control plane)
    ``n-cluster-role-eks-policy``        AmazonEKSClusterPolicy attachment
    ``n-cluster-role-kms``               inline policy: use the CMK for secrets encryption
    ``n-cluster-role-no-log-group``      inline policy: deny logs:CreateLogGroup (the component owns it)
    ``n-log-group``                      aws.cloudwatch.LogGroup ``/aws/eks/<cluster_name>/cluster`` (CMK)
    ``n-cluster``                        aws.eks.Cluster (deletion protection on)
    ``n-node-role``                      aws.iam.Role (nodes; shared with the GPU pools)
    ``n-node-role-worker`` / ``-cni`` / ``-ecr-pull`` / ``-ssm``   managed policy attachments
    ``n-autoscaling-service-role``       aws.iam.ServiceLinkedRole (only if create_autoscaling_service_linked_role)
    ``n-node-ebs-grant``                 aws.kms.Grant: the Auto Scaling service role may use the CMK for root volumes
    ``n-access-<role|user>-<name>``      aws.eks.AccessEntry per admin principal
    ``n-admin-<role|user>-<name>``       aws.eks.AccessPolicyAssociation (AmazonEKSClusterAdminPolicy, cluster scope)
    ``n-access-break-glass`` / ``n-admin-break-glass``   the break-glass DR role: cluster admin (with ``break_glass_role_arn``)
    ``n-access-<role|user>-<name>`` / ``n-<edit|view>-<role|user>-<name>``   per ``namespace_access`` grant: an access
                                         entry and AmazonEKSEditPolicy / AmazonEKSViewPolicy scoped to its namespaces

Access scoping (issue 18): cluster admin goes only to the deployer (``bootstrap_cluster_creator_admin_permissions``:
it installs cluster-scoped objects - CRDs, controllers), the break-glass DR role and ``admin_principal_arns``;
every other principal gets a namespace-scoped access policy. Access policy names and scopes: EKS user guide,
"Review access policy permissions" (AmazonEKSClusterAdminPolicy, AmazonEKSEditPolicy, AmazonEKSViewPolicy) and
"Associate access policies with access entries" (``accessScope`` type ``cluster`` or ``namespace``).
    ``n-addon-vpc-cni`` / ``-kube-proxy`` / ``-eks-pod-identity-agent``   add-ons installed before any node
    ``n-system-launch-template``         aws.ec2.LaunchTemplate (IMDSv2, encrypted gp3 root)
    ``n-system-nodes``                   aws.eks.NodeGroup across every private subnet (all zones)
    ``n-addon-coredns`` / ``-eks-node-monitoring-agent`` / ``-metrics-server``   add-ons installed once nodes exist

Workload identity: EKS Pod Identity (the ``eks-pod-identity-agent`` add-on), not IRSA, so no IAM
OIDC provider is created; ``oidc_issuer_url`` is still exported for callers that need IRSA.
"""

from __future__ import annotations

import ipaddress
import json
import re
from typing import Any, Literal

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field, field_validator

from blueprint.catalogs.kubernetes import KUBERNETES_STANDARD_SUPPORT_ENDS, KUBERNETES_VERSION

from ._names import iam_role_name_prefix
from ._tags import merge_tags
from ._types import KmsKeyArn, Tags

# EKS CreateCluster `name`: 1..100 characters, ^[0-9A-Za-z][A-Za-z0-9\-_]* (EKS API reference).
_CLUSTER_NAME = re.compile(r"^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$")
_K8S_VERSION = re.compile(r"^1\.\d{2}$")
# CloudWatch Logs PutRetentionPolicy: the only values `retentionInDays` accepts.
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
                      2922, 3288, 3653)
_IAM_PRINCIPAL = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:(role|user)/(?:[\w+=,.@-]+/)*([\w+=,.@-]{1,128})$")
_ASSUMED_ROLE = re.compile(r"^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role/([\w+=,.@-]+)/[^/]+$")
# family letters, generation digits, attribute letters (e.g. m7i, c7gn, m7i-flex), size.
_INSTANCE_TYPE = re.compile(r"^([a-z]+)(\d+)([a-z]*)(-flex)?\.([a-z0-9]+)$")

# Every control-plane log type EKS offers: api/audit/authenticator for security forensics,
# controllerManager/scheduler to diagnose stuck rollouts and unschedulable GPU pods.
CONTROL_PLANE_LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
# AMI types (EKS Nodegroup amiType enum): AL2023, the current EKS-optimised Linux.
SYSTEM_AMI_TYPE = "AL2023_x86_64_STANDARD"
# Root device of the EKS-optimised AL2023 AMIs (describe-images BlockDeviceMappings).
ROOT_DEVICE_NAME = "/dev/xvda"
SYSTEM_ROOT_VOLUME_GIB = 50
# Add-ons EKS must run before nodes can become Ready (networking, service routing, pod credentials);
# bootstrap_self_managed_addons=False, so these managed add-ons are the only copies.
ADDONS_BEFORE_NODES = ("vpc-cni", "kube-proxy", "eks-pod-identity-agent")
# Add-on configuration (JSON `configurationValues`): the VPC CNI's network policy agent enforces the
# Kubernetes NetworkPolicies the inference services ship (default deny ingress); without it they
# would be accepted and silently ignored (needs VPC CNI >= 1.14, which every supported EKS version
# defaults to).
ADDON_CONFIGURATION = {"vpc-cni": {"enableNetworkPolicy": "true"}}
# Add-ons whose pods need nodes: CoreDNS (a Deployment), the node monitoring agent that feeds
# node auto repair (GPU XID errors, NVLink, ...) and metrics-server, which serves the resource
# metrics API every HorizontalPodAutoscaler reads; EKS does not deploy it by default (EKS user guide
# "View resource usage with the Kubernetes Metrics Server", metrics-server.html); it is an EKS
# community add-on named "metrics-server" (EKS user guide, community-addons.html).
ADDONS_AFTER_NODES = ("coredns", "eks-node-monitoring-agent", "metrics-server")
# Node role policies (EKS user guide, "Amazon EKS node IAM role"): the kubelet and Pod Identity agent,
# the VPC CNI (IPv4), image pulls only (PullOnly is the least-privilege successor of ReadOnly), and
# Session Manager so nodes can be inspected without SSH keys or open ports.
NODE_POLICIES = {
    "worker": "AmazonEKSWorkerNodePolicy",
    "cni": "AmazonEKS_CNI_Policy",
    "ecr-pull": "AmazonEC2ContainerRegistryPullOnly",
    "ssm": "AmazonSSMManagedInstanceCore",
}
# KMS grant operations the EC2 Auto Scaling service-linked role needs to launch instances with
# CMK-encrypted volumes (EC2 Auto Scaling user guide / AWS re:Post "kms-launch-ec2-instance").
ASG_KMS_OPERATIONS = ("Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKey",
                      "GenerateDataKeyWithoutPlaintext", "DescribeKey", "CreateGrant")
# The one Kubernetes minor of the project (blueprint/catalogs/kubernetes.py cites the EKS calendar row).
DEFAULT_KUBERNETES_VERSION = KUBERNETES_VERSION
# EKS upgrade policy (UpgradePolicyRequest.supportType): STANDARD = "automatically upgraded at the end
# of standard support", EXTENDED (the EKS default) = the cluster stays and is billed extended support
# (EKS user guide, "Manage EKS extended support"; pulumi-aws ClusterUpgradePolicyArgs.support_type).
UPGRADE_SUPPORT_TYPE = "STANDARD"
# "Public endpoint access CIDR ranges per cluster": 40, not adjustable (quota L-93A74D60,
# https://docs.aws.amazon.com/general/latest/gr/eks.html#limits_eks).
EKS_MAX_PUBLIC_ACCESS_CIDRS = 40


def check_instance_type_x86(field: str, value: str) -> str:
    """An EC2 instance type name of an x86_64 family (the AL2023 x86_64 AMIs refuse Graviton)."""
    m = _INSTANCE_TYPE.match(value)
    if not m:
        raise ValueError(f"{field}: {value!r} is not an EC2 instance type name; use e.g. 'm7i.large'")
    family, generation, attributes = m.group(1), m.group(2), m.group(3)
    if "g" in attributes or (family == "a" and generation == "1"):
        raise ValueError(
            f"{field}: {value!r} is a Graviton (arm64) type but the node AMI is x86_64 ({SYSTEM_AMI_TYPE}); "
            "choose an Intel/AMD type such as 'm7i.large' or 'm7a.large'"
        )
    return value


def asg_service_role_arn(partition: str, account: str) -> str:
    """ARN of the EC2 Auto Scaling service-linked role (the identity that launches node instances)."""
    return f"arn:{partition}:iam::{account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"


def launch_template_security(kms_key_arn: Any, root_volume_gib: int, tags: Any) -> dict[str, Any]:
    """Launch-template settings shared by the system and GPU node groups: IMDSv2 only with a hop
    limit of 1 (pods cannot reach the node's credentials; they use Pod Identity), an encrypted gp3
    root volume with the CMK, and tags on the instances and volumes. No instance type, AMI, IAM
    profile or subnet: EKS forbids them in the template when the node group sets them."""
    return dict(
        metadata_options=aws.ec2.LaunchTemplateMetadataOptionsArgs(
            http_endpoint="enabled",
            http_tokens="required",
            http_put_response_hop_limit=1,
            instance_metadata_tags="disabled",
        ),
        block_device_mappings=[
            aws.ec2.LaunchTemplateBlockDeviceMappingArgs(
                device_name=ROOT_DEVICE_NAME,
                ebs=aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                    volume_type="gp3",
                    volume_size=root_volume_gib,
                    encrypted="true",
                    kms_key_id=kms_key_arn,
                    delete_on_termination="true",
                ),
            )
        ],
        tag_specifications=[
            aws.ec2.LaunchTemplateTagSpecificationArgs(resource_type=kind, tags=tags) for kind in ("instance", "volume")
        ],
        update_default_version=True,
    )


def kubeconfig(cluster_name: str, endpoint: str, ca_data: str, region: str) -> str:
    """A kubeconfig (JSON, which is valid YAML) authenticating with `aws eks get-token`."""
    user = f"{cluster_name}-{region}"
    return json.dumps(
        {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": user, "cluster": {"server": endpoint, "certificate-authority-data": ca_data}}],
            "contexts": [{"name": user, "context": {"cluster": user, "user": user}}],
            "current-context": user,
            "users": [
                {
                    "name": user,
                    "user": {
                        "exec": {
                            "apiVersion": "client.authentication.k8s.io/v1beta1",
                            "command": "aws",
                            "args": ["eks", "get-token", "--cluster-name", cluster_name, "--region", region,
                                     "--output", "json"],
                            "interactiveMode": "Never",
                        }
                    },
                }
            ],
        },
        indent=2,
    )


# Access levels -> EKS access policy names (EKS user guide, "Review access policy permissions").
ACCESS_POLICIES = {"admin": "AmazonEKSClusterAdminPolicy", "edit": "AmazonEKSEditPolicy", "view": "AmazonEKSViewPolicy"}
# Kubernetes namespace names: RFC 1123 labels.
_NAMESPACE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


class NamespaceAccess(BaseModel):
    """One principal's namespace-scoped access: an access entry plus AmazonEKSEditPolicy or AmazonEKSViewPolicy."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    principal_arn: str = Field(description="IAM role or user ARN.")
    policy: Literal["edit", "view"] = Field(description="edit (AmazonEKSEditPolicy) or view (AmazonEKSViewPolicy).")
    namespaces: tuple[str, ...] = Field(min_length=1, description="The namespaces it applies in (at least one).")

    @field_validator("principal_arn")
    @classmethod
    def _arn(cls, v: str) -> str:
        if not _IAM_PRINCIPAL.match(v):
            raise ValueError(f"namespace_access.principal_arn: {v!r} is not an IAM role or user ARN; use "
                             "'arn:aws:iam::<account>:role/<name>'")
        return v

    @field_validator("namespaces")
    @classmethod
    def _namespaces(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for ns in v:
            if not _NAMESPACE.match(ns):
                raise ValueError(f"namespace_access.namespaces: {ns!r} is not a Kubernetes namespace name (RFC 1123 label)")
        return v


class EksClusterArgs(BaseModel):
    """Settings of a regional EKS cluster shared by the stack's workloads."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    cluster_name: str = Field(
        description="EKS cluster name: 1..100 letters, digits, '-' or '_', starting with a letter or digit; "
        "unique per account and region. Also names the control-plane log group /aws/eks/<name>/cluster.",
    )
    kubernetes_version: str = Field(
        default=DEFAULT_KUBERNETES_VERSION,
        description=f"Kubernetes minor version '1.NN'. Default {KUBERNETES_VERSION} (blueprint.catalogs.kubernetes): "
        f"in EKS standard support until {KUBERNETES_STANDARD_SUPPORT_ENDS} (EKS release calendar); the cluster's "
        "upgrade policy is STANDARD, so EKS upgrades it then instead of billing extended support.",
    )
    vpc_id: Any = Field(
        description="pulumi.Input[str]: the VPC of private_subnet_ids. EKS derives the VPC from the subnets; "
        "the id is exported (vpc_id) for in-cluster controllers that cannot read it from IMDS (hop limit 1).",
    )
    private_subnet_ids: list[Any] = Field(
        description="pulumi.Input[str] ids of private subnets, one per zone, at least 2 (EKS requires two zones "
        "for the control-plane ENIs; the system node group spans them all).",
    )
    kms_key_arn: KmsKeyArn = Field(
        description="pulumi.Input[str]: ARN of the customer-managed KMS key for Kubernetes secrets, the "
        "control-plane log group and the nodes' root volumes.",
    )
    # Secure default: no public endpoint at all.
    public_access_cidrs: tuple[str, ...] = Field(
        default=(),
        description="Default () = private API endpoint only (reachable from the VPC and peered networks). "
        "Non-empty: the public endpoint is also enabled, restricted to exactly these CIDRs; 0.0.0.0/0 and ::/0 "
        "are refused.",
    )
    admin_principal_arns: tuple[str, ...] = Field(
        default=(),
        description="IAM role/user ARNs given an access entry with AmazonEKSClusterAdminPolicy (cluster scope). "
        "The deploying principal already gets admin through bootstrap_cluster_creator_admin_permissions; "
        "do not list it again (EKS would refuse the duplicate access entry).",
    )
    break_glass_role_arn: Any = Field(
        default=None, description="pulumi.Input[str]: the break-glass DR role (BreakGlassRole.arn): cluster admin. Default None.")
    namespace_access: tuple[NamespaceAccess, ...] = Field(
        default=(), description="Principals given only a namespace-scoped access policy (edit or view). Default none.")
    system_node_instance_type: str = Field(
        default="m7i.large",
        description="x86_64 instance type of the system node group (CoreDNS, controllers). Default m7i.large: "
        "current-generation general purpose, 2 vCPU / 8 GiB.",
    )
    system_nodes_per_zone: int = Field(
        default=1,
        description="System nodes per zone (1..10): min = desired = this x zones, max = twice that, so a zone "
        "loss leaves system capacity in the others and the autoscaler has headroom.",
    )
    log_retention_days: int = Field(
        default=365,
        description="Retention of the control-plane log group; one of CloudWatch's allowed values. Default 365 "
        "(a year of audit logs).",
    )
    create_autoscaling_service_linked_role: bool = Field(
        default=False,
        description="Default False: AWSServiceRoleForAutoScaling exists in any account that ever used Auto Scaling "
        "or EKS node groups. Set True only in a fresh account, and in one region only (the role is global and IAM "
        "refuses to create it twice); without it the KMS grant to that role fails.",
    )
    tags: Tags = Field(default_factory=dict, description="Tags merged onto every taggable child.")

    @field_validator("cluster_name")
    @classmethod
    def _cluster_name(cls, v: str) -> str:
        if not _CLUSTER_NAME.match(v):
            raise ValueError(
                f"cluster_name: {v!r} is not a valid EKS cluster name; use 1..100 letters, digits, '-' or '_' "
                "starting with a letter or digit, e.g. 'blueprint-prod'"
            )
        return v

    @field_validator("kubernetes_version")
    @classmethod
    def _version(cls, v: str) -> str:
        if not _K8S_VERSION.match(v):
            raise ValueError(
                f"kubernetes_version: {v!r} is not a Kubernetes minor version; use '1.NN' such as "
                f"'{DEFAULT_KUBERNETES_VERSION}' (EKS manages the patch level)"
            )
        return v

    @field_validator("private_subnet_ids")
    @classmethod
    def _subnets(cls, v: list[Any]) -> list[Any]:
        if len(v) < 2:
            raise ValueError(
                f"private_subnet_ids: {len(v)} subnet(s) given; EKS needs private subnets in at least 2 zones "
                "(one per zone), e.g. Network(...).private_subnet_ids"
            )
        literal = [s for s in v if isinstance(s, str)]
        if len(set(literal)) != len(literal):
            raise ValueError(f"private_subnet_ids: {literal!r} lists a subnet twice; give one subnet per zone")
        return v

    @field_validator("vpc_id")
    @classmethod
    def _vpc(cls, v: Any) -> Any:
        if isinstance(v, str) and not re.match(r"^vpc-[0-9a-f]{8,17}$", v):
            raise ValueError(f"vpc_id: {v!r} is not a VPC id; pass e.g. Network(...).vpc_id or 'vpc-0abc12345def67890'")
        return v

    @field_validator("public_access_cidrs")
    @classmethod
    def _cidrs(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for cidr in v:
            try:
                network = ipaddress.ip_network(cidr, strict=True)
            except ValueError as exc:
                raise ValueError(
                    f"public_access_cidrs: {cidr!r} is not a network CIDR ({exc}); use e.g. '203.0.113.0/24'"
                ) from None
            if network.prefixlen == 0:
                raise ValueError(
                    f"public_access_cidrs: {cidr!r} opens the Kubernetes API to the whole internet; list your "
                    "egress or VPN CIDRs, or leave public_access_cidrs empty for a private-only endpoint"
                )
            if network.version != 4:
                # "You can't add IPv6 CIDR blocks to IPv4 clusters" (EKS API, VpcConfigRequest.publicAccessCidrs).
                raise ValueError(f"public_access_cidrs: {cidr!r} is IPv6; this cluster is IPv4, list IPv4 CIDRs")
        if len(set(v)) != len(v):
            raise ValueError(f"public_access_cidrs: {list(v)!r} lists a CIDR twice")
        if len(v) > EKS_MAX_PUBLIC_ACCESS_CIDRS:
            raise ValueError(f"public_access_cidrs: {len(v)} CIDRs; EKS accepts at most {EKS_MAX_PUBLIC_ACCESS_CIDRS} "
                             "per cluster (quota not adjustable)")
        return v

    @field_validator("admin_principal_arns")
    @classmethod
    def _admins(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        seen: set[str] = set()
        for arn in v:
            assumed = _ASSUMED_ROLE.match(arn)
            if assumed:
                partition, account, role = assumed.groups()
                raise ValueError(
                    f"admin_principal_arns: {arn!r} is an STS assumed-role session, which changes with every "
                    f"login; pass the role itself: 'arn:{partition}:iam::{account}:role/{role}'"
                )
            m = _IAM_PRINCIPAL.match(arn)
            if not m:
                raise ValueError(
                    f"admin_principal_arns: {arn!r} is not an IAM role or user ARN; use "
                    "'arn:aws:iam::<account>:role/<name>' or 'arn:aws:iam::<account>:user/<name>'"
                )
            key = principal_key(arn)
            if key in seen:
                raise ValueError(
                    f"admin_principal_arns: {arn!r} repeats the principal {key!r} (child resources are named "
                    "after the role/user name); list each principal once and avoid two principals of the same name"
                )
            seen.add(key)
        return v

    @field_validator("system_node_instance_type")
    @classmethod
    def _instance_type(cls, v: str) -> str:
        return check_instance_type_x86("system_node_instance_type", v)

    @field_validator("system_nodes_per_zone")
    @classmethod
    def _per_zone(cls, v: int) -> int:
        if not 1 <= v <= 10:
            raise ValueError(
                f"system_nodes_per_zone: {v} is outside 1..10; every zone needs at least one system node "
                "(CoreDNS, controllers), and GPU work belongs on GpuNodePool"
            )
        return v

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, v: int) -> int:
        if v not in LOG_RETENTION_DAYS:
            raise ValueError(
                f"log_retention_days: {v} is not a CloudWatch Logs retention value; choose one of "
                f"{', '.join(map(str, LOG_RETENTION_DAYS))} (default 365)"
            )
        return v


def principal_key(arn: str) -> str:
    """'role-Admin' for arn:...:role/path/Admin: a stable, readable child-name part per principal."""
    m = _IAM_PRINCIPAL.match(arn)
    assert m is not None  # validated by EksClusterArgs
    return f"{m.group(1)}-{m.group(2)}"


def _assume_role_policy(service: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
        }
    )


def _kms_use_policy(key_arn: str) -> str:
    # The control plane's needs for envelope-encrypting secrets (as terraform-aws-eks grants them).
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "SecretsEncryption",
                    "Effect": "Allow",
                    "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
                    "Resource": key_arn,
                }
            ],
        }
    )


# EKS would otherwise re-create /aws/eks/<name>/cluster without the CMK or retention if the log group
# were ever deleted while the cluster still logs.
_DENY_LOG_GROUP_CREATION = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "LogGroupIsManagedByBlueprint", "Effect": "Deny", "Action": "logs:CreateLogGroup",
                       "Resource": "*"}],
    }
)


class EksCluster(pulumi.ComponentResource):
    """A private-by-default EKS cluster: secrets encrypted with the CMK, every control-plane log type
    in a CMK-encrypted log group created first, access entries (API authentication mode), deletion
    protection, zonal shift, a system node group in every zone and managed add-ons."""

    def __init__(self, name: str, args: EksClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("blueprint:aws:EksCluster", name, None, opts)
        invoke = pulumi.InvokeOutputOptions(parent=self)
        region = aws.get_region_output(opts=invoke).region
        identity = aws.get_caller_identity_output(opts=invoke)
        self._partition = aws.get_partition_output(opts=invoke)

        cluster = self._cluster(name, args, self._control_plane_role(name, args), self._control_plane_logs(name, args))
        node_role, node_policies = self._node_role(name, args)
        ebs_grant = self._node_ebs_grant(name, args, identity)
        self._admin_access(name, args, cluster)
        self._scoped_access(name, args, cluster)
        before_nodes = [self._addon(name, args, cluster, a) for a in ADDONS_BEFORE_NODES]
        system_nodes = self._system_nodes(name, args, cluster, node_role, [*before_nodes, *node_policies, ebs_grant])
        after_nodes = [self._addon(name, args, cluster, a, system_nodes) for a in ADDONS_AFTER_NODES]

        # --- outputs -------------------------------------------------------------------------------
        # cluster_name / node_role_arn resolve only once the cluster can take nodes (networking
        # add-ons, KMS grant) and the node role has its policies, so node groups built on them
        # (GpuNodePool) are ordered after those.
        ready = [cluster.name, ebs_grant.id, *(a.arn for a in before_nodes)]
        self.cluster_name: pulumi.Output[str] = pulumi.Output.all(*ready).apply(lambda v: v[0])
        self.arn: pulumi.Output[str] = cluster.arn
        self.version: pulumi.Output[str] = cluster.version
        self.endpoint: pulumi.Output[str] = cluster.endpoint
        self.certificate_authority_data: pulumi.Output[str] = cluster.certificate_authority.data
        self.oidc_issuer_url: pulumi.Output[str] = cluster.identities.apply(lambda ids: ids[0].oidcs[0].issuer)
        self.cluster_security_group_id: pulumi.Output[str] = cluster.vpc_config.cluster_security_group_id
        self.node_role_arn: pulumi.Output[str] = pulumi.Output.all(
            node_role.arn, *(p.id for p in node_policies)
        ).apply(lambda v: v[0])
        self.node_role_name: pulumi.Output[str] = node_role.name
        self.vpc_id: pulumi.Output[str] = pulumi.Output.from_input(args.vpc_id)
        # The kubeconfig resolves only once the system nodes run and the add-ons that need them
        # (CoreDNS above all) are ACTIVE: everything created through the Kubernetes API (Helm
        # releases that wait for their pods, Deployments) is ordered after them, so a first
        # `pulumi up` does not race the node group with the charts' own timeouts.
        in_cluster_ready = [system_nodes.arn, *(a.arn for a in after_nodes)]
        self.kubeconfig: pulumi.Output[str] = pulumi.Output.secret(
            pulumi.Output.all(cluster.name, cluster.endpoint, cluster.certificate_authority.data, region, *in_cluster_ready).apply(
                lambda a: kubeconfig(*a[:4])
            )
        )
        self.register_outputs(
            {
                "cluster_name": self.cluster_name,
                "arn": self.arn,
                "version": self.version,
                "endpoint": self.endpoint,
                "certificate_authority_data": self.certificate_authority_data,
                "oidc_issuer_url": self.oidc_issuer_url,
                "cluster_security_group_id": self.cluster_security_group_id,
                "node_role_arn": self.node_role_arn,
                "node_role_name": self.node_role_name,
                "vpc_id": self.vpc_id,
                "kubeconfig": self.kubeconfig,
            }
        )

    def _after(self, *deps: pulumi.Resource) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, depends_on=list(deps))

    def _managed_policy(self, policy: str) -> pulumi.Output[str]:
        return self._partition.partition.apply(lambda p: f"arn:{p}:iam::aws:policy/{policy}")

    def _control_plane_role(self, name: str, args: EksClusterArgs) -> tuple[aws.iam.Role, list[pulumi.Resource]]:
        """The control plane's role and its policies (EKS managed policy, CMK use, no log-group creation)."""
        child = pulumi.ResourceOptions(parent=self)
        cluster_role_name = f"{name}-cluster-role"
        cluster_role = aws.iam.Role(
            cluster_role_name,
            name_prefix=iam_role_name_prefix(cluster_role_name),  # fits IAM's 64 (blueprint/components/aws/_names.py)
            description=f"EKS control plane of {args.cluster_name}",
            # The EKS service principal is eks.amazonaws.com in every partition.
            assume_role_policy=_assume_role_policy("eks.amazonaws.com"),
            tags=merge_tags(args.tags, cluster_role_name),
            opts=child,
        )
        cluster_policy = aws.iam.RolePolicyAttachment(
            f"{name}-cluster-role-eks-policy",
            role=cluster_role.name,
            policy_arn=self._managed_policy("AmazonEKSClusterPolicy"),
            opts=child,
        )
        cluster_kms = aws.iam.RolePolicy(
            f"{name}-cluster-role-kms",
            role=cluster_role.name,
            policy=pulumi.Output.from_input(args.kms_key_arn).apply(_kms_use_policy),
            opts=child,
        )
        no_log_group = aws.iam.RolePolicy(
            f"{name}-cluster-role-no-log-group",
            role=cluster_role.name,
            policy=_DENY_LOG_GROUP_CREATION,
            opts=child,
        )
        return cluster_role, [cluster_policy, cluster_kms, no_log_group]

    def _control_plane_logs(self, name: str, args: EksClusterArgs) -> aws.cloudwatch.LogGroup:
        """The group exists (CMK, retention) before EKS starts logging."""
        log_group_name = f"{name}-log-group"
        return aws.cloudwatch.LogGroup(
            log_group_name,
            name=f"/aws/eks/{args.cluster_name}/cluster",
            retention_in_days=args.log_retention_days,
            kms_key_id=args.kms_key_arn,
            tags=merge_tags(args.tags, log_group_name),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _cluster(self, name: str, args: EksClusterArgs, role: tuple[aws.iam.Role, list[pulumi.Resource]],
                 log_group: aws.cloudwatch.LogGroup) -> aws.eks.Cluster:
        cluster_role, role_policies = role
        public = bool(args.public_access_cidrs)
        cluster_name = f"{name}-cluster"
        return aws.eks.Cluster(
            cluster_name,
            name=args.cluster_name,
            version=args.kubernetes_version,
            role_arn=cluster_role.arn,
            access_config=aws.eks.ClusterAccessConfigArgs(
                # Access entries only (no aws-auth ConfigMap). The deployer keeps cluster-admin: the
                # Kubernetes provider of this same program needs it to install in-cluster components.
                authentication_mode="API",
                bootstrap_cluster_creator_admin_permissions=True,
            ),
            # The add-ons below are EKS-managed; no unmanaged copies to adopt or drift from.
            bootstrap_self_managed_addons=False,
            encryption_config=aws.eks.ClusterEncryptionConfigArgs(
                provider=aws.eks.ClusterEncryptionConfigProviderArgs(key_arn=args.kms_key_arn),
                resources=["secrets"],
            ),
            enabled_cluster_log_types=list(CONTROL_PLANE_LOG_TYPES),
            vpc_config=aws.eks.ClusterVpcConfigArgs(
                subnet_ids=list(args.private_subnet_ids),
                endpoint_private_access=True,
                endpoint_public_access=public,
                public_access_cidrs=list(args.public_access_cidrs) if public else None,
            ),
            # Past standard support EKS upgrades the control plane rather than silently billing
            # extended support; raise kubernetes_version before that date (docs/deploying.md).
            upgrade_policy=aws.eks.ClusterUpgradePolicyArgs(support_type=UPGRADE_SUPPORT_TYPE),
            # Stateful: the cluster holds every workload's Kubernetes state.
            deletion_protection=True,
            # Lets operators (or ARC autoshift) move traffic away from an impaired zone.
            zonal_shift_config=aws.eks.ClusterZonalShiftConfigArgs(enabled=True),
            tags=merge_tags(args.tags, cluster_name),
            opts=self._after(log_group, *role_policies),
        )

    def _node_role(self, name: str, args: EksClusterArgs) -> tuple[aws.iam.Role, list[aws.iam.RolePolicyAttachment]]:
        """The nodes' role (system and GPU node groups) with the managed node policies."""
        node_role_name = f"{name}-node-role"
        node_role = aws.iam.Role(
            node_role_name,
            name_prefix=iam_role_name_prefix(node_role_name),  # fits IAM's 64 (blueprint/components/aws/_names.py)
            description=f"EKS nodes of {args.cluster_name} (system and GPU node groups)",
            assume_role_policy=self._partition.dns_suffix.apply(lambda s: _assume_role_policy(f"ec2.{s}")),
            tags=merge_tags(args.tags, node_role_name),
            opts=pulumi.ResourceOptions(parent=self),
        )
        node_policies = [
            aws.iam.RolePolicyAttachment(
                f"{name}-node-role-{role}", role=node_role.name, policy_arn=self._managed_policy(policy),
                opts=pulumi.ResourceOptions(parent=self),
            )
            for role, policy in NODE_POLICIES.items()
        ]
        return node_role, node_policies

    def _node_ebs_grant(self, name: str, args: EksClusterArgs, identity: Any) -> aws.kms.Grant:
        """The CMK for node root volumes: EC2 Auto Scaling launches the instances."""
        grant_deps: list[pulumi.Resource] = []
        if args.create_autoscaling_service_linked_role:
            grant_deps.append(
                aws.iam.ServiceLinkedRole(
                    f"{name}-autoscaling-service-role",
                    aws_service_name="autoscaling.amazonaws.com",
                    tags=merge_tags(args.tags, f"{name}-autoscaling-service-role"),
                    opts=pulumi.ResourceOptions(parent=self),
                )
            )
        return aws.kms.Grant(
            f"{name}-node-ebs-grant",
            name=f"{args.cluster_name}-node-ebs",
            key_id=args.kms_key_arn,
            grantee_principal=pulumi.Output.all(self._partition.partition, identity.account_id).apply(
                lambda a: asg_service_role_arn(*a)
            ),
            operations=list(ASG_KMS_OPERATIONS),
            opts=self._after(*grant_deps),
        )

    def _admin_access(self, name: str, args: EksClusterArgs, cluster: aws.eks.Cluster) -> None:
        """Human admins: an access entry plus the cluster-admin access policy per principal."""
        admin_policy = self._partition.partition.apply(
            lambda p: f"arn:{p}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
        )
        for arn in args.admin_principal_arns:
            key = principal_key(arn)
            entry_name = f"{name}-access-{key}"
            entry = aws.eks.AccessEntry(
                entry_name,
                cluster_name=cluster.name,
                principal_arn=arn,
                type="STANDARD",
                tags=merge_tags(args.tags, entry_name),
                opts=pulumi.ResourceOptions(parent=self),
            )
            aws.eks.AccessPolicyAssociation(
                f"{name}-admin-{key}",
                cluster_name=cluster.name,
                principal_arn=entry.principal_arn,
                policy_arn=admin_policy,
                access_scope=aws.eks.AccessPolicyAssociationAccessScopeArgs(type="cluster"),
                opts=pulumi.ResourceOptions(parent=self),
            )

    def _scoped_access(self, name: str, args: EksClusterArgs, cluster: aws.eks.Cluster) -> None:
        """The break-glass role's cluster admin; every namespace_access grant scoped to its namespaces."""
        grants: list[tuple[str, Any, str, Any]] = []
        if args.break_glass_role_arn is not None:
            grants.append(("break-glass", args.break_glass_role_arn, "admin", aws.eks.AccessPolicyAssociationAccessScopeArgs(type="cluster")))
        for grant in args.namespace_access:
            scope = aws.eks.AccessPolicyAssociationAccessScopeArgs(type="namespace", namespaces=list(grant.namespaces))
            grants.append((principal_key(grant.principal_arn), grant.principal_arn, grant.policy, scope))
        for key, arn, level, scope in grants:
            entry = aws.eks.AccessEntry(
                f"{name}-access-{key}", cluster_name=cluster.name, principal_arn=arn, type="STANDARD",
                tags=merge_tags(args.tags, f"{name}-access-{key}"), opts=pulumi.ResourceOptions(parent=self),
            )
            policy = ACCESS_POLICIES[level]
            aws.eks.AccessPolicyAssociation(
                f"{name}-{level}-{key}", cluster_name=cluster.name, principal_arn=entry.principal_arn,
                policy_arn=self._partition.partition.apply(lambda p, policy=policy: f"arn:{p}:eks::aws:cluster-access-policy/{policy}"),
                access_scope=scope, opts=pulumi.ResourceOptions(parent=self),
            )

    def _addon(self, name: str, args: EksClusterArgs, cluster: aws.eks.Cluster, addon_name: str,
               *deps: pulumi.Resource) -> aws.eks.Addon:
        child_name = f"{name}-addon-{addon_name}"
        return aws.eks.Addon(
            child_name,
            cluster_name=cluster.name,
            addon_name=addon_name,
            configuration_values=(
                json.dumps(ADDON_CONFIGURATION[addon_name]) if addon_name in ADDON_CONFIGURATION else None
            ),
            # EKS picks the add-on version that is the default for the cluster's Kubernetes version.
            # The stack is the source of truth: EKS defaults win over manual edits, on create and update.
            resolve_conflicts_on_create="OVERWRITE",
            resolve_conflicts_on_update="OVERWRITE",
            tags=merge_tags(args.tags, child_name),
            opts=self._after(*deps),
        )

    def _system_nodes(self, name: str, args: EksClusterArgs, cluster: aws.eks.Cluster, node_role: aws.iam.Role,
                      deps: list[pulumi.Resource]) -> aws.eks.NodeGroup:
        """The system node group over every private subnet, so every zone."""
        lt_name = f"{name}-system-launch-template"
        system_lt = aws.ec2.LaunchTemplate(
            lt_name,
            description=f"System nodes of {args.cluster_name}: IMDSv2 only, encrypted gp3 root",
            tags=merge_tags(args.tags, lt_name),
            **launch_template_security(
                args.kms_key_arn, SYSTEM_ROOT_VOLUME_GIB, merge_tags(args.tags, f"{name}-system-nodes")
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        system_min = args.system_nodes_per_zone * len(args.private_subnet_ids)
        system_ng_name = f"{name}-system-nodes"
        return aws.eks.NodeGroup(
            system_ng_name,
            cluster_name=cluster.name,
            version=cluster.version,
            node_role_arn=node_role.arn,
            subnet_ids=list(args.private_subnet_ids),
            ami_type=SYSTEM_AMI_TYPE,
            capacity_type="ON_DEMAND",
            instance_types=[args.system_node_instance_type],
            scaling_config=aws.eks.NodeGroupScalingConfigArgs(
                min_size=system_min, desired_size=system_min, max_size=2 * system_min
            ),
            update_config=aws.eks.NodeGroupUpdateConfigArgs(max_unavailable=1),
            node_repair_config=aws.eks.NodeGroupNodeRepairConfigArgs(enabled=True),
            launch_template=aws.eks.NodeGroupLaunchTemplateArgs(
                id=system_lt.id, version=system_lt.latest_version.apply(str)
            ),
            labels={"blueprint.dev/node-role": "system"},
            tags=merge_tags(args.tags, system_ng_name),
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=deps,
                # The cluster autoscaler owns the desired size once the group exists.
                ignore_changes=["scalingConfig.desiredSize"],
            ),
        )
