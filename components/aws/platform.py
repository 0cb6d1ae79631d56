"""The AWS composer: a footprint (blueprint.footprint) -> components, one explicit provider per
region so every resource knows where it lives."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from blueprint.footprint import Footprint, RegionRole
from components.aws.regional_platform import RegionalPlatform, RegionalPlatformArgs
from components.aws.workload_region import WorkloadRegion, WorkloadRegionArgs

# Distinct VPC ranges per region role, so the two regions can be peered without overlap.
REGION_CIDRS = {RegionRole.PRIMARY: "10.0.0.0/16", RegionRole.SECONDARY: "10.1.0.0/16"}


def build_aws(footprint: Footprint) -> dict[str, Any]:
    """Declare the stack's AWS resources; returns the stack outputs."""
    config = footprint.config
    common_tags = {"blueprint:environment": config.environment, "blueprint:stack": pulumi.get_stack()}
    outputs: dict[str, Any] = {"regions": {}, "vaults": {}}
    for region in footprint.regions:
        provider = aws.Provider(
            f"aws-{region.name}",
            region=region.name,
            default_tags=aws.ProviderDefaultTagsArgs(tags={**common_tags, "managed-by": "pulumi"}),
        )
        in_region = pulumi.ResourceOptions(providers=[provider])
        platform = RegionalPlatform(
            f"{config.environment}-{region.name}",
            RegionalPlatformArgs(
                environment=config.environment,
                zones=region.zones,
                cidr_block=REGION_CIDRS[region.role],
                nat_gateways="per-zone" if region.nat_per_zone else "single",
                network=region.runs_platform,
                tags={"blueprint:region-role": region.role.value},
            ),
            in_region,
        )
        outputs["regions"][region.name] = {"role": region.role.value, "kms_key_arn": platform.key.arn}
        if platform.network is not None:
            outputs["regions"][region.name]["vpc_id"] = platform.network.vpc_id
        for placement in footprint.in_region(region.name):
            tags = {
                "blueprint:workload": placement.name,
                "blueprint:tier": placement.tier.value,
                "blueprint:strategy": placement.strategy.value,
                "blueprint:region-role": region.role.value,
            }
            workload = WorkloadRegion(
                f"{placement.name}-{region.name}",
                WorkloadRegionArgs(
                    workload=placement.name,
                    tier=placement.tier.value,
                    kms_key_arn=platform.key.arn,
                    lock_mode=placement.vault.lock_mode.value,
                    retention_days=placement.vault.retention_days,
                    tags=tags,
                ),
                in_region,
            )
            outputs["vaults"][f"{placement.name}/{region.name}"] = workload.vault.bucket
    return outputs
