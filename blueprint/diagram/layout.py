"""Where everything goes: boxes, labels and arrows with their positions, computed from a Diagram
(blueprint/diagram/model.py). Pure geometry with semantic styles; blueprint/diagram/render.py draws it.

Picture, top to bottom: title; the front (DNS / global LB) with one line per served workload and an
arrow to each region it routes to; the regions side by side (primary, secondary, then any other vault
location), zones as columns inside them; one lane per workload across every region: its node pools
in the zones they cover, then its load balancer, database role and vaults, then the replication and
copy arrows between regions; the legend."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Optional

from blueprint.diagram.model import Diagram, ItemView, PoolView, RegionView, WorkloadView

MARGIN = 20.0
LABEL_W = 260.0  # the left column: workload name, tier and strategy, front, scenario outcome
ZONE_W = 120.0  # a zone column at least
ITEM_MIN_W = 100.0  # an item of the regional row at least (two short lines of 10 px text)
LOCATION_W = 140.0  # a location without zones (multi-region vault)
REGION_PAD, REGION_GAP, ITEM_GAP = 10.0, 36.0, 6.0
REGION_HEAD, ZONE_HEAD = 34.0, 18.0
POOL_H, ITEM_H, ROW_GAP, LINK_H, LANE_PAD = 34.0, 34.0, 6.0, 14.0, 8.0
LINE_H = 13.0  # one line of the left column's text
FRONT_GAP = 34.0  # room for the arrows from the front to the regions
LEGEND_ITEM_W, LEGEND_ROW_H = 270.0, 18.0


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float
    style: str
    lines: tuple[str, ...] = ()
    failed: bool = False
    title: str = ""  # tooltip: the URN or name it stands for

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def cx(self) -> float:
        return self.x + self.w / 2


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    style: str = "text"  # title | heading | text | muted | serving | recovering | down
    anchor: str = "start"  # start | middle | end
    failed: bool = False


@dataclass(frozen=True)
class Arrow:
    points: tuple[tuple[float, float], ...]
    style: str  # link | front | front-standby
    label: str = ""
    label_at: Optional[tuple[float, float]] = None
    failed: bool = False


@dataclass
class Layout:
    width: float
    height: float
    boxes: list[Box] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)


@dataclass(frozen=True)
class Column:
    """A region's horizontal extent and its zones' columns inside it."""

    region: RegionView
    x: float
    w: float
    zones: dict[str, tuple[float, float]]  # zone -> (x, w)

    @property
    def inner(self) -> tuple[float, float]:
        return self.x + REGION_PAD, self.w - 2 * REGION_PAD


def layout(d: Diagram, legend: list[tuple[str, str]]) -> Layout:
    """The whole picture. ``legend``: (style, text) entries drawn at the bottom, in order."""
    columns = _columns(d)
    right = columns[-1].x + columns[-1].w if columns else MARGIN + LABEL_W
    out = Layout(right + MARGIN, 0.0)
    y = _title(d, out)
    y = _front(d, columns, out, y)
    y = _regions(d, columns, out, y)
    y = _legend(legend, out, y + 16)
    out.height = y + MARGIN
    return out


def _columns(d: Diagram) -> list[Column]:
    columns, x = [], MARGIN + LABEL_W
    for region in d.regions:
        inner = _inner_width(d, region)
        zone_w = inner / len(region.zones) if region.zones else 0.0
        zones = {z: (x + REGION_PAD + i * zone_w, zone_w) for i, z in enumerate(region.zones)}
        columns.append(Column(region, x, inner + 2 * REGION_PAD, zones))
        x += inner + 2 * REGION_PAD + REGION_GAP
    return columns


def _inner_width(d: Diagram, region: RegionView) -> float:
    most = max((len(w.items.get(region.name, ())) for w in d.workloads), default=0)
    items = most * ITEM_MIN_W + max(0, most - 1) * ITEM_GAP
    return max(len(region.zones) * ZONE_W, items, 0.0 if region.zones else LOCATION_W)


def failed_region(d: Diagram, region: str) -> bool:
    return d.failure is not None and d.failure.zone is None and d.failure.region == region


def lost_zones(d: Diagram, region: str) -> set[str]:
    """The failed zone, when the failure is a zone of this region."""
    if d.failure is None or d.failure.region != region or d.failure.zone is None:
        return set()
    return {d.failure.zone}


def _title(d: Diagram, out: Layout) -> float:
    y = MARGIN + 16
    out.labels.append(Label(MARGIN, y, f"blueprint diagram: stack {d.stack} ({d.cloud})", "title"))
    if d.failure is None:
        note = "regions side by side, zones inside; per workload: node pools per zone, load balancer, database role, vaults, replication"
    else:
        note = (f"scenario {d.failure.label}: the failed domain is greyed out; each workload says what keeps serving "
                "(blueprint resilience's scenario)")
    out.labels.append(Label(MARGIN, y + 18, note, "muted"))
    return y + 34


def _front(d: Diagram, columns: list[Column], out: Layout, y: float) -> float:
    """The DNS / global LB box over the regions, one line per served workload, an arrow to each routed region."""
    served = [w for w in d.workloads if w.front != "no public endpoint"]
    lines = tuple(f"{w.name}: {w.front}" for w in served) or ("no public endpoint",)
    x0 = columns[0].x if columns else MARGIN + LABEL_W
    box = Box(x0, y, out.width - MARGIN - x0, 22 + LINE_H * len(lines), "front", ("DNS / global LB",) + lines)
    out.boxes.append(box)
    for c in columns:
        routed = [w for w in served if c.region.name in w.routed]
        if not routed:
            continue
        style = "front" if any(c.region.name in w.serving for w in routed) else "front-standby"
        top = box.bottom + FRONT_GAP
        out.arrows.append(Arrow(((c.x + c.w / 2, box.bottom), (c.x + c.w / 2, top)), style,
                                "serving" if style == "front" else "failover only", (c.x + c.w / 2 + 6, box.bottom + 20),
                                failed_region(d, c.region.name)))
    return box.bottom + FRONT_GAP


def _regions(d: Diagram, columns: list[Column], out: Layout, top: float) -> float:
    heights = [_lane_height(w) for w in d.workloads]
    lanes_top = top + REGION_HEAD + ZONE_HEAD + 6
    bottom = lanes_top + sum(heights) + 6
    for c in columns:
        _region_frame(d, c, out, top, bottom)
    y = lanes_top
    for w, h in zip(d.workloads, heights):
        _lane(d, w, columns, out, y, h)
        y += h
    return bottom


def _region_frame(d: Diagram, c: Column, out: Layout, top: float, bottom: float) -> None:
    failed = failed_region(d, c.region.name)
    role = {"location": "vault location"}.get(c.region.role, c.region.role)
    out.boxes.append(Box(c.x, top, c.w, bottom - top, "region", (), failed, c.region.name))
    out.labels.append(Label(c.x + 8, top + 15, c.region.name, "heading", failed=failed))
    out.labels.append(Label(c.x + 8, top + 28, role + (" (FAILED)" if failed else ""), "down" if failed else "muted", failed=False))
    lost = lost_zones(d, c.region.name)
    for zone, (x, w) in c.zones.items():
        gone = failed or zone in lost
        out.boxes.append(Box(x + 2, top + REGION_HEAD, w - 4, bottom - top - REGION_HEAD - 4, "zone", (), gone, zone))
        out.labels.append(Label(x + w / 2, top + REGION_HEAD + 13, zone + (" (FAILED)" if zone in lost else ""),
                                "down" if zone in lost else "muted", "middle", failed))


def _lane_lines(w: WorkloadView) -> list[tuple[str, str]]:
    """The left column's lines for a workload, wrapped to the column (about 6 px per character at 10-11 px)."""
    lines = [(w.name, "heading"), (f"tier: {w.tier}", "text"), (f"strategy: {w.strategy}", "text"), (w.front, "muted")]
    if w.outcome:
        lines += [(w.outcome.text, w.outcome.state), (w.outcome.detail, "muted")]
    width = int((LABEL_W - 36) // 6)
    return [(part, style) for text, style in lines if text for part in textwrap.wrap(text, width)]


def _lane_height(w: WorkloadView) -> float:
    text = LINE_H * (len(_lane_lines(w)) + 1) + LANE_PAD
    rows = POOL_H + ROW_GAP + ITEM_H + LANE_PAD + (LINK_H * len(w.links) + 6 if w.links else 0)
    return max(text, rows) + LANE_PAD


def _lane(d: Diagram, w: WorkloadView, columns: list[Column], out: Layout, y: float, h: float) -> None:
    out.boxes.append(Box(MARGIN, y + 2, LABEL_W - 16, h - 6, f"tier-{w.tier}", (), False, w.name))
    for i, (text, style) in enumerate(_lane_lines(w)):
        out.labels.append(Label(MARGIN + 10, y + 16 + i * LINE_H, text, style))
    boxes: dict[str, Box] = {}
    for c in columns:
        _pool_row(d, c, w.pools.get(c.region.name, ()), out, y + LANE_PAD)
        boxes.update(_item_row(d, c, w.items.get(c.region.name, ()), out, y + LANE_PAD + POOL_H + ROW_GAP))
    _links(d, w, boxes, out, y + LANE_PAD + POOL_H + ROW_GAP + ITEM_H)


def _pool_row(d: Diagram, c: Column, pools: tuple[PoolView, ...], out: Layout, y: float) -> None:
    spans = [_span(c, p) for p in pools]
    slots = _slots(spans)
    rows = max(slots, default=-1) + 1
    h = (POOL_H - (rows - 1) * 2) / rows if rows else POOL_H
    lost = lost_zones(d, c.region.name)
    for p, (x, w), slot in zip(pools, spans, slots):
        failed = failed_region(d, c.region.name) or (bool(p.zones) and set(p.zones) <= lost)
        kind = "GPU" if p.gpu else "CPU"
        partly = sorted(lost & set(p.zones)) if not failed else []
        more = (f"{len(partly)} of {len(p.zones)} zones lost",) if partly else (f"{p.pools} pools",) if p.pools > 1 else ()
        lines = (f"{kind} {p.min_nodes}-{p.max_nodes} nodes",) + more
        out.boxes.append(Box(x + 4, y + slot * (h + 2), w - 8, h, "pool" if p.gpu else "pool-cpu", lines, failed,
                             f"{kind} node pool{'s' if p.pools > 1 else ''} in {', '.join(p.zones) or c.region.name}"))


def _span(c: Column, p: PoolView) -> tuple[float, float]:
    """The zone columns a pool covers (the whole region when its zones are unknown)."""
    covered = [c.zones[z] for z in p.zones if z in c.zones]
    if not covered:
        return c.inner
    left = min(x for x, _ in covered)
    return left, max(x + w for x, w in covered) - left


def _slots(spans: list[tuple[float, float]]) -> list[int]:
    """A sub-row per pool box: the first one no earlier box on it overlaps."""
    slots: list[int] = []
    for i, (x, w) in enumerate(spans):
        taken = {slots[j] for j, (x2, w2) in enumerate(spans[:i]) if x < x2 + w2 and x2 < x + w}
        slots.append(next(s for s in range(len(spans) + 1) if s not in taken))
    return slots


def _item_row(d: Diagram, c: Column, items: tuple[ItemView, ...], out: Layout, y: float) -> dict[str, Box]:
    x, width = c.inner
    n = len(items)
    w = (width - (n - 1) * ITEM_GAP) / n if n else 0.0
    placed = {}
    for i, item in enumerate(items):
        box = Box(x + i * (w + ITEM_GAP), y, w, ITEM_H, item.style, (item.label, item.detail),
                  failed_region(d, c.region.name), item.key.partition("|")[2])
        out.boxes.append(box)
        placed[item.key] = box
    return placed


def _links(d: Diagram, w: WorkloadView, boxes: dict[str, Box], out: Layout, y: float) -> None:
    for i, link in enumerate(w.links):
        source, dest = boxes.get(link.source), boxes.get(link.dest)
        if source is None or dest is None:
            continue
        level = y + 10 + i * LINK_H
        sx, dx = source.cx + 6 * (i % 3 - 1), dest.cx + 6 * (i % 3 - 1)
        points = ((sx, source.bottom), (sx, level), (dx, level), (dx, dest.bottom + 1))
        at = ((sx + dx) / 2, level - 3)
        out.arrows.append(Arrow(points, "link", link.label, at, source.failed or dest.failed))


def _legend(entries: list[tuple[str, str]], out: Layout, y: float) -> float:
    out.labels.append(Label(MARGIN, y + 4, "legend", "heading"))
    per_row = max(1, int((out.width - 2 * MARGIN) // LEGEND_ITEM_W))
    top = y + 14
    for i, (style, text) in enumerate(entries):
        x = MARGIN + (i % per_row) * LEGEND_ITEM_W
        row_y = top + (i // per_row) * LEGEND_ROW_H
        if style.startswith("arrow-"):
            out.arrows.append(Arrow(((x, row_y + 7), (x + 20, row_y + 7)), style[len("arrow-"):]))
        else:
            out.boxes.append(Box(x, row_y, 26, 14, style.removesuffix("+failed"), (), style.endswith("+failed")))
        out.labels.append(Label(x + 32, row_y + 11, text, "text"))
    rows = (len(entries) + per_row - 1) // per_row
    return top + rows * LEGEND_ROW_H
