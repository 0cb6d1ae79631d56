"""`blueprint diagram` renders every shipped stack as a valid SVG carrying the expected labels
(issue 19), reading the plan through the read model; the model's database roles and vault links."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from blueprint.analysis import extract_facts
from blueprint.analysis.facts import Copy, Database, DbInstance, PlanFacts, Vault, WorkloadFacts
from blueprint.diagram import draw
from blueprint.diagram.model import build

from diagram_helpers import SHIPPED

SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: str) -> list[str]:
    """Every <text> and <title> of the document, after parsing it as XML (a broken file raises)."""
    root = ET.fromstring(svg)
    return ["".join(e.itertext()) for e in root.iter() if e.tag in (f"{SVG}text", f"{SVG}title")]


def test_every_stack_is_shipped_and_known():
    assert {"prod", "dev", "prod-eu", "gcp-prod"} <= set(SHIPPED)


@pytest.mark.parametrize("stack", SHIPPED)
def test_every_shipped_stack_renders_a_valid_svg_with_its_labels(stack, shipped):
    plan = shipped(stack)
    svg = draw(plan)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    width, height = float(root.get("width")), float(root.get("height"))
    assert width > 800 and height > 400 and root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    found = set(texts(svg))
    facts = extract_facts(plan)
    expected = {"DNS / global LB", f"blueprint diagram: stack {stack} ({facts.cloud})", *facts.regions}
    expected |= {z for r in facts.regions for z in facts.zones[r]}
    for w in facts.workloads:
        expected |= {w.name, f"tier: {w.tier}", f"strategy: {w.strategy}"}
        if any(d.role == "writer" for d in w.databases):
            expected.add("DB writer")
        if any(d.role == "secondary" and d.instances for d in w.databases):
            expected.add("DB replica")
    assert expected <= found, sorted(expected - found)


def test_prod_shows_its_regions_tiers_routing_and_replication(shipped):
    found = texts(draw(shipped("prod")))
    for label in ("us-east-1", "us-west-2", "us-east-1a", "us-west-2c", "fraud-scoring", "tier: mission-critical",
                  "strategy: active-active", "recommendations", "strategy: warm-standby", "DB writer", "DB replica",
                  "load balancer", "object vault", "backup vault", "DB replication", "object copy", "GPU 1-4 nodes",
                  "fraud-scoring: DNS latency routing: us-east-1, us-west-2", "recommendations: DNS failover: us-east-1 -> us-west-2"):
        assert label in found, label
    assert "primary" in found and "secondary" in found


def test_gcp_prod_shows_the_global_lb_and_the_multi_region_vault_location(shipped):
    found = texts(draw(shipped("gcp-prod")))
    assert "fraud-scoring: global LB: europe-west4, europe-west1" in found  # primary first
    for label in ("europe-west4", "europe-west1", "europe-west1-d", "LB backend", "DB writer", "HA standby", "DB replica",
                  "eu", "vault location", "backup copy", "GPU 3-12 nodes"):
        assert label in found, label


def test_rendering_is_deterministic(shipped):
    assert draw(shipped("dev")) == draw(shipped("dev"))


# ------------------------------------------------------------------ the model, on hand-made facts


def _facts(databases=(), vaults=(), copies=()) -> PlanFacts:
    w = WorkloadFacts("w", "standard", "pilot-light", "r1", "r2", databases=list(databases), vaults=list(vaults), copies=list(copies))
    return PlanFacts("aws", "s", "r1", "r2", {"r1": ("r1a", "r1b"), "r2": ("r2a", "r2b")}, [w], [], {})


def test_database_roles_writer_replica_and_headless():
    writer = Database("urn:w", "r1", "writer", (DbInstance("urn:i1", "r1a", True), DbInstance("urn:i2", "r1b", False)), "g", ())
    headless = Database("urn:h", "r2", "secondary", (), "g", ())
    view = build(_facts([writer, headless])).workloads[0]
    assert [(i.label, i.detail, i.style) for i in view.items["r1"]] == [("DB writer", "1 standby", "db-writer")]
    assert [(i.label, i.detail, i.style) for i in view.items["r2"]] == [("DB headless replica", "storage only", "db-headless")]
    assert [(l.source, l.dest, l.label) for l in view.links] == [("r1|urn:w", "r2|urn:h", "DB replication")]


def test_a_copy_links_the_named_vaults_and_a_vault_in_two_regions_is_two_items():
    # One resource standing in two regions (a replicated secret): two items, one link between them.
    vaults = [Vault("urn:s", "r1", "secrets", "s"), Vault("urn:s", "r2", "secrets", "s"),
              Vault("urn:b1", "r1", "objects", "b1", lock="COMPLIANCE"), Vault("urn:b2", "r2", "objects", "b2", lock="GOVERNANCE")]
    copies = [Copy("urn:s", "r1", "r2", "secrets", 0.0, "", "urn:s", "urn:s"), Copy("urn:rep", "r1", "r2", "objects", 900.0, "")]
    view = build(_facts(vaults=vaults, copies=copies)).workloads[0]
    # Vaults in kind order (object vault before secret), links in the order of their source items.
    assert [(i.key, i.label, i.detail) for i in view.items["r1"]] == [("r1|urn:b1", "object vault", "compliance lock"), ("r1|urn:s", "secret", "")]
    assert [(l.source, l.dest, l.label) for l in view.links] == [("r1|urn:b1", "r2|urn:b2", "object copy"), ("r1|urn:s", "r2|urn:s", "secret copy")]


def test_a_vault_outside_the_stacks_regions_gets_its_own_column():
    facts = _facts(vaults=[Vault("urn:v", "eu", "recovery-points", "v")])
    assert [(r.name, r.role, r.zones) for r in build(facts).regions] == [
        ("r1", "primary", ("r1a", "r1b")), ("r2", "secondary", ("r2a", "r2b")), ("eu", "location", ())]


def test_the_picture_does_not_depend_on_the_order_the_plan_recorded_things_in(shipped):
    """Two plans of one stack may list vaults, copies and workloads in another order: the same picture."""
    facts = extract_facts(shipped("prod"))
    before = build(facts)
    for w in facts.workloads:
        w.vaults.reverse(), w.copies.reverse(), w.pools.reverse(), w.balancers.reverse()
    facts.workloads.reverse()
    assert build(facts) == before


@pytest.mark.parametrize("stack", ["prod", "gcp-prod"])
def test_every_box_style_drawn_has_its_colours(stack, shipped):
    from blueprint.diagram.layout import layout
    from blueprint.diagram.render import BOX_STYLES, legend_entries

    out = layout(build(extract_facts(shipped(stack))), legend_entries())
    assert {b.style for b in out.boxes} <= set(BOX_STYLES)
    assert {s.removesuffix("+failed") for s, _ in legend_entries() if not s.startswith("arrow-")} <= set(BOX_STYLES)
