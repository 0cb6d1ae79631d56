"""Warnings about a valid configuration: legal, but weaker than it could be. ``blueprint plan`` prints
them on stderr and keeps its exit code (they are advice, not errors)."""

from __future__ import annotations

from blueprint.config.models import StackConfig


def cpu_only_scaling_warnings(config: StackConfig) -> list[str]:
    """One line per served workload without ``service.requestsPerSecondPerPod``: its pods scale on
    CPU only (the HPA), and GPU-bound inference can saturate before CPU reaches the target."""
    return [
        f"warning: workload {w.name!r} scales on CPU only: set service.requestsPerSecondPerPod (the sustained "
        "requests/s one pod serves at its latency target) so KEDA scales it on the load balancer's request rate "
        "(docs/configuration.md). The plan and the exit code are unaffected."
        for w in config.workloads
        if w.service is not None and w.service.requests_per_second_per_pod is None
    ]
