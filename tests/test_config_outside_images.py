"""Issue 18 config gaps: a workload of a tier whose recovery data is required (blueprint.catalogs.recovery_data)
pulls no tag from outside the stack's own repositories: without `images` its service (and fallback) image
must be a digest, refused at config validation (exit 2) as the recovery-data-replicated policy refuses the
plan. `artifacts` / `secrets` stay optional for every tier (the catalog's `required` judges what is declared)."""

from __future__ import annotations

from typing import Any

import pytest

from blueprint.catalogs.recovery_data import RECOVERY_DATA
from blueprint.catalogs.tiers import Tier
from blueprint.config.errors import ConfigError
from blueprint.config.validate import validate_config

DIGEST = "@sha256:" + "c" * 64
GPU = {"accelerator": "nvidia-l4", "minNodesPerZone": 1, "maxNodesPerZone": 2}
W0 = "blueprint:workloads[0]"


def _raw(tier: str = "mission-critical", **workload: Any) -> dict[str, Any]:
    service = {"image": "registry.example.com/server:1.4.2", "port": 8080}
    return {"cloud": "aws", "environment": "t", "residency": "us", "aws:region": "us-east-1", "primaryRegion": "us-east-1",
            "secondaryRegion": "us-west-2", "deployerCidrs": ["203.0.113.10/32"], "dnsZone": "ml.example.com",
            "workloads": [{"name": "wl", "tier": tier, "gpu": GPU, "service": service, **workload}]}


def _problems(raw: dict[str, Any]) -> dict[str, Any]:
    with pytest.raises(ConfigError) as info:
        validate_config(raw)
    return {p.path: p for p in info.value.problems}


@pytest.mark.parametrize("tier", [t.value for t, spec in RECOVERY_DATA.items() if spec.required])
def test_fails_outside_tag_without_images_for_required_tiers(tier):
    problem = _problems(_raw(tier))[f"{W0}.service.image"]
    assert problem.value == "registry.example.com/server:1.4.2"
    assert f"a {tier} workload" in problem.message and "declares no `images`" in problem.message
    assert "@sha256:" in problem.message and "best-effort" in problem.message  # the fix and who may


def test_fails_fallback_image_too_and_every_problem_at_once():
    raw = _raw(service={"image": "registry.example.com/server:1.4.2", "port": 8080,
                        "fallback": {"image": "registry.example.com/server-cpu:1.4.2"}})
    raw["workloads"].append({"name": "two", "tier": "standard", "service": {"image": "ghcr.io/acme/two:2.0.0"}})
    problems = _problems(raw)
    assert {f"{W0}.service.image", f"{W0}.service.fallback.image", "blueprint:workloads[1].service.image"} <= set(problems)
    assert problems[f"{W0}.service.fallback.image"].value == "registry.example.com/server-cpu:1.4.2"


def test_digest_images_and_best_effort_tags_pass():
    assert validate_config(_raw(service={"image": "registry.example.com/server" + DIGEST, "port": 8080,
                                         "fallback": {"image": "registry.example.com/server-cpu" + DIGEST}}))
    assert validate_config(_raw(images=["server"], service={"image": "server:1.4.2", "port": 8080}))
    assert not RECOVERY_DATA[Tier.BEST_EFFORT].required
    assert validate_config(_raw("best-effort"))


def test_malformed_image_is_reported_once():
    with pytest.raises(ConfigError) as info:
        validate_config(_raw(service={"image": "registry.example.com/server:latest", "port": 8080}))
    (problem,) = [p for p in info.value.problems if p.path == f"{W0}.service.image"]
    assert "pinned" in problem.message  # the model's problem, not this rule's as well


def test_artifacts_and_secrets_stay_optional_for_every_tier():
    """The catalog's `required` judges the copies of what is declared (blueprint/policies/recovery_data.py),
    not whether a workload has weights outside its image or secrets at all: absent means none."""
    for tier in Tier:
        c = validate_config(_raw(tier.value, service={"image": "registry.example.com/server" + DIGEST, "port": 8080}))
        assert c.workloads[0].artifacts is None and c.workloads[0].secrets is None
