"""The shared platform of one region: its customer-managed key and its network.

Every workload of the stack in this region uses them; the EKS cluster joins them in the AWS issue.
"""

from __future__ import annotations

from typing import Literal, Optional

import pulumi
from pydantic import BaseModel, ConfigDict, Field

from components.aws.kms_key import KmsKey, KmsKeyArgs
from components.aws.network import Network, NetworkArgs


class RegionalPlatformArgs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    environment: str = Field(pattern=r"^[a-z0-9-]{1,20}$", description="Stack environment, used in names.")
    zones: tuple[str, ...] = Field(description="Zones of the region the network spans (2..6).")
    cidr_block: str = Field(default="10.0.0.0/16", description="VPC range; distinct per region so the regions can be peered.")
    # HA default: a NAT gateway per zone, so losing a zone never cuts the others' egress.
    nat_gateways: Literal["per-zone", "single"] = "per-zone"
    # The network is optional: a region holding only backup copies needs nothing but the key.
    network: bool = Field(default=True, description="Create the VPC (False: key only, for backup-copy regions).")
    tags: dict[str, str] = Field(default_factory=dict)


class RegionalPlatform(pulumi.ComponentResource):
    """KMS key (rotation on) and, where workloads run, the VPC of one region."""

    key: KmsKey
    network: Optional[Network]

    def __init__(self, name: str, args: RegionalPlatformArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("blueprint:aws:RegionalPlatform", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.key = KmsKey(
            f"{name}-key",
            KmsKeyArgs(
                alias_name=f"blueprint/{name}",
                description=f"blueprint {args.environment}: data at rest in this region",
                tags=args.tags,
            ),
            child,
        )
        self.network = None
        if args.network:
            self.network = Network(
                f"{name}-net",
                NetworkArgs(
                    zones=args.zones,
                    cidr_block=args.cidr_block,
                    nat_gateways=args.nat_gateways,
                    flow_logs_kms_key_arn=self.key.arn,
                    tags=args.tags,
                ),
                child,
            )
        outputs = {"key_arn": self.key.arn}
        if self.network is not None:
            outputs["vpc_id"] = self.network.vpc_id
        self.register_outputs(outputs)
