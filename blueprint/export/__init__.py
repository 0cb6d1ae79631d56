"""``blueprint export``: a plan as files other tools read.

``export_plan(plan, out_dir)`` writes:

* ``tfplan.json``: the Terraform-plan JSON of the cloud resources (:mod:`blueprint.export.tfplan`),
  what checkov's ``terraform_plan`` framework scans;
* ``k8s/``: one YAML manifest per planned Kubernetes object (:mod:`blueprint.export.k8s`); the
  directory is always created and regenerated (its old ``*.yaml`` files are removed), empty
  when the plan has no Kubernetes resources;
* ``export.json``: the Terraform address -> Pulumi URN table, manifest file -> URN, the skipped
  types and the notes, so findings on the exported files map back to Pulumi resources.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from blueprint.export.k8s import kubernetes_manifests
from blueprint.export.tfplan import TerraformExport, build_terraform_plan, to_terraform_plan
from blueprint.plan.model import Plan

TFPLAN_FILE = "tfplan.json"
K8S_DIR = "k8s"
INDEX_FILE = "export.json"

__all__ = ["ExportResult", "TerraformExport", "build_terraform_plan", "export_plan", "load_index", "to_terraform_plan",
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


def export_plan(plan: Plan, out_dir: Path) -> ExportResult:
    """Write ``tfplan.json``, ``k8s/*.yaml`` and ``export.json`` for ``plan`` under ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    terraform = build_terraform_plan(plan)
    tfplan_path = out_dir / TFPLAN_FILE
    # Keys sorted, as Terraform writes its JSON; resources stay in plan (registration) order.
    tfplan_path.write_text(json.dumps(terraform.document, indent=2, sort_keys=True) + "\n", encoding="utf-8")

    k8s_dir = out_dir / K8S_DIR
    k8s_dir.mkdir(exist_ok=True)
    for old in k8s_dir.glob("*.yaml"):
        old.unlink()
    manifests = kubernetes_manifests(plan)
    for manifest in manifests.manifests:
        (k8s_dir / manifest.filename).write_text(yaml.safe_dump(manifest.document, sort_keys=False), encoding="utf-8")

    skipped = {**terraform.skipped, **manifests.skipped}
    notes = list(terraform.notes) + [f"skipped {len(u)} resource(s) of type {t}: not a single Kubernetes object" for t, u in sorted(manifests.skipped.items())]
    result = ExportResult(
        out_dir=out_dir, tfplan_path=tfplan_path, k8s_dir=k8s_dir, index_path=out_dir / INDEX_FILE,
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
    result.index_path.write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")
    return result


def load_index(path: Path) -> dict[str, Any]:
    """``export.json`` as written by :func:`export_plan` (empty tables when it is absent)."""
    path = Path(path)
    if not path.is_file():
        return {"address_to_urn": {}, "manifest_to_urn": {}, "skipped": {}, "notes": []}
    return json.loads(path.read_text(encoding="utf-8"))
