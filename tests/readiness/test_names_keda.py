"""deploy-name-limit for KEDA's objects: a ScaledObject's name makes KEDA's HPA ``keda-hpa-<name>``."""

from __future__ import annotations

from blueprint.readiness.names import check

from readiness_helpers import plan_of, resource

SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject"


def test_scaled_object_name_leaves_room_for_kedas_hpa_prefix() -> None:
    ok = resource("so", SCALED_OBJECT, {"metadata": {"name": "s" * 54, "namespace": "fraud"}})
    assert list(check(plan_of(ok))) == []  # keda-hpa- + 54 = 63
    long = resource("so", SCALED_OBJECT, {"metadata": {"name": "s" * 55, "namespace": "fraud"}})
    (problem,) = check(plan_of(long))
    assert "over the limit of 54" in problem.rule and "keda-hpa-" in problem.rule


def test_cluster_trigger_authentication_and_quota_are_checked() -> None:
    cta = resource("cta", "kubernetes:keda.sh/v1alpha1:ClusterTriggerAuthentication", {"metadata": {"name": "AWS"}})
    quota = resource("q", "kubernetes:core/v1:ResourceQuota", {"metadata": {"name": "critical-pods", "namespace": "keda"}})
    assert [p.urn for p in check(plan_of(cta, quota))] == [cta.urn]
