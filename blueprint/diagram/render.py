"""Draw a Layout (blueprint/diagram/layout.py) as SVG with drawsvg (https://github.com/cduck/drawsvg,
2.x API: Drawing, Rectangle, Text, Path, Marker; ids come from ``id_prefix`` and a counter, so the
same layout always gives the same file). Colours live here; positions never do."""

from __future__ import annotations

from typing import Optional

import drawsvg as dw

from blueprint.catalogs.tiers import Tier, tier_spec
from blueprint.diagram.layout import Arrow, Box, Label, Layout

# style -> (fill, stroke, dashed)
BOX_STYLES: dict[str, tuple[str, str, bool]] = {
    "front": ("#eef2ff", "#4f46e5", False),
    "region": ("#f8fafc", "#334155", False),
    "zone": ("none", "#94a3b8", True),
    "pool": ("#ccfbf1", "#0f766e", False),
    "pool-cpu": ("#e0f2fe", "#0369a1", False),
    "lb": ("#dbeafe", "#1d4ed8", False),
    "lb-standby": ("#ffffff", "#1d4ed8", True),
    "db-writer": ("#bbf7d0", "#15803d", False),
    "db-replica": ("#ecfccb", "#4d7c0f", False),
    "db-headless": ("#ffffff", "#4d7c0f", True),
    "vault": ("#f3e8ff", "#7e22ce", False),
    "tier-mission-critical": ("#fee2e2", "#b91c1c", False),
    "tier-business-critical": ("#ffedd5", "#c2410c", False),
    "tier-standard": ("#dbeafe", "#1e40af", False),
    "tier-best-effort": ("#f1f5f9", "#475569", False),
}
FAILED_FILL, FAILED_STROKE, FAILED_TEXT = "#e5e7eb", "#9ca3af", "#9ca3af"
# style -> (font size, bold, colour)
LABEL_STYLES: dict[str, tuple[float, bool, str]] = {
    "title": (18, True, "#0f172a"),
    "heading": (12, True, "#0f172a"),
    "text": (10.5, False, "#1e293b"),
    "muted": (10, False, "#475569"),
    "serving": (11, True, "#15803d"),
    "recovering": (11, True, "#b45309"),
    "down": (11, True, "#b91c1c"),
}
# style -> (colour, width, dashed)
ARROW_STYLES: dict[str, tuple[str, float, bool]] = {
    "link": ("#7e22ce", 1.3, False),
    "front": ("#4f46e5", 2.0, False),
    "front-standby": ("#4f46e5", 1.5, True),
}
BOX_FONT, BOX_LINE = 10.0, 12.0
# Common sans-serif faces first, the generic family last: every viewer finds one.
FONTS = "Helvetica, Arial, 'DejaVu Sans', sans-serif"


def legend_entries() -> list[tuple[str, str]]:
    """What the legend explains: each tier (with its default strategy, blueprint/catalogs/tiers.py), each box and arrow."""
    tiers = [(f"tier-{t.value}", f"{t.value} (default {tier_spec(t).default_strategy.value})") for t in Tier]
    return tiers + [
        ("pool", "GPU node pool (min-max nodes)"), ("pool-cpu", "CPU node pool"), ("lb", "load balancer"),
        ("lb-standby", "drained backend (standby)"), ("db-writer", "database writer"), ("db-replica", "database replica"),
        ("db-headless", "headless replica (storage only)"), ("vault", "vault (lock mode)"),
        ("region+failed", "failed domain (scenario)"), ("arrow-link", "replication / backup copy"),
        ("arrow-front", "DNS / global LB: serving"), ("arrow-front-standby", "DNS / global LB: failover only"),
    ]


def render_svg(layout: Layout) -> str:
    """The SVG document of a layout."""
    d = dw.Drawing(_n(layout.width), _n(layout.height), origin=(0, 0), id_prefix="bp", font_family=FONTS)
    d.append(dw.Rectangle(0, 0, _n(layout.width), _n(layout.height), fill="#ffffff"))
    for box in layout.boxes:
        _box(d, box)
    markers: dict[str, dw.Marker] = {}
    for arrow in layout.arrows:
        _arrow(d, arrow, markers)
    for label in layout.labels:
        _label(d, label)
    return d.as_svg()


def _n(value: float) -> float:
    """Coordinates to one decimal: a tidy, stable file."""
    rounded = round(float(value), 1)
    return int(rounded) if rounded.is_integer() else rounded


def _box(d: dw.Drawing, box: Box) -> None:
    fill, stroke, dashed = BOX_STYLES.get(box.style, ("#ffffff", "#334155", False))
    if box.failed:
        fill, stroke = FAILED_FILL, FAILED_STROKE
    rect = dw.Rectangle(_n(box.x), _n(box.y), _n(box.w), _n(box.h), fill=fill, stroke=stroke, rx=4,
                        stroke_width=1.2, stroke_dasharray="4 3" if dashed else None, opacity=0.85 if box.failed else None)
    if box.title:
        rect.append_title(box.title)
    d.append(rect)
    lines = [line for line in box.lines if line]
    fit = lines[:max(1, int(box.h // BOX_LINE))]
    top = box.y + box.h / 2 - (len(fit) - 1) * BOX_LINE / 2 + BOX_FONT * 0.35
    for i, line in enumerate(fit):
        d.append(dw.Text(line, BOX_FONT, _n(box.cx), _n(top + i * BOX_LINE), text_anchor="middle",
                         fill=FAILED_TEXT if box.failed else "#0f172a", font_weight="bold" if i == 0 and len(fit) > 1 else None))


def _marker(colour: str, markers: dict[str, dw.Marker]) -> dw.Marker:
    if colour not in markers:
        marker = dw.Marker(-0.1, -0.5, 0.9, 0.5, scale=6, orient="auto")
        marker.append(dw.Lines(-0.1, -0.5, -0.1, 0.5, 0.9, 0, fill=colour, close=True))
        markers[colour] = marker
    return markers[colour]


def _arrow(d: dw.Drawing, arrow: Arrow, markers: dict[str, dw.Marker]) -> None:
    colour, width, dashed = ARROW_STYLES.get(arrow.style, ("#334155", 1.2, False))
    colour = FAILED_STROKE if arrow.failed else colour
    path = dw.Path(stroke=colour, stroke_width=width, fill="none", stroke_dasharray="5 3" if dashed else None,
                   marker_end=_marker(colour, markers))
    (x, y), rest = arrow.points[0], arrow.points[1:]
    path.M(_n(x), _n(y))
    for x, y in rest:
        path.L(_n(x), _n(y))
    d.append(path)
    if arrow.label and arrow.label_at:
        _small(d, arrow.label, arrow.label_at, colour, "middle" if arrow.style == "link" else None)


def _small(d: dw.Drawing, text: str, at: tuple[float, float], colour: str, anchor: Optional[str]) -> None:
    d.append(dw.Text(text, 9, _n(at[0]), _n(at[1]), fill=colour, text_anchor=anchor))


def _label(d: dw.Drawing, label: Label) -> None:
    size, bold, colour = LABEL_STYLES.get(label.style, LABEL_STYLES["text"])
    d.append(dw.Text(label.text, size, _n(label.x), _n(label.y), fill=FAILED_TEXT if label.failed else colour,
                     font_weight="bold" if bold else None, text_anchor=None if label.anchor == "start" else label.anchor))
