"""Physical-name limits of the Kubernetes objects the shipped components plan (pulumi-kubernetes).

Autonaming: pulumi-kubernetes names an object without ``metadata.name`` ``<logical name>-<8 random
hex>`` (``metadata.AssignNameIfAutonamable``: ``resource.NewUniqueName(seed, urn.Name()+"-", 0, 0,
nil)``, whose default length is 8; github.com/pulumi/pulumi-kubernetes
provider/pkg/metadata/naming.go and github.com/pulumi/pulumi sdk/go/common/resource/resource_id.go).

Limits: the API server's name validation (k8s.io/apimachinery pkg/util/validation/validation.go:
DNS-1123 subdomain 253, DNS-1123 label 63, DNS-1035 label 63), applied per kind as documented at
https://kubernetes.io/docs/concepts/overview/working-with-objects/names/ ; Helm release names at
most 53 (helm pkg/chartutil/validate_name.go, ``maxReleaseNameLen``).
"""

from __future__ import annotations

from blueprint.readiness.name_rule import DNS1035_LABEL, DNS1123_LABEL, DNS1123_SUBDOMAIN, Autoname, NameRule

_NAMES_DOC = "https://kubernetes.io/docs/concepts/overview/working-with-objects/names/"
AUTONAME = Autoname(random=8, source="github.com/pulumi/pulumi-kubernetes provider/pkg/metadata/naming.go (AssignNameIfAutonamable)")

SUBDOMAIN = NameRule(
    "metadata.name", 253, DNS1123_SUBDOMAIN,
    "a DNS-1123 subdomain: at most 253 lower-case letters, digits, '-' or '.', starting and ending with a letter or digit",
    f"{_NAMES_DOC}#dns-subdomain-names", autoname=AUTONAME)
LABEL = NameRule(
    "metadata.name", 63, DNS1123_LABEL,
    "a DNS-1123 label: at most 63 lower-case letters, digits or '-', starting and ending with a letter or digit",
    f"{_NAMES_DOC}#dns-label-names", autoname=AUTONAME)
# Services: RFC 1035 label (must start with a letter) - k8s.io/kubernetes pkg/apis/core/validation
# ValidateServiceName = apimachineryvalidation.NameIsDNS1035Label.
SERVICE = NameRule(
    "metadata.name", 63, DNS1035_LABEL,
    "an RFC 1035 label: at most 63 lower-case letters, digits or '-', starting with a letter, not ending with '-'",
    f"{_NAMES_DOC}#rfc-1035-label-names", autoname=AUTONAME)
# KEDA's webhook: a ScaledObject's name is a label value (scaledobject.keda.sh/name, at most 63) and,
# without advanced.horizontalPodAutoscalerConfig.name, the HPA it creates is ``keda-hpa-<name>``, a
# DNS-1123 label of at most 63: so at most 63 - len("keda-hpa-") = 54 (kedacore/keda
# apis/keda/v1alpha1/scaledobject_webhook.go maxK8sLabelValueLength, getHpaName; KEDA 2.20.0+).
SCALED_OBJECT = NameRule(
    "metadata.name", 54, DNS1123_LABEL,
    "a DNS-1123 label of at most 54 characters (KEDA names its HPA keda-hpa-<name>, a label of at most 63)",
    "kedacore/keda apis/keda/v1alpha1/scaledobject_webhook.go (maxK8sLabelValueLength, getHpaName)", autoname=AUTONAME)
HELM_RELEASE = NameRule(
    "name", 53, DNS1123_SUBDOMAIN, "at most 53 lower-case letters, digits, '-' or '.' (a DNS-1123 subdomain)",
    "helm pkg/chartutil/validate_name.go (maxReleaseNameLen = 53, ValidateReleaseName)", autoname=AUTONAME)

K8S_NAME_RULES: dict[str, NameRule] = {
    "kubernetes:core/v1:Namespace": LABEL,
    "kubernetes:core/v1:Service": SERVICE,
    "kubernetes:core/v1:ServiceAccount": SUBDOMAIN,
    "kubernetes:core/v1:ConfigMap": SUBDOMAIN,
    "kubernetes:core/v1:Secret": SUBDOMAIN,
    "kubernetes:apps/v1:Deployment": SUBDOMAIN,
    "kubernetes:apps/v1:DaemonSet": SUBDOMAIN,
    "kubernetes:autoscaling/v2:HorizontalPodAutoscaler": SUBDOMAIN,
    "kubernetes:policy/v1:PodDisruptionBudget": SUBDOMAIN,
    "kubernetes:networking.k8s.io/v1:NetworkPolicy": SUBDOMAIN,
    "kubernetes:scheduling.k8s.io/v1:PriorityClass": SUBDOMAIN,
    "kubernetes:rbac.authorization.k8s.io/v1:Role": SUBDOMAIN,
    "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": SUBDOMAIN,
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole": SUBDOMAIN,
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding": SUBDOMAIN,
    "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding": SUBDOMAIN,
    "kubernetes:networking.gke.io/v1:ServiceNetworkEndpointGroup": SUBDOMAIN,
    "kubernetes:core/v1:ResourceQuota": SUBDOMAIN,
    "kubernetes:keda.sh/v1alpha1:ScaledObject": SCALED_OBJECT,
    "kubernetes:keda.sh/v1alpha1:ClusterTriggerAuthentication": SUBDOMAIN,
    "kubernetes:helm.sh/v3:Release": HELM_RELEASE,
}

K8S_NO_NAME: frozenset[str] = frozenset()
