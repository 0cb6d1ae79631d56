"""InferenceService and GpuEnablement: hardened pods, GPU scheduling, zone spread, PDB/HPA/probe values as passed (the
tier's are resolved in blueprint.footprint: tests/test_intent.py), LB binding; validation."""

from __future__ import annotations

import re

import pytest
import pulumi
from pydantic import ValidationError

from blueprint.plan.engine import plan_program
from blueprint.components.k8s import GpuEnablement, GpuEnablementArgs, InferenceService, InferenceServiceArgs, cluster_provider, pod_resources, replicas_for
from blueprint.components.k8s.gpu_enablement import DEVICE_PLUGIN_IMAGE
from blueprint.components.k8s.inference_service import GOOGLE_LB_SOURCE_RANGES, PRIVATE_NETWORK_CIDRS

TG = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/fraud/0123456789abcdef"


def _args(**over) -> InferenceServiceArgs:
    base = dict(workload="fraud", disruption_budget={"minAvailable": "66%"}, cpu_target_percent=50, readiness_period_s=5,
                readiness_timeout_s=4, image="registry.example.com/fraud:1.4.2", replicas=3, max_replicas=12,
                cpu_millicores=3000, memory_mib=12697, load_balancer_binding="aws-target-group", target_group_arn=TG,
                load_balancer_security_group_id="sg-0123")
    return InferenceServiceArgs(**{**base, **over})


def _plan(**over):
    args = _args(**over)

    def program():
        provider = cluster_provider("k8s", "apiVersion: v1\nkind: Config\n")
        opts = pulumi.ResourceOptions(providers=[provider])
        GpuEnablement("gpu", GpuEnablementArgs(), opts)
        InferenceService("svc", args, opts)

    return plan_program(program, stack="test", config={"aws:region": "us-east-1"})


@pytest.fixture(scope="module")
def plan():
    return _plan()


def _pod(plan):
    return plan.named("svc-deployment").inputs["spec"]["template"]["spec"]


def test_provider_uses_server_side_apply(plan):
    provider = plan.named("k8s")
    # Provider inputs travel as strings.
    assert provider.inputs["enableServerSideApply"] == "true"
    assert provider.inputs["deleteUnreachable"] == "false"
    assert provider.inputs["kubeconfig"]


def test_namespace_enforces_restricted_pod_security_and_readiness_gates(plan):
    labels = plan.named("svc-namespace").inputs["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
    assert labels["elbv2.k8s.aws/pod-readiness-gate-inject"] == "enabled"
    assert labels["blueprint-workload"] == "fraud"


def test_every_object_carries_the_workload_label(plan):
    for r in plan.resources:
        if r.type.startswith("kubernetes:") and r.parent == plan.of_type("blueprint:k8s:InferenceService")[0].urn:
            assert r.inputs["metadata"]["labels"]["blueprint-workload"] == "fraud", r.name
            assert r.workload == "fraud"


def test_pod_is_hardened(plan):
    pod = _pod(plan)
    (c,) = pod["containers"]
    sc = c["securityContext"]
    assert sc["runAsNonRoot"] is True and sc["readOnlyRootFilesystem"] is True and sc["allowPrivilegeEscalation"] is False
    assert sc["capabilities"] == {"drop": ["ALL"]} and sc["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] == 65532
    assert pod["automountServiceAccountToken"] is False
    assert c["volumeMounts"] == [{"name": "tmp", "mountPath": "/tmp"}]
    assert pod["volumes"][0]["emptyDir"]["sizeLimit"] == "10Gi"


def test_gpu_limits_toleration_and_affinity(plan):
    pod = _pod(plan)
    (c,) = pod["containers"]
    assert c["resources"]["limits"] == {"cpu": "3000m", "memory": "12697Mi", "nvidia.com/gpu": "1"}
    assert c["resources"]["requests"] == c["resources"]["limits"]  # Guaranteed QoS
    assert pod["tolerations"] == [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]
    (term,) = pod["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    assert term["matchExpressions"] == [{"key": "blueprint.dev/workload", "operator": "In", "values": ["fraud"]}]
    assert pod["priorityClassName"] == "blueprint-serving"


def test_zone_spread_is_hard_and_host_spread_soft(plan):
    spread = {t["topologyKey"]: t for t in _pod(plan)["topologySpreadConstraints"]}
    assert spread["topology.kubernetes.io/zone"]["maxSkew"] == 1
    assert spread["topology.kubernetes.io/zone"]["whenUnsatisfiable"] == "DoNotSchedule"
    assert spread["kubernetes.io/hostname"]["whenUnsatisfiable"] == "ScheduleAnyway"


def test_probes_and_draining(plan):
    pod = _pod(plan)
    (c,) = pod["containers"]
    assert c["readinessProbe"]["httpGet"]["path"] == "/ready" and c["readinessProbe"]["periodSeconds"] == 5
    assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
    startup = c["startupProbe"]
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 600  # model loading: 10 minutes
    assert c["lifecycle"]["preStop"]["sleep"]["seconds"] == 40 > 30  # > ALB deregistration delay
    assert pod["terminationGracePeriodSeconds"] == 75


def test_hpa_owns_replicas(plan):
    assert "replicas" not in plan.named("svc-deployment").inputs["spec"]
    hpa = plan.named("svc-hpa").inputs["spec"]
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (3, 12)
    assert hpa["metrics"][0]["resource"]["target"]["averageUtilization"] == 50
    rollout = plan.named("svc-deployment").inputs["spec"]["strategy"]["rollingUpdate"]
    assert rollout == {"maxSurge": 1, "maxUnavailable": 0}


def test_service_and_target_group_binding(plan):
    svc = plan.named("svc-service").inputs["spec"]
    assert svc["type"] == "ClusterIP" and svc["ports"][0]["targetPort"] == "http"
    tgb = plan.named("svc-target-group-binding")
    assert tgb.type == "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding"
    spec = tgb.inputs["spec"]
    assert spec["targetType"] == "ip" and spec["targetGroupARN"] == TG
    assert spec["serviceRef"] == {"name": "fraud", "port": 8080}
    assert spec["networking"]["ingress"][0]["from"] == [{"securityGroup": {"groupID": "sg-0123"}}]


def test_a_new_target_group_gets_a_new_binding_not_a_refused_patch(plan):
    """The controller's webhook refuses changing spec.targetGroupARN: the binding's name follows the ARN,
    so a replaced target group is a new binding created beside the old one."""
    from blueprint.components.k8s.inference_service import binding_name

    name = plan.named("svc-target-group-binding").inputs["metadata"]["name"]
    assert name == binding_name("fraud", TG) and re.fullmatch(r"fraud-[0-9a-f]{8}", name)
    other = _plan(target_group_arn=TG.replace("0123456789abcdef", "fedcba9876543210"))
    assert other.named("svc-target-group-binding").inputs["metadata"]["name"] != name


def test_device_plugin_and_priority_class(plan):
    ds = plan.named("gpu-device-plugin").inputs
    assert ds["metadata"]["namespace"] == "kube-system"
    pod = ds["spec"]["template"]["spec"]
    assert pod["containers"][0]["image"] == DEVICE_PLUGIN_IMAGE
    assert pod["tolerations"] == [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]
    assert pod["priorityClassName"] == "system-node-critical"
    (term,) = pod["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    assert term["matchExpressions"] == [{"key": "blueprint.dev/accelerator", "operator": "Exists"}]
    pc = plan.named("gpu-serving-priority").inputs
    assert pc["metadata"]["name"] == "blueprint-serving" and pc["value"] == 100000
    assert pc["preemptionPolicy"] == "PreemptLowerPriority" and pc["globalDefault"] is False


def test_device_plugin_is_hardened_and_pinned_by_digest(plan):
    pod = plan.named("gpu-device-plugin").inputs["spec"]["template"]["spec"]
    (c,) = pod["containers"]
    assert DEVICE_PLUGIN_IMAGE == ("nvcr.io/nvidia/k8s-device-plugin:v0.20.0"
                                   "@sha256:a61ba9fd8efb82f3a79f877f7580e02c1e8e7593f62473644bc9c79e315c3312")
    assert c["imagePullPolicy"] == "IfNotPresent"  # pinned by digest: the same bits as Always
    sc = c["securityContext"]
    assert sc["allowPrivilegeEscalation"] is False and sc["capabilities"] == {"drop": ["ALL"]}
    assert sc["readOnlyRootFilesystem"] is True and sc["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["securityContext"] == {"seccompProfile": {"type": "RuntimeDefault"}}
    assert c["resources"] == {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"cpu": "500m", "memory": "256Mi"}}
    assert pod["automountServiceAccountToken"] is False and pod["enableServiceLinks"] is False
    assert [v["hostPath"]["path"] for v in pod["volumes"]] == ["/var/lib/kubelet/device-plugins"]


def test_device_plugin_network_policy_denies_all(plan):
    np = plan.named("gpu-device-plugin-network-policy").inputs
    assert np["metadata"]["namespace"] == "kube-system" and np["metadata"]["name"] == "nvidia-device-plugin-deny-all"
    ds_labels = plan.named("gpu-device-plugin").inputs["spec"]["template"]["metadata"]["labels"]
    selector = np["spec"]["podSelector"]["matchLabels"]
    assert selector and all(ds_labels[k] == v for k, v in selector.items())
    assert np["spec"]["policyTypes"] == ["Ingress", "Egress"]
    assert np["spec"].get("ingress", []) == [] and np["spec"].get("egress", []) == []


def test_no_device_plugin_no_policy():
    def program():
        provider = cluster_provider("k8s", "apiVersion: v1\nkind: Config\n")
        GpuEnablement("gpu", GpuEnablementArgs(device_plugin=False), pulumi.ResourceOptions(providers=[provider]))

    plan = plan_program(program, stack="test", config={"aws:region": "us-east-1"})
    assert not plan.of_type("kubernetes:apps/v1:DaemonSet")
    assert not plan.of_type("kubernetes:networking.k8s.io/v1:NetworkPolicy")


def test_namespace_denies_ingress_by_default(plan):
    np = plan.named("svc-default-deny").inputs
    assert np["metadata"]["namespace"] == "fraud" and np["metadata"]["name"] == "default-deny-ingress"
    assert np["spec"]["podSelector"] == {} and np["spec"]["policyTypes"] == ["Ingress"]
    assert np["spec"].get("ingress", []) == []


def test_pods_accept_the_service_port_from_private_ranges_by_default(plan):
    spec = plan.named("svc-network-policy").inputs["spec"]
    pod_labels = plan.named("svc-deployment").inputs["spec"]["template"]["metadata"]["labels"]
    assert spec["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "fraud", "app.kubernetes.io/component": "inference"}
    assert all(pod_labels[k] == v for k, v in spec["podSelector"]["matchLabels"].items())
    assert spec["policyTypes"] == ["Ingress"]
    (rule,) = spec["ingress"]
    assert [p["ipBlock"]["cidr"] for p in rule["from"]] == list(PRIVATE_NETWORK_CIDRS)
    assert rule["ports"] == [{"protocol": "TCP", "port": 8080}]


def test_ingress_cidrs_from_the_composer_and_google_ranges_with_neg():
    plan = _plan(ingress_cidrs=[pulumi.Output.from_input("10.20.0.0/16")], port=9000)  # e.g. AwsNetwork.cidr_block
    (rule,) = plan.named("svc-network-policy").inputs["spec"]["ingress"]
    assert [p["ipBlock"]["cidr"] for p in rule["from"]] == ["10.20.0.0/16"]
    assert rule["ports"] == [{"protocol": "TCP", "port": 9000}]
    plan = _plan(load_balancer_binding="gke-neg", target_group_arn=None, ingress_cidrs=["10.20.0.0/16"])
    (rule,) = plan.named("svc-network-policy").inputs["spec"]["ingress"]
    assert [p["ipBlock"]["cidr"] for p in rule["from"]] == ["10.20.0.0/16", *GOOGLE_LB_SOURCE_RANGES]
    assert GOOGLE_LB_SOURCE_RANGES == ("35.191.0.0/16", "130.211.0.0/22")


@pytest.mark.parametrize("pdb,cpu", [({"minAvailable": "50%"}, 60), ({"maxUnavailable": 1}, 80)])
def test_pdb_and_hpa_are_the_values_passed(pdb, cpu):
    plan = _plan(disruption_budget=pdb, cpu_target_percent=cpu)
    spec = plan.named("svc-pdb").inputs["spec"]
    assert {k: spec[k] for k in ("minAvailable", "maxUnavailable") if k in spec} == pdb
    assert spec["unhealthyPodEvictionPolicy"] == "AlwaysAllow"
    assert plan.named("svc-hpa").inputs["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"] == cpu


def test_plain_defaults_for_a_hand_composed_service():
    """Without the composer: one pod at a time may be drained, 70 % CPU, readiness every 15 s (timeout 5 s)."""
    base = _args().model_dump()
    for key in ("disruption_budget", "cpu_target_percent", "readiness_period_s", "readiness_timeout_s"):
        base.pop(key)
    args = InferenceServiceArgs(**base)
    assert (args.disruption_budget, args.cpu_target_percent) == ({"maxUnavailable": 1}, 70)
    assert (args.readiness_period_s, args.readiness_timeout_s) == (15, 5)


@pytest.mark.parametrize("field,value,message", [
    ("disruption_budget", {"minAvailable": "66%", "maxUnavailable": 1}, "exactly one of 'minAvailable' or 'maxUnavailable'"),
    ("disruption_budget", {"minAvailable": "150%"}, "must be a whole number >= 0 or a percentage"),
    ("disruption_budget", {"maxUnavailable": -1}, "must be a whole number >= 0 or a percentage"),
    ("cpu_target_percent", 0, "cpu_target_percent: 0 is outside 1..100"),
    ("readiness_period_s", 0, "readiness_period_s: 0 must be at least 1"),
    ("readiness_timeout_s", 0, "readiness_timeout_s: 0 must be at least 1"),
])
def test_fails_bad_plain_values(field, value, message):
    with pytest.raises(ValidationError, match=message):
        _args(**{field: value})


def test_fails_tier_argument_is_gone():
    with pytest.raises(ValidationError, match="tier"):
        _args(tier="mission-critical")


def test_pilot_light_has_zero_replicas_and_no_hpa():
    plan = _plan(replicas=0, disruption_budget={"maxUnavailable": 1})
    assert plan.named("svc-deployment").inputs["spec"]["replicas"] == 0
    assert not plan.of_type("kubernetes:autoscaling/v2:HorizontalPodAutoscaler")


def test_gke_neg_and_cpu_only():
    plan = _plan(load_balancer_binding="gke-neg", target_group_arn=None, gpus_per_pod=0, node_affinity=False)
    ann = plan.named("svc-service").inputs["metadata"]["annotations"]["cloud.google.com/neg"]
    assert ann == '{"exposed_ports": {"8080": {"name": "fraud-neg"}}}'
    assert not plan.of_type("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding")
    pod = plan.named("svc-deployment").inputs["spec"]["template"]["spec"]
    assert "tolerations" not in pod and "affinity" not in pod
    assert "nvidia.com/gpu" not in pod["containers"][0]["resources"]["limits"]


def test_helpers():
    assert [replicas_for(r, 2, 3) for r in ("serving", "warm", "pilot")] == [6, 3, 0]
    assert pod_resources(4, 16, 1) == (3000, 12697)  # g6.xlarge / g4dn.xlarge shape
    assert pod_resources(48, 192, 4) == (11750, 43724)


# --- validation ---------------------------------------------------------------------------

def test_fails_latest_image():
    with pytest.raises(ValidationError, match="image: .* must be pinned"):
        _args(image="registry.example.com/fraud:latest")


def test_fails_max_below_replicas():
    with pytest.raises(ValidationError, match=r"max_replicas: 2 is below replicas \(3\)"):
        _args(max_replicas=2)


def test_fails_binding_without_target_group():
    with pytest.raises(ValidationError, match="target_group_arn: required"):
        _args(target_group_arn=None)


def test_fails_grace_period_shorter_than_pre_stop():
    with pytest.raises(ValidationError, match="termination_grace_period_s: 30 must exceed pre_stop_sleep_s"):
        _args(termination_grace_period_s=30)


def test_fails_root_user_and_bad_names():
    with pytest.raises(ValidationError, match="run_as_user: 0 is root"):
        _args(run_as_user=0)
    with pytest.raises(ValidationError, match="workload: 'Fraud_Scoring' is not a valid Kubernetes name"):
        _args(workload="Fraud_Scoring")
    with pytest.raises(ValidationError, match="namespace: 'kube-system' is a system namespace"):
        _args(namespace="kube-system")


def test_fails_bad_ingress_cidrs():
    with pytest.raises(ValidationError, match=r"ingress_cidrs: '0.0.0.0/0' allows every address"):
        _args(ingress_cidrs=["0.0.0.0/0"])
    with pytest.raises(ValidationError, match=r"ingress_cidrs: '10.0.0.1/8' is not a network CIDR"):
        _args(ingress_cidrs=["10.0.0.1/8"])
    with pytest.raises(ValidationError, match=r"ingress_cidrs: \[\] would shut the load balancer out"):
        _args(ingress_cidrs=[])


def test_image_digest_is_accepted():
    digest = "@sha256:" + "0" * 64
    assert _args(image="registry.example.com/fraud" + digest).image.endswith(digest)
    assert GpuEnablementArgs(device_plugin_image="nvcr.io/nvidia/k8s-device-plugin" + digest).device_plugin_image.endswith(digest)
    assert GpuEnablementArgs(device_plugin_image="nvcr.io/nvidia/k8s-device-plugin:v0.19.3").device_plugin_image


def test_fails_gpu_enablement_inputs():
    with pytest.raises(ValidationError, match="device_plugin_image: .* must be pinned"):
        GpuEnablementArgs(device_plugin_image="nvcr.io/nvidia/k8s-device-plugin:latest")
    with pytest.raises(ValidationError, match="device_plugin_image: .* must be pinned"):
        GpuEnablementArgs(device_plugin_image="nvcr.io/nvidia/k8s-device-plugin")
    with pytest.raises(ValidationError, match="priority_class_name: 'system-serving' uses the reserved"):
        GpuEnablementArgs(priority_class_name="system-serving")
    with pytest.raises(ValidationError, match="priority_value: 2000000000 is outside"):
        GpuEnablementArgs(priority_value=2_000_000_000)


def test_service_sizing_is_one_rule_for_every_cloud():
    from blueprint.components.k8s.inference_service import CPU_ONLY_POD, service_sizing

    # GPU: one pod per GPU, bounded by the pools' maximum; a warm standby keeps one pod per zone.
    replicas, max_replicas, cpu, memory = service_sizing("warm", 2, 3, 1, 4, (4, 16))
    assert (replicas, max_replicas) == (3, 12)
    assert cpu > 0 and memory > 0
    # Pilot light: no pods until promoted; CPU-only pods get the fixed size and 4x headroom.
    assert service_sizing("pilot", 2, 3, 0, 0, None) == (0, 24, *CPU_ONLY_POD)


def test_service_waits_for_what_service_depends_on_names() -> None:
    """gke-neg: the annotated Service is created after the standalone NEGs it names, so GKE's NEG
    controller adopts them instead of creating its own (and Pulumi's create then failing with 409)."""
    def program():
        provider = cluster_provider("k8s", "apiVersion: v1\nkind: Config\n")
        neg = pulumi.CustomResource("test:index:Neg", "neg", {})
        InferenceService("svc", _args(load_balancer_binding="gke-neg", target_group_arn=None, service_depends_on=[neg]),
                         pulumi.ResourceOptions(providers=[provider]))

    plan = plan_program(program, stack="test", config={"aws:region": "us-east-1"})
    neg_urn = plan.named("neg").urn
    assert neg_urn in plan.named("svc-service").dependencies
    # Only the Service waits: the Deployment may start while the NEGs are created.
    assert neg_urn not in plan.named("svc-deployment").dependencies


def test_service_waits_only_for_its_namespace_by_default(plan) -> None:
    assert plan.named("svc-service").dependencies == [plan.named("svc-namespace").urn]


def test_gke_neg_name_may_be_an_output():
    # The NEG name is salted with the cluster's kube-system UID (blueprint.components.gcp.zonal_negs), known only
    # once the cluster exists: the annotation is rendered from the Output.
    plan = _plan(load_balancer_binding="gke-neg", target_group_arn=None,
                 neg_name=pulumi.Output.from_input("uid").apply(lambda uid: f"prod-fraud-europe-west4-{uid}"))
    ann = plan.named("svc-service").inputs["metadata"]["annotations"]["cloud.google.com/neg"]
    assert ann == '{"exposed_ports": {"8080": {"name": "prod-fraud-europe-west4-uid"}}}'


# --- traffic scaling (KEDA ScaledObject) ------------------------------------------------------

SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject"
HPA_TYPE = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"
TRAFFIC = {"type": "aws-cloudwatch", "metadata": {"namespace": "AWS/ApplicationELB", "metricName": "RequestCountPerTarget",
                                                 "targetMetricValue": "600", "awsRegion": "us-east-1"}}


def _traffic(**over):
    from blueprint.components.k8s import TrafficScaling

    return TrafficScaling(**{"trigger": TRAFFIC, "authentication": "aws", **over})


def _keda_plan(**over):
    def program():
        provider = cluster_provider("k8s", "apiVersion: v1\nkind: Config\n")
        release = pulumi.CustomResource("test:index:KedaRelease", "keda-release", {})
        args = _args(**{"traffic_scaling": _traffic(depends_on=[release]), **over})
        InferenceService("svc", args, pulumi.ResourceOptions(providers=[provider]))

    return plan_program(program, stack="test", config={"aws:region": "us-east-1"})


@pytest.fixture(scope="module")
def keda_plan():
    return _keda_plan()


def test_a_scaled_object_replaces_the_hpa(keda_plan):
    assert not keda_plan.of_type(HPA_TYPE)
    (so,) = keda_plan.of_type(SCALED_OBJECT)
    assert so.name == "svc-scaled-object" and so.inputs["apiVersion"] == "keda.sh/v1alpha1"
    assert so.inputs["metadata"]["name"] == "fraud" and so.inputs["metadata"]["namespace"] == "fraud"
    assert so.inputs["metadata"]["labels"]["blueprint-workload"] == "fraud" and so.workload == "fraud"
    spec = so.inputs["spec"]
    assert spec["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "fraud"}
    assert (spec["minReplicaCount"], spec["maxReplicaCount"]) == (3, 12)
    assert "replicas" not in keda_plan.named("svc-deployment").inputs["spec"]  # KEDA's HPA owns the count


def test_scaled_object_triggers_traffic_first_then_cpu(keda_plan):
    traffic, cpu = keda_plan.named("svc-scaled-object").inputs["spec"]["triggers"]
    assert traffic["type"] == "aws-cloudwatch" and traffic["metadata"] == TRAFFIC["metadata"]
    assert traffic["authenticationRef"] == {"name": "aws", "kind": "ClusterTriggerAuthentication"}
    assert traffic["useCachedMetrics"] is True
    assert cpu == {"type": "cpu", "metricType": "Utilization", "metadata": {"value": "50"}}  # cpu_target_percent


def test_scaled_object_keeps_the_hpa_behavior_name_and_a_non_shrinking_fallback(keda_plan, plan):
    spec = keda_plan.named("svc-scaled-object").inputs["spec"]
    assert spec["advanced"]["horizontalPodAutoscalerConfig"]["behavior"] == plan.named("svc-hpa").inputs["spec"]["behavior"]
    # Same HPA name as the CPU-only HPA, with the ownership-transfer annotation: KEDA adopts it.
    assert spec["advanced"]["horizontalPodAutoscalerConfig"]["name"] == plan.named("svc-hpa").inputs["metadata"]["name"]
    annotations = keda_plan.named("svc-scaled-object").inputs["metadata"]["annotations"]
    assert annotations == {"scaledobject.keda.sh/transfer-hpa-ownership": "true"}
    assert spec["fallback"] == {"failureThreshold": 3, "replicas": 3, "behavior": "currentReplicasIfHigher"}
    assert spec["pollingInterval"] == 30


def test_scaled_object_waits_for_keda(keda_plan):
    assert keda_plan.named("keda-release").urn in keda_plan.named("svc-scaled-object").dependencies


@pytest.mark.parametrize("percent, cpu", [(60, "60"), (80, "80")])
def test_scaled_object_cpu_target_is_the_value_passed(percent, cpu):
    (_, trigger) = _keda_plan(cpu_target_percent=percent).named("svc-scaled-object").inputs["spec"]["triggers"]
    assert trigger["metadata"]["value"] == cpu


def test_pilot_light_with_traffic_scaling_has_neither():
    plan = _keda_plan(replicas=0)
    assert not plan.of_type(SCALED_OBJECT) and not plan.of_type(HPA_TYPE)
    assert plan.named("svc-deployment").inputs["spec"]["replicas"] == 0


def test_without_traffic_scaling_only_the_hpa(plan):
    assert plan.of_type(HPA_TYPE) and not plan.of_type(SCALED_OBJECT)
    assert _args().traffic_scaling is None  # the documented default


def test_trigger_may_choose_its_own_caching_and_carry_outputs():
    trigger = {"type": "gcp-stackdriver", "useCachedMetrics": False,
               "metadata": {"projectId": pulumi.Output.from_input("acme-ml-prod"), "filter": "metric.type=\"x\"", "targetValue": "10"}}
    plan = _keda_plan(traffic_scaling=_traffic(trigger=trigger, authentication="gcp"))
    traffic = plan.named("svc-scaled-object").inputs["spec"]["triggers"][0]
    assert traffic["useCachedMetrics"] is False and traffic["metadata"]["projectId"] == "acme-ml-prod"
    assert traffic["authenticationRef"]["name"] == "gcp"


def test_fails_bad_traffic_triggers():
    with pytest.raises(ValidationError, match="trigger: type None must name a KEDA scaler"):
        _traffic(trigger={"metadata": {"a": "b"}})
    with pytest.raises(ValidationError, match="trigger: metadata None must be a non-empty mapping"):
        _traffic(trigger={"type": "aws-cloudwatch"})
    with pytest.raises(ValidationError, match=r"trigger: metadata \{\} must be a non-empty mapping"):
        _traffic(trigger={"type": "aws-cloudwatch", "metadata": {}})
    with pytest.raises(ValidationError, match="trigger: type 'cpu' is a resource metric"):
        _traffic(trigger={"type": "cpu", "metadata": {"value": "50"}})
    with pytest.raises(ValidationError, match=r"trigger: keys \['authenticationRef'\] are not KEDA trigger fields"):
        _traffic(trigger={**TRAFFIC, "authenticationRef": {"name": "x"}})
    with pytest.raises(ValidationError, match="trigger: metricType 'Utilization' is not allowed"):
        _traffic(trigger={**TRAFFIC, "metricType": "Utilization"})


def test_fails_empty_or_invalid_authentication():
    with pytest.raises(ValidationError, match="authentication: '' is not a ClusterTriggerAuthentication name"):
        _traffic(authentication="")
    with pytest.raises(ValidationError, match="authentication: 'AWS Auth' is not a ClusterTriggerAuthentication name"):
        _traffic(authentication="AWS Auth")
