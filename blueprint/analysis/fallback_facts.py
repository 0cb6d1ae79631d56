"""Degraded-serving facts (issue 18, ``service.fallback``), read from a plan, cloud-neutrally where
possible: a workload's fallback Deployments are found by their role label (``blueprint-role:
fallback``, blueprint/components/k8s/_labels.py, set by FallbackService on every object), by region.
A fallback counts in a region (``WorkloadFacts.fallback_regions``) only when its routing is planned
there too: on GCP a backend of the workload's global backend service whose NEG is the one the
fallback Service's ``cloud.google.com/neg`` annotation names, in that region, with capacityScaler > 0
(:func:`read_gcp`); the AWS module fills the same fields from its own routing (aws_facts.py), using
:func:`fallback_deployments` and :func:`apply`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, Iterable, Mapping

import yaml

from blueprint.plan.model import PlannedResource
from blueprint.types import gcp, k8s

# The role label FallbackService sets (blueprint.components.k8s._labels.ROLE_LABEL / FALLBACK_ROLE;
# tests/analysis/test_fallback_facts.py asserts they agree). The read model never imports components.
ROLE_LABEL, FALLBACK_ROLE = "blueprint-role", "fallback"
NEG_ANNOTATION = "cloud.google.com/neg"


def _metadata(r: PlannedResource) -> Mapping[str, Any]:
    meta = r.inputs.get("metadata")
    return meta if isinstance(meta, dict) else {}


def is_fallback(r: PlannedResource) -> bool:
    labels = _metadata(r).get("labels")
    return isinstance(labels, dict) and labels.get(ROLE_LABEL) == FALLBACK_ROLE


def fallback_deployments(resources: Iterable[PlannedResource]) -> dict[str, dict[str, PlannedResource]]:
    """Workload -> region -> its fallback Deployment there."""
    found: dict[str, dict[str, PlannedResource]] = defaultdict(dict)
    for r in resources:
        if r.type == k8s.DEPLOYMENT and r.workload and r.region and is_fallback(r):
            found[r.workload].setdefault(r.region, r)
    return found


def gcp_fallback_neg_names(resources: Iterable[PlannedResource]) -> dict[tuple[str, str], str]:
    """(region, NEG name) -> workload, for the NEGs a fallback Service's annotation names."""
    names: dict[tuple[str, str], str] = {}
    for r in resources:
        if r.type != k8s.SERVICE or not r.workload or not r.region or not is_fallback(r):
            continue
        annotation = (_metadata(r).get("annotations") or {}).get(NEG_ANNOTATION)
        try:
            ports = json.loads(annotation).get("exposed_ports") or {} if isinstance(annotation, str) else {}
        except ValueError:
            continue
        for port in ports.values():
            if isinstance(port, dict) and isinstance(port.get("name"), str):
                names[(r.region, port["name"])] = r.workload
    return names


def apply(workloads: Mapping[str, Any], deployments: Mapping[str, Mapping[str, PlannedResource]],
          routed: Mapping[str, Mapping[str, str]]) -> None:
    """Fill each workload's fallback fields: ``routed`` is workload -> region -> what routes to it there."""
    for name, by_region in deployments.items():
        w = workloads.get(name)
        if w is None:
            continue
        ways = routed.get(name, {})
        w.fallback_regions = tuple(sorted(r for r in by_region if r in ways))
        w.fallback_unrouted = tuple(sorted(r for r in by_region if r not in ways))
        w.fallback_source = "; ".join(f"{region}: {by_region[region].urn}, routed by {ways[region]}"
                                      for region in w.fallback_regions)


def read_gcp(workloads: Mapping[str, Any], resources: list[PlannedResource], negs_by_key: Mapping[str, PlannedResource],
             backend_services: Iterable[PlannedResource], refs) -> None:
    """GCP: a fallback is routed in a region when the workload's backend service has a backend on a NEG
    of that region named by the fallback Service's annotation, at capacityScaler > 0 (``refs``: the
    reference keys of a backend's ``group``, gcp_facts._ref)."""
    names = gcp_fallback_neg_names(resources)
    routed: dict[str, dict[str, str]] = defaultdict(dict)
    # (workload, region) -> the preferences of its GPU backends / of its fallback backends there.
    layers: dict[tuple[str, str, bool], set[str]] = defaultdict(set)
    for bs in backend_services:
        for backend in bs.inputs.get("backends") or []:
            if not isinstance(backend, dict):
                continue
            neg = next((negs_by_key[k] for k in refs(backend.get("group")) if k in negs_by_key), None)
            if neg is None or not neg.region:
                continue
            preference = backend.get("preference") or "DEFAULT"  # the API's default (PREFERENCE_UNSPECIFIED)
            fallback = names.get((neg.region, str(neg.inputs.get("name")))) == bs.workload
            layers[(bs.workload, neg.region, fallback)].add(preference)
            scaler = backend.get("capacityScaler")
            if not fallback or (scaler is not None and float(scaler) <= 0):
                continue
            routed[bs.workload][neg.region] = f"{bs.urn} (NEG backends, preference {preference})"
    apply(workloads, fallback_deployments(resources), routed)
    for name, w in workloads.items():
        w.fallback_shares_layer = tuple(r for r in w.fallback_regions
                                        if layers[(name, r, True)] & layers[(name, r, False)] - {"PREFERRED"})


# The failover workflow's step that makes the standby's GPU backends a serving region's (capacityScaler 1,
# preference PREFERRED): blueprint/components/gcp/_failover_source.py PROMOTE_STEP / PROMOTED_PREFERENCE
# (tests/analysis/test_degraded_serving.py asserts they agree; the read model never imports components).
PROMOTE_STEP, PROMOTED_PREFERENCE = "traffic_raise", "PREFERRED"


def _assigns(node: Any, step: str) -> Iterable[dict]:
    """Every assignment of the step named ``step`` anywhere in a parsed Workflows program."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == step and isinstance(value, dict):
                yield from (a for a in value.get("assign") or [] if isinstance(a, dict))
            yield from _assigns(value, step)
    elif isinstance(node, list):
        for item in node:
            yield from _assigns(item, step)


def read_gcp_promotion(workloads: Mapping[str, Any], workflows: Iterable[PlannedResource]) -> None:
    """``fallback_promoted_by``: the workload's failover workflow whose source sets the standby's GPU backends'
    ``preference`` to PREFERRED (PROMOTE_STEP), read from its ``sourceContents``."""
    for wf in workflows:
        w = workloads.get(wf.workload or "")
        if w is None or not w.fallback_shares_layer:
            continue
        try:
            program = yaml.safe_load(str(wf.inputs.get("sourceContents") or "")) or {}
        except yaml.YAMLError:
            continue
        if any(a.get("scaled.preference") == PROMOTED_PREFERENCE for a in _assigns(program, PROMOTE_STEP)):
            w.fallback_promoted_by = f"{wf.urn} (step {PROMOTE_STEP}: the standby's GPU backends PREFERRED)"


def gcp_fallback_neg_keys(resources: Iterable[PlannedResource], keys) -> set[str]:
    """Every reference key (``keys``: gcp_facts._keys) of the NEGs a fallback Service names: the GPU
    routing facts leave these backends out (they are not the workload's GPU capacity)."""
    resources = list(resources)
    names = gcp_fallback_neg_names(resources)
    found: set[str] = set()
    for r in resources:
        if r.type == gcp.COMPUTE_NETWORK_ENDPOINT_GROUP and r.region and (r.region, str(r.inputs.get("name"))) in names:
            found |= keys(r)
    return found
