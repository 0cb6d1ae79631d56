"""Deletion protection: stateful resources keep the protection their components set by default.

Each entry names the input and the value the component sets (the secure default, documented where
the component declares it), so a plan (or a hand-written program) that turns one off fails:

* Aurora/RDS: ``deletionProtection`` true and no ``skipFinalSnapshot`` (AuroraDatabase,
  AuroraGlobalCluster); global clusters without ``forceDestroy``; EKS clusters
  ``deletionProtection`` (EksCluster);
* S3 buckets and AWS Backup vaults without ``forceDestroy`` (BackupVault, AuditTrail, the vault
  and access-log buckets): ``forceDestroy`` empties them on delete;
* Cloud SQL: ``deletionProtection`` (the provider's guard, default true) and
  ``settings.deletionProtectionEnabled`` (the API's, which also stops the console and gcloud;
  CloudSqlDatabase sets both); GKE clusters ``deletionProtection`` (provider default true);
  GCS buckets without ``forceDestroy`` (BackupBucket).

Property names: the pulumi-aws 7.51 / pulumi-gcp 10.2 SDKs the project pins (pulumi_aws/rds/cluster.py ``deletion_protection``,
``skip_final_snapshot``; rds/global_cluster.py ``force_destroy``; eks/cluster.py ``deletion_protection``;
s3/bucket.py and backup/vault.py ``force_destroy``; pulumi_gcp/sql/database_instance.py
``deletion_protection``, sql/_inputs.py ``deletion_protection_enabled``; container/cluster.py
``deletion_protection``; storage/bucket.py ``force_destroy``).
"""

from __future__ import annotations

from typing import Callable, Iterable

from blueprint.types import aws, gcp
from blueprint.policies.model import MANDATORY, Context, Resource, Rule, is_unknown, truthy


def _must_be(r: Resource, path: str, wanted: bool, unset_ok: bool, why: str) -> Iterable[str]:
    value = r.get(*path.split("."))
    if is_unknown(value) or (value is None and unset_ok):
        return
    if truthy(value) is not wanted:
        yield f"{r.type} {r.name!r}: {path} is {value!r}, must be {str(wanted).lower()} ({why})"


def _rds_cluster(r: Resource) -> Iterable[str]:
    yield from _must_be(r, "deletionProtection", True, False, "RDS refuses to delete a protected cluster")
    yield from _must_be(r, "skipFinalSnapshot", False, True, "a final snapshot is kept when the cluster is deleted")


def _global_cluster(r: Resource) -> Iterable[str]:
    yield from _must_be(r, "deletionProtection", True, False, "the global database cannot be deleted by mistake")
    yield from _must_be(r, "forceDestroy", False, True, "forceDestroy removes the member clusters with it")


def _no_force_destroy(what: str) -> Callable[[Resource], Iterable[str]]:
    def check(r: Resource) -> Iterable[str]:
        yield from _must_be(r, "forceDestroy", False, True, f"forceDestroy deletes every {what} with it")
    return check


def _cloud_sql(r: Resource) -> Iterable[str]:
    yield from _must_be(r, "deletionProtection", True, True, "Pulumi refuses to delete the instance")
    yield from _must_be(r, "settings.deletionProtectionEnabled", True, False,
                        "Cloud SQL refuses deletion from any client: console, gcloud, API")


PROTECTED: dict[str, Callable[[Resource], Iterable[str]]] = {
    aws.RDS_CLUSTER: _rds_cluster,
    aws.RDS_INSTANCE: lambda r: _must_be(r, "deletionProtection", True, False, "RDS refuses to delete the instance"),
    aws.RDS_GLOBAL_CLUSTER: _global_cluster,
    aws.EKS_CLUSTER: lambda r: _must_be(r, "deletionProtection", True, False, "EKS refuses to delete the cluster"),
    aws.S3_BUCKET: _no_force_destroy("object (Object Lock aside)"),
    aws.S3_BUCKET_V2: _no_force_destroy("object (Object Lock aside)"),
    aws.BACKUP_VAULT: _no_force_destroy("recovery point"),
    gcp.SQL_DATABASE_INSTANCE: _cloud_sql,
    gcp.CONTAINER_CLUSTER: lambda r: _must_be(r, "deletionProtection", True, True, "Pulumi refuses to delete the cluster"),
    gcp.STORAGE_BUCKET: _no_force_destroy("object"),
}


def check_deletion_protection(r: Resource, ctx: Context) -> Iterable[str]:
    return PROTECTED[r.type](r)


RULES = (
    Rule(
        id="deletion-protection",
        description="Stateful resources keep their components' deletion protection: Aurora/RDS clusters and "
                    "instances and global clusters deletionProtection (no skipFinalSnapshot, no forceDestroy), EKS "
                    "clusters deletionProtection, S3 buckets / Backup vaults / GCS buckets without forceDestroy, Cloud "
                    "SQL deletionProtection and settings.deletionProtectionEnabled, GKE deletionProtection.",
        enforcement=MANDATORY,
        remediation="Keep the components' defaults (AuroraDatabase/AuroraGlobalCluster deletion_protection=True, "
                    "EksCluster, BackupVault/BackupBucket force_destroy=False, CloudSqlDatabase, GkeCluster "
                    "deletion_protection=True).",
        category="immutability", scope="resource", check=check_deletion_protection, types=tuple(PROTECTED),
    ),
)
