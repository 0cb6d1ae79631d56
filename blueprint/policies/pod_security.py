"""Pod security: no workload the stack deploys runs privileged or shares the node's namespaces.

The Kubernetes "Pod Security Standards" (https://kubernetes.io/docs/concepts/security/pod-security-standards/)
baseline forbids ``hostNetwork``, ``hostPID``, ``hostIPC`` and ``privileged`` containers, and the
restricted profile requires ``allowPrivilegeEscalation: false`` on every container (unset means
allowed). The components set all of these (InferenceService, GpuEnablement's device plugin); this
rule keeps a tampered plan or a hand-written Deployment from dropping them. checkov's CKV_K8S_16..20
check the same on the rendered manifests.
"""

from __future__ import annotations

from typing import Any, Iterable

from blueprint.types import k8s
from blueprint.policies.model import MANDATORY, Context, Resource, Rule, is_unknown, truthy

HOST_NAMESPACES = ("hostNetwork", "hostPID", "hostIPC")
WORKLOAD_TYPES = (k8s.DEPLOYMENT, k8s.DAEMON_SET, k8s.STATEFUL_SET, k8s.REPLICA_SET, k8s.JOB, k8s.CRON_JOB, k8s.POD)


def pod_spec(r: Resource) -> Any:
    """The pod spec a workload object carries (Pod: spec; CronJob: spec.jobTemplate.spec.template.spec)."""
    if r.type == k8s.POD:
        return r.get("spec")
    if r.type == k8s.CRON_JOB:
        return r.get("spec", "jobTemplate", "spec", "template", "spec")
    return r.get("spec", "template", "spec")


def _containers(spec: dict[str, Any]) -> Iterable[tuple[str, dict[str, Any]]]:
    for kind in ("initContainers", "containers", "ephemeralContainers"):
        for c in spec.get(kind) or []:
            if isinstance(c, dict):
                yield f"{kind}[{c.get('name')!r}]", c


def _container_problems(where: str, container: dict[str, Any]) -> Iterable[str]:
    context = container.get("securityContext")
    if is_unknown(context):
        return
    context = context if isinstance(context, dict) else {}
    if truthy(context.get("privileged")) is True:
        yield f"{where} is privileged (securityContext.privileged true)"
    escalation = context.get("allowPrivilegeEscalation")
    if not is_unknown(escalation) and escalation is not False:
        yield f"{where} securityContext.allowPrivilegeEscalation is {escalation!r}, must be false"


def check_pod_security(r: Resource, ctx: Context) -> Iterable[str]:
    spec = pod_spec(r)
    if is_unknown(spec) or not isinstance(spec, dict):
        return
    for key in HOST_NAMESPACES:
        if truthy(spec.get(key)) is True:
            yield f"{r.type} {r.name!r}: pod spec {key} is true (shares the node's namespace); it must be false or unset"
    for where, container in _containers(spec):
        for problem in _container_problems(where, container):
            yield f"{r.type} {r.name!r}: {problem}"


RULES = (
    Rule(
        id="k8s-pod-security",
        description="Kubernetes workloads (Deployment, DaemonSet, StatefulSet, ReplicaSet, Job, CronJob, Pod) share "
                    "no host namespace (hostNetwork, hostPID, hostIPC), run no privileged container, and set "
                    "allowPrivilegeEscalation false on every container.",
        enforcement=MANDATORY,
        remediation="Keep the components' security contexts (blueprint.components.k8s.InferenceService): "
                    "privileged false, allow_privilege_escalation False, no host namespaces.",
        category="exposure", scope="resource", check=check_pod_security, types=WORKLOAD_TYPES,
    ),
)
