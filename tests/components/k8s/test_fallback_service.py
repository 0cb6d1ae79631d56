"""FallbackService (issue 18): hardened pods without GPU, zone spread, labels the read model finds, its
own NEG (GKE) or TargetGroupBinding (AWS), HPA/PDB; defaults as documented; validation."""

from __future__ import annotations

import json

import pulumi
import pytest
from pydantic import ValidationError

from blueprint.analysis import fallback_facts
from blueprint.components.k8s import FallbackService, FallbackServiceArgs, cluster_provider
from blueprint.components.k8s._labels import FALLBACK_ROLE, ROLE_LABEL
from blueprint.components.k8s.fallback_service import FALLBACK_SCALE_FACTOR
from blueprint.components.k8s.inference_service import GOOGLE_LB_SOURCE_RANGES, PRIVATE_NETWORK_CIDRS
from blueprint.plan.engine import plan_program

TG = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/fraud-fb/0123456789abcdef"
IMAGE = "registry.example.com/fraud-cpu:1.4.2"


def _args(**over) -> FallbackServiceArgs:
    return FallbackServiceArgs(**{**dict(workload="fraud", namespace="fraud", image=IMAGE, replicas=3, zones=3), **over})


def _plan(**over):
    args = _args(**over)

    def program():
        provider = cluster_provider("k8s", "apiVersion: v1\nkind: Config\n")
        FallbackService("fb", args, pulumi.ResourceOptions(providers=[provider]))

    return plan_program(program, stack="test", config={"aws:region": "us-east-1"})


@pytest.fixture(scope="module")
def aws_plan():
    return _plan(aws_target_group_arn=TG, aws_security_group_id="sg-0123", ingress_cidrs=["10.0.0.0/16"])


@pytest.fixture(scope="module")
def gke_plan():
    return _plan(gke_neg=True, node_selector={"blueprint.dev/pool": "system"})


def _pod(plan):
    return plan.named("fb-deployment").inputs["spec"]["template"]["spec"]


def test_defaults_are_documented_values():
    args = _args()
    assert (args.cpu, args.memory, args.port, args.readiness_path, args.liveness_path) == ("500m", "1Gi", 8080, "/ready", "/healthz")
    assert args.max_replicas is None and args.effective_max_replicas == FALLBACK_SCALE_FACTOR * 3
    assert args.disruption_budget == {"maxUnavailable": 1} and args.cpu_target_percent == 70
    assert args.node_selector == {} and args.aws_target_group_arn is None and args.gke_neg is False
    assert (args.startup_timeout_s, args.pre_stop_sleep_s, args.termination_grace_period_s, args.run_as_user) == (300, 40, 75, 65532)


def test_pod_is_hardened_and_never_on_gpu(aws_plan):
    pod = _pod(aws_plan)
    (c,) = pod["containers"]
    sc = c["securityContext"]
    assert sc["runAsNonRoot"] is True and sc["readOnlyRootFilesystem"] is True and sc["allowPrivilegeEscalation"] is False
    assert sc["capabilities"] == {"drop": ["ALL"]} and sc["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["securityContext"]["runAsUser"] == 65532 and pod["automountServiceAccountToken"] is False
    # No GPU request and no toleration of the GPU pools' taint: the pods land on general nodes only.
    assert c["resources"] == {"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"cpu": "500m", "memory": "1Gi"}}
    assert "tolerations" not in pod and "affinity" not in pod and "nodeSelector" not in pod
    assert c["image"] == IMAGE and c["imagePullPolicy"] == "IfNotPresent"
    assert c["readinessProbe"]["httpGet"]["path"] == "/ready" and c["startupProbe"]["failureThreshold"] == 30


def test_pods_spread_over_zones(aws_plan):
    (zone, host) = _pod(aws_plan)["topologySpreadConstraints"]
    assert zone["topologyKey"] == "topology.kubernetes.io/zone" and zone["whenUnsatisfiable"] == "DoNotSchedule"
    assert zone["labelSelector"]["matchLabels"]["app.kubernetes.io/component"] == "fallback"
    assert host["whenUnsatisfiable"] == "ScheduleAnyway"


def test_every_object_is_labelled_for_the_planner_and_the_read_model(aws_plan):
    children = [r for r in aws_plan.resources if r.type.startswith("kubernetes:") and r.parent
                and r.parent == aws_plan.of_type("blueprint:k8s:FallbackService")[0].urn]
    assert len(children) == 7
    for r in children:
        labels = r.inputs["metadata"]["labels"]
        assert labels["blueprint-workload"] == "fraud" and labels[ROLE_LABEL] == FALLBACK_ROLE, r.name
        assert r.workload == "fraud" and r.inputs["metadata"]["namespace"] == "fraud"
    # The read model's copy of the label agrees with the component's.
    assert (fallback_facts.ROLE_LABEL, fallback_facts.FALLBACK_ROLE) == (ROLE_LABEL, FALLBACK_ROLE)


def test_hpa_pdb_and_names(aws_plan):
    hpa = aws_plan.named("fb-hpa").inputs["spec"]
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (3, 12)
    assert hpa["metrics"][0]["resource"]["target"]["averageUtilization"] == 70
    assert aws_plan.named("fb-pdb").inputs["spec"]["maxUnavailable"] == 1
    assert "replicas" not in aws_plan.named("fb-deployment").inputs["spec"]  # the HPA owns the count
    assert aws_plan.named("fb-service").inputs["metadata"]["name"] == "fraud-fallback"


def test_aws_binding_registers_the_pods_in_the_target_group(aws_plan):
    binding = aws_plan.named("fb-target-group-binding").inputs
    assert binding["spec"]["targetGroupARN"] == TG and binding["spec"]["targetType"] == "ip"
    assert binding["spec"]["serviceRef"] == {"name": "fraud-fallback", "port": 8080}
    assert binding["spec"]["networking"]["ingress"][0]["from"] == [{"securityGroup": {"groupID": "sg-0123"}}]
    assert binding["metadata"]["name"].startswith("fraud-fallback-")
    policy = aws_plan.named("fb-network-policy").inputs["spec"]["ingress"][0]
    assert policy["from"] == [{"ipBlock": {"cidr": "10.0.0.0/16"}}]


def test_gke_neg_has_its_own_name_and_google_ranges(gke_plan):
    annotation = json.loads(gke_plan.named("fb-service").inputs["metadata"]["annotations"]["cloud.google.com/neg"])
    assert annotation == {"exposed_ports": {"8080": {"name": "fraud-fallback-neg"}}}
    sources = [b["ipBlock"]["cidr"] for b in gke_plan.named("fb-network-policy").inputs["spec"]["ingress"][0]["from"]]
    assert sources == [*PRIVATE_NETWORK_CIDRS, *GOOGLE_LB_SOURCE_RANGES]
    assert _pod(gke_plan)["nodeSelector"] == {"blueprint.dev/pool": "system"}
    assert not [r for r in gke_plan.resources if r.name == "fb-target-group-binding"]


@pytest.mark.parametrize("over, field", [
    (dict(image="registry.example.com/fraud-cpu:latest"), "image"),
    (dict(image="registry.example.com/fraud-cpu"), "image"),
    (dict(replicas=0), "replicas"),
    (dict(replicas=2), "replicas"),  # below zones (3)
    (dict(max_replicas=2), "max_replicas"),
    (dict(cpu="lots"), "cpu"),
    (dict(memory="8Mi"), "memory"),
    (dict(run_as_user=0), "run_as_user"),
    (dict(ingress_cidrs=["0.0.0.0/0"]), "ingress_cidrs"),
    (dict(ingress_cidrs=[]), "ingress_cidrs"),
    (dict(aws_target_group_arn="arn:aws:s3:::bucket"), "aws_target_group_arn"),
    (dict(aws_target_group_arn=TG, gke_neg=True), "gke_neg"),
    (dict(termination_grace_period_s=30), "termination_grace_period_s"),
    (dict(workload="Fraud"), "workload"),
    (dict(workload="a" * 60), "workload"),
])
def test_fails_with_invalid_args(over, field):
    with pytest.raises(ValidationError) as info:
        _args(**over)
    assert field in str(info.value)
