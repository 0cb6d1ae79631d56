"""pulumi-kubernetes types in the type registry (blueprint/types/__init__.py).

Tokens are ``kubernetes:<group>/<version>:<Kind>`` (https://www.pulumi.com/registry/packages/kubernetes/api-docs/;
CRDs as KEDA's and the AWS Load Balancer Controller's are typed by their group and version). They are
no Terraform resources: blueprint/export renders them as manifests (k8s/*.yaml) instead.
"""

from __future__ import annotations

PACKAGE_PREFIX = "kubernetes:"

DAEMON_SET = "kubernetes:apps/v1:DaemonSet"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
HORIZONTAL_POD_AUTOSCALER = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"
NAMESPACE = "kubernetes:core/v1:Namespace"
RESOURCE_QUOTA = "kubernetes:core/v1:ResourceQuota"
SERVICE = "kubernetes:core/v1:Service"
SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount"
TARGET_GROUP_BINDING = "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding"
HELM_RELEASE = "kubernetes:helm.sh/v3:Release"
HELM_CHART = "kubernetes:helm.sh/v4:Chart"
KEDA_CLUSTER_TRIGGER_AUTHENTICATION = "kubernetes:keda.sh/v1alpha1:ClusterTriggerAuthentication"
KEDA_SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject"
NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
POD_DISRUPTION_BUDGET = "kubernetes:policy/v1:PodDisruptionBudget"
PRIORITY_CLASS = "kubernetes:scheduling.k8s.io/v1:PriorityClass"
# Kinds that carry a pod template (the pod-security rule, blueprint/policies/pod_security.py).
POD = "kubernetes:core/v1:Pod"
REPLICA_SET = "kubernetes:apps/v1:ReplicaSet"
STATEFUL_SET = "kubernetes:apps/v1:StatefulSet"
JOB = "kubernetes:batch/v1:Job"
CRON_JOB = "kubernetes:batch/v1:CronJob"

HELM_TYPES = (HELM_RELEASE, HELM_CHART)

TERRAFORM: dict[str, str] = {}
ROLES: dict[str, str] = {
    HELM_RELEASE: "chart", HELM_CHART: "chart", HORIZONTAL_POD_AUTOSCALER: "scaler", KEDA_SCALED_OBJECT: "scaler",
    SERVICE: "service", DEPLOYMENT: "workload", DAEMON_SET: "workload",
}
ENCRYPTION: dict[str, str] = {}
ZONE_KEYS: dict[str, tuple[str, ...]] = {}
# Types with no role for the readers, known so that a stack planning them is covered.
OTHER: frozenset[str] = frozenset({
    NAMESPACE, RESOURCE_QUOTA, SERVICE_ACCOUNT, TARGET_GROUP_BINDING, KEDA_CLUSTER_TRIGGER_AUTHENTICATION,
    NETWORK_POLICY, POD_DISRUPTION_BUDGET, PRIORITY_CLASS, POD, REPLICA_SET, STATEFUL_SET, JOB, CRON_JOB,
})
