"""The `blueprint` command line (DESIGN.md, "CLI contract"): plan output and exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from blueprint.cli import app
from tests.conftest import BASELINE, ROOT, SHIPPED_STACKS, write_stack

CONSOLE_SCRIPT = Path(sys.executable).parent / "blueprint"
RESOURCE_KEYS = {"urn", "type", "name", "parent", "dependencies", "region", "zone", "workload", "inputs"}


def invoke(*args: str):
    """Run the CLI in-process; stdout and stderr are kept apart (typer's CliRunner does)."""
    result = CliRunner().invoke(app, list(args))
    # A non-zero exit must come from typer.Exit / SystemExit, never from an escaped exception.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def flat(text: str) -> str:
    """Whitespace collapsed: the error console wraps long lines at the terminal width."""
    return re.sub(r"\s+", " ", text)


def assert_invalid(result, *fragments: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert result.stdout == ""  # errors go to stderr only
    for fragment in fragments:
        assert fragment in flat(result.stderr), result.stderr


def run_console_script(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("FORCE_COLOR", None)
    env.pop("BLUEPRINT_DEBUG", None)
    return subprocess.run(
        [str(CONSOLE_SCRIPT), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


# ------------------------------------------------------------------------------ plan --format json


@pytest.fixture(scope="module")
def prod_result():
    return invoke("plan", "--stack", "prod", "--format", "json")


@pytest.fixture(scope="module")
def prod_plan(prod_result) -> dict[str, Any]:
    assert prod_result.exit_code == 0, prod_result.stderr
    return json.loads(prod_result.stdout)


def test_plan_prod_json_exits_0_with_json_only_on_stdout(prod_result):
    assert prod_result.exit_code == 0, prod_result.stderr
    assert prod_result.stdout.lstrip().startswith("{")
    json.loads(prod_result.stdout)  # nothing but the JSON document on stdout


def test_plan_json_top_level_shape(prod_plan):
    assert {"stack", "cloud", "resources", "summary"} <= set(prod_plan)
    assert prod_plan["stack"] == "prod"
    assert prod_plan["cloud"] == "aws"
    assert isinstance(prod_plan["resources"], list) and prod_plan["resources"]
    assert {"resources", "by_region"} <= set(prod_plan["summary"])


def test_plan_json_resource_shape(prod_plan):
    for r in prod_plan["resources"]:
        assert RESOURCE_KEYS <= set(r), r.get("urn")
        assert r["urn"].startswith("urn:pulumi:prod::blueprint::")
        assert isinstance(r["type"], str) and r["type"]
        assert isinstance(r["name"], str) and r["name"]
        assert isinstance(r["dependencies"], list)
        assert isinstance(r["inputs"], dict)
        assert r["zone"] is None or isinstance(r["zone"], str)
        assert r["workload"] is None or isinstance(r["workload"], str)


def test_plan_json_urns_are_unique_and_references_resolve(prod_plan):
    urns = [r["urn"] for r in prod_plan["resources"]]
    assert len(urns) == len(set(urns))
    known = set(urns)
    for r in prod_plan["resources"]:
        for dep in r["dependencies"]:
            assert dep in known, (r["urn"], dep)


def test_plan_every_resource_has_a_region_and_a_parent(prod_plan):
    for r in prod_plan["resources"]:
        assert r["region"], r["urn"]
        assert r["parent"], r["urn"]


def test_plan_prod_spans_two_regions(prod_plan):
    regions = {r["region"] for r in prod_plan["resources"]} - {"global"}
    assert regions == {"us-east-1", "us-west-2"}


def test_plan_zones_belong_to_their_region(prod_plan):
    zonal = [r for r in prod_plan["resources"] if r["zone"]]
    assert zonal, "no zonal resources planned"
    for r in zonal:
        assert r["zone"].startswith(r["region"]), (r["urn"], r["region"], r["zone"])


def test_plan_workloads_are_the_configured_ones(prod_plan):
    named = {r["workload"] for r in prod_plan["resources"]} - {None}
    assert named == {"fraud-scoring", "recommendations", "batch-embeddings", "research-notebooks"}


def test_plan_summary_matches_resources(prod_plan):
    summary = prod_plan["summary"]
    assert summary["resources"] == len(prod_plan["resources"])
    counted: dict[str, int] = {}
    for r in prod_plan["resources"]:
        counted[r["region"]] = counted.get(r["region"], 0) + 1
    assert summary["by_region"] == counted
    assert {"us-east-1", "us-west-2"} <= set(summary["by_region"])


def test_plan_out_writes_the_file(tmp_path):
    out = tmp_path / "plan.json"
    result = invoke("plan", "--stack", "dev", "--format", "json", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["stack"] == "dev" and data["cloud"] == "aws"
    assert data["summary"]["resources"] == len(data["resources"]) > 0
    assert str(out) in flat(result.stderr)


def test_plan_table_via_console_script_mentions_regions():
    proc = run_console_script("plan", "--stack", "dev")
    assert proc.returncode == 0, proc.stderr
    assert "us-east-2" in proc.stdout and "us-west-2" in proc.stdout
    assert re.search(r"\d+ resources \(", proc.stdout)
    assert "Traceback" not in proc.stderr


# ------------------------------------------------------------------------------ invalid input: exit 2


def test_invalid_stack_file_exits_2_naming_every_key_path(stack_writer, baseline):
    baseline["workloads"][1]["gpu"]["minNodesPerZone"] = 9
    baseline["workloads"][0]["tier"] = "gold"
    baseline["zonesPerRegion"] = 5
    path = stack_writer(baseline)
    result = invoke("plan", "--config", str(path), "--format", "json")
    assert_invalid(
        result,
        "blueprint:workloads[1].gpu.minNodesPerZone",
        "must be <= maxNodesPerZone (8)",
        "(got 9)",
        "blueprint:workloads[0].tier",
        "'gold'",
        "blueprint:zonesPerRegion",
        "3 problems",
    )


def test_invalid_stack_values_arrive_as_pulumi_passes_them(stack_writer, baseline):
    # Through pulumi.Config every scalar is a string: the CLI must still type-check them.
    baseline["zonesPerRegion"] = "seven"
    baseline["workloads"][0]["service"]["image"] = "registry.example.com/fraud:latest"
    result = invoke("plan", "--config", str(stack_writer(baseline)))
    assert_invalid(result, "blueprint:zonesPerRegion", "'seven'", "blueprint:workloads[0].service.image", "pinned")


def test_invalid_stack_file_via_console_script_has_no_traceback(tmp_path, baseline):
    baseline["aws:region"] = "us-west-2"
    path = write_stack(tmp_path, baseline, name="broken")
    proc = run_console_script("plan", "--config", str(path))
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert "aws:region: must equal blueprint:primaryRegion (us-east-1) (got 'us-west-2')" in proc.stderr
    assert proc.stdout == ""


def test_valid_config_file_anywhere_on_disk_is_accepted_until_planning(stack_writer):
    # A sanity check of the helper: the baseline written by write_stack validates through the CLI's
    # loader (no plan is run here, so this stays fast).
    from blueprint.plan.run import load_stack
    from blueprint.project import resolve_stack

    path = stack_writer(BASELINE, name="ok")
    ref = resolve_stack(ROOT, None, path)
    assert ref.name == "ok"
    config, values, _ = load_stack(ROOT, ref)
    assert config.primary_region == "us-east-1"
    assert values["blueprint:zonesPerRegion"] == "3"


def test_unknown_stack_exits_2_listing_known_stacks():
    result = invoke("plan", "--stack", "no-such-stack")
    assert_invalid(result, "--stack", "no-such-stack", "known stacks:")
    for name in SHIPPED_STACKS:
        assert name in result.stderr


def test_both_stack_and_config_exit_2(stack_writer):
    result = invoke("plan", "--stack", "prod", "--config", str(stack_writer(BASELINE)))
    assert_invalid(result, "--stack", "--config", "exactly one")


def test_neither_stack_nor_config_exits_2():
    assert_invalid(invoke("plan"), "--stack", "--config", "exactly one")


def test_missing_config_file_exits_2(tmp_path):
    missing = tmp_path / "Pulumi.gone.yaml"
    assert_invalid(invoke("plan", "--config", str(missing)), "--config", "not found")


def test_unparsable_yaml_exits_2(tmp_path):
    path = tmp_path / "Pulumi.bad.yaml"
    path.write_text("config:\n  blueprint:cloud: [aws\n", encoding="utf-8")
    assert_invalid(invoke("plan", "--config", str(path)), "Pulumi.bad.yaml", "not valid YAML")


def test_yaml_document_not_a_mapping_exits_2(tmp_path):
    path = tmp_path / "Pulumi.list.yaml"
    path.write_text("- just\n- a list\n", encoding="utf-8")
    assert_invalid(invoke("plan", "--config", str(path)), "Pulumi.list.yaml", "mapping")


@pytest.mark.parametrize("config", [["a", "b"], "aws"], ids=["list", "string"])
def test_config_not_a_mapping_exits_2(tmp_path, config):
    path = write_stack(tmp_path, config, name="notmap")
    assert_invalid(invoke("plan", "--config", str(path)), "config", "must be a mapping")


def test_empty_config_exits_2_listing_required_keys(tmp_path):
    path = tmp_path / "Pulumi.empty.yaml"
    path.write_text("config: {}\n", encoding="utf-8")
    assert_invalid(
        invoke("plan", "--config", str(path)),
        "5 problems",
        "blueprint:environment: required key is missing",
        "blueprint:primaryRegion: required key is missing",
        "blueprint:workloads: required key is missing",
    )


def test_error_output_prints_key_paths_verbatim(stack_writer, baseline):
    baseline["cloud"] = "azure"
    result = invoke("plan", "--config", str(stack_writer(baseline)))
    assert_invalid(result, "blueprint:cloud: Input should be 'aws' or 'gcp' (got 'azure')")


def test_unknown_format_is_a_usage_error_exit_2():
    result = CliRunner().invoke(app, ["plan", "--stack", "prod", "--format", "yaml"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_unknown_residency_exits_2(stack_writer, baseline):
    baseline["residency"] = "mars"
    result = invoke("plan", "--config", str(stack_writer(baseline)))
    assert_invalid(result, "blueprint:residency", "'mars'")


def test_drill_is_a_command_group_with_record():
    # Issue 17: `blueprint drill` (print a drill) and `blueprint drill record FILE` (measured figures).
    top = CliRunner().invoke(app, ["--help"])
    assert top.exit_code == 0 and "drill" in top.output
    group = CliRunner().invoke(app, ["drill", "--help"])
    assert group.exit_code == 0 and "record" in group.output and "--scenario" in group.output


def test_resilience_takes_recorded_drills():
    result = CliRunner().invoke(app, ["resilience", "--help"])
    assert result.exit_code == 0 and "--drills" in result.output and "--no-drills" in result.output


def test_drill_record_of_a_missing_file_exits_2_without_traceback(tmp_path):
    result = CliRunner().invoke(app, ["drill", "record", str(tmp_path / "none.yaml"), "--stack", "prod"])
    assert result.exit_code == 2 and "Traceback" not in result.output
