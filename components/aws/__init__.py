"""AWS components: each stands on its own and can be imported into any Pulumi program."""

from components.aws.access_log_bucket import AccessLogBucket, AccessLogBucketArgs
from components.aws.alarm_topic import AlarmTopic, AlarmTopicArgs
from components.aws.aurora_database import AuroraDatabase, AuroraDatabaseArgs
from components.aws.aurora_global_cluster import AuroraGlobalCluster, AuroraGlobalClusterArgs
from components.aws.backup_vault import BackupVault, BackupVaultArgs
from components.aws.database_backup_plan import DatabaseBackupPlan, DatabaseBackupPlanArgs
from components.aws.dns_failover import DnsEndpoint, DnsFailover, DnsFailoverArgs
from components.aws.eks_cluster import EksCluster, EksClusterArgs
from components.aws.fis_experiments import FisExperiments, FisExperimentsArgs
from components.aws.gpu_node_pool import GpuNodePool, GpuNodePoolArgs
from components.aws.kms_key import KmsKey, KmsKeyArgs
from components.aws.load_balancer import LoadBalancer, LoadBalancerArgs
from components.aws.load_balancer_controller import LoadBalancerController, LoadBalancerControllerArgs
from components.aws.cluster_autoscaler import ClusterAutoscaler, ClusterAutoscalerArgs
from components.aws.queue import WorkQueue, WorkQueueArgs
from components.aws.workload_alarms import WorkloadAlarms, WorkloadAlarmsArgs
from components.aws.network import Network, NetworkArgs
from components.aws.recovery_point_vault import RecoveryPointVault, RecoveryPointVaultArgs
from components.aws.region_switch_plan import RegionSwitchPlan, RegionSwitchPlanArgs
from components.aws.regional_platform import RegionalPlatform, RegionalPlatformArgs
from components.aws.vault_replication import VaultReplication, VaultReplicationArgs
from components.aws.web_acl import WebAcl, WebAclArgs
from components.aws.workload_region import WorkloadRegion, WorkloadRegionArgs
from components.aws.zonal_autoshift import ZonalAutoshift, ZonalAutoshiftArgs

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
    "RegionSwitchPlan", "RegionSwitchPlanArgs", "ZonalAutoshift", "ZonalAutoshiftArgs", "FisExperiments", "FisExperimentsArgs",
]
