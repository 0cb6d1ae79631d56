"""FailoverProbe (GCP): a probe in the *standby* region that watches the primary region's serving path and
starts the workload's failover (issue 17) by publishing to the failover topic directly, seconds after
the region is lost instead of the minutes a Cloud Monitoring alert needs.

What it watches, and why (a "region down" behind a global external Application Load Balancer): the
load balancer has one anycast address for every region, so probing that address says nothing about
one region (it answers from the standby once the primary fails). The probe reads instead the load
balancer's own latest health verdict of each NEG of the watched region, which its health checks
(the workload's readiness path) keep up to date: Compute API ``backendServices.getHealth``, "Gets the
most recent health check results for this BackendService"
(https://cloud.google.com/compute/docs/reference/rest/v1/backendServices/getHealth). No endpoint
HEALTHY in any watched NEG, every group having answered, is a failed round (a failed read is unknown,
never a failure). It reads the standby's NEGs and, with ``primary_instance``, the primary Cloud SQL
instance's state too: the second, independent signals that keep an in-region Cloud SQL HA failover,
a first deploy or an outage of the application in both regions from failing the workload over
(blueprint/catalogs/failover_probe.py). The logic is plain Python
(blueprint/components/gcp/_failover_probe_app.py), run as ``python3 -c <that file>`` in ``image``.

Where it runs: a Cloud Run worker pool ("designed for performing continuous background work",
https://cloud.google.com/run/docs/deploy-worker-pools) with exactly one instance (manual scaling: one
loop, one count of consecutive failures, one message per outage), in ``region`` (the standby: it
survives the primary's loss; refused when equal to ``watched_region``). Launch stage BETA so the
worker-pool API is accepted while it is in preview (pulumi-gcp ``cloudrunv2.WorkerPool.launch_stage``).

Least privilege: its own service account may (1) read backend services, through a custom role with
``compute.backendServices.get`` alone (the permission getHealth requires) granted on the one backend
service (``compute.BackendServiceIamMember``; a google-beta resource in Terraform, which pulumi-gcp
builds from: pulumi/pulumi-gcp#702, "Update to ... terraform-provider-google-beta"), (2) publish to the one failover topic (``roles/pubsub.publisher`` on that topic),
and (3) with ``primary_instance``, read Cloud SQL instances' metadata (a custom role with
``cloudsql.instances.get`` alone, on the project: Cloud SQL grants are project-level).

Heartbeat (a crash-looping pool, a disabled key, a failed image pull would leave the fast trigger
blind): every answered round logs one ``probe round`` line with ``heartbeat`` = the probe's name; a
log-based counter metric (``n-heartbeat``) counts them, and an alert policy (``n-blind``) opens when it
has no data for ``heartbeat_minutes`` (a metric-absence condition; its duration must be a whole number
of minutes: Terraform google_monitoring_alert_policy ``condition_absent.duration``), notifying
``notification_channels``. An absence condition watches a series that has reported: a probe that
never answered one round (e.g. its image never pulled) may never open it, so check its log after the
first ``pulumi up`` (docs/runbooks/dr-drill.md). Worker pool logs carry ``resource.type = "cloud_run_worker_pool"``
(google-cloud-sdk, googlecloudsdk/surface/run/worker_pools/revisions/logs/tail.py).

Encryption: ``kms_key_id`` (CMEK, in ``region``) encrypts the worker pool's copy of the image; the Cloud
Run service agent gets Encrypter/Decrypter on it ("Using customer managed encryption keys",
https://cloud.google.com/run/docs/securing/using-cmek). That page also says the service's metadata
(name, environment variables: here the probe's configuration and source, no secrets) is encrypted
with a Google-managed key. ``image`` is pulled from Docker Hub by default ("You can directly use
container images stored in Artifact Registry, or Docker Hub", https://cloud.google.com/run/docs/deploying),
by tag: the default cannot be pinned by digest here (no registry is reachable offline to look the
digest up). Production stacks should pass an image of an Artifact Registry remote repository in the
same jurisdiction, pinned by digest (``...@sha256:<digest>``); a re-pull that fails leaves the pool
without an instance, which the heartbeat alert reports.

Children (component named ``n``):
    ``n-sa``             serviceaccount.Account
    ``n-role``           projects.IAMCustomRole: compute.backendServices.get
    ``n-health-reader``  compute.BackendServiceIamMember: that role on ``backend_service_name``
    ``n-publisher``      pubsub.TopicIAMMember: roles/pubsub.publisher on ``topic_id``
    ``n-key-user``       kms.CryptoKeyIAMMember: the Cloud Run agent on ``kms_key_id`` (unless ``key_grant``)
    ``n-sql-role``       projects.IAMCustomRole: cloudsql.instances.get (with ``primary_instance``)
    ``n-sql-reader``     projects.IAMMember: that role, to the probe's account (with ``primary_instance``)
    ``n-pool``           cloudrunv2.WorkerPool (``region``)
    ``n-heartbeat``      logging.Metric: the probe's answered rounds
    ``n-blind``          monitoring.AlertPolicy: no answered round for ``heartbeat_minutes``
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Optional

import pulumi
import pulumi_gcp as gcp
from pydantic import BaseModel, ConfigDict, Field, model_validator

from blueprint.components._intent_values import TierLabel
from blueprint.components._validation import AtLeastOne, IntBetween

from ._labels import merge_labels
from ._names import fit_name
from ._types import KmsKeyId, Labels, ProjectId, Region, WorkloadName

SOURCE_FILE = Path(__file__).with_name("_failover_probe_app.py")
HEALTH_PERMISSIONS = ("compute.backendServices.get",)
# instances.get ("Retrieves a resource containing information about a Cloud SQL instance"):
# https://cloud.google.com/sql/docs/postgres/admin-api/rest/v1/instances/get, cloudsql.instances.get.
SQL_PERMISSIONS = ("cloudsql.instances.get",)
HEARTBEAT_LOG = "probe round"  # _failover_probe_app.HEARTBEAT
PUBLISHER_ROLE = "roles/pubsub.publisher"
KEY_ROLE = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
# Docker Hub's official image (python3 and the standard library are all the probe needs).
DEFAULT_IMAGE = "docker.io/library/python:3.12-slim"
_NAME = re.compile(r"^[a-z]([a-z0-9-]{0,47}[a-z0-9])?$")
_TOPIC = re.compile(r"^projects/[^/]+/topics/[^/]+$")
_KEY_LOCATION = re.compile(r"/locations/([^/]+)/")
_NEG = re.compile(r"/zones/([a-z0-9-]+)/networkEndpointGroups/[^/]+$")
IntervalSeconds = IntBetween(1, 60, note=" seconds between two rounds")
HeartbeatMinutes = IntBetween(1, 60, note=" minutes")
# Labels a plan reader needs to model the detection (blueprint/analysis/gcp_orchestration.py).
LABEL_PROBE = "blueprint-failover-probe"
LABEL_WATCHES = "blueprint-probe-watches"
LABEL_INTERVAL = "blueprint-probe-interval-s"
LABEL_FAILURES = "blueprint-probe-failures"
LABEL_HOLD = "blueprint-probe-hold-failures"
LABEL_DATABASE = "blueprint-probe-database"  # "yes": the fast and hold paths also need the primary Cloud SQL instance down


class FailoverProbeArgs(BaseModel):
    """The probe of one workload's primary region, from its standby region."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    workload: WorkloadName = Field(description="Workload name.")
    tier: TierLabel = Field(description="Workload tier, a label only.")
    project: ProjectId = Field(description="Project id.")
    region: Region = Field(description="Where the probe runs: the standby region (it must survive the watched region's loss).")
    watched_region: Region = Field(description="The region whose serving path is watched (the primary).")
    backend_service_name: Any = Field(description="pulumi.Input[str]: the global backend service (GlobalLoadBalancer(...).backend_service_name).")
    watched_groups: list[Any] = Field(description="pulumi.Input[str] NEG URLs of the watched region (ZonalNegs(...).neg_ids), at least one.")
    standby_groups: list[Any] = Field(default_factory=list, description="NEG URLs of ``region`` (the independent signal); default none: "
                                      "only the hold window with the primary instance down (hold_failures) can start the failover.")
    topic_id: Any = Field(description="pulumi.Input[str]: 'projects/<p>/topics/<t>', the failover topic the workflow's trigger listens on.")
    interval_s: IntervalSeconds = Field(description="Seconds between rounds (1..60); the composer passes the tier's (blueprint/catalogs/failover_probe.py).")
    failures: AtLeastOne = Field(description="Fast window, in intervals (elapsed time): the primary down, the standby healthy and "
                                 "(with primary_instance) that instance down, then publish.")
    hold_failures: AtLeastOne = Field(description="Hold window, in intervals (>= failures; with primary_instance only): the primary "
                                      "down with the standby healthy or the instance down, then publish.")
    kms_key_id: KmsKeyId = Field(description="pulumi.Input[str]: CMEK key in ``region`` for the worker pool.")
    run_agent: Any = Field(description="pulumi.Input[str]: email of the Cloud Run service agent (ServiceIdentity run.googleapis.com).")
    key_grant: Any = Field(default=None, description="An existing grant of ``kms_key_id`` to the Cloud Run agent to wait for. Default None: "
                           "this component grants it (``n-key-user``).")
    probe_name: Optional[str] = Field(default=None, description="Name of the probe (1..49 lower-case letters, digits, '-'): the worker "
                                      "pool, the service account and the ``name`` in its messages. Default None: '<workload>-probe'.")
    primary_instance: Any = Field(default=None, description="pulumi.Input[str]: name of the watched region's primary Cloud SQL instance, "
                                  "the second signal (its state). Default None (no database): the standby's health alone, no hold path.")
    notification_channels: list[Any] = Field(default_factory=list, description="Channel ids the heartbeat alert notifies; default none "
                                             "(incidents only).")
    heartbeat_minutes: HeartbeatMinutes = Field(
        default=3, description="Minutes without an answered round before the heartbeat alert opens; default 3.")
    image: str = Field(default=DEFAULT_IMAGE, description=f"Container image with python3; default {DEFAULT_IMAGE!r} (module docstring).")
    labels: Labels = Field(default_factory=dict, description="Labels on the worker pool.")

    @model_validator(mode="after")
    def _consistent(self) -> "FailoverProbeArgs":
        if self.region == self.watched_region:
            raise ValueError(f"region: {self.region!r} is the watched region; the probe must run in another region "
                             "(the standby), or it is lost with the region it watches")
        if not self.watched_groups:
            raise ValueError("watched_groups: empty; pass the watched region's NEG URLs (ZonalNegs(...).neg_ids)")
        if self.hold_failures < self.failures:
            raise ValueError(f"hold_failures: {self.hold_failures} is below failures {self.failures}; the hold window "
                             "(no standby signal) must be at least as long")
        for field, groups, region in (("watched_groups", self.watched_groups, self.watched_region),
                                      ("standby_groups", self.standby_groups, self.region)):
            _check_groups(field, groups, region)
        location = _KEY_LOCATION.search(self.kms_key_id) if isinstance(self.kms_key_id, str) else None
        if location is not None and location.group(1) != self.region:
            raise ValueError(f"kms_key_id: {self.kms_key_id!r} is not in {self.region}; use a key of the probe's region (residency)")
        if not _NAME.match(self.effective_name):
            raise ValueError(f"probe_name: {self.effective_name!r}; use 1..49 lower-case letters, digits or '-', starting with a letter")
        if isinstance(self.topic_id, str) and not _TOPIC.match(self.topic_id):
            raise ValueError(f"topic_id: {self.topic_id!r} is not a topic id; use 'projects/<project>/topics/<topic>'")
        return self

    @property
    def effective_name(self) -> str:
        return self.probe_name or f"{self.workload}-probe"


def _check_groups(field: str, groups: list[Any], region: str) -> None:
    """A NEG URL given as text must lie in a zone of ``region``."""
    for group in groups:
        if not isinstance(group, str):
            continue
        match = _NEG.search(group)
        if match is None or not match.group(1).startswith(f"{region}-"):
            raise ValueError(f"{field}: {group!r} is not a NEG of a zone of {region}; pass "
                             f"'.../zones/{region}-<x>/networkEndpointGroups/<name>' URLs")


def probe_config(args: FailoverProbeArgs, backend: str, watched: list[str], standby: list[str], topic: str,
                 instance: Optional[str] = None) -> str:
    """The program's configuration (``PROBE_CONFIG``, read by _failover_probe_app.main)."""
    return json.dumps({
        "name": args.effective_name, "project": args.project, "backend_service": backend, "primary_groups": watched,
        "standby_groups": standby, "primary_instance": instance, "topic": topic, "primary_region": args.watched_region, "standby_region": args.region,
        "interval_s": args.interval_s, "failures": args.failures, "hold_failures": args.hold_failures,
    }, sort_keys=True)


class FailoverProbe(pulumi.ComponentResource):
    """An always-on prober of the watched region's backend health that publishes the failover request."""

    def __init__(self, name: str, args: FailoverProbeArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:gcp:FailoverProbe", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        probe = args.effective_name
        account = gcp.serviceaccount.Account(
            f"{name}-sa", account_id=fit_name(probe, "runner", max_length=30), project=args.project,
            display_name=f"Failover probe of {args.workload}", opts=child)
        member = pulumi.Output.concat("serviceAccount:", account.email)
        grants = self._grants(name, args, probe, member)
        config = pulumi.Output.all(args.backend_service_name, list(args.watched_groups), list(args.standby_groups), args.topic_id,
                                   args.primary_instance).apply(lambda v: probe_config(args, v[0], v[1], v[2], v[3], v[4]))
        container = gcp.cloudrunv2.WorkerPoolTemplateContainerArgs(
            image=args.image, commands=["python3"], args=["-c", SOURCE_FILE.read_text()],
            envs=[gcp.cloudrunv2.WorkerPoolTemplateContainerEnvArgs(name="PROBE_CONFIG", value=config)],
            resources=gcp.cloudrunv2.WorkerPoolTemplateContainerResourcesArgs(limits={"cpu": "1", "memory": "512Mi"}))
        pool = gcp.cloudrunv2.WorkerPool(
            f"{name}-pool",
            name=probe, project=args.project, location=args.region, launch_stage="BETA",
            description=(f"Failover probe of {args.workload} ({args.tier}): watches {args.watched_region}'s backend health every "
                         f"{args.interval_s} s. Generated by blueprint (blueprint/components/gcp/failover_probe.py)."),
            # One instance: one loop and one count of consecutive failures (two would publish twice).
            scaling=gcp.cloudrunv2.WorkerPoolScalingArgs(scaling_mode="MANUAL", manual_instance_count=1),
            template=gcp.cloudrunv2.WorkerPoolTemplateArgs(
                service_account=account.email, encryption_key=args.kms_key_id, containers=[container]),
            # Stateless and rebuilt from code: protection would only block `pulumi destroy` and renames.
            deletion_protection=False,
            labels={**merge_labels(args.labels, f"{name}-pool"), LABEL_PROBE: probe, LABEL_WATCHES: args.watched_region,
                    LABEL_INTERVAL: str(args.interval_s), LABEL_FAILURES: str(args.failures), LABEL_HOLD: str(args.hold_failures),
                    LABEL_DATABASE: "yes" if args.primary_instance is not None else "no"},
            opts=pulumi.ResourceOptions(parent=self, depends_on=grants),
        )
        self._heartbeat(name, args, probe, pool)
        self.probe_name: str = probe
        self.service_account_email: pulumi.Output[str] = account.email
        self.pool_id: pulumi.Output[str] = pool.id
        self.register_outputs({"probe_name": probe, "pool_id": self.pool_id, "service_account_email": self.service_account_email})

    def _grants(self, name: str, args: FailoverProbeArgs, probe: str, member: pulumi.Output[str]) -> list[pulumi.Resource]:
        """Read the one backend service's health, publish to the one topic; the Cloud Run agent's key use."""
        child = pulumi.ResourceOptions(parent=self)
        role_id = f"{probe}_health_reader".replace("-", "_")
        role = gcp.projects.IAMCustomRole(
            f"{name}-role", project=args.project, role_id=role_id, title=f"blueprint failover probe of {args.workload}",
            description="Reads a backend service's health verdicts (backendServices.getHealth) and nothing else.",
            permissions=list(HEALTH_PERMISSIONS), opts=child)
        reader = gcp.compute.BackendServiceIamMember(
            f"{name}-health-reader", project=args.project, name=args.backend_service_name,
            role=f"projects/{args.project}/roles/{role_id}", member=member,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[role]))
        publisher = gcp.pubsub.TopicIAMMember(f"{name}-publisher", topic=args.topic_id, role=PUBLISHER_ROLE, member=member, opts=child)
        grants: list[pulumi.Resource] = [reader, publisher] + self._sql_grant(name, args, probe, member)
        if args.key_grant is not None:
            return grants + [args.key_grant]
        key_user = gcp.kms.CryptoKeyIAMMember(
            f"{name}-key-user", crypto_key_id=args.kms_key_id, role=KEY_ROLE,
            member=pulumi.Output.concat("serviceAccount:", args.run_agent), opts=child)
        return grants + [key_user]

    def _sql_grant(self, name: str, args: FailoverProbeArgs, probe: str, member: pulumi.Output[str]) -> list[pulumi.Resource]:
        """Read the primary Cloud SQL instance's state: a custom role with cloudsql.instances.get alone."""
        if args.primary_instance is None:
            return []
        role_id = f"{probe}_sql_reader".replace("-", "_")
        role = gcp.projects.IAMCustomRole(
            f"{name}-sql-role", project=args.project, role_id=role_id, title=f"blueprint failover probe of {args.workload} (Cloud SQL)",
            description="Reads Cloud SQL instances' metadata and state (instances.get) and nothing else.",
            permissions=list(SQL_PERMISSIONS), opts=pulumi.ResourceOptions(parent=self))
        return [gcp.projects.IAMMember(f"{name}-sql-reader", project=args.project, role=role.name, member=member,
                                       opts=pulumi.ResourceOptions(parent=self, depends_on=[role]))]

    def _heartbeat(self, name: str, args: FailoverProbeArgs, probe: str, pool: pulumi.Resource) -> None:
        """A counter of the probe's answered rounds, and the alert that opens when it stops (module docstring)."""
        metric = gcp.logging.Metric(
            f"{name}-heartbeat", project=args.project, name=f"{probe}-heartbeat",
            description=f"Answered rounds of the failover probe {probe} (blueprint/components/gcp/failover_probe.py).",
            filter=f'resource.type="cloud_run_worker_pool" AND jsonPayload.heartbeat="{probe}"',
            metric_descriptor=gcp.logging.MetricMetricDescriptorArgs(metric_kind="DELTA", value_type="INT64"),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[pool]))
        description = f"failover probe {probe} silent or blind for {args.heartbeat_minutes} min: the fast failover trigger is off"
        gcp.monitoring.AlertPolicy(
            f"{name}-blind", project=args.project, display_name=f"{args.workload} ({args.tier}): {description}", combiner="OR",
            severity="CRITICAL",
            conditions=[gcp.monitoring.AlertPolicyConditionArgs(
                display_name=description,
                condition_absent=gcp.monitoring.AlertPolicyConditionConditionAbsentArgs(
                    filter=pulumi.Output.concat('resource.type = "cloud_run_worker_pool" AND metric.type = "logging.googleapis.com/user/',
                                                metric.name, '"'),
                    duration=f"{args.heartbeat_minutes * 60}s",
                    aggregations=[gcp.monitoring.AlertPolicyConditionConditionAbsentAggregationArgs(
                        alignment_period="60s", per_series_aligner="ALIGN_SUM")]))],
            notification_channels=list(args.notification_channels),
            documentation=gcp.monitoring.AlertPolicyDocumentationArgs(
                mime_type="text/markdown",
                content=(f"The failover probe **{probe}** logged no answered round for {args.heartbeat_minutes} min: crashed, its image "
                         "not pulled, its key disabled, or its reads failing (its ERROR lines say which). Until it recovers, only the "
                         "slower primary-down alert can start the failover. docs/runbooks/dr-drill.md.")),
            user_labels=merge_labels(args.labels, f"{name}-blind"), opts=pulumi.ResourceOptions(parent=self))
