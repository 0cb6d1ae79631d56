"""The stderr warning ``blueprint plan`` and ``blueprint check`` print for placeholder deployer CIDRs.

The shipped stacks list RFC 5737 documentation addresses in ``blueprint:deployerCidrs`` (they plan,
check and pass readiness: they route nowhere, so they open nothing), but a real ``pulumi up`` with
them fails: EKS refuses reserved blocks in ``publicAccessCidrs`` and GKE calls from the real
deployer time out. The warning never changes the exit code; the policy rule
``api-endpoint-placeholder-cidrs`` (advisory) reports the same per cluster.
"""

from __future__ import annotations

from typing import Any, Optional

from blueprint.analysis.endpoints import CLUSTER_TYPES, deployer_cidrs
from blueprint.catalogs.kubernetes import placeholder_cidrs


def placeholder_entries(plan: Any) -> list[str]:
    """The placeholder CIDRs the plan's clusters open their API to, in plan order, once each."""
    found: list[str] = []
    for resource in plan.resources:
        if resource.type in CLUSTER_TYPES:
            for cidr in placeholder_cidrs(deployer_cidrs(resource.type, resource.inputs or {})):
                if cidr not in found:
                    found.append(cidr)
    return found


def placeholder_warning(plan: Any) -> Optional[str]:
    """The warning line, or None when no cluster lists a placeholder."""
    entries = placeholder_entries(plan)
    if not entries:
        return None
    return (f"warning: blueprint:deployerCidrs lists RFC 5737 documentation placeholders {entries}: replace them "
            "with the networks `pulumi up` runs from before `pulumi up` (docs/deploying.md); a real deploy with them "
            "fails (EKS refuses reserved blocks, GKE calls time out). The plan and the exit code are unaffected.")
