"""`blueprint diagram` on the command line: writes the SVG; invalid input exits 2 naming the value,
never with a traceback."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from typer.testing import CliRunner

from blueprint.cli import app

from diagram_helpers import ROOT


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_writes_the_svg_of_a_saved_plan(saved_plan, tmp_path):
    out = tmp_path / "dev.svg"
    result = invoke("diagram", "--plan", str(saved_plan("dev")), "--out", str(out), "--scenario", "region-loss:us-west-2")
    assert result.exit_code == 0, result.output
    assert ET.parse(out).getroot().tag == "{http://www.w3.org/2000/svg}svg"
    assert f"wrote the diagram of stack dev to {out} (scenario region-loss:us-west-2)" in _flat(result.stderr)


def test_writes_the_svg_of_a_stack(tmp_path):
    out = tmp_path / "gcp.svg"
    result = invoke("diagram", "--stack", "gcp-prod", "--out", str(out), "--project-dir", str(ROOT))
    assert result.exit_code == 0, result.output
    assert "europe-west4" in out.read_text(encoding="utf-8")


def _assert_invalid(result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for fragment in fragments:
        assert fragment in _flat(result.stderr), result.stderr


def test_fails_when_the_output_is_not_svg(saved_plan, tmp_path):
    result = invoke("diagram", "--plan", str(saved_plan("dev")), "--out", str(tmp_path / "dev.png"))
    _assert_invalid(result, "--out", "give a file name ending in .svg", "dev.png")


def test_fails_when_the_output_folder_does_not_exist(saved_plan, tmp_path):
    result = invoke("diagram", "--plan", str(saved_plan("dev")), "--out", str(tmp_path / "nowhere" / "dev.svg"))
    _assert_invalid(result, "--out", "does not exist", "nowhere")


def test_fails_on_an_unknown_region_naming_it_and_the_allowed_ones(saved_plan, tmp_path):
    result = invoke("diagram", "--plan", str(saved_plan("dev")), "--out", str(tmp_path / "x.svg"), "--scenario", "region-loss:mars-1")
    _assert_invalid(result, "--scenario", "region 'mars-1' is not a region of stack dev", "allowed: us-east-2, us-west-2",
                    "region-loss:mars-1")
    assert not (tmp_path / "x.svg").exists()


def test_fails_on_an_unknown_zone(saved_plan, tmp_path):
    result = invoke("diagram", "--plan", str(saved_plan("dev")), "--out", str(tmp_path / "x.svg"), "--scenario", "zone-loss:us-east-2q")
    _assert_invalid(result, "--scenario", "zone 'us-east-2q' is not a zone of stack dev")


def test_fails_on_a_malformed_scenario(saved_plan, tmp_path):
    result = invoke("diagram", "--plan", str(saved_plan("dev")), "--out", str(tmp_path / "x.svg"), "--scenario", "flood")
    _assert_invalid(result, "--scenario", "expected zone-loss:<zone> or region-loss:<region>", "flood")


def test_fails_on_a_file_that_is_not_a_plan(tmp_path):
    bad = tmp_path / "plan.json"
    bad.write_text("[]", encoding="utf-8")
    result = invoke("diagram", "--plan", str(bad), "--out", str(tmp_path / "x.svg"))
    _assert_invalid(result, "--plan", "not a plan saved by `blueprint plan --format json`")


def test_fails_with_both_a_plan_and_a_stack(saved_plan, tmp_path):
    result = invoke("diagram", "--plan", str(saved_plan("dev")), "--stack", "dev", "--out", str(tmp_path / "x.svg"))
    _assert_invalid(result, "--plan", "give either --plan FILE or --stack/--config, not both")


def test_the_command_is_listed_with_its_options():
    top = invoke("--help")
    assert top.exit_code == 0 and "diagram" in top.output
    own = invoke("diagram", "--help")
    assert own.exit_code == 0
    for option in ("--out", "--stack", "--config", "--plan", "--scenario", "--project-dir"):
        assert option in own.output
