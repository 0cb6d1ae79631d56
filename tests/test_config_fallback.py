"""service.fallback (issue 18): its defaults, its footprint (FallbackPlan by strategy), and every
refusal at once with the key named (exit 2 through the CLI)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from typer.testing import CliRunner

from blueprint.cli import app
from blueprint.config.errors import ConfigError
from blueprint.config.models import FallbackSpec
from blueprint.config.validate import validate_config
from blueprint.footprint import build_footprint
from blueprint.quantities import cpu_millicores, memory_mib
from tests.conftest import BASELINE, GCP_US_STACK, write_stack

W0 = "blueprint:workloads[0]"
FALLBACK_DIGEST = "registry.example.com/fraud-cpu@sha256:" + "a" * 64


def _with_fallback(base: dict[str, Any] = BASELINE, index: int = 0, **fallback: Any) -> dict[str, Any]:
    raw = copy.deepcopy(base)
    raw["workloads"][index]["service"]["fallback"] = {"image": FALLBACK_DIGEST, **fallback}
    return raw


def _problems(raw: dict[str, Any]) -> dict[str, Any]:
    with pytest.raises(ConfigError) as info:
        validate_config(raw)
    return {p.path: p for p in info.value.problems}


def test_defaults_are_documented_values():
    spec = FallbackSpec.model_validate({"image": FALLBACK_DIGEST})
    assert (spec.replicas_per_zone, spec.cpu, spec.memory) == (1, "500m", "1Gi")
    assert spec.port is None and spec.readiness_path is None and spec.liveness_path is None


def test_unset_means_no_degraded_mode():
    footprint = build_footprint(validate_config(copy.deepcopy(BASELINE)))
    assert all(p.fallback is None for p in footprint.placements)


def test_plan_takes_the_service_values_where_the_fallback_states_none():
    # 4 (HPA ceiling) x 2 x 250m / 1Gi per zone: within an EKS zone's system pool (blueprint/catalogs/system_pool.py).
    config = validate_config(_with_fallback(replicasPerZone=2, cpu="250m", memory="1Gi"))
    placements = [p for p in build_footprint(config).placements if p.name == "fraud-scoring"]
    plan = placements[0].fallback
    assert plan.port == 8080 and plan.readiness_path == "/ready" and plan.liveness_path == "/healthz"
    assert (plan.replicas_per_zone, plan.cpu, plan.memory) == (2, "250m", "1Gi")


@pytest.mark.parametrize("tier, second_region_runs_it", [
    ("mission-critical", True), ("business-critical", True), ("standard", True), ("best-effort", False)])
def test_regions_follow_what_the_standby_region_has(tier, second_region_runs_it):
    """Every strategy with a cluster in the second region (active-active, warm standby, pilot light) runs the
    fallback there too; backup-restore has none, so only the primary runs it."""
    raw = _with_fallback(GCP_US_STACK, index=["mission-critical", "business-critical", "standard", "best-effort"].index(tier))
    placements = [p for p in build_footprint(validate_config(raw)).placements if p.workload.tier.value == tier]
    expected = ("us-central1", "us-east4") if second_region_runs_it else ("us-central1",)
    assert placements[0].fallback.regions == expected
    assert (placements[1].fallback is not None) is second_region_runs_it


def test_fails_on_a_workload_without_gpu():
    raw = copy.deepcopy(BASELINE)
    del raw["workloads"][0]["gpu"]
    raw["workloads"][0]["service"]["fallback"] = {"image": FALLBACK_DIGEST}
    problem = _problems(raw)[f"{W0}.service.fallback"]
    assert "no gpu" in problem.message


def test_fails_with_a_mutable_image():
    problem = _problems(_with_fallback(image="registry.example.com/fraud-cpu:latest"))[f"{W0}.service.fallback.image"]
    assert "pinned" in problem.message


def test_fails_with_an_image_outside_the_workloads_images():
    raw = _with_fallback(image="other:1.0")
    raw["workloads"][0]["images"] = ["fraud"]
    raw["workloads"][0]["service"]["image"] = "fraud:1.4.2"
    problem = _problems(raw)[f"{W0}.service.fallback.image"]
    assert "fraud" in problem.message and problem.value == "other:1.0"


@pytest.mark.parametrize("key, value", [("cpu", "lots"), ("cpu", "8"), ("cpu", "10m"), ("memory", "2GB"), ("memory", "64Gi"),
                                        ("replicasPerZone", 0)])
def test_fails_with_bad_quantities(key, value):
    problem = _problems(_with_fallback(**{key: value}))[f"{W0}.service.fallback.{key}"]
    assert problem.value == value


def test_fails_on_gcp_with_a_readiness_path_the_health_check_does_not_probe():
    raw = _with_fallback(GCP_US_STACK, readinessPath="/cpu-ready")
    problem = _problems(raw)[f"{W0}.service.fallback.readinessPath"]
    assert "/ready" in problem.message


def test_fails_reports_every_problem_at_once():
    raw = _with_fallback(cpu="lots", memory="2GB", image="x:latest")
    assert {f"{W0}.service.fallback.{k}" for k in ("cpu", "memory", "image")} <= set(_problems(raw))


def test_fails_with_exit_2_naming_the_key(tmp_path):
    path = write_stack(tmp_path, _with_fallback(cpu="lots"))
    result = CliRunner().invoke(app, ["plan", "--config", str(path)])
    assert result.exit_code == 2
    assert f"{W0}.service.fallback.cpu" in result.output


def test_quantities_parse_as_kubernetes_does():
    assert [cpu_millicores(q) for q in ("500m", "1", "1.5", "2")] == [500, 1000, 1500, 2000]
    assert [memory_mib(q) for q in ("512Mi", "2Gi", "1024Ki")] == [512, 2048, 1]
    for bad in ("1.5m", "-1", "1e3", ""):
        with pytest.raises(ValueError):
            cpu_millicores(bad)


def test_composer_args_carry_each_tiers_values():
    """The FallbackService of a placement gets the tier's disruption budget, CPU target and probe timing
    (blueprint.footprint.WorkloadIntent), so a mission-critical and a standard fallback differ."""
    from blueprint.components.composition import fallback_service_args

    raw = copy.deepcopy(GCP_US_STACK)
    for w in raw["workloads"]:
        w["service"]["fallback"] = {"image": FALLBACK_DIGEST}
    footprint = build_footprint(validate_config(raw))
    by_tier = {p.workload.tier.value: p for p in footprint.placements if p.region == "us-central1"}
    args = {}
    for tier in ("mission-critical", "standard"):
        placement = by_tier[tier]
        a = args[tier] = fallback_service_args(placement, zones=3, namespace=placement.name, ingress_cidrs=["10.0.0.0/16"])
        intent = placement.intent
        assert (a.disruption_budget, a.cpu_target_percent, a.readiness_period_s) == (
            intent.disruption_budget, intent.cpu_target_percent, intent.probe.lb_interval_s)
        assert a.replicas == 3 and a.labels == {"blueprint-tier": tier}
    assert args["mission-critical"].readiness_period_s != args["standard"].readiness_period_s


def test_fails_composing_a_fallback_where_none_is_planned():
    from blueprint.components.composition import fallback_service_args

    placement = build_footprint(validate_config(copy.deepcopy(BASELINE))).placements[0]
    with pytest.raises(ValueError, match="no fallback is planned"):
        fallback_service_args(placement, zones=3, namespace="x", ingress_cidrs=[])


def _gcp_with_fallbacks(indexes: tuple[int, ...], **fallback: Any) -> dict[str, Any]:
    raw = copy.deepcopy(GCP_US_STACK)
    for i in indexes:
        raw["workloads"][i]["service"]["fallback"] = {"image": FALLBACK_DIGEST, **fallback}
    return raw


def test_fails_when_the_fallbacks_together_overfill_a_zones_system_pool():
    """Each pod fits a system node, and each fallback alone fits the zone's pool (4 x 1500m = 6000m of the
    10760m a GKE zone leaves), but the primary runs both: 12000m at their HPA ceiling; both keys named."""
    validate_config(_gcp_with_fallbacks((1,), cpu="1500m"))
    problems = _problems(_gcp_with_fallbacks((1, 2), cpu="1500m"))
    for i in (1, 2):
        problem = problems[f"blueprint:workloads[{i}].service.fallback.cpu"]
        assert "12000m" in problem.message and "10760m" in problem.message and "e2-standard-4" in problem.message
    assert "blueprint:workloads[1].service.fallback.memory" not in problems  # 2 x 4 x 1Gi fits


def test_fails_when_one_fallback_alone_cannot_scale_on_the_system_pool():
    problems = _problems(_gcp_with_fallbacks((1,), replicasPerZone=20, cpu="1500m", memory="6Gi"))
    assert "120000m" in problems["blueprint:workloads[1].service.fallback.cpu"].message
    assert "blueprint:workloads[1].service.fallback.memory" in problems


def test_fails_when_a_workload_is_named_like_anothers_fallback_on_gcp():
    raw = _gcp_with_fallbacks((1,))
    twin = raw["workloads"][1]["name"] + "-fallback"
    raw["workloads"][2]["name"] = twin
    problem = _problems(raw)["blueprint:workloads[2].name"]
    assert "workloads[1].service.fallback" in problem.message and twin in str(problem.value)


def test_fallback_rate_default_is_one_request_per_second():
    from blueprint.footprint import FALLBACK_DEFAULT_RATE, FallbackPlan

    assert FallbackSpec.model_validate({"image": FALLBACK_DIGEST}).requests_per_second_per_pod is None
    assert FALLBACK_DEFAULT_RATE == FallbackPlan.__dataclass_fields__["requests_per_second_per_pod"].default == 1.0
    config = validate_config(_with_fallback(requestsPerSecondPerPod=3))
    assert build_footprint(config).placements[0].fallback.requests_per_second_per_pod == 3.0
    assert "blueprint:workloads[0].service.fallback.requestsPerSecondPerPod" in _problems(_with_fallback(requestsPerSecondPerPod=0))
