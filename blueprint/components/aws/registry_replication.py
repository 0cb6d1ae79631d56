"""RegistryReplication: the ECR private registry's replication configuration, once per account and region.

``aws.ecr.ReplicationConfiguration`` (``PutReplicationConfiguration``) is registry-wide: "Replication
is configured for a private registry separately for each Region", and a registry has one
configuration of at most 10 rules, each with at most 100 repository filters and 25 destinations
across all rules (https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html,
"Considerations"; CloudFormation AWS::ECR::ReplicationConfiguration ReplicationRule). So the
composer declares ONE per stack, in the primary region, with one rule whose PREFIX_MATCH filters list
every workload's repository prefix (``<environment>/<workload>/``) and whose destination is the
second region of the same account. A second stack in the same account and primary region would
overwrite it: one stack per account and region owns the registry's replication (docs/configuration.md).

Backfill: "Only repository content pushed to a repository after replication is configured is
replicated. Any preexisting content in a repository isn't replicated" (same page). Images pushed
before this resource existed must be re-pushed once (docs/runbooks/region-rebuild.md, "Images
pushed before replication", gives the commands: pull by digest, then push to the second region's
repository).

Children (component named ``n``): ``n-config`` aws.ecr.ReplicationConfiguration.
"""

from __future__ import annotations

from typing import Any, Optional

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .image_repositories import REPOSITORY_NAME

MAX_FILTERS_PER_RULE = 100
PREFIX_MATCH = "PREFIX_MATCH"


class RegistryReplicationArgs(BaseModel):
    """The registry's one replication rule: these repository prefixes -> these regions of the account."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    destination_regions: tuple[str, ...] = Field(min_length=1, max_length=25, description="Regions the repositories are copied to.")
    registry_id: Any = Field(description="pulumi.Input[str]: the destination registry (the account id: same-account replication).")
    repository_prefixes: tuple[str, ...] = Field(
        min_length=1, max_length=MAX_FILTERS_PER_RULE,
        description="PREFIX_MATCH filters, e.g. ('prod/fraud-scoring/',): only these repositories replicate.",
    )

    @field_validator("repository_prefixes")
    @classmethod
    def _prefixes(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for prefix in v:
            if not REPOSITORY_NAME.match(prefix.rstrip("/")):
                raise ValueError(f"repository_prefixes: {prefix!r} is not a repository name prefix (lower-case path components)")
        if len(set(v)) != len(v):
            raise ValueError(f"repository_prefixes: {list(v)} repeats a prefix")
        return v


class RegistryReplication(pulumi.ComponentResource):
    """The registry's replication configuration (declare it once per account and region)."""

    def __init__(self, name: str, args: RegistryReplicationArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:aws:RegistryReplication", name, None, opts)
        rule = aws.ecr.ReplicationConfigurationReplicationConfigurationRuleArgs(
            destinations=[
                aws.ecr.ReplicationConfigurationReplicationConfigurationRuleDestinationArgs(region=region, registry_id=args.registry_id)
                for region in args.destination_regions
            ],
            repository_filters=[
                aws.ecr.ReplicationConfigurationReplicationConfigurationRuleRepositoryFilterArgs(filter=prefix, filter_type=PREFIX_MATCH)
                for prefix in args.repository_prefixes
            ],
        )
        config = aws.ecr.ReplicationConfiguration(
            f"{name}-config",
            replication_configuration=aws.ecr.ReplicationConfigurationReplicationConfigurationArgs(rules=[rule]),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.registry_id: pulumi.Output[str] = config.registry_id
        self.register_outputs({"registry_id": self.registry_id})
