"""deploy-kubernetes-support: EKS clusters run a minor in standard support with upgrade policy STANDARD."""

from __future__ import annotations

import datetime

import pytest

from blueprint.catalogs.kubernetes import EKS_STANDARD_SUPPORT_ENDS, KUBERNETES_STANDARD_SUPPORT_ENDS, KUBERNETES_VERSION
from blueprint.readiness import kubernetes_support, readiness_problems
from readiness_helpers import SHIPPED_STACKS, plan_of, resource

EKS = "aws:eks/cluster:Cluster"
DAY = datetime.date(2026, 12, 3)


def _problems(inputs, today=DAY):
    return list(kubernetes_support.check(plan_of(resource("eks", EKS, inputs)), today=today))


def test_calendar_has_the_pinned_minor_and_its_documented_end():
    assert EKS_STANDARD_SUPPORT_ENDS[KUBERNETES_VERSION] == KUBERNETES_STANDARD_SUPPORT_ENDS == "2027-03-27"
    assert EKS_STANDARD_SUPPORT_ENDS["1.34"] == "2026-12-02" and EKS_STANDARD_SUPPORT_ENDS["1.33"] == "2026-07-29"


def test_passes_for_a_supported_minor_with_standard_policy():
    assert _problems({"version": "1.35", "upgradePolicy": {"supportType": "STANDARD"}}) == []


@pytest.mark.parametrize("version, words", [
    ("1.34", "left EKS standard support on 2026-12-02"),
    ("1.28", "not in the EKS release calendar"),
    (None, "sets no version"),
])
def test_fails_for_a_minor_out_of_standard_support(version, words):
    inputs = {"upgradePolicy": {"supportType": "STANDARD"}} | ({"version": version} if version else {})
    [problem] = _problems(inputs)
    assert problem.check == "deploy-kubernetes-support" and words in problem.rule
    assert "kubernetes-versions.html" in problem.source


def test_the_date_decides():
    inputs = {"version": "1.35", "upgradePolicy": {"supportType": "STANDARD"}}
    assert _problems(inputs, today=datetime.date(2027, 3, 26)) == []
    assert _problems(inputs, today=datetime.date(2027, 3, 27))


@pytest.mark.parametrize("policy", [None, {}, {"supportType": "EXTENDED"}])
def test_fails_without_standard_upgrade_policy(policy):
    inputs = {"version": "1.35"} | ({"upgradePolicy": policy} if policy is not None else {})
    [problem] = _problems(inputs)
    assert "supportType" in problem.rule and "'STANDARD'" in problem.rule


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_shipped_stacks_are_in_standard_support(shipped_plan, stack):
    assert [p.message for p in kubernetes_support.check(shipped_plan(stack), today=DAY)] == []


def test_refuses_prod_with_extended_support_or_an_old_minor(shipped_plan):
    plan = shipped_plan("prod")
    clusters = plan.of_type(EKS)
    clusters[0].inputs["upgradePolicy"] = {"supportType": "EXTENDED"}
    clusters[1].inputs["version"] = "1.31"
    problems = list(kubernetes_support.check(plan, today=DAY))
    assert [p.urn for p in problems] == [clusters[0].urn, clusters[1].urn]
    assert any(p.check == "deploy-kubernetes-support" for p in readiness_problems(plan))


def test_calendar_date_is_pinned_by_the_environment(monkeypatch):
    monkeypatch.setenv(kubernetes_support.CALENDAR_DATE_ENV, "2027-03-27")
    assert kubernetes_support.calendar_date() == datetime.date(2027, 3, 27)
    monkeypatch.delenv(kubernetes_support.CALENDAR_DATE_ENV)
    assert kubernetes_support.calendar_date() == datetime.date.today()


def test_fails_with_a_clear_message_on_a_malformed_calendar_date(monkeypatch):
    monkeypatch.setenv(kubernetes_support.CALENDAR_DATE_ENV, "next tuesday")
    with pytest.raises(ValueError, match="BLUEPRINT_CALENDAR_DATE: 'next tuesday' is not a date; use YYYY-MM-DD"):
        kubernetes_support.calendar_date()
