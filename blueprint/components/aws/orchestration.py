"""The AWS composer's orchestration steps (blueprint.components.aws.platform.AwsSteps.global_entry): per
workload, once its regions, database and DNS exist,

- its ARC Region switch plan (blueprint.components.aws.region_switch_plan) where the footprint gives it a
  failover (``intent.failover_approval``: None for backup-restore, which has nothing to fail over to),
  and with automatic approval its trigger: a FailoverProbe (blueprint.components.aws.failover_probe) in
  the other region of each region the plan fails away from (active/passive: the standby probes the
  primary; active/active: each region probes the other), timed by ``intent.failover_probe``, which
  also checks its own region's endpoint (the plan's second trigger condition: the survivor answers);
- zonal autoshift with practice runs (blueprint.components.aws.zonal_autoshift) on its load balancer in each
  region where the footprint asks for it (``intent.zonal_autoshift``);

and per region of the stack, once every workload is built, its drills (blueprint.components.aws.fis_experiments):
a zone power interruption per zone and a cross-region isolation towards the other region, stopped
by the workloads' customer-impact alarms there.

Each resource carries the workload's tags (``blueprint:workload`` ...), so a plan reader can tell
which workload a step automates and by which resource.
"""

from __future__ import annotations

import math
from typing import Any, Optional

import pulumi
import pulumi_aws as aws

from blueprint.footprint import WorkloadPlacement
from blueprint.components.aws._names import fit_name
from blueprint.components.aws.failover_probe import DirectStart, FailoverProbe, FailoverProbeArgs
from blueprint.components.aws.fis_experiments import FisExperiments, FisExperimentsArgs
from blueprint.components.aws.region_switch_plan import RegionSwitchPlan, RegionSwitchPlanArgs, TriggerAlarm
from blueprint.components.aws.regional_platform import RegionalPlatform
from blueprint.components.aws.workload_region import WorkloadRegion
from blueprint.components.aws.zonal_autoshift import ZonalAutoshift, ZonalAutoshiftArgs
from blueprint.components.k8s.inference_service import replicas_for

# The footprint's cloud-neutral approach -> Region switch's recoveryApproach (API_Plan).
RECOVERY_APPROACH = {"active-active": "activeActive", "active-passive": "activePassive"}
# API_Plan name: at most 32 characters.
PLAN_NAME_MAX = 32
# Where a plan's ARN is kept for the probes that start it (one parameter per plan and watched region; plan names
# are unique in the account, so stacks sharing an account do not collide).
START_PARAMETER_PREFIX = "/blueprint/region-switch/"
# WorkloadAlarms roles that mean customers see errors: a practice run's outcome, an experiment's stop.
IMPACT_ALARM_ROLES = ("target-5xx", "elb-5xx")
# ... and, for the experiments, a backlog that stops draining.
STOP_ALARM_ROLES = (*IMPACT_ALARM_ROLES, "queue-age")


class DrillTargets:
    """What the composer collects per region while it builds the workloads, for FisExperiments."""

    def __init__(self) -> None:
        self.stop_alarm_names: dict[str, list[Any]] = {}
        self.database_arns: dict[str, list[Any]] = {}
        self.replicating_vaults: dict[str, list[Any]] = {}

    def add(self, placements: list[WorkloadPlacement], built: list[WorkloadRegion]) -> None:
        for placement, region in zip(placements, built):
            names = region.alarms.alarm_names_by_role if region.alarms is not None else {}
            self.stop_alarm_names.setdefault(placement.region, []).extend(names[r] for r in STOP_ALARM_ROLES if r in names)
            if region.database is not None:
                self.database_arns.setdefault(placement.region, []).append(region.database.arn)
        if len(built) > 1:  # the primary's vault replicates to the second region (blueprint.components.aws.vault_replication)
            self.replicating_vaults.setdefault(placements[0].region, []).append(built[0].vault.arn)


def fis_experiments(env: str, footprint: Any, platforms: dict[str, RegionalPlatform], providers: dict[str, aws.Provider],
                    drills: DrillTargets) -> dict[str, FisExperiments]:
    """Region -> its FisExperiments, for every region with a network and an alarm to stop on."""
    found: dict[str, FisExperiments] = {}
    names = [r.name for r in footprint.regions]
    for region in footprint.regions:
        platform, stops = platforms[region.name], drills.stop_alarm_names.get(region.name, [])
        if platform.network is None or not stops:
            continue
        invoke = pulumi.InvokeOutputOptions(provider=providers[region.name])
        where = pulumi.Output.all(aws.get_partition_output(opts=invoke).partition, aws.get_caller_identity_output(opts=invoke).account_id)
        subnets = {z: pulumi.Output.all(where, sid).apply(lambda a, r=region.name: f"arn:{a[0][0]}:ec2:{r}:{a[0][1]}:subnet/{a[1]}")
                   for z, sid in platform.network.private_subnet_ids_by_zone.items()}
        peer = next((n for n in names if n != region.name), None)
        found[region.name] = FisExperiments(
            f"{env}-{region.name}-drills",
            FisExperimentsArgs(
                region=region.name, zones=list(region.zones),
                cluster_name=platform.cluster.cluster_name if platform.cluster is not None else None,
                subnet_arns_by_zone=subnets, database_cluster_arns=drills.database_arns.get(region.name, []),
                peer_region=peer if peer is not None and platforms[peer].network is not None else None,
                vault_bucket_arns=drills.replicating_vaults.get(region.name, []),
                stop_alarm_names=stops, kms_key_arn=platform.key.arn,
                tags={"blueprint:region-role": region.role.value},
            ),
            pulumi.ResourceOptions(providers=[providers[region.name]]),
        )
    return found


def zonal_autoshifts(placements: list[WorkloadPlacement], built: list[WorkloadRegion], providers: dict[str, aws.Provider],
                     tags_of: Any) -> dict[str, ZonalAutoshift]:
    """Region -> the workload's ZonalAutoshift, where it asks for one and runs a load balancer with alarms."""
    found: dict[str, ZonalAutoshift] = {}
    for placement, region in zip(placements, built):
        alarms, lb = region.alarms, region.load_balancer
        if not placement.intent.zonal_autoshift or lb is None or alarms is None:
            continue
        outcome = [alarms.alarm_names_by_role[r] for r in IMPACT_ALARM_ROLES if r in alarms.alarm_names_by_role]
        found[placement.region] = ZonalAutoshift(
            f"{placement.name}-{placement.region}-autoshift",
            ZonalAutoshiftArgs(workload=placement.name, region=placement.region, load_balancer_arn=lb.arn,
                               blocking_alarm_names=list(alarms.alarm_names), outcome_alarm_names=outcome, tags=tags_of(placement)),
            pulumi.ResourceOptions(providers=[providers[placement.region]]),
        )
    return found


def traffic_step_regions(placements: list[WorkloadPlacement], built: list[WorkloadRegion], with_dns: bool) -> list[str]:
    """The regions whose records the workload's Region switch plan will move (its traffic step), or
    [] when it has none: the same conditions as region_switch_plan's (a second region that runs, a
    failover to orchestrate, a DnsFailover with an endpoint in both regions). The composer asks
    before it builds the records, which must use the plan's health checks (blueprint/components/aws/dns_failover.py)."""
    if not with_dns or placements[0].intent.failover_approval is None or len(placements) < 2 or not placements[1].runs_here:
        return []
    if any(b.load_balancer is None for b in built[:2]):
        return []
    return [placements[0].region, placements[1].region]


def region_switch_plan(
    env: str,
    placements: list[WorkloadPlacement],
    built: list[WorkloadRegion],
    platforms: dict[str, RegionalPlatform],
    provider: aws.Provider,
    tags: dict[str, str],
    *,
    global_db: Any = None,
    dns: Any = None,
    hosted_zone_id: Any = None,
    dns_zone: Optional[str] = None,
    alarms: Any = None,  # unused since the failover probes (they notify their own region's topic); kept for callers
    providers: Optional[dict[str, aws.Provider]] = None,
) -> Optional[RegionSwitchPlan]:
    """The workload's Region switch plan, or None (no second region to fail over to, or nothing in
    it to orchestrate: no database, no service)."""
    first = placements[0]
    intent, workload = first.intent, first.workload
    if intent.failover_approval is None or len(placements) < 2 or not placements[1].runs_here:
        return None
    primary, secondary = placements[0].region, placements[1].region
    kwargs: dict[str, Any] = {}
    if global_db is not None and all(b.database is not None for b in built):
        kwargs.update(global_cluster_identifier=global_db.id, global_cluster_arn=global_db.arn,
                      database_cluster_arns={p.region: b.database.arn for p, b in zip(placements, built)})
    if workload.service is not None and all(platforms[p.region].cluster is not None for p in placements):
        kwargs.update(_capacity(placements, built, platforms))
        # Where KEDA scales the Deployment on its requests, its HPA scales the replicas Region switch set back
        # down while the survivor has no traffic yet (HPA scale-down after its stabilization window), so a
        # capacity step waiting for its target ahead of the traffic step could hold that step: run it last.
        kwargs["capacity_after_traffic"] = workload.service.requests_per_second_per_pod is not None
    health_checks = dict(getattr(dns, "health_check_ids", None) or {})
    if dns is not None and set(health_checks) == {primary, secondary}:
        kwargs.update(hosted_zone_id=hosted_zone_id, record_name=f"{workload.name}.{dns_zone}")
    if not kwargs:
        return None
    approval = intent.failover_approval
    watched = [primary] if intent.failover_approach == "active-passive" else [primary, secondary]
    plan_name = fit_name(env, workload.name, max_length=PLAN_NAME_MAX)
    if approval == "automatic" and "record_name" in kwargs and providers is not None:
        kwargs["trigger_alarms"] = {r: failover_probe(placements, built, platforms, providers, r, dns_zone, tags, plan_name)
                                    for r in watched}
    else:
        # Nothing can probe the regions' endpoints from outside (no served records): a human starts it.
        approval = "manual"
    return RegionSwitchPlan(
        f"{workload.name}-region-switch",
        RegionSwitchPlanArgs(
            plan_name=plan_name,
            workload=workload.name,
            recovery_approach=RECOVERY_APPROACH[intent.failover_approach],
            primary_region=primary,
            secondary_region=secondary,
            recovery_time_objective_minutes=max(1, math.ceil(intent.rto_s / 60)),
            # Region switch scales the activated region to a percentage of the *deactivated* region's
            # replicas (eks-resource-scaling-block, "How it works"). Active-passive: the standby takes
            # what the primary ran (100). Active-active: the survivor already runs its own share and must
            # also take the lost region's (200); at 100 it would find itself already "scaled".
            capacity_target_percent=200 if intent.failover_approach == "active-active" else 100,
            approval=approval,
            tags=tags,
            **kwargs,
        ),
        pulumi.ResourceOptions(providers=[provider]),
    )


def failover_probe(placements: list[WorkloadPlacement], built: list[WorkloadRegion],
                   platforms: dict[str, RegionalPlatform], providers: dict[str, aws.Provider], watched: str,
                   dns_zone: Optional[str], tags: dict[str, str], plan_name: str) -> TriggerAlarm:
    """The probe of ``watched`` from the workload's other region, and its alarm as the plan's trigger. The
    probe also starts the plan itself (automatic approval is the only caller): the same action and target as
    the plan's trigger for ``watched`` (region_switch_plan.plan_triggers)."""
    workload, spec = placements[0].workload, placements[0].intent.failover_probe
    target = next(b for p, b in zip(placements, built) if p.region == watched)
    probe_region = next(p.region for p in placements[:2] if p.region != watched)
    survivor = next(b for p, b in zip(placements, built) if p.region == probe_region)
    platform = platforms[probe_region]
    passive = placements[0].intent.failover_approach == "active-passive"
    start = DirectStart(plan_name=plan_name, parameter_name=f"{START_PARAMETER_PREFIX}{plan_name}/{watched}/plan-arn",
                        action="activate" if passive else "deactivate", target_region=probe_region if passive else watched)
    probe = FailoverProbe(
        f"{workload.name}-probe-{watched}",
        FailoverProbeArgs(
            workload=workload.name, probe_region=probe_region, watched_region=watched,
            target_host=target.load_balancer.dns_name, server_name=f"{workload.name}.{dns_zone}",
            # The survivor checks itself too: the plan fails over only while its own endpoint answers.
            self_host=survivor.load_balancer.dns_name,
            # Where DNS serves a region from its fallback (weight-0 records, dns_failover.py), that region is up while
            # its GPU *or* its fallback load balancer answers: losing only the GPU side is degraded serving, not a
            # region loss worth an ungraceful failover (issue 18); the survivor's check likewise.
            **_fallback_targets(target, survivor, next((p for p in placements if p.fallback is not None), placements[0])),
            path=workload.service.readiness_path, period_s=spec.period_s, datapoints_to_alarm=spec.datapoints_to_alarm,
            evaluation_periods=spec.evaluation_periods, attempt_timeout_s=spec.attempt_timeout_s, kms_key_arn=platform.key.arn,
            alarm_topic_arns=[platform.alarm_topic.arn] if platform.alarm_topic is not None else [], tags=tags,
            direct_start=start),
        pulumi.ResourceOptions(providers=[providers[probe_region]]),
    )
    return TriggerAlarm(alarm_arn=probe.alarm_arn, alarm_region=probe_region, survivor_alarm_arn=probe.survivor_alarm_arn,
                        start_parameter=start.parameter_name)


def _fallback_targets(target: WorkloadRegion, survivor: WorkloadRegion, placement: WorkloadPlacement) -> dict[str, Any]:
    """FailoverProbeArgs' fallback targets: the fallback load balancers the regions run (WorkloadRegion builds one
    only where its FallbackService is bound to it), on the fallback's readiness path."""
    found: dict[str, Any] = {}
    if target.fallback_load_balancer is not None:
        found["target_fallback_host"] = target.fallback_load_balancer.dns_name
    if survivor.fallback_load_balancer is not None:
        found["self_fallback_host"] = survivor.fallback_load_balancer.dns_name
    if found and placement.fallback is not None:
        found["fallback_path"] = placement.fallback.readiness_path
    return found


def _capacity(placements: list[WorkloadPlacement], built: list[WorkloadRegion],
              platforms: dict[str, RegionalPlatform]) -> dict[str, Any]:
    """The workload's Deployment (named after the workload in its own namespace, like its HPA:
    blueprint/components/k8s/inference_service.py) in both regions' clusters."""
    workload = placements[0].workload
    hpa_names = {}
    # With a KEDA ScaledObject the HPA is KEDA's (keda-hpa-<name>), and KEDA reverts any change to its
    # spec and behavior (kedacore/keda controllers/keda/hpa.go updateHPAIfNeeded), so Region switch's
    # scale-down freeze of a named HPA would not hold: name none, and let it scale the Deployment only.
    keda = workload.service.requests_per_second_per_pod is not None
    for placement, region in zip(placements, built):
        zones = len(platforms[placement.region].network.zones) if platforms[placement.region].network else 0
        if not keda and replicas_for(placement.service_role, workload.service.replicas_per_zone, zones) > 0:
            hpa_names[placement.region] = workload.name
    return {
        "eks_cluster_arns": {p.region: platforms[p.region].cluster.arn for p in placements},
        "eks_cluster_names": {p.region: platforms[p.region].cluster.cluster_name for p in placements},
        "namespace": workload.name,
        "deployment": workload.name,
        "hpa_names": hpa_names,
    }
