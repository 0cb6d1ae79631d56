"""Promote a stack after a region is lost: the survivor becomes primary, a new secondary is picked
inside the jurisdiction (or none where there is no other region), and the result must validate.

No silent fixes: when no promoted file validates, the caller gets the exact problems and the
decisions only the operator can take; nothing is written.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import yaml

from blueprint.catalogs import residency
from blueprint.config.errors import ConfigError, Problem
from blueprint.config.loader import load_yaml
from blueprint.config.models import StackConfig
from blueprint.plan.run import load_stack
from blueprint.project import StackRef


@dataclass(frozen=True)
class Promotion:
    stack: str
    cloud: str
    jurisdiction: str
    lost: str
    lost_role: str  # "primary" | "secondary"
    survivor: Optional[str]
    new_secondary: Optional[str]
    # The promoted stack file's text; None when no promoted configuration validates.
    text: Optional[str]
    original: StackConfig
    promoted: Optional[StackConfig]
    # Candidates tried and why each was refused (region -> first problems), in preference order.
    refused: dict[str, list[str]] = field(default_factory=dict)
    # Problems of the best attempt when nothing validates, and what the operator must decide.
    problems: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.text is not None


def _key(config: dict[str, Any], name: str) -> str:
    """The spelling the file uses for a blueprint key (namespaced or bare)."""
    return name if f"blueprint:{name}" not in config and name in config else f"blueprint:{name}"


def promoted_document(document: dict[str, Any], cloud: str, primary: str, secondary: Optional[str]) -> dict[str, Any]:
    """A copy of the stack file's document with the regions replaced (everything else kept:
    encrypted values, secrets provider, salt)."""
    doc = dict(document)
    config = dict(doc.get("config") or {})
    config[_key(config, "primaryRegion")] = primary
    config[f"{cloud}:region"] = primary
    sec_key = _key(config, "secondaryRegion")
    if secondary:
        config[sec_key] = secondary
    else:
        config.pop(sec_key, None)
    # No DR-designation opt-out is written for GCP: the `pulumi up` of the promoted file creates the
    # new secondary's Cloud SQL replicas and then designates them (DrReplicaDesignation runs after them).
    doc["config"] = config
    return doc


def _render(doc: dict[str, Any], header: list[str]) -> str:
    body = yaml.safe_dump(doc, sort_keys=False, default_flow_style=False, allow_unicode=True)
    return "".join(f"# {line}\n" if line else "#\n" for line in header) + body


def _try(project_dir: Path, stack: str, text: str) -> tuple[Optional[StackConfig], list[str]]:
    with tempfile.TemporaryDirectory(prefix="blueprint-rebuild-") as tmp:
        path = Path(tmp) / f"Pulumi.{stack}.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            config, _, _ = load_stack(project_dir, StackRef(stack, path))
        except ConfigError as error:
            return None, [str(p) for p in error.problems]
    return config, []


def stack_regions(config: StackConfig) -> list[str]:
    return [config.primary_region] + ([config.secondary_region] if config.secondary_region else [])


def promote(project_dir: Path, ref: StackRef, lost: str, secondary: Optional[str] = None) -> Promotion:
    """Raise ConfigError (exit 2) when ``lost`` is not one of the stack's regions (or ``secondary``
    is unusable); otherwise return the promotion, ``ok`` only when the promoted file validates."""
    original, _, _ = load_stack(project_dir, ref)
    regions = stack_regions(original)
    if lost not in regions:
        raise ConfigError([Problem("--lost-region", f"not a region of stack '{ref.name}'; allowed: {', '.join(regions)}", lost)], source="arguments")
    cloud, juris = original.cloud, original.residency
    lost_role = "primary" if lost == original.primary_region else "secondary"
    survivor = next((r for r in regions if r != lost), None)
    in_juris = list(residency.regions(cloud, juris))
    # An explicit --new-secondary may be the lost region itself: once it is back, it becomes the
    # secondary of the promoted stack (the operator's call, never picked automatically).
    if secondary is not None and (secondary == survivor or secondary not in in_juris):
        allowed = [r for r in in_juris if r != survivor]
        raise ConfigError([Problem("--new-secondary", f"must be a {cloud} region of '{juris}' other than the survivor {survivor}; allowed: {', '.join(allowed)}", secondary)], source="arguments")
    document = load_yaml(ref.file, f"stack file {ref.file}")
    base = Promotion(ref.name, cloud, juris, lost, lost_role, survivor, None, None, original, None)

    if survivor is None:
        return _replace(base, problems=[f"stack '{ref.name}' runs in {lost} only: no region survived to promote"], decisions=[
            f"wait for {lost} to recover and run `pulumi up --stack {ref.name}` unchanged, or",
            f"rebuild from the vault copies in another region: only possible by changing blueprint:residency '{juris}' "
            f"(its {cloud} regions: {', '.join(in_juris)}), a legal decision for the data owner, not for on-call",
        ])

    candidates = [secondary] if secondary else [r for r in in_juris if r not in (lost, survivor)]
    refused: dict[str, list[str]] = {}
    header = [
        f"Stack '{ref.name}' promoted by `blueprint rebuild --lost-region {lost}`.",
        f"Lost: {lost} (was {lost_role}). Primary now: {survivor}.",
    ]
    for candidate in candidates:
        text = _render(promoted_document(document, cloud, survivor, candidate),
                       header + [f"New secondary: {candidate} (first region of '{juris}' in preference order that validates).", ""])
        config, problems = _try(project_dir, ref.name, text)
        if config is not None:
            return _replace(base, new_secondary=candidate, text=text, promoted=config, refused=refused)
        refused[candidate] = problems[:3]
    if secondary is None:
        text = _render(promoted_document(document, cloud, survivor, None),
                       header + [f"No secondary region: '{juris}' has no other {cloud} region that validates.", ""])
        config, problems = _try(project_dir, ref.name, text)
        if config is not None:
            return _replace(base, text=text, promoted=config, refused=refused)
    else:
        problems = refused.get(secondary, [])
    needing = [w.name for w in original.workloads if _needs_second_region(w)]
    decisions = []
    if not candidates:
        decisions.append(f"'{juris}' has no {cloud} region besides {lost} and {survivor}: the promoted stack cannot have a second region")
    elif refused:
        decisions.append(f"no other {cloud} region of '{juris}' validates ({', '.join(refused)}: see why above); e.g. change the "
                         "workloads' accelerator to one offered in enough zones there, or pick a region with `--new-secondary`")
    decisions += [
        f"run on {survivor} alone (the runbook's promotion steps need no stack change) and, once {lost} is back, "
        f"make it the secondary: `blueprint rebuild --lost-region {lost} --new-secondary {lost}`",
        f"or change the tier of workloads {', '.join(needing) or '(none)'} to one whose strategy needs no second region "
        "(an explicit business decision: it lowers their RTO/RPO targets)",
        f"or change blueprint:residency '{juris}' to a jurisdiction with more regions (a legal decision for the data owner)",
    ]
    return _replace(base, refused=refused, problems=problems, decisions=decisions)


def _needs_second_region(w) -> bool:
    from blueprint.config.models import effective_strategy

    return effective_strategy(w).deploys_second_region


def _replace(p: Promotion, **changes: Any) -> Promotion:
    from dataclasses import replace

    return replace(p, **changes)
