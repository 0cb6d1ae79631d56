"""``blueprint export``: a plan as files other tools read.

``export_plan(plan, out_dir)`` writes:

* ``tfplan.json``: the Terraform-plan JSON of the cloud resources (:mod:`blueprint.export.tfplan`),
  what checkov's ``terraform_plan`` framework scans;
* ``k8s/``: one YAML manifest per planned Kubernetes object (:mod:`blueprint.export.k8s`); the
  directory is always created, empty when the plan has no Kubernetes resources;
* ``export.json``: the Terraform address -> Pulumi URN table, manifest file -> URN, the skipped
  types and the notes, so findings on the exported files map back to Pulumi resources.
"""

from __future__ import annotations

import errno
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from blueprint.export.k8s import kubernetes_manifests
from blueprint.export.tfplan import TerraformExport, build_terraform_plan, to_terraform_plan
from blueprint.fileio import replace_dir, staging_dir
from blueprint.plan.model import Plan

TFPLAN_FILE = "tfplan.json"
K8S_DIR = "k8s"
INDEX_FILE = "export.json"

__all__ = ["ExportResult", "TerraformExport", "build_terraform_plan", "export_plan", "foreign_entries", "load_index", "to_terraform_plan",
           "TFPLAN_FILE", "K8S_DIR", "INDEX_FILE"]


@dataclass
class ExportResult:
    out_dir: Path
    tfplan_path: Path
    k8s_dir: Path
    index_path: Path
    resources: int  # Terraform resources written
    terraform_types: int
    manifests: int
    address_to_urn: dict[str, str] = field(default_factory=dict)
    manifest_to_urn: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, list[str]] = field(default_factory=dict)  # Pulumi type -> URNs not exported
    notes: list[str] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        lines = [f"wrote {self.tfplan_path}: {self.resources} resources of {self.terraform_types} Terraform types"]
        if self.manifests:
            lines.append(f"wrote {self.manifests} Kubernetes manifests to {self.k8s_dir}")
        else:
            lines.append(f"{self.k8s_dir} is empty: the plan has no Kubernetes resources")
        skipped = [n for n in self.notes if n.startswith("skipped ")]
        lines += skipped or ["skipped types: none"]
        lines += [f"note: {n}" for n in self.notes if not n.startswith("skipped ")]
        return lines


def foreign_entries(out_dir: Path) -> list[str]:
    """What ``out_dir`` holds besides an export's own files: the swap in :func:`export_plan` replaces
    the whole folder, so anything else there would be deleted with the previous export."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        return []
    return sorted(p.name for p in out_dir.iterdir() if p.name not in (TFPLAN_FILE, K8S_DIR, INDEX_FILE))


def export_plan(plan: Plan, out_dir: Path) -> ExportResult:
    """Write ``tfplan.json``, ``k8s/*.yaml`` and ``export.json`` for ``plan`` under ``out_dir``.

    Issue 16: the files are written into a staging folder beside ``out_dir`` and swapped in whole at
    the end (blueprint/fileio.replace_dir), so an interrupted or failed export leaves the previous
    export untouched, never a mix of two stacks' files. A folder holding anything else is refused
    (FileExistsError) rather than deleted by the swap."""
    out_dir = Path(out_dir)
    others = foreign_entries(out_dir)
    if others:
        raise FileExistsError(errno.EEXIST, f"the folder holds files that are not an export ({', '.join(others[:10])}"
                              f"{', ...' if len(others) > 10 else ''}); give an empty or export-only folder", str(out_dir))
    staging = staging_dir(out_dir)
    try:
        result = _write_export(plan, staging, out_dir)
        replace_dir(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return result


def _write_export(plan: Plan, write_dir: Path, out_dir: Path) -> ExportResult:
    """The export's files written under ``write_dir``; the result names them under ``out_dir``, where
    they are once swapped in."""
    terraform = build_terraform_plan(plan)
    tfplan_path = write_dir / TFPLAN_FILE
    # Keys sorted, as Terraform writes its JSON; resources stay in plan (registration) order.
    tfplan_path.write_text(json.dumps(terraform.document, indent=2, sort_keys=True) + "\n", encoding="utf-8")

    k8s_dir = write_dir / K8S_DIR
    k8s_dir.mkdir()
    manifests = kubernetes_manifests(plan)
    for manifest in manifests.manifests:
        (k8s_dir / manifest.filename).write_text(yaml.safe_dump(manifest.document, sort_keys=False), encoding="utf-8")

    skipped = {**terraform.skipped, **manifests.skipped}
    notes = list(terraform.notes) + [f"skipped {len(u)} resource(s) of type {t}: not a single Kubernetes object" for t, u in sorted(manifests.skipped.items())]
    result = ExportResult(
        out_dir=out_dir, tfplan_path=out_dir / TFPLAN_FILE, k8s_dir=out_dir / K8S_DIR, index_path=out_dir / INDEX_FILE,
        resources=len(terraform.address_to_urn),
        terraform_types=len({a.split(".", 1)[0] for a in terraform.address_to_urn}),
        manifests=len(manifests.manifests),
        address_to_urn=terraform.address_to_urn,
        manifest_to_urn={m.filename: m.urn for m in manifests.manifests},
        skipped=skipped, notes=notes,
    )
    index = {"stack": plan.stack, "cloud": plan.cloud, "tfplan": TFPLAN_FILE, "k8s_dir": K8S_DIR,
             "address_to_urn": result.address_to_urn, "manifest_to_urn": result.manifest_to_urn,
             "skipped": skipped, "notes": notes}
    (write_dir / INDEX_FILE).write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")
    return result


def load_index(path: Path) -> dict[str, Any]:
    """``export.json`` as written by :func:`export_plan` (empty tables when it is absent)."""
    path = Path(path)
    if not path.is_file():
        return {"address_to_urn": {}, "manifest_to_urn": {}, "skipped": {}, "notes": []}
    return json.loads(path.read_text(encoding="utf-8"))
