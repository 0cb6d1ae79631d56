"""PrivateServiceAccess: the private-services-access peering of a VPC (once per network).

Cloud SQL private IP (and Memorystore, ...) reach the VPC through a peering with Google's service
producer network. It needs an allocated internal range (``compute.GlobalAddress`` purpose
VPC_PEERING) and a ``servicenetworking.Connection`` on it. Cloud SQL instances with private IP
depend on the connection (pass ``PrivateServiceAccess.connection`` in their ``depends_on``).

Children (component named ``n``): ``n-range`` compute.GlobalAddress, ``n-connection``
servicenetworking.Connection (``deletion_policy`` ABANDON: deleting the peering fails while any
producer, such as a Cloud SQL instance kept by retain-on-delete, still uses it).
"""

from __future__ import annotations

import ipaddress
from typing import Any, Optional

import pulumi
import pulumi_gcp as gcp
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .load_balancer import check_labels


class PrivateServiceAccessArgs(BaseModel):
    """Settings of a network's private-services-access range and peering."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    network_id: Any = Field(description="pulumi.Input[str]: id or self link of the VPC network.")
    prefix_length: int = Field(
        default=16,
        description="Size of the allocated range (8..24). Default 16, Google's recommendation: room for every "
        "producer service and region, since the range is shared by all of them.",
    )
    address: Optional[str] = Field(
        default=None, description="First address of the range, e.g. '10.64.0.0'. Default None: Google picks a free range."
    )
    labels: dict[str, str] = Field(default_factory=dict, description="GCP labels on the allocated range.")

    @field_validator("prefix_length")
    @classmethod
    def _prefix(cls, v: int) -> int:
        if not 8 <= v <= 24:
            raise ValueError(f"prefix_length: {v} is outside 8..24 (private services access needs at least a /24)")
        return v

    @field_validator("address")
    @classmethod
    def _address(cls, v: Optional[str]) -> Optional[str]:
        if v is not None:
            try:
                ip = ipaddress.IPv4Address(v)
            except ValueError:
                raise ValueError(f"address: {v!r} is not an IPv4 address; e.g. '10.64.0.0'") from None
            if not ip.is_private:
                raise ValueError(f"address: {v} is not a private (RFC 1918) address")
        return v

    @field_validator("labels")
    @classmethod
    def _labels(cls, v: dict[str, str]) -> dict[str, str]:
        return check_labels("labels", v)


class PrivateServiceAccess(pulumi.ComponentResource):
    """An allocated VPC_PEERING range and the servicenetworking peering that uses it."""

    def __init__(self, name: str, args: PrivateServiceAccessArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("blueprint:gcp:PrivateServiceAccess", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        allocated = gcp.compute.GlobalAddress(
            f"{name}-range",
            purpose="VPC_PEERING",
            address_type="INTERNAL",
            prefix_length=args.prefix_length,
            address=args.address,
            network=args.network_id,
            labels=dict(args.labels),
            opts=child,
        )
        connection = gcp.servicenetworking.Connection(
            f"{name}-connection",
            network=args.network_id,
            service="servicenetworking.googleapis.com",
            reserved_peering_ranges=[allocated.name],
            deletion_policy="ABANDON",
            opts=child,
        )

        self.range_name: pulumi.Output[str] = allocated.name
        self.connection: gcp.servicenetworking.Connection = connection
        self.connection_id: pulumi.Output[str] = connection.id
        self.register_outputs({"range_name": self.range_name, "connection_id": self.connection_id})
