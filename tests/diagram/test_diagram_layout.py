"""The diagram's layout (blueprint/diagram/layout.py) on hand-made diagrams: positions, spans, greying."""

from __future__ import annotations

from blueprint.diagram.layout import LABEL_W, MARGIN, ZONE_W, Box, layout
from blueprint.diagram.model import DB, LB, VAULT, Diagram, Failure, ItemView, LinkView, Outcome, PoolView, RegionView, WorkloadView

EAST = RegionView("r-east", "primary", ("r-east-a", "r-east-b", "r-east-c"))
WEST = RegionView("r-west", "secondary", ("r-west-a", "r-west-b"))


def _workload(outcome=None, pools_east=None) -> WorkloadView:
    east = (ItemView(LB, "r-east|lb", "load balancer", "3 zones", "lb"), ItemView(DB, "r-east|db", "DB writer", "", "db-writer"),
            ItemView(VAULT, "r-east|v", "object vault", "compliance lock", "vault"))
    west = (ItemView(DB, "r-west|db2", "DB replica", "", "db-replica"), ItemView(VAULT, "r-west|v2", "object vault", "", "vault"))
    pools = {"r-east": pools_east or tuple(PoolView((z,), 1, 1, 4, True) for z in EAST.zones),
             "r-west": (PoolView(("r-west-a", "r-west-b"), 1, 0, 8, True),)}
    links = (LinkView("r-east|db", "r-west|db2", "DB replication"), LinkView("r-east|v", "r-west|v2", "object copy"))
    return WorkloadView("api", "mission-critical", "active-active", "DNS latency routing: r-east, r-west",
                        ("r-east", "r-west"), ("r-east",), pools, {"r-east": east, "r-west": west}, links, outcome)


def _diagram(failure=None, **kw) -> Diagram:
    return Diagram("s", "aws", (EAST, WEST), (_workload(**kw),), failure)


def _boxes(out, style) -> list[Box]:
    return [b for b in out.boxes if b.style == style]


def test_regions_side_by_side_with_their_zones_inside():
    out = layout(_diagram(), [])
    east, west = _boxes(out, "region")
    assert east.x == MARGIN + LABEL_W and west.x > east.x + east.w  # side by side, left to right
    zones = _boxes(out, "zone")
    assert [z.title for z in zones] == list(EAST.zones + WEST.zones)
    for z in zones[:3]:
        assert east.x < z.x and z.x + z.w < east.x + east.w and z.w >= ZONE_W - 4
    assert out.width >= west.x + west.w + MARGIN


def test_a_zonal_pool_sits_in_its_zone_and_a_multi_zone_pool_spans_its_zones():
    out = layout(_diagram(), [])
    zones = {z.title: z for z in _boxes(out, "zone")}
    pools = _boxes(out, "pool")
    first = next(p for p in pools if "r-east-a" in p.title)
    assert zones["r-east-a"].x <= first.x and first.x + first.w <= zones["r-east-a"].x + zones["r-east-a"].w
    spanning = next(p for p in pools if "r-west-a, r-west-b" in p.title)
    assert spanning.x < zones["r-west-b"].x and spanning.x + spanning.w > zones["r-west-b"].x + 20
    assert first.lines == ("GPU 1-4 nodes",) and spanning.lines == ("GPU 0-8 nodes",)


def test_overlapping_pools_get_their_own_sub_row():
    pools = (PoolView(("r-east-a",), 2, 2, 6, True), PoolView(("r-east-a",), 1, 1, 2, False))
    out = layout(_diagram(pools_east=pools), [])
    gpu, cpu = _boxes(out, "pool")[0], _boxes(out, "pool-cpu")[0]
    assert gpu.lines == ("GPU 2-6 nodes", "2 pools") and cpu.lines == ("CPU 1-2 nodes",)
    assert cpu.y >= gpu.y + gpu.h  # stacked, not drawn over each other


def test_links_run_from_source_to_destination_between_regions():
    out = layout(_diagram(), [])
    writer = next(b for b in out.boxes if b.style == "db-writer")
    replica = next(b for b in out.boxes if b.style == "db-replica")
    link = next(a for a in out.arrows if a.label == "DB replication")
    assert link.style == "link" and link.points[0] == (writer.cx - 6, writer.bottom)
    assert link.points[-1][0] == replica.cx - 6 and link.points[-1][1] > replica.bottom
    assert not link.failed


def test_no_failure_greys_nothing():
    out = layout(_diagram(), [])
    assert not any(b.failed for b in out.boxes) and not any(a.failed for a in out.arrows)


def test_region_loss_greys_the_region_everything_in_it_and_links_from_it():
    outcome = Outcome("recovering", "serves after database promotion", "DB writer: after-promotion")
    out = layout(_diagram(Failure("region-loss:r-east", "r-east", None), outcome=outcome), [])
    east, west = _boxes(out, "region")
    assert east.failed and not west.failed
    in_east = [b for b in out.boxes if b.style not in ("region", "front") and b.x >= east.x and b.x + b.w <= east.x + east.w]
    assert in_east and all(b.failed for b in in_east)
    in_west = [b for b in out.boxes if b.style != "region" and b.x >= west.x]
    assert in_west and not any(b.failed for b in in_west)
    assert all(a.failed for a in out.arrows if a.style == "link")  # every link leaves the lost region
    texts = {(l.text, l.style) for l in out.labels}
    assert ("primary (FAILED)", "down") in texts
    assert ("serves after database promotion", "recovering") in texts


def test_zone_loss_greys_the_zone_and_its_pools_only():
    out = layout(_diagram(Failure("zone-loss:r-east-b", "r-east", "r-east-b")), [])
    zones = {z.title: z for z in _boxes(out, "zone")}
    assert zones["r-east-b"].failed and not zones["r-east-a"].failed and not zones["r-west-a"].failed
    pools = {p.title: p for p in _boxes(out, "pool")}
    assert pools["GPU node pool in r-east-b"].failed and not pools["GPU node pool in r-east-a"].failed
    assert not any(b.failed for b in out.boxes if b.style in ("region", "lb", "db-writer", "vault"))
    assert any(l.text == "r-east-b (FAILED)" for l in out.labels)


def test_the_front_routes_to_serving_and_failover_only_regions():
    out = layout(_diagram(), [])
    front = _boxes(out, "front")[0]
    assert front.lines == ("DNS / global LB", "api: DNS latency routing: r-east, r-west")
    styles = sorted(a.style for a in out.arrows if a.style.startswith("front"))
    assert styles == ["front", "front-standby"]  # r-east serves; r-west is routed to only on failover


def test_the_legend_lists_every_entry_below_the_picture():
    entries = [("pool", "GPU node pool"), ("arrow-link", "replication"), ("region+failed", "failed domain")]
    out = layout(_diagram(), entries)
    region_bottom = max(b.bottom for b in _boxes(out, "region") if b.title)  # not the legend's swatch
    legend = [l for l in out.labels if l.text in {"GPU node pool", "replication", "failed domain"}]
    assert len(legend) == 3 and all(l.y > region_bottom for l in legend)
    assert any(b.style == "region" and b.failed and b.w == 26 for b in out.boxes)
    assert out.height > max(l.y for l in legend)


def test_long_left_column_lines_wrap_and_the_lane_grows():
    short = layout(_diagram(), [])
    long = layout(_diagram(outcome=Outcome("recovering", "serves after standby backend promotion and database promotion and GPU scale-up",
                                           "GPU 50% now, DB writer: after-promotion")), [])
    assert max(len(l.text) for l in long.labels if l.style == "recovering") <= (LABEL_W - 36) // 6
    assert long.height > short.height


def test_a_pool_across_the_lost_zone_and_others_stays_and_says_so():
    out = layout(_diagram(Failure("zone-loss:r-west-b", "r-west", "r-west-b")), [])
    spanning = next(p for p in _boxes(out, "pool") if "r-west-a, r-west-b" in p.title)
    assert not spanning.failed and spanning.lines == ("GPU 0-8 nodes", "1 of 2 zones lost")
