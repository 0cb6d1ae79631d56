"""The Pulumi SDK's floor for a planned graph: the least any program declaring it can cost.

It replays a plan's resources (type, name, parent, inputs, custom/component, provider,
dependencies, in recorded order) as bare ``pulumi.CustomResource`` / ``ProviderResource`` /
``ComponentResource`` objects under the SDK's plainest mocks (echo the inputs, answer every
invoke with nothing), with no project code.

Run as a script it is the whole-process floor of ``blueprint plan``: a bare process that imports
``pulumi`` and the provider SDK modules a real program declaring the same resource types must
import (each type's module as the provider package registers it: ``aws:ec2/vpc:Vpc`` ->
``pulumi_aws.ec2``) and loads each type's resource class from it (``pulumi_aws.ec2.Vpc``: the
packages load classes lazily, so importing the module alone skips what a real program pays),
then replays the plan saved by ``benchmarks/plan_speed.py``:

    python benchmarks/floor.py PLAN.json      # {"stack", "stack_urn", "config", "secrets", "resources"}

It never imports ``blueprint``.
"""

from __future__ import annotations

import contextvars
import importlib
import json
import sys
from typing import Any, Callable, Iterable, Mapping

import pulumi
from pulumi.runtime import mocks as sdk_mocks
from pulumi.runtime.settings import set_root_resource
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

STACK_TYPE = "pulumi:pulumi:Stack"
PROVIDER_PREFIX = "pulumi:providers:"


class FloorMocks(pulumi.runtime.Mocks):
    """The SDK's plainest mocks: echo the inputs, answer every invoke with nothing."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        return args.name + "-id", args.inputs

    def call(self, args: pulumi.runtime.MockCallArgs):
        return {}


class CountingMonitor(sdk_mocks.MockMonitor):
    def __init__(self, mocks: pulumi.runtime.Mocks):
        super().__init__(mocks)
        self.registered = 0

    def RegisterResource(self, request):  # noqa: N802 (gRPC method name)
        if request.type != STACK_TYPE:
            self.registered += 1
        return super().RegisterResource(request)


def _get(resource: Any, key: str) -> Any:
    return resource[key] if isinstance(resource, dict) else getattr(resource, key)


def register_all(resources: Iterable[Any], stack_urn: str) -> Callable[[], None]:
    """A program registering ``resources`` (PlannedResource objects or their JSON dicts)."""
    resources = list(resources)

    def program() -> None:
        made: dict[str, pulumi.Resource] = {}
        for r in resources:
            urn, type_, name, parent = _get(r, "urn"), _get(r, "type"), _get(r, "name"), _get(r, "parent")
            provider = made.get(_get(r, "provider")) if _get(r, "provider") else None
            depends_on = [made[d] for d in _get(r, "dependencies") if d in made]
            opts = pulumi.ResourceOptions(parent=made.get(parent) if parent and parent != stack_urn else None,
                                          provider=provider, depends_on=depends_on or None)
            if type_.startswith(PROVIDER_PREFIX):
                res: pulumi.Resource = pulumi.ProviderResource(type_[len(PROVIDER_PREFIX):], name, dict(_get(r, "inputs")), opts)
            elif _get(r, "custom"):
                res = pulumi.CustomResource(type_, name, dict(_get(r, "inputs")), opts)
            else:
                res = pulumi.ComponentResource(type_, name, None, opts)
                res.register_outputs({})
            made[urn] = res

    return program


def replay(resources: Iterable[Any], stack_urn: str, stack: str, config: Mapping[str, str], secrets: list[str]) -> int:
    """Register ``resources`` under the plain mocks in a fresh context; return how many were
    registered (the root stack excluded)."""
    program = register_all(resources, stack_urn)

    def run() -> int:
        mocks = FloorMocks()
        monitor = CountingMonitor(mocks)
        set_root_resource(None)
        pulumi.runtime.set_all_config(dict(config), secrets)
        pulumi.runtime.set_mocks(mocks, project="blueprint", stack=stack, preview=False, monitor=monitor)
        pulumi.runtime.settings.SETTINGS.rpc_manager.clear()
        pulumi.runtime.settings.SETTINGS.outputs.clear()
        _sync_await(run_pulumi_func(program))
        return monitor.registered

    return contextvars.copy_context().run(run)


def provider_modules(types: Iterable[str]) -> list[str]:
    """The provider SDK modules a program declaring ``types`` imports: each provider package, then
    the module its registration names for each resource type (``fqn``); components have none."""
    modules: list[str] = []
    for type_ in sorted(set(types)):
        if type_.startswith(PROVIDER_PREFIX):
            package = type_[len(PROVIDER_PREFIX):]
            modules.append(f"pulumi_{package.replace('-', '_')}")
            continue
        package, middle, _ = (type_.split(":") + ["", ""])[:3]
        try:
            importlib.import_module(f"pulumi_{package.replace('-', '_')}")  # registers its resource modules
        except ImportError:
            continue  # a component type (blueprint:aws:Network): no SDK module
        modules.append(f"pulumi_{package.replace('-', '_')}")
        for module in pulumi.runtime.rpc._RESOURCE_MODULES.get(f"{package}:{middle}", []):  # noqa: SLF001
            fqn = getattr(module, "mod_info", {}).get("fqn")
            if fqn:
                modules.append(fqn)
    return sorted(set(modules))


def load_provider_classes(types: Iterable[str]) -> list[str]:
    """Import the provider modules of ``types`` (provider_modules) and load each type's resource
    class from its module, as a program declaring it does (``aws.ec2.Vpc(...)``); returns the
    classes' qualified names. The provider packages load their resource classes lazily
    (pulumi_aws/_utilities.py lazy_import, Module.construct): importing ``pulumi_aws.ec2`` alone
    loads neither ``ec2/vpc.py`` nor the ``ec2/_inputs.py`` it imports, which a real program pays for."""
    for module in provider_modules(types):
        importlib.import_module(module)
    loaded: list[str] = []
    for type_ in sorted(set(types)):
        package, middle, _ = (type_.split(":") + ["", ""])[:3]
        for module in pulumi.runtime.rpc._RESOURCE_MODULES.get(f"{package}:{middle}", []):  # noqa: SLF001
            info = getattr(module, "mod_info", {})
            class_name = info.get("classes", {}).get(type_)
            if class_name and info.get("fqn"):
                getattr(importlib.import_module(info["fqn"]), class_name)
                loaded.append(f"{info['fqn']}.{class_name}")
    return loaded


def stack_urn_of(resources: list[dict]) -> str:
    """The root stack's URN: the parent of the top-level resources (a saved plan omits it)."""
    urns = {r["urn"] for r in resources}
    return next((r["parent"] for r in resources if r.get("parent") and r["parent"] not in urns), "")


def main(argv: list[str]) -> int:
    """``argv[0]``: a plan saved by ``blueprint plan --format json`` (or with ``stack_urn``,
    ``config`` and ``secrets`` keys added)."""
    with open(argv[0], encoding="utf-8") as handle:
        saved = json.load(handle)
    resources = saved["resources"]
    load_provider_classes([r["type"] for r in resources])
    registered = replay(resources, saved.get("stack_urn") or stack_urn_of(resources), saved["stack"],
                        saved.get("config") or {}, saved.get("secrets") or [])
    print(json.dumps({"registered": registered, "resources": len(resources)}))
    return 0 if registered == len(resources) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
