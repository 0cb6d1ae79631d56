"""FailoverWorkflow (GCP): one workload's failover to its second region, as a Cloud Workflows workflow
started by the workload's failover probe (blueprint/components/gcp/failover_probe.py) or alert.

What it automates, in order (step names as in the workflow's source and its labels, so a plan
reader sees per step what runs and by which resource; blueprint/components/gcp/_failover_source.py):

1. ``check_incident``: only an *open* incident of one of ``trigger_policies`` (display names of
   the workload's alert policies; Cloud Monitoring's Pub/Sub incident JSON), or a ``primary-down``
   message of one of ``trigger_probes`` (FailoverProbe), goes on; anything else (a closed incident,
   another policy or probe) ends the execution doing nothing.
2. ``approve_failover`` (``approval == "manual"``): the execution logs a callback URL and the exact
   approval command, then waits (``approval_timeout_s``) for a human's authenticated POST:

       curl -X POST -H 'Authorization: Bearer '$(gcloud auth print-access-token) <callback_url>

   (the caller needs roles/workflows.invoker, which holds workflows.callbacks.send). Read the URL with
   ``gcloud logging read 'resource.type="workflows.googleapis.com/Workflow" AND
   jsonPayload.callback_url:*' --project=<project> --limit=1 --format='value(jsonPayload.approve_command)'``.
   Not approving: ``gcloud workflows executions cancel <execution> --workflow=<workflow_name>
   --location=<region>``, or let the wait time out; either does nothing. ``automatic`` acts at once
   (active-active: a 120 s RTO leaves no time for a human).
3. In parallel (independent resources; a failed branch is recorded and raised at the end, the other
   branches still run): ``db_failover_to_dr_replica`` (Cloud SQL replica failover to the designated
   DR replica) or ``db_promote_replica`` (promotion of a cross-region replica that is not
   designated); ``traffic_standby_capacity`` (capacityScaler 1 and preference PREFERRED on the global
   backend service's GPU NEGs in the standby zones: drained at 0 while the region is a pilot light, and
   DEFAULT beside a fallback's DEFAULT NEGs, which would otherwise keep a share); ``gpu_floor_<pool>``
   (the standby GPU pools' autoscaling minimum raised to the primary's).

A human may start it directly (a declared disaster: no incident check, no approval)::

    gcloud workflows run <workflow_name> --location=<region> --data='{"declared_by": "<your name>"}'

The recovery time objective (``rto_s``) has no native field: it is in the description, the label
``blueprint-rto-s`` and every action's timeout. After a failover, make the stack agree (the
promoted region as primary: ``blueprint rebuild``), or the next ``pulumi up`` puts the standby's
capacity and pool minimums back.

Identities, least privilege: the workflow runs as its own service account holding one custom role
with exactly the permissions of its steps (``permissions_for``); the Eventarc trigger runs as a
second account holding roles/workflows.invoker only. Custom roles are soft-deleted: a role id
deleted with the stack cannot be reused for up to 37 days (pulumi-gcp ``projects.IAMCustomRole``
warning), so a recreated stack within that window needs another ``role_id``.

Encryption and logging: the workflow's data and executions are encrypted with ``kms_key_id``
(customer-managed; the Workflows service agent gets Encrypter/Decrypter on it: "Use
customer-managed encryption keys", https://cloud.google.com/workflows/docs/use-cmek); call logging
records errors only (``LOG_ERRORS_ONLY``: pulumi-gcp ``workflows.Workflow.call_log_level``).

The trigger: ``google.cloud.pubsub.topic.v1.messagePublished`` on ``alert_topic`` (the Pub/Sub topic
of the notification channel the trigger policies notify) -> the workflow, in ``region``
("Route Pub/Sub events to Workflows", https://cloud.google.com/eventarc/docs/workflows/route-trigger-cloud-pubsub;
roles: "Roles and permissions for Workflows", https://cloud.google.com/eventarc/docs/workflows/roles-permissions).

Children (component named ``n``):
    ``n-sa``, ``n-trigger-sa``   serviceaccount.Account
    ``n-role``                   projects.IAMCustomRole (``role_id``)
    ``n-role-member``            projects.IAMMember: the custom role for ``n-sa``
    ``n-invoker``                projects.IAMMember: roles/workflows.invoker for ``n-trigger-sa``
    ``n-key-user``               kms.CryptoKeyIAMMember: the Workflows service agent on ``kms_key_id`` (unless ``key_grant``)
    ``n-workflow``               workflows.Workflow (``workflow_name``, ``region``)
    ``n-trigger``                eventarc.Trigger (``region``)
"""

from __future__ import annotations

import re
from typing import Any, Literal, Optional

import pulumi
import pulumi_gcp as gcp
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from blueprint.components._intent_values import TierLabel
from blueprint.components._validation import AtLeastOne, IntBetween, MinNodes, MaxNodes

from ._failover_source import failover_source
from ._labels import check_zones, label_value, merge_labels
from ._names import fit_name
from ._types import KmsKeyId, Labels, ProjectId, Region, WorkloadName

# Eventarc event type of a Pub/Sub message (Eventarc "Route Pub/Sub events to Workflows").
PUBSUB_EVENT_TYPE = "google.cloud.pubsub.topic.v1.messagePublished"
INVOKER_ROLE = "roles/workflows.invoker"
KEY_ROLE = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
CALL_LOG_LEVEL = "LOG_ERRORS_ONLY"
# Permissions per step (custom role). Cloud SQL: promoteReplica, and instances.get for the operation
# reads; Compute: backendServices.get/.update (patch) and networkEndpointGroups.use (the patched
# backends name NEGs), globalOperations.get (the connector waits for the operation); GKE:
# setAutoscaling needs container.clusters.update (GKE REST reference, nodePools.setAutoscaling),
# operations.get for the wait; every step logs (sys.log).
PERMISSIONS = {
    "always": ("logging.logEntries.create",),
    "database": ("cloudsql.instances.get", "cloudsql.instances.promoteReplica"),
    "traffic": ("compute.backendServices.get", "compute.backendServices.update", "compute.networkEndpointGroups.use",
                "compute.globalOperations.get"),
    "gpu": ("container.clusters.update", "container.operations.get"),
}
# The steps in the workflow's ``blueprint-failover-steps`` label ('_'-joined; a label value holds 63
# characters): approve, db-failover | db-promote, traffic, gpu-on-demand, gpu-spot.
STEP_LABELS = {"approve_failover": "approve", "db_failover_to_dr_replica": "db-failover", "db_promote_replica": "db-promote",
               "traffic_standby_capacity": "traffic"}
_WORKFLOW_NAME = re.compile(r"^[a-z]([a-z0-9-]{0,62}[a-z0-9])?$")
_ROLE_ID = re.compile(r"^[a-zA-Z0-9_.]{3,64}$")
_NODE_POOL = re.compile(r"^projects/[^/]+/locations/[a-z0-9-]+/clusters/[^/]+/nodePools/[^/]+$")
ApprovalTimeout = IntBetween(60, 43200, note=" seconds (events.await_callback's default, 43200, is the cap)")


class DatabaseFailover(BaseModel):
    """The Cloud SQL replica in the standby region that becomes the primary."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    instance: Any = Field(description="pulumi.Input[str]: the replica's instance name (CloudSqlDatabase(...).name).")
    failover: bool = Field(default=True, description="True (default): replica failover to the designated DR replica "
                           "(DrReplicaDesignation); False: plain promotion of an undesignated replica.")


class TrafficFailover(BaseModel):
    """The global backend service whose standby GPU NEGs become a serving region's: capacityScaler 1, PREFERRED."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    backend_service_name: Any = Field(description="pulumi.Input[str]: GlobalLoadBalancer(...).backend_service_name.")
    zones: tuple[str, ...] = Field(description="Zones of the standby region's NEGs, at least one.")
    neg_name: Any = Field(default=None, description="pulumi.Input[str]: name of the standby's GPU NEGs (ZonalNegs(...).neg_name): only "
                          "they are promoted, so fallback NEGs in the same zones stay DEFAULT. Default None: every NEG in ``zones``.")

    @field_validator("neg_name")
    @classmethod
    def _neg_name(cls, v: Any) -> Any:
        # A plain name goes into the step's regular expression: only a Compute Engine name (no metacharacters).
        if isinstance(v, str) and not _WORKFLOW_NAME.match(v):
            raise ValueError(f"neg_name: {v!r} is not a NEG name; use 1..63 lower-case letters, digits or '-', starting with a letter")
        return v


class GpuFloor(BaseModel):
    """One standby GPU node pool and the autoscaling limits it gets (per zone)."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    capacity: Literal["on-demand", "spot"] = Field(description="The pool's capacity; names the step gpu_floor_<capacity>.")
    node_pool_id: Any = Field(description="pulumi.Input[str]: 'projects/<p>/locations/<region>/clusters/<c>/nodePools/<pool>'.")
    min_nodes_per_zone: MinNodes = Field(description="The floor after failover (the primary's minimum).")
    max_nodes_per_zone: MaxNodes = Field(description="The maximum (unchanged: the pool's own).")
    location_policy: Literal["BALANCED", "ANY"] = Field(description="The pool's own location policy (GpuNodePool: ANY for spot).")

    @model_validator(mode="after")
    def _limits(self) -> GpuFloor:
        if self.min_nodes_per_zone > self.max_nodes_per_zone:
            raise ValueError(f"min_nodes_per_zone: {self.min_nodes_per_zone} is above max_nodes_per_zone {self.max_nodes_per_zone}")
        if isinstance(self.node_pool_id, str) and not _NODE_POOL.match(self.node_pool_id):
            raise ValueError(f"node_pool_id: {self.node_pool_id!r} is not a node pool resource name; use "
                             "'projects/<project>/locations/<region>/clusters/<cluster>/nodePools/<pool>'")
        return self


class FailoverWorkflowArgs(BaseModel):
    """One workload's failover from ``primary_region`` to ``region``."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    workload: WorkloadName = Field(description="Workload name.")
    tier: TierLabel = Field(description="Workload tier, a label only.")
    project: ProjectId = Field(description="Project id.")
    region: Region = Field(description="The standby region: the workflow and its trigger live here (they survive the primary's loss).")
    primary_region: Region = Field(description="The region failed away from.")
    approval: Literal["automatic", "manual"] = Field(description="'manual': a human approves (callback) before any action; 'automatic': act at once.")
    rto_s: AtLeastOne = Field(description="Recovery time objective, seconds: description, label, the traffic and GPU actions' timeout, and when the database step warns that the promotion is late.")
    trigger_policies: list[str] = Field(description="Display names of the alert policies whose open incidents start the failover "
                                        "(at least one policy or probe in all).")
    trigger_probes: list[str] = Field(default_factory=list, description="Names of the failover probes (FailoverProbe(...).probe_name) "
                                      "whose 'primary-down' messages on ``alert_topic`` start the failover; default none.")
    alert_topic: Any = Field(description="pulumi.Input[str]: 'projects/<p>/topics/<t>', the Pub/Sub topic those policies notify.")
    kms_key_id: KmsKeyId = Field(description="pulumi.Input[str]: CMEK key in ``region`` for the workflow's data.")
    workflows_agent: Any = Field(description="pulumi.Input[str]: email of the Workflows service agent (ServiceIdentity workflows.googleapis.com).")
    key_grant: Any = Field(default=None, description="An existing grant of ``kms_key_id`` to the Workflows agent to wait for. "
                           "Default None: this component grants it (``n-key-user``). Pass the grant when several workflows "
                           "share one key: identical non-authoritative members are one binding member, and destroying one "
                           "workflow's copy would take the key from the others.")
    database: Optional[DatabaseFailover] = Field(default=None, description="Cloud SQL step; default None: none.")
    traffic: Optional[TrafficFailover] = Field(default=None, description="Backend capacity step; default None: none.")
    gpu_floors: list[GpuFloor] = Field(default_factory=list, description="GPU pool floor steps; default none.")
    approval_timeout_s: ApprovalTimeout = Field(default=43200, description="Seconds a manual approval is waited for (60..43200); default 43200 (12 h).")
    workflow_name: Optional[str] = Field(default=None, description="Workflow name (1..64 lower-case letters, digits, '-'; also names the service accounts). Default None: '<workload>-failover'.")
    role_id: Optional[str] = Field(default=None, description="Custom role id (3..64 letters, digits, '_', '.'). Default None: '<workload>_failover'.")
    labels: Labels = Field(default_factory=dict, description="Labels on the workflow and the trigger.")

    @field_validator("trigger_policies", "trigger_probes")
    @classmethod
    def _policies(cls, v: list[str], info) -> list[str]:
        if not all(isinstance(p, str) and p for p in v):
            raise ValueError(f"{info.field_name}: {v!r}; pass non-empty names")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> FailoverWorkflowArgs:
        if self.region == self.primary_region:
            raise ValueError(f"region: {self.region!r} is the primary region; the workflow runs in the standby region")
        if not self.trigger_policies and not self.trigger_probes:
            raise ValueError("trigger_policies, trigger_probes: both empty; pass the alert policies' display names or the "
                             "failover probes' names that start the failover (at least one)")
        if self.database is None and self.traffic is None and not self.gpu_floors:
            raise ValueError("database, traffic, gpu_floors: none given; a failover workflow needs at least one action")
        if self.traffic is not None:
            if not self.traffic.zones:
                raise ValueError("traffic.zones: empty; pass the standby region's NEG zones")
            check_zones("traffic.zones", self.traffic.zones, self.region)
        if not _WORKFLOW_NAME.match(self.effective_workflow_name):
            raise ValueError(f"workflow_name: {self.effective_workflow_name!r}; use 1..64 lower-case letters, digits or '-', "
                             "starting with a letter, ending with a letter or digit")
        if not _ROLE_ID.match(self.effective_role_id):
            raise ValueError(f"role_id: {self.effective_role_id!r}; use 3..64 letters, digits, '_' or '.'")
        return self

    @property
    def effective_workflow_name(self) -> str:
        return self.workflow_name or f"{self.workload}-failover"

    @property
    def effective_role_id(self) -> str:
        return self.role_id or f"{self.workload}_failover".replace("-", "_")

    def step_names(self) -> list[str]:
        """The workflow's steps, in order (parallel actions in branch order)."""
        steps = ["check_incident"] + (["approve_failover"] if self.approval == "manual" else [])
        if self.database is not None:
            steps.append("db_failover_to_dr_replica" if self.database.failover else "db_promote_replica")
        if self.traffic is not None:
            steps.append("traffic_standby_capacity")
        return steps + [f"gpu_floor_{g.capacity.replace('-', '_')}" for g in self.gpu_floors]


def permissions_for(args: FailoverWorkflowArgs) -> list[str]:
    """Exactly the permissions of the workflow's steps."""
    kinds = ["always"] + (["database"] if args.database else []) + (["traffic"] if args.traffic else []) + (["gpu"] if args.gpu_floors else [])
    return sorted({p for kind in kinds for p in PERMISSIONS[kind]})


class FailoverWorkflow(pulumi.ComponentResource):
    """A Cloud Workflows failover of one workload, started by its alert (Eventarc on the alert topic)."""

    def __init__(self, name: str, args: FailoverWorkflowArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:gcp:FailoverWorkflow", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        workflow_name = args.effective_workflow_name
        account = gcp.serviceaccount.Account(
            f"{name}-sa", account_id=fit_name(workflow_name, "runner", max_length=30), project=args.project,
            display_name=f"Failover workflow of {args.workload}", opts=child)
        grants = self._identity(name, args, account)
        source = self._source(args)
        steps = args.step_names()
        workflow = gcp.workflows.Workflow(
            f"{name}-workflow",
            name=workflow_name, project=args.project, region=args.region,
            description=(f"Failover of {args.workload} ({args.tier}) from {args.primary_region} to {args.region}; "
                         f"{args.approval} approval; recovery time objective {args.rto_s} s; steps: {', '.join(steps)}. "
                         "Generated by blueprint (blueprint/components/gcp/failover_workflow.py)."),
            service_account=account.email, source_contents=source,
            call_log_level=CALL_LOG_LEVEL, crypto_key_name=args.kms_key_id,
            # Stateless and rebuilt from code: protection would only block `pulumi destroy` and renames.
            deletion_protection=False,
            labels=self._labels(name, args, steps),
            opts=pulumi.ResourceOptions(parent=self, depends_on=grants),
        )
        self.workflow_id = f"projects/{args.project}/locations/{args.region}/workflows/{workflow_name}"
        trigger = self._trigger(name, args, workflow)
        self.workflow_name: str = workflow_name
        self.steps: list[str] = steps
        self.source: pulumi.Output[str] = pulumi.Output.from_input(source)
        self.service_account_email: pulumi.Output[str] = account.email
        self.trigger_id: pulumi.Output[str] = trigger.id
        self.register_outputs({"workflow_id": self.workflow_id, "steps": self.steps, "trigger_id": self.trigger_id})

    def _identity(self, name: str, args: FailoverWorkflowArgs, account: gcp.serviceaccount.Account) -> list[pulumi.Resource]:
        """The custom role with the steps' permissions, bound to the workflow's account; the
        Workflows agent's use of the CMEK key."""
        child = pulumi.ResourceOptions(parent=self)
        role_id = args.effective_role_id
        role = gcp.projects.IAMCustomRole(
            f"{name}-role", project=args.project, role_id=role_id, title=f"blueprint failover of {args.workload}",
            description=f"Exactly the permissions of the {args.effective_workflow_name} workflow's steps.",
            permissions=permissions_for(args), opts=child)
        member = gcp.projects.IAMMember(
            f"{name}-role-member", project=args.project, role=f"projects/{args.project}/roles/{role_id}",
            member=pulumi.Output.concat("serviceAccount:", account.email),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[role]))
        if args.key_grant is not None:
            return [member, args.key_grant]
        key_user = gcp.kms.CryptoKeyIAMMember(
            f"{name}-key-user", crypto_key_id=args.kms_key_id, role=KEY_ROLE,
            member=pulumi.Output.concat("serviceAccount:", args.workflows_agent), opts=child)
        return [member, key_user]

    def _source(self, args: FailoverWorkflowArgs) -> pulumi.Output[str]:
        db, traffic = args.database, args.traffic
        names = {"instance": db.instance if db else None, "backend": traffic.backend_service_name if traffic else None,
                 "neg": traffic.neg_name if traffic else None, "pools": [g.node_pool_id for g in args.gpu_floors]}

        def render(resolved: dict[str, Any]) -> str:
            return failover_source({
                "project": args.project, "workload": args.workload, "region": args.region, "approval": args.approval,
                "approval_timeout_s": args.approval_timeout_s, "rto_s": args.rto_s, "trigger_policies": args.trigger_policies,
                "trigger_probes": args.trigger_probes,
                "database": {"instance": resolved["instance"], "failover": db.failover} if db else None,
                "traffic": {"backend_service": resolved["backend"], "zones": list(traffic.zones),
                            "neg_name": resolved["neg"]} if traffic else None,
                "gpu_pools": [{"step": f"gpu_floor_{g.capacity.replace('-', '_')}", "name": pool, "min": g.min_nodes_per_zone,
                               "max": g.max_nodes_per_zone, "location_policy": g.location_policy}
                              for g, pool in zip(args.gpu_floors, resolved["pools"])],
            })

        return pulumi.Output.all(**names).apply(render)

    def _labels(self, name: str, args: FailoverWorkflowArgs, steps: list[str]) -> dict[str, str]:
        """What a plan reader needs without parsing the source: approval, objective, automated steps."""
        short = [STEP_LABELS.get(s, s.replace("gpu_floor_", "gpu-").replace("_", "-")) for s in steps if s != "check_incident"]
        return {**merge_labels(args.labels, f"{name}-workflow"), "blueprint-failover-approval": args.approval,
                "blueprint-rto-s": str(args.rto_s), "blueprint-failover-steps": label_value("_".join(short))}

    def _trigger(self, name: str, args: FailoverWorkflowArgs, workflow: gcp.workflows.Workflow) -> gcp.eventarc.Trigger:
        """Eventarc: a message on the alert topic starts an execution, as an account that may only invoke."""
        invoker_account = gcp.serviceaccount.Account(
            f"{name}-trigger-sa", account_id=fit_name(args.effective_workflow_name, "trigger", max_length=30),
            project=args.project, display_name=f"Starts the failover workflow of {args.workload}",
            opts=pulumi.ResourceOptions(parent=self))
        invoker = gcp.projects.IAMMember(
            f"{name}-invoker", project=args.project, role=INVOKER_ROLE,
            member=pulumi.Output.concat("serviceAccount:", invoker_account.email), opts=pulumi.ResourceOptions(parent=self))
        return gcp.eventarc.Trigger(
            f"{name}-trigger",
            name=fit_name(args.effective_workflow_name, "trigger", max_length=63), project=args.project, location=args.region,
            matching_criterias=[gcp.eventarc.TriggerMatchingCriteriaArgs(attribute="type", value=PUBSUB_EVENT_TYPE)],
            transport=gcp.eventarc.TriggerTransportArgs(pubsub=gcp.eventarc.TriggerTransportPubsubArgs(topic=args.alert_topic)),
            destination=gcp.eventarc.TriggerDestinationArgs(workflow=self.workflow_id),
            service_account=invoker_account.email,
            labels=merge_labels(args.labels, f"{name}-trigger"),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[invoker, workflow]),
        )
