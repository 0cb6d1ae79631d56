"""ImageRegistry: the Artifact Registry Docker repository (or pair) one workload pulls its images from.

Geo-redundancy: a repository in a *multi-region* location (``us``, ``europe``, ``asia``) keeps
serving when one of its regions is down ("Multi-region repositories may continue to work if one of
their regions are down", https://cloud.google.com/artifact-registry/docs/repositories/repo-locations),
so the composer uses one where the stack's two regions share a multi-region (the same pairs as the
dual-region vaults, blueprint.components.gcp.backup_bucket.dual_region_location); elsewhere a
regional repository in *each* region, and the images must be pushed to both (Artifact Registry does
not replicate standard repositories between regions: the CI pushes twice, or ``gcrane cp`` copies,
docs/runbooks/region-rebuild.md). The ``recovery-data-replicated`` policy accepts either form.

Each repository: ``format`` DOCKER, ``docker_config.immutable_tags`` (a tag can be neither moved nor
deleted), CMEK ``kms_key_name`` (a key in the repository's location; the Artifact Registry service
agent needs roles/cloudkms.cryptoKeyEncrypterDecrypter on it before the repository is created: the
caller grants it and passes the grant in ``depends_on``), retained on delete. No cleanup policy:
deleting untagged versions would delete the per-platform images of a multi-platform index.

Image references: ``<location>-docker.pkg.dev/<project>/<repository_id>/<image>:<tag>`` (Artifact
Registry "Docker repository" naming); ``urls`` maps each location to its prefix.

Children (component named ``n``): ``n-<location>`` gcp.artifactregistry.Repository.
"""

from __future__ import annotations

import re
from typing import Any, Optional

import pulumi
import pulumi_gcp as gcp
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ._types import LabelsAsGiven

# repository_id: "^[a-z]([a-z0-9-]*[a-z0-9])?$", at most 63 (Artifact Registry REST Repository name).
REPOSITORY_ID = re.compile(r"^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$")
MULTI_REGIONS = ("us", "europe", "asia")
DOCKER = "DOCKER"


def docker_host(location: str) -> str:
    return f"{location}-docker.pkg.dev"


class ImageRegistryArgs(BaseModel):
    """Settings of one workload's Docker repositories."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    project: str = Field(description="The GCP project id (image URLs name it).")
    repository_id: str = Field(description="Repository id, e.g. 'prod-fraud-scoring' (a letter first, [a-z0-9-], <= 63).")
    kms_key_ids: dict[str, Any] = Field(
        min_length=1, max_length=2,
        description="Location -> pulumi.Input[str] CMEK key in that location: one multi-region (us, europe, asia) or one "
        "or two regions (a repository in each).",
    )
    labels: LabelsAsGiven = Field(default_factory=dict, description="Labels of each repository.")

    @field_validator("repository_id")
    @classmethod
    def _repository_id(cls, v: str) -> str:
        if not REPOSITORY_ID.match(v):
            raise ValueError(f"repository_id: {v!r} must start with a letter, use [a-z0-9-], end with a letter or digit, <= 63")
        return v

    @model_validator(mode="after")
    def _locations(self) -> ImageRegistryArgs:
        multi = [loc for loc in self.kms_key_ids if loc in MULTI_REGIONS]
        if multi and len(self.kms_key_ids) > 1:
            raise ValueError(f"kms_key_ids: {sorted(self.kms_key_ids)} mixes a multi-region with another location; give one "
                             "multi-region, or one repository per region")
        return self


class ImageRegistry(pulumi.ComponentResource):
    """Immutable-tag, CMEK Docker repositories of one workload (one multi-region, or one per region)."""

    def __init__(self, name: str, args: ImageRegistryArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:gcp:ImageRegistry", name, None, opts)
        self.urls: dict[str, str] = {}
        for location, key in args.kms_key_ids.items():
            gcp.artifactregistry.Repository(
                f"{name}-{location}",
                project=args.project,
                location=location,
                repository_id=args.repository_id,
                format=DOCKER,
                description=f"blueprint: images of {args.repository_id}",
                docker_config=gcp.artifactregistry.RepositoryDockerConfigArgs(immutable_tags=True),
                kms_key_name=key,
                labels=dict(args.labels),
                opts=pulumi.ResourceOptions(parent=self, retain_on_delete=True),
            )
            self.urls[location] = f"{docker_host(location)}/{args.project}/{args.repository_id}"
        self.register_outputs({"urls": self.urls})
