"""Rules that relate several configuration values to each other and to the catalogs.

They run on a *lenient view* of the configuration (see :mod:`blueprint.config.validate`): a value
that failed its own shape check is ``None`` here and every rule that needs it is skipped, so one
typo never hides the other problems of the file.
"""

from __future__ import annotations

import re
from typing import Any, Iterator, Optional

from blueprint.catalogs import accelerators as acc
from blueprint.catalogs import kubernetes
from blueprint.catalogs import residency
from blueprint.catalogs.operations import operations_spec
from blueprint.catalogs.recovery_data import RECOVERY_DATA, recovery_data_spec
from blueprint.catalogs.system_pool import FALLBACK_HPA_FACTOR, SYSTEM_POOLS
from blueprint.catalogs.tiers import Strategy, tier_spec
from blueprint.config.errors import Problem
from blueprint.config.models import _check_pinned_image
from blueprint.quantities import cpu_millicores, memory_mib

B = "blueprint"


def _region_problems(path: str, region: Optional[str], cloud: Optional[str], juris: Optional[str]) -> Iterator[Problem]:
    if region is None or cloud is None:
        return
    if residency.find_region(cloud, region) is None:
        allowed = residency.regions(cloud, juris) if juris else residency.all_regions(cloud)
        yield Problem(path, f"not a known {cloud} region; allowed: {', '.join(allowed)}", region)
        return
    if juris is not None and region not in residency.regions(cloud, juris):
        allowed = ", ".join(residency.regions(cloud, juris))
        yield Problem(path, f"outside the '{juris}' jurisdiction (blueprint:residency); allowed {cloud} regions: {allowed}", region)


def _absent(view: Any, field: str) -> bool:
    """Not set at all (a malformed value is present: its shape problem is already reported)."""
    return getattr(view, field) is None and field not in getattr(view, "_invalid", ())


def _strategy(w: Any) -> Optional[Strategy]:
    if w.tier is None:
        return w.strategy
    return w.strategy or tier_spec(w.tier).default_strategy


def _provider_keys(c: Any) -> Iterator[Problem]:
    primary = c.primary_region
    own, others = {"aws": ("aws:region",), "gcp": ("gcp:project", "gcp:region")}, {"aws": ("gcp:project", "gcp:region"), "gcp": ("aws:region",)}
    if c.cloud is None:
        return
    fields = {"aws:region": "aws_region", "gcp:region": "gcp_region", "gcp:project": "gcp_project"}
    values = {key: getattr(c, field) for key, field in fields.items()}
    for key in own[c.cloud]:
        if _absent(c, fields[key]):
            yield Problem(key, f"required for blueprint:cloud {c.cloud}")
    region_key = f"{c.cloud}:region"
    if values[region_key] is not None and primary is not None and values[region_key] != primary:
        yield Problem(region_key, f"must equal blueprint:primaryRegion ({primary})", values[region_key])
    for key in others[c.cloud]:
        if values[key] is not None:
            yield Problem(key, f"only valid when blueprint:cloud is {key.split(':')[0]}; this stack is {c.cloud}", values[key])


def chosen_zones(cloud: str, region: str, count: int) -> tuple[str, ...]:
    """The zones the composer uses in a region: the first ``count`` in the catalog's order (the
    same order the mocked and the real availability-zone invokes answer with)."""
    found = residency.find_region(cloud, region)
    return tuple(found.zones[:count]) if found else ()


def _gpu_problems(c: Any, w: Any, p: str, strategy: Optional[Strategy]) -> Iterator[Problem]:
    gpu = w.gpu
    if gpu is None:
        return
    tier = w.tier
    if gpu.min_nodes_per_zone is not None and gpu.max_nodes_per_zone is not None and gpu.min_nodes_per_zone > gpu.max_nodes_per_zone:
        yield Problem(f"{p}.gpu.minNodesPerZone", f"must be <= maxNodesPerZone ({gpu.max_nodes_per_zone})", gpu.min_nodes_per_zone)
    # The tier rules come from blueprint.catalogs.operations (the components get the same values).
    ops = operations_spec(tier) if tier is not None else None
    if ops is not None and ops.serving_gpu_minimum and w.service is not None and gpu.min_nodes_per_zone == 0:
        yield Problem(f"{p}.gpu.minNodesPerZone", f"must be >= 1 for a {tier.value} workload with a service (0 leaves nothing serving)", 0)
    if ops is not None and ops.guaranteed_gpu_capacity and gpu.capacity is not None and gpu.capacity.value == "spot":
        yield Problem(f"{p}.gpu.capacity", f"spot-only capacity can be reclaimed at once; {tier.value} allows: on-demand, mixed", "spot")
    if c.cloud is None or gpu.accelerator is None:
        return
    name = gpu.accelerator.value
    counts = acc.gpu_counts(c.cloud, name)
    if not counts:
        offered = [a for a in acc.ACCELERATOR_NAMES if acc.gpu_counts(c.cloud, a)]
        yield Problem(f"{p}.gpu.accelerator", f"not offered on {c.cloud}; allowed: {', '.join(offered)}", name)
        return
    if gpu.gpus_per_node is not None and gpu.gpus_per_node not in counts:
        yield Problem(f"{p}.gpu.gpusPerNode", f"{name} on {c.cloud} comes with {', '.join(map(str, counts))} GPUs per node", gpu.gpus_per_node)
        return
    if gpu.gpus_per_node is None:
        return
    regions = [("blueprint:primaryRegion", c.primary_region)]
    if strategy is not None and strategy.deploys_second_region and c.secondary_region:
        regions.append(("blueprint:secondaryRegion", c.secondary_region))
    for key, region in regions:
        if region is None or residency.find_region(c.cloud, region) is None:
            continue
        zones = chosen_zones(c.cloud, region, c.zones_per_region or 3)
        offering = _offering_zones(c.cloud, name, gpu.gpus_per_node, region)
        usable = [z for z in zones if z in offering]
        if not offering:
            where = [r for r in acc.regions_offering(c.cloud, name) if c.residency is None or r in residency.regions(c.cloud, c.residency)]
            yield Problem(
                f"{p}.gpu.accelerator",
                f"not offered in {region} ({key}); {c.cloud} regions of '{c.residency}' offering it: {', '.join(where) or 'none'}",
                name,
            )
        elif tier is not None and len(usable) < tier_spec(tier).min_zones:
            yield Problem(
                f"{p}.gpu.accelerator",
                f"offered in {len(usable)} of the zones used in {region} ({', '.join(zones)}); "
                f"tier {tier.value} needs {tier_spec(tier).min_zones}",
                name,
            )


def _offering_zones(cloud: str, name: str, gpus: int, region: str) -> tuple[str, ...]:
    if cloud == "aws":
        option = acc.aws_instance_for(name, gpus)
        return acc.aws_offering_zones(option.instance_type, region) if option else ()
    option = acc.gcp_machine_for(name, gpus)
    return acc.gcp_offering_zones(option.accelerator_type, region) if option else ()


def _workload_problems(c: Any, i: int, w: Any) -> Iterator[Problem]:
    p = f"{B}:workloads[{i}]"
    strategy = _strategy(w)
    if w.tier is not None:
        spec = tier_spec(w.tier)
        if w.strategy is not None and w.strategy.rank < spec.default_strategy.rank:
            allowed = [s.value for s in Strategy if s.rank >= spec.default_strategy.rank]
            yield Problem(f"{p}.strategy", f"weaker than tier {w.tier.value}'s {spec.default_strategy.value}; allowed: {', '.join(allowed)}", w.strategy.value)
        if w.rto_seconds is not None and w.rto_seconds > spec.rto_target_s:
            yield Problem(f"{p}.rtoSeconds", f"may only be stricter than tier {w.tier.value}'s target; allowed: 1..{spec.rto_target_s}", w.rto_seconds)
        if w.rpo_seconds is not None and w.rpo_seconds > spec.rpo_target_s:
            yield Problem(f"{p}.rpoSeconds", f"may only be stricter than tier {w.tier.value}'s target; allowed: 0..{spec.rpo_target_s}", w.rpo_seconds)
        if w.backup is not None and w.backup.retention_days is not None and w.backup.retention_days < spec.min_retention_days:
            yield Problem(
                f"{p}.backup.retentionDays",
                f"below tier {w.tier.value}'s minimum immutable retention; allowed: {spec.min_retention_days}..36500",
                w.backup.retention_days,
            )
    if w.failover_approval is not None and strategy is not None and not strategy.deploys_second_region:
        yield Problem(f"{p}.failoverApproval", f"strategy {strategy.value} has no second region to fail over to (recovery is a "
                      "restore); remove it, or choose a strategy of pilot-light or stronger", w.failover_approval)
    yield from _gpu_problems(c, w, p, strategy)
    yield from _recovery_data_problems(w, p)
    yield from _outside_image_problems(w, p)
    yield from _fallback_problems(c, w, p)


def _recovery_data_problems(w: Any, p: str) -> Iterator[Problem]:
    """images / secrets (issue 18): unique names, and a service image that resolves to one of the
    workload's images ("<image>:<tag>", the composer adds the registry of each region) or a digest."""
    for key, names in (("images", w.images), ("secrets", w.secrets)):
        seen: set[str] = set()
        for j, name in enumerate(names or ()):
            if name in seen:
                yield Problem(f"{p}.{key}[{j}]", f"duplicate; each of the workload's {key} is named once", name)
            seen.add(name)
    service = w.service
    fallback = getattr(service, "fallback", None) if service is not None else None
    for key, image in (("service.image", service.image if service is not None else None),
                       ("service.fallback.image", fallback.image if fallback is not None else None)):
        if not w.images or image is None or "@sha256:" in image:
            continue
        repository = image.rsplit(":", 1)[0]
        if repository not in w.images:
            yield Problem(f"{p}.{key}", f"must name one of the workload's images as '<image>:<tag>' (allowed images: "
                          f"{', '.join(w.images)}; the composer pulls it from the region's own replica), or pin a digest "
                          "(<registry>/<path>@sha256:<64 hex>)", image)


# A digest pin names one image for good (the recovery-data policy's mark, blueprint/analysis/recovery_facts.py).
_DIGEST_MARK = "@sha256:"


def _outside_image_problems(w: Any, p: str) -> Iterator[Problem]:
    """A tier whose recovery-data row is ``required`` (blueprint.catalogs.recovery_data) pulls only from the
    stack's own repositories or by digest; without ``images`` the stack has no repository, so a tagged
    service (or fallback) image comes from outside. The ``recovery-data-replicated`` policy refuses such a
    plan too (blueprint/policies/recovery_data.py); this refuses the stack file before planning."""
    if w.tier is None or w.images or "images" in getattr(w, "_invalid", ()) or not recovery_data_spec(w.tier).required:
        return
    service = w.service
    fallback = getattr(service, "fallback", None) if service is not None else None
    for key, image in (("service.image", service.image if service is not None else None),
                       ("service.fallback.image", fallback.image if fallback is not None else None)):
        if image is not None and _DIGEST_MARK not in image and _well_formed(image):
            yield Problem(f"{p}.{key}", f"a {w.tier.value} workload pulls only from its own image repositories or by digest, "
                          "and this one declares no `images`: declare them (e.g. images: [<image>]) and name one as "
                          "'<image>:<tag>', or pin a digest (<registry>/<path>@sha256:<64 hex>); tiers that may pull a tag from "
                          f"another registry: {', '.join(t.value for t, spec in RECOVERY_DATA.items() if not spec.required)}", image)


def _well_formed(image: str) -> bool:
    """A malformed image (its own problem is reported by the model) is not judged again here."""
    try:
        _check_pinned_image(image)
    except ValueError:
        return False
    return True


def _fallback_problems(c: Any, w: Any, p: str) -> Iterator[Problem]:
    """service.fallback (issue 18): only beside GPU serving; on GCP its readiness path is the service's."""
    service = w.service
    fallback = getattr(service, "fallback", None) if service is not None else None
    if fallback is None:
        return
    if _absent(w, "gpu"):
        # A CPU-only service already runs on general nodes: a fallback would be a second copy of it.
        yield Problem(f"{p}.service.fallback", "a fallback serves beside GPU serving, and this workload has no gpu; remove "
                      "it (a CPU-only service scales with service.replicasPerZone) or give the workload a gpu", "fallback")
    # One health check per GCP backend service probes service.readinessPath on every NEG endpoint,
    # the fallback's too (blueprint/components/gcp/load_balancer.py).
    if c.cloud == "gcp" and fallback.readiness_path is not None and service.readiness_path is not None \
            and fallback.readiness_path != service.readiness_path:
        yield Problem(f"{p}.service.fallback.readinessPath", "on gcp the load balancer's one health check probes "
                      f"service.readinessPath ({service.readiness_path}) on the fallback's endpoints too; leave it unset "
                      "or make it equal", fallback.readiness_path)


def _fallbacks(workloads: list[tuple[int, Any]]) -> list[tuple[int, Any, Any]]:
    """(index, workload, its service.fallback) of the workloads that declare one."""
    found = []
    for i, w in workloads:
        service = getattr(w, "service", None)
        fallback = getattr(service, "fallback", None) if service is not None else None
        if fallback is not None:
            found.append((i, w, fallback))
    return found


def _system_pool_problems(c: Any, workloads: list[tuple[int, Any]]) -> Iterator[Problem]:
    """Every workload's fallback pods share the system nodes of a zone (the primary runs them all): at the HPA
    ceiling (FALLBACK_HPA_FACTOR x replicasPerZone per zone) their requests must fit what the system pool
    leaves at its maximum size (blueprint/catalogs/system_pool.py), or pods stay Pending and rollouts never end."""
    pool = SYSTEM_POOLS.get(c.cloud or "")
    found = _fallbacks(workloads)
    if pool is None or not found:
        return
    for kind, unit, need, usable in (
            ("cpu", "m", lambda f: cpu_millicores(f.cpu), pool.usable_cpu_m),
            ("memory", "Mi", lambda f: memory_mib(f.memory), pool.usable_memory_mib)):
        try:
            asks = [(i, f.replicas_per_zone * FALLBACK_HPA_FACTOR * need(f)) for i, _, f in found]
        except (TypeError, ValueError):
            continue  # a malformed quantity is reported by the model
        total = sum(a for _, a in asks)
        if total <= usable:
            continue
        sharing = ", ".join(f"workloads[{i}] {a:g}{unit}" for i, a in asks)
        for (i, _, f), (_, ask) in zip(found, asks):
            yield Problem(f"{B}:workloads[{i}].service.fallback.{kind}", (
                f"at its HPA ceiling ({FALLBACK_HPA_FACTOR} x replicasPerZone {f.replicas_per_zone} x {kind}) this fallback asks "
                f"each zone's system nodes for {ask:g}{unit}; with the other fallbacks ({sharing}) that is {total:g}{unit}, above "
                f"the {usable:g}{unit} a zone's system pool leaves ({pool.max_nodes_per_zone} x {pool.machine_type} on {c.cloud}, "
                "less the add-ons' allowance: blueprint/catalogs/system_pool.py): the extra pods would stay Pending; lower "
                f"service.fallback.replicasPerZone or {kind}, or drop a fallback"), getattr(f, kind))


def _fallback_name_problems(c: Any, workloads: list[tuple[int, Any]]) -> Iterator[Problem]:
    """GCP names a fallback's NEGs as a workload named '<workload>-fallback' would name its own (same env and
    region, blueprint/components/gcp/workload_region.py): both cannot exist in one project."""
    if c.cloud != "gcp":
        return
    names = {w.name: i for i, w in workloads if w.name is not None}
    for i, w, _ in _fallbacks(workloads):
        twin = names.get(f"{w.name}-fallback") if w.name else None
        if twin is not None:
            yield Problem(f"{B}:workloads[{twin}].name", f"collides with the NEG names of workloads[{i}].service.fallback "
                          f"({w.name}'s fallback is named '{w.name}-fallback' on gcp); rename workloads[{twin}] or remove "
                          f"workloads[{i}].service.fallback", f"{w.name}-fallback")


def _second_region_problems(c: Any, workloads: list[tuple[int, Any]]) -> Iterator[Problem]:
    if c.cloud is None:
        return
    juris_regions = residency.regions(c.cloud, c.residency) if c.residency else None
    needing = [(w.name or f"workloads[{i}]", s) for i, w in workloads if (s := _strategy(w)) is not None and s.deploys_second_region]
    copying = [(w.name or f"workloads[{i}]", s) for i, w in workloads if (s := _strategy(w)) is Strategy.BACKUP_RESTORE]
    if _absent(c, "secondary_region"):
        # Backup-restore copies backups to the second region; it may do without one only where the
        # jurisdiction has a single region (residency wins over the copy).
        if not needing and copying and juris_regions is not None and len(juris_regions) < 2:
            return
        who = needing or copying
        if not who:
            return
        names = ", ".join(f"{n} ({s.value})" for n, s in who)
        options = [r for r in (juris_regions or {}) if r != c.primary_region]
        if juris_regions is None:
            hint = "choose a second region inside blueprint:residency"
        elif options:
            hint = f"choose one of: {', '.join(options)}"
        else:
            hint = f"the '{c.residency}' jurisdiction has no second {c.cloud} region; use a strategy that needs none, or another residency"
        yield Problem(f"{B}:secondaryRegion", f"required by workloads {names}; {hint}")
    elif c.primary_region is not None and c.secondary_region == c.primary_region:
        yield Problem(f"{B}:secondaryRegion", "must differ from blueprint:primaryRegion", c.secondary_region)


def _zone_problems(c: Any, workloads: list[tuple[int, Any]]) -> Iterator[Problem]:
    if c.zones_per_region is None:
        return
    for i, w in workloads:
        if w.tier is not None and c.zones_per_region < tier_spec(w.tier).min_zones:
            yield Problem(
                f"{B}:zonesPerRegion",
                f"tier {w.tier.value} of workloads[{i}] ({w.name}) needs at least {tier_spec(w.tier).min_zones} zones",
                c.zones_per_region,
            )
            break
    for key, region in (("primaryRegion", c.primary_region), ("secondaryRegion", c.secondary_region)):
        found = residency.find_region(c.cloud, region) if c.cloud and region else None
        if found is not None and len(found.zones) < c.zones_per_region:
            yield Problem(f"{B}:zonesPerRegion", f"{region} (blueprint:{key}) has only {len(found.zones)} zones: {', '.join(found.zones)}", c.zones_per_region)


def _deployer_cidr_problems(c: Any, workloads: list[tuple[int, Any]]) -> Iterator[Problem]:
    """blueprint:deployerCidrs: required wherever a cluster runs (every stack with a workload: the
    primary region always runs one), each a specific public IPv4 block (blueprint.catalogs.kubernetes)."""
    key = f"{B}:deployerCidrs"
    if "deployer_cidrs" in getattr(c, "_invalid", ()):
        return
    cidrs = tuple(c.deployer_cidrs or ())
    if not cidrs:
        if workloads:
            yield Problem(key, "required: the networks `pulumi up` runs from (CI runner egress, VPN, office NAT) as "
                               f"IPv4 CIDRs, 1..{kubernetes.MAX_DEPLOYER_CIDRS}; the clusters' API endpoints answer "
                               "only them (docs/deploying.md), e.g. [203.0.113.10/32]")
        return
    for index, message in kubernetes.deployer_cidrs_problems(cidrs):
        if index is None:
            yield Problem(key, message, list(cidrs))
        else:
            yield Problem(f"{key}[{index}]", message, cidrs[index])


# ACM: a certificate's first domain name (its common name) is at most 64 characters, dots included
# (https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html, DomainName). Each
# AWS workload with a service gets a certificate for <workload>.<dnsZone> (blueprint/components/aws/load_balancer.py).
ACM_DOMAIN_NAME_MAX = 64


def _certificate_name_problems(c: Any, workloads: list[tuple[int, Any]]) -> Iterator[Problem]:
    if c.cloud != "aws" or c.dns_zone is None:
        return
    for i, w in workloads:
        fqdn = f"{w.name}.{c.dns_zone}"
        if w.service is not None and w.name is not None and len(fqdn) > ACM_DOMAIN_NAME_MAX:
            yield Problem(f"{B}:workloads[{i}].name", f"its service's certificate name {fqdn!r} is {len(fqdn)} characters; ACM allows "
                          f"at most {ACM_DOMAIN_NAME_MAX} (dots included): shorten the workload name or blueprint:dnsZone", w.name)


# blueprint:breakGlassPrincipals (issue 18): IAM principal ARNs on AWS (the role's trust policy), IAM members
# on GCP (PAM entitlement eligible users: https://cloud.google.com/iam/docs/pam-create-entitlements).
_BREAK_GLASS_AWS = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:(root|role/[\w+=,.@/-]+|user/[\w+=,.@/-]+)$")
_BREAK_GLASS_GCP = re.compile(r"^(user|group|serviceAccount|domain):[^\s]+$")


def _break_glass_problems(c: Any) -> Iterator[Problem]:
    if "break_glass_principals" in getattr(c, "_invalid", ()):
        return
    gcp = c.cloud == "gcp"
    pattern = _BREAK_GLASS_GCP if gcp else _BREAK_GLASS_AWS
    example = "group:dr-operators@example.com" if gcp else "arn:aws:iam::123456789012:role/dr-operator"
    for i, principal in enumerate(c.break_glass_principals or ()):
        if not pattern.match(principal):
            yield Problem(f"{B}:breakGlassPrincipals[{i}]", f"is not {'an IAM member' if gcp else 'an IAM role/user ARN'} "
                          f"for a {c.cloud} stack; use e.g. {example}", principal)


def check_rules(c: Any) -> Iterator[Problem]:
    """Every cross-value rule of DESIGN.md over a (possibly partial) configuration view."""
    yield from _region_problems(f"{B}:primaryRegion", c.primary_region, c.cloud, c.residency)
    yield from _region_problems(f"{B}:secondaryRegion", c.secondary_region, c.cloud, c.residency)
    yield from _provider_keys(c)
    if c.cloud == "aws" and not _absent(c, "designate_dr_replicas"):
        yield Problem(f"{B}:designateDrReplicas", "only valid when blueprint:cloud is gcp (Cloud SQL DR replicas); "
                      "remove it: Aurora global databases need no designation", c.designate_dr_replicas)
    workloads = [(i, w) for i, w in enumerate(c.workloads or []) if w is not None]
    seen: dict[str, int] = {}
    for i, w in workloads:
        if w.name is not None:
            if w.name in seen:
                yield Problem(f"{B}:workloads[{i}].name", f"duplicate; workload names must be unique (also used by workloads[{seen[w.name]}])", w.name)
            seen.setdefault(w.name, i)
    yield from _second_region_problems(c, workloads)
    yield from _zone_problems(c, workloads)
    yield from _deployer_cidr_problems(c, workloads)
    yield from _break_glass_problems(c)
    if _absent(c, "dns_zone") and any(w.service is not None for _, w in workloads):
        served = ", ".join(w.name or f"workloads[{i}]" for i, w in workloads if w.service is not None)
        yield Problem(f"{B}:dnsZone", f"required: workloads {served} have a service to publish (an existing public zone, e.g. ml.example.com)")
    yield from _certificate_name_problems(c, workloads)
    for i, w in workloads:
        yield from _workload_problems(c, i, w)
    yield from _system_pool_problems(c, workloads)
    yield from _fallback_name_problems(c, workloads)
