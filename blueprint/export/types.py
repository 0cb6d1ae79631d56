"""Pulumi resource type token -> the real Terraform resource type, for the Terraform-plan export.

A thin view of the type registry (blueprint/types/): the tables live in
blueprint/types/aws_terraform.py and gcp_terraform.py (how they were built and checked is said
there). pulumi-aws and pulumi-gcp are bridged from the Terraform providers, so every resource *is*
a Terraform resource; the registry names it. It is explicit on purpose: a type missing there is
skipped by the exporter with a note (``blueprint export`` lists it), never guessed.
"""

from __future__ import annotations

from typing import Optional

from blueprint import types as registry
from blueprint.types import aws_terraform, gcp_terraform
from blueprint.types.command import LOCAL_COMMAND

# Terraform provider source addresses, as `terraform show -json` writes them in provider_name.
PROVIDER_ADDRESS = {
    "aws": "registry.terraform.io/hashicorp/aws",
    "gcp": "registry.terraform.io/hashicorp/google",
}
# The Terraform provider local name of each Pulumi package (provider_config keys).
PROVIDER_NAME = {"aws": "aws", "gcp": "google"}

# Resources the bridge serves from terraform-plugin-framework implementations: their nested
# objects are single nested attributes/blocks, which Terraform plans as objects, not as the
# one-element lists of SDKv2 blocks (from the "mux" table of pulumi-aws's bridge metadata).
PLUGIN_FRAMEWORK_TYPES = aws_terraform.PLUGIN_FRAMEWORK_TYPES

# Pulumi types with no Terraform resource at all: pulumi-command runs a CLI where `pulumi up` runs
# (e.g. enabling an EKS node group ASG's metrics collection, which no AWS resource exposes). The
# exporter skips them with its "no Terraform type mapping" note, on purpose; they are not cloud types.
NOT_TERRAFORM_TYPES = frozenset({LOCAL_COMMAND})


cloud_of = registry.cloud_of  # ``aws:s3/bucket:Bucket`` -> ``aws``; ``pulumi:providers:aws`` -> ``pulumi``


def terraform_type(token: str) -> Optional[str]:
    """The Terraform resource type of a Pulumi resource type token, or None when unmapped."""
    return registry.terraform_type(token)


def provider_address(token: str) -> Optional[str]:
    if token in GCP_BETA:
        return GOOGLE_BETA_ADDRESS
    return PROVIDER_ADDRESS.get(cloud_of(token))


def provider_local_name(token: str) -> Optional[str]:
    """``aws`` / ``google`` / ``google-beta``: the provider a resource's configuration names."""
    if token in GCP_BETA:
        return "google-beta"
    return PROVIDER_NAME.get(cloud_of(token))


# pulumi-gcp resources that exist only in Terraform's google-beta provider (gcp_terraform.TERRAFORM_BETA).
GOOGLE_BETA_ADDRESS = "registry.terraform.io/hashicorp/google-beta"
GCP_BETA: dict[str, str] = gcp_terraform.TERRAFORM_BETA
AWS: dict[str, str] = aws_terraform.TERRAFORM
GCP: dict[str, str] = gcp_terraform.TERRAFORM
