"""Reading configuration the way ``pulumi up`` hands it to the program.

``pulumi up`` gives the program a flat map of ``namespace:key`` -> string (structured values as
JSON text), with the project's declared defaults applied. :func:`read_stack_config` reads that map
through ``pulumi.Config`` and validates it. :func:`pulumi_config_map` builds the same map from a
stack file and ``Pulumi.yaml``, for the offline plan and the CLI.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import pulumi
from pulumi.runtime import config as runtime_config

from blueprint.config import safe_yaml
from blueprint.config.errors import ConfigError, Problem
from blueprint.config.models import StackConfig
from blueprint.config.validate import validate_config

NAMESPACE = "blueprint"
# Keys of other namespaces the configuration model reads.
PROVIDER_KEYS = ("aws:region", "gcp:region", "gcp:project")
# Keys whose values are structured (read with get_object, as JSON).
STRUCTURED_KEYS = ("workloads", "deployerCidrs", "breakGlassPrincipals")


def _set_keys() -> list[str]:
    """Every configuration key set for this run (explicit map and PULUMI_CONFIG environment)."""
    keys = set(runtime_config.CONFIG.get()) | set(runtime_config.get_config_env())
    return sorted(keys)


def raw_stack_config() -> dict[str, Any]:
    """The stack's configuration as a raw mapping, read through ``pulumi.Config``."""
    cfg = pulumi.Config(NAMESPACE)
    raw: dict[str, Any] = {}
    for full_key in _set_keys():
        namespace, _, key = full_key.partition(":")
        if namespace != NAMESPACE:
            continue
        if key in STRUCTURED_KEYS:
            try:
                raw[key] = cfg.get_object(key)
            except Exception:  # noqa: BLE001 - not JSON: keep the text, validation names the key
                raw[key] = cfg.get(key)
        else:
            raw[key] = cfg.get(key)
    for full_key in PROVIDER_KEYS:
        namespace, _, key = full_key.partition(":")
        value = pulumi.Config(namespace).get(key)
        if value is not None:
            raw[full_key] = value
    return raw


def read_stack_config() -> StackConfig:
    """Read and validate the running stack's configuration (raises :class:`ConfigError`)."""
    return validate_config(raw_stack_config(), source=f"configuration of stack '{pulumi.get_stack()}'")


def _encode(value: Any) -> str:
    """A stack-file value as Pulumi passes it to programs."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        # default=str: a YAML timestamp or !!binary inside a structured value becomes text, which
        # validation then names (instead of a TypeError escaping as "the program failed").
        return json.dumps(value, default=str)
    return str(value)


def load_yaml(path: Path, what: str) -> dict[str, Any]:
    """A YAML mapping read under the bounds of :mod:`blueprint.config.safe_yaml` (size, UTF-8,
    nesting, aliases, duplicate keys); anything else is a ConfigError naming the file."""
    data = safe_yaml.load_file(path, what)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError([Problem(str(path), "must be a YAML mapping", type(data).__name__)], source=what)
    return data


# The top-level keys of a Pulumi stack file (pulumi/pulumi sdk/go/common/workspace/project.go,
# struct ProjectStack: secretsprovider, encryptedkey, encryptionsalt, config, environment).
STACK_FILE_KEYS = ("config", "encryptedkey", "encryptionsalt", "environment", "secretsprovider")


def _check_stack_keys(stack_file: Path, stack: dict[str, Any]) -> None:
    """A misspelt top-level key (``conifg:``) would leave the configuration empty: name it."""
    unknown = [key for key in stack if key not in STACK_FILE_KEYS]
    if unknown:
        problems = [Problem(f"{stack_file}: {key}", f"unknown top-level key of a stack file; allowed: {', '.join(STACK_FILE_KEYS)}")
                    for key in unknown]
        raise ConfigError(problems, source=f"stack file {stack_file}")


def pulumi_config_map(stack_file: Path, project_file: Optional[Path]) -> tuple[dict[str, str], list[str]]:
    """The flat config map and the secret keys ``pulumi up`` would pass for ``stack_file``.

    Project-declared defaults from ``Pulumi.yaml`` apply first; keys without a namespace belong to
    the project. Encrypted (``secure:``) values cannot be decrypted offline: they are passed as a
    redacted placeholder and listed as secret.
    """
    project: dict[str, Any] = load_yaml(project_file, "project file") if project_file else {}
    project_name = project.get("name", NAMESPACE)
    stack = load_yaml(stack_file, f"stack file {stack_file}")
    _check_stack_keys(stack_file, stack)
    config = stack.get("config") or {}
    if not isinstance(config, dict):
        raise ConfigError([Problem(f"{stack_file}: config", "must be a mapping of keys to values", config)], source=f"stack file {stack_file}")
    bad_keys = [Problem(f"{stack_file}: config", "keys must be text such as blueprint:cloud", key) for key in config if not isinstance(key, str)]
    if bad_keys:
        raise ConfigError(bad_keys, source=f"stack file {stack_file}")

    def full(key: str) -> str:
        return key if ":" in key else f"{project_name}:{key}"

    values: dict[str, str] = {}
    secrets: list[str] = []
    for key, decl in (project.get("config") or {}).items():
        if isinstance(decl, dict) and "default" in decl:
            values[full(key)] = _encode(decl["default"])
    for key, value in config.items():
        if value is None:  # an empty value in YAML: Pulumi treats the key as unset
            continue
        if isinstance(value, dict) and set(value) == {"secure"}:
            values[full(key)] = "[secret]"
            secrets.append(full(key))
            continue
        values[full(key)] = _encode(value)
    return values, secrets
