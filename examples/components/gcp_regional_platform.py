"""One GCP region of the footprint from its two building blocks, composed by hand.

Components: Network, RegionalPlatform, WorkloadRegion (blueprint.components.gcp).

`RegionalPlatform` is what every region shares (CMEK key, subnet with Cloud NAT, private GKE
cluster with its Kubernetes provider); `WorkloadRegion` is one workload in that region (backup
bucket, GPU node pool, and where configured its NEGs, queue and Cloud SQL instance). A
WorkloadRegion takes a `WorkloadPlacement`, the tier's decisions for that workload in that region,
computed by `blueprint.footprint.build_footprint` from a typed stack configuration: the path
`__main__.py` takes, here for the primary region only.
Run it as a Pulumi program's __main__.py, or plan it offline (examples/README.md).
"""

import pulumi
import pulumi_gcp as gcp

from blueprint.components.gcp import Network, NetworkArgs
from blueprint.components.gcp.regional_platform import RegionalPlatform, RegionalPlatformArgs
from blueprint.components.gcp.workload_region import WorkloadRegion, WorkloadRegionArgs
from blueprint.config.validate import validate_config
from blueprint.footprint import build_footprint

PROJECT = "acme-ml-prod"
# The project's service agents that use the region's key (service_agents.project_service_agents).
KEY_USERS = ("service-123456789012@container-engine-robot.iam.gserviceaccount.com",
             "service-123456789012@compute-system.iam.gserviceaccount.com",
             "service-123456789012@gs-project-accounts.iam.gserviceaccount.com")

config = validate_config({
    "gcp:project": PROJECT, "gcp:region": "europe-west4", "cloud": "gcp", "environment": "team", "residency": "eu",
    "primaryRegion": "europe-west4", "secondaryRegion": "europe-west1", "zonesPerRegion": 3,
    "deployerCidrs": ["203.0.113.10/32"],  # where `pulumi up` runs from (docs/deploying.md): replace
    "workloads": [{
        "name": "embeddings", "tier": "standard",
        "gpu": {"accelerator": "nvidia-l4", "gpusPerNode": 1, "minNodesPerZone": 1, "maxNodesPerZone": 4},
        "backup": {"retentionDays": 14},
    }],
})
footprint = build_footprint(config)
region = footprint.region(config.primary_region)
(placement,) = footprint.in_region(region.name)

here = pulumi.ResourceOptions(providers=[gcp.Provider(region.name, project=PROJECT, region=region.name)])
network = Network("team-net", NetworkArgs(name="team-platform"), here)
platform = RegionalPlatform(
    f"team-{region.name}",
    RegionalPlatformArgs(environment="team", region=region.name, region_index=0, zones=region.zones,
                         network_id=network.id, key_users=KEY_USERS, master_authorized_cidrs=config.deployer_cidrs,
                         labels={"team": "ml-platform"}),
    here,
)
WorkloadRegion(
    f"embeddings-{region.name}",
    WorkloadRegionArgs(environment="team", placement=placement, platform=platform, network_id=network.id,
                       labels={"team": "ml-platform"}),
    here,
)
