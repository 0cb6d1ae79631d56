"""Plan a stack file end to end: config as ``pulumi up`` passes it, validation, the real program."""

from __future__ import annotations

import contextvars
from pathlib import Path

import pulumi

from blueprint.config.loader import pulumi_config_map, raw_stack_config
from blueprint.config.models import StackConfig
from blueprint.config.validate import validate_config
from blueprint.plan.engine import plan_project
from blueprint.plan.model import Plan
from blueprint.project import PROJECT_FILE, StackRef, is_blueprint_project, project_name


def load_stack(project_dir: Path, stack: StackRef) -> tuple[StackConfig, dict[str, str], list[str]]:
    """Validate the stack file through ``pulumi.Config``, exactly as the program reads it, and
    return the config with the flat map to run the program with. Raises ConfigError listing
    every problem."""
    values, secrets = pulumi_config_map(stack.file, project_dir / PROJECT_FILE)

    def read() -> StackConfig:
        pulumi.runtime.set_all_config(values, secrets)
        return validate_config(raw_stack_config(), source=f"stack file {stack.file}")

    config = contextvars.copy_context().run(read)
    return config, values, secrets


def plan_stack(project_dir: Path, stack: StackRef) -> Plan:
    if not is_blueprint_project(project_dir):
        # A team's own program composing the components by hand (`blueprint plan --project-dir`,
        # examples/user-project): it reads its own keys, so there is no blueprint schema to apply;
        # the config map is still the one `pulumi up` would pass.
        values, secrets = pulumi_config_map(stack.file, project_dir / PROJECT_FILE)
        return plan_project(project_dir, stack.name, values, secrets, project=project_name(project_dir))
    _, values, secrets = load_stack(project_dir, stack)
    return plan_project(project_dir, stack.name, values, secrets)
