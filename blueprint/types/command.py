"""pulumi-command types in the type registry (blueprint/types/__init__.py).

pulumi-command runs a CLI where `pulumi up` runs (https://www.pulumi.com/registry/packages/command/api-docs/local/command/);
it has no Terraform resource and no cloud placement of its own.
"""

from __future__ import annotations

LOCAL_COMMAND = "command:local:Command"

TERRAFORM: dict[str, str] = {}
ROLES: dict[str, str] = {LOCAL_COMMAND: "command"}
ENCRYPTION: dict[str, str] = {}
ZONE_KEYS: dict[str, tuple[str, ...]] = {}
OTHER: frozenset[str] = frozenset()
