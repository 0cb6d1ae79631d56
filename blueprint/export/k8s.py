"""Planned pulumi-kubernetes resources rendered as Kubernetes manifests (``k8s/*.yaml``).

A pulumi-kubernetes resource's inputs are the Kubernetes object itself (``apiVersion``, ``kind``,
``metadata``, ``spec`` / ``data`` / ``rules`` ...), so a manifest is those inputs with the API
version and kind taken from the type token when the inputs omit them
(``kubernetes:apps/v1:Deployment`` -> ``apps/v1`` / ``Deployment``;
``kubernetes:core/v1:Service`` -> ``v1`` / ``Service``). Types that are not one Kubernetes object
(Helm releases, YAML/Kustomize groups, providers) are skipped and listed.

Custom resources (``kubernetes:apiextensions.k8s.io/v1:CustomResource`` instances carry their own
token, e.g. ``kubernetes:keda.sh/v1alpha1:ScaledObject``) render the same way. Their API versions are
``CUSTOM_RESOURCE_API_VERSIONS``: Kubernetes' built-in schemas (kubernetes-validate) do not know them,
so schema validation skips them and the component tests check their shape instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from blueprint.plan.model import Plan
from blueprint.types import k8s

# pulumi-kubernetes types that stand for something other than a single API object.
_NOT_OBJECTS = re.compile(r"^kubernetes:(helm\.sh/|yaml/|kustomize/|index:|pulumi:)")
_TOKEN = re.compile(r"^kubernetes:(?P<group>[^/]+)/(?P<version>[^:]+):(?P<kind>.+)$")
# API versions of the custom resources the components plan, installed by a controller's chart:
# the AWS Load Balancer Controller's TargetGroupBinding, KEDA's ScaledObject and
# ClusterTriggerAuthentication (kedacore/charts keda/templates/crds).
CUSTOM_RESOURCE_API_VERSIONS = frozenset({"elbv2.k8s.aws/v1beta1", "keda.sh/v1alpha1"})
# Keys pulumi-kubernetes adds to inputs that are not part of the object.
_PULUMI_ONLY = frozenset({"__defaults", "__inputs"})


@dataclass
class Manifest:
    filename: str
    urn: str
    document: dict[str, Any]


@dataclass
class ManifestExport:
    manifests: list[Manifest] = field(default_factory=list)
    skipped: dict[str, list[str]] = field(default_factory=dict)


def api_version_and_kind(token: str) -> tuple[str, str] | None:
    """``kubernetes:apps/v1:Deployment`` -> ("apps/v1", "Deployment"); None for non-objects."""
    if _NOT_OBJECTS.match(token):
        return None
    match = _TOKEN.match(token)
    if not match:
        return None
    group, version, kind = match["group"], match["version"], match["kind"]
    return (version if group == "core" else f"{group}/{version}"), kind


def kubernetes_manifests(plan: Plan) -> ManifestExport:
    result = ManifestExport()
    used: set[str] = set()
    for r in plan.resources:
        if not r.custom or not r.type.startswith(k8s.PACKAGE_PREFIX):
            continue
        found = api_version_and_kind(r.type)
        if found is None:
            result.skipped.setdefault(r.type, []).append(r.urn)
            continue
        api_version, kind = found
        body = {k: _whole(v) for k, v in r.inputs.items() if k not in _PULUMI_ONLY and v is not None}
        body.pop("apiVersion", None)
        body.pop("kind", None)
        metadata = dict(body.pop("metadata", None) or {})
        metadata.setdefault("name", r.name)
        document = {"apiVersion": r.inputs.get("apiVersion") or api_version, "kind": r.inputs.get("kind") or kind,
                    "metadata": metadata, **body}
        scope = [metadata["namespace"]] if metadata.get("namespace") else []  # cluster-scoped objects have none
        stem = re.sub(r"[^a-z0-9.-]+", "-", "-".join([kind, *scope, str(metadata["name"])]).lower()).strip("-")
        filename, n = f"{stem}.yaml", 2
        while filename in used:
            filename, n = f"{stem}-{n}.yaml", n + 1
        used.add(filename)
        result.manifests.append(Manifest(filename, r.urn, document))
    return result


def _whole(value: Any) -> Any:
    """Whole floats back to integers (replicas: 2, not 2.0), recursively."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_whole(v) for v in value]
    if isinstance(value, dict):
        return {k: _whole(v) for k, v in value.items()}
    return value
