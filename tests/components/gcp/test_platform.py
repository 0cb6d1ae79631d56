"""The GCP composer end to end: gcp-prod and an unseen US stack with one workload per tier, planned
through the real __main__.py."""

from __future__ import annotations

import json
import re
from collections import defaultdict

import pytest

from blueprint.catalogs import residency
from blueprint.plan.run import plan_stack
from blueprint.project import StackRef
from tests.conftest import ROOT, write_stack

NODE_POOL = "gcp:container/nodePool:NodePool"
SQL = "gcp:sql/databaseInstance:DatabaseInstance"


def _workload(tier: str, engine: str) -> dict:
    return {
        "name": f"{tier}-app", "tier": tier,
        "gpu": {"accelerator": "nvidia-t4", "gpusPerNode": 1, "minNodesPerZone": 2, "maxNodesPerZone": 6, "capacity": "on-demand"},
        "service": {"image": f"us-docker.pkg.dev/acme/serving/{tier}@sha256:" + "a" * 64, "port": 8080, "readinessPath": "/ready", "livenessPath": "/healthz"},
        "database": {"engine": engine, "size": "medium"},
    }


US_STACK = {
    "gcp:project": "acme-ml-staging", "gcp:region": "us-central1", "cloud": "gcp", "environment": "staging",
    "residency": "us", "primaryRegion": "us-central1", "secondaryRegion": "us-east4", "zonesPerRegion": 3,
    "dnsZone": "ml.example.us", "deployerCidrs": ["203.0.113.10/32"],
    "workloads": [_workload(t, e) for t, e in (("mission-critical", "postgres"), ("business-critical", "mysql"),
                                                ("standard", "postgres"), ("best-effort", "mysql"))],
}


@pytest.fixture(scope="module")
def gcp_prod():
    return plan_stack(ROOT, StackRef("gcp-prod", ROOT / "stacks" / "Pulumi.gcp-prod.yaml"))


@pytest.fixture(scope="module")
def us(tmp_path_factory):
    return plan_stack(ROOT, StackRef("staging", write_stack(tmp_path_factory.mktemp("gcp-us"), US_STACK, name="staging")))


def _by(plan, type_):
    found = defaultdict(list)
    for r in plan.of_type(type_):
        found[(r.workload, r.region)].append(r)
    return found


def test_gcp_prod_plans_gke_in_both_regions_private_and_encrypted(gcp_prod):
    clusters = {r.region: r for r in gcp_prod.of_type("gcp:container/cluster:Cluster")}
    assert set(clusters) == {"europe-west4", "europe-west1"}
    for cluster in clusters.values():
        assert cluster.inputs["privateClusterConfig"]["enablePrivateNodes"] is True
        # `pulumi up` reaches the control plane from the declared deployers only (blueprint:deployerCidrs).
        assert cluster.inputs["privateClusterConfig"]["enablePrivateEndpoint"] is False
        assert [b["cidrBlock"] for b in cluster.inputs["masterAuthorizedNetworksConfig"]["cidrBlocks"]] == [
            "203.0.113.40/32", "198.51.100.32/28"]
        assert cluster.inputs["databaseEncryption"]["state"] == "ENCRYPTED"
        assert cluster.inputs["workloadIdentityConfig"]["workloadPool"].endswith(".svc.id.goog")


def test_gcp_gpu_pools_use_managed_drivers_over_the_offering_zones(gcp_prod):
    pools = [r for r in gcp_prod.of_type(NODE_POOL) if r.workload == "fraud-scoring"]
    assert {p.region for p in pools} == {"europe-west4", "europe-west1"}
    for pool in pools:
        accelerator = pool.inputs["nodeConfig"]["guestAccelerators"][0]
        assert accelerator["gpuDriverInstallationConfig"]["gpuDriverVersion"] in ("LATEST", "DEFAULT")
        assert len(pool.inputs["nodeLocations"]) == 3


def test_gcp_primary_database_is_ha_with_a_replica_in_the_second_region(gcp_prod):
    dbs = _by(gcp_prod, SQL)
    primary = dbs[("fraud-scoring", "europe-west4")][0]
    replica = dbs[("fraud-scoring", "europe-west1")][0]
    assert primary.inputs["settings"]["availabilityType"] == "REGIONAL"
    assert primary.inputs["settings"]["backupConfiguration"]["pointInTimeRecoveryEnabled"] is True
    assert primary.inputs["encryptionKeyName"].startswith("projects/")
    assert replica.inputs["masterInstanceName"]
    assert replica.inputs["encryptionKeyName"] != primary.inputs["encryptionKeyName"]


COMMAND = "command:local:Command"


def _designations(plan) -> dict[str, object]:
    """Workload -> the DR replica designation command (its environment names the pair)."""
    return {r.urn.rsplit("::", 1)[1].removesuffix("-dr-replica-designate"): r for r in plan.of_type(COMMAND)
            if "BLUEPRINT_DR_REPLICA" in (r.inputs.get("environment") or {})}


def test_gcp_replica_is_designated_after_it_exists_in_the_same_up(gcp_prod, us):
    """Issue 13: the primary never names its replica (a create-order cycle Cloud SQL refuses); a
    gcloud step that depends on the replica designates it, its names in structured inputs."""
    dbs = _by(gcp_prod, SQL)
    primary = dbs[("fraud-scoring", "europe-west4")][0]
    replica = dbs[("fraud-scoring", "europe-west1")][0]
    assert "replicationCluster" not in primary.inputs and "replicationCluster" not in replica.inputs
    cmd = _designations(gcp_prod)["fraud-scoring"]
    assert cmd.inputs["environment"] == {"BLUEPRINT_PROJECT": "acme-ml-prod", "BLUEPRINT_PRIMARY_INSTANCE": primary.inputs["name"],
                                         "BLUEPRINT_DR_REPLICA": f"acme-ml-prod:{replica.inputs['name']}"}
    assert replica.urn in cmd.dependencies and primary.urn in cmd.dependencies
    assert "--failover-dr-replica-name" in cmd.inputs["create"] and "--clear-failover-dr-replica-name" in cmd.inputs["delete"]
    # every strategy with a cross-region replica designates it; backup-restore has none to designate
    us_cmds = _designations(us)
    assert set(us_cmds) == {"mission-critical-app", "business-critical-app", "standard-app"}
    us_dbs = _by(us, SQL)
    for workload, cmd in us_cmds.items():
        name = us_dbs[(workload, "us-east4")][0].inputs["name"]
        assert cmd.inputs["environment"]["BLUEPRINT_DR_REPLICA"] == f"acme-ml-staging:{name}"
    assert not [r.name for r in us.of_type(SQL) if "replicationCluster" in r.inputs]


def test_gcp_dr_designation_opt_out_plans_no_designation(tmp_path):
    stack = write_stack(tmp_path, {**US_STACK, "designateDrReplicas": False}, name="staging")
    plan = plan_stack(ROOT, StackRef("staging", stack))
    assert not _designations(plan)
    assert not [r.name for r in plan.of_type(SQL) if "replicationCluster" in r.inputs]


def test_gcp_negs_carry_the_description_gke_adopts(gcp_prod):
    """Issue 13: GKE's NEG controller refuses a custom-named NEG with an empty description; it adopts
    one whose description names its cluster (kube-system UID), the Service's namespace, name and port."""
    negs = [r for r in gcp_prod.of_type("gcp:compute/networkEndpointGroup:NetworkEndpointGroup") if r.workload == "fraud-scoring"]
    assert len(negs) == 12  # the GPU service's and (service.fallback, issue 18) the fallback's, per zone of both regions
    services = {(s.region, s.inputs["metadata"]["name"]): s for s in gcp_prod.of_type("kubernetes:core/v1:Service")
                if s.workload == "fraud-scoring"}
    uids = {}
    for neg in negs:
        desc = json.loads(neg.inputs["description"])
        assert list(desc) == ["cluster-uid", "namespace", "service-name", "port"]
        svc = services[(neg.region, desc["service-name"])]
        assert (desc["namespace"], desc["service-name"], desc["port"]) == (
            svc.inputs["metadata"]["namespace"], svc.inputs["metadata"]["name"], str(int(svc.inputs["spec"]["ports"][0]["port"])))
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", desc["cluster-uid"])
        uids.setdefault(neg.region, set()).add(desc["cluster-uid"])
        # the annotated Service is created only after the NEGs it names
        assert neg.urn in svc.dependencies
    assert all(len(v) == 1 for v in uids.values()) and len(set().union(*uids.values())) == 2  # one UID per cluster


def test_gcp_service_agents_come_from_the_provider_lookups(gcp_prod):
    """Issue 13: no agent email is built by hand (except Compute Engine's, which has no lookup): every
    grant to an agent depends on the lookup that creates it."""
    identities = {r.inputs["service"]: r.urn for r in gcp_prod.of_type("gcp:projects/serviceIdentity:ServiceIdentity")}
    assert set(identities) == {"container.googleapis.com", "sqladmin.googleapis.com", "pubsub.googleapis.com",
                               "monitoring.googleapis.com", "workflows.googleapis.com", "run.googleapis.com", "privilegedaccessmanager.googleapis.com",
                               # recovery data (issue 18): the images' and the secrets' CMEK
                               "artifactregistry.googleapis.com", "secretmanager.googleapis.com"}
    by_domain = {"container-engine-robot": "container.googleapis.com", "gcp-sa-cloud-sql": "sqladmin.googleapis.com",
                 "gcp-sa-pubsub": "pubsub.googleapis.com", "gcp-sa-monitoring-notification": "monitoring.googleapis.com",
                 "gcp-sa-workflows": "workflows.googleapis.com", "serverless-robot-prod": "run.googleapis.com",
                 "gcp-sa-artifactregistry": "artifactregistry.googleapis.com", "gcp-sa-secretmanager": "secretmanager.googleapis.com"}
    grants = [r for r in gcp_prod.resources if r.type.endswith("IAMMember") and "@" in str(r.inputs.get("member"))]
    checked = 0
    for grant in grants:
        domain = grant.inputs["member"].split("@", 1)[1].split(".", 1)[0]
        if domain in by_domain:
            assert identities[by_domain[domain]] in grant.dependencies, grant.name
            checked += 1
    # gke, cloudsql, pubsub on each region's key; the alert and failover-alert publishers; two dead-letter
    # grants per queue (one queue per region, issue 18); the Workflows agent on the failover workflow's key.
    # + the Cloud Run agent on the standby key (failover probes); + recovery data (issue 18): the Artifact
    # Registry agent on the europe key, the Secret Manager agent on each region's key; + the break-glass
    # alerts' publisher in the standby region (issue 18: grants alert while either region is lost).
    assert checked == 13 + 1 + 3 + 1
    source = "\n".join(p.read_text() for p in (ROOT / "blueprint" / "components" / "gcp").glob("*.py") if p.name != "service_agents.py")
    assert not re.search(r"service-\{|gcp-sa-[a-z-]+\.iam|gs-project-accounts\.iam|container-engine-robot\.iam", source)


def test_gcp_vaults_are_retention_locked_cmek_dual_region(gcp_prod):
    buckets = [r for r in gcp_prod.of_type("gcp:storage/bucket:Bucket") if r.workload == "fraud-scoring"
               and (r.inputs.get("labels") or {}).get("blueprint-recovery-data") != "artifacts"]  # the vault, not the artifact store
    assert len(buckets) == 1
    bucket = buckets[0].inputs
    assert bucket["location"] == "EU" and bucket["rpo"] == "ASYNC_TURBO"
    assert bucket["retentionPolicy"]["isLocked"] is True  # compliance tier
    assert int(bucket["retentionPolicy"]["retentionPeriod"]) == 35 * 86400
    assert bucket["encryption"]["defaultKmsKeyName"].startswith("projects/")
    assert bucket["publicAccessPrevention"] == "enforced" and bucket["uniformBucketLevelAccess"] is True


def test_gcp_everything_stays_in_the_jurisdiction(gcp_prod, us):
    for plan, code in ((gcp_prod, "eu"), (us, "us")):
        allowed = set(residency.regions("gcp", code)) | {"global"}
        assert [r.urn for r in plan.resources if r.region not in allowed] == []


def test_gcp_strategies_differ_like_aws(us):
    pools = _by(us, NODE_POOL)

    def minimum(workload, region):
        return sum(p.inputs["autoscaling"]["minNodeCount"] for p in pools[(workload, region)])

    assert minimum("mission-critical-app", "us-east4") == minimum("mission-critical-app", "us-central1") > 0
    assert 0 < minimum("business-critical-app", "us-east4") < minimum("business-critical-app", "us-central1")
    assert pools[("standard-app", "us-east4")] and minimum("standard-app", "us-east4") == 0
    assert ("best-effort-app", "us-east4") not in pools
    dbs = _by(us, SQL)
    for workload in ("mission-critical-app", "business-critical-app", "standard-app"):
        assert dbs[(workload, "us-east4")][0].inputs["masterInstanceName"], workload
    assert ("best-effort-app", "us-east4") not in dbs
    backup = dbs[("best-effort-app", "us-central1")][0].inputs["settings"]["backupConfiguration"]
    assert backup["location"] == "us-east4"


def test_gcp_warm_standby_takes_traffic_on_its_own_pilot_light_stays_drained(us):
    backends = {r.workload: r for r in us.of_type("gcp:compute/backendService:BackendService")}

    # One backend per zonal NEG: three per region; (capacity, preference) per region.
    def layers(workload):
        return {region: sorted({(b["capacityScaler"], b["preference"]) for b in backends[workload].inputs["backends"]
                                if f"/zones/{region}-" in b["group"]})
                for region in ("us-central1", "us-east4")}

    assert all(len(r.inputs["backends"]) == 6 for w, r in backends.items() if w != "best-effort-app")
    # Active-active: both regions PREFERRED, each client goes to the closest.
    assert layers("mission-critical-app") == {"us-central1": [(1.0, "PREFERRED")], "us-east4": [(1.0, "PREFERRED")]}
    # Warm standby: full capacity but DEFAULT, so it serves when the primary fails its health checks (no operator).
    assert layers("business-critical-app") == {"us-central1": [(1.0, "PREFERRED")], "us-east4": [(1.0, "DEFAULT")]}
    # Pilot light: no GPU nodes, drained until promoted.
    assert layers("standard-app") == {"us-central1": [(1.0, "PREFERRED")], "us-east4": [(0.0, "DEFAULT")]}
    assert [(b["capacityScaler"], b["preference"]) for b in backends["best-effort-app"].inputs["backends"]] == [(1.0, "PREFERRED")] * 3
    # Every backend service has its service load balancing policy.
    policies = {r.workload: r for r in us.of_type("gcp:networkservices/serviceLbPolicies:ServiceLbPolicies")}
    assert set(policies) == set(backends)
    for workload, bs in backends.items():
        assert policies[workload].urn in bs.dependencies and policies[workload].region == "global"
        assert bs.inputs["serviceLbPolicy"].startswith("//networkservices.googleapis.com/")


# Japan: asia-northeast1 + asia-northeast2 cannot form a configurable dual-region, so each region
# gets its own vault and Storage Transfer Service replicates the first to the second.
JP_STACK = {
    "gcp:project": "acme-ml-jp", "gcp:region": "asia-northeast1", "cloud": "gcp", "environment": "prod",
    "residency": "jp", "primaryRegion": "asia-northeast1", "secondaryRegion": "asia-northeast2", "zonesPerRegion": 2,
    "dnsZone": "ml.example.jp", "deployerCidrs": ["203.0.113.10/32"],
    "workloads": [{
        "name": "ranking", "tier": "standard",
        "service": {"image": "asia-docker.pkg.dev/acme/serving/ranking@sha256:" + "b" * 64, "port": 8080, "readinessPath": "/ready", "livenessPath": "/healthz"},
        "database": {"engine": "postgres", "size": "small"},
    }],
}


@pytest.fixture(scope="module")
def jp(tmp_path_factory):
    return plan_stack(ROOT, StackRef("prod", write_stack(tmp_path_factory.mktemp("gcp-jp"), JP_STACK, name="prod")))


def test_gcp_vault_without_a_dual_region_is_replicated_to_the_second_region(jp):
    buckets = {r.region: r for r in jp.of_type("gcp:storage/bucket:Bucket") if r.workload == "ranking"}
    assert set(buckets) == {"asia-northeast1", "asia-northeast2"}
    assert {b.inputs["location"].lower() for b in buckets.values()} == {"asia-northeast1", "asia-northeast2"}
    jobs = jp.of_type("gcp:storage/transferJob:TransferJob")
    assert len(jobs) == 1
    spec = jobs[0].inputs["replicationSpec"]
    assert spec["gcsDataSource"]["bucketName"] == buckets["asia-northeast1"].outputs["name"]
    assert spec["gcsDataSink"]["bucketName"] == buckets["asia-northeast2"].outputs["name"]
    assert "transferOptions" not in spec  # replication jobs refuse delete options
    allowed = set(residency.regions("gcp", "jp")) | {"global"}
    assert [r.urn for r in jp.resources if r.region not in allowed] == []


def test_fails_with_a_replication_key_that_is_not_a_crypto_key():
    from pydantic import ValidationError

    from blueprint.components.gcp.vault_replication import VaultReplicationArgs

    with pytest.raises(ValidationError, match="destination_kms_key_id"):
        VaultReplicationArgs(
            project="acme-ml-jp", source_bucket="a", destination_bucket="b", destination_region="asia-northeast2",
            source_kms_key_id="projects/acme-ml-jp/locations/asia-northeast1/keyRings/r/cryptoKeys/k",
            destination_kms_key_id="not-a-key",
        )


# -- issue 5: in-cluster layer, queues, alerting ---------------------------------------------------------

DEPLOYMENT = "kubernetes:apps/v1:Deployment"
SERVICE = "kubernetes:core/v1:Service"
PRIORITY_CLASS = "kubernetes:scheduling.k8s.io/v1:PriorityClass"
TOPIC = "gcp:pubsub/topic:Topic"
SUBSCRIPTION = "gcp:pubsub/subscription:Subscription"
ALERT = "gcp:monitoring/alertPolicy:AlertPolicy"


def test_gcp_clusters_get_a_priority_class_and_no_device_plugin(gcp_prod):
    assert {r.region for r in gcp_prod.of_type(PRIORITY_CLASS)} == {"europe-west4", "europe-west1"}
    assert not gcp_prod.of_type("kubernetes:apps/v1:DaemonSet")  # GKE manages drivers and the device plugin


def test_gcp_inference_service_binds_to_the_load_balancer_negs(gcp_prod):
    import json

    deployments = {(r.workload, r.region): r for r in gcp_prod.of_type(DEPLOYMENT) if not _fallback(r)}
    assert set(deployments) == {("fraud-scoring", "europe-west4"), ("fraud-scoring", "europe-west1")}
    negs = {r.region: r.inputs["name"] for r in gcp_prod.of_type("gcp:compute/networkEndpointGroup:NetworkEndpointGroup")
            if "-fallback-" not in r.name}
    for svc in (s for s in gcp_prod.of_type(SERVICE) if not _fallback(s)):
        annotation = json.loads(svc.inputs["metadata"]["annotations"]["cloud.google.com/neg"])
        assert annotation == {"exposed_ports": {"8080": {"name": negs[svc.region]}}}
    for d in deployments.values():
        pod = d.inputs["spec"]["template"]["spec"]
        assert pod["containers"][0]["resources"]["limits"]["nvidia.com/gpu"] == "1"
        assert pod["priorityClassName"] == "blueprint-serving"


def test_gcp_queue_in_each_serving_region_with_dead_letters(gcp_prod):
    # (The stack's alert topic belongs to no workload.)
    topics = {(r.workload, r.region, r.name.rsplit("-", 1)[-1]) for r in gcp_prod.of_type(TOPIC) if r.workload}
    # batch-embeddings (standard, pilot light): a queue in every region that can serve it, the standby
    # included (issue 18: buffered requests survive the primary's loss).
    assert {(w, region) for w, region, _ in topics} == {("batch-embeddings", "europe-west4"), ("batch-embeddings", "europe-west1")}
    subs = [r for r in gcp_prod.of_type(SUBSCRIPTION) if r.name.endswith("-queue-subscription")]
    assert len(subs) == 2
    for sub in subs:
        assert sub.inputs["deadLetterPolicy"]["maxDeliveryAttempts"] == 5
        assert sub.inputs["ackDeadlineSeconds"] == 600
    for t in gcp_prod.of_type(TOPIC):
        # The failover and break-glass alerts' topics live in the standby region, which survives the primary's loss.
        standby = t.name.startswith(("prod-failover-alerts", "prod-break-glass-alerts"))
        region = t.region if t.workload else ("europe-west1" if standby else "europe-west4")
        assert t.inputs["kmsKeyName"].startswith(f"projects/acme-ml-prod/locations/{region}/keyRings/")
        assert t.inputs["messageStoragePolicy"]["allowedPersistenceRegions"] == [region]


def test_gcp_alerts_queue_age_dead_letters_replica_lag_and_5xx(gcp_prod):
    names = {r.name for r in gcp_prod.of_type(ALERT)}
    assert {"batch-embeddings-alerts-europe-west4-queue-age", "batch-embeddings-alerts-europe-west4-dead-letters",
            "fraud-scoring-alerts-europe-west1-replica-lag", "fraud-scoring-alerts-lb-5xx"} <= names
    lag = gcp_prod.named("fraud-scoring-alerts-europe-west1-replica-lag").inputs["conditions"][0]["conditionThreshold"]
    assert 'database_id = "acme-ml-prod:prod-fraud-scoring-europe-west1"' in lag["filter"]


def test_gcp_manifests_are_valid_for_kubernetes(gcp_prod, tmp_path):
    import kubernetes_validate
    import yaml

    from blueprint.export import export_plan
    from blueprint.export.k8s import CUSTOM_RESOURCE_API_VERSIONS

    result = export_plan(gcp_prod, tmp_path)
    docs = [yaml.safe_load((result.k8s_dir / name).read_text()) for name in sorted(result.manifest_to_urn)]
    kinds = {d["kind"] for d in docs}
    # gcp-prod's served workload scales on request rate: a KEDA ScaledObject instead of the CPU HPA.
    assert {"Deployment", "Service", "PodDisruptionBudget", "ScaledObject", "NetworkPolicy", "PriorityClass"} <= kinds
    for doc in docs:
        if doc["apiVersion"] in CUSTOM_RESOURCE_API_VERSIONS:  # no schema in kubernetes-validate (tests/test_manifests.py)
            continue
        kubernetes_validate.validate(doc, "1.35.0", strict=True)


def test_gcp_queue_fails_outside_pubsub_delivery_attempts(tmp_path):
    stack = {**US_STACK, "workloads": [{"name": "ingest", "tier": "best-effort", "queue": {"maxReceiveCount": 3}}]}
    with pytest.raises(Exception, match="max_delivery_attempts"):
        plan_stack(ROOT, StackRef("staging", write_stack(tmp_path, stack, name="staging")))


def test_gcp_alert_policies_notify_the_stacks_channel(gcp_prod):
    channel = gcp_prod.named("prod-alerts-channel")
    failover = gcp_prod.named("prod-failover-alerts-channel").outputs["name"]
    policies = gcp_prod.of_type("gcp:monitoring/alertPolicy:AlertPolicy")
    assert policies and all(p.inputs["notificationChannels"][0] == channel.outputs["name"] for p in policies)
    # Only the failover trigger (fraud-scoring's primary down: active-active acts on region loss only)
    # also notifies the failover channel, whose topic starts the workflow.
    assert {p.name for p in policies if failover in p.inputs["notificationChannels"]} == {"fraud-scoring-alerts-primary-down"}


# --- review of issue 13: create order and NEG replacement ------------------------------------


def test_in_cluster_objects_wait_for_the_system_node_pool(gcp_prod):
    # The default pool is removed at cluster creation: the Kubernetes provider's kubeconfig resolves
    # only once the system pool exists, so Deployments and NEG Services never race it (as on EKS).
    providers = gcp_prod.of_type("pulumi:providers:kubernetes")
    assert providers
    for provider in providers:
        names = {gcp_prod.by_urn(d).name for d in provider.dependencies}
        assert f"prod-{provider.region}-gke-system" in names, names


def test_neg_names_are_salted_with_the_cluster_uid(gcp_prod):
    """A new cluster (new kube-system UID) means new NEG names, so a replacement creates the new NEGs
    before it deletes the old ones the backend service still uses (GCE: resourceInUseByAnotherResource)."""
    from blueprint.components.gcp._names import COMPUTE_NAME_MAX, fit_name

    negs = gcp_prod.of_type("gcp:compute/networkEndpointGroup:NetworkEndpointGroup")
    assert {n.region for n in negs} == {"europe-west4", "europe-west1"}
    for neg in negs:
        uid = json.loads(neg.inputs["description"])["cluster-uid"]  # the kube-system UID the controller checks
        # The fallback's NEGs (issue 18) are named for its Service, salted alike.
        part = json.loads(neg.inputs["description"])["service-name"]
        expected = fit_name("prod", part, neg.region, max_length=COMPUTE_NAME_MAX, salt=uid)
        assert neg.inputs["name"] == expected != fit_name("prod", part, neg.region, max_length=COMPUTE_NAME_MAX)
        assert fit_name("prod", part, neg.region, max_length=COMPUTE_NAME_MAX, salt=uid + "-new") != expected
    for svc in gcp_prod.of_type("kubernetes:core/v1:Service"):
        annotation = json.loads(svc.inputs["metadata"]["annotations"]["cloud.google.com/neg"])
        names = {p["name"] for p in annotation["exposed_ports"].values()}
        assert names <= {n.inputs["name"] for n in negs if n.region == svc.region}


SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject"
HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"


def test_gcp_served_workloads_with_a_per_pod_rate_scale_on_their_regions_neg_requests(gcp_prod):
    # stacks/Pulumi.gcp-prod.yaml sets service.requestsPerSecondPerPod on fraud-scoring (both regions serve).
    negs = {(n.workload, n.region): n.inputs["name"] for n in gcp_prod.of_type("gcp:compute/networkEndpointGroup:NetworkEndpointGroup")
            if "-fallback-" not in n.name}
    scaled = {(s.workload, s.region): s for s in gcp_prod.of_type(SCALED_OBJECT)}
    assert {k[1] for k in scaled} == {"europe-west4", "europe-west1"}
    for (workload, region), obj in scaled.items():
        traffic, cpu = obj.inputs["spec"]["triggers"]
        assert traffic["type"] == "prometheus" and cpu["type"] == "cpu"
        assert f'"backend_name"="{negs[(workload, region)]}"' in traffic["metadata"]["query"]  # its own region's NEGs
        assert traffic["metadata"]["serverAddress"].endswith("/projects/acme-ml-prod/location/global/prometheus")
        assert traffic["authenticationRef"] == {"name": "gcp", "kind": "ClusterTriggerAuthentication"}
    # The fallback (issue 18) keeps its own CPU HPA; the GPU service has none beside its ScaledObject.
    assert not set(scaled) & {(h.workload, h.region) for h in gcp_prod.of_type(HPA) if not _fallback(h)}


def _fallback(r) -> bool:
    """An object of the workload's degraded mode (FallbackService, issue 18)."""
    return (r.inputs.get("metadata") or {}).get("labels", {}).get("blueprint-role") == "fallback"


def test_gcp_keda_acts_as_a_monitoring_viewer_through_workload_identity(gcp_prod):
    releases = {r.region: r for r in gcp_prod.of_type("kubernetes:helm.sh/v3:Release") if r.inputs.get("chart") == "keda"}
    assert set(releases) == {"europe-west4", "europe-west1"}
    accounts = {a.name: a for a in gcp_prod.of_type("gcp:serviceaccount/account:Account")}
    for region, release in releases.items():
        sa = accounts[f"prod-{region}-keda-identity-sa"]
        annotations = release.inputs["values"]["serviceAccount"]["operator"]["annotations"]
        assert annotations == {"iam.gke.io/gcp-service-account": sa.outputs["email"]}
        binding = gcp_prod.named(f"prod-{region}-keda-identity-workload-identity")
        viewer = gcp_prod.named(f"prod-{region}-keda-identity-monitoring-viewer")
        assert binding.inputs["member"] == "serviceAccount:acme-ml-prod.svc.id.goog[keda/keda-operator]"
        assert viewer.inputs["role"] == "roles/monitoring.viewer"
        assert {binding.urn, viewer.urn} <= set(release.dependencies)


def test_gcp_control_plane_reaches_keda_on_the_nodes_only_on_its_ports(gcp_prod):
    # GKE's own rule opens only 443/10250 from the private control plane; the deny-all refuses the
    # rest, so KEDA's metrics API server (6443) and webhooks (9443) need their own rule.
    releases = {r.region: r for r in gcp_prod.of_type("kubernetes:helm.sh/v3:Release") if r.inputs.get("chart") == "keda"}
    clusters = {c.region: c for c in gcp_prod.of_type("gcp:container/cluster:Cluster")}
    for region, release in releases.items():
        rule = gcp_prod.named(f"prod-{region}-keda-control-plane")
        assert rule.inputs["direction"] == "INGRESS"
        assert rule.inputs["allows"] == [{"protocol": "tcp", "ports": ["6443", "9443"]}]
        assert rule.inputs["sourceRanges"] == [clusters[region].inputs["privateClusterConfig"]["masterIpv4CidrBlock"]]
        node_accounts = {p.inputs["nodeConfig"]["serviceAccount"] for p in gcp_prod.of_type("gcp:container/nodePool:NodePool")
                         if p.region == region}
        assert len(node_accounts) == 1 and rule.inputs["targetServiceAccounts"] == list(node_accounts)
        assert rule.urn in release.dependencies


def test_gcp_without_the_per_pod_rate_services_keep_their_cpu_hpa_and_no_keda(us):
    assert us.of_type(HPA) and not us.of_type(SCALED_OBJECT)
    assert not us.of_type("blueprint:k8s:Keda") and not us.of_type("blueprint:gcp:KedaMonitoringReader")
    assert not [f for f in us.of_type("gcp:compute/firewall:Firewall") if f.name.endswith("-keda-control-plane")]
