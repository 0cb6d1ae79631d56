"""Pod hardening, probes and zone spread shared by the serving Deployments (InferenceService,
FallbackService): one definition, so the GPU service and its fallback stay equally hardened."""

from __future__ import annotations

from typing import Any

# Pod Security 'restricted' (https://kubernetes.io/docs/concepts/security/pod-security-standards/):
# non-root, no privilege escalation, every capability dropped, RuntimeDefault seccomp; plus a
# read-only root filesystem (writes go to the /tmp emptyDir).
CONTAINER_SECURITY_CONTEXT: dict[str, Any] = {
    "runAsNonRoot": True,
    "readOnlyRootFilesystem": True,
    "allowPrivilegeEscalation": False,
    "privileged": False,
    "capabilities": {"drop": ["ALL"]},
    "seccompProfile": {"type": "RuntimeDefault"},
}
STARTUP_PROBE_PERIOD_S = 10


def pod_security_context(uid: int) -> dict[str, Any]:
    """The pod's non-root identity (user, group and volume group ``uid``) and RuntimeDefault seccomp."""
    return {"runAsNonRoot": True, "runAsUser": uid, "runAsGroup": uid, "fsGroup": uid, "seccompProfile": {"type": "RuntimeDefault"}}


def container_security_context() -> dict[str, Any]:
    """A copy of CONTAINER_SECURITY_CONTEXT (each object gets its own dict)."""
    return {**CONTAINER_SECURITY_CONTEXT, "capabilities": {"drop": ["ALL"]}, "seccompProfile": {"type": "RuntimeDefault"}}


def http_probes(readiness_path: str, liveness_path: str, period_s: int, timeout_s: int, startup_timeout_s: int) -> dict[str, Any]:
    """Readiness (as fast as the load balancer's check), liveness, and a startup probe that allows
    ``startup_timeout_s`` for the model to load before liveness applies; all on the ``http`` port."""
    http = {"port": "http", "scheme": "HTTP"}
    return {
        "readinessProbe": {"httpGet": {**http, "path": readiness_path}, "periodSeconds": period_s, "timeoutSeconds": timeout_s,
                           "failureThreshold": 3, "successThreshold": 1},
        "livenessProbe": {"httpGet": {**http, "path": liveness_path}, "periodSeconds": 10, "timeoutSeconds": 5, "failureThreshold": 3},
        "startupProbe": {"httpGet": {**http, "path": liveness_path}, "periodSeconds": STARTUP_PROBE_PERIOD_S, "timeoutSeconds": 5,
                         "failureThreshold": -(-startup_timeout_s // STARTUP_PROBE_PERIOD_S)},
    }


def zone_spread(selector: dict[str, str]) -> list[dict[str, Any]]:
    """Hard: never more than one pod of difference between zones, so a zone loss takes at most its
    share of the pods. Soft: spread over nodes inside a zone too."""
    return [
        {"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "DoNotSchedule",
         "labelSelector": {"matchLabels": selector}, "matchLabelKeys": ["pod-template-hash"]},
        {"maxSkew": 1, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "ScheduleAnyway",
         "labelSelector": {"matchLabels": selector}, "matchLabelKeys": ["pod-template-hash"]},
    ]
