"""`blueprint diagram --scenario`: the failed region or zone greyed out, each workload's outcome taken
from the resilience analysis's own scenario (not recomputed), bad values refused by name."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from blueprint.analysis import analyse, extract_facts
from blueprint.diagram import draw
from blueprint.diagram.model import ScenarioError, build
from blueprint.diagram.render import FAILED_FILL
from blueprint.diagram.scenario import parse_failure

SVG = "{http://www.w3.org/2000/svg}"


def _rect_titled(svg: str, title: str) -> ET.Element:
    """The <rect> whose tooltip (<title>) is ``title``: regions and zones carry their name."""
    root = ET.fromstring(svg)
    return next(r for r in root.iter(f"{SVG}rect") if any(t.text == title for t in r.iter(f"{SVG}title")))


def _texts(svg: str) -> set[str]:
    return {"".join(e.itertext()) for e in ET.fromstring(svg).iter(f"{SVG}text")}


def test_region_loss_greys_the_region_and_labels_the_survivors(shipped):
    plan = shipped("prod")
    svg = draw(plan, "region-loss:us-east-1")
    assert _rect_titled(svg, "us-east-1").get("fill") == FAILED_FILL
    assert _rect_titled(svg, "us-west-2").get("fill") != FAILED_FILL
    assert _rect_titled(svg, "us-east-1b").get("fill") != "none"  # its zones too
    texts = _texts(svg)
    assert "primary (FAILED)" in texts and "secondary" in texts
    # Outcomes are the resilience report's own scenario, workload by workload.
    report = {w["name"]: next(s for s in w["scenarios"] if s["scenario"] == "region-loss:us-east-1")
              for w in analyse(plan)["workloads"]}
    assert not report["research-notebooks"]["serving"] and "down: rebuild from backups" in texts
    assert report["batch-embeddings"]["serving_now"] and "keeps serving" in texts
    assert report["fraud-scoring"]["serving"] and not report["fraud-scoring"]["serving_now"]
    assert "serves after database promotion" in texts


def test_zone_loss_greys_that_zone_only(shipped):
    svg = draw(shipped("gcp-prod"), "zone-loss:europe-west1-c")
    assert _rect_titled(svg, "europe-west1-c").get("fill") != "none"  # greyed (zones are unfilled otherwise)
    assert _rect_titled(svg, "europe-west1-b").get("fill") == "none"
    assert _rect_titled(svg, "europe-west1").get("fill") != FAILED_FILL
    assert "europe-west1-c (FAILED)" in _texts(svg) and "keeps serving" in _texts(svg)


def test_the_outcome_is_the_analysis_scenario_not_a_recomputation(shipped, monkeypatch):
    """Swap the analysis's scenario verdict: the diagram follows it."""
    import blueprint.diagram.model as model
    from blueprint.analysis import resilience

    facts = extract_facts(shipped("dev"))
    real = resilience.scenarios

    def down(w, f):
        return [type(s)(**{**vars(s), "serving": False, "serving_now": False, "recovery": "planted"}) for s in real(w, f)]

    monkeypatch.setattr(model, "scenarios", down)
    views = build(facts, parse_failure("zone-loss:us-east-2a", facts)).workloads
    assert {v.outcome.text for v in views} == {"down: planted"}


@pytest.mark.parametrize("value, fragment", [
    ("meteor", "expected zone-loss:<zone> or region-loss:<region>"),
    ("region-loss:mars-1", "region 'mars-1' is not a region of stack dev (allowed: us-east-2, us-west-2)"),
    ("zone-loss:us-east-2z", "zone 'us-east-2z' is not a zone of stack dev (allowed: us-east-2a, us-east-2b, us-west-2a, us-west-2b)"),
    ("zone-loss:", "expected zone-loss:<zone>"),
    ("region-loss:us-east-2a", "region 'us-east-2a' is not a region"),
])
def test_fails_on_a_scenario_the_plan_has_no_domain_for(value, fragment, shipped):
    facts = extract_facts(shipped("dev"))
    with pytest.raises(ScenarioError) as raised:
        parse_failure(value, facts)
    assert fragment in str(raised.value)
