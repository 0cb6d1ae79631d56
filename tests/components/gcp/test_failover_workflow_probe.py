"""FailoverWorkflow and its source with failover probes (issue 17): a probe's 'primary-down' message is
a trigger like an open incident; a workflow needs at least one policy or probe; the GPU step resizes
the pool to the raised floor (a raised minimum alone adds no node until pods are pending)."""

from __future__ import annotations

import pytest
import yaml
from pydantic import ValidationError

from blueprint.components.gcp._failover_source import failover_source
from tests.components.gcp.test_failover_workflow import POOL, _args

SPEC = {"project": "acme-ml-prod", "workload": "fraud-scoring", "region": "europe-west1", "approval": "automatic",
        "approval_timeout_s": 60, "rto_s": 900, "trigger_policies": [], "trigger_probes": ["prod-fraud-scoring-probe"],
        "gpu_pools": [{"step": "gpu_floor_on_demand", "name": POOL, "min": 2, "max": 6, "location_policy": "BALANCED"}]}


def _steps(spec=SPEC) -> list:
    return yaml.safe_load(failover_source(spec))["main"]["steps"]


def test_the_probes_message_is_decoded_and_accepted():
    steps = _steps()
    assigned = {k: v for item in steps[0]["read_event"]["assign"] for k, v in item.items()}
    assert assigned["trigger_probes"] == ["prod-fraud-scoring-probe"] and assigned["probe"] == {}
    decode = steps[1]["decode_incident"]["switch"][0]["steps"]
    assert decode[1]["decode_alert"]["assign"][1] == {"probe": '${default(map.get(message, "probe"), {})}'}
    check = steps[2]["check_incident"]["switch"][0]["condition"]
    # ignored unless declared, an open incident of a trigger policy, or a trigger probe's primary-down
    assert ('not (map.get(probe, "verdict") == "primary-down" and default(map.get(probe, "name"), "") in trigger_probes)'
            in check)


def test_the_gpu_step_raises_the_floor_then_resizes_every_zone_to_it():
    (gpu,) = [s for s in _steps() if "gpu_floor_on_demand" in s]
    set_floor, resize = gpu["gpu_floor_on_demand"]["try"]["steps"]
    assert set_floor["gpu_floor_on_demand_set"]["args"]["body"]["autoscaling"]["minNodeCount"] == 2
    call = resize["gpu_floor_on_demand_resize"]
    assert call["call"] == "googleapis.container.v1.projects.locations.clusters.nodePools.setSize"
    assert call["args"]["name"] == POOL and call["args"]["body"] == {"nodeCount": 2}
    assert call["args"]["connector_params"] == {"timeout": 900}


def test_a_probe_alone_may_start_the_workflow():
    args = _args(trigger_policies=[], trigger_probes=["prod-fraud-scoring-probe"])
    assert args.trigger_probes == ["prod-fraud-scoring-probe"]


def test_fails_without_any_trigger():
    with pytest.raises(ValidationError, match="trigger_policies, trigger_probes: both empty"):
        _args(trigger_policies=[], trigger_probes=[])


def test_fails_with_an_empty_probe_name():
    with pytest.raises(ValidationError, match="trigger_probes"):
        _args(trigger_probes=[""])


def test_default_has_no_probe():
    assert _args().trigger_probes == []
