"""Every IPv4 CIDR the docs and the README show passes the project's own deployerCidrs validation
(blueprint.catalogs.kubernetes.deployer_cidrs_problems), except the few the text names as refused:
a reader who copies an example never gets an example the plan refuses (review of issue 13: 198.18.x,
RFC 2544, in docs/deploying.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from blueprint.catalogs.kubernetes import deployer_cidrs_problems

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted([*ROOT.glob("docs/*.md"), *ROOT.glob("docs/runbooks/*.md"), ROOT / "README.md"])
CIDR = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3}/\d{1,2})(?![\d.])")
# Shown as what the validation refuses, never as a value to use.
REFUSED_EXAMPLES = {"0.0.0.0/0", "100.64.0.0/10"}


def _cidrs(path: Path) -> list[tuple[int, str]]:
    """The CIDRs of the prose and examples; the generated Args reference (docs/components.md, between its
    markers) lists the components' own defaults, such as a VPC's private 10.0.0.0/16, not deployer networks."""
    found, generated = [], False
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        generated = (generated or "BEGIN ARGS REFERENCE" in line) and "END ARGS REFERENCE" not in line
        found += [] if generated else [(n, c) for c in CIDR.findall(line)]
    return found


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_cidr_in_the_docs_passes_the_deployer_validation(path):
    bad = [f"{path.name}:{n}: {c}: {problems[0][1]}" for n, c in _cidrs(path) if c not in REFUSED_EXAMPLES
           for problems in [deployer_cidrs_problems([c])] if problems]
    assert not bad, bad


def test_deployer_cidr_examples_are_found():
    # the deployerCidrs examples of deploying.md and configuration.md are seen by the scan
    found = {c for p in DOCS for _, c in _cidrs(p)}
    assert {"203.0.113.10/32", "198.51.100.32/28"} <= found


def test_fails_an_rfc2544_benchmark_range():
    # the range the review found in deploying.md: refused by the validation, so refused in the docs
    assert deployer_cidrs_problems(["198.18.7.10/32"])
