"""Validation of ``blueprint audit``'s options, before anything is planned or any AWS API is called."""

from __future__ import annotations

import math

from blueprint.config.errors import ConfigError, Problem

# AWS Backup keeps a recovery point for its lifecycle's retention; the tiers' longest minimum
# retention is 35 days (DESIGN.md), and a window of a year is already far beyond any backup schedule
# the footprint plans (daily and hourly rules), so 8,760 hours is a generous ceiling.
MAX_RECENT_HOURS = 8760.0


def check_recent_hours(value: float) -> None:
    """``--recent-hours`` must be a finite number of hours, > 0 and <= MAX_RECENT_HOURS: a negative,
    zero, nan or infinite window would make every recovery point "recent" or none (issue 16)."""
    if not math.isfinite(value) or value <= 0 or value > MAX_RECENT_HOURS:
        raise ConfigError([Problem("--recent-hours", f"must be a number of hours greater than 0 and at most {MAX_RECENT_HOURS:g}", value)],
                          source="arguments")
