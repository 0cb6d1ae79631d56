"""ImageRepositories: the ECR repositories one workload pulls its images from, in one region.

Every repository is private (ECR repositories have no public access; no repository policy is
attached, so only IAM principals of the account may pull: the EKS nodes' role has
AmazonEC2ContainerRegistryPullOnly, blueprint/components/aws/eks_cluster.py), with

- ``image_tag_mutability`` IMMUTABLE: a pushed tag can never point at other content, so a rebuilt
  region runs exactly the image the lost one ran;
- ``image_scanning_configuration.scan_on_push``: basic scanning of every pushed image;
- ``encryption_configurations`` KMS with the region's customer-managed key (the key must be in the
  repository's region; ECR adds its own grants on it: "Encryption at rest",
  https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html);
- retain on delete, ``force_delete`` off: deleting the stack never deletes images.

Names are ``<prefix><image>`` (e.g. ``prod/fraud-scoring/server``): the same in both regions, since
ECR replication keeps the repository name ("The repository name will remain the same across
Regions", https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html). The composer
creates the repositories in the second region too, so replicas land in repositories with the same
immutability, scanning and a key of their own region instead of ones ECR would create with its
defaults; the one registry-wide ``RegistryReplication`` copies pushes from the primary into them.

No lifecycle (expiry) policy: the untagged manifests of a repository include the per-platform
images of a multi-platform image index, which an "untagged" expiry rule would delete under a tag.

Children (component named ``n``): ``n-<image>`` aws.ecr.Repository.
Attributes: ``names`` (image -> repository name), ``urls`` (image -> repository URL), ``arns``.
"""

from __future__ import annotations

import re
from typing import Optional

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ._tags import merge_tags
from ._types import KmsKeyArn, Tags

# CreateRepository repositoryName: 2..256, "(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*"
# (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html).
REPOSITORY_NAME = re.compile(r"^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$")
REPOSITORY_NAME_MAX = 256
# ImageTagMutability (same page): IMMUTABLE refuses re-pushing a tag.
IMMUTABLE = "IMMUTABLE"


def repository_prefix(environment: str, workload: str) -> str:
    """``<environment>/<workload>/``: every repository of a workload, and the registry replication filter."""
    return f"{environment}/{workload}/"


class ImageRepositoriesArgs(BaseModel):
    """Settings of one workload's ECR repositories in one region."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    prefix: str = Field(description="Name prefix of every repository, ending with '/', e.g. 'prod/fraud-scoring/' (repository_prefix).")
    images: tuple[str, ...] = Field(min_length=1, description="Image names (one path component each), e.g. ('server', 'tokenizer').")
    kms_key_arn: KmsKeyArn = Field(description="pulumi.Input[str]: the region's customer-managed KMS key (required; never AES256).")
    scan_on_push: bool = Field(default=True, description="Default True: basic scan of every pushed image.")
    tags: Tags = Field(default_factory=dict, description="Tags merged onto every repository.")

    @field_validator("prefix")
    @classmethod
    def _prefix(cls, v: str) -> str:
        if not v.endswith("/") or not REPOSITORY_NAME.match(v.rstrip("/")):
            raise ValueError(f"prefix: {v!r} must be lower-case path components ending with '/', e.g. 'prod/fraud-scoring/'")
        return v

    @field_validator("images")
    @classmethod
    def _images(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for image in v:
            if "/" in image or not REPOSITORY_NAME.match(image):
                raise ValueError(f"images: {image!r} must be one lower-case path component ([a-z0-9] separated by . _ -)")
        if len(set(v)) != len(v):
            raise ValueError(f"images: {list(v)} names an image twice")
        return v

    def repository_name(self, image: str) -> str:
        name = f"{self.prefix}{image}"
        if len(name) > REPOSITORY_NAME_MAX:
            raise ValueError(f"images: repository name {name!r} is {len(name)} characters; ECR allows {REPOSITORY_NAME_MAX}")
        return name


class ImageRepositories(pulumi.ComponentResource):
    """Private, immutable-tag, scanned, KMS-encrypted ECR repositories of one workload in one region."""

    def __init__(self, name: str, args: ImageRepositoriesArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:aws:ImageRepositories", name, None, opts)
        self.names: dict[str, str] = {}
        self.urls: dict[str, pulumi.Output[str]] = {}
        self.arns: dict[str, pulumi.Output[str]] = {}
        for image in args.images:
            repository = aws.ecr.Repository(
                f"{name}-{image}",
                name=args.repository_name(image),
                image_tag_mutability=IMMUTABLE,
                image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(scan_on_push=args.scan_on_push),
                encryption_configurations=[aws.ecr.RepositoryEncryptionConfigurationArgs(encryption_type="KMS", kms_key=args.kms_key_arn)],
                force_delete=False,
                tags=merge_tags(args.tags, f"{name}-{image}"),
                # Stateful: images are what a rebuilt region runs.
                opts=pulumi.ResourceOptions(parent=self, retain_on_delete=True),
            )
            self.names[image] = args.repository_name(image)
            self.urls[image] = repository.repository_url
            self.arns[image] = repository.arn
        self.register_outputs({"urls": self.urls})
