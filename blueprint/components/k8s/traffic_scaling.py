"""TrafficScaling: the load-balancer request-rate signal an ``InferenceService`` scales on (KEDA).

The cloud side builds it (the region's ALB target group on AWS, the region's NEGs on GCP) and
passes it to ``InferenceServiceArgs.traffic_scaling``; the InferenceService then plans a KEDA
``ScaledObject`` with this trigger first and a ``cpu`` trigger second, instead of its CPU-only HPA.

A trigger is one entry of ``ScaledObject.spec.triggers`` without its ``authenticationRef`` (the
component adds it from ``authentication``): ``{"type": "aws-cloudwatch" | "gcp-stackdriver",
"metadata": {...}}`` and optionally ``name``, ``metricType``, ``useCachedMetrics``. Field names are
KEDA's (kedacore/keda apis/keda/v1alpha1/scaledobject_types.go ``ScaleTriggers``; keda-docs
content/docs/2.20/reference/scaledobject-spec.md "triggers").
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ._labels import DNS_LABEL


def metadata_number(value: float) -> str:
    """A number as KEDA trigger metadata, which KEDA reads as strings: '1200' rather than '1200.0',
    decimals kept when they matter."""
    return f"{value:.6f}".rstrip("0").rstrip(".")

# The trigger keys KEDA reads (ScaleTriggers in scaledobject_types.go); authenticationRef is the component's.
TRIGGER_KEYS = frozenset({"type", "name", "metadata", "metricType", "useCachedMetrics"})
# cpu and memory triggers are resource metrics, not traffic; the InferenceService adds its own cpu trigger.
RESOURCE_TRIGGER_TYPES = frozenset({"cpu", "memory"})
# 'Utilization' applies to cpu/memory only; fallback needs a trigger of AverageValue or Value type
# (keda-docs 2.20 scaledobject-spec.md "fallback": "supported for all triggers of both Value and
# AverageValue metric types, except CPU & memory triggers").
TRAFFIC_METRIC_TYPES = ("AverageValue", "Value")


class TrafficScaling(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    trigger: dict[str, Any] = Field(description="One KEDA trigger: {'type': ..., 'metadata': {...}}; metadata values may be pulumi Outputs.")
    authentication: str = Field(description="Name of the ClusterTriggerAuthentication the trigger uses (Keda.trigger_authentication_name).")
    depends_on: list[Any] = Field(default_factory=list, description="What the ScaledObject waits for: the KEDA release that installs its CRD "
                                  "(Keda.release). Default []: nothing beyond the InferenceService's own objects.")

    @field_validator("trigger")
    @classmethod
    def _trigger(cls, v: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(v) - TRIGGER_KEYS)
        if unknown:
            raise ValueError(f"trigger: keys {unknown} are not KEDA trigger fields; allowed {sorted(TRIGGER_KEYS)} "
                             "(authenticationRef comes from 'authentication')")
        kind = v.get("type")
        if not isinstance(kind, str) or not kind:
            raise ValueError(f"trigger: type {kind!r} must name a KEDA scaler, e.g. 'aws-cloudwatch' or 'gcp-stackdriver'")
        if kind in RESOURCE_TRIGGER_TYPES:
            raise ValueError(f"trigger: type {kind!r} is a resource metric; pass the load balancer's request-rate trigger "
                             "(the InferenceService adds its cpu trigger itself)")
        metadata = v.get("metadata")
        if not isinstance(metadata, dict) or not metadata:
            raise ValueError(f"trigger: metadata {metadata!r} must be a non-empty mapping of the {kind} scaler's parameters")
        metric_type = v.get("metricType")
        if metric_type is not None and metric_type not in TRAFFIC_METRIC_TYPES:
            raise ValueError(f"trigger: metricType {metric_type!r} is not allowed; use one of {list(TRAFFIC_METRIC_TYPES)} "
                             "(or leave it unset: AverageValue)")
        return v

    @field_validator("authentication")
    @classmethod
    def _authentication(cls, v: str) -> str:
        if not DNS_LABEL.match(v):
            raise ValueError(f"authentication: {v!r} is not a ClusterTriggerAuthentication name; pass Keda.trigger_authentication_name "
                             "(1..63 lower-case letters, digits and '-')")
        return v
