"""Resilience analysis of a plan: RTO/RPO estimated from the planned settings, zone and region
loss simulated on the graph, single points of failure, rebuild estimate (docs/resilience.md).

Cloud-specific reading lives in ``aws_facts`` and ``gcp_facts``; the model
(``facts``, ``resilience``, ``graph``) is cloud-neutral.
"""

from blueprint.analysis.figures import DEFAULT_FIGURES, Figure, Figures, with_overrides
from blueprint.analysis.graph import CriticalPath, critical_path, rebuild_estimate
from blueprint.analysis.report import analyse, extract_facts, failed, render_text, targets_from_config

__all__ = [
    "DEFAULT_FIGURES", "Figure", "Figures", "with_overrides", "CriticalPath", "critical_path", "rebuild_estimate",
    "analyse", "extract_facts", "failed", "render_text", "targets_from_config",
]
