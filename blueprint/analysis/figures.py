"""Every duration the resilience model uses, with its source (docs/resilience.md cites them).

A figure is a planning value: the typical duration the provider documents (or, where it documents none, a
conservative value observed for the operation), never a guarantee. All are in seconds. Override
any of them with :func:`with_overrides` (e.g. a measured GPU node start time from a DR drill);
the analysis takes the table as an argument, so nothing here is hard-wired into the model.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Mapping

from blueprint.types import aws, gcp


@dataclass(frozen=True)
class Figure:
    seconds: float
    source: str


@dataclass(frozen=True)
class Figures:
    # --- detection -------------------------------------------------------------------------
    # Route 53 aggregates the verdicts of health checkers in several locations; the status it
    # acts on trails the last failed check by a few seconds. Interval x threshold comes from the
    # plan; this is the added aggregation latency.
    dns_checker_latency: Figure = Figure(
        10, "Route 53 DG, 'How Amazon Route 53 determines whether a health check is healthy': checkers in "
        "several locations, not coordinated, results aggregated (planning value: one 10 s interval)")
    # Workloads without a DNS health check (batch, backup-restore): an alarm pages on-call, who
    # declares the disaster and starts the runbook.
    declare_disaster: Figure = Figure(
        900, "blueprint planning value: alarm -> page -> acknowledge -> decision to fail over (15 min)")
    # When CloudWatch evaluates an alarm after its last needed datapoint (issue 17's failover probe).
    cloudwatch_high_res_evaluation: Figure = Figure(
        10, "CloudWatch User Guide, 'Using Amazon CloudWatch alarms': 'If the alarm period is 10 seconds or 30 seconds, "
        "the alarm is evaluated every 10 seconds'")
    cloudwatch_evaluation: Figure = Figure(
        60, "blueprint planning value: an alarm with a period of 60 s or more gets one datapoint per period, so its "
        "evaluation can trail the failed datapoint by up to a minute (CloudWatch User Guide, 'Using Amazon CloudWatch alarms')")
    # From a trigger alarm's ALARM state to the plan's execution starting. AWS publishes no figure
    # (Region switch docs: triggers start a plan on CloudWatch alarms, API_Trigger / API_TriggerCondition).
    region_switch_trigger: Figure = Figure(
        30, "ARC Region switch: no published delay from a trigger alarm's ALARM to the plan execution's start "
        "(API_Trigger, API_TriggerCondition); conservative planning value 30 s: measure it in a drill and override")
    # From a failover probe's own StartPlanExecution call (blueprint/components/aws/failover_probe_handler.py) to
    # the execution's first step. AWS publishes no figure either; the call is synchronous (its answer carries the
    # executionId, API_StartPlanExecution), the rest is Region switch starting the workflow. Kept at the alarm
    # path's whole 30 s, which contains this part, so the direct path is never credited more than it removes.
    region_switch_api_start: Figure = Figure(
        30, "ARC Region switch: no published delay from StartPlanExecution to the execution's first step "
        "(API_StartPlanExecution returns the executionId synchronously); conservative planning value 30 s, the alarm "
        "path's whole delay: measure it in a drill (durations_s.plan_start) and record it")
    # How far apart two consecutive invocations of a rate(1 minute) scheduled rule may start: each fires "within that
    # minute, but not on the precise 0th second", so up to just under two minutes. A failover probe whose runs are
    # shorter than this plus its reads before its first slot leaves time unprobed (blueprint/analysis/aws_orchestration.py).
    eventbridge_schedule_gap: Figure = Figure(
        120, "EventBridge UG, 'Setting a schedule pattern for scheduled rules': 'the minimum precision for a schedule is "
        "one minute. Your scheduled rule runs within that minute, but not on the precise 0th second' "
        "(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html): two fires of "
        "rate(1 minute) up to 120 s apart")
    # The failover probe's CloudWatch reads before its first slot (armed(), and seed()'s three reads in a new execution
    # environment), each bounded by its client settings (failover_probe_handler.handler: connect 2 s + read 2 s, 2 attempts).
    probe_pre_slot_reads: Figure = Figure(
        32, "blueprint/components/aws/failover_probe_handler.py: 4 GetMetricStatistics calls x 2 attempts x (2 s connect + "
        "2 s read) before an invocation's first slot, worst case")
    # --- traffic shift ---------------------------------------------------------------------
    alias_ttl_elb: Figure = Figure(
        60, "Route 53 FAQ: alias records to ELB load balancers have a fixed TTL of 60 s")
    # --- database --------------------------------------------------------------------------
    aurora_global_failover: Figure = Figure(
        60, "Aurora User Guide, 'Using switchover or failover in an Aurora global database' "
        "(FailoverGlobalCluster, AllowDataLoss): AWS states recovery typically under 1 minute")
    aurora_global_replication_lag: Figure = Figure(
        1, "Aurora User Guide, 'Using Amazon Aurora Global Database': replicates to secondary Regions "
        "with typical latency under 1 second (rpo_lag_in_msec, aurora_global_db_status)")
    aurora_add_instance: Figure = Figure(
        600, "Aurora: creating a DB instance in an existing cluster, typically 5-10 min (planning: 10 min)")
    aurora_multi_az_failover: Figure = Figure(
        30, "Aurora User Guide, 'High availability for Aurora': failover to a reader typically "
        "completes within 30 s")
    aurora_restore_from_snapshot: Figure = Figure(
        1800, "Aurora RestoreDBClusterFromSnapshot: cluster volume restored lazily; planning value "
        "30 min for the cluster to become available (excl. instance creation)")
    backup_copy: Figure = Figure(
        3600, "AWS Backup cross-Region copy job: planning value 1 h after the backup job completes")
    s3_rtc: Figure = Figure(
        900, "S3 User Guide, 'S3 Replication Time Control': 99.99% of objects replicated within 15 min")
    # --- capacity --------------------------------------------------------------------------
    gpu_node_start: Figure = Figure(
        300, "EC2 GPU instance launch + EKS AL2023 NVIDIA AMI boot + kubelet join + device plugin "
        "ready: planning value 5 min (measure yours in a DR drill and override)")
    pod_start: Figure = Figure(
        120, "image pull (cached layers) + model load + readiness probe: planning value 2 min")
    # The GPU scale-up of an EKS region running cluster-autoscaler (one HPA round) for a service that
    # scales on CPU only (no service.requestsPerSecondPerPod): load raises CPU, metrics-server samples
    # it, the HPA adds pods, they stay Pending, and the autoscaler's next scan raises the node group's
    # desired size; then gpu_node_start + pod_start. Not assured: the HPA's only signal is the pods'
    # CPU utilisation, and GPU-bound inference can saturate before CPU reaches the target; then
    # nothing scales until an operator runs the runbook's update-nodegroup-config, started at the alert.
    eks_autoscale_reaction: Figure = Figure(
        40, "automatic only if the failed-over load drives the pods' CPU above the HPA target: CPU utilisation is "
        "this service's only signal (it states no service.requestsPerSecondPerPod), and GPU-bound inference may "
        "saturate before CPU does, in which case the runbook's `aws eks update-nodegroup-config` (pre-provision the "
        "primary's minimum) is the scale-up and must start at the alert. Reaction when CPU does rise: metrics-server "
        "resolution 15 s (--metric-resolution=15s of the upstream kubernetes-sigs/metrics-server manifests and chart; "
        "the binary alone defaults to 60 s) + HPA sync 15 s (kube-controller-manager "
        "--horizontal-pod-autoscaler-sync-period default) + cluster-autoscaler scan 10 s (kubernetes/autoscaler FAQ, "
        "--scan-interval default)")
    # The same scale-up for a service that scales on its ALB target group's request rate (KEDA ScaledObject,
    # blueprint.components.aws.traffic_trigger): the failed-over requests themselves are the signal, so it is
    # automatic, but slower to see than CPU: the ALB publishes RequestCount per 60 s, the trigger skips
    # the newest minute (metricEndTimeOffset 60), KEDA polls every 30 s, the HPA syncs every 15 s, and
    # the cluster-autoscaler scans every 10 s.
    eks_request_rate_reaction: Figure = Figure(
        175, "automatic: the failed-over requests are the signal (KEDA aws-cloudwatch trigger on the target group's "
        "RequestCount). Reaction: ALB metric period 60 s (Elastic Load Balancing, 'CloudWatch metrics for your "
        "Application Load Balancer': metrics sent in 60-second intervals) + the trigger's metricEndTimeOffset 60 s "
        "(blueprint.components.aws.traffic_trigger) + KEDA pollingInterval 30 s (blueprint.components.k8s.inference_service) + HPA sync "
        "15 s (kube-controller-manager --horizontal-pod-autoscaler-sync-period default) + cluster-autoscaler scan "
        "10 s (kubernetes/autoscaler FAQ, --scan-interval default)")
    default_provisioning: Figure = Figure(
        30, "blueprint planning value for resource types without a specific figure")
    # --- GCP (read by gcp_facts; docs/resilience.md, "GCP") ------------------------------------
    glb_health_latency: Figure = Figure(
        10, "global external Application Load Balancer: the backend's health verdict reaches the Google Front Ends "
        "and traffic moves to the next closest region with capacity, behind the same anycast IP (no DNS change); "
        "Google documents no propagation time, planning value 10 s (as Route 53's checker aggregation)")
    glb_default_drain: Figure = Figure(
        300, "Compute Engine backend service connectionDrainingTimeoutSec default (300 s), used when the plan sets none")
    glb_standby_promotion: Figure = Figure(
        120, "`gcloud compute backend-services update-backend --capacity-scaler=1` per standby NEG, then the backend "
        "service change propagates to the Google Front Ends: planning value 2 min")
    cloudsql_promote_replica: Figure = Figure(
        300, "`gcloud sql instances promote-replica` (Cloud SQL 'Promote replicas for regional migration or disaster "
        "recovery'): a manual, long-running operation that may restart the instance; Google documents no duration. "
        "Planning value 5 min: measure yours in a DR drill and override")
    # Advanced DR: the primary designates the replica (replication_cluster.failoverDrReplicaName), so
    # the replica is already the configured failover target and the write endpoint follows it.
    cloudsql_dr_replica_failover: Figure = Figure(
        60, "`gcloud sql instances promote-replica <dr-replica> --failover` (Cloud SQL 'Use advanced disaster recovery': "
        "replica failover 'lets you fail over your primary instance to the DR replica immediately'; the write endpoint then "
        "resolves to the new primary, so clients keep their connection string). Google documents no duration: planning "
        "value 60 s (the figure AWS documents for the comparable Aurora global failover). Measure yours with a "
        "switchover drill (`gcloud sql instances switchover`, zero data loss) and override")
    cloudsql_replication_lag: Figure = Figure(
        1, "Cloud SQL 'About replication': a read replica reflects changes to the primary 'in almost real time' "
        "(asynchronous, no figure documented); planning value 1 s for a replica in the same continent; watch "
        "cloudsql.googleapis.com/database/replication/replica_lag and override")
    cloudsql_ha_failover: Figure = Figure(
        60, "Cloud SQL 'About high availability': failover starts when the primary misses heartbeats for about 60 s; "
        "the standby in the other zone takes over with the same IP (zone loss, automatic)")
    cloudsql_backup_interval: Figure = Figure(
        86400, "Cloud SQL automated backups: one a day, started in the configured backup window")
    cloudsql_restore_from_backup: Figure = Figure(
        1800, "Cloud SQL: create an instance and restore a backup into it, planning value 30 min until it accepts "
        "connections (grows with data size)")
    gcs_turbo_replication: Figure = Figure(
        900, "Cloud Storage 'Data availability and durability', turbo replication (rpo ASYNC_TURBO): objects in a "
        "dual-region replicated between the two regions within 15 min")
    gcs_default_replication: Figure = Figure(
        43200, "Cloud Storage 'Data availability and durability', default replication of dual- and multi-region "
        "buckets: 99.9 % of new objects within 1 h, 100 % within 12 h")
    gcs_cross_bucket_replication: Figure = Figure(
        3600, "Storage Transfer Service cross-bucket replication ('Use cross-bucket replication'): asynchronous, "
        "no RPO given, most objects within minutes, objects over 1 GiB can take hours; planning value 1 h")
    # The GCP failover trigger (blueprint/analysis/gcp_orchestration.py): what comes after the probe's
    # verdict or the alert's incident, and how late Cloud SQL's metrics reach an alert policy.
    failover_trigger_delivery: Figure = Figure(
        10, "failover probe / alert notification -> Pub/Sub failover topic -> Eventarc trigger -> the workflow's execution "
        "starts: Google documents no end-to-end latency for this path; planning value 10 s (measure it in a drill: the "
        "probe's 'failover requested' log line against the execution's start time)")
    cloudsql_metric_visibility: Figure = Figure(
        165, "Cloud SQL metrics (cloudsql.googleapis.com/database/up and the rest): 'Sampled every 60 seconds. After "
        "sampling, data is not visible for up to 165 seconds' (https://cloud.google.com/sql/docs/postgres/admin-api/metrics)")
    gke_gpu_node_start: Figure = Figure(
        360, "Compute Engine GPU VM start + COS boot + GKE-installed NVIDIA driver (gpuDriverInstallationConfig) + "
        "kubelet registration: planning value 6 min (measure yours in a DR drill and override)")


# Per resource type: how long `pulumi up` waits for a create, for the rebuild critical path.
# Sources: EKS control plane ~15 min average (aws/containers-roadmap#1227); NAT gateway
# 'pending' -> 'available' typically 1-3 min; ALB provisioning 2-3 min; ACM DNS validation a few
# minutes once the CNAME resolves; Aurora cluster and instance creation ~10 min each; Route 53
# changes propagate to all authoritative servers within 60 s (GetChange INSYNC).
PROVISIONING_S: dict[str, float] = {
    aws.EC2_VPC: 5,
    aws.EC2_SUBNET: 5,
    aws.EC2_INTERNET_GATEWAY: 5,
    aws.EC2_EIP: 5,
    aws.EC2_NAT_GATEWAY: 150,
    aws.EC2_ROUTE_TABLE: 5,
    aws.EC2_ROUTE: 5,
    aws.EC2_ROUTE_TABLE_ASSOCIATION: 5,
    aws.EC2_SECURITY_GROUP: 10,
    aws.EC2_DEFAULT_SECURITY_GROUP: 5,
    aws.VPC_SECURITY_GROUP_INGRESS_RULE: 5,
    aws.VPC_SECURITY_GROUP_EGRESS_RULE: 5,
    aws.EC2_VPC_ENDPOINT: 90,
    aws.EC2_FLOW_LOG: 10,
    aws.EC2_LAUNCH_TEMPLATE: 5,
    aws.EKS_CLUSTER: 900,
    aws.EKS_ADDON: 60,
    aws.EKS_NODE_GROUP: 240,
    aws.IAM_ROLE: 10,
    aws.IAM_ROLE_POLICY: 5,
    aws.IAM_ROLE_POLICY_ATTACHMENT: 5,
    aws.KMS_KEY: 10,
    aws.KMS_ALIAS: 5,
    aws.KMS_GRANT: 5,
    aws.LB_LOAD_BALANCER: 180,
    aws.LB_TARGET_GROUP: 5,
    aws.LB_LISTENER: 5,
    aws.ACM_CERTIFICATE: 10,
    aws.ACM_CERTIFICATE_VALIDATION: 300,
    aws.RDS_GLOBAL_CLUSTER: 60,
    aws.RDS_CLUSTER: 600,
    aws.RDS_CLUSTER_INSTANCE: 600,
    aws.RDS_SUBNET_GROUP: 5,
    aws.RDS_CLUSTER_PARAMETER_GROUP: 5,
    aws.ROUTE53_RECORD: 60,
    aws.ROUTE53_HEALTH_CHECK: 10,
    aws.S3_BUCKET: 5,
    aws.BACKUP_VAULT: 10,
    aws.BACKUP_VAULT_LOCK_CONFIGURATION: 5,
    aws.BACKUP_PLAN: 5,
    aws.BACKUP_SELECTION: 5,
    aws.CLOUDWATCH_LOG_GROUP: 5,
    aws.CLOUDWATCH_METRIC_ALARM: 5,
    aws.SNS_TOPIC: 5,
    aws.SNS_TOPIC_POLICY: 5,
    aws.SQS_QUEUE: 5,
    aws.SECRETSMANAGER_SECRET: 5,
    aws.SECRETSMANAGER_SECRET_VERSION: 5,
}
# GCP (planning values): regional GKE control plane creation ~10 min, node pool ~4 min, Cloud SQL
# instance ~10 min, Cloud NAT / service networking peering 1-2 min; global load-balancer parts and
# IAM bindings are API calls of seconds (a managed certificate provisions later, after DNS).
PROVISIONING_S.update({
    gcp.COMPUTE_NETWORK: 30,
    gcp.COMPUTE_SUBNETWORK: 30,
    gcp.COMPUTE_ROUTER: 20,
    gcp.COMPUTE_ROUTER_NAT: 60,
    gcp.COMPUTE_FIREWALL: 10,
    gcp.COMPUTE_GLOBAL_ADDRESS: 10,
    gcp.SERVICENETWORKING_CONNECTION: 120,
    gcp.PROJECTS_SERVICE_IDENTITY: 10,
    gcp.PROJECTS_IAM_MEMBER: 10,
    gcp.SERVICEACCOUNT_ACCOUNT: 10,
    gcp.KMS_KEY_RING: 5,
    gcp.KMS_CRYPTO_KEY: 10,
    gcp.KMS_CRYPTO_KEY_IAM_MEMBER: 10,
    gcp.CONTAINER_CLUSTER: 600,
    gcp.CONTAINER_NODE_POOL: 240,
    gcp.SQL_DATABASE_INSTANCE: 600,
    gcp.STORAGE_BUCKET: 5,
    gcp.COMPUTE_NETWORK_ENDPOINT_GROUP: 10,
    gcp.COMPUTE_HEALTH_CHECK: 10,
    gcp.COMPUTE_BACKEND_SERVICE: 30,
    gcp.NETWORKSERVICES_SERVICE_LB_POLICIES: 10,
    gcp.COMPUTE_URL_MAP: 10,
    gcp.COMPUTE_TARGET_HTTPS_PROXY: 10,
    gcp.COMPUTE_TARGET_HTTP_PROXY: 10,
    gcp.COMPUTE_GLOBAL_FORWARDING_RULE: 30,
    gcp.COMPUTE_MANAGED_SSL_CERTIFICATE: 10,
    gcp.COMPUTE_SSL_POLICY: 10,
    gcp.DNS_RECORD_SET: 10,
})
# Stateful types a rebuild restores from a copied recovery point instead of creating empty:
# type -> the Figures field that weights it on the rebuild's critical path.
RESTORE_FIGURE: dict[str, str] = {
    aws.RDS_CLUSTER: "aurora_restore_from_snapshot",
    gcp.SQL_DATABASE_INSTANCE: "cloudsql_restore_from_backup",
}
# S3 bucket sub-resources (versioning, policy, encryption, ...) are API calls of a few seconds.
_PREFIX_S: dict[str, float] = {aws.S3_MODULE_PREFIX: 5, "pulumi:providers:": 0}

DEFAULT_FIGURES = Figures()


def provisioning_seconds(type_: str, figures: Figures = DEFAULT_FIGURES) -> float:
    if type_ in PROVISIONING_S:
        return PROVISIONING_S[type_]
    for prefix, seconds in _PREFIX_S.items():
        if type_.startswith(prefix):
            return seconds
    return figures.default_provisioning.seconds


def with_overrides(seconds: Mapping[str, float], base: Figures = DEFAULT_FIGURES) -> Figures:
    """A copy of ``base`` with some figures' values replaced (sources marked as overridden),
    e.g. ``with_overrides({"gpu_node_start": 420})`` after a DR drill measured 7 min."""
    known = set(Figures.__dataclass_fields__)
    unknown = sorted(set(seconds) - known)
    if unknown:
        raise KeyError(f"unknown figures {unknown}; known: {sorted(known)}")
    changes = {k: Figure(float(v), f"overridden (was {getattr(base, k).seconds:g} s: {getattr(base, k).source})") for k, v in seconds.items()}
    return replace(base, **changes)
