"""A Cloud SQL for PostgreSQL primary with a cross-region DR replica, composed by hand.

Components: PrivateServiceAccess, CloudSqlDatabase, DrReplicaDesignation (blueprint.components.gcp).

The private services range and peering Cloud SQL's private IP needs; an Enterprise Plus primary
(private IP only, client certificates required, CMEK, regional HA, point-in-time recovery,
deletion protection) and a read replica in the second region; then the replica designated as the
primary's DR replica, so a failover keeps the write endpoint (needs `gcloud` where `pulumi up`
runs). Run it as a Pulumi program's __main__.py, or plan it offline (examples/README.md).
"""

import pulumi
import pulumi_gcp as gcp

from blueprint.components.gcp import (
    CloudSqlDatabase, CloudSqlDatabaseArgs, DrReplicaDesignation, DrReplicaDesignationArgs, PrivateServiceAccess,
    PrivateServiceAccessArgs,
)

PROJECT, PRIMARY, SECOND = "acme-ml-prod", "europe-west4", "europe-west1"
NETWORK = "projects/acme-ml-prod/global/networks/ml-platform"  # Network(...).id of your stack
KEYS = {region: f"projects/{PROJECT}/locations/{region}/keyRings/ml-{region}/cryptoKeys/data" for region in (PRIMARY, SECOND)}
LABELS = {"team": "ml-platform", "blueprint-workload": "feature-store"}

providers = {region: gcp.Provider(f"gcp-{region}", project=PROJECT, region=region) for region in (PRIMARY, SECOND)}
psa = PrivateServiceAccess("ml-psa", PrivateServiceAccessArgs(network_id=NETWORK),
                           pulumi.ResourceOptions(provider=providers[PRIMARY]))


def database(region: str, role: str, **extra) -> CloudSqlDatabase:
    return CloudSqlDatabase(
        f"feature-store-{region}",
        CloudSqlDatabaseArgs(instance_name=f"feature-store-{region}", engine="postgres", size="medium", region=region,
                             role=role, network_id=NETWORK, kms_key_id=KEYS[region], allocated_ip_range=psa.range_name,
                             labels=LABELS, **extra),
        pulumi.ResourceOptions(provider=providers[region], depends_on=[psa.connection]),
    )


primary = database(PRIMARY, "primary")
replica = database(SECOND, "replica", master_instance_name=primary.name)
DrReplicaDesignation(
    "feature-store-dr",
    DrReplicaDesignationArgs(project=PROJECT, primary_instance=primary.name, replica_instance=replica.name),
    pulumi.ResourceOptions(provider=providers[PRIMARY]),
)

pulumi.export("primary_connection_name", primary.connection_name)
