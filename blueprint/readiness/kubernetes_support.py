"""deploy-kubernetes-support: every EKS cluster runs a minor in standard support, and stays there.

EKS gives each minor 14 months of standard support, then 12 of extended support billed per
cluster hour; "Extended support is enabled by default" (EKS user guide, "Understand the Kubernetes
version lifecycle on EKS", https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html).
A cluster created at a minor already past its end of standard support starts in (billed) extended
support, and one without ``upgradePolicy.supportType`` STANDARD enters it when the date passes
(``UpgradePolicyRequest``: supportType EXTENDED is the default; STANDARD auto-upgrades at the end of
standard support, https://docs.aws.amazon.com/eks/latest/APIReference/API_UpgradePolicyRequest.html).

The calendar (minor -> end of standard support) is ``EKS_STANDARD_SUPPORT_ENDS`` in
blueprint/catalogs/kubernetes.py, next to ``KUBERNETES_VERSION``. It is read as of today, or as of
the day in ``BLUEPRINT_CALENDAR_DATE`` (YYYY-MM-DD), which re-checks a saved plan as of a given day
and keeps the test suite deterministic (tests/conftest.py pins it); ``check(plan, today=...)`` too.
"""

from __future__ import annotations

import datetime
import os
from typing import Iterable, Optional

from blueprint.catalogs.kubernetes import EKS_STANDARD_SUPPORT_ENDS
from blueprint.plan.model import Plan, PlannedResource
from blueprint.readiness import ReadinessProblem
from blueprint.readiness.graph import EKS_CLUSTER, get

CHECK_ID = "deploy-kubernetes-support"
SOURCE = ("https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html (release calendar; extended "
          "support on by default); https://docs.aws.amazon.com/eks/latest/APIReference/API_UpgradePolicyRequest.html")


def _version_problem(cluster: PlannedResource, today: datetime.date) -> Optional[str]:
    version = cluster.inputs.get("version")
    if not isinstance(version, str) or not version:
        return "sets no version, so EKS picks its default minor; pin a minor in standard support"
    minor = ".".join(version.split(".")[:2])
    ends = EKS_STANDARD_SUPPORT_ENDS.get(minor)
    if ends is None:
        known = ", ".join(f"{v} (until {d})" for v, d in sorted(EKS_STANDARD_SUPPORT_ENDS.items()))
        return f"Kubernetes {version} is not in the EKS release calendar blueprint knows ({known})"
    if today >= datetime.date.fromisoformat(ends):
        supported = sorted(v for v, d in EKS_STANDARD_SUPPORT_ENDS.items() if today < datetime.date.fromisoformat(d))
        return (f"Kubernetes {version} left EKS standard support on {ends} (today is {today.isoformat()}): the cluster "
                "would run in billed extended support, or (upgradePolicy STANDARD) be upgraded by EKS past the minor the "
                f"program declares; allowed: {supported or 'a newer minor'}")
    return None


def _policy_problem(cluster: PlannedResource) -> Optional[str]:
    support = get(cluster.inputs, "upgradePolicy.supportType")
    if support != "STANDARD":
        return (f"upgradePolicy.supportType is {support!r} (unset means EXTENDED): at the end of standard support "
                "the cluster stays on its minor and is billed extended support; set it to 'STANDARD'")
    return None


CALENDAR_DATE_ENV = "BLUEPRINT_CALENDAR_DATE"


def calendar_date() -> datetime.date:
    """The day the support calendar is read at: ``BLUEPRINT_CALENDAR_DATE`` when set, else today."""
    pinned = os.environ.get(CALENDAR_DATE_ENV)
    if not pinned:
        return datetime.date.today()
    try:
        return datetime.date.fromisoformat(pinned)
    except ValueError:
        raise ValueError(f"{CALENDAR_DATE_ENV}: {pinned!r} is not a date; use YYYY-MM-DD, or unset it for today") from None


def check(plan: Plan, today: Optional[datetime.date] = None) -> Iterable[ReadinessProblem]:
    day = today or calendar_date()
    for cluster in plan.of_type(EKS_CLUSTER):
        for rule in (_version_problem(cluster, day), _policy_problem(cluster)):
            if rule is not None:
                yield ReadinessProblem(
                    check=CHECK_ID, urn=cluster.urn, type=cluster.type, name=cluster.name,
                    value={"version": cluster.inputs.get("version"),
                           "upgradePolicy.supportType": get(cluster.inputs, "upgradePolicy.supportType")},
                    rule=rule, source=SOURCE)
