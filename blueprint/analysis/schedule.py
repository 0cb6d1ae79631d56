"""Backup schedules (AWS Backup / EventBridge ``cron(...)`` and ``rate(...)``) -> worst-case
interval between two recovery points, in seconds."""

from __future__ import annotations

import re
from typing import Any

DAY = 86400
_RATE = re.compile(r"^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$")
_UNIT = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": DAY, "days": DAY}


def _gap(field: str, span: int) -> int | None:
    """Largest gap, in field units, between values a cron field fires on, over a cycle of
    ``span`` units; None for '*' (every unit)."""
    if field in ("*", "?"):
        return None
    values: set[int] = set()
    for part in field.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            step = int(step_text)
        if part in ("*", ""):
            start, end = 0, span - 1
        elif "-" in part:
            a, b = part.split("-", 1)
            start, end = int(a), int(b)
        else:
            start = end = int(part)
            if step != 1:
                end = span - 1
        values.update(range(start, end + 1, step))
    ordered = sorted(v for v in values if 0 <= v < span)
    if not ordered:
        return span
    gaps = [b - a for a, b in zip(ordered, ordered[1:])] + [ordered[0] + span - ordered[-1]]
    return max(gaps)


def schedule_interval_s(expression: Any) -> float:
    """``cron(0 */6 * * ? *)`` -> 21600. Day-of-month/week restrictions count as daily-or-rarer:
    a schedule that names days is treated as weekly (conservative). Unknown forms -> one day."""
    text = str(expression or "").strip()
    rate = _RATE.match(text)
    if rate:
        return int(rate.group(1)) * _UNIT[rate.group(2)]
    if not (text.startswith("cron(") and text.endswith(")")):
        return DAY
    fields = text[5:-1].split()
    if len(fields) < 5:
        return DAY
    minute, hour, dom, _month, dow = fields[:5]
    if dom not in ("*", "?") or dow not in ("*", "?"):
        return 7 * DAY
    try:
        hour_gap = _gap(hour, 24)
        minute_gap = _gap(minute, 60)
    except ValueError:
        return DAY
    if hour_gap is None:
        return (minute_gap if minute_gap is not None else 1) * 60
    return hour_gap * 3600
