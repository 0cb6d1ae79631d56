"""Locating the Pulumi project and its stack files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import yaml

from blueprint.config.errors import ConfigError, Problem

PROJECT_FILE = "Pulumi.yaml"


def find_project_dir(start: Optional[Path] = None) -> Path:
    """The nearest folder holding blueprint's Pulumi.yaml: from ``start`` (the working directory)
    upwards, else the source checkout this package was installed from."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / PROJECT_FILE
        if candidate.is_file() and _is_blueprint(candidate):
            return folder
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / PROJECT_FILE).is_file():
        return checkout
    raise ConfigError([Problem("--project-dir", f"no {PROJECT_FILE} of project 'blueprint' found from {here} upwards; run inside the checkout or pass --project-dir")], source="arguments")


def _is_blueprint(path: Path) -> bool:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return False
    return isinstance(data, dict) and data.get("name") == "blueprint"


def stack_config_dir(project_dir: Path) -> Path:
    data = yaml.safe_load((project_dir / PROJECT_FILE).read_text(encoding="utf-8")) or {}
    return project_dir / data.get("stackConfigDir", ".")


@dataclass(frozen=True)
class StackRef:
    name: str
    file: Path


def resolve_stack(project_dir: Path, stack: Optional[str], config_file: Optional[Path]) -> StackRef:
    """``--stack NAME`` -> stacks/Pulumi.NAME.yaml; ``--config FILE`` -> that file (the stack name
    is NAME in Pulumi.NAME.yaml, else the file's stem)."""
    if (stack is None) == (config_file is None):
        raise ConfigError([Problem("--stack/--config", "give exactly one: --stack NAME or --config FILE")], source="arguments")
    if stack is not None:
        folder = stack_config_dir(project_dir)
        path = folder / f"Pulumi.{stack}.yaml"
        if not path.is_file():
            known = sorted(p.name[len("Pulumi."):-len(".yaml")] for p in folder.glob("Pulumi.*.yaml"))
            raise ConfigError([Problem("--stack", f"no stack file {path}; known stacks: {', '.join(known) or 'none'}", stack)], source="arguments")
        return StackRef(stack, path)
    assert config_file is not None
    if not config_file.is_file():
        raise ConfigError([Problem("--config", "file not found", str(config_file))], source="arguments")
    name = config_file.name
    if name.startswith("Pulumi.") and name.endswith((".yaml", ".yml")):
        name = name[len("Pulumi."):].rsplit(".", 1)[0]
    else:
        name = config_file.stem
    return StackRef(name, config_file)
