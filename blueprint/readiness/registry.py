"""The deploy-readiness checks, by id (each module exposes ``check(plan)``)."""

from __future__ import annotations

from blueprint.readiness import alarms, autoscaler, names, neg, order, reach

CHECKS: tuple = (
    (names.CHECK_ID, names.check),
    (order.CHECK_ID, order.check),
    (reach.CHECK_ID, reach.check),
    (neg.CHECK_ID, neg.check),
    (autoscaler.CHECK_ID, autoscaler.check),
    (alarms.CHECK_ID, alarms.check),
)
