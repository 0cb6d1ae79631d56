"""Shared fixtures: a valid baseline configuration and a helper that writes stack files."""

from __future__ import annotations

import copy
import hashlib
import os
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent

# The EKS support calendar (deploy-kubernetes-support) is read as of this day in every test, in
# process and in the CLI subprocesses alike, so the suite does not change verdict with the date.
os.environ["BLUEPRINT_CALENDAR_DATE"] = "2026-12-03"
STACKS_DIR = ROOT / "stacks"
SHIPPED_STACKS = sorted(p.name[len("Pulumi."):-len(".yaml")] for p in STACKS_DIR.glob("Pulumi.*.yaml"))

# A valid AWS configuration in the validator's raw form: keys as in the stack file without the
# `blueprint:` prefix, provider keys (aws:region, gcp:*) with theirs. Two workloads so a test can
# break workloads[1] and check the index in the key path.
BASELINE: dict[str, Any] = {
    "aws:region": "us-east-1",
    "cloud": "aws",
    "environment": "prod",
    "residency": "us",
    "primaryRegion": "us-east-1",
    "secondaryRegion": "us-west-2",
    "zonesPerRegion": 3,
    "dnsZone": "ml.example.com",
    # RFC 5737 documentation ranges, as in the shipped stacks (docs/deploying.md).
    "deployerCidrs": ["203.0.113.10/32", "198.51.100.0/28"],
    "workloads": [
        {
            "name": "fraud-scoring",
            "tier": "mission-critical",
            "gpu": {
                "accelerator": "nvidia-l4",
                "gpusPerNode": 1,
                "minNodesPerZone": 1,
                "maxNodesPerZone": 4,
                "capacity": "on-demand",
            },
            # Pinned by digest: a mission-critical workload without `images` pulls nothing else (config/rules.py).
            "service": {"image": "registry.example.com/fraud@sha256:41491ba9c3fddb9d7009eb6444d27f4505164f3df9743c7ce4e50c70eff3ec1e",
                        "port": 8080},
            "database": {"engine": "postgres", "size": "medium"},
            "backup": {"retentionDays": 35},
            "queue": {"maxReceiveCount": 5, "visibilityTimeoutSeconds": 300},
        },
        {
            "name": "batch-embeddings",
            "tier": "standard",
            "gpu": {
                "accelerator": "nvidia-t4",
                "gpusPerNode": 1,
                "minNodesPerZone": 0,
                "maxNodesPerZone": 8,
                "capacity": "spot",
            },
        },
    ],
}


@pytest.fixture
def baseline() -> dict[str, Any]:
    """A fresh deep copy of a valid raw configuration, free to mutate."""
    return copy.deepcopy(BASELINE)


def gcp_tier_workload(tier: str, engine: str) -> dict[str, Any]:
    """A GPU-serving workload of ``tier`` with a database of ``engine``, named ``<tier>-app``."""
    return {
        "name": f"{tier}-app", "tier": tier,
        "gpu": {"accelerator": "nvidia-t4", "gpusPerNode": 1, "minNodesPerZone": 2, "maxNodesPerZone": 6,
                "capacity": "on-demand"},
        # Pinned by digest: tiers that require recovery data pull no outside tag (config/rules.py).
        "service": {"image": f"us-docker.pkg.dev/acme/serving/{tier}@sha256:{hashlib.sha256(tier.encode()).hexdigest()}", "port": 8080,
                    "readinessPath": "/ready",
                    "livenessPath": "/healthz"},
        "database": {"engine": engine, "size": "medium"},
    }


# An unseen GCP stack (no shipped stack file is like it): US residency, one workload per tier, both
# Cloud SQL engines. Raw keys as BASELINE; write it with write_stack (a deep copy if you mutate it).
GCP_US_STACK: dict[str, Any] = {
    "gcp:project": "acme-ml-staging", "gcp:region": "us-central1", "cloud": "gcp", "environment": "staging",
    "residency": "us", "primaryRegion": "us-central1", "secondaryRegion": "us-east4", "zonesPerRegion": 3,
    "dnsZone": "ml.example.us", "deployerCidrs": ["203.0.113.10/32"],
    "workloads": [gcp_tier_workload(t, e) for t, e in (("mission-critical", "postgres"), ("business-critical", "mysql"),
                                                       ("standard", "postgres"), ("best-effort", "mysql"))],
}


def to_stack_config(raw: dict[str, Any]) -> dict[str, Any]:
    """Raw validator keys -> stack-file keys (`blueprint:` prefix unless namespaced already)."""
    return {(k if ":" in k else f"blueprint:{k}"): v for k, v in raw.items()}


def write_stack(tmp_path: Path, config: Any, name: str = "test") -> Path:
    """Write ``tmp_path/Pulumi.<name>.yaml`` with ``config:`` holding ``config`` (written as is
    when it is not a dict, so a test can write a malformed ``config``). Dict keys without a
    namespace get the `blueprint:` prefix."""
    if isinstance(config, dict):
        config = to_stack_config(config)
    path = tmp_path / f"Pulumi.{name}.yaml"
    path.write_text(yaml.safe_dump({"config": config}, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def stack_writer(tmp_path: Path) -> Callable[..., Path]:
    """``stack_writer(config_dict, name="test")`` -> path of the written stack file."""

    def _write(config: Any, name: str = "test") -> Path:
        return write_stack(tmp_path, config, name)

    return _write
