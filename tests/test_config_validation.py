"""Stack configuration validation (DESIGN.md, "Stack configuration" and "Tiers").

Every invalid input must raise ConfigError whose problems name the key path as written in the
stack file, say what is allowed and carry the value received; every problem of a file at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from blueprint.catalogs.tiers import Strategy, Tier, tier_spec
from blueprint.config.errors import ConfigError, Problem
from blueprint.config.models import Capacity, StackConfig, effective_retention_days, effective_strategy
from blueprint.config.validate import validate_config
from tests.conftest import SHIPPED_STACKS, STACKS_DIR

MISSING = Problem("x", "y").value  # the sentinel for "no value received"


def problems_of(raw: dict[str, Any]) -> list[Problem]:
    with pytest.raises(ConfigError) as info:
        validate_config(raw)
    assert info.value.problems, "ConfigError without problems"
    return info.value.problems


def only_problem_at(raw: dict[str, Any], path: str) -> Problem:
    """The problems of ``raw`` at ``path``: exactly one, and none elsewhere."""
    problems = problems_of(raw)
    assert [p.path for p in problems] == [path], "\n".join(map(str, problems))
    return problems[0]


def at(problems: list[Problem], path: str) -> list[Problem]:
    found = [p for p in problems if p.path == path]
    assert found, f"no problem at {path}; got:\n" + "\n".join(map(str, problems))
    return found


def minimal(**overrides: Any) -> dict[str, Any]:
    """A small valid AWS config with one best-effort CPU workload (no service, no GPU)."""
    raw: dict[str, Any] = {
        "aws:region": "us-east-1",
        "cloud": "aws",
        "environment": "dev",
        "residency": "us",
        "primaryRegion": "us-east-1",
        "deployerCidrs": ["203.0.113.10/32"],
        "workloads": [{"name": "scratch", "tier": "best-effort"}],
    }
    raw.update(overrides)
    return raw


def gcp_eu(baseline: dict[str, Any]) -> dict[str, Any]:
    raw = dict(baseline)
    del raw["aws:region"]
    raw.update(
        {
            "cloud": "gcp",
            "gcp:project": "acme-ml-prod",
            "gcp:region": "europe-west4",
            "residency": "eu",
            "primaryRegion": "europe-west4",
            "secondaryRegion": "europe-west1",
        }
    )
    # L4 is in two of europe-west1's zones only; T4 is in all three (as in stacks/gcp-prod).
    raw["workloads"][0]["gpu"]["accelerator"] = "nvidia-t4"
    return raw


# ------------------------------------------------------------------------------ passing cases


def test_baseline_is_valid(baseline):
    config = validate_config(baseline)
    assert isinstance(config, StackConfig)
    assert [w.name for w in config.workloads] == ["fraud-scoring", "batch-embeddings"]


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_every_shipped_stack_file_validates(stack):
    config = yaml.safe_load((STACKS_DIR / f"Pulumi.{stack}.yaml").read_text(encoding="utf-8"))["config"]
    raw = {(k[len("blueprint:"):] if k.startswith("blueprint:") else k): v for k, v in config.items()}
    validated = validate_config(raw)
    assert validated.primary_region == config["blueprint:primaryRegion"]


def test_the_required_stacks_ship():
    assert {"dev", "prod", "prod-eu", "gcp-prod"} <= set(SHIPPED_STACKS)


def test_defaults():
    config = validate_config(
        minimal(
            secondaryRegion="us-west-2",
            workloads=[
                {"name": "fraud-scoring", "tier": "mission-critical", "gpu": {"accelerator": "nvidia-l4"}},
                {"name": "scratch", "tier": "best-effort"},
            ],
        )
    )
    assert config.zones_per_region == 3
    fraud, scratch = config.workloads
    assert fraud.gpu.capacity is Capacity.ON_DEMAND
    assert fraud.gpu.gpus_per_node == 1
    assert fraud.gpu.min_nodes_per_zone == 1
    assert fraud.strategy is None and scratch.strategy is None
    assert effective_strategy(fraud) is Strategy.ACTIVE_ACTIVE
    assert effective_strategy(scratch) is Strategy.BACKUP_RESTORE
    assert effective_retention_days(fraud) == tier_spec(Tier.MISSION_CRITICAL).min_retention_days == 35
    assert effective_retention_days(scratch) == tier_spec(Tier.BEST_EFFORT).min_retention_days == 7


@pytest.mark.parametrize(
    "tier, strategy",
    [
        ("mission-critical", Strategy.ACTIVE_ACTIVE),
        ("business-critical", Strategy.WARM_STANDBY),
        ("standard", Strategy.PILOT_LIGHT),
        ("best-effort", Strategy.BACKUP_RESTORE),
    ],
)
def test_default_strategy_is_the_tiers(tier, strategy):
    config = validate_config(minimal(secondaryRegion="us-west-2", workloads=[{"name": "w1", "tier": tier}]))
    assert effective_strategy(config.workloads[0]) is strategy


def test_explicit_values_win_over_defaults():
    config = validate_config(
        minimal(
            secondaryRegion="us-west-2",
            workloads=[{"name": "w1", "tier": "standard", "strategy": "active-active", "backup": {"retentionDays": 90}}],
        )
    )
    assert effective_strategy(config.workloads[0]) is Strategy.ACTIVE_ACTIVE
    assert effective_retention_days(config.workloads[0]) == 90


def test_stronger_strategy_and_stricter_targets_are_allowed(baseline):
    baseline["workloads"][1].update({"strategy": "warm-standby", "rtoSeconds": 60, "rpoSeconds": 0})
    baseline["workloads"][1]["backup"] = {"retentionDays": 14}
    validate_config(baseline)


def test_backup_restore_without_secondary_allowed_in_single_region_jurisdiction():
    raw = minimal(**{"aws:region": "eu-west-2", "residency": "uk", "primaryRegion": "eu-west-2"})
    config = validate_config(raw)
    assert config.secondary_region is None


def test_backup_restore_without_secondary_refused_where_jurisdiction_has_several():
    problem = only_problem_at(minimal(), "blueprint:secondaryRegion")
    assert "scratch (backup-restore)" in problem.message
    assert "us-west-2" in problem.message and "us-east-1" not in problem.message.split("choose one of:")[1]
    assert problem.value is MISSING


def test_secondary_required_in_single_region_jurisdiction_says_so():
    raw = minimal(
        **{"aws:region": "eu-west-2", "residency": "uk", "primaryRegion": "eu-west-2"},
        workloads=[{"name": "w1", "tier": "standard"}],
    )
    problem = only_problem_at(raw, "blueprint:secondaryRegion")
    assert "pilot-light" in problem.message and "no second aws region" in problem.message


def test_gcp_stack_is_valid(baseline):
    validate_config(gcp_eu(baseline))


# ------------------------------------------------------------------------------ shape: enums


@pytest.mark.parametrize(
    "mutate, path, bad, allowed",
    [
        (lambda r: r["workloads"][1].__setitem__("tier", "gold"), "blueprint:workloads[1].tier", "gold",
         ["mission-critical", "business-critical", "standard", "best-effort"]),
        (lambda r: r["workloads"][1].__setitem__("strategy", "yolo"), "blueprint:workloads[1].strategy", "yolo",
         ["backup-restore", "pilot-light", "warm-standby", "active-active"]),
        (lambda r: r["workloads"][1]["gpu"].__setitem__("accelerator", "nvidia-b200"),
         "blueprint:workloads[1].gpu.accelerator", "nvidia-b200",
         ["nvidia-t4", "nvidia-a10g", "nvidia-l4", "nvidia-l40s", "nvidia-a100", "nvidia-h100", "nvidia-h200"]),
        (lambda r: r["workloads"][1]["gpu"].__setitem__("capacity", "cheap"), "blueprint:workloads[1].gpu.capacity",
         "cheap", ["on-demand", "spot", "mixed"]),
        (lambda r: r["workloads"][0]["database"].__setitem__("engine", "oracle"),
         "blueprint:workloads[0].database.engine", "oracle", ["postgres", "mysql"]),
        (lambda r: r["workloads"][0]["database"].__setitem__("size", "huge"), "blueprint:workloads[0].database.size",
         "huge", ["small", "medium", "large", "xlarge"]),
        (lambda r: r.__setitem__("cloud", "azure"), "blueprint:cloud", "azure", ["aws", "gcp"]),
    ],
    ids=["tier", "strategy", "accelerator", "capacity", "engine", "size", "cloud"],
)
def test_fails_unknown_enum_value(baseline, mutate, path, bad, allowed):
    mutate(baseline)
    problems = problems_of(baseline)
    (problem,) = at(problems, path)
    assert problem.value == bad
    for value in allowed:
        assert value in problem.message


def test_fails_unknown_residency(baseline):
    # Must be reported as a problem, never raise anything but ConfigError.
    baseline["residency"] = "mars"
    problem = only_problem_at(baseline, "blueprint:residency")
    assert problem.value == "mars"
    assert "eu" in problem.message and "any" in problem.message


# ------------------------------------------------------------------------------ shape: names, ranges


@pytest.mark.parametrize("bad", ["Bad_Name", "x", "9lives", "a" * 32])
def test_fails_workload_name_pattern(baseline, bad):
    baseline["workloads"][1]["name"] = bad
    problem = only_problem_at(baseline, "blueprint:workloads[1].name")
    assert problem.value == bad
    assert "[a-z][a-z0-9-]{1,30}" in problem.message


def test_fails_workload_name_ending_with_a_hyphen(baseline):
    # A Kubernetes label value / DNS label must end alphanumeric: 'fraud-' would fail only in `pulumi up`.
    baseline["workloads"][1]["name"] = "fraud-"
    problem = only_problem_at(baseline, "blueprint:workloads[1].name")
    assert problem.value == "fraud-"
    assert "letter or digit" in problem.message


def test_fails_duplicate_workload_names(baseline):
    baseline["workloads"][1]["name"] = "fraud-scoring"
    problem = only_problem_at(baseline, "blueprint:workloads[1].name")
    assert problem.value == "fraud-scoring"
    assert "unique" in problem.message and "workloads[0]" in problem.message


def test_fails_environment_pattern(baseline):
    baseline["environment"] = "Prod_EU"
    problem = only_problem_at(baseline, "blueprint:environment")
    assert problem.value == "Prod_EU" and "[a-z0-9-]{1,20}" in problem.message


def test_fails_min_nodes_above_max(baseline):
    baseline["workloads"][1]["gpu"]["minNodesPerZone"] = 9
    problem = only_problem_at(baseline, "blueprint:workloads[1].gpu.minNodesPerZone")
    assert problem.value == 9
    assert "<= maxNodesPerZone (8)" in problem.message


def test_fails_zero_min_nodes_for_critical_service(baseline):
    baseline["workloads"][0]["gpu"]["minNodesPerZone"] = 0
    problem = only_problem_at(baseline, "blueprint:workloads[0].gpu.minNodesPerZone")
    assert problem.value == 0 and ">= 1" in problem.message


@pytest.mark.parametrize("bad", [1, 7])
def test_fails_zones_per_region_out_of_range(baseline, bad):
    baseline["zonesPerRegion"] = bad
    problem = only_problem_at(baseline, "blueprint:zonesPerRegion")
    assert problem.value == bad
    assert str(2 if bad < 2 else 6) in problem.message


def test_fails_zones_per_region_below_tier_minimum(baseline):
    baseline["zonesPerRegion"] = 2
    problems = problems_of(baseline)
    (problem,) = at(problems, "blueprint:zonesPerRegion")
    assert problem.value == 2
    assert "mission-critical" in problem.message and "at least 3 zones" in problem.message


def test_two_zones_are_enough_for_standard():
    raw = minimal(secondaryRegion="us-west-2", zonesPerRegion=2, workloads=[{"name": "w1", "tier": "standard"}])
    assert validate_config(raw).zones_per_region == 2


def test_fails_zones_per_region_above_region_zone_count(baseline):
    baseline["zonesPerRegion"] = 5  # us-west-2 has four zones
    problem = only_problem_at(baseline, "blueprint:zonesPerRegion")
    assert problem.value == 5
    assert "us-west-2" in problem.message and "only 4 zones" in problem.message
    assert "blueprint:secondaryRegion" in problem.message


def test_fails_zones_per_region_above_primary_zone_count():
    raw = minimal(**{"aws:region": "us-west-1", "primaryRegion": "us-west-1"}, secondaryRegion="us-east-1")
    problem = only_problem_at(raw, "blueprint:zonesPerRegion")
    assert problem.value == 3 and "us-west-1" in problem.message and "only 2 zones" in problem.message


# ------------------------------------------------------------------------------ tier rules


def test_fails_strategy_weaker_than_tier_default(baseline):
    baseline["workloads"][0]["strategy"] = "warm-standby"
    problem = only_problem_at(baseline, "blueprint:workloads[0].strategy")
    assert problem.value == "warm-standby"
    assert "active-active" in problem.message and "allowed" in problem.message


def test_fails_strategy_weaker_lists_every_allowed_strategy(baseline):
    baseline["workloads"][1]["strategy"] = "backup-restore"
    problem = only_problem_at(baseline, "blueprint:workloads[1].strategy")
    allowed = problem.message.split("allowed:")[1]
    assert "pilot-light" in allowed and "warm-standby" in allowed and "active-active" in allowed
    assert "backup-restore" not in allowed


@pytest.mark.parametrize("key, bad, limit", [("rtoSeconds", 121, "1..120"), ("rpoSeconds", 6, "0..5")])
def test_fails_target_looser_than_tier(baseline, key, bad, limit):
    baseline["workloads"][0][key] = bad
    problem = only_problem_at(baseline, f"blueprint:workloads[0].{key}")
    assert problem.value == bad and limit in problem.message


@pytest.mark.parametrize("key, bad, limit", [("rtoSeconds", 3601, "1..3600"), ("rpoSeconds", 901, "0..900")])
def test_fails_target_looser_than_standard_tier(baseline, key, bad, limit):
    baseline["workloads"][1][key] = bad
    problem = only_problem_at(baseline, f"blueprint:workloads[1].{key}")
    assert problem.value == bad and limit in problem.message


@pytest.mark.parametrize("index, bad, minimum", [(0, 34, 35), (1, 13, 14)])
def test_fails_retention_below_tier_minimum(baseline, index, bad, minimum):
    baseline["workloads"][index]["backup"] = {"retentionDays": bad}
    problem = only_problem_at(baseline, f"blueprint:workloads[{index}].backup.retentionDays")
    assert problem.value == bad and f"{minimum}..36500" in problem.message


def test_fails_spot_capacity_on_mission_critical(baseline):
    baseline["workloads"][0]["gpu"]["capacity"] = "spot"
    problem = only_problem_at(baseline, "blueprint:workloads[0].gpu.capacity")
    assert problem.value == "spot"
    assert "on-demand" in problem.message and "mixed" in problem.message


def test_mixed_capacity_on_mission_critical_is_allowed(baseline):
    baseline["workloads"][0]["gpu"]["capacity"] = "mixed"
    validate_config(baseline)


# ------------------------------------------------------------------------------ regions


def test_fails_missing_secondary_when_strategy_needs_one(baseline):
    del baseline["secondaryRegion"]
    problem = only_problem_at(baseline, "blueprint:secondaryRegion")
    assert problem.value is MISSING
    assert "fraud-scoring (active-active)" in problem.message
    assert "batch-embeddings (pilot-light)" in problem.message
    assert "us-west-2" in problem.message


def test_fails_secondary_equal_to_primary(baseline):
    baseline["secondaryRegion"] = "us-east-1"
    problem = only_problem_at(baseline, "blueprint:secondaryRegion")
    assert problem.value == "us-east-1" and "differ" in problem.message


@pytest.mark.parametrize("key", ["primaryRegion", "secondaryRegion"])
def test_fails_unknown_region(baseline, key):
    baseline[key] = "us-nowhere-1"
    if key == "primaryRegion":
        baseline["aws:region"] = "us-nowhere-1"
    problems = problems_of(baseline)
    (problem,) = at(problems, f"blueprint:{key}")
    assert problem.value == "us-nowhere-1"
    assert "not a known aws region" in problem.message and "us-west-2" in problem.message


def test_fails_primary_region_outside_jurisdiction(baseline):
    baseline["primaryRegion"] = baseline["aws:region"] = "eu-central-1"
    problems = problems_of(baseline)
    (problem,) = at(problems, "blueprint:primaryRegion")
    assert problem.value == "eu-central-1"
    assert "'us' jurisdiction" in problem.message
    assert "us-east-1, us-west-2, us-east-2, us-west-1" in problem.message


def test_fails_secondary_region_outside_jurisdiction(baseline):
    baseline["secondaryRegion"] = "eu-west-1"
    problems = problems_of(baseline)
    (problem,) = at(problems, "blueprint:secondaryRegion")
    assert problem.value == "eu-west-1" and "'us' jurisdiction" in problem.message and "us-west-2" in problem.message


def test_fails_gcp_region_outside_jurisdiction(baseline):
    raw = gcp_eu(baseline)
    raw["secondaryRegion"] = "europe-west2"  # London: not in the EU
    (problem,) = at(problems_of(raw), "blueprint:secondaryRegion")
    assert problem.value == "europe-west2" and "'eu' jurisdiction" in problem.message and "europe-west1" in problem.message


# ------------------------------------------------------------------------------ provider keys


def test_fails_aws_region_not_primary(baseline):
    baseline["aws:region"] = "us-west-2"
    problem = only_problem_at(baseline, "aws:region")
    assert problem.value == "us-west-2" and "blueprint:primaryRegion (us-east-1)" in problem.message


def test_fails_missing_aws_region(baseline):
    del baseline["aws:region"]
    problem = only_problem_at(baseline, "aws:region")
    assert problem.value is MISSING and "required" in problem.message and "aws" in problem.message


@pytest.mark.parametrize("key", ["gcp:project", "gcp:region"])
def test_fails_missing_gcp_keys(baseline, key):
    raw = gcp_eu(baseline)
    del raw[key]
    problem = only_problem_at(raw, key)
    assert problem.value is MISSING and "required" in problem.message


def test_fails_gcp_keys_on_aws_stack(baseline):
    baseline["gcp:project"] = "acme-ml-prod"
    baseline["gcp:region"] = "us-east-1"
    problems = problems_of(baseline)
    assert sorted(p.path for p in problems) == ["gcp:project", "gcp:region"]
    for p in problems:
        assert "only valid when blueprint:cloud is gcp" in p.message
    assert {p.value for p in problems} == {"acme-ml-prod", "us-east-1"}


def test_fails_aws_region_on_gcp_stack(baseline):
    raw = gcp_eu(baseline)
    raw["aws:region"] = "europe-west4"
    problem = only_problem_at(raw, "aws:region")
    assert problem.value == "europe-west4" and "blueprint:cloud is aws" in problem.message


# ------------------------------------------------------------------------------ accelerators


def test_fails_accelerator_not_offered_on_cloud(baseline):
    raw = gcp_eu(baseline)
    raw["workloads"][0]["gpu"]["accelerator"] = "nvidia-a10g"
    problem = only_problem_at(raw, "blueprint:workloads[0].gpu.accelerator")
    assert problem.value == "nvidia-a10g"
    assert "not offered on gcp" in problem.message and "nvidia-l4" in problem.message
    assert "nvidia-a10g" not in problem.message


def test_fails_unsupported_gpus_per_node(baseline):
    baseline["workloads"][0]["gpu"]["gpusPerNode"] = 3
    problem = only_problem_at(baseline, "blueprint:workloads[0].gpu.gpusPerNode")
    assert problem.value == 3 and "1, 4, 8" in problem.message


def test_fails_default_gpus_per_node_for_eight_gpu_part(baseline):
    baseline["workloads"][0]["gpu"]["accelerator"] = "nvidia-h200"  # gpusPerNode 1 stays
    problem = only_problem_at(baseline, "blueprint:workloads[0].gpu.gpusPerNode")
    assert problem.value == 1 and "8" in problem.message


def _eu(workload_gpu: dict[str, Any], secondary: str = "eu-west-3") -> dict[str, Any]:
    return minimal(
        **{"aws:region": "eu-central-1", "residency": "eu", "primaryRegion": "eu-central-1"},
        secondaryRegion=secondary,
        workloads=[{"name": "trainer", "tier": "mission-critical", "gpu": workload_gpu}],
    )


def test_fails_accelerator_not_offered_in_primary_region():
    raw = _eu({"accelerator": "nvidia-h100", "gpusPerNode": 8}, secondary="eu-north-1")  # no p5 in Frankfurt
    problem = only_problem_at(raw, "blueprint:workloads[0].gpu.accelerator")
    assert problem.value == "nvidia-h100"
    assert "not offered in eu-central-1" in problem.message and "blueprint:primaryRegion" in problem.message
    assert "eu-north-1" in problem.message  # where it is offered inside the jurisdiction


def test_fails_accelerator_in_too_few_zones_of_secondary_region():
    raw = _eu({"accelerator": "nvidia-a100", "gpusPerNode": 8}, secondary="eu-west-1")  # p4d: eu-west-1c only
    problem = only_problem_at(raw, "blueprint:workloads[0].gpu.accelerator")
    assert problem.value == "nvidia-a100"
    assert "offered in 1 of the zones used in eu-west-1" in problem.message and "needs 3" in problem.message


def test_backup_restore_secondary_needs_no_accelerator():
    # Nothing runs in the second region of a backup-restore workload: no GPU check there.
    raw = minimal(
        secondaryRegion="us-west-1",
        zonesPerRegion=2,
        workloads=[{"name": "w1", "tier": "best-effort", "gpu": {"accelerator": "nvidia-l4", "minNodesPerZone": 0}}],
    )
    validate_config(raw)


# ------------------------------------------------------------------------------ dns, keys, images


def test_fails_missing_dns_zone_with_a_service(baseline):
    del baseline["dnsZone"]
    problem = only_problem_at(baseline, "blueprint:dnsZone")
    assert problem.value is MISSING and "fraud-scoring" in problem.message and "required" in problem.message


def test_fails_malformed_dns_zone(baseline):
    baseline["dnsZone"] = "ML..example"
    problems = problems_of(baseline)
    (problem,) = at(problems, "blueprint:dnsZone")[:1]
    assert problem.value == "ML..example"


@pytest.mark.parametrize("key, bad", [("dnsZone", "ML..example"), ("secondaryRegion", 123)])
def test_malformed_optional_key_is_reported_once(baseline, key, bad):
    baseline[key] = bad
    problem = only_problem_at(baseline, f"blueprint:{key}")
    assert problem.value == bad


def test_fails_aws_certificate_name_over_acm_limit(baseline):
    # fraud-scoring (13) + "." + 51 = 65 characters: one over ACM's 64 for a certificate's first name.
    baseline["dnsZone"] = "a" * 47 + ".com"
    assert len("fraud-scoring." + baseline["dnsZone"]) == 65
    problem = only_problem_at(baseline, "blueprint:workloads[0].name")
    assert problem.value == "fraud-scoring" and "64" in problem.message and "ACM" in problem.message


def test_certificate_name_at_acm_limit_is_accepted(baseline):
    baseline["dnsZone"] = "a" * 46 + ".com"
    assert len("fraud-scoring." + baseline["dnsZone"]) == 64
    assert validate_config(baseline).dns_zone == baseline["dnsZone"]


def test_certificate_name_limit_applies_only_to_workloads_with_a_service(baseline):
    # Workloads without a service get no certificate: batch-embeddings is not checked.
    baseline["workloads"][0].pop("service")
    baseline["dnsZone"] = "a" * 60 + ".com"
    assert validate_config(baseline).dns_zone == baseline["dnsZone"]


def test_dns_zone_not_needed_without_services():
    assert validate_config(minimal(**{"aws:region": "eu-west-2", "residency": "uk", "primaryRegion": "eu-west-2"})).dns_zone is None


def test_fails_snake_case_key_as_unknown(baseline):
    baseline["primary_region"] = baseline["primaryRegion"]
    problem = only_problem_at(baseline, "blueprint:primary_region")
    assert "unknown key" in problem.message and "primaryRegion" in problem.message


def test_fails_unknown_top_level_key(baseline):
    baseline["colour"] = "blue"
    problem = only_problem_at(baseline, "blueprint:colour")
    assert problem.value == "blue"
    assert "unknown key" in problem.message
    for key in ("cloud", "primaryRegion", "secondaryRegion", "zonesPerRegion", "dnsZone", "workloads"):
        assert key in problem.message


@pytest.mark.parametrize(
    "where, path, allowed",
    [
        (("workloads", 1), "blueprint:workloads[1].cost", ["name", "tier", "strategy", "rtoSeconds", "gpu", "service"]),
        (("workloads", 1, "gpu"), "blueprint:workloads[1].gpu.cost",
         ["accelerator", "capacity", "gpusPerNode", "maxNodesPerZone", "minNodesPerZone"]),
        (("workloads", 0, "service"), "blueprint:workloads[0].service.cost",
         ["image", "livenessPath", "port", "readinessPath", "replicasPerZone"]),
        (("workloads", 0, "database"), "blueprint:workloads[0].database.cost", ["engine", "size"]),
    ],
    ids=["workload", "gpu", "service", "database"],
)
def test_fails_unknown_nested_key(baseline, where, path, allowed):
    target: Any = baseline
    for part in where:
        target = target[part]
    target["cost"] = 3
    problem = only_problem_at(baseline, path)
    assert problem.value == 3 and "unknown key" in problem.message
    for key in allowed:
        assert key in problem.message


@pytest.mark.parametrize("image", ["registry.example.com/fraud:latest", "registry.example.com/fraud", "fraud:latest"])
def test_fails_unpinned_image(baseline, image):
    baseline["workloads"][0]["service"]["image"] = image
    problem = only_problem_at(baseline, "blueprint:workloads[0].service.image")
    assert problem.value == image
    assert "pinned" in problem.message and "registry.example.com/fraud:1.4.2" in problem.message


@pytest.mark.parametrize("image", ["registry.example.com/fraud@sha256:" + "a" * 64, "ghcr.io/acme/fraud:v1.4.2-rc.1"])
def test_pinned_images_are_allowed(baseline, image):
    # A tag from another registry only where the tier does not require recovery data (config/rules.py).
    baseline["workloads"][0]["tier"] = "best-effort"
    baseline["workloads"][0]["service"]["image"] = image
    validate_config(baseline)


def test_fails_missing_required_keys():
    problems = problems_of({"cloud": "aws"})
    paths = {p.path for p in problems}
    assert {"blueprint:environment", "blueprint:residency", "blueprint:primaryRegion", "blueprint:workloads"} <= paths
    assert all("required" in p.message for p in problems if p.path in paths - {"aws:region"})


# ------------------------------------------------------------------------------ all at once


def test_reports_every_problem_at_once(baseline):
    baseline["colour"] = "blue"  # unknown top-level key
    baseline["aws:region"] = "us-west-2"  # != primaryRegion
    baseline["workloads"][0]["tier"] = "gold"  # malformed workload...
    baseline["workloads"][0]["gpu"]["capacity"] = "cheap"  # ...twice
    baseline["workloads"][0]["gpu"]["minNodesPerZone"] = 5  # ...and a rule inside the malformed one
    baseline["workloads"][1]["gpu"]["minNodesPerZone"] = 9  # rule violations in a well-formed workload
    baseline["workloads"][1]["backup"] = {"retentionDays": 3}
    baseline["workloads"][1]["strategy"] = "backup-restore"
    problems = problems_of(baseline)
    expected = {
        "blueprint:colour": "blue",
        "aws:region": "us-west-2",
        "blueprint:workloads[0].tier": "gold",
        "blueprint:workloads[0].gpu.capacity": "cheap",
        "blueprint:workloads[0].gpu.minNodesPerZone": 5,
        "blueprint:workloads[1].gpu.minNodesPerZone": 9,
        "blueprint:workloads[1].backup.retentionDays": 3,
        "blueprint:workloads[1].strategy": "backup-restore",
    }
    got = {p.path: p.value for p in problems}
    assert got == expected, "\n".join(map(str, problems))
    assert len(problems) == len(expected)  # each once


def test_malformed_workload_list_items_do_not_hide_others(baseline):
    baseline["workloads"].insert(0, "not-a-mapping")
    baseline["workloads"][2]["gpu"]["minNodesPerZone"] = 9
    problems = problems_of(baseline)
    assert {p.path for p in problems} == {"blueprint:workloads[0]", "blueprint:workloads[2].gpu.minNodesPerZone"}


def test_config_error_text_names_path_value_and_count(baseline):
    baseline["workloads"][1]["gpu"]["minNodesPerZone"] = 9
    baseline["zonesPerRegion"] = 5
    with pytest.raises(ConfigError) as info:
        validate_config(baseline, source="stack file x.yaml")
    text = str(info.value)
    assert text.splitlines()[0] == "invalid stack file x.yaml: 2 problems"
    assert "blueprint:workloads[1].gpu.minNodesPerZone: must be <= maxNodesPerZone (8) (got 9)" in text
    assert "blueprint:zonesPerRegion:" in text and "(got 5)" in text


# ------------------------------------------------------------------------------ example files


INVALID_DIR = Path(__file__).parent / "data" / "invalid"
INVALID_FILES = sorted(INVALID_DIR.glob("Pulumi.*.yaml"))


@pytest.mark.parametrize("path", INVALID_FILES, ids=[p.name for p in INVALID_FILES])
def test_invalid_example_files(path):
    """Each example file declares the key paths it must fail at in its `# expect:` lines."""
    text = path.read_text(encoding="utf-8")
    expected = {line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("# expect:")}
    assert expected, f"{path.name} declares no '# expect:' lines"
    config = yaml.safe_load(text)["config"]
    raw = {(k[len("blueprint:"):] if k.startswith("blueprint:") else k): v for k, v in config.items()}
    assert {p.path for p in problems_of(raw)} == expected


# ------------------------------------------------------------------------------ Cloud SQL DR designation


def test_dr_replicas_are_designated_by_default_and_can_be_opted_out(baseline):
    # Default: designated after the replica exists, in the same `pulumi up` (DrReplicaDesignation);
    # false: no designation step at all (e.g. a deployer without gcloud).
    raw = gcp_eu(baseline)
    assert validate_config(raw).dr_replicas_designated is True
    raw["designateDrReplicas"] = True
    assert validate_config(raw).dr_replicas_designated is True
    raw["designateDrReplicas"] = False
    assert validate_config(raw).dr_replicas_designated is False


def test_fails_designate_dr_replicas_on_aws_stack(baseline):
    baseline["designateDrReplicas"] = False
    problem = only_problem_at(baseline, "blueprint:designateDrReplicas")
    assert problem.value is False and "only valid when blueprint:cloud is gcp" in problem.message


def test_fails_designate_dr_replicas_not_a_boolean(baseline):
    raw = gcp_eu(baseline)
    raw["designateDrReplicas"] = "sometimes"
    problem = only_problem_at(raw, "blueprint:designateDrReplicas")
    assert problem.value == "sometimes"


# ------------------------------------------------------------------------------ deployer CIDRs


def test_deployer_cidrs_are_kept_in_order(baseline):
    assert validate_config(baseline).deployer_cidrs == ("203.0.113.10/32", "198.51.100.0/28")


def test_every_shipped_stack_declares_its_deployers():
    for stack in SHIPPED_STACKS:
        text = (STACKS_DIR / f"Pulumi.{stack}.yaml").read_text(encoding="utf-8")
        cidrs = yaml.safe_load(text)["config"]["blueprint:deployerCidrs"]
        assert cidrs, stack
        # Placeholders the user must replace: say so where they are.
        assert "replace them" in text and "docs/deploying.md" in text, stack


def test_fails_without_deployer_cidrs(baseline):
    del baseline["deployerCidrs"]
    problem = only_problem_at(baseline, "blueprint:deployerCidrs")
    assert problem.value is MISSING and "required" in problem.message and "pulumi up" in problem.message


def test_fails_empty_deployer_cidrs(baseline):
    baseline["deployerCidrs"] = []
    assert "required" in only_problem_at(baseline, "blueprint:deployerCidrs").message


@pytest.mark.parametrize("cidr,fragment", [
    ("0.0.0.0/0", "whole internet"),
    ("::/0", "IPv6"),
    ("2001:db8::/48", "IPv6"),
    ("10.0.0.0/8", "private or reserved"),
    ("172.16.4.0/24", "private or reserved"),
    ("100.64.0.0/16", "private or reserved"),
    ("203.0.113.5/24", "host bits"),
    ("0.0.0.0/1", "wider than any deployer"),
    ("128.0.0.0/2", "wider than any deployer"),
    ("8.8.0.0/15", "allowed: /16 to /32"),
    ("203.0.113.10", "prefix length"),
    ("not-a-cidr/24", "not a CIDR"),
])
def test_fails_deployer_cidr(baseline, cidr, fragment):
    baseline["deployerCidrs"] = ["198.51.100.0/28", cidr]
    problem = only_problem_at(baseline, "blueprint:deployerCidrs[1]")
    assert problem.value == cidr and fragment in problem.message


def test_public_and_documentation_deployer_cidrs_pass(baseline):
    baseline["deployerCidrs"] = ["8.8.4.0/24", "203.0.113.10/32", "192.0.2.0/28", "34.120.0.0/16"]
    assert validate_config(baseline).deployer_cidrs[0] == "8.8.4.0/24"


def test_fails_duplicate_deployer_cidr(baseline):
    baseline["deployerCidrs"] = ["198.51.100.0/28", "198.51.100.0/28"]
    assert "duplicate of entry [0]" in only_problem_at(baseline, "blueprint:deployerCidrs[1]").message


def test_fails_more_deployer_cidrs_than_eks_accepts(baseline):
    baseline["deployerCidrs"] = [f"198.51.100.{i}/32" for i in range(41)]
    problem = only_problem_at(baseline, "blueprint:deployerCidrs")
    assert "41 CIDRs; allowed: 1..40" in problem.message


def test_fails_deployer_cidrs_not_a_list(baseline):
    baseline["deployerCidrs"] = 42
    problems = problems_of(baseline)
    assert [p.path for p in problems] == ["blueprint:deployerCidrs"]


@pytest.mark.parametrize("value", ["203.0.113.10/32", 42, {"cidr": "203.0.113.10/32"}])
def test_fails_deployer_cidrs_not_a_list_naming_the_allowed_form(baseline, value):
    baseline["deployerCidrs"] = value
    problem = only_problem_at(baseline, "blueprint:deployerCidrs")
    assert "a list of IPv4 CIDRs, e.g. [203.0.113.10/32]" in problem.message and "valid tuple" not in problem.message
    assert problem.value == value


# ------------------------------------------------------------------------------ request-rate scaling


def test_requests_per_second_per_pod_defaults_to_unset(baseline):
    # Default: no per-pod capacity stated, so the service scales on CPU only (and `plan` warns).
    assert validate_config(baseline).workloads[0].service.requests_per_second_per_pod is None


@pytest.mark.parametrize("value", [0.5, 25, 10000])
def test_requests_per_second_per_pod_accepted(baseline, value):
    baseline["workloads"][0]["service"]["requestsPerSecondPerPod"] = value
    assert validate_config(baseline).workloads[0].service.requests_per_second_per_pod == value


@pytest.mark.parametrize("bad, allowed", [(0, "greater than 0"), (-5, "greater than 0"), (10001, "less than or equal to 10000")])
def test_fails_requests_per_second_per_pod_out_of_range(baseline, bad, allowed):
    baseline["workloads"][0]["service"]["requestsPerSecondPerPod"] = bad
    problem = only_problem_at(baseline, "blueprint:workloads[0].service.requestsPerSecondPerPod")
    assert problem.value == bad and allowed in problem.message


def test_fails_requests_per_second_per_pod_not_a_number(baseline):
    baseline["workloads"][0]["service"]["requestsPerSecondPerPod"] = "fast"
    problem = only_problem_at(baseline, "blueprint:workloads[0].service.requestsPerSecondPerPod")
    assert problem.value == "fast"


def test_cpu_only_warning_names_each_served_workload_without_the_key(baseline):
    from blueprint.config.advice import cpu_only_scaling_warnings

    config = validate_config(baseline)
    served = [w.name for w in config.workloads if w.service is not None]
    lines = cpu_only_scaling_warnings(config)
    assert len(lines) == len(served) and all("service.requestsPerSecondPerPod" in line for line in lines)
    baseline["workloads"][0]["service"]["requestsPerSecondPerPod"] = 20
    assert not any("'fraud-scoring'" in line for line in cpu_only_scaling_warnings(validate_config(baseline)))


def test_fails_requests_per_second_per_pod_zero_exits_2_naming_the_key(stack_writer, baseline):
    from tests.test_cli import assert_invalid, invoke

    baseline["workloads"][0]["service"]["requestsPerSecondPerPod"] = 0
    result = invoke("plan", "--config", str(stack_writer(baseline)))
    assert_invalid(result, "blueprint:workloads[0].service.requestsPerSecondPerPod", "greater than 0")



def test_plan_prints_the_cpu_only_warning_on_stderr(stack_writer, baseline, capsys):
    from blueprint import cli
    from blueprint.project import StackRef
    from tests.conftest import ROOT

    baseline["workloads"][0]["service"]["requestsPerSecondPerPod"] = 20
    baseline["workloads"][1]["service"] = {"image": "registry.example.com/embed@sha256:" + "e" * 64}
    cli._warn_cpu_only_scaling(ROOT, StackRef("test", stack_writer(baseline)))
    err = capsys.readouterr().err
    assert "'batch-embeddings' scales on CPU only: set service.requestsPerSecondPerPod" in err
    assert "'fraud-scoring'" not in err


# ------------------------------------------------------------------------------ failoverApproval


def test_failover_approval_defaults_to_unset_and_accepts_both_values(baseline):
    assert validate_config(baseline).workloads[0].failover_approval is None
    for value in ("automatic", "manual"):
        baseline["workloads"][0]["failoverApproval"] = value
        assert validate_config(baseline).workloads[0].failover_approval == value


def test_fails_failover_approval_unknown_value(baseline):
    baseline["workloads"][0]["failoverApproval"] = "sometimes"
    problem = only_problem_at(baseline, "blueprint:workloads[0].failoverApproval")
    assert problem.value == "sometimes"
    assert "automatic" in problem.message and "manual" in problem.message


def test_fails_failover_approval_without_a_second_region_to_fail_over_to():
    raw = minimal(secondaryRegion="us-west-2", workloads=[{"name": "scratch", "tier": "best-effort", "failoverApproval": "manual"}])
    problem = only_problem_at(raw, "blueprint:workloads[0].failoverApproval")
    assert problem.value == "manual"
    assert "backup-restore" in problem.message and "no second region" in problem.message


def test_fails_failover_approval_on_backup_restore_exits_2_naming_the_key(stack_writer):
    from tests.test_cli import assert_invalid, invoke

    raw = minimal(secondaryRegion="us-west-2", workloads=[{"name": "scratch", "tier": "best-effort", "failoverApproval": "automatic"}])
    result = invoke("plan", "--config", str(stack_writer(raw)))
    assert_invalid(result, "blueprint:workloads[0].failoverApproval", "no second region")
