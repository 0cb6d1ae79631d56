"""Fixes of the expert review of issue 18's recovery data (plan level): the serving pods start only
after their Pod Identity association, and a rewritten service image is announced on every preview."""

from __future__ import annotations

from typing import Any

import pytest

from blueprint.config.validate import validate_config
from blueprint.footprint import build_footprint
from blueprint.plan.engine import plan_program

SERVICE = {"image": "server:1.4.2", "port": 8080}
GPU = {"accelerator": "nvidia-l4", "minNodesPerZone": 1, "maxNodesPerZone": 2}


def _raw(**workload: Any) -> dict[str, Any]:
    return {"cloud": "aws", "environment": "t", "residency": "us", "aws:region": "us-east-1", "primaryRegion": "us-east-1",
            "secondaryRegion": "us-west-2", "deployerCidrs": ["203.0.113.10/32"], "dnsZone": "ml.example.com",
            "workloads": [{"name": "wl", "tier": "mission-critical", "gpu": GPU, "service": SERVICE, **workload}]}


def _plan(raw: dict[str, Any]):
    from blueprint.components.aws.platform import build_aws

    config = validate_config(raw)
    flat = {(k if ":" in k else f"blueprint:{k}"): v for k, v in raw.items()}
    return plan_program(lambda: build_aws(build_footprint(config)), stack="t", config=flat)


@pytest.fixture(scope="module")
def served_plan():
    return _plan(_raw(images=["server"], secrets=["api-key"]))


def test_serving_deployment_waits_for_its_pod_identity(served_plan):
    """Review finding 2: EKS injects credentials at pod admission only; the Deployment must follow the association."""
    by_urn = {r.urn: r for r in served_plan.resources}
    deployments = [r for r in served_plan.resources if r.type == "kubernetes:apps/v1:Deployment" and r.workload == "wl"]
    assert {d.region for d in deployments} == {"us-east-1", "us-west-2"}
    for deployment in deployments:
        waits_for = {by_urn[u].name for u in deployment.dependencies if u in by_urn}
        serving = f"wl-{deployment.region}-serving"
        assert {f"{serving}-pod-identity", f"{serving}-policy-attachment"} <= waits_for, deployment.name


def test_deployment_without_serving_identity_keeps_its_plain_image():
    # Without images a mission-critical service pulls only by digest (config/rules.py).
    pinned = "registry.example.com/server@sha256:" + "a" * 64
    plan = _plan(_raw(service={**SERVICE, "image": pinned}))
    (image,) = {r.inputs["spec"]["template"]["spec"]["containers"][0]["image"]
                for r in plan.resources if r.type == "kubernetes:apps/v1:Deployment" and r.workload == "wl"}
    assert image == pinned


def test_first_deploy_warning_names_the_image_and_the_procedure(monkeypatch):
    """Review finding 1: the rewrite to the stack's own repository is announced on every preview and up."""
    import pulumi

    from blueprint.components._first_deploy import FIRST_DEPLOY_DOC

    warnings: list[str] = []
    monkeypatch.setattr(pulumi.log, "warn", lambda message, *a, **k: warnings.append(message))
    _plan(_raw(images=["server"]))
    (warning,) = [w for w in warnings if w.startswith("wl: ")]
    assert "ECR t/wl/server:1.4.2" in warning and FIRST_DEPLOY_DOC in warning
    warnings.clear()
    _plan(_raw(images=["server"], service={**SERVICE, "image": "server@sha256:" + "0" * 64}))
    assert not [w for w in warnings if w.startswith("wl: ")]


def test_first_deploy_warning_names_the_fallback_image_too(monkeypatch):
    """service.fallback's image comes from the stack's repositories too: it needs the same first push."""
    import pulumi

    warnings: list[str] = []
    monkeypatch.setattr(pulumi.log, "warn", lambda message, *a, **k: warnings.append(message))
    _plan(_raw(images=["server", "server-cpu"], service={**SERVICE, "fallback": {"image": "server-cpu:1.0.0"}}))
    found = sorted(w.split(", from", 1)[0] for w in warnings if w.startswith("wl: "))
    assert found == ["wl: the fallback pulls ECR t/wl/server-cpu:1.0.0", "wl: the service pulls ECR t/wl/server:1.4.2"]


def test_first_deploy_procedure_is_documented():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "deploying.md").read_text()
    section = text.split("## First deploy of a stack with images", 1)[1].split("\n## ", 1)[0]
    for step in ("pulumi up --exclude '**-inference-deployment' --exclude '**-fallback-deployment' --exclude-dependents", "docker push", "imagetools create",
                 "replication.html", "docker.pkg.dev"):
        assert step in section, step


def test_gcp_deployer_roles_cover_the_recovery_data_and_break_glass():
    """Review finding 5: the deployer's role table names a role for every issue-18 resource type."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "deploying.md").read_text()
    for role in ("roles/artifactregistry.admin", "roles/secretmanager.admin", "roles/logging.configWriter",
                 "roles/privilegedaccessmanager.admin"):
        assert f"| `{role}` |" in text, role
