"""The saved-plan reader (blueprint/plan/saved.py): every problem at once, bounded size and nesting,
valid plans round-trip, and the split between file reads (shape + consistency) and in-process
``Plan.from_json`` (shape only)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from blueprint.config.errors import ConfigError
from blueprint.plan import saved
from blueprint.plan.model import Plan
from blueprint.plan.saved import SavedResource, read_saved_plan
from tests.policies.policy_helpers import plan_json


def _save(tmp_path: Path, data, name: str = "plan.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        read_saved_plan(path)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("stack", ["dev", "gcp-prod"])
def test_valid_plan_round_trips_to_the_same_resources(tmp_path, stack):
    text = plan_json(stack)
    plan = read_saved_plan(_save(tmp_path, text))
    assert plan.to_json() == Plan.from_json(json.loads(text)).to_json()
    assert [r.to_json() for r in plan.resources] == json.loads(text)["resources"]
    assert plan.stack_urn == f"urn:pulumi:{stack}::blueprint::pulumi:pulumi:Stack::blueprint-{stack}"


def test_names_every_problem_at_once(tmp_path):
    data = json.loads(plan_json("dev"))
    data["stack"], data["cloud"], data["residency"], data["outputs"] = 5, "azure", "mars", 3
    r = data["resources"][5]
    r["dependencies"], r["region"], r["inputs"], r["parent"] = 7, 5, ["a"], []
    problems = _problems(_save(tmp_path, data))
    assert len(problems) == 8
    for fragment in ("stack:", "cloud:", "residency:", "outputs:", "resources[5].dependencies: expected a list of URNs",
                     "resources[5].region", "resources[5].inputs", "resources[5].parent"):
        assert any(fragment in p for p in problems), fragment
    assert all(p.startswith("--plan: not a blueprint plan: ") for p in problems)


def test_lists_the_first_problems_then_how_many_more(tmp_path):
    data = json.loads(plan_json("dev"))
    for r in data["resources"][:30]:
        r["region"] = 5
    problems = _problems(_save(tmp_path, data))
    assert len(problems) == saved.SHOWN_PROBLEMS + 1
    assert problems[-1] == "--plan: and 10 more problems of the same kinds"


def test_stops_counting_a_flood_of_problems(tmp_path):
    problems = _problems(_save(tmp_path, {"stack": "x", "resources": [{}] * saved.MAX_RESOURCES}))
    assert problems[-1].startswith("--plan: and at least ")


def test_refuses_a_file_over_the_size_limit_before_reading_it(tmp_path):
    path = tmp_path / "plan.json"
    with path.open("wb") as stream:
        stream.truncate(200 * 2**20)  # sparse: 200 MB on paper
    (problem,) = _problems(path)
    assert "the file is 209,715,200 bytes (200.0 MiB); a saved plan is at most 67,108,864 bytes (64 MiB)" in problem


@pytest.mark.parametrize("levels, message", [(5000, "nested too deeply"), (saved.MAX_DEPTH + 1, "nested deeper than 64 levels")])
def test_refuses_deep_nesting(tmp_path, levels, message):
    data = json.loads(plan_json("dev"))
    data["resources"][3]["inputs"]["deep"] = "@@deep@@"
    text = json.dumps(data).replace('"@@deep@@"', "[" * levels + "]" * levels)
    (problem,) = _problems(_save(tmp_path, text))
    assert message in problem


def test_the_largest_real_plan_nests_well_inside_the_bound():
    assert saved._depth_problem(json.loads(plan_json("prod"))) is None
    assert saved._depth_problem({"a": [[[[1]]]]}) is None


@pytest.mark.parametrize("content, message", [
    (None, "file not found"), ("{not json", "not JSON"), ('{"stack": "x", "stack": "y", "resources": []}', "repeats the key(s) 'stack'"),
    ('{"stack": "x", "resources": [], "outputs": {"a": NaN}}', "NaN is not a JSON number"), ("[]", "(the top level)"),
])
def test_refuses_files_that_are_not_json_plans(tmp_path, content, message):
    path = tmp_path / "plan.json" if content is None else _save(tmp_path, content)
    assert message in " ".join(_problems(path))


def test_refuses_a_tags_map_that_is_not_strings(tmp_path):
    data = json.loads(plan_json("dev"))
    i, r = next((i, r) for i, r in enumerate(data["resources"]) if isinstance(r["inputs"].get("tags"), dict))
    r["inputs"]["tags"]["blueprint:tier"] = ["mission-critical"]
    (problem,) = _problems(_save(tmp_path, data))
    assert f'resources[{i}].inputs.tags["blueprint:tier"]: expected a string' in problem


def test_dependency_on_a_resource_the_program_reads_is_accepted_only_under_a_component_of_the_plan(tmp_path):
    data = json.loads(plan_json("gcp-prod"))
    reads = [d for r in data["resources"] for d in r["dependencies"] if "kubernetes:core/v1:Namespace::" in d
             and d not in {x["urn"] for x in data["resources"]}]
    assert reads, "gcp-prod depends on the kube-system namespaces it reads"
    read_saved_plan(_save(tmp_path, data))
    data["resources"][0]["dependencies"] = [reads[0].replace("blueprint:gcp:RegionalPlatform$", "blueprint:gcp:Elsewhere$")]
    assert "resources[0].dependencies[0]: names no resource of the plan" in " ".join(_problems(_save(tmp_path, data)))


def test_from_json_is_the_trusted_in_process_path_and_files_are_validated(tmp_path):
    # Plan.from_json runs without pydantic (the CrossGuard pack) and builds partial plans for tests;
    # the same partial plan saved to a file is refused by the reader every --plan uses.
    data = json.loads(plan_json("dev"))
    partial = copy.deepcopy(data)
    partial["resources"] = partial["resources"][10:]  # parents and dependencies now dangle
    assert len(Plan.from_json(partial).resources) == len(data["resources"]) - 10
    assert "names no resource of the plan" in " ".join(_problems(_save(tmp_path, partial)))
    with pytest.raises(ValueError, match="expected a JSON object with a 'resources' list"):
        Plan.from_json({"resources": 7})


def test_resource_defaults_for_plans_saved_before_the_fields_existed():
    r = SavedResource.model_validate({"urn": "u", "type": "t", "name": "n", "parent": None, "dependencies": [],
                                      "region": None, "zone": None, "workload": None, "inputs": {}})
    assert (r.custom, r.provider, r.id, r.outputs) == (True, None, None, {})
    plan = saved.SavedPlan.model_validate({"stack": "dev", "resources": []})
    assert (plan.cloud, plan.outputs, plan.residency) == (None, {}, None)


def test_bounds_leave_headroom_over_the_largest_plan():
    # docs/plan.md, "Reading a saved plan": a 50-workload plan is 18.3 MiB, 7,022 resources, 106 dependencies at most.
    assert saved.MAX_PLAN_BYTES >= 3 * 18.3 * 2**20 and saved.MAX_RESOURCES >= 2 * 7_022 and saved.MAX_DEPENDENCIES >= 10 * 106
    assert saved.MAX_CONTAINERS >= 10 * 84_777
    brackets = plan_json("prod").count("{") + plan_json("prod").count("[")
    assert brackets < saved.MAX_CONTAINERS / 50, brackets  # prod (6 workloads) is far below the bound
