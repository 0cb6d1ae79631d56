"""AWS components: each stands on its own and can be imported into any Pulumi program."""

from blueprint.components.aws.access_log_bucket import AccessLogBucket, AccessLogBucketArgs
from blueprint.components.aws.alarm_topic import AlarmTopic, AlarmTopicArgs
from blueprint.components.aws.aurora_database import AuroraDatabase, AuroraDatabaseArgs
from blueprint.components.aws.aurora_global_cluster import AuroraGlobalCluster, AuroraGlobalClusterArgs
from blueprint.components.aws.backup_vault import BackupVault, BackupVaultArgs
from blueprint.components.aws.database_backup_plan import DatabaseBackupPlan, DatabaseBackupPlanArgs
from blueprint.components.aws.dns_failover import DnsEndpoint, DnsFailover, DnsFailoverArgs
from blueprint.components.aws.eks_cluster import EksCluster, EksClusterArgs
from blueprint.components.aws.fis_experiments import FisExperiments, FisExperimentsArgs
from blueprint.components.aws.gpu_node_pool import GpuNodePool, GpuNodePoolArgs
from blueprint.components.aws.kms_key import KmsKey, KmsKeyArgs
from blueprint.components.aws.load_balancer import LoadBalancer, LoadBalancerArgs
from blueprint.components.aws.load_balancer_controller import LoadBalancerController, LoadBalancerControllerArgs
from blueprint.components.aws.cluster_autoscaler import ClusterAutoscaler, ClusterAutoscalerArgs
from blueprint.components.aws.queue import WorkQueue, WorkQueueArgs
from blueprint.components.aws.workload_alarms import WorkloadAlarms, WorkloadAlarmsArgs
from blueprint.components.aws.network import Network, NetworkArgs
from blueprint.components.aws.recovery_point_vault import RecoveryPointVault, RecoveryPointVaultArgs
from blueprint.components.aws.failover_probe import FailoverProbe, FailoverProbeArgs
from blueprint.components.aws.region_switch_plan import RegionSwitchPlan, RegionSwitchPlanArgs, TriggerAlarm
from blueprint.components.aws.regional_platform import RegionalPlatform, RegionalPlatformArgs
from blueprint.components.aws.vault_replication import VaultReplication, VaultReplicationArgs
from blueprint.components.aws.web_acl import WebAcl, WebAclArgs
from blueprint.components.aws.workload_region import WorkloadRegion, WorkloadRegionArgs
from blueprint.components.aws.zonal_autoshift import ZonalAutoshift, ZonalAutoshiftArgs
# Recovery data (issue 18).
from blueprint.components.aws.image_repositories import ImageRepositories, ImageRepositoriesArgs
from blueprint.components.aws.registry_replication import RegistryReplication, RegistryReplicationArgs
from blueprint.components.aws.serving_identity import ServingIdentity, ServingIdentityArgs
from blueprint.components.aws.workload_secrets import WorkloadSecrets, WorkloadSecretsArgs

__all__ = [
    "AccessLogBucket", "AccessLogBucketArgs", "DnsEndpoint", "DnsFailover", "DnsFailoverArgs",
    "LoadBalancer", "LoadBalancerArgs", "LoadBalancerController", "LoadBalancerControllerArgs",
    "ClusterAutoscaler", "ClusterAutoscalerArgs",
    "WorkQueue", "WorkQueueArgs", "WorkloadAlarms", "WorkloadAlarmsArgs",
    "AuroraDatabase", "AuroraDatabaseArgs", "AuroraGlobalCluster", "AuroraGlobalClusterArgs",
    "DatabaseBackupPlan", "DatabaseBackupPlanArgs", "RecoveryPointVault", "RecoveryPointVaultArgs",
    "AlarmTopic", "AlarmTopicArgs", "VaultReplication", "VaultReplicationArgs",
    "EksCluster", "EksClusterArgs", "GpuNodePool", "GpuNodePoolArgs",
    "BackupVault", "BackupVaultArgs", "KmsKey", "KmsKeyArgs", "Network", "NetworkArgs",
    "RegionalPlatform", "RegionalPlatformArgs", "WorkloadRegion", "WorkloadRegionArgs",
    "WebAcl", "WebAclArgs",
    "FailoverProbe", "FailoverProbeArgs", "TriggerAlarm",
    "RegionSwitchPlan", "RegionSwitchPlanArgs", "ZonalAutoshift", "ZonalAutoshiftArgs", "FisExperiments", "FisExperimentsArgs",
    "ImageRepositories", "ImageRepositoriesArgs", "RegistryReplication", "RegistryReplicationArgs",
    "ServingIdentity", "ServingIdentityArgs", "WorkloadSecrets", "WorkloadSecretsArgs",
]

# Audit trail and break-glass DR role (issue 18, part 2).
from blueprint.components.aws.audit_trail import AuditTrail, AuditTrailArgs  # noqa: E402
from blueprint.components.aws.break_glass_role import BreakGlassRole, BreakGlassRoleArgs  # noqa: E402
from blueprint.components.aws.eks_cluster import NamespaceAccess  # noqa: E402

__all__ += ["AuditTrail", "AuditTrailArgs", "BreakGlassRole", "BreakGlassRoleArgs", "NamespaceAccess"]
