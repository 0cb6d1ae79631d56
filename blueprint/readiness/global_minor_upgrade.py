"""deploy-global-minor-upgrade: no automatic minor upgrades asked of a global database's members.

AWS applies no automatic minor version upgrades to clusters of an Aurora global database: the AWS
Config rule "rds-automatic-minor-version-upgrade-enabled" does not support "Aurora clusters in a
Global Database", and Aurora MySQL "Enabling automatic upgrades between minor versions" says it
"doesn't apply to ... Clusters that are part of an Aurora global database"
(https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Updates.AMVU.html). A
member cluster (``aws:rds/cluster:Cluster`` with ``globalClusterIdentifier``) or one of its
instances (``aws:rds/clusterInstance:ClusterInstance`` whose ``clusterIdentifier`` names it, in the
same region) with ``autoMinorVersionUpgrade: true`` promises upgrades that never happen; the
global cluster's ``engineVersion`` is the upgrade path (blueprint/components/aws/aurora_database.py).
Only an explicit ``true`` is reported (the setting a program states).
"""

from __future__ import annotations

from typing import Iterable

from blueprint.plan.model import Plan, PlannedResource
from blueprint.readiness import ReadinessProblem
from blueprint.types import aws

CHECK_ID = "deploy-global-minor-upgrade"
CLUSTER = aws.RDS_CLUSTER
INSTANCE = aws.RDS_CLUSTER_INSTANCE
SOURCE = ("https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Updates.AMVU.html (not for "
          "clusters of an Aurora global database); AWS Config rule rds-automatic-minor-version-upgrade-enabled")


def _problem(resource: PlannedResource, global_id: str) -> ReadinessProblem:
    return ReadinessProblem(
        check=CHECK_ID, urn=resource.urn, type=resource.type, name=resource.name,
        value={"autoMinorVersionUpgrade": True, "globalClusterIdentifier": global_id},
        rule=(f"asks for automatic minor version upgrades as a member of global database {global_id!r}, where AWS "
              "applies none; set autoMinorVersionUpgrade=false and upgrade through the global cluster's engineVersion"),
        source=SOURCE)


def check(plan: Plan) -> Iterable[ReadinessProblem]:
    members: dict[tuple, str] = {}  # (region, clusterIdentifier) -> global cluster identifier
    for cluster in plan.of_type(CLUSTER):
        global_id = cluster.inputs.get("globalClusterIdentifier")
        if not global_id:
            continue
        members[(cluster.region, cluster.inputs.get("clusterIdentifier"))] = str(global_id)
        if cluster.inputs.get("autoMinorVersionUpgrade") is True:
            yield _problem(cluster, str(global_id))
    for instance in plan.of_type(INSTANCE):
        global_id = members.get((instance.region, instance.inputs.get("clusterIdentifier")))
        if global_id and instance.inputs.get("autoMinorVersionUpgrade") is True:
            yield _problem(instance, global_id)
