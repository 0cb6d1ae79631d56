"""The AWS composer end to end: the shipped prod stack and hand-written stacks in other
jurisdictions, planned through the real __main__.py; strategies differ as DESIGN.md's tier table says."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from blueprint.catalogs import residency
from blueprint.plan.run import plan_stack
from blueprint.project import StackRef
from blueprint.components.aws.platform import RESIDENCY_EXEMPTION_TAG, is_production
from tests.conftest import ROOT, write_stack

NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
DB_CLUSTER = "aws:rds/cluster:Cluster"
DB_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
RECORD = "aws:route53/record:Record"


def _gpu(min_nodes: int = 2) -> dict:
    return {"accelerator": "nvidia-t4", "gpusPerNode": 1, "minNodesPerZone": min_nodes, "maxNodesPerZone": 6, "capacity": "on-demand"}


def _service(name: str) -> dict:
    # Pinned by digest: tiers that require recovery data pull no outside tag (config/rules.py).
    return {"image": f"registry.example.com/{name}@sha256:" + "a" * 64, "port": 8080, "readinessPath": "/ready", "livenessPath": "/healthz"}


# One workload per tier, each with GPUs, a service and a database, in a jurisdiction the shipped
# stacks do not use (Ireland + Paris), so the four strategies can be compared side by side.
EU_STACK = {
    "aws:region": "eu-west-1",
    "cloud": "aws",
    "environment": "staging",
    "residency": "eu",
    "primaryRegion": "eu-west-1",
    "secondaryRegion": "eu-west-3",
    "zonesPerRegion": 3,
    "dnsZone": "ml.example.eu",
    "deployerCidrs": ["203.0.113.10/32"],
    "workloads": [
        {"name": f"{tier}-app", "tier": tier, "gpu": _gpu(), "service": _service(tier),
         "database": {"engine": engine, "size": "medium"}}
        for tier, engine in (("mission-critical", "postgres"), ("business-critical", "mysql"),
                             ("standard", "postgres"), ("best-effort", "mysql"))
    ],
}


@pytest.fixture(scope="module")
def prod():
    return plan_stack(ROOT, StackRef("prod", ROOT / "stacks" / "Pulumi.prod.yaml"))


@pytest.fixture(scope="module")
def eu(tmp_path_factory):
    path = write_stack(tmp_path_factory.mktemp("eu"), EU_STACK, name="staging")
    return plan_stack(ROOT, StackRef("staging", path))


def _by_workload_region(plan, type_: str):
    found = defaultdict(list)
    for r in plan.of_type(type_):
        found[(r.workload, r.region)].append(r)
    return found


def test_every_platform_region_runs_a_private_encrypted_eks_cluster(prod):
    import yaml

    deployers = yaml.safe_load((ROOT / "stacks" / "Pulumi.prod.yaml").read_text())["config"]["blueprint:deployerCidrs"]
    clusters = {r.region: r for r in prod.of_type("aws:eks/cluster:Cluster")}
    assert set(clusters) == {"us-east-1", "us-west-2"}
    for cluster in clusters.values():
        # `pulumi up` reaches the API from the declared deployers only; nodes use the private endpoint.
        assert cluster.inputs["vpcConfig"]["endpointPublicAccess"] is True
        assert cluster.inputs["vpcConfig"]["publicAccessCidrs"] == deployers
        assert cluster.inputs["vpcConfig"]["endpointPrivateAccess"] is True
        assert cluster.inputs["encryptionConfig"]["resources"] == ["secrets"]


def test_second_region_gpu_minimums_equal_smaller_zero_none(eu):
    groups = _by_workload_region(eu, NODE_GROUP)

    def minimum(workload: str, region: str) -> int:
        return sum(g.inputs["scalingConfig"]["minSize"] for g in groups[(workload, region)])

    primary = {w: minimum(f"{w}-app", "eu-west-1") for w in ("mission-critical", "business-critical", "standard", "best-effort")}
    assert all(v > 0 for v in primary.values()), primary
    assert minimum("mission-critical-app", "eu-west-3") == primary["mission-critical"]
    assert 0 < minimum("business-critical-app", "eu-west-3") < primary["business-critical"]
    assert groups[("standard-app", "eu-west-3")] and minimum("standard-app", "eu-west-3") == 0
    assert ("best-effort-app", "eu-west-3") not in groups


def test_gpu_node_groups_are_one_per_zone_and_keep_the_maximum_for_failover(eu):
    groups = _by_workload_region(eu, NODE_GROUP)
    for (workload, region), found in groups.items():
        zones = [g.zone for g in found]
        assert len(zones) == len(set(zones)), (workload, region, zones)
        assert all(g.inputs["scalingConfig"]["maxSize"] == 6 for g in found)


def test_gpu_node_groups_follow_their_clusters_kubernetes_version(prod):
    # EKS never upgrades a managed node group itself; following the cluster keeps the skew legal.
    versions = {r.region: r.inputs["version"] for r in prod.of_type("aws:eks/cluster:Cluster")}
    groups = [g for g in prod.of_type(NODE_GROUP) if "-gpu-" in g.name]
    assert groups
    assert all(g.inputs["version"] == versions[g.region] for g in groups)


def test_databases_follow_the_strategy(eu):
    clusters = _by_workload_region(eu, DB_CLUSTER)
    instances = _by_workload_region(eu, DB_INSTANCE)
    globals_ = {r.workload for r in eu.of_type("aws:rds/globalCluster:GlobalCluster")}
    assert globals_ == {"mission-critical-app", "business-critical-app", "standard-app"}
    for workload in globals_:
        assert clusters[(workload, "eu-west-3")][0].inputs.get("globalClusterIdentifier")
    primary_mc = len(instances[("mission-critical-app", "eu-west-1")])
    assert primary_mc == 3
    assert len(instances[("mission-critical-app", "eu-west-3")]) == primary_mc
    assert len(instances[("business-critical-app", "eu-west-3")]) == 1
    assert len(instances[("standard-app", "eu-west-3")]) == 0  # headless storage replica
    assert ("best-effort-app", "eu-west-3") not in clusters
    # Writer and readers sit in different zones.
    zones = [i.zone for i in instances[("mission-critical-app", "eu-west-1")]]
    assert len(set(zones)) == 3


def test_only_the_active_active_secondary_forwards_writes(eu, prod):
    """Active-active writes in both regions: its global secondary forwards writes to the primary's
    writer. Warm standby and pilot light stay read-only there until a global failover."""
    for plan, second in ((eu, "eu-west-3"), (prod, "us-west-2")):
        forwarding = {}
        for r in plan.of_type(DB_CLUSTER):
            strategy = r.inputs["tags"]["blueprint:strategy"]
            forwarding[(strategy, r.region == second)] = r.inputs.get("enableGlobalWriteForwarding")
        assert forwarding[("active-active", True)] is True
        for strategy in ("warm-standby", "pilot-light"):
            if (strategy, True) in forwarding:
                assert forwarding[(strategy, True)] is False, strategy
        for (strategy, secondary), value in forwarding.items():
            if not secondary:
                assert value is None, strategy  # primaries write themselves
    assert ("pilot-light", True) in {(r.inputs["tags"]["blueprint:strategy"], r.region == "eu-west-3") for r in eu.of_type(DB_CLUSTER)}


def test_backup_restore_copies_database_backups_to_the_second_region(eu):
    plans = [r for r in eu.of_type("aws:backup/plan:Plan") if r.workload == "best-effort-app"]
    assert len(plans) == 1
    copy = plans[0].inputs["rules"][0]["copyActions"][0]["destinationVaultArn"]
    assert ":eu-west-3:" in copy
    vaults = {r.region for r in eu.of_type("aws:backup/vault:Vault") if r.workload == "best-effort-app"}
    assert vaults == {"eu-west-1", "eu-west-3"}


def test_dns_routing_by_strategy(eu):
    records = _by_workload_region(eu, RECORD)

    def service_records(workload: str):
        return [r for r in records[(workload, "global")] if r.inputs.get("name") == f"{workload}.ml.example.eu"]

    latency = service_records("mission-critical-app")
    assert {r.inputs["latencyRoutingPolicies"][0]["region"] for r in latency} == {"eu-west-1", "eu-west-3"}
    for workload in ("business-critical-app", "standard-app"):
        kinds = {r.inputs["failoverRoutingPolicies"][0]["type"] for r in service_records(workload)}
        assert kinds == {"PRIMARY", "SECONDARY"}, workload
    simple = service_records("best-effort-app")
    assert len(simple) == 1 and not simple[0].inputs.get("setIdentifier")
    # the endpoint checks (the records' CALCULATED serving checks AND them with the Region switch plan's)
    checks = [r for r in eu.of_type("aws:route53/healthCheck:HealthCheck") if r.workload == "mission-critical-app"
              and r.inputs.get("type") != "CALCULATED"]
    assert checks and all(c.inputs["requestInterval"] == 10 for c in checks)


def _validation_records(plan, workload: str, domain: str):
    return [r for r in plan.of_type(RECORD) if r.workload == workload and r.inputs["type"] == "CNAME"
            and r.inputs["name"].endswith(f".{domain}.")]


def test_one_validation_record_per_global_name_shared_by_both_regions(prod):
    """ACM gives every certificate of one name the same validation CNAME: one owner, the workload's
    DnsFailover, and both regions' certificate validations use it."""
    served = {r.workload for r in prod.of_type("aws:lb/loadBalancer:LoadBalancer")}
    assert len(served) >= 2
    for workload in served:
        (record,) = _validation_records(prod, workload, f"{workload}.ml.example.com")
        assert record.name == f"{workload}-dns-cert-validation-record"
        assert record.parent == prod.named(f"{workload}-dns").urn
        assert not record.inputs.get("allowOverwrite")
        validations = [v for v in prod.of_type("aws:acm/certificateValidation:CertificateValidation") if v.workload == workload]
        regions = {lb.region for lb in prod.of_type("aws:lb/loadBalancer:LoadBalancer") if lb.workload == workload}
        assert {v.region for v in validations} == regions
        for v in validations:
            assert record.urn in v.dependencies
            assert record.inputs["name"].rstrip(".") in v.inputs["validationRecordFqdns"]


def test_removing_the_second_region_keeps_the_shared_validation_record(tmp_path, prod):
    """Same workload served from one region only: the record is the same resource (same URN), so
    dropping a region never deletes what the other region's certificate renews with."""
    one_region = {  # backup-restore: served from us-east-1 only (us-west-2 holds backup copies)
        **{k: v for k, v in EU_STACK.items() if k != "workloads"},
        "aws:region": "us-east-1", "environment": "prod", "residency": "us", "primaryRegion": "us-east-1",
        "secondaryRegion": "us-west-2", "dnsZone": "ml.example.com",
        "workloads": [{"name": "fraud-scoring", "tier": "best-effort", "service": _service("fraud"),
                       "backup": {"retentionDays": 7}}],
    }
    single = plan_stack(ROOT, StackRef("prod", write_stack(tmp_path, one_region, name="prod")))
    (kept,) = _validation_records(single, "fraud-scoring", "fraud-scoring.ml.example.com")
    (before,) = _validation_records(prod, "fraud-scoring", "fraud-scoring.ml.example.com")
    assert kept.urn == before.urn and kept.inputs["name"] == before.inputs["name"]
    (validation,) = single.of_type("aws:acm/certificateValidation:CertificateValidation")
    assert kept.urn in validation.dependencies


def test_every_workload_vault_replicates_to_the_second_region(eu):
    replications = {r.workload: r for r in eu.of_type("aws:s3/bucketReplicationConfig:BucketReplicationConfig")}
    assert set(replications) == {w["name"] for w in EU_STACK["workloads"]}
    for r in replications.values():
        assert r.region == "eu-west-1"


def test_everything_stays_in_the_jurisdiction_but_the_documented_route53_alarm_exemption(eu):
    allowed = set(residency.regions("aws", "eu")) | {"global"}
    outside = [r for r in eu.resources if r.region not in allowed]
    assert outside, "Route 53 health-check alarms must live in us-east-1"
    for r in outside:
        assert r.region == "us-east-1"
        exempt = (r.inputs.get("tags") or {}).get(RESIDENCY_EXEMPTION_TAG) == "route53-health-check-metrics"
        assert exempt or not r.custom or r.type in ("pulumi:providers:aws", "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:kms/alias:Alias", "aws:sns/topicPolicy:TopicPolicy"), r.urn


def test_stack_outputs_name_what_operators_need(prod):
    outputs = prod.outputs
    assert set(outputs["clusters"]) == {"us-east-1", "us-west-2"}
    assert all(v == "[secret]" for v in outputs["kubeconfigs"].values())
    assert set(outputs["endpoints"]["fraud-scoring"]) == {"us-east-1", "us-west-2"}
    assert outputs["failover_records"]["fraud-scoring"] == "fraud-scoring.ml.example.com"
    assert set(outputs["databases"]["fraud-scoring"]) == {"us-east-1", "us-west-2"}
    # The forwarding secondary's sessions connect to its local reader endpoint.
    readers = outputs["database_reader_endpoints"]["fraud-scoring"]
    assert set(readers) == {"us-east-1", "us-west-2"} and ".cluster-ro-" in readers["us-west-2"]
    assert "research-notebooks/us-west-2" in outputs["vaults"]


def test_load_balancers_are_deletion_protected_outside_named_non_production_environments(prod):
    assert is_production("prod") and is_production("staging") and not is_production("dev") and not is_production("dev-alice")
    lbs = prod.of_type("aws:lb/loadBalancer:LoadBalancer")
    assert lbs and all(lb.inputs["enableDeletionProtection"] is True for lb in lbs)


def test_global_database_master_secret_is_replicated_to_the_second_region(eu):
    secrets = [r for r in eu.of_type("aws:secretsmanager/secret:Secret") if r.region == "eu-west-1"]
    assert secrets
    for secret in secrets:
        assert [replica["region"] for replica in secret.inputs["replicas"]] == ["eu-west-3"], secret.urn


# --- in-cluster layer, queues and alarms (issue 5) -----------------------------------------


def test_every_cluster_gets_a_kubernetes_provider_device_plugin_and_lb_controller(prod):
    clusters = {r.region for r in prod.of_type("aws:eks/cluster:Cluster")}
    assert {r.region for r in prod.of_type("pulumi:providers:kubernetes")} == clusters
    assert {r.region for r in prod.of_type("kubernetes:apps/v1:DaemonSet")} == clusters
    assert {r.region for r in prod.of_type("kubernetes:scheduling.k8s.io/v1:PriorityClass")} == clusters
    assert {r.region for r in prod.of_type("kubernetes:helm.sh/v3:Release")} == clusters


def test_in_cluster_objects_wait_for_system_nodes_and_coredns(prod):
    # The Kubernetes provider's kubeconfig resolves only once the system nodes and the add-ons that
    # need them are up: Helm releases that wait for their pods never race the node group.
    for provider in prod.of_type("pulumi:providers:kubernetes"):
        deps = set(provider.dependencies)
        names = {prod.by_urn(d).name for d in deps}
        assert f"prod-{provider.region}-eks-system-nodes" in names
        assert f"prod-{provider.region}-eks-addon-coredns" in names
    for release in prod.of_type("kubernetes:helm.sh/v3:Release"):
        assert release.inputs["timeout"] == 600


def test_every_cluster_runs_a_cluster_autoscaler_that_discovers_its_node_groups(prod):
    # Finding 5: GPU node groups hand desiredSize to cluster-autoscaler, so each cluster needs one.
    clusters = {r.region: r.inputs["name"] for r in prod.of_type("aws:eks/cluster:Cluster")}
    releases = [r for r in prod.of_type("kubernetes:helm.sh/v3:Release") if r.inputs["chart"] == "cluster-autoscaler"]
    assert sorted(r.region for r in releases) == sorted(clusters)  # one per cluster, both regions
    for release in releases:
        values = release.inputs["values"]
        assert values["autoDiscovery"]["clusterName"] == clusters[release.region]
        assert values["awsRegion"] == release.region
    # The priority expander grows a zone's on-demand group before its spot burst group: its regexes
    # must rank every GPU group's Auto Scaling group (eks-<node group name>-<uuid>) by capacity type.
    priorities = releases[0].inputs["values"]["expanderPriorities"]

    def rank(asg: str) -> int:
        return max(int(p) for p, patterns in priorities.items() if any(re.fullmatch(x, asg) for x in patterns))

    for group in prod.of_type(NODE_GROUP):
        assert group.inputs["clusterName"] == clusters[group.region]
        asg = group.outputs["resources"][0]["autoscalingGroups"][0]["name"]
        expected = {"ON_DEMAND": 30, "SPOT": 20}[group.inputs["capacityType"]] if "-gpu-" in group.name else 10
        assert rank(asg) == expected, (group.name, asg)


def test_every_gpu_node_group_enables_the_metrics_its_alarm_reads(prod):
    # Finding 8: GroupInServiceInstances exists only once metrics collection is on for that ASG.
    commands = {r.name: r for r in prod.of_type("command:local:Command")}
    asg_by_group = {}
    for group in prod.of_type(NODE_GROUP):
        if group.name.endswith("-system-nodes"):
            continue
        command = commands[f"{group.name}-metrics"]
        asg = group.outputs["resources"][0]["autoscalingGroups"][0]["name"]
        assert "enable-metrics-collection" in command.inputs["create"] and asg in command.inputs["create"]
        assert f"--region {group.region}" in command.inputs["create"] and command.region == group.region
        asg_by_group[group.name] = asg
    watched = [r.inputs["dimensions"]["AutoScalingGroupName"] for r in prod.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
               if r.inputs["metricName"] == "GroupInServiceInstances"]
    assert watched and set(watched) <= set(asg_by_group.values())


def test_kubernetes_objects_are_placed_in_their_clusters_region(prod):
    providers = {r.urn: r.region for r in prod.of_type("pulumi:providers:kubernetes")}
    k8s = [r for r in prod.resources if r.type.startswith("kubernetes:")]
    assert k8s and all(r.region == providers[r.provider] for r in k8s)


def test_inference_replicas_follow_the_region_role(eu):
    hpa = {(r.workload, r.region): r.inputs["spec"] for r in eu.of_type("kubernetes:autoscaling/v2:HorizontalPodAutoscaler")}
    deployments = {(r.workload, r.region): r.inputs["spec"] for r in eu.of_type("kubernetes:apps/v1:Deployment")}
    # 3 zones x 1 replica per zone; one GPU node max 6 per zone
    assert hpa[("mission-critical-app", "eu-west-1")]["minReplicas"] == 3
    assert hpa[("mission-critical-app", "eu-west-3")]["minReplicas"] == 3  # active-active: full
    assert hpa[("business-critical-app", "eu-west-3")]["minReplicas"] == 3  # warm: one per zone
    assert hpa[("mission-critical-app", "eu-west-1")]["maxReplicas"] == 18
    assert deployments[("standard-app", "eu-west-3")]["replicas"] == 0  # pilot light
    assert ("standard-app", "eu-west-3") not in hpa
    assert not [k for k in deployments if k == ("best-effort-app", "eu-west-3")]  # backup copies only


def test_queues_and_alarms_in_prod(prod):
    queues = {(r.workload, r.region) for r in prod.of_type("aws:sqs/queue:Queue") if r.name.endswith("-queue-queue")}
    # Issue 18: every region that can serve a queued workload keeps its queue, standby included
    # (batch-embeddings is standard: pilot light in us-west-2).
    assert queues == {("fraud-scoring", "us-east-1"), ("fraud-scoring", "us-west-2"), ("batch-embeddings", "us-east-1"),
                      ("batch-embeddings", "us-west-2")}
    alarms = {(r.workload, r.inputs["metricName"]) for r in prod.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    assert ("fraud-scoring", "AuroraGlobalDBReplicationLag") in alarms
    assert ("recommendations", "UnHealthyHostCount") in alarms and ("recommendations", "GroupInServiceInstances") in alarms
    assert ("batch-embeddings", "ApproximateAgeOfOldestMessage") in alarms


# --- checkov-driven defaults: WAF, vault access logs, every cluster in a backup plan ---------


def test_every_load_balancer_is_behind_its_regions_web_acl(prod, eu):
    for plan in (prod, eu):
        albs = plan.of_type("aws:lb/loadBalancer:LoadBalancer")
        associations = plan.of_type("aws:wafv2/webAclAssociation:WebAclAssociation")
        acls = {r.region: r for r in plan.of_type("aws:wafv2/webAcl:WebAcl")}
        assert albs and len(associations) == len(albs)
        assert {a.region for a in associations} == set(acls)
        for association in associations:
            assert association.inputs["webAclArn"].startswith(f"arn:aws:wafv2:{association.region}:")
        assert len(plan.of_type("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration")) == len(acls)


def test_every_vault_logs_s3_access_to_its_regions_log_bucket(prod, eu):
    for plan in (prod, eu):
        vaults = [b for b in plan.of_type("aws:s3/bucket:Bucket") if b.inputs.get("objectLockEnabled")]
        logging = plan.of_type("aws:s3/bucketLogging:BucketLogging")
        assert vaults and {(l.workload, l.region) for l in logging} == {(v.workload, v.region) for v in vaults}
        log_buckets = {b.region for b in plan.of_type("aws:s3/bucket:Bucket") if "access-logs" in b.name}
        assert {l.region for l in logging} <= log_buckets


def test_every_aurora_cluster_is_in_a_backup_plan_copied_to_the_other_region(prod, eu):
    for plan in (prod, eu):
        clusters = plan.of_type("aws:rds/cluster:Cluster")
        selections = plan.of_type("aws:backup/selection:Selection")
        selected = {arn for s in selections for arn in s.inputs["resources"]}
        cluster_arns = {f"arn:aws:rds:{c.region}:123456789012:cluster:{c.inputs['clusterIdentifier']}" for c in clusters}
        assert clusters and cluster_arns <= selected, cluster_arns - selected
        for backup_plan in plan.of_type("aws:backup/plan:Plan"):
            copies = backup_plan.inputs["rules"][0]["copyActions"]
            assert len(copies) == 1 and f":{backup_plan.region}:" not in copies[0]["destinationVaultArn"]


SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject"
HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"


def test_served_workloads_with_a_per_pod_rate_scale_on_their_target_groups_request_count(prod):
    # stacks/Pulumi.prod.yaml sets service.requestsPerSecondPerPod on every served workload.
    # The GPU service's load balancer (not a degraded-serving one: <workload>-<region>-fallback-lb, issue 18).
    tgs = {(t.workload, t.region): t.outputs["arnSuffix"] for t in prod.of_type("aws:lb/targetGroup:TargetGroup")
           if "-fallback-lb-" not in t.name}
    albs = {(a.workload, a.region): a.outputs["arnSuffix"] for a in prod.of_type("aws:lb/loadBalancer:LoadBalancer")
            if "-fallback-lb-" not in a.name}
    scaled = {(s.workload, s.region): s for s in prod.of_type(SCALED_OBJECT)}
    assert scaled and set(scaled) <= set(tgs)
    for key, obj in scaled.items():
        traffic, cpu = obj.inputs["spec"]["triggers"]
        assert traffic["type"] == "aws-cloudwatch" and cpu["type"] == "cpu"
        assert traffic["metadata"]["dimensionValue"] == f"{tgs[key]};{albs[key]}"  # its own region's target group
        assert traffic["metadata"]["awsRegion"] == key[1]
        assert traffic["authenticationRef"] == {"name": "aws", "kind": "ClusterTriggerAuthentication"}
    # KEDA owns their HPA: the component plans none of its own next to a ScaledObject.
    # (The degraded-serving FallbackService scales its own Deployment on CPU with an HPA of its own.)
    assert not set(scaled) & {(h.workload, h.region) for h in prod.of_type(HPA) if "-fallback-" not in h.name}


def test_keda_runs_where_scaled_objects_are_and_starts_with_its_pod_identity(prod):
    releases = {r.region: r for r in prod.of_type("kubernetes:helm.sh/v3:Release") if r.inputs.get("chart") == "keda"}
    assert {s.region for s in prod.of_type(SCALED_OBJECT)} <= set(releases)
    associations = {a.region: a for a in prod.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")
                    if a.inputs["serviceAccount"] == "keda-operator"}
    for region, release in releases.items():
        assert associations[region].inputs["namespace"] == "keda"
        assert associations[region].urn in release.dependencies
    auths = prod.of_type("kubernetes:keda.sh/v1alpha1:ClusterTriggerAuthentication")
    assert {a.region for a in auths} == set(releases) and all(a.inputs["spec"]["podIdentity"]["provider"] == "aws" for a in auths)


def test_without_the_per_pod_rate_services_keep_their_cpu_hpa_and_no_keda(eu):
    # EU_STACK states no requestsPerSecondPerPod.
    assert eu.of_type(HPA) and not eu.of_type(SCALED_OBJECT)
    assert not [r for r in eu.of_type("kubernetes:helm.sh/v3:Release") if r.inputs.get("chart") == "keda"]
    assert not eu.of_type("blueprint:aws:KedaCloudWatchReader")
