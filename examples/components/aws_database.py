"""An Aurora PostgreSQL global database over two regions, composed by hand.

Components: KmsKey, AuroraGlobalCluster, AuroraDatabase (blueprint.components.aws).

The global cluster is created in the primary region; the primary cluster (a writer and readers in
other zones) joins it, its master password kept in a CMK-encrypted Secrets Manager secret that is
replicated to the second region; the second region holds a read-only secondary with one reader.
Both clusters: private subnets, TLS forced, storage encrypted with the region's key, deletion
protection. Run it as a Pulumi program's __main__.py, or plan it offline (examples/README.md).
"""

import pulumi
import pulumi_aws as aws

from blueprint.components.aws import (
    AuroraDatabase, AuroraDatabaseArgs, AuroraGlobalCluster, AuroraGlobalClusterArgs, KmsKey, KmsKeyArgs,
)

TAGS = {"team": "ml-platform", "blueprint:workload": "feature-store"}
# The private subnets (one per zone) and VPC of each region, e.g. Network(...).private_subnet_ids.
REGIONS = {
    "eu-central-1": {"zones": ("eu-central-1a", "eu-central-1b", "eu-central-1c"), "vpc": "vpc-0a1b2c3d4e5f60718",
                     "subnets": ["subnet-0a00000000000000a", "subnet-0b00000000000000b", "subnet-0c00000000000000c"]},
    "eu-west-3": {"zones": ("eu-west-3a", "eu-west-3b", "eu-west-3c"), "vpc": "vpc-0f1e2d3c4b5a69788",
                  "subnets": ["subnet-0d00000000000000d", "subnet-0e00000000000000e", "subnet-0f00000000000000f"]},
}
PRIMARY, SECOND = "eu-central-1", "eu-west-3"

providers = {region: aws.Provider(region, region=region) for region in REGIONS}
keys = {region: KmsKey(f"db-key-{region}", KmsKeyArgs(alias_name=f"feature-store/{region}", tags=TAGS),
                       pulumi.ResourceOptions(provider=providers[region])) for region in REGIONS}

global_db = AuroraGlobalCluster(
    "feature-store-global", AuroraGlobalClusterArgs(global_cluster_identifier="feature-store", engine="postgres", tags=TAGS),
    pulumi.ResourceOptions(provider=providers[PRIMARY]),
)


def regional(role: str, region: str, instances: int, depends_on: list) -> AuroraDatabase:
    spec = REGIONS[region]
    return AuroraDatabase(
        f"feature-store-{region}",
        AuroraDatabaseArgs(
            identifier=f"feature-store-{region}", engine="postgres", size="medium", role=role,
            global_cluster_identifier=global_db.id, instance_count=instances, zones=spec["zones"],
            subnet_ids=spec["subnets"], vpc_id=spec["vpc"], allowed_cidr_blocks=["10.0.0.0/16"],
            kms_key_arn=keys[region].arn, backup_retention_days=35,
            master_secret_replica_region=SECOND if role == "primary" else None,
            master_secret_replica_kms_key_arn=keys[SECOND].arn if role == "primary" else None,
            tags=TAGS,
        ),
        pulumi.ResourceOptions(provider=providers[region], depends_on=depends_on),
    )


primary = regional("primary", PRIMARY, instances=3, depends_on=[global_db])
secondary = regional("secondary", SECOND, instances=1, depends_on=[primary])  # joins once the primary exists

pulumi.export("writer_endpoint", primary.endpoint)
pulumi.export("reader_endpoint_second_region", secondary.reader_endpoint)
