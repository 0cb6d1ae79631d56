"""Pulumi.yaml is valid for Pulumi and declares what DESIGN.md asks for."""

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT.parent / "shared" / "reference" / "pulumi-project.schema.json"


@pytest.fixture(scope="module")
def project() -> dict:
    return yaml.safe_load((ROOT / "Pulumi.yaml").read_text())


@pytest.mark.skipif(not SCHEMA.exists(), reason="shared/reference is not beside this checkout")
def test_pulumi_yaml_validates_against_pulumis_schema(project):
    schema = json.loads(SCHEMA.read_text())
    jsonschema.validate(project, schema)


def test_fails_schema_on_a_broken_project_file(project):
    if not SCHEMA.exists():
        pytest.skip("shared/reference is not beside this checkout")
    schema = json.loads(SCHEMA.read_text())
    broken = {**project, "config": {"zonesPerRegion": {"type": "float"}}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_project_is_python_with_virtualenv_and_stack_dir(project):
    assert project["name"] == "blueprint"
    assert project["runtime"]["name"] == "python"
    assert project["runtime"]["options"]["virtualenv"] == ".venv"
    assert project["stackConfigDir"] == "stacks"


def test_scalar_keys_are_typed(project):
    config = project["config"]
    for key in ("cloud", "environment", "residency", "primaryRegion"):
        assert config[key]["type"] == "string"
    assert config["zonesPerRegion"] == {**config["zonesPerRegion"], "type": "integer", "default": 3}


def test_shipped_stacks_exist():
    names = {p.name for p in (ROOT / "stacks").glob("Pulumi.*.yaml")}
    assert {"Pulumi.dev.yaml", "Pulumi.prod.yaml", "Pulumi.prod-eu.yaml", "Pulumi.gcp-prod.yaml"} <= names
