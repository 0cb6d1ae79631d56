"""Docs stay true: the hand-composed examples plan, and the README's stack snippet validates."""

import re
import runpy
from pathlib import Path

import pytest
import yaml

from blueprint.config.validate import validate_config
from blueprint.plan.engine import plan_program

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "docs" / "examples").glob("*.py"))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_program_plans_in_its_region(example):
    plan = plan_program(lambda: runpy.run_path(str(example), run_name="__main__"), config={"aws:region": "us-east-1"})
    regional = [r for r in plan.resources if r.region not in ("global",)]
    assert len(plan.resources) > 20
    assert {r.region for r in regional} == {"eu-central-1"}  # the explicit provider, not aws:region
    assert plan.outputs["vault_bucket"].startswith("team-models")


def test_readme_stack_snippet_is_a_valid_stack():
    text = (ROOT / "README.md").read_text()
    block = re.search(r"```yaml\n(config:.*?)```", text, re.S).group(1)
    config = yaml.safe_load(block)["config"]
    raw = {k.split(":", 1)[1] if k.startswith("blueprint:") else k: v for k, v in config.items()}
    assert validate_config(raw).workloads[0].name == "fraud-scoring"
