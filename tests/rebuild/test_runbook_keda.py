"""Rebuild runbook: the survivor's replica floor goes on the KEDA ScaledObject when it has one (KEDA
owns its HPA and reverts a patched minReplicas), on the HPA otherwise."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from blueprint.plan.model import Plan, PlannedResource
from blueprint.rebuild.runbook import _Writer

HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"
SO = "kubernetes:keda.sh/v1alpha1:ScaledObject"


def _r(name, type_, region, inputs, workload="recommendations"):
    return PlannedResource(urn=f"urn:pulumi:prod::blueprint::{type_}::{name}", type=type_, name=name, parent=None, dependencies=[],
                           region=region, zone=None, workload=workload, inputs=inputs)


def _writer(survivor_type, lost_type):
    def autoscaler(region, type_, floor):
        field = "minReplicaCount" if type_ == SO else "minReplicas"
        return _r(f"{region}-{type_.rsplit(':', 1)[-1]}", type_, region,
                  {"metadata": {"name": "recommendations", "namespace": "recommendations"}, "spec": {field: floor}})

    resources = [_r("eks", "aws:eks/cluster:Cluster", "us-west-2", {"name": "prod-us-west-2"}, workload=None),
                 autoscaler("us-west-2", survivor_type, 3), autoscaler("us-east-1", lost_type, 6)]
    promo = SimpleNamespace(original=None, survivor="us-west-2", lost="us-east-1")
    return _Writer(promo, Plan(stack="prod", cloud="aws", resources=resources), None, None, None)


@pytest.mark.parametrize("lost_type", [SO, HPA])
def test_floor_goes_on_the_scaled_object(lost_type):
    writer = _writer(SO, lost_type)
    cmds = writer._hpa_floor(SimpleNamespace(name="recommendations"))
    assert cmds[0] == "aws eks update-kubeconfig --region us-west-2 --name prod-us-west-2"
    assert cmds[1] == ("kubectl -n recommendations patch scaledobject recommendations --type merge -p "
                       "'{\"spec\":{\"minReplicaCount\":6}}'")
    assert not any("patch hpa" in c for c in cmds)
    note = writer._floor_note(SimpleNamespace(name="recommendations"), 2, 6)
    assert "KEDA ScaledObject" in note and "CPU is the HPA's only signal" not in note


def test_floor_goes_on_the_hpa_without_keda():
    writer = _writer(HPA, HPA)
    cmds = writer._hpa_floor(SimpleNamespace(name="recommendations"))
    assert cmds[1] == "kubectl -n recommendations patch hpa recommendations --type merge -p '{\"spec\":{\"minReplicas\":6}}'"
    assert "CPU is the HPA's only signal" in writer._floor_note(SimpleNamespace(name="recommendations"), 2, 6)
