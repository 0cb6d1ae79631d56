"""Standby queues and the audit trail (issue 18, part 2), on the cloud-neutral read model
(``PlanFacts.queues`` / ``PlanFacts.audit_trails``: blueprint/analysis/queue_facts.py, audit_facts.py),
so AWS and GCP stacks are judged alike.

- ``standby-queue``: a queued workload (a queue in its primary region) whose strategy runs it in the
  second region (serving, warm or pilot: blueprint.catalogs.operations.QUEUE_ROLES) keeps a queue there
  too, and every queue has a dead-letter queue: requests buffered while the primary is lost, and
  replayable (`blueprint queue replay`). Not judged without a second region or in a single-region
  jurisdiction.
- ``audit-trail``: a stack whose strictest tier asks for it (blueprint.catalogs.recovery_stack) has a
  complete audit trail (AWS: a logging, multi-region CloudTrail with log file validation and KMS into an
  Object-Locked bucket, logging the S3 object data events of every vault and artifact store; GCP: every
  audit log routed, by an enabled sink without exclusions, to a retention-locked CMEK bucket) locked at
  least in that tier's mode and for at least its audit retention (blueprint/analysis/audit_facts.py).
"""

from __future__ import annotations

from typing import Iterable, Optional

from blueprint.catalogs import operations
from blueprint.catalogs.recovery_stack import recovery_stack_spec
from blueprint.catalogs.tiers import SECOND_REGION_ROLE
from blueprint.policies.model import MANDATORY, Context, Rule
from blueprint.policies.read_model import LOCK_RANK, any_uncertain, facts_of, single_region_jurisdiction, tier_workloads

Finding = tuple[Optional[str], str]


def check_standby_queue(ctx: Context) -> Iterable[Finding]:
    facts = facts_of(ctx)
    for tw in tier_workloads(ctx):
        queues = [q for q in facts.queues if q.workload == tw.name]
        for q in queues:
            if not q.dead_letter:
                yield q.urn, f"{tw.label}: its queue in {q.region} has no dead-letter queue; failed requests would be lost"
        primary = next((q for q in queues if q.region == tw.primary), None)
        secondary = tw.facts.secondary_region
        if primary is None or secondary is None or single_region_jurisdiction(ctx):
            continue
        if SECOND_REGION_ROLE[tw.strategy].value in operations.QUEUE_ROLES and not any(q.region == secondary for q in queues):
            yield primary.urn, (f"{tw.label} has a queue only in {tw.primary}; its strategy runs it in {secondary} too, which needs "
                                "its own queue and dead-letter queue to buffer requests after a failover")


def check_audit_trail(ctx: Context) -> Iterable[Finding]:
    workloads = tier_workloads(ctx)
    spec = recovery_stack_spec(tw.spec.tier for tw in workloads)
    if spec is None or not spec.audit_trail:
        return
    trails = facts_of(ctx).audit_trails
    if any_uncertain(ctx, [t.urn for t in trails]):
        return
    required, days = spec.audit_lock_mode.value, spec.audit_retention_days
    good = [t for t in trails if not t.missing and LOCK_RANK.get(t.lock, 0) >= LOCK_RANK[required] and t.retention_days >= days]
    if good:
        return
    if not trails:
        yield None, (f"the stack has no audit trail; its strictest tier needs one locked in {required} mode (AWS: a multi-region "
                     "CloudTrail trail; GCP: the audit logs routed to a locked bucket)")
    for t in trails:
        lacks = list(t.missing) + ([f"a {required} lock (its bucket is {t.lock})"] if LOCK_RANK.get(t.lock, 0) < LOCK_RANK[required] else [])
        lacks += [f"{days} days of retention (its bucket keeps {t.retention_days})"] if t.retention_days < days else []
        yield t.urn, f"the audit trail lacks {', '.join(lacks)}; the stack's strictest tier needs it complete and locked in {required} mode"


_REMEDIATION_QUEUE = ("Let the composer place the workload's queue (it does so in every region that can serve: WorkloadPlacement.has_queue); "
                      "by hand: one blueprint.components.aws.WorkQueue / gcp.PubSubQueue per region, each with its dead-letter queue.")
_REMEDIATION_TRAIL = ("Let the composer build it (blueprint.components.aws.AuditTrail; blueprint.components.gcp.AuditLogSink), or add "
                      "one by hand with the tier's lock mode.")

RULES = (
    Rule(id="standby-queue", description="A queued workload keeps a queue with a dead-letter queue in every region its strategy runs it "
                                         "in (serving, warm standby or pilot light), so buffered requests survive the primary's loss.",
         enforcement=MANDATORY, remediation=_REMEDIATION_QUEUE, category="tier-conformance", scope="stack", check=check_standby_queue),
    Rule(id="audit-trail", description="Stacks whose strictest tier asks for it (all but best-effort) keep a complete audit trail in a "
                                       "bucket locked in that tier's mode (AWS CloudTrail; GCP audit-log sink).",
         enforcement=MANDATORY, remediation=_REMEDIATION_TRAIL, category="tier-conformance", scope="stack", check=check_audit_trail),
)
