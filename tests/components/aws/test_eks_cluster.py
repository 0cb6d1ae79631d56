"""EksCluster: private, encrypted, audited control plane; IAM; access entries; add-on ordering; system
nodes in every zone; outputs (secret kubeconfig); Args validation."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws
import pytest
from pydantic import ValidationError

from blueprint.plan.engine import plan_program
from blueprint.components.aws.eks_cluster import EksCluster, EksClusterArgs
from tests.components._helpers import capture_opts

REGION = "eu-central-1"
CMK = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SUBNETS = ["subnet-0a0000000000000a1", "subnet-0b0000000000000b1", "subnet-0c0000000000000c1"]
ADMIN = "arn:aws:iam::123456789012:role/PlatformAdmin"
TAGS = {"blueprint:environment": "prod"}
SLR = "arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"


def _args(**overrides) -> EksClusterArgs:
    return EksClusterArgs(
        **{
            "cluster_name": "blueprint-prod",
            "vpc_id": "vpc-0abc12345def67890",
            "private_subnet_ids": SUBNETS,
            "kms_key_arn": CMK,
            "admin_principal_arns": (ADMIN,),
            "tags": TAGS,
            **overrides,
        }
    )


def _plan(args: EksClusterArgs, outputs: dict | None = None):
    def program() -> None:
        provider = aws.Provider("aws-eu-central-1", region=REGION)
        cluster = EksCluster("eks", args, pulumi.ResourceOptions(provider=provider))
        if outputs is not None:
            outputs["cluster"] = cluster
            pulumi.export("kubeconfig", cluster.kubeconfig)
            pulumi.export("kubeconfig_plain", pulumi.Output.unsecret(cluster.kubeconfig))
            for attr in ("cluster_name", "arn", "endpoint", "certificate_authority_data", "oidc_issuer_url",
                         "cluster_security_group_id", "node_role_arn", "node_role_name", "vpc_id"):
                pulumi.export(attr, getattr(cluster, attr))

    return plan_program(program, stack="test", config={"aws:region": REGION})


@pytest.fixture(scope="module")
def plan():
    return _plan(_args(), outputs={})


@pytest.fixture(scope="module")
def public_plan():
    """Public endpoint for two CIDRs, two zones with two system nodes each, two admins, fresh account."""
    return _plan(
        _args(
            public_access_cidrs=("203.0.113.0/24", "198.51.100.7/32"),
            private_subnet_ids=SUBNETS[:2],
            system_nodes_per_zone=2,
            admin_principal_arns=(ADMIN, "arn:aws:iam::123456789012:user/ops/alice"),
            create_autoscaling_service_linked_role=True,
            log_retention_days=731,
            kubernetes_version="1.34",
        )
    )


def _policy(resource) -> dict:
    value = resource.inputs["policy"] if "policy" in resource.inputs else resource.inputs["assumeRolePolicy"]
    return json.loads(value)


# --- the cluster ---------------------------------------------------------------------------


def test_cluster_is_private_only_by_default(plan):
    vpc = plan.named("eks-cluster").inputs["vpcConfig"]
    assert vpc["endpointPrivateAccess"] is True
    assert vpc["endpointPublicAccess"] is False
    assert "publicAccessCidrs" not in vpc
    assert vpc["subnetIds"] == SUBNETS
    assert "securityGroupIds" not in vpc  # EKS creates the cluster security group


def test_public_endpoint_only_for_the_listed_cidrs(public_plan):
    vpc = public_plan.named("eks-cluster").inputs["vpcConfig"]
    assert vpc["endpointPublicAccess"] is True and vpc["endpointPrivateAccess"] is True
    assert vpc["publicAccessCidrs"] == ["203.0.113.0/24", "198.51.100.7/32"]


def test_secrets_encrypted_with_the_cmk(plan):
    assert plan.named("eks-cluster").inputs["encryptionConfig"] == {"resources": ["secrets"], "provider": {"keyArn": CMK}}


def test_every_control_plane_log_type_enabled(plan):
    assert plan.named("eks-cluster").inputs["enabledClusterLogTypes"] == [
        "api", "audit", "authenticator", "controllerManager", "scheduler",
    ]


def test_access_entries_mode_with_creator_admin_and_managed_addons_only(plan):
    cluster = plan.named("eks-cluster").inputs
    assert cluster["accessConfig"] == {"authenticationMode": "API", "bootstrapClusterCreatorAdminPermissions": True}
    assert cluster["bootstrapSelfManagedAddons"] is False


def test_deletion_protection_zonal_shift_name_version_tags(plan, public_plan):
    cluster = plan.named("eks-cluster")
    assert cluster.type == "aws:eks/cluster:Cluster"
    assert cluster.inputs["deletionProtection"] is True
    assert cluster.inputs["zonalShiftConfig"] == {"enabled": True}
    assert cluster.inputs["name"] == "blueprint-prod"
    assert cluster.inputs["version"] == "1.35"
    assert cluster.inputs["tags"] == {**TAGS, "Name": "eks-cluster"}
    assert cluster.region == REGION
    assert public_plan.named("eks-cluster").inputs["version"] == "1.34"


def test_default_version_is_the_projects_kubernetes_minor_upgraded_at_end_of_standard_support(plan):
    from blueprint.catalogs.kubernetes import KUBERNETES_VERSION

    assert EksClusterArgs.model_fields["kubernetes_version"].default == KUBERNETES_VERSION == "1.35"
    # STANDARD: EKS upgrades the control plane when standard support ends instead of billing extended
    # support (the EKS default, EXTENDED, would keep it and charge for it).
    assert plan.named("eks-cluster").inputs["upgradePolicy"] == {"supportType": "STANDARD"}


def test_log_group_encrypted_retained_and_created_before_the_cluster(plan, public_plan):
    group = plan.named("eks-log-group")
    assert group.inputs["name"] == "/aws/eks/blueprint-prod/cluster"
    assert group.inputs["retentionInDays"] == 365
    assert group.inputs["kmsKeyId"] == CMK
    assert group.urn in plan.named("eks-cluster").dependencies
    assert public_plan.named("eks-log-group").inputs["retentionInDays"] == 731


# --- IAM -------------------------------------------------------------------------------------


def test_cluster_role_trusts_eks_and_has_cluster_policy_and_cmk_use(plan):
    role = plan.named("eks-cluster-role")
    assert role.region == "global"
    (stmt,) = _policy(role)["Statement"]
    assert stmt == {"Effect": "Allow", "Principal": {"Service": "eks.amazonaws.com"}, "Action": "sts:AssumeRole"}
    attachment = plan.named("eks-cluster-role-eks-policy")
    assert attachment.inputs["policyArn"] == "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"
    (kms,) = _policy(plan.named("eks-cluster-role-kms"))["Statement"]
    assert kms["Effect"] == "Allow" and kms["Resource"] == CMK
    assert set(kms["Action"]) == {"kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"}
    (deny,) = _policy(plan.named("eks-cluster-role-no-log-group"))["Statement"]
    assert deny["Effect"] == "Deny" and deny["Action"] == "logs:CreateLogGroup"
    deps = plan.named("eks-cluster").dependencies
    for child in ("eks-cluster-role-eks-policy", "eks-cluster-role-kms", "eks-cluster-role-no-log-group"):
        assert plan.named(child).urn in deps, child


def test_node_role_trusts_ec2_with_least_privilege_managed_policies(plan):
    (stmt,) = _policy(plan.named("eks-node-role"))["Statement"]
    assert stmt["Principal"] == {"Service": "ec2.amazonaws.com"}
    arns = {r.inputs["policyArn"] for r in plan.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            if r.name.startswith("eks-node-role-")}
    assert arns == {
        "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
        "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
        "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    }


def test_no_oidc_provider_pod_identity_instead(plan):
    assert not plan.of_type("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    assert plan.named("eks-addon-eks-pod-identity-agent").inputs["addonName"] == "eks-pod-identity-agent"


def test_autoscaling_role_may_use_the_cmk_for_node_volumes(plan):
    grant = plan.named("eks-node-ebs-grant")
    assert grant.inputs["keyId"] == CMK
    assert grant.inputs["granteePrincipal"] == SLR
    assert set(grant.inputs["operations"]) == {
        "Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
        "DescribeKey", "CreateGrant",
    }
    assert grant.urn in plan.named("eks-system-nodes").dependencies
    assert not plan.of_type("aws:iam/serviceLinkedRole:ServiceLinkedRole")


def test_service_linked_role_created_first_only_when_asked(public_plan):
    (slr,) = public_plan.of_type("aws:iam/serviceLinkedRole:ServiceLinkedRole")
    assert slr.inputs["awsServiceName"] == "autoscaling.amazonaws.com"
    assert slr.urn in public_plan.named("eks-node-ebs-grant").dependencies


def test_admin_access_entries_with_cluster_admin_policy(plan, public_plan):
    entry = plan.named("eks-access-role-PlatformAdmin")
    assert entry.inputs["principalArn"] == ADMIN and entry.inputs["type"] == "STANDARD"
    assert entry.inputs["clusterName"] == "blueprint-prod"
    assoc = plan.named("eks-admin-role-PlatformAdmin")
    assert assoc.inputs["policyArn"] == "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
    assert assoc.inputs["accessScope"] == {"type": "cluster"}
    assert assoc.inputs["principalArn"] == ADMIN
    assert entry.urn in assoc.dependencies
    entries = {r.name for r in public_plan.of_type("aws:eks/accessEntry:AccessEntry")}
    assert entries == {"eks-access-role-PlatformAdmin", "eks-access-user-alice"}
    assert len(public_plan.of_type("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")) == 2


def test_no_access_entries_without_admins():
    plan = _plan(_args(admin_principal_arns=()))
    assert not plan.of_type("aws:eks/accessEntry:AccessEntry")


# --- add-ons and system nodes ------------------------------------------------------------------


def test_networking_addons_before_nodes_coredns_after(plan):
    nodes = plan.named("eks-system-nodes")
    for addon in ("vpc-cni", "kube-proxy", "eks-pod-identity-agent"):
        resource = plan.named(f"eks-addon-{addon}")
        assert resource.inputs["addonName"] == addon
        assert resource.urn in nodes.dependencies, addon
    for addon in ("coredns", "eks-node-monitoring-agent"):
        assert nodes.urn in plan.named(f"eks-addon-{addon}").dependencies, addon
    for resource in plan.of_type("aws:eks/addon:Addon"):
        assert resource.inputs["resolveConflictsOnCreate"] == "OVERWRITE"
        assert resource.inputs["resolveConflictsOnUpdate"] == "OVERWRITE"
        assert resource.inputs["clusterName"] == "blueprint-prod"
    assert len(plan.of_type("aws:eks/addon:Addon")) == 6


def test_metrics_server_addon_serves_the_hpa_metrics_api(plan):
    # EKS does not deploy metrics-server; without it every HorizontalPodAutoscaler sees no metrics.
    addon = plan.named("eks-addon-metrics-server")
    assert addon.inputs["addonName"] == "metrics-server"
    assert plan.named("eks-system-nodes").urn in addon.dependencies


def test_system_launch_template_imdsv2_and_encrypted_gp3_root(plan):
    lt = plan.named("eks-system-launch-template").inputs
    assert lt["metadataOptions"] == {
        "httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": 1,
        "instanceMetadataTags": "disabled",
    }
    (device,) = lt["blockDeviceMappings"]
    assert device["deviceName"] == "/dev/xvda"
    assert device["ebs"] == {"volumeType": "gp3", "volumeSize": 50, "encrypted": "true", "kmsKeyId": CMK,
                             "deleteOnTermination": "true"}
    assert {spec["resourceType"] for spec in lt["tagSpecifications"]} == {"instance", "volume"}
    for prohibited in ("instanceType", "imageId", "iamInstanceProfile", "networkInterfaces", "userData"):
        assert prohibited not in lt, prohibited


def test_system_node_group_spans_every_zone(plan, public_plan):
    nodes = plan.named("eks-system-nodes").inputs
    assert nodes["subnetIds"] == SUBNETS
    assert nodes["amiType"] == "AL2023_x86_64_STANDARD"
    assert nodes["capacityType"] == "ON_DEMAND"
    assert nodes["instanceTypes"] == ["m7i.large"]
    assert nodes["scalingConfig"] == {"minSize": 3, "desiredSize": 3, "maxSize": 6}
    assert nodes["updateConfig"] == {"maxUnavailable": 1}
    assert nodes["nodeRepairConfig"] == {"enabled": True}
    assert nodes["version"] == "1.35"
    assert nodes["launchTemplate"]["version"] == "1"  # the template's latest version
    assert nodes["launchTemplate"]["id"].startswith("lt-")
    assert nodes["labels"] == {"blueprint.dev/node-role": "system"}
    assert nodes["nodeRoleArn"].startswith("arn:aws:iam::123456789012:role/eks-node-role")
    two = public_plan.named("eks-system-nodes").inputs
    assert two["subnetIds"] == SUBNETS[:2]
    assert two["scalingConfig"] == {"minSize": 4, "desiredSize": 4, "maxSize": 8}


def test_desired_size_left_to_the_autoscaler(monkeypatch):
    seen = capture_opts(monkeypatch, aws.eks, "NodeGroup")
    _plan(_args())
    assert seen["eks-system-nodes"].ignore_changes == ["scalingConfig.desiredSize"]


def test_all_children_parented_and_in_the_providers_region(plan):
    component = plan.of_type("blueprint:aws:EksCluster")[0]
    children = [r for r in plan.resources if r.parent == component.urn]
    assert len(children) == len(plan.resources) - 2  # all but the provider and the component
    for r in children:
        assert r.region == ("global" if r.type.startswith("aws:iam/") else REGION), r.name


# --- outputs -----------------------------------------------------------------------------------


def test_outputs(plan):
    out = plan.outputs
    assert out["cluster_name"] == "blueprint-prod"
    assert out["arn"] == "arn:aws:eks:eu-central-1:123456789012:cluster/blueprint-prod"
    assert out["endpoint"].startswith("https://") and out["endpoint"].endswith(".eu-central-1.eks.amazonaws.com")
    assert out["certificate_authority_data"]
    assert out["oidc_issuer_url"].startswith("https://oidc.eks.eu-central-1.amazonaws.com/id/")
    assert out["cluster_security_group_id"].startswith("sg-")
    assert out["node_role_arn"].startswith("arn:aws:iam::123456789012:role/eks-node-role")
    assert out["node_role_name"].startswith("eks-node-role")
    assert out["vpc_id"] == "vpc-0abc12345def67890"


def test_kubeconfig_is_secret_and_uses_aws_eks_get_token(plan):
    assert plan.outputs["kubeconfig"] == "[secret]"
    config = json.loads(plan.outputs["kubeconfig_plain"])
    (cluster,) = config["clusters"]
    assert cluster["cluster"]["server"] == plan.outputs["endpoint"]
    assert cluster["cluster"]["certificate-authority-data"] == plan.outputs["certificate_authority_data"]
    (user,) = config["users"]
    exec_ = user["user"]["exec"]
    assert exec_["apiVersion"] == "client.authentication.k8s.io/v1beta1"
    assert exec_["command"] == "aws"
    assert exec_["args"][:6] == ["eks", "get-token", "--cluster-name", "blueprint-prod", "--region", REGION]
    assert config["current-context"] == config["contexts"][0]["name"]


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["-prod", "prod cluster", "", "a" * 101, "prod.eks"])
def test_fails_invalid_cluster_name(name):
    with pytest.raises(ValidationError, match="cluster_name: .* is not a valid EKS cluster name"):
        _args(cluster_name=name)


@pytest.mark.parametrize("version", ["1.35.2", "v1.35", "2.0", "1.5"])
def test_fails_kubernetes_version_format(version):
    with pytest.raises(ValidationError, match=r"kubernetes_version: .* use '1\.NN'"):
        _args(kubernetes_version=version)


def test_fails_single_subnet():
    with pytest.raises(ValidationError, match="private_subnet_ids: 1 subnet"):
        _args(private_subnet_ids=SUBNETS[:1])


def test_fails_duplicate_subnet():
    with pytest.raises(ValidationError, match="private_subnet_ids: .* twice"):
        _args(private_subnet_ids=[SUBNETS[0], SUBNETS[0]])


@pytest.mark.parametrize("cidr", ["0.0.0.0/0", "::/0"])
def test_fails_public_endpoint_open_to_the_internet(cidr):
    with pytest.raises(ValidationError, match="public_access_cidrs: .* whole internet"):
        _args(public_access_cidrs=(cidr,))


def test_fails_ipv6_public_cidr_on_an_ipv4_cluster():
    with pytest.raises(ValidationError, match="public_access_cidrs: '2001:db8::/48' is IPv6"):
        _args(public_access_cidrs=("2001:db8::/48",))


def test_fails_more_public_cidrs_than_the_eks_quota():
    with pytest.raises(ValidationError, match="41 CIDRs; EKS accepts at most 40"):
        _args(public_access_cidrs=tuple(f"198.51.100.{i}/32" for i in range(41)))


@pytest.mark.parametrize("cidr", ["10.0.0.1/8", "300.1.2.0/24", "office"])
def test_fails_invalid_public_cidr(cidr):
    with pytest.raises(ValidationError, match="public_access_cidrs: .* is not a network CIDR"):
        _args(public_access_cidrs=(cidr,))


def test_fails_assumed_role_session_with_hint():
    arn = "arn:aws:sts::123456789012:assumed-role/PlatformAdmin/alice@example.com"
    with pytest.raises(ValidationError, match=r"admin_principal_arns: .* 'arn:aws:iam::123456789012:role/PlatformAdmin'"):
        _args(admin_principal_arns=(arn,))


@pytest.mark.parametrize("arn", ["PlatformAdmin", "arn:aws:iam::123456789012:group/admins", "arn:aws:iam::1234:role/x"])
def test_fails_principal_that_is_not_a_role_or_user(arn):
    with pytest.raises(ValidationError, match="admin_principal_arns: .* is not an IAM role or user ARN"):
        _args(admin_principal_arns=(arn,))


def test_fails_duplicate_admin():
    with pytest.raises(ValidationError, match="admin_principal_arns: .* repeats the principal 'role-PlatformAdmin'"):
        _args(admin_principal_arns=(ADMIN, "arn:aws:iam::123456789012:role/team/PlatformAdmin"))


@pytest.mark.parametrize("days", [0, 366, 10000])
def test_fails_log_retention_not_allowed_by_cloudwatch(days):
    with pytest.raises(ValidationError, match=f"log_retention_days: {days} is not a CloudWatch Logs retention value"):
        _args(log_retention_days=days)


@pytest.mark.parametrize("instance_type", ["m7g.large", "c7gn.xlarge", "a1.large"])
def test_fails_graviton_system_nodes(instance_type):
    with pytest.raises(ValidationError, match="system_node_instance_type: .* Graviton"):
        _args(system_node_instance_type=instance_type)


def test_fails_malformed_instance_type():
    with pytest.raises(ValidationError, match="system_node_instance_type: 'large' is not an EC2 instance type"):
        _args(system_node_instance_type="large")


@pytest.mark.parametrize("count", [0, 11])
def test_fails_system_nodes_per_zone_out_of_range(count):
    with pytest.raises(ValidationError, match=f"system_nodes_per_zone: {count} is outside 1..10"):
        _args(system_nodes_per_zone=count)


def test_fails_kms_alias_instead_of_key():
    with pytest.raises(ValidationError, match="kms_key_arn: .* is not a KMS key ARN"):
        _args(kms_key_arn="alias/eks")


def test_fails_vpc_id_that_is_not_a_vpc():
    with pytest.raises(ValidationError, match="vpc_id: 'subnet-0abc1234' is not a VPC id"):
        _args(vpc_id="subnet-0abc1234")


def test_fails_unknown_field():
    with pytest.raises(ValidationError, match="endpoint_public_access"):
        _args(endpoint_public_access=True)


def test_vpc_cni_enforces_network_policies(plan):
    import json

    cni = next(r for r in plan.of_type("aws:eks/addon:Addon") if r.inputs["addonName"] == "vpc-cni")
    assert json.loads(cni.inputs["configurationValues"]) == {"enableNetworkPolicy": "true"}
    others = [r for r in plan.of_type("aws:eks/addon:Addon") if r.inputs["addonName"] != "vpc-cni"]
    assert others and all("configurationValues" not in r.inputs for r in others)


# --- access scoped per role (issue 18) ----------------------------------------------------------

BREAK_GLASS = "arn:aws:iam::123456789012:role/prod-break-glass-dr"
DEV = "arn:aws:iam::123456789012:role/ml-developers"
AUDITOR = "arn:aws:iam::123456789012:role/auditors"


def test_defaults_grant_no_scoped_access():
    args = _args()
    assert args.break_glass_role_arn is None and args.namespace_access == ()


def test_break_glass_is_cluster_admin_others_only_namespace_scoped():
    from blueprint.components.aws.eks_cluster import NamespaceAccess

    plan = _plan(_args(admin_principal_arns=(), break_glass_role_arn=BREAK_GLASS, namespace_access=(
        NamespaceAccess(principal_arn=DEV, policy="edit", namespaces=("fraud-scoring", "recommendations")),
        NamespaceAccess(principal_arn=AUDITOR, policy="view", namespaces=("fraud-scoring",)))))
    glass = plan.named("eks-admin-break-glass").inputs
    assert glass["policyArn"].endswith("/AmazonEKSClusterAdminPolicy") and glass["accessScope"] == {"type": "cluster"}
    assert plan.named("eks-access-break-glass").inputs["principalArn"] == BREAK_GLASS
    edit = plan.named("eks-edit-role-ml-developers").inputs
    assert edit["policyArn"] == "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy"
    assert edit["accessScope"] == {"type": "namespace", "namespaces": ["fraud-scoring", "recommendations"]}
    view = plan.named("eks-view-role-auditors").inputs
    assert view["policyArn"].endswith("/AmazonEKSViewPolicy") and view["accessScope"]["type"] == "namespace"
    admins = [a for a in plan.of_type("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")
              if a.inputs["policyArn"].endswith("ClusterAdminPolicy")]
    assert [a.name for a in admins] == ["eks-admin-break-glass"]


@pytest.mark.parametrize("field, value, match", [
    ("principal_arn", "arn:aws:sts::123456789012:assumed-role/x/y", "principal_arn"),
    ("namespaces", ("Not_A_Namespace",), "namespaces"),
    ("namespaces", (), "namespaces"),
    ("policy", "admin", "policy"),
])
def test_fails_invalid_namespace_access(field, value, match):
    from blueprint.components.aws.eks_cluster import NamespaceAccess

    base = {"principal_arn": DEV, "policy": "edit", "namespaces": ("ns",)}
    with pytest.raises(ValidationError, match=match):
        NamespaceAccess(**{**base, field: value})
