"""Helpers the component tests share: the module-scoped planned-component fixtures, the spy that
captures the ResourceOptions a component passes to a resource class, and readers of a plan
(a component's children, a policy's statements by Sid). Written once so that each test file
keeps only what is particular to its component."""

from __future__ import annotations

import json
from typing import Any, Callable

import pytest


def planned_component_fixtures(plan_fn: Callable[..., Any]) -> tuple[Any, Any]:
    """Module-scoped ``built`` and ``plan`` fixtures for a test module's ``_plan(outputs=...)``.

    ``built`` is the dict the program filled (the component object under its own key, so tests can
    read its Outputs) plus ``"plan"``; ``plan`` is that plan. Use as
    ``built, plan = planned_component_fixtures(_plan)``: pytest registers fixtures by the module
    attribute they are bound to, so the names must stay ``built`` and ``plan``."""

    @pytest.fixture(scope="module")
    def built() -> dict:
        out: dict = {}
        out["plan"] = plan_fn(outputs=out)
        return out

    @pytest.fixture(scope="module")
    def plan(built: dict):
        return built["plan"]

    return built, plan


def capture_opts(monkeypatch: pytest.MonkeyPatch, namespace: Any, *class_names: str) -> dict[str, Any]:
    """Replace each ``namespace.<class_name>`` (e.g. ``aws.s3``, ``"Bucket"``) by a subclass that
    records the ``opts`` of every instance by resource name, and return that one dict (filled as the
    program runs). The subclasses still register the real resources, so the plan is unchanged."""
    seen: dict[str, Any] = {}
    for class_name in class_names:
        monkeypatch.setattr(namespace, class_name, _spy_class(getattr(namespace, class_name), seen))
    return seen


def _spy_class(base: type, seen: dict[str, Any]) -> type:
    class Spy(base):  # type: ignore[misc, valid-type]
        def __init__(self, resource_name, *args, opts=None, **kwargs):
            seen[resource_name] = opts
            super().__init__(resource_name, *args, opts=opts, **kwargs)

    return Spy


def child_names(plan: Any, component_type: str, name: str | None = None) -> set[str]:
    """Names of the resources parented directly to the component of ``component_type`` (the one
    called ``name`` when the plan holds several)."""
    component = next(r for r in plan.of_type(component_type) if name is None or r.name == name)
    return {r.name for r in plan.resources if r.parent == component.urn}


def statements_by_sid(plan: Any, resource_name: str, key: str = "policy") -> dict[str, dict]:
    """The statements of the JSON policy in input ``key`` of resource ``resource_name``, by Sid."""
    return {s["Sid"]: s for s in json.loads(plan.named(resource_name).inputs[key])["Statement"]}


def assert_private_s3_bucket(plan: Any, name: str) -> None:
    """The S3 bucket component ``name`` blocks every kind of public access and disables ACLs (its
    ``<name>-public-access-block`` and ``<name>-ownership`` children), as every bucket here must."""
    pab = plan.named(f"{name}-public-access-block")
    for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"):
        assert pab.inputs[flag] is True, flag
    assert plan.named(f"{name}-ownership").inputs["rule"] == {"objectOwnership": "BucketOwnerEnforced"}


def assert_pod_identity_role(plan: Any, name: str, namespace: str, service_account: str, cluster: str) -> None:
    """Role ``<name>-role`` trusts EKS Pod Identity for one service account of one cluster only (the
    session tags the EKS Pod Identity Agent sets), and ``<name>-pod-identity`` binds it to that account."""
    (stmt,) = json.loads(plan.named(f"{name}-role").inputs["assumeRolePolicy"])["Statement"]
    assert stmt["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    assert stmt["Action"] == ["sts:AssumeRole", "sts:TagSession"]
    condition = stmt["Condition"]["StringEquals"]
    assert condition["aws:RequestTag/kubernetes-namespace"] == namespace
    assert condition["aws:RequestTag/kubernetes-service-account"] == service_account
    assert condition["aws:RequestTag/eks-cluster-name"] == cluster
    assoc = plan.named(f"{name}-pod-identity").inputs
    assert (assoc["namespace"], assoc["serviceAccount"], assoc["clusterName"]) == (namespace, service_account, cluster)
