"""`blueprint resilience` as text (issue 19, "Readable tables"): short resource names instead of
URNs, tables that fit a 100-column terminal; the JSON report keeps the URNs."""

from __future__ import annotations

import io
import json
import re

import pytest
from rich.console import Console
from rich.table import Table
from typer.testing import CliRunner

from blueprint.analysis import analyse
from blueprint.analysis import report_text
from blueprint.cli import app
from blueprint.plan.render import plan_json
from blueprint.short_names import short_urn, shorten_urns
from resilience_plans import ROOT, plan_file, targets_of

STACKS = ("prod", "gcp-prod", "prod-eu", "dev")  # every shipped stack
HEALTH_CHECK = ("urn:pulumi:prod::blueprint::blueprint:aws:DnsFailover$aws:route53/healthCheck:HealthCheck::"
                "fraud-scoring-dns-us-east-1-health-check")


@pytest.fixture(scope="module", params=STACKS)
def report(request):
    path = ROOT / "stacks" / f"Pulumi.{request.param}.yaml"
    return analyse(plan_file(path), targets_of(path))


def _text(report, width: int) -> str:
    console = Console(file=io.StringIO(), width=width, emoji=False, markup=False, highlight=False)
    report_text.render(report, console)
    return console.file.getvalue()


def _row_heights(table: Table, width: int) -> list[int]:
    """Lines per body row, measured on the rendered table: rows drawn with separators (this box
    draws blank ones) and no caption, everything after the header rule."""
    table.show_lines, table.caption = True, None
    console = Console(file=io.StringIO(), width=width, emoji=False, markup=False, highlight=False)
    console.print(table)
    lines = console.file.getvalue().splitlines()
    rule = next(i for i, line in enumerate(lines) if line.strip() and set(line.strip()) <= {"─"})
    heights, current = [], 0
    for line in lines[rule + 1:] + [""]:
        if line.strip():
            current += 1
        elif current:
            heights.append(current)
            current = 0
    return heights


def test_short_names():
    assert short_urn(HEALTH_CHECK) == "HealthCheck/fraud-scoring-dns-us-east-1-health-check"
    assert short_urn("urn:pulumi:dev::blueprint::aws:s3/bucket:Bucket::logs") == "Bucket/logs"
    assert short_urn("not a urn") == "not a urn"
    sentence = f"health check {HEALTH_CHECK}: 10 s x 2 failures ({HEALTH_CHECK} and others); by {HEALTH_CHECK}."
    assert shorten_urns(sentence) == ("health check HealthCheck/fraud-scoring-dns-us-east-1-health-check: 10 s x 2 failures "
                                      "(HealthCheck/fraud-scoring-dns-us-east-1-health-check and others); "
                                      "by HealthCheck/fraud-scoring-dns-us-east-1-health-check.")


def test_text_names_resources_by_short_name_and_the_json_keeps_the_urn(report):
    assert "urn:pulumi:" not in _text(report, 100)
    urns = set(re.findall(r"urn:pulumi:[^\s\"()]+::[a-z0-9-]+", json.dumps(report)))
    assert urns, "the JSON report names resources by URN"
    wide = _text(report, 400)  # no cell folds a name at this width
    missing = {short_urn(u) for u in urns} - {short_urn(u) for u in urns if short_urn(u) in wide}
    # Every resource the JSON names by URN appears in the text by its short name.
    assert not missing, missing


def test_tables_fit_100_columns(report):
    text = _text(report, 100)
    assert max(len(line.rstrip()) for line in text.splitlines()) <= 100  # tables, notes and prose alike
    assert "…" not in text  # nothing truncated (a zone name was cut to "zone-loss:us-east-…")


def test_no_table_cell_wraps_over_two_lines_at_100_columns_but_the_step_texts(report):
    tables = [report_text.summary_table(report)]
    for w in report["workloads"]:
        tables.append(report_text.scenario_table(w))
    if report["single_points_of_failure"]:
        tables.append(report_text.spof_table(report["single_points_of_failure"])[0])
    for table in tables:
        assert max(_row_heights(table, 100)) <= 2, table.title
    # The region-loss steps pair two sentences ("what", "automated by ..." naming a resource of
    # 40-60 characters): at most three lines each, where one cell used to run to thirty.
    for w in report["workloads"]:
        assert max(_row_heights(report_text.breakdown_table(w)[0], 100)) <= 3, w["name"]


def test_the_long_explanations_are_numbered_notes_under_their_table(report):
    text = _text(report, 100)
    w = report["workloads"][0]
    _, notes = report_text.breakdown_table(w)
    assert len(notes) == len(w["breakdown"]) + 1  # one per step, and the RPO's
    assert notes[-1] == shorten_urns(w["rpo_source"])
    assert f"[{len(notes)}] " in text


def test_resilience_cli_text_has_no_urn_and_json_has_them(tmp_path):
    saved = tmp_path / "prod.json"
    saved.write_text(json.dumps(plan_json(plan_file(ROOT / "stacks" / "Pulumi.prod.yaml"))), encoding="utf-8")
    text = CliRunner().invoke(app, ["resilience", "--plan", str(saved)], env={"COLUMNS": "100"})
    data = CliRunner().invoke(app, ["resilience", "--plan", str(saved), "--format", "json"])
    assert "region-loss breakdown" in text.stdout and "urn:pulumi:" not in text.stdout
    assert "HealthCheck/fraud-scoring-dns-us-east-1-health-check" in text.stdout
    assert HEALTH_CHECK in data.stdout
