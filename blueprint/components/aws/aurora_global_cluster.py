"""AuroraGlobalCluster: the Aurora Global Database container that regional clusters join.

Create it with the *primary* region's provider (pass ``opts=ResourceOptions(providers=[...])``);
then an :class:`~blueprint.components.aws.aurora_database.AuroraDatabase` with ``role="primary"`` in that
region and one with ``role="secondary"`` per other region, both given ``global_cluster_identifier``.

Children (component named ``n``):
    ``n-global-cluster``  aws.rds.GlobalCluster (encrypted storage, deletion protection)
"""

from __future__ import annotations

import re
from typing import Literal

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field, field_validator

from blueprint.catalogs.databases import aurora_engine

from ._tags import check_tags, merge_tags

# RDS DB cluster / global cluster identifiers: 1..63 letters, digits or hyphens, first a letter,
# no trailing hyphen, no two consecutive hyphens (CreateGlobalCluster / CreateDBCluster). RDS
# stores them lower case; blueprint requires lower case so plans and AWS agree.
_RDS_IDENTIFIER = re.compile(r"^[a-z](?:[a-z0-9]|-(?!-))*$")


def check_rds_identifier(field: str, value: str, max_length: int = 63) -> str:
    """Validate an RDS cluster identifier; raise ValueError naming the field, value and fix."""
    if not isinstance(value, str) or not 1 <= len(value) <= max_length:
        raise ValueError(f"{field}: {value!r} must be 1..{max_length} characters long")
    if not _RDS_IDENTIFIER.match(value) or value.endswith("-"):
        raise ValueError(
            f"{field}: {value!r} is not a valid RDS identifier; use lower-case letters, digits and single "
            "hyphens, starting with a letter and not ending with a hyphen, e.g. 'prod-fraud-scoring'"
        )
    return value


class AuroraGlobalClusterArgs(BaseModel):
    """Settings of an Aurora Global Database."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    global_cluster_identifier: str = Field(
        description="Global cluster identifier (RDS rules: 1..63 lower-case letters, digits, single hyphens, "
        "starting with a letter). Regional clusters join it by this name.",
    )
    engine: Literal["postgres", "mysql"] = Field(
        description="Config engine; the Aurora engine and its pinned version come from blueprint.catalogs.databases.",
    )
    # Secure default: the global database cannot be deleted until protection is lifted on purpose.
    deletion_protection: bool = Field(
        default=True, description="Default True: the global cluster cannot be deleted until this is turned off."
    )
    tags: dict[str, str] = Field(default_factory=dict, description="Tags merged onto the global cluster.")

    @field_validator("global_cluster_identifier")
    @classmethod
    def _identifier(cls, v: str) -> str:
        return check_rds_identifier("global_cluster_identifier", v)

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: dict[str, str]) -> dict[str, str]:
        return check_tags("tags", v)


class AuroraGlobalCluster(pulumi.ComponentResource):
    """An encrypted, deletion-protected Aurora global cluster (engine and version from the catalog)."""

    id: pulumi.Output[str]
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: AuroraGlobalClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("blueprint:aws:AuroraGlobalCluster", name, None, opts)
        spec = aurora_engine(args.engine)

        global_cluster = aws.rds.GlobalCluster(
            f"{name}-global-cluster",
            global_cluster_identifier=args.global_cluster_identifier,
            engine=spec.aurora_engine,
            # Major and minor upgrades of a global database are made here (the provider upgrades the
            # member clusters, which ignore their own engine-version drift for that reason): AWS
            # applies no automatic minor upgrades to global members, so they turn them off
            # (blueprint/components/aws/aurora_database.py).
            engine_version=spec.engine_version,
            # Every member cluster is encrypted (with its own region's CMK); the global cluster must agree.
            storage_encrypted=True,
            deletion_protection=args.deletion_protection,
            force_destroy=False,  # never detach and delete member clusters on destroy
            tags=merge_tags(args.tags, f"{name}-global-cluster"),
            opts=pulumi.ResourceOptions(parent=self),
        )

        self.id = global_cluster.global_cluster_identifier
        self.arn = global_cluster.arn
        self.engine: str = args.engine
        self.register_outputs({"id": self.id, "arn": self.arn})
