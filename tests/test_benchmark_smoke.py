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
