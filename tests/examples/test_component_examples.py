"""Examples that run (issue 19): every public component has an example under examples/components/
that constructs it by hand; each example is planned here under the Pulumi SDK's mocks, exactly as a
user's `pulumi up` would run it, and asserted on: resource counts and the secure defaults.

A public component is what ``blueprint.docs_gen.public_components`` lists (a ComponentResource of a
non-private module of blueprint.components.{aws,gcp,k8s}). An example file is named
``<cloud>_<topic>.py``; it covers a component when its source constructs the class and its plan
holds the component's type token ``blueprint:<cloud>:<Name>``. Each example has a ``check_<file>``
function below; an example without one fails, as does a component without an example."""

from __future__ import annotations

import json
import re
import runpy
from collections import Counter
from pathlib import Path
from typing import Callable

import pytest

from blueprint.docs_gen import PublicComponent, public_components
from blueprint.plan.engine import plan_program
from blueprint.plan.model import Plan
from tests.components._helpers import assert_private_s3_bucket, statements_by_sid

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "components"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.py"))
# The stack configuration each cloud's examples are planned with (examples/README.md says the same).
CONFIG = {
    "aws": {"aws:region": "eu-central-1"},
    "gcp": {"gcp:project": "acme-ml-prod", "gcp:region": "europe-west4"},
    "k8s": {},
}
_PLANS: dict[str, Plan] = {}


def plan_example(path: Path) -> Plan:
    """The example's plan (cached: several tests read it)."""
    if path.stem not in _PLANS:
        cloud = path.stem.split("_", 1)[0]
        _PLANS[path.stem] = plan_program(lambda: runpy.run_path(str(path), run_name="__main__"), stack="dev",
                                         project="examples", config=CONFIG[cloud])
    return _PLANS[path.stem]


def counts(plan: Plan) -> Counter:
    return Counter(r.type for r in plan.resources)


def covers(path: Path, component: PublicComponent) -> bool:
    source = path.read_text(encoding="utf-8")
    return (path.stem.startswith(f"{component.cloud}_") and re.search(rf"\b{component.cls.__name__}\(", source) is not None
            and component.type_token in counts(plan_example(path)))


def uncovered(components: list[PublicComponent], files: list[Path]) -> list[str]:
    return [c.type_token for c in components if not any(covers(f, c) for f in files)]


def test_every_public_component_has_an_executed_example():
    missing = uncovered(public_components(), EXAMPLE_FILES)
    assert not missing, f"add an example under examples/components/ constructing: {missing}"


def test_fails_when_a_component_has_no_example():
    (kms,) = [c for c in public_components() if c.type_token == "blueprint:aws:KmsKey"]
    assert uncovered([kms], EXAMPLE_FILES) == []
    assert uncovered([kms], [f for f in EXAMPLE_FILES if not f.stem.startswith("aws_")]) == ["blueprint:aws:KmsKey"]


def test_examples_readme_lists_every_example():
    readme = (ROOT / "examples" / "README.md").read_text(encoding="utf-8")
    assert [f.name for f in EXAMPLE_FILES if f"`components/{f.name}`" not in readme] == []


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_example_plans_and_keeps_its_secure_defaults(path: Path):
    check: Callable[[Plan], None] | None = globals().get(f"check_{path.stem}")
    assert check is not None, f"write check_{path.stem}(plan) in {Path(__file__).name}"
    check(plan_example(path))


# --- AWS ----------------------------------------------------------------------------------------------


def check_aws_storage(plan: Plan) -> None:
    n = counts(plan)
    assert (n["blueprint:aws:KmsKey"], n["blueprint:aws:BackupVault"], n["blueprint:aws:RecoveryPointVault"]) == (2, 2, 2)
    assert (n["aws:s3/bucket:Bucket"], n["aws:s3/bucketReplicationConfig:BucketReplicationConfig"], n["aws:backup/plan:Plan"]) == (3, 1, 1)
    for key in plan.of_type("aws:kms/key:Key"):
        assert (key.inputs["enableKeyRotation"], key.inputs["deletionWindowInDays"]) == (True, 30)
    assert {r.region for r in plan.of_type("aws:kms/key:Key")} == {"eu-central-1", "eu-west-3"}
    for vault in ("registry-vault", "registry-vault-dr"):
        assert plan.named(f"{vault}-bucket").inputs["objectLockEnabled"] is True
        assert plan.named(f"{vault}-object-lock").inputs["rule"]["defaultRetention"] == {"mode": "COMPLIANCE", "days": 35}
        (sse,) = plan.named(f"{vault}-encryption").inputs["rules"]
        assert sse["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms" and sse["bucketKeyEnabled"] is True
        assert_private_s3_bucket(plan, vault)
    assert_private_s3_bucket(plan, "registry-logs")
    (logs_sse,) = plan.named("registry-logs-encryption").inputs["rules"]
    assert logs_sse["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "AES256"}  # ALB/S3 log delivery needs SSE-S3
    assert plan.named("registry-vault-access-logging").inputs["targetPrefix"] == "s3-access-logs/"
    (rule,) = plan.named("registry-replication-replication").inputs["rules"]
    assert rule["deleteMarkerReplication"] == {"status": "Enabled"}
    assert rule["destination"]["replicationTime"] == {"status": "Enabled", "time": {"minutes": 15}}
    assert plan.named("registry-db-vault-lock").inputs["minRetentionDays"] == 7
    (backup_rule,) = plan.named("registry-db-backups-plan").inputs["rules"]
    assert backup_rule["schedule"] == "cron(0 */6 * * ? *)"
    assert backup_rule["copyActions"][0]["destinationVaultArn"].startswith("arn:aws:backup:eu-west-3:")


def check_aws_cluster(plan: Plan) -> None:
    n = counts(plan)
    assert (n["aws:ec2/subnet:Subnet"], n["aws:ec2/natGateway:NatGateway"]) == (6, 3)  # public + private, NAT per zone
    assert n["aws:eks/nodeGroup:NodeGroup"] == 4  # system nodes + one GPU group per zone
    assert (n["kubernetes:helm.sh/v3:Release"], n["aws:eks/podIdentityAssociation:PodIdentityAssociation"]) == (2, 3)
    assert plan.named("ml-net-flow-log").inputs["trafficType"] == "ALL"
    assert plan.named("ml-net-flow-logs").inputs["retentionInDays"] == 365
    cluster = plan.named("ml-eks-cluster").inputs
    assert cluster["vpcConfig"]["endpointPublicAccess"] is False and cluster["vpcConfig"]["endpointPrivateAccess"] is True
    assert cluster["encryptionConfig"]["resources"] == ["secrets"]
    assert len(cluster["enabledClusterLogTypes"]) == 5 and cluster["deletionProtection"] is True
    assert cluster["accessConfig"]["authenticationMode"] == "API"
    for template in plan.of_type("aws:ec2/launchTemplate:LaunchTemplate"):
        assert template.inputs["metadataOptions"]["httpTokens"] == "required"  # IMDSv2 only
        assert template.inputs["metadataOptions"]["httpPutResponseHopLimit"] == 1
        assert template.inputs["blockDeviceMappings"][0]["ebs"]["encrypted"] == "true"
    gpu_groups = [g for g in plan.of_type("aws:eks/nodeGroup:NodeGroup") if g.name.startswith("ml-gpu-")]
    assert sorted(g.zone for g in gpu_groups) == ["us-east-1a", "us-east-1b", "us-east-1c"]
    for group in gpu_groups:
        assert group.inputs["taints"] == [{"key": "nvidia.com/gpu", "value": "true", "effect": "NO_SCHEDULE"}]
        assert group.inputs["nodeRepairConfig"] == {"enabled": True}
    assert plan.named("ml-lb-controller-release").inputs["values"]["replicaCount"] == 2
    assert plan.named("ml-autoscaler-release").inputs["values"]["replicaCount"] == 2


def check_aws_serving(plan: Plan) -> None:
    n = counts(plan)
    assert (n["aws:lb/loadBalancer:LoadBalancer"], n["aws:lb/listener:Listener"], n["aws:acm/certificate:Certificate"]) == (1, 2, 1)
    assert (n["aws:sqs/queue:Queue"], n["aws:route53/healthCheck:HealthCheck"], n["aws:wafv2/webAcl:WebAcl"]) == (2, 1, 1)
    assert n["aws:cloudwatch/metricAlarm:MetricAlarm"] == 8  # 7 workload alarms + the health check's (in us-east-1)
    alb = plan.named("fraud-lb-alb").inputs
    assert (alb["internal"], alb["enableDeletionProtection"], alb["dropInvalidHeaderFields"]) == (False, True, True)
    assert alb["desyncMitigationMode"] == "strictest" and alb["accessLogs"]["enabled"] is True
    assert plan.named("fraud-lb-https").inputs["sslPolicy"].startswith("ELBSecurityPolicy-TLS13-1-2")
    (redirect,) = plan.named("fraud-lb-http").inputs["defaultActions"]
    assert redirect["redirect"] == {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}
    assert plan.named("fraud-lb-waf").type == "aws:wafv2/webAclAssociation:WebAclAssociation"
    check = plan.named("fraud-dns-eu-central-1-health-check").inputs
    assert (check["type"], check["enableSni"], len(check["regions"])) == ("HTTPS", True, 8)  # all checker regions
    assert plan.named("fraud-dns-eu-central-1-alarm").region == "us-east-1"  # Route 53 metrics live there
    for queue in ("fraud-queue-queue", "fraud-queue-dlq"):
        assert plan.named(queue).inputs["kmsMasterKeyId"].startswith("arn:aws:kms:eu-central-1:")
        (deny,) = statements_by_sid(plan, f"{queue}-policy").values()
        assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert plan.named("serving-alarms-topic").inputs["kmsMasterKeyId"]
    assert plan.named("fraud-autoshift-config").inputs["zonalAutoshiftStatus"] == "ENABLED"


def check_aws_database(plan: Plan) -> None:
    n = counts(plan)
    assert (n["aws:rds/globalCluster:GlobalCluster"], n["aws:rds/cluster:Cluster"], n["aws:rds/clusterInstance:ClusterInstance"]) == (1, 2, 4)
    assert n["aws:secretsmanager/secret:Secret"] == 1  # the global primary's master password, replicated
    global_cluster = plan.named("feature-store-global-global-cluster").inputs
    assert (global_cluster["storageEncrypted"], global_cluster["deletionProtection"], global_cluster["forceDestroy"]) == (True, True, False)
    for region in ("eu-central-1", "eu-west-3"):
        cluster = plan.named(f"feature-store-{region}-cluster")
        assert cluster.region == region
        assert (cluster.inputs["storageEncrypted"], cluster.inputs["deletionProtection"], cluster.inputs["skipFinalSnapshot"]) == (True, True, False)
        assert cluster.inputs["kmsKeyId"].startswith(f"arn:aws:kms:{region}:")
        params = {p["name"]: p["value"] for p in plan.named(f"feature-store-{region}-cluster-params").inputs["parameters"]}
        assert params["rds.force_ssl"] == "1"  # TLS forced
    instances = plan.of_type("aws:rds/clusterInstance:ClusterInstance")
    assert all(i.inputs.get("publiclyAccessible", False) is False for i in instances)
    assert sorted(i.region for i in instances) == ["eu-central-1"] * 3 + ["eu-west-3"]


def check_aws_orchestration(plan: Plan) -> None:
    n = counts(plan)
    assert (n["aws:arcregionswitch/plan:Plan"], n["aws:fis/experimentTemplate:ExperimentTemplate"]) == (1, 4)
    switch = plan.named("fraud-region-switch-plan").inputs
    assert switch["regions"] == ["us-east-1", "us-west-2"] and switch["recoveryTimeObjectiveMinutes"] == 15
    (failover,) = [w for w in switch["workflows"] if w["workflowTargetRegion"] == "us-west-2"]
    assert failover["steps"][0]["executionBlockType"] == "ManualApproval"  # approval="manual": a human declares it
    templates = plan.of_type("aws:fis/experimentTemplate:ExperimentTemplate")
    assert sorted(t.name for t in templates) == ["prod-drills-az-power-us-east-1a", "prod-drills-az-power-us-east-1b",
                                                "prod-drills-az-power-us-east-1c", "prod-drills-cross-region-us-west-2"]
    for template in templates:
        assert {c["source"] for c in template.inputs["stopConditions"]} == {"aws:cloudwatch:alarm"}
        assert template.inputs["logConfiguration"]["cloudwatchLogsConfiguration"]


def check_aws_regional_platform(plan: Plan) -> None:
    n = counts(plan)
    for token in ("KmsKey", "Network", "EksCluster", "ClusterAutoscaler", "AlarmTopic", "BackupVault", "GpuNodePool"):
        assert n[f"blueprint:aws:{token}"] == 1, token
    assert n["blueprint:k8s:GpuEnablement"] == 1 and n["aws:ec2/natGateway:NatGateway"] == 3
    gpu_zones = sorted(g.zone for g in plan.of_type("aws:eks/nodeGroup:NodeGroup") if "-gpu-" in g.name)
    assert gpu_zones == ["eu-central-1a", "eu-central-1b", "eu-central-1c"]
    vpc_config = plan.named("team-eu-central-1-eks-cluster").inputs["vpcConfig"]
    assert vpc_config["publicAccessCidrs"] == ["203.0.113.10/32"]  # the deployers only, never 0.0.0.0/0
    # The standard tier's lock (blueprint.catalogs.tiers): GOVERNANCE, the configured 14 days.
    lock = plan.named("embeddings-eu-central-1-vault-object-lock").inputs["rule"]["defaultRetention"]
    assert lock == {"mode": "GOVERNANCE", "days": 14}
    assert {r.region for r in plan.resources if r.region != "global"} == {"eu-central-1"}



def check_aws_recovery_data(plan: Plan) -> None:
    n = counts(plan)
    assert (n["aws:ecr/repository:Repository"], n["aws:ecr/replicationConfiguration:ReplicationConfiguration"]) == (2, 1)
    assert (n["aws:secretsmanager/secret:Secret"], n["aws:eks/podIdentityAssociation:PodIdentityAssociation"]) == (1, 1)
    assert n["aws:secretsmanager/secretVersion:SecretVersion"] == 0  # never a secret value in the plan or state
    for repository in plan.of_type("aws:ecr/repository:Repository"):
        r = repository.inputs
        assert (r["imageTagMutability"], r["imageScanningConfiguration"], r["forceDelete"]) == ("IMMUTABLE", {"scanOnPush": True}, False)
        (encryption,) = r["encryptionConfigurations"]
        assert encryption["encryptionType"] == "KMS" and encryption["kmsKey"].startswith(f"arn:aws:kms:{repository.region}:")
    (rule,) = plan.named("registry-replication-config").inputs["replicationConfiguration"]["rules"]
    assert rule["destinations"] == [{"registryId": "123456789012", "region": "eu-west-3"}]
    secret = plan.named("fraud-secrets-api-key").inputs
    assert secret["recoveryWindowInDays"] == 30 and [r["region"] for r in secret["replicas"]] == ["eu-west-3"]
    statements = statements_by_sid(plan, "fraud-serving-policy")
    actions = {a for s in statements.values() for a in s["Action"]}
    assert actions == {"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "kms:Decrypt"}  # read only
    assert statements["DecryptThroughStores"]["Condition"]["StringEquals"]["kms:ViaService"] == ["secretsmanager.eu-central-1.amazonaws.com"]
    alarm = plan.named("fraud-probe-alarm")
    assert alarm.region == "eu-west-3" and alarm.inputs["dimensions"]["WatchedRegion"] == "eu-central-1"  # watched from outside



def check_aws_audit(plan: Plan) -> None:
    n = counts(plan)
    assert (n["aws:cloudtrail/trail:Trail"], n["aws:cloudwatch/logMetricFilter:LogMetricFilter"], n["aws:s3/bucket:Bucket"]) == (1, 1, 2)
    trail = plan.named("audit-trail").inputs
    assert (trail["isMultiRegionTrail"], trail["includeGlobalServiceEvents"], trail["enableLogFileValidation"]) == (True, True, True)
    assert trail["kmsKeyId"].startswith("arn:aws:kms:eu-central-1:")
    assert plan.named("audit-object-lock").inputs["rule"]["defaultRetention"] == {"mode": "COMPLIANCE", "days": 365}
    assert_private_s3_bucket(plan, "audit")
    role = plan.named("break-glass-role").inputs
    (trust,) = json.loads(role["assumeRolePolicy"])["Statement"]
    assert trust["Condition"]["Bool"] == {"aws:MultiFactorAuthPresent": "true"} and role["maxSessionDuration"] == 3600
    alarm = plan.named("break-glass-assumed-alarm").inputs
    assert alarm["threshold"] == 1 and alarm["alarmActions"][0].startswith("arn:aws:sns:eu-central-1:")
    rules = plan.of_type("aws:cloudwatch/eventRule:EventRule")
    assert sorted(r.region for r in rules) == ["eu-central-1", "eu-west-3"]  # every region pages on its own
    for rule in rules:
        assert rule.inputs["state"] == "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"  # AssumeRole is a read-only event
        assert json.loads(rule.inputs["eventPattern"])["detail"]["eventName"] == ["AssumeRole"]


# --- GCP ----------------------------------------------------------------------------------------------


def check_gcp_storage(plan: Plan) -> None:
    n = counts(plan)
    assert (n["gcp:kms/cryptoKey:CryptoKey"], n["gcp:storage/bucket:Bucket"], n["gcp:storage/transferJob:TransferJob"]) == (2, 2, 1)
    assert n["gcp:projects/iAMAuditConfig:IAMAuditConfig"] == 2  # Cloud Storage and Cloud SQL
    for key in plan.of_type("gcp:kms/cryptoKey:CryptoKey"):
        assert (key.inputs["rotationPeriod"], key.inputs["purpose"]) == ("7776000s", "ENCRYPT_DECRYPT")  # 90 days
    for bucket in plan.of_type("gcp:storage/bucket:Bucket"):
        b = bucket.inputs
        assert b["retentionPolicy"] == {"isLocked": True, "retentionPeriod": str(35 * 86400)}  # COMPLIANCE: locked
        assert (b["uniformBucketLevelAccess"], b["publicAccessPrevention"], b["forceDestroy"]) == (True, "enforced", False)
        assert b["encryption"]["defaultKmsKeyName"].startswith(f"projects/acme-ml-prod/locations/{bucket.region}/")
    assert {b.region for b in plan.of_type("gcp:storage/bucket:Bucket")} == {"asia-northeast1", "asia-northeast2"}
    for config in plan.of_type("gcp:projects/iAMAuditConfig:IAMAuditConfig"):
        assert {c["logType"] for c in config.inputs["auditLogConfigs"]} == {"ADMIN_READ", "DATA_READ", "DATA_WRITE"}


def check_gcp_cluster(plan: Plan) -> None:
    n = counts(plan)
    assert (n["gcp:container/cluster:Cluster"], n["gcp:container/nodePool:NodePool"], n["gcp:compute/routerNat:RouterNat"]) == (1, 2, 1)
    assert (n["gcp:servicenetworking/connection:Connection"], n["gcp:serviceaccount/account:Account"]) == (1, 2)
    assert plan.named("ml-net-vpc").inputs["autoCreateSubnetworks"] is False
    cluster = plan.named("ml-gke-cluster").inputs
    private = cluster["privateClusterConfig"]
    assert (private["enablePrivateNodes"], private["enablePrivateEndpoint"]) == (True, True)
    assert cluster["databaseEncryption"]["state"] == "ENCRYPTED" and cluster["enableLegacyAbac"] is False
    assert cluster["deletionProtection"] is True
    assert cluster["workloadIdentityConfig"] == {"workloadPool": "acme-ml-prod.svc.id.goog"}
    gpu = plan.named("ml-gpu-on-demand").inputs
    assert gpu["nodeLocations"] == ["europe-west4-a", "europe-west4-b", "europe-west4-c"]
    assert gpu["nodeConfig"]["taints"] == [{"key": "nvidia.com/gpu", "value": "present", "effect": "NO_SCHEDULE"}]
    assert gpu["nodeConfig"]["shieldedInstanceConfig"] == {"enableSecureBoot": True, "enableIntegrityMonitoring": True}
    assert gpu["nodeConfig"]["bootDiskKmsKey"].endswith("/cryptoKeys/data")
    assert gpu["management"] == {"autoRepair": True, "autoUpgrade": True}
    deny = [f for f in plan.of_type("gcp:compute/firewall:Firewall") if f.inputs.get("denies")]
    assert len(deny) == 1 and deny[0].inputs["sourceRanges"] == ["0.0.0.0/0"]  # the deny-all ingress baseline


def check_gcp_serving(plan: Plan) -> None:
    n = counts(plan)
    assert (n["gcp:compute/networkEndpointGroup:NetworkEndpointGroup"], n["gcp:compute/backendService:BackendService"]) == (6, 1)
    assert (n["gcp:compute/globalForwardingRule:GlobalForwardingRule"], n["gcp:pubsub/topic:Topic"]) == (2, 3)
    assert n["gcp:monitoring/alertPolicy:AlertPolicy"] == 5
    assert plan.named("fraud-lb-ssl-policy").inputs == {"profile": "RESTRICTED", "minTlsVersion": "TLS_1_2"}
    backend = plan.named("fraud-lb-backend").inputs
    assert backend["loadBalancingScheme"] == "EXTERNAL_MANAGED" and backend["logConfig"]["enable"] is True
    preference = {b["description"]: b["preference"] for b in backend["backends"]}
    # The warm region gets traffic when the primary's backends fail their health checks (no operator).
    assert preference == {"europe-west4 (primary)": "PREFERRED", "europe-west1 (warm)": "DEFAULT"}
    assert plan.named("fraud-lb-http-proxy").inputs["urlMap"].startswith("fraud-lb-redirect-map")  # HTTP only redirects
    for topic in plan.of_type("gcp:pubsub/topic:Topic"):
        assert topic.inputs["kmsKeyName"].endswith("/cryptoKeys/data")
        assert topic.inputs["messageStoragePolicy"] == {"allowedPersistenceRegions": ["europe-west4"]}
    subscription = plan.named("fraud-queue-subscription").inputs
    assert subscription["deadLetterPolicy"]["maxDeliveryAttempts"] == 5 and subscription["expirationPolicy"] == {"ttl": ""}
    for policy in plan.of_type("gcp:monitoring/alertPolicy:AlertPolicy"):
        assert len(policy.inputs["notificationChannels"]) == 1
    lb_5xx = plan.named("fraud-alerts-lb-5xx").inputs["conditions"][0]["conditionThreshold"]["filter"]
    assert 'url_map_name = "fraud-lb-url-map-' in lb_5xx  # the load balancer's real URL map


def check_gcp_database(plan: Plan) -> None:
    n = counts(plan)
    assert (n["gcp:sql/databaseInstance:DatabaseInstance"], n["gcp:servicenetworking/connection:Connection"], n["command:local:Command"]) == (2, 1, 1)
    for region in ("europe-west4", "europe-west1"):
        instance = plan.named(f"feature-store-{region}-instance")
        settings = instance.inputs["settings"]
        assert instance.region == region and instance.inputs["deletionProtection"] is True
        assert instance.inputs["encryptionKeyName"].startswith(f"projects/acme-ml-prod/locations/{region}/")
        assert settings["ipConfiguration"]["ipv4Enabled"] is False  # private IP only
        assert settings["ipConfiguration"]["sslMode"] == "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"
        assert settings["availabilityType"] == "REGIONAL" and settings["deletionProtectionEnabled"] is True
        flags = {f["name"]: f["value"] for f in settings["databaseFlags"]}
        assert flags["cloudsql.iam_authentication"] == "on" and flags["cloudsql.enable_pgaudit"] == "on"
    assert plan.named("feature-store-europe-west4-instance").inputs["settings"]["backupConfiguration"]["pointInTimeRecoveryEnabled"] is True
    assert plan.named("feature-store-europe-west1-instance").inputs["masterInstanceName"] == "feature-store-europe-west4"
    designation = plan.named("feature-store-dr-designate")
    assert designation.inputs["environment"]["BLUEPRINT_DR_REPLICA"] == "acme-ml-prod:feature-store-europe-west1"
    assert plan.named("feature-store-europe-west1-instance").urn in designation.dependencies


def check_gcp_failover(plan: Plan) -> None:
    n = counts(plan)
    assert (n["gcp:workflows/workflow:Workflow"], n["gcp:eventarc/trigger:Trigger"], n["gcp:projects/iAMCustomRole:IAMCustomRole"]) == (1, 1, 1)
    workflow = plan.named("fraud-failover-workflow")
    assert workflow.region == "europe-west1"  # runs in the standby region, which survives the primary's loss
    assert workflow.inputs["callLogLevel"] == "LOG_ERRORS_ONLY" and workflow.inputs["cryptoKeyName"].endswith("/cryptoKeys/data")
    assert workflow.inputs["labels"]["blueprint-failover-approval"] == "manual"
    assert workflow.inputs["labels"]["blueprint-failover-steps"] == "approve_db-failover_traffic_gpu-on-demand"
    trigger = plan.named("fraud-failover-trigger").inputs
    assert trigger["transport"] == {"pubsub": {"topic": "projects/acme-ml-prod/topics/failover-alerts"}}
    permissions = plan.of_type("gcp:projects/iAMCustomRole:IAMCustomRole")[0].inputs["permissions"]
    assert {"cloudsql.instances.promoteReplica", "compute.backendServices.update", "container.clusters.update"} <= set(permissions)
    assert not any(p.endswith(".setIamPolicy") or p.endswith(".delete") for p in permissions)  # least privilege


def check_gcp_regional_platform(plan: Plan) -> None:
    n = counts(plan)
    for token in ("KmsKey", "RegionalSubnet", "GkeCluster", "GpuNodePool", "WorkloadRegion"):
        assert n[f"blueprint:gcp:{token}"] == 1, token
    assert n["blueprint:k8s:GpuEnablement"] == 1 and n["gcp:container/nodePool:NodePool"] == 2  # system + GPU
    cluster = plan.named("team-europe-west4-gke-cluster").inputs
    assert cluster["masterAuthorizedNetworksConfig"]["cidrBlocks"] == [
        {"displayName": "authorized-0", "cidrBlock": "203.0.113.10/32"}]  # the deployers only
    assert cluster["privateClusterConfig"]["enablePrivateNodes"] is True
    gpu = plan.named("embeddings-europe-west4-gpu-on-demand").inputs
    assert gpu["autoscaling"]["minNodeCount"] == 1 and gpu["autoscaling"]["maxNodeCount"] == 4
    assert {r.region for r in plan.resources if r.region != "global"} == {"europe-west4"}



def check_gcp_recovery_data(plan: Plan) -> None:
    n = counts(plan)
    assert (n["gcp:artifactregistry/repository:Repository"], n["gcp:secretmanager/secret:Secret"]) == (1, 1)
    assert (n["gcp:cloudrunv2/workerPool:WorkerPool"], n["gcp:secretmanager/secretVersion:SecretVersion"]) == (1, 0)
    repository = plan.named("fraud-images-europe").inputs
    assert (repository["location"], repository["format"], repository["dockerConfig"]) == ("europe", "DOCKER", {"immutableTags": True})
    assert repository["kmsKeyName"].startswith("projects/acme-ml-prod/locations/europe/")
    replicas = plan.named("fraud-secrets-api-key").inputs["replication"]["userManaged"]["replicas"]
    assert sorted(r["location"] for r in replicas) == ["europe-west1", "europe-west4"]  # never automatic replication
    assert all(r["customerManagedEncryption"]["kmsKeyName"].startswith(f"projects/acme-ml-prod/locations/{r['location']}/")
               for r in replicas)
    assert plan.named("fraud-secrets-api-key-reader").inputs["role"] == "roles/secretmanager.secretAccessor"
    assert plan.named("fraud-probe-pool").region == "europe-west1"  # the probe survives the watched region's loss
    assert plan.named("fraud-probe-role").inputs["permissions"] == ["compute.backendServices.get"]



def check_gcp_audit(plan: Plan) -> None:
    n = counts(plan)
    assert (n["gcp:logging/projectSink:ProjectSink"], n["gcp:storage/bucket:Bucket"], n["gcp:monitoring/alertPolicy:AlertPolicy"]) == (1, 1, 1)
    bucket = plan.named("audit-bucket-bucket").inputs
    assert bucket["retentionPolicy"] == {"isLocked": True, "retentionPeriod": str(365 * 86400)}
    assert (bucket["publicAccessPrevention"], bucket["forceDestroy"]) == ("enforced", False)
    sink = plan.named("audit-sink").inputs
    assert sink["filter"] == 'logName:"cloudaudit.googleapis.com"' and sink["uniqueWriterIdentity"] is True
    entitlement = plan.named("break-glass-entitlement").inputs
    assert entitlement["maxRequestDuration"] == "3600s"
    assert entitlement["approvalWorkflow"]["manualApprovals"]["steps"][0]["approvalsNeeded"] == 1
    permissions = plan.named("break-glass-role").inputs["permissions"]
    assert not any(p.startswith(("resourcemanager.projects.setIamPolicy", "iam.")) for p in permissions)  # no IAM admin


# --- Kubernetes ---------------------------------------------------------------------------------------


def check_k8s_fallback(plan: Plan) -> None:
    n = counts(plan)
    assert (n["kubernetes:apps/v1:Deployment"], n["kubernetes:autoscaling/v2:HorizontalPodAutoscaler"]) == (2, 2)
    assert (n["kubernetes:networking.k8s.io/v1:NetworkPolicy"], n["kubernetes:policy/v1:PodDisruptionBudget"]) == (3, 2)
    pod = plan.named("fraud-fallback-deployment").inputs["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert "nvidia.com/gpu" not in container["resources"]["limits"] and "tolerations" not in pod
    assert container["securityContext"]["readOnlyRootFilesystem"] is True and pod["securityContext"]["runAsNonRoot"] is True
    assert pod["nodeSelector"] == {"blueprint.dev/pool": "system"}
    service = plan.named("fraud-fallback-service").inputs["metadata"]
    assert service["labels"]["blueprint-role"] == "fallback"
    assert json.loads(service["annotations"]["cloud.google.com/neg"])["exposed_ports"]["8080"]["name"] == "fraud-scoring-fallback-neg"


def check_k8s_inference(plan: Plan) -> None:
    n = counts(plan)
    assert (n["kubernetes:apps/v1:Deployment"], n["kubernetes:apps/v1:DaemonSet"], n["kubernetes:helm.sh/v3:Release"]) == (1, 1, 1)
    assert (n["kubernetes:networking.k8s.io/v1:NetworkPolicy"], n["kubernetes:policy/v1:PodDisruptionBudget"]) == (3, 1)
    assert n["kubernetes:autoscaling/v2:HorizontalPodAutoscaler"] == 1
    assert n["kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding"] == 1
    plugin = plan.of_type("kubernetes:apps/v1:DaemonSet")[0].inputs["spec"]["template"]["spec"]["containers"][0]
    assert "@sha256:" in plugin["image"]  # pinned by digest
    pod = plan.named("fraud-deployment").inputs["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["automountServiceAccountToken"] is False
    assert pod["topologySpreadConstraints"][0]["topologyKey"] == "topology.kubernetes.io/zone"
    container = pod["containers"][0]
    security = container["securityContext"]
    assert (security["readOnlyRootFilesystem"], security["allowPrivilegeEscalation"], security["capabilities"]) == (
        True, False, {"drop": ["ALL"]})
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["resources"]["limits"]["nvidia.com/gpu"] == "1"
    deny = plan.named("fraud-default-deny").inputs["spec"]
    assert deny["podSelector"] == {} and deny["policyTypes"] == ["Ingress"]
