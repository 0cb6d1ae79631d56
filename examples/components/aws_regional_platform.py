"""One region of the footprint from its two building blocks, composed by hand.

Components: RegionalPlatform, WorkloadRegion (blueprint.components.aws).

`RegionalPlatform` is what every region of a stack shares (KMS key, network, EKS cluster with its
Kubernetes provider, GPU device plugin, cluster autoscaler, access-log bucket, alarm topic);
`WorkloadRegion` is one workload in that region (backup vault, GPU pool, and where configured its
load balancer and database). A WorkloadRegion takes a `WorkloadPlacement`, the tier's decisions
for that workload in that region, computed by `blueprint.footprint.build_footprint` from a typed
stack configuration: the same path `__main__.py` takes, here for the primary region only.
Run it as a Pulumi program's __main__.py, or plan it offline (examples/README.md).
"""

import pulumi
import pulumi_aws as aws

from blueprint.components.aws import RegionalPlatform, RegionalPlatformArgs, WorkloadRegion, WorkloadRegionArgs
from blueprint.config.validate import validate_config
from blueprint.footprint import build_footprint

# The typed configuration (the stack file's `blueprint:` keys, DESIGN.md "Stack configuration").
config = validate_config({
    "aws:region": "eu-central-1", "cloud": "aws", "environment": "team", "residency": "eu",
    "primaryRegion": "eu-central-1", "secondaryRegion": "eu-west-3", "zonesPerRegion": 3,
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

provider = aws.Provider(region.name, region=region.name)
platform = RegionalPlatform(
    f"team-{region.name}",
    RegionalPlatformArgs(environment="team", zones=region.zones, cidr_block="10.0.0.0/16",
                         public_api_cidrs=config.deployer_cidrs, tags={"team": "ml-platform"}),
    pulumi.ResourceOptions(providers=[provider]),
)
WorkloadRegion(
    f"embeddings-{region.name}",
    WorkloadRegionArgs(environment="team", placement=placement, platform=platform, vpc_cidr_block="10.0.0.0/16",
                       tags={"team": "ml-platform", "blueprint:workload": "embeddings"}),
    pulumi.ResourceOptions(providers=[provider]),
)

pulumi.export("cluster", platform.cluster.cluster_name)
