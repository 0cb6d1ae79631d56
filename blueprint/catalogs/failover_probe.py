"""The GCP out-of-region failover probe by tier (issue 17; AWS's is blueprint.catalogs.operations.FAILOVER_PROBE): how often the standby region asks for the
primary region's serving health and how many failed rounds start the failover.

The probe (blueprint/components/gcp/failover_probe.py, logic in _failover_probe_app.py) runs in the
*standby* region and reads, every ``interval_s``, the global external Application Load Balancer's own
health verdict of each region's NEG endpoints (Compute API ``backendServices.getHealth``: "Gets the most
recent health check results for this BackendService",
https://cloud.google.com/compute/docs/reference/rest/v1/backendServices/getHealth), all at once under
one deadline of ``interval_s``, and (for a workload with a database) the primary Cloud SQL instance's
``state`` (sqladmin ``instances.get``). The primary is *down* in a round when every one of its groups
answered and none has a HEALTHY endpoint; a failed or late read is *unknown*: it never counts, it
breaks the streak, and the probe's heartbeat alert pages on-call when it lasts. The probe is disarmed
until it has seen the primary healthy once (a first ``pulumi up`` whose endpoints are not HEALTHY yet
never fails the new replica over). Windows are elapsed seconds, so slow rounds never stretch them.

Two windows, so that an in-region Cloud SQL HA failover (the primary misses heartbeats for about
60 s before its standby takes over: Cloud SQL "About high availability"; figures.cloudsql_ha_failover),
a bad release or an outage of the application in both regions never fails a workload over:

- ``failures x interval_s`` (fast path): the primary down *while the standby's endpoints are HEALTHY*
  and, with a database, the primary instance unreachable or not RUNNABLE. The database signal is
  what keeps an HA failover out when the standby's readiness checks its *local* replica (the
  primary's pods turn unready for ~60 s while the standby's stay HEALTHY): the instance itself is
  expected to stay RUNNABLE through it. Cloud SQL documents no instance state for an HA failover in
  progress nor for a lost region's instance: the first is checked in the zone drill
  (docs/runbooks/dr-drill.md), the second no drill can reproduce. If a lost region's instance kept
  reading RUNNABLE, the fast path would not fire and the hold path would (150 s instead of 20 s).
- ``hold_failures x interval_s`` (hold path, with a database only): the primary down with one second
  signal at least, the standby HEALTHY *or* the primary instance unreachable or not RUNNABLE (e.g.
  the standby's readiness also depends on the lost primary database); never the primary's health
  alone. 150 s outlasts the ~60 s HA failover with margin (2.5x).
  Without a database there is no hold path: both regions down is no reason to move.

Why not a Cloud Monitoring uptime check: its shortest period is 60 s (UptimeCheckConfig.period:
"the only supported values are 60s, 300s, 600s, and 900s"), it probes the one anycast address of the
global load balancer (which answers from the standby once the primary fails: no regional signal),
and its alert waits for the metric's visibility delay and an alignment period on top.
Why not Cloud Scheduler + a job: Scheduler's cron granularity is one minute and each run starts
with no memory of the previous rounds; a Cloud Run worker pool ("designed for performing continuous
background work", https://cloud.google.com/run/docs/deploy-worker-pools) keeps one always-on loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from blueprint.catalogs.tiers import Tier


@dataclass(frozen=True)
class GcpFailoverProbeSpec:
    interval_s: int  # seconds between two rounds of getHealth calls
    failures: int  # consecutive rounds, primary down and standby HEALTHY, that start the failover
    hold_failures: int  # consecutive rounds, primary down whatever the standby says, that start it

    @property
    def window_s(self) -> int:
        return self.interval_s * self.failures

    @property
    def hold_window_s(self) -> int:
        return self.interval_s * self.hold_failures


# Mission-critical: a 5 s x 4 = 20 s window; the probe publishes at most 20 s + 2 x 5 s after the load
# balancer's verdict (up to one interval to the next round, one for the crossing round's deadline:
# blueprint/analysis/gcp_orchestration.py), leaving the 60 s Cloud SQL replica failover, the verdict
# itself (interval x unhealthy threshold, 10 s) and the workflow's start inside the 120 s RTO (110 s). Business-critical and standard: no fast path (failures = hold_failures,
# 150 s): their 15 min and 1 h targets leave room to outlast any HA failover whatever readiness checks.
# Load: 2 x 3 zonal NEGs per round every 5 s is 72 getHealth calls a minute (Compute API read requests),
# plus 12 Cloud SQL Admin instances.get calls.
# Best-effort has no second region to fail over to (None).
GCP_FAILOVER_PROBES: dict[Tier, Optional[GcpFailoverProbeSpec]] = {
    Tier.MISSION_CRITICAL: GcpFailoverProbeSpec(interval_s=5, failures=4, hold_failures=30),
    Tier.BUSINESS_CRITICAL: GcpFailoverProbeSpec(interval_s=10, failures=15, hold_failures=15),
    Tier.STANDARD: GcpFailoverProbeSpec(interval_s=15, failures=10, hold_failures=10),
    Tier.BEST_EFFORT: None,
}

# The primary-down alert (Cloud SQL database/up below 1, or silent), kept as the slower second
# trigger: its condition must hold this long, which outlasts an HA failover (~60 s of missed
# heartbeats) three times over whatever the tier's alert timing.
PRIMARY_DOWN_MINUTES = 3


def gcp_failover_probe_spec(tier: Tier | str) -> Optional[GcpFailoverProbeSpec]:
    return GCP_FAILOVER_PROBES[Tier(tier)]
