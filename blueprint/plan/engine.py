"""Offline plan engine: run a Pulumi program in-process under the SDK's mocks and capture the graph.

The program is the real one (``__main__.py`` or any callable); the engine stands in for the Pulumi
engine and the providers only. It records, for every registration: URN, type, name, parent,
dependencies (explicit ``depends_on`` and those implied by Output inputs, as the SDK sends them),
the explicit provider and the inputs; then places each resource in a region, zone and workload
(:mod:`blueprint.plan.placement`).

Each run happens in a fresh ``contextvars`` context, so plans in one process never see each
other's config or root stack.
"""

from __future__ import annotations

import contextvars
import gc
import runpy
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Optional

import pulumi
from pulumi.runtime import mocks as sdk_mocks
from pulumi.runtime import rpc
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.settings import set_root_resource
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

from blueprint.plan import placement
from blueprint.plan.mocks import PlanMocks
from blueprint.plan.model import Plan, PlannedResource
from blueprint.types import aws

STACK_TYPE = "pulumi:pulumi:Stack"
_SECRET = "[secret]"


@dataclass
class _Registration:
    urn: str
    type: str
    name: str
    parent: Optional[str]
    dependencies: list[str]
    provider: Optional[str]  # provider URN
    custom: bool
    inputs: dict[str, Any]
    children: list[str] = field(default_factory=list)
    id: Optional[str] = None  # the physical ID the mocks answered (custom resources)
    outputs: dict[str, Any] = field(default_factory=dict)  # the output state they answered


def _plain(value: Any) -> Any:
    """Deserialized RPC values -> JSON-ready values; secrets are redacted."""
    if isinstance(value, dict):
        if value.get(rpc._special_sig_key) == rpc._special_secret_sig:
            return _SECRET
        return {k: _plain(v) for k, v in value.items() if k != rpc._special_sig_key}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, pulumi.Resource):
        return f"[resource {type(value).__name__}]"
    return str(value)


class _RecordingMonitor(sdk_mocks.MockMonitor):
    """The SDK's mock monitor, plus a record of what each registration asked for, and URNs built
    the way the Pulumi engine builds them (the parent's full qualified type, no root Stack)."""

    def __init__(self, mocks: PlanMocks):
        super().__init__(mocks)
        self.records: dict[str, _Registration] = {}
        self.order: list[str] = []
        self.stack_urn = ""
        self._qualified: dict[str, str] = {}

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        qualified = type_
        parent_type = self._qualified.get(parent) if parent else None
        if parent_type and parent_type != STACK_TYPE:
            qualified = f"{parent_type}${type_}"
        urn = "urn:pulumi:" + "::".join([pulumi.get_stack(), pulumi.get_project(), qualified, name])
        self._qualified[urn] = qualified
        return urn

    def region_of_provider(self, reference: Optional[str]) -> Optional[str]:
        if not reference:
            return None
        record = self.records.get(reference.rsplit("::", 1)[0])
        if record is None:
            return None
        region = record.inputs.get("region")
        return region if isinstance(region, str) else None

    def RegisterResource(self, request):  # noqa: N802 (gRPC method name)
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == STACK_TYPE:
            self.stack_urn = urn
            return resource_pb2.RegisterResourceResponse(urn=urn)
        _ensure_event_loop()
        inputs = rpc.deserialize_properties(request.object)
        custom = bool(request.custom)
        self.records[urn] = _Registration(
            urn=urn,
            type=request.type,
            name=request.name,
            parent=request.parent or None,
            dependencies=sorted(set(request.dependencies)),
            provider=request.provider.rsplit("::", 1)[0] if request.provider else None,
            custom=custom,
            inputs=_plain(inputs),
        )
        self.order.append(urn)
        id_, state = self.mocks.new_resource(
            sdk_mocks.MockResourceArgs(
                typ=request.type, name=request.name, inputs=inputs, provider=request.provider,
                resource_id=request.importId, custom=custom,
            )
        )
        if custom:
            record = self.records[urn]
            record.id = id_ or None
            record.outputs = _plain(state)
        obj_proto = _sync_await(rpc.serialize_properties(state, {}))
        self.resources[urn] = sdk_mocks.MockMonitor.ResourceRegistration(urn, id_, state)
        return resource_pb2.RegisterResourceResponse(urn=urn, id=id_ or "", object=obj_proto)


def _place(monitor: _RecordingMonitor, config: Mapping[str, str], cloud: Optional[str]) -> list[PlannedResource]:
    records = monitor.records
    for urn in monitor.order:
        parent = records[urn].parent
        if parent in records:
            records[parent].children.append(urn)

    default_region = config.get(f"{cloud}:region") if cloud else (config.get("aws:region") or config.get("gcp:region"))
    region: dict[str, Optional[str]] = {}
    zone: dict[str, Optional[str]] = {}
    workload: dict[str, Optional[str]] = {}
    _place_custom(monitor, region, zone, workload)
    _place_components(monitor, region, zone, workload)

    # Whatever is still unplaced inherits from its ancestors, then the stack's default region.
    def inherited(table: dict[str, Optional[str]], urn: str) -> Optional[str]:
        parent = records[urn].parent
        while parent in records:
            if table.get(parent) is not None:
                return table[parent]
            parent = records[parent].parent
        return None

    planned: list[PlannedResource] = []
    for urn in monitor.order:
        r = records[urn]
        reg = region.get(urn) or inherited(region, urn) or default_region
        wl = workload.get(urn) or inherited(workload, urn)
        z = zone.get(urn)
        planned.append(
            PlannedResource(
                urn=urn, type=r.type, name=r.name, parent=r.parent or monitor.stack_urn,
                dependencies=r.dependencies, region=reg, zone=z, workload=wl, inputs=r.inputs,
                custom=r.custom, provider=r.provider, id=r.id, outputs=r.outputs,
            )
        )
    return planned


def _place_custom(monitor: _RecordingMonitor, region: dict[str, Optional[str]], zone: dict[str, Optional[str]],
                  workload: dict[str, Optional[str]]) -> None:
    """Custom resources (and providers), in registration order: placement references (subnetId,
    provider) always point to earlier registrations."""
    records = monitor.records
    # Physical ID -> zone of every zonal resource, as the mocks answered (subnets, mostly).
    zone_by_id = {
        reg.id: reg.state.get("availabilityZone") or reg.state.get("zone")
        for reg in monitor.resources.values()
        if reg.id and (reg.state.get("availabilityZone") or reg.state.get("zone"))
    }
    for urn in monitor.order:
        r = records[urn]
        if not r.custom:
            continue
        z = placement.own_zone(r.type, r.inputs)
        if z is None:
            z = _zone_from_subnets(r, zone_by_id)
        zone[urn] = z
        reg = placement.own_region(r.type, r.inputs)
        if reg is None and r.provider in records:
            reg = region.get(r.provider)
        if reg is None and r.type.startswith("pulumi:providers:"):
            deps, _ = placement.consensus((region.get(d) for d in r.dependencies), ignore=(None, placement.GLOBAL))
            reg = deps
        if reg is None and z is not None and r.type.startswith(aws.PACKAGE_PREFIX):
            reg = z[:-1]
        region[urn] = reg
        workload[urn] = placement.own_workload(r.inputs)


def _place_components(monitor: _RecordingMonitor, region: dict[str, Optional[str]], zone: dict[str, Optional[str]],
                      workload: dict[str, Optional[str]]) -> None:
    """Components take the consensus of their custom descendants."""
    records = monitor.records

    def descendants(urn: str) -> list[_Registration]:
        out: list[_Registration] = []
        for child in records[urn].children:
            out.append(records[child])
            out.extend(descendants(child))
        return out

    for urn in monitor.order:
        r = records[urn]
        if r.custom:
            continue
        below = [d for d in descendants(urn) if d.custom]
        reg, several = placement.consensus((region.get(d.urn) for d in below), ignore=(None, placement.GLOBAL))
        if reg is None:
            reg = placement.GLOBAL if several or any(region.get(d.urn) == placement.GLOBAL for d in below) else None
        region[urn] = reg
        zones = [zone.get(d.urn) for d in below if region.get(d.urn) not in (None, placement.GLOBAL)]
        z, _ = placement.consensus(zones)
        zone[urn] = z if zones and all(v == z for v in zones) else None
        workload[urn], _ = placement.consensus(workload.get(d.urn) for d in below)


def _zone_from_subnets(r: _Registration, zone_by_id: dict[str, str]) -> Optional[str]:
    """A resource placed in subnets lives in their zone when they all share one."""
    subnet_ids = []
    if isinstance(r.inputs.get("subnetId"), str):
        subnet_ids = [r.inputs["subnetId"]]
    elif isinstance(r.inputs.get("subnetIds"), list):
        subnet_ids = r.inputs["subnetIds"]
    zones = {zone_by_id[i] for i in subnet_ids if isinstance(i, str) and i in zone_by_id}
    return zones.pop() if len(zones) == 1 else None


def run_under_mocks(
    program: Callable[[], Any],
    mocks: pulumi.runtime.Mocks,
    monitor: sdk_mocks.MockMonitor,
    *,
    stack: str,
    project: str,
    config: Mapping[str, str],
    secret_keys: list[str],
) -> None:
    """Run ``program`` to completion under ``mocks``/``monitor`` with ``config``, from a clean root
    stack. Call it inside a fresh ``contextvars`` context (the SDK keeps its state there)."""
    set_root_resource(None)
    pulumi.runtime.set_all_config(dict(config), secret_keys)
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=False, monitor=monitor)
    pulumi.runtime.settings.SETTINGS.rpc_manager.clear()
    pulumi.runtime.settings.SETTINGS.outputs.clear()
    _sync_await(run_pulumi_func(program))


def _run(program: Callable[[], Any], stack: str, project: str, config: Mapping[str, str], secret_keys: list[str], cloud: Optional[str]) -> Plan:
    monitor_ref: dict[str, _RecordingMonitor] = {}
    mocks = PlanMocks(config, lambda ref: monitor_ref["m"].region_of_provider(ref))
    monitor = _RecordingMonitor(mocks)
    monitor_ref["m"] = monitor
    run_under_mocks(program, mocks, monitor, stack=stack, project=project, config=config, secret_keys=secret_keys)
    resources = _place(monitor, config, cloud)
    return Plan(stack=stack, cloud=cloud, resources=resources, stack_urn=monitor.stack_urn, outputs=_stack_outputs(),
                residency=config.get("blueprint:residency"))


def _stack_outputs() -> dict[str, Any]:
    """The values the program exported (``pulumi.export``), resolved; secrets redacted at any depth
    (a dict of kubeconfigs shows each secret as ``[secret]``, the rest in clear)."""
    root = pulumi.runtime.get_root_resource()
    exported = getattr(root, "outputs", None) or {}
    return {k: _resolved(v) for k, v in exported.items()}


def _resolved(value: Any) -> Any:
    if isinstance(value, pulumi.Output):
        if _sync_await(value.is_secret()):
            return _SECRET
        return _resolved(_sync_await(value.future()))
    if isinstance(value, dict):
        return {k: _resolved(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_resolved(v) for v in value]
    return _plain(value)


def plan_program(
    program: Callable[[], Any],
    *,
    stack: str = "test",
    project: str = "blueprint",
    config: Optional[Mapping[str, str]] = None,
    secret_keys: Optional[list[str]] = None,
    cloud: Optional[str] = None,
) -> Plan:
    """Run ``program`` (a zero-argument callable that declares resources) under the mocks with
    ``config`` (Pulumi's flat ``namespace:key`` -> string map) and return its plan."""
    config = dict(config or {})
    if cloud is None:
        cloud = config.get("blueprint:cloud") or ("aws" if "aws:region" in config else "gcp" if "gcp:region" in config else None)
    context = contextvars.copy_context()
    with _collector_for_a_plan():
        return context.run(_run, program, stack, project, config, list(secret_keys or []), cloud)


# Generation-2 threshold while a plan runs: "one full collection per this many generation-1
# collections". Far above any plan's count (prod's plan makes ~150), so a full collection cannot
# start mid-plan; young collections still free the plan's short-lived cycles (peak memory of a
# 40-workload plan: ~430 MB, benchmarks/README.md). See _collector_for_a_plan.
_PLAN_FULL_COLLECTION_THRESHOLD = 1_000_000


@contextmanager
def _collector_for_a_plan() -> Iterator[None]:
    """Speed, without changing what is planned (benchmarks/README.md, "Where the time went").

    Everything a plan creates stays reachable until it ends (the program's resources hold their
    Outputs, futures and the recorded inputs), and the provider modules the program imports
    lazily (pulumi_aws.ec2, .wafv2, ...: ~1M objects) live for the process. Full collections mid-
    plan therefore rescan a graph that only grows and find almost nothing (measured: 70 full
    collections of ~0.15 s each in a 20-workload plan, each freeing under 1 % of what it scanned):
    that was half the plan's time and the whole of its super-linear growth. So during a plan
    the objects alive at its start are frozen (gc.freeze) and no full collection starts; young
    collections still run at their usual thresholds, so short-lived cycles are freed as before.
    Afterwards the thresholds are restored and the frozen objects unfrozen: the plan's garbage is
    collected by the next full collection, as usual -- except in the `blueprint` command
    (``blueprint.plan.freeze_after_plans``), which exits soon after and keeps everything frozen."""
    import blueprint.plan

    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(thresholds[0], thresholds[1], max(thresholds[2], _PLAN_FULL_COLLECTION_THRESHOLD))
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if blueprint.plan.freeze_after_plans:
            gc.freeze()
        else:
            gc.unfreeze()


def plan_project(project_dir: Path, stack: str, config: Mapping[str, str], secret_keys: Optional[list[str]] = None) -> Plan:
    """Run the project's real ``__main__.py`` as ``pulumi up`` would (cwd and sys.path at the
    project root) and return its plan."""
    main = project_dir / "__main__.py"

    def program() -> None:
        runpy.run_path(str(main), run_name="__main__")

    added = str(project_dir) not in sys.path
    if added:
        sys.path.insert(0, str(project_dir))
    try:
        return plan_program(program, stack=stack, config=config, secret_keys=secret_keys)
    finally:
        if added:
            sys.path.remove(str(project_dir))
