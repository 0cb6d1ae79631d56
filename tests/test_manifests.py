"""`blueprint export` manifests: every object is valid for Kubernetes 1.35 (kubernetes-validate,
strict), and every served workload has its Deployment (probes, GPU limits, toleration, zone
spread), PodDisruptionBudget and autoscaler (HorizontalPodAutoscaler or KEDA ScaledObject); queued workloads have a queue with a
dead-letter policy and an age alarm; every pod is covered by a NetworkPolicy (default deny ingress,
the service port from the load balancer's CIDRs only). Planned for the shipped prod stack and a stack the code has
never seen."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from blueprint.export import export_plan
from blueprint.export.k8s import CUSTOM_RESOURCE_API_VERSIONS
from blueprint.plan.run import plan_stack
from blueprint.project import StackRef
from tests.conftest import ROOT, write_stack

# The clusters run Kubernetes 1.35 (EksCluster's default); kubernetes-validate 1.37.0 ships its schemas.
K8S_VERSION = "1.35.0"
# Custom resources have no schema in kubernetes-validate (it knows built-in kinds only): the
# TargetGroupBinding (AWS Load Balancer Controller CRD) and KEDA's ScaledObject and
# ClusterTriggerAuthentication are checked by the component tests instead.
CRD_API_VERSIONS = CUSTOM_RESOURCE_API_VERSIONS

UNSEEN = {
    "aws:region": "eu-west-1",
    "cloud": "aws",
    "environment": "qa",
    "residency": "eu",
    "primaryRegion": "eu-west-1",
    "secondaryRegion": "eu-west-3",
    "zonesPerRegion": 3,
    "dnsZone": "ml.example.eu",
    "deployerCidrs": ["203.0.113.10/32"],
    "workloads": [
        {"name": "ranker", "tier": "business-critical",
         "gpu": {"accelerator": "nvidia-t4", "gpusPerNode": 1, "minNodesPerZone": 1, "maxNodesPerZone": 3, "capacity": "on-demand"},
         "service": {"image": "registry.example.eu/ranker@sha256:" + "3" * 64, "port": 9000, "readinessPath": "/v1/ready",
                     "livenessPath": "/v1/live", "replicasPerZone": 2},
         "queue": {"maxReceiveCount": 4, "visibilityTimeoutSeconds": 120}},
        {"name": "captioner", "tier": "standard",
         "gpu": {"accelerator": "nvidia-t4", "gpusPerNode": 1, "minNodesPerZone": 1, "maxNodesPerZone": 2, "capacity": "on-demand"},
         "service": {"image": "registry.example.eu/captioner@sha256:" + "9" * 64, "port": 8080}},
        {"name": "ingest", "tier": "best-effort", "queue": {"maxReceiveCount": 10, "visibilityTimeoutSeconds": 60}},
    ],
}


def _export(plan, out: Path):
    result = export_plan(plan, out)
    docs = [(name, yaml.safe_load((result.k8s_dir / name).read_text())) for name in sorted(result.manifest_to_urn)]
    return plan, docs


@pytest.fixture(scope="module", params=["prod", "unseen"])
def exported(request, tmp_path_factory):
    if request.param == "prod":
        plan = plan_stack(ROOT, StackRef("prod", ROOT / "stacks" / "Pulumi.prod.yaml"))
        served, queued = ["fraud-scoring", "recommendations"], ["fraud-scoring", "batch-embeddings"]
    else:
        path = write_stack(tmp_path_factory.mktemp("unseen"), UNSEEN, name="qa")
        plan = plan_stack(ROOT, StackRef("qa", path))
        served, queued = ["ranker", "captioner"], ["ranker", "ingest"]
    plan, docs = _export(plan, tmp_path_factory.mktemp(f"export-{request.param}"))
    return plan, docs, served, queued


def _by_kind(docs, kind):
    return [d for _, d in docs if d["kind"] == kind]


def test_every_manifest_is_valid_for_kubernetes(exported):
    _, docs, _, _ = exported
    assert docs
    validated = skipped = 0
    for name, doc in docs:
        if doc["apiVersion"] in CRD_API_VERSIONS:
            skipped += 1
            continue
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
        validated += 1
    assert validated > skipped > 0


def test_every_served_workload_has_a_deployment_pdb_and_an_autoscaler(exported):
    _, docs, served, _ = exported
    deployments = defaultdict(list)
    for d in _by_kind(docs, "Deployment"):
        deployments[d["metadata"]["labels"]["blueprint-workload"]].append(d)
    pdbs = {d["metadata"]["labels"]["blueprint-workload"] for d in _by_kind(docs, "PodDisruptionBudget")}
    # The autoscaler: the CPU HPA, or a KEDA ScaledObject (which creates its HPA in the cluster);
    # never both for one Deployment (tests/components/k8s/test_inference_service.py).
    autoscaled = {d["metadata"]["labels"]["blueprint-workload"] for kind in ("HorizontalPodAutoscaler", "ScaledObject")
                  for d in _by_kind(docs, kind)}
    for workload in served:
        assert deployments[workload], workload
        assert workload in pdbs and workload in autoscaled, workload
        for d in deployments[workload]:
            pod = d["spec"]["template"]["spec"]
            (c,) = pod["containers"]
            assert c["readinessProbe"]["httpGet"]["path"] and c["livenessProbe"]["httpGet"]["path"] and c["startupProbe"]
            if d["metadata"]["labels"].get("blueprint-role") == "fallback":
                # the degraded mode (service.fallback) runs without GPUs, off the GPU nodes
                assert "nvidia.com/gpu" not in c["resources"].get("limits", {})
                assert not any(t.get("key") == "nvidia.com/gpu" for t in pod.get("tolerations", []))
            else:
                assert c["resources"]["limits"]["nvidia.com/gpu"] == "1"
                assert {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"} in pod["tolerations"]
            zone = [t for t in pod["topologySpreadConstraints"] if t["topologyKey"] == "topology.kubernetes.io/zone"]
            assert zone and zone[0]["maxSkew"] == 1 and zone[0]["whenUnsatisfiable"] == "DoNotSchedule"


def _selects(policy, pod_labels):
    match = policy["spec"]["podSelector"].get("matchLabels") or {}
    return all(pod_labels.get(k) == v for k, v in match.items())


def test_every_pod_is_covered_by_a_network_policy(exported):
    _, docs, served, _ = exported
    policies = _by_kind(docs, "NetworkPolicy")
    for kind in ("Deployment", "DaemonSet"):
        for d in _by_kind(docs, kind):
            ns, labels = d["metadata"]["namespace"], d["spec"]["template"]["metadata"]["labels"]
            mine = [p for p in policies if p["metadata"]["namespace"] == ns and _selects(p, labels)]
            assert any("Ingress" in p["spec"]["policyTypes"] for p in mine), (kind, ns, d["metadata"]["name"])
            # Only the container port is open, and only to CIDRs (the load balancer's sources), never to everyone.
            ports = {p["containerPort"] for c in d["spec"]["template"]["spec"]["containers"] for p in c.get("ports", [])}
            for p in mine:
                for rule in p["spec"].get("ingress") or []:
                    assert rule["from"] and all("ipBlock" in peer and peer["ipBlock"]["cidr"] != "0.0.0.0/0" for peer in rule["from"])
                    assert {r["port"] for r in rule["ports"]} <= ports
    served_namespaces = {d["metadata"]["namespace"] for d in _by_kind(docs, "Deployment")
                         if d["metadata"]["labels"].get("blueprint-workload") in served}
    default_deny = {p["metadata"]["namespace"] for p in policies if p["spec"]["podSelector"] == {} and not p["spec"].get("ingress")}
    assert served_namespaces and served_namespaces <= default_deny


def test_probes_use_the_configured_paths_in_the_unseen_stack(exported):
    plan, docs, served, _ = exported
    if "ranker" not in served:
        pytest.skip("prod stack")
    (ranker, *_) = [d for d in _by_kind(docs, "Deployment") if d["metadata"]["name"] == "ranker"]
    (c,) = ranker["spec"]["template"]["spec"]["containers"]
    assert c["readinessProbe"]["httpGet"]["path"] == "/v1/ready"
    assert c["livenessProbe"]["httpGet"]["path"] == "/v1/live"
    assert c["ports"] == [{"name": "http", "containerPort": 9000, "protocol": "TCP"}]


def test_queued_workloads_have_a_dead_letter_queue_and_an_age_alarm(exported):
    plan, _, _, queued = exported
    queues = [r for r in plan.of_type("aws:sqs/queue:Queue") if r.name.endswith("-queue-queue")]
    alarms = [r for r in plan.of_type("aws:cloudwatch/metricAlarm:MetricAlarm") if r.inputs.get("metricName") == "ApproximateAgeOfOldestMessage"]
    for workload in queued:
        mine = [q for q in queues if q.workload == workload]
        assert mine, workload
        for q in mine:
            redrive = json.loads(q.inputs["redrivePolicy"])
            assert redrive["deadLetterTargetArn"].startswith("arn:aws:sqs:") and redrive["maxReceiveCount"] >= 1
        assert {a.region for a in alarms if a.workload == workload} == {q.region for q in mine}, workload


def test_kubernetes_objects_live_in_their_clusters_region(exported):
    plan, _, _, _ = exported
    providers = {r.urn: r.region for r in plan.of_type("pulumi:providers:kubernetes")}
    assert providers and None not in providers.values()
    for r in plan.resources:
        if r.type.startswith("kubernetes:") and r.provider:
            assert r.region == providers[r.provider], r.name
