"""Stack-wide recovery controls by tier (issue 18, part 2): the audit trail and the break-glass DR
operator role. A stack gets what its strictest workload's tier asks for (``recovery_stack_spec``);
``blueprint.footprint.stack_recovery`` resolves it once, the composers pass plain values on.

- Audit trail (AWS CloudTrail; GCP audit logs routed to a bucket): required for every tier but
  best-effort, locked like the tier's backups (``TierSpec.lock_mode``: compliance for
  mission-/business-critical) for ``audit_retention_days`` - a year for the critical tiers (CIS AWS
  Foundations 3.x and common audit practice keep a year of trail), 180 days for standard.
- Break-glass DR role: wherever a second region can take over (every tier but best-effort). The AWS
  role's sessions last at most an hour (``max_session_duration``: IAM allows 3600..43200 s, so an hour
  is the shortest) and need an MFA sign-in younger than ``mfa_max_age_s`` (``aws:MultiFactorAuthAge``);
  the GCP PAM entitlement grants at most ``session_s`` and needs ``approvals`` approvals (0 for
  mission-critical: a 120 s RTO leaves no time to wait for a second person; the grant is still
  logged and alerted).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

from blueprint.catalogs.tiers import LockMode, Tier, tier_spec

# Strictest first.
_ORDER = (Tier.MISSION_CRITICAL, Tier.BUSINESS_CRITICAL, Tier.STANDARD, Tier.BEST_EFFORT)


@dataclass(frozen=True)
class RecoveryStackSpec:
    audit_trail: bool
    audit_lock_mode: LockMode
    audit_retention_days: int
    break_glass: bool
    session_s: int
    mfa_max_age_s: int
    approvals: int


RECOVERY_STACK: dict[Tier, RecoveryStackSpec] = {
    Tier.MISSION_CRITICAL: RecoveryStackSpec(True, tier_spec(Tier.MISSION_CRITICAL).lock_mode, 365, True, 3600, 900, 0),
    Tier.BUSINESS_CRITICAL: RecoveryStackSpec(True, tier_spec(Tier.BUSINESS_CRITICAL).lock_mode, 365, True, 3600, 900, 1),
    Tier.STANDARD: RecoveryStackSpec(True, tier_spec(Tier.STANDARD).lock_mode, 180, True, 3600, 3600, 1),
    Tier.BEST_EFFORT: RecoveryStackSpec(False, tier_spec(Tier.BEST_EFFORT).lock_mode, 90, False, 3600, 3600, 1),
}


def recovery_stack_spec(tiers: Iterable[Tier | str]) -> Optional[RecoveryStackSpec]:
    """The spec of the strictest tier among ``tiers``; None without any."""
    present = {Tier(t) for t in tiers}
    strictest = next((t for t in _ORDER if t in present), None)
    return RECOVERY_STACK[strictest] if strictest is not None else None
