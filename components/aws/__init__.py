"""AWS components: each stands on its own and can be imported into any Pulumi program."""

from components.aws.backup_vault import BackupVault, BackupVaultArgs
from components.aws.kms_key import KmsKey, KmsKeyArgs
from components.aws.network import Network, NetworkArgs
from components.aws.regional_platform import RegionalPlatform, RegionalPlatformArgs
from components.aws.workload_region import WorkloadRegion, WorkloadRegionArgs

__all__ = [
    "BackupVault", "BackupVaultArgs", "KmsKey", "KmsKeyArgs", "Network", "NetworkArgs",
    "RegionalPlatform", "RegionalPlatformArgs", "WorkloadRegion", "WorkloadRegionArgs",
]
