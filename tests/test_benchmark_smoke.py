"""The speed benchmark's generated stack configs stay valid as the schema evolves (nothing is timed)."""

import importlib.util
from pathlib import Path

from blueprint.config.validate import validate_config

BENCHMARK = Path(__file__).resolve().parent.parent / "benchmarks" / "plan_speed.py"


def _load_benchmark():
    spec = importlib.util.spec_from_file_location("plan_speed", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_config_is_valid():
    bench = _load_benchmark()
    config = validate_config(bench.raw_config(1), source="benchmark config (1 workload)")
    assert [w.name for w in config.workloads] == ["w01"]
    assert callable(bench.main)


def test_generated_config_with_every_tier_is_valid():
    bench = _load_benchmark()
    config = validate_config(bench.raw_config(4), source="benchmark config (4 workloads)")
    assert len({w.tier for w in config.workloads}) == 4


def test_generated_stack_file_round_trips(tmp_path):
    bench = _load_benchmark()
    stack = bench.write_stack(tmp_path, 1)
    assert stack.name == "bench-1" and stack.file.is_file()


def test_quick_run_reports_every_column_without_timing_assertions(capsys):
    """`plan_speed.py --quick --json`: one in-process row and the dev stack's whole-process row."""
    import json

    bench = _load_benchmark()
    assert bench.main(["--quick", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    (row,) = result["rows"]
    assert row["workloads"] == 1 and row["counts_match"] is True
    assert {"blueprint_s", "floor_s", "ratio", "blueprint_ms_per_resource", "blueprint_gc_s"} <= set(row)
    # CPU seconds beside the wall seconds (a shared machine disturbs them far less).
    assert {"blueprint_cpu_s", "floor_cpu_s", "cpu_ratio", "blueprint_cpu_ms_per_resource"} <= set(row)
    assert row["blueprint_cpu_s"] > 0 and "blueprint_cpu_per_resource_spread" in result["summary"]
    (stack,) = result["stacks"]["rows"]
    assert stack["stack"] == "dev" and stack["plan"]["exit"] == 0 and stack["floor"]["exit"] == 0
    assert stack["resources"] > 0 and stack["plan"]["max_rss_mb"] > 0 and "plan_over_floor" in stack
    assert stack["plan"]["cpu_seconds"] > 0 and "plan_over_floor_cpu" in stack
    assert "check" not in stack  # --quick skips check and checkov


def test_floor_imports_the_provider_modules_of_the_plans_types():
    import sys

    sys.path.insert(0, str(BENCHMARK.parent))
    try:
        import floor
    finally:
        sys.path.remove(str(BENCHMARK.parent))
    modules = floor.provider_modules(["aws:ec2/vpc:Vpc", "pulumi:providers:aws", "blueprint:aws:Network",
                                      "kubernetes:core/v1:Namespace"])
    assert modules == ["pulumi_aws", "pulumi_aws.ec2", "pulumi_kubernetes", "pulumi_kubernetes.core.v1"]


def test_floor_loads_the_resource_classes_a_program_declaring_the_types_loads():
    """The provider packages load classes lazily: the floor must load them as a real program does."""
    import sys

    sys.path.insert(0, str(BENCHMARK.parent))
    try:
        import floor
    finally:
        sys.path.remove(str(BENCHMARK.parent))
    loaded = floor.load_provider_classes(["aws:ec2/vpc:Vpc", "blueprint:aws:Network", "kubernetes:core/v1:Namespace"])
    assert loaded == ["pulumi_aws.ec2.Vpc", "pulumi_kubernetes.core.v1.Namespace"]
    assert "pulumi_aws.ec2.vpc" in sys.modules and "pulumi_aws.ec2._inputs" in sys.modules
