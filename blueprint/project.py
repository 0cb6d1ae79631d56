"""Locating the Pulumi project and its stack files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from blueprint.config import safe_yaml
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


def is_blueprint_project(project_dir: Path) -> bool:
    """Whether ``project_dir`` is blueprint's own program (Pulumi.yaml project ``blueprint``), whose
    stack files carry the typed ``blueprint:*`` configuration. Any other project is a team's own
    program composing the components by hand (examples/user-project): its configuration is its own."""
    return _is_blueprint(project_dir / PROJECT_FILE)


def _project_data(project_dir: Path) -> dict:
    """Pulumi.yaml as a mapping, read under the YAML bounds (blueprint.config.safe_yaml)."""
    path = project_dir / PROJECT_FILE
    data = safe_yaml.load_file(path, "project file") or {}
    if not isinstance(data, dict):
        raise ConfigError([Problem(str(path), "must be a YAML mapping", type(data).__name__)], source="project file")
    return data


def project_name(project_dir: Path) -> str:
    """Pulumi.yaml's ``name`` (the namespace of the project's own config keys)."""
    return str(_project_data(project_dir).get("name", "blueprint"))


def _is_blueprint(path: Path) -> bool:
    try:
        data = safe_yaml.load_file(path, "project file") or {}
    except ConfigError:
        return False
    return isinstance(data, dict) and data.get("name") == "blueprint"


def stack_config_dir(project_dir: Path) -> Path:
    folder = _project_data(project_dir).get("stackConfigDir", ".")
    if not isinstance(folder, str):
        raise ConfigError([Problem(f"{project_dir / PROJECT_FILE}: stackConfigDir", "must be a folder path", folder)], source="project file")
    return project_dir / folder


def require_project_file(project_dir: Path) -> None:
    """``--project-dir`` must hold a Pulumi.yaml: without one there is no program to plan (invalid
    input, exit 2, rather than a program that fails to load)."""
    if not (project_dir / PROJECT_FILE).is_file():
        where = "does not exist" if not project_dir.exists() else ("is not a folder" if not project_dir.is_dir() else f"has no {PROJECT_FILE}")
        raise ConfigError([Problem("--project-dir", f"{where}; give the folder that holds the project's {PROJECT_FILE}", str(project_dir))], source="arguments")


@dataclass(frozen=True)
class StackRef:
    name: str
    file: Path


def resolve_stack(project_dir: Path, stack: Optional[str], config_file: Optional[Path]) -> StackRef:
    """``--stack NAME`` -> stacks/Pulumi.NAME.yaml; ``--config FILE`` -> that file (the stack name
    is NAME in Pulumi.NAME.yaml, else the file's stem)."""
    require_project_file(project_dir)
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
