"""The deploy-readiness checks, by id (each module exposes ``check(plan)``)."""

from __future__ import annotations

from blueprint.readiness import (
    alarms, autoscaler, duplicate_owner, global_minor_upgrade, hpa_metrics, kubernetes_support, names, neg, order,
    reach,
)

CHECKS: tuple = (
    (names.CHECK_ID, names.check),
    (order.CHECK_ID, order.check),
    (reach.CHECK_ID, reach.check),
    (neg.CHECK_ID, neg.check),
    (autoscaler.CHECK_ID, autoscaler.check),
    (alarms.CHECK_ID, alarms.check),
    (hpa_metrics.CHECK_ID, hpa_metrics.check),
    (kubernetes_support.CHECK_ID, kubernetes_support.check),
    (global_minor_upgrade.CHECK_ID, global_minor_upgrade.check),
    (duplicate_owner.CHECK_ID, duplicate_owner.check),
)
