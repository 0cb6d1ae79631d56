"""GCP components: each stands on its own and can be imported into any Pulumi program."""

from blueprint.components.gcp.gke_cluster import GkeCluster, GkeClusterArgs
from blueprint.components.gcp.gpu_node_pool import GpuNodePool, GpuNodePoolArgs
from blueprint.components.gcp.kms_key import KmsKey, KmsKeyArgs
from blueprint.components.gcp.service_agents import compute_service_agent, project_service_agents
from blueprint.components.gcp.network import Network, NetworkArgs
from blueprint.components.gcp.regional_subnet import RegionalSubnet, RegionalSubnetArgs, region_cidrs

__all__ = [
    "GkeCluster", "GkeClusterArgs", "GpuNodePool", "GpuNodePoolArgs", "KmsKey", "KmsKeyArgs", "compute_service_agent", "project_service_agents",
    "Network", "NetworkArgs", "RegionalSubnet", "RegionalSubnetArgs", "region_cidrs",
]

# Global load balancing, Cloud SQL and backup buckets (GCP part B).
from blueprint.components.gcp.backup_bucket import BackupBucket, BackupBucketArgs, dual_region_location  # noqa: E402
from blueprint.components.gcp.cloud_sql import CloudSqlDatabase, CloudSqlDatabaseArgs  # noqa: E402
from blueprint.components.gcp.load_balancer import GlobalLoadBalancer, GlobalLoadBalancerArgs, NegBackend  # noqa: E402
from blueprint.components.gcp.private_service_access import PrivateServiceAccess, PrivateServiceAccessArgs  # noqa: E402
from blueprint.components.gcp.zonal_negs import GkeNegOwner, ZonalNegs, ZonalNegsArgs, neg_annotation  # noqa: E402

__all__ += [
    "BackupBucket", "BackupBucketArgs", "dual_region_location", "CloudSqlDatabase", "CloudSqlDatabaseArgs",
    "GlobalLoadBalancer", "GlobalLoadBalancerArgs", "NegBackend", "PrivateServiceAccess", "PrivateServiceAccessArgs",
    "GkeNegOwner", "ZonalNegs", "ZonalNegsArgs", "neg_annotation",
]

# Data Access audit logs (Cloud Audit Logs) for the data services (storage, Cloud SQL).
from blueprint.components.gcp.data_access_audit_logs import DataAccessAuditLogs, DataAccessAuditLogsArgs  # noqa: E402

__all__ += ["DataAccessAuditLogs", "DataAccessAuditLogsArgs"]

from blueprint.components.gcp.vault_replication import VaultReplication, VaultReplicationArgs  # noqa: E402

__all__ += ["VaultReplication", "VaultReplicationArgs"]

# Issue 5: request buffering and alerting.
from blueprint.components.gcp.pubsub_queue import PubSubQueue, PubSubQueueArgs, ack_deadline_for  # noqa: E402
from blueprint.components.gcp.workload_alerts import WorkloadAlerts, WorkloadAlertsArgs  # noqa: E402

__all__ += ["PubSubQueue", "PubSubQueueArgs", "ack_deadline_for", "WorkloadAlerts", "WorkloadAlertsArgs"]

from blueprint.components.gcp.alert_channel import AlertChannel, AlertChannelArgs  # noqa: E402

__all__ += ["AlertChannel", "AlertChannelArgs"]

# Advanced DR: designate the Cloud SQL DR replica once it exists (issue 13).
from blueprint.components.gcp.dr_replica_designation import DrReplicaDesignation, DrReplicaDesignationArgs  # noqa: E402

__all__ += ["DrReplicaDesignation", "DrReplicaDesignationArgs"]

# Failover orchestration generated from the footprint (issue 17).
from blueprint.components.gcp.failover_workflow import (  # noqa: E402
    DatabaseFailover, FailoverWorkflow, FailoverWorkflowArgs, GpuFloor, TrafficFailover)

__all__ += ["DatabaseFailover", "FailoverWorkflow", "FailoverWorkflowArgs", "GpuFloor", "TrafficFailover"]
from blueprint.components.gcp.failover_probe import FailoverProbe, FailoverProbeArgs  # noqa: E402

__all__ += ["FailoverProbe", "FailoverProbeArgs"]

# Recovery data (issue 18).
from blueprint.components.gcp.image_registry import ImageRegistry, ImageRegistryArgs  # noqa: E402
from blueprint.components.gcp.workload_secrets import WorkloadSecrets, WorkloadSecretsArgs  # noqa: E402

__all__ += ["ImageRegistry", "ImageRegistryArgs", "WorkloadSecrets", "WorkloadSecretsArgs"]

# Audit-log sink and break-glass access (issue 18, part 2).
from blueprint.components.gcp.audit_log_sink import AuditLogSink, AuditLogSinkArgs  # noqa: E402
from blueprint.components.gcp.break_glass import BreakGlass, BreakGlassArgs  # noqa: E402

__all__ += ["AuditLogSink", "AuditLogSinkArgs", "BreakGlass", "BreakGlassArgs"]
