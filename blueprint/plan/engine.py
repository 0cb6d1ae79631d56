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

import asyncio
import contextvars
import gc
import hashlib
import sys
import threading
import types
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

from blueprint import progress
from blueprint.plan import placement
from blueprint.plan.canonical import canonical_order
from blueprint.plan.mocks import PlanMocks
from blueprint.plan.model import Plan, PlannedResource
from blueprint.types import aws

STACK_TYPE = "pulumi:pulumi:Stack"
_SECRET = "[secret]"


class PlanInterrupted(RuntimeError):
    """What the monitor answers every call with once the plan's caller was interrupted."""


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
    """Deserialized RPC values -> JSON-ready values; secrets are redacted. Keys are sorted: the order
    the SDK serializes properties in varies run to run, and the plan JSON must not (issue 16)."""
    if isinstance(value, dict):
        if value.get(rpc._special_sig_key) == rpc._special_secret_sig:
            return _SECRET
        return {k: _plain(value[k]) for k in sorted(value) if k != rpc._special_sig_key}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, pulumi.Resource):
        return f"[resource {type(value).__name__}]"
    if isinstance(value, (pulumi.Asset, pulumi.Archive)):
        return _plain_asset(value)
    return str(value)


def _plain_asset(value: Any) -> dict[str, Any]:
    """An asset or archive as its content, not its repr (which holds a memory address, so the same
    plan would differ run to run): a string asset by the sha256 of its text, file and remote ones
    by their path or URI, an asset archive by its members."""
    if isinstance(value, pulumi.AssetArchive):
        return {"archive": {name: _plain_asset(member) for name, member in sorted(value.assets.items())}}
    kind = "archive" if isinstance(value, pulumi.Archive) else "asset"
    if isinstance(value, pulumi.StringAsset):
        return {kind: "string", "sha256": hashlib.sha256(value.text.encode()).hexdigest()}
    for attribute in ("path", "uri"):
        if isinstance(getattr(value, attribute, None), str):
            return {kind: attribute, attribute: getattr(value, attribute)}
    return {kind: type(value).__name__}


class _RecordingMonitor(sdk_mocks.MockMonitor):
    """The SDK's mock monitor, plus a record of what each registration asked for, and URNs built
    the way the Pulumi engine builds them (the parent's full qualified type, no root Stack)."""

    def __init__(self, mocks: PlanMocks, cancelled: Optional[threading.Event] = None):
        super().__init__(mocks)
        # Set when the caller was interrupted (_on_a_fresh_stack): every further call fails fast, so
        # the abandoned program winds down instead of planning on behind the caller's back.
        self.cancelled = cancelled if cancelled is not None else threading.Event()
        self.records: dict[str, _Registration] = {}
        self.order: list[str] = []
        self.stack_urn = ""
        self._qualified: dict[str, str] = {}
        # The CLI's live resource count (blueprint/progress.py); None when nobody listens.
        self.on_resource = progress.resource_hook()

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

    def _refuse_if_cancelled(self) -> None:
        if self.cancelled.is_set():
            raise PlanInterrupted("the plan was interrupted")

    def Invoke(self, request):  # noqa: N802 (gRPC method name)
        self._refuse_if_cancelled()
        return super().Invoke(request)

    def ReadResource(self, request):  # noqa: N802 (gRPC method name)
        self._refuse_if_cancelled()
        return super().ReadResource(request)

    def RegisterResource(self, request):  # noqa: N802 (gRPC method name)
        self._refuse_if_cancelled()
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
        _young_collection_if_due()
        if self.on_resource is not None:
            self.on_resource(urn)
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
    # From here on, and in the plan, the canonical order, not the run's registration order (issue 16).
    monitor.order = canonical_order(records)
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
    failure: list[BaseException] = []

    def guarded() -> Any:
        callers = set(asyncio.all_tasks())  # pending before the program: the caller's, left alone
        try:
            return program()
        except BaseException as error:  # noqa: BLE001 - re-raised below, once the plan is abandoned
            failure.append(error)
            _abandon_the_program(monitor, callers)
            raise

    try:
        _sync_await(run_pulumi_func(guarded))
    except BaseException:
        if not failure:
            raise
    if failure:  # the program's own error (or Ctrl-C), not the cancellation it caused; raised outside
        raise failure[0]  # the handler, so it keeps its own cause and context


def _abandon_the_program(monitor: sdk_mocks.MockMonitor, callers: set[asyncio.Task]) -> None:
    """After the program raised (an error, or a KeyboardInterrupt: issue 16): cancel what it left
    pending on the plan's event loop. The SDK's run_pulumi_func otherwise waits for every
    outstanding Output before re-raising, and an Output the program meant to resolve later
    (``pulumi.deferred_output``, resolved further down the program) never is: the plan would hang
    for ever. Further registrations and invokes fail fast (the monitor is cancelled)."""
    if isinstance(monitor, _RecordingMonitor):
        monitor.cancelled.set()
    loop = asyncio.get_event_loop()
    current = asyncio.current_task(loop)  # run_pulumi_func's, which calls the program
    for task in asyncio.all_tasks(loop):
        if task is not current and task not in callers:
            task.cancel()


def _run(program: Callable[[], Any], stack: str, project: str, config: Mapping[str, str], secret_keys: list[str],
         cloud: Optional[str], cancelled: Optional[threading.Event] = None) -> Plan:
    monitor_ref: dict[str, _RecordingMonitor] = {}
    mocks = PlanMocks(config, lambda ref: monitor_ref["m"].region_of_provider(ref))
    monitor = _RecordingMonitor(mocks, cancelled)
    monitor_ref["m"] = monitor
    progress.phase("run the program")
    run_under_mocks(program, mocks, monitor, stack=stack, project=project, config=config, secret_keys=secret_keys)
    progress.phase("place resources")
    resources = _place(monitor, config, cloud)
    return Plan(stack=stack, cloud=cloud, resources=resources, stack_urn=monitor.stack_urn, outputs=_stack_outputs(),
                residency=config.get("blueprint:residency"))


def _stack_outputs() -> dict[str, Any]:
    """The values the program exported (``pulumi.export``), resolved; secrets redacted at any depth
    (a dict of kubeconfigs shows each secret as ``[secret]``, the rest in clear)."""
    root = pulumi.runtime.get_root_resource()
    exported = getattr(root, "outputs", None) or {}
    return _resolved(dict(exported))


def _resolved(value: Any) -> Any:
    if isinstance(value, pulumi.Output):
        if _sync_await(value.is_secret()):
            return _SECRET
        return _resolved(_sync_await(value.future()))
    if isinstance(value, dict):  # keys sorted, as _plain's
        return {k: _resolved(value[k]) for k in sorted(value)}
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
    cancelled = threading.Event()
    with _collector_for_a_plan():
        return _on_a_fresh_stack(cancelled, context.run, _run, program, stack, project, config, list(secret_keys or []),
                                 cloud, cancelled)


# Interrupts (issue 16, blueprint/interrupt.py): how long an interrupted caller waits for the
# cancelled program to wind down (its calls fail at once: well under a second) before going on.
_CANCEL_GRACE_S = 2.0


def _on_a_fresh_stack(cancelled: threading.Event, fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` on a new thread, on the caller's event loop; its result, or its exception raised here.

    Speed (benchmarks/README.md): the SDK captures the Python stack at every registration and turns
    each frame below the resource's constructor into a source position (pulumi/runtime/resource.py
    _get_stack_trace: traceback.extract_stack, then Path.as_uri per frame). Run where it is called,
    a plan paid that for its caller's frames too: the CLI's typer/click frames (~12) or a test
    runner's, on every resource. On a fresh thread the stack starts at the program, as under
    ``pulumi up``, where the language host calls the program from a shallow stack. The event loop
    stays the caller's (the thread waits, so only one thread runs it): Outputs a caller made before
    the plan (Args built outside the program) belong to that loop and still resolve in it.

    Interrupts: Ctrl-C reaches the main thread only, here in ``join``. ``cancelled`` (the monitor's)
    is then set, so the program's further registrations and invokes fail at once; after a short
    grace for it to wind down, the interrupt goes on up (the thread is a daemon: it never holds the
    process). A KeyboardInterrupt raised inside the program cancels the same way."""
    outcome: dict[str, Any] = {}
    loop = _ensure_event_loop()

    def target() -> None:
        asyncio.set_event_loop(loop)
        try:
            outcome["result"] = fn(*args)
        except BaseException as error:  # noqa: BLE001 - re-raised in the calling thread
            if isinstance(error, KeyboardInterrupt):
                cancelled.set()  # what the program still has queued fails fast instead of planning on
            outcome["error"] = error
        finally:
            asyncio.set_event_loop(None)

    worker = threading.Thread(target=target, name="blueprint-plan", daemon=True)
    worker.start()
    try:
        worker.join()
    except BaseException:
        cancelled.set()
        worker.join(_CANCEL_GRACE_S)
        raise
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


# The collector is off during a plan (_collector_for_a_plan), but most young objects a plan makes
# are the SDK's short-lived cycles (~80 % of them: discarded Outputs' tasks, closures), so memory is
# bounded: once this many young objects wait (~350 per resource: about 1,400 resources' worth, some
# 70 MB), the next registration runs one young collection over them. Plans below it need none
# (prod: ~900 resources); larger ones scan each object once instead of twice.
_PLAN_YOUNG_LIMIT = 500_000


def _young_collection_if_due() -> None:
    if gc.get_count()[0] > _PLAN_YOUNG_LIMIT:
        gc.collect(1)


@contextmanager
def _collector_for_a_plan() -> Iterator[None]:
    """Speed, without changing what is planned (benchmarks/README.md, "Where the time went").

    Everything a plan creates stays reachable until it ends (the program's resources hold their
    Outputs, futures and the recorded inputs), and the provider modules the program imports
    lazily (pulumi_aws.ec2, .wafv2, ...: ~1M objects) live for the process. Collections during a
    plan therefore scan a graph that only grows: full ones rescanned it all (half of a 20-workload
    plan's time, the whole of its super-linear growth), young ones (~2,300 per 20 workloads, ~15 %
    of a plan's CPU time) scanned every new object twice (gen0, gen1) to free the SDK's short-lived
    cycles. So during a plan the objects alive at its start are frozen (gc.freeze) and the
    collector is off; the young objects are collected in one pass per _PLAN_YOUNG_LIMIT of them
    (_young_collection_if_due, from the monitor), which bounds the plan's garbage.
    Afterwards the collector is on again as it was, and what the plan built gets one
    young collection (generations 0 and 1: its cyclic garbage freed, the rest counted into the
    oldest generation, whose full collections then come as usual) -- except in the `blueprint`
    command (``blueprint.plan.freeze_after_plans``), which exits soon after: there the plan's objects
    are frozen instead, so no collection ever scans them."""
    import blueprint.plan

    enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        if blueprint.plan.freeze_after_plans:
            gc.freeze()
        else:
            gc.unfreeze()  # what was alive before the plan: back into the oldest generation
            gc.collect(1)
        if enabled:
            gc.enable()


def _run_main(main: Path) -> None:
    """What ``runpy.run_path(main, run_name="__main__")`` does (a fresh ``__main__`` module and
    ``sys.argv[0]`` the file while it runs), without runpy's three frames under every registration
    (see _on_a_fresh_stack)."""
    module = types.ModuleType("__main__")
    module.__dict__.update(__file__=str(main), __cached__=None, __package__="")
    code = compile(main.read_bytes(), str(main), "exec")
    saved_main, saved_argv = sys.modules.get("__main__"), list(sys.argv)
    sys.modules["__main__"] = module
    sys.argv[:1] = [str(main)]
    try:
        exec(code, module.__dict__)  # noqa: S102 - the project's own program, as runpy would run it
    finally:
        sys.argv[:] = saved_argv
        if saved_main is not None:
            sys.modules["__main__"] = saved_main
        else:
            sys.modules.pop("__main__", None)


def plan_project(project_dir: Path, stack: str, config: Mapping[str, str], secret_keys: Optional[list[str]] = None,
                 project: str = "blueprint") -> Plan:
    """Run the project's real ``__main__.py`` as ``pulumi up`` would (cwd and sys.path at the
    project root) and return its plan. ``project`` is Pulumi.yaml's ``name``: what
    ``pulumi.get_project()`` and a namespace-less ``pulumi.Config()`` see in the program."""
    main = project_dir / "__main__.py"

    def program() -> None:
        _run_main(main)

    added = str(project_dir) not in sys.path
    if added:
        sys.path.insert(0, str(project_dir))
    try:
        return plan_program(program, stack=stack, project=project, config=config, secret_keys=secret_keys)
    finally:
        if added:
            sys.path.remove(str(project_dir))
