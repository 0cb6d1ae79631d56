"""The region-rebuild runbook (Markdown): ordered, numbered steps with exact commands per workload.

Durations come from the resilience model (:func:`blueprint.analysis.analyse` on the stack's plan,
and :func:`blueprint.analysis.rebuild_estimate` on the promoted plan); each is labelled "modeled".
Identifiers come from the plans (Aurora global cluster and cluster identifiers, EKS cluster and node
group names, Route 53 record names and set identifiers, vault names), never guessed, read only through the read
model (``PlanFacts.rebuild`` and ``.inventory``, blueprint/analysis/rebuild_records.py; issue 14). Physical names
that AWS or Pulumi auto-name (node groups, health checks) are looked up at run time by their
deterministic prefix or Name tag, so every command runs as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from blueprint.analysis.facts import (
    REBUILD_DB_CLUSTER, REBUILD_DB_INSTANCE, REBUILD_HEALTH_CHECK, REBUILD_K8S_CLUSTER, REBUILD_NODE_GROUP, REBUILD_NODE_POOL,
    REBUILD_RECOVERY_VAULT, REBUILD_SQL_INSTANCE, Named, PlanFacts,
)
from blueprint.analysis.figures import DEFAULT_FIGURES
from blueprint.analysis.report import extract_facts
from blueprint.catalogs.tiers import Strategy
from blueprint.config.models import StackConfig, Workload, effective_strategy
from blueprint.plan.model import Plan
from blueprint.rebuild.orchestration import aws_plan_step, aws_ungate_commands, gcp_workflow_step
from blueprint.rebuild.promote import Promotion
from blueprint.rebuild.recovery_data import recovery_data_step
from blueprint.rebuild.recovery_stack import break_glass_step, queue_replay_step


@dataclass
class Step:
    title: str
    seconds: Optional[float]
    basis: str
    commands: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _dur(seconds: Optional[float]) -> str:
    if seconds is None:
        return "not modeled"
    if seconds < 120:
        return f"{seconds:g} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _node_group_prefix(group: Named) -> str:
    """What a managed node group's physical name starts with: its planned name or name prefix (the
    provider appends a unique suffix to the prefix), else its logical name (Pulumi's autoname)."""
    return group.physical or group.logical


def _breakdown(report: Optional[Mapping[str, Any]], workload: str) -> dict[str, tuple[float, str]]:
    """Step kind -> (seconds, model's step text) for the workload's region-loss breakdown."""
    out: dict[str, tuple[float, str]] = {}
    for w in (report or {}).get("workloads", []):
        if w["name"] != workload:
            continue
        for s in w["breakdown"]:
            step = s["step"]
            kind = ("detection" if step == "detection" else "dns" if step == "traffic shift" else
                    "db" if step.startswith("database") else "gpu" if step.startswith("GPU") else
                    "restore" if step.startswith("rebuild") else "other")
            out[kind] = (float(s["seconds"]), step)
    return out


class _Writer:
    def __init__(self, promo: Promotion, plan: Plan, promoted_plan: Optional[Plan], report: Optional[Mapping[str, Any]],
                 rebuild_s: Optional[float], out_dir: str = "<out-dir>"):
        self.out_dir = out_dir
        self.p, self.report, self.rebuild_s = promo, report, rebuild_s
        # Issue 14: the plans are read only through the read model (blueprint.analysis.facts), built once per plan.
        self.facts: PlanFacts = extract_facts(plan)
        self._promoted_plan = promoted_plan
        self.rec = self.facts.rebuild
        self.c: StackConfig = promo.original
        self.S, self.L = promo.survivor, promo.lost
        self.steps: list[Step] = []

    # ----------------------------------------------------------------------------- AWS
    def aws_database(self, w: Workload, strategy: Strategy, b: dict) -> None:
        S, L = self.S, self.L
        gc = [g for g in self.facts.inventory.global_databases if g.workload == w.name]
        here = self.rec.of(REBUILD_DB_CLUSTER, w.name, S)
        instances_here = self.rec.of(REBUILD_DB_INSTANCE, w.name, S)
        instances_lost = self.rec.of(REBUILD_DB_INSTANCE, w.name, L)
        secs, step = b.get("db", (None, ""))
        if gc and here:
            gid = gc[0].identifier
            cid = here[0].physical
            arn = f"arn:aws:rds:{S}:$ACCOUNT:cluster:{cid}"
            cmds = []
            notes = []
            if not instances_here:
                cls = (instances_lost[0].detail if instances_lost else None) or "db.r7g.large"
                engine = here[0].detail
                cmds += [
                    "# headless (pilot-light) secondary: give it a writer instance first",
                    f"aws rds create-db-instance --region {S} --db-instance-identifier {cid}-{S}-0 "
                    f"--db-cluster-identifier {cid} --engine {engine} --db-instance-class {cls}",
                    f"aws rds wait db-instance-available --region {S} --db-instance-identifier {cid}-{S}-0",
                ]
                notes.append(f"modeled instance creation: {_dur(DEFAULT_FIGURES.aurora_add_instance.seconds)} "
                             f"({DEFAULT_FIGURES.aurora_add_instance.source})")
            cmds += [
                f"# unplanned outage ({L} unreachable): promote the {S} cluster, accepting the replication lag as data loss",
                f"aws rds failover-global-cluster --region {S} --global-cluster-identifier {gid} "
                f"--target-db-cluster-identifier {arn} --allow-data-loss",
                f"# planned move ({L} still reachable, e.g. a drill): no data loss",
                f"#   aws rds switchover-global-cluster --region {S} --global-cluster-identifier {gid} --target-db-cluster-identifier {arn}",
                "# wait until the writer is the survivor",
                f"aws rds describe-global-clusters --region {S} --global-cluster-identifier {gid} "
                "--query 'GlobalClusters[0].GlobalClusterMembers[?IsWriter].DBClusterArn' --output text",
            ]
            self.add(f"{w.name}: promote the database in {S} (Aurora global cluster {gid})", secs, step or "model", cmds, notes)
        elif strategy is Strategy.BACKUP_RESTORE:
            vaults = self.rec.of(REBUILD_RECOVERY_VAULT, w.name, S)
            vault = vaults[0].physical if vaults else f"{w.name}-{S}-recovery-vault"
            cid = f"{self.c.environment}-{w.name}"
            cmds = [
                f"RP=$(aws backup list-recovery-points-by-backup-vault --region {S} --backup-vault-name {vault} "
                "--query 'reverse(sort_by(RecoveryPoints,&CreationDate))[0].RecoveryPointArn' --output text)",
                f"aws backup get-recovery-point-restore-metadata --region {S} --backup-vault-name {vault} "
                f"--recovery-point-arn \"$RP\" --query RestoreMetadata > restore-{w.name}.json",
                f"# edit restore-{w.name}.json: DBClusterIdentifier={cid}-restored, DBSubnetGroupName={cid}-subnets,",
                f"#   VpcSecurityGroupIds = the security group of the new {cid} cluster (created by the `pulumi up` step):",
                f"aws rds describe-db-clusters --region {S} --db-cluster-identifier {cid} --query 'DBClusters[0].VpcSecurityGroups[].VpcSecurityGroupId'",
                f"ROLE=$(aws iam list-roles --query \"Roles[?starts_with(RoleName, '{w.name}-db-backup-role')].Arn | [0]\" --output text)",
                f"JOB=$(aws backup start-restore-job --region {S} --recovery-point-arn \"$RP\" --iam-role-arn \"$ROLE\" "
                f"--metadata file://restore-{w.name}.json --query RestoreJobId --output text)",
                f"aws backup describe-restore-job --region {S} --restore-job-id \"$JOB\" --query Status   # until COMPLETED",
                f"aws rds create-db-instance --region {S} --db-instance-identifier {cid}-restored-0 --db-cluster-identifier {cid}-restored "
                f"--engine aurora-{'postgresql' if w.database and w.database.engine.value == 'postgres' else 'mysql'} --db-instance-class db.r7g.large",
            ]
            notes = [f"run this after the `pulumi up` step above: the network, subnet group and security group in {S} come from it",
                     f"then point {w.name} at the restored cluster's endpoint; adopting it into the stack is a daytime task (failback.md)"]
            self.add(f"{w.name}: restore the database in {S} from the copied recovery point (backup-restore)",
                     b.get("restore", (None, ""))[0], b.get("restore", (None, "model"))[1], cmds, notes)

    def aws_dns(self, w: Workload, b: dict) -> None:
        if w.service is None or not self.c.dns_zone:
            return
        S, L = self.S, self.L
        fqdn = f"{w.name}.{self.c.dns_zone}"
        records = {r.region if r.region != "global" else (r.set_identifier or ""): r
                   for r in self.rec.dns_records if r.workload == w.name and r.name == fqdn}
        lost_rec = next((r for r in records.values() if r.set_identifier == L), None)
        hc = {r.logical: r for r in self.rec.of(REBUILD_HEALTH_CHECK, w.name)}
        hc_lost = next((n for n in hc if n.endswith(f"-{L}-health-check")), None)
        hc_surv = next((n for n in hc if n.endswith(f"-{S}-health-check")), None)
        secs, step = b.get("dns", (None, ""))
        cmds = []
        for name in (hc_lost, hc_surv):
            if name:
                cmds.append(f"aws route53 get-health-check-status --health-check-id \"$(hc_id {name})\" "
                            "--query 'HealthCheckObservations[].StatusReport.Status' --output text")
        cmds.append(f"dig +short {fqdn}   # must answer the {S} load balancer only")
        if lost_rec is not None:
            cmds += [
                f"# force it only if {L} still answers (e.g. healthy but broken): remove {L}'s record",
                f"aws route53 list-resource-record-sets --hosted-zone-id \"$ZONE\" "
                f"--query \"ResourceRecordSets[?Name=='{fqdn}.' && SetIdentifier=='{L}'] | [0]\" > rr-{w.name}.json",
                f"jq '{{Changes: [{{Action: \"DELETE\", ResourceRecordSet: .}}]}}' rr-{w.name}.json > change-{w.name}.json",
                f"aws route53 change-resource-record-sets --hosted-zone-id \"$ZONE\" --change-batch file://change-{w.name}.json",
            ]
        notes = ["the health checks shift traffic on their own (Route 53 data plane); the record change uses the "
                 "Route 53 control plane (us-east-1): prefer the automatic shift when us-east-1 is the lost region"]
        ungate, ungate_notes = aws_ungate_commands(self.facts, w.name, fqdn, S)
        cmds += ungate
        notes += ungate_notes
        self.add(f"{w.name}: confirm (or force) the DNS shift of {fqdn} to {S}", secs, step or "model", cmds, notes)

    def aws_gpu(self, w: Workload, b: dict) -> None:
        if w.gpu is None:
            return
        S = self.S
        groups = sorted(self.rec.of(REBUILD_NODE_GROUP, w.name, S), key=lambda r: r.logical)
        clusters = self.rec.of(REBUILD_K8S_CLUSTER, None, S)
        if not groups or not clusters:
            return
        cluster = clusters[0].physical
        lo, hi = w.gpu.min_nodes_per_zone, w.gpu.max_nodes_per_zone
        secs, step = b.get("gpu", (0.0 if lo == 0 else None, "no GPU step in the model: nothing runs at the minimum of 0"))
        # The guaranteed capacity is the on-demand groups'; spot burst groups stay as planned (the
        # autoscaler grows them). Spot-only pools have nothing else.
        base = [g for g in groups if g.logical.endswith("-on-demand")] or groups
        cmds = [f"aws eks update-nodegroup-config --region {S} --cluster-name {cluster} "
                f"--nodegroup-name \"$(ng {cluster} {_node_group_prefix(g)})\" --scaling-config minSize={lo},maxSize={hi},desiredSize={lo}"
                for g in base]
        cmds += self._hpa_floor(w)
        if lo == 0:
            notes = ["minimum 0: the region's cluster-autoscaler adds nodes, up to "
                     f"{hi} per zone, only for pending pods that need them (the footprint deploys no workers for a "
                     "queue-only workload: your job pods are that signal); these commands only confirm the limits"]
        else:
            notes = [self._floor_note(w, lo, hi)]
        if any(c.startswith("kubectl") for c in cmds):
            notes.append("kubectl reaches the cluster's API only from the networks in blueprint:deployerCidrs (docs/deploying.md)")
        notes.append("the next `pulumi up` puts the stack's min/max and the autoscaler's floor back; the autoscaler keeps the desired size")
        self.add(f"{w.name}: scale the GPU node pools in {S} to the primary's capacity", secs, step or "model", cmds, notes)

    def _floor_note(self, w: Workload, lo: int, hi: int) -> str:
        found = self._autoscaler(w.name, self.S)
        if found is not None and found[0] == "scaledobject":
            return (f"the primary's per-zone minimum ({lo}) in every on-demand pool, and the primary's replica floor on the "
                    "KEDA ScaledObject (its minReplicaCount: KEDA owns the HPA and would undo a patch of the HPA), at once: "
                    "nodes without pods add no capacity. Without this step the HPA still scales the pods on the load "
                    f"balancer's request rate (one HPA round at a time, the model's duration), up to {hi} nodes per zone")
        return (f"the primary's per-zone minimum ({lo}) in every on-demand pool, and the primary's replica floor on the "
                "HPA, at once: nodes without pods add no capacity. Without this step the region's cluster-autoscaler "
                f"still adds nodes as the HPA scales the pods (one HPA round at a time, the model's duration), up to {hi} "
                "per zone, but only if the load raises the pods' CPU: CPU is the HPA's only signal, and GPU-bound "
                "inference may saturate first, so run this step rather than count on it")

    def _hpa_floor(self, w: Workload) -> list[str]:
        """kubectl: raise the survivor's replica floor to the lost primary's, so the new nodes get pods.
        With a KEDA ScaledObject the floor is its ``minReplicaCount``: KEDA owns the HPA it created and
        puts a patched ``minReplicas`` back from the ScaledObject on its next reconcile."""
        mine, floor = self._autoscaler(w.name, self.S), self._floor(w.name, self.L)
        if mine is None or floor is None:
            return []
        kind, meta = mine
        field = "minReplicaCount" if kind == "scaledobject" else "minReplicas"
        return [f"aws eks update-kubeconfig --region {self.S} --name {self.rec.of(REBUILD_K8S_CLUSTER, None, self.S)[0].physical}",
                f"kubectl -n {meta.get('namespace')} patch {kind} {meta['name']} --type merge -p "
                f"'{{\"spec\":{{\"{field}\":{int(floor)}}}}}'"]

    def _autoscaler(self, workload: str, region: str) -> Optional[tuple[str, dict]]:
        """("scaledobject" | "hpa", metadata) of the workload's autoscaler in ``region``; the ScaledObject wins."""
        for kind in ("scaledobject", "hpa"):
            found = [s for s in self.rec.scalers if s.kind == kind and s.workload == workload and s.region == region]
            if found and found[0].name:
                return kind, {"name": found[0].name, "namespace": found[0].namespace}
        return None

    def _floor(self, workload: str, region: str) -> Optional[float]:
        for kind in ("scaledobject", "hpa"):  # their floors: minReplicaCount, minReplicas
            found = [s for s in self.rec.scalers if s.kind == kind and s.workload == workload and s.region == region]
            if found and found[0].floor is not None:
                return found[0].floor
        return None

    # ----------------------------------------------------------------------------- GCP
    def gcp_database(self, w: Workload, b: dict) -> None:
        S = self.S
        inst = self.rec.of(REBUILD_SQL_INSTANCE, w.name, S)
        if not inst or not inst[0].detail:
            return
        name = inst[0].physical
        designated = name in self.rec.dr_replicas
        # A designated DR replica takes over by replica failover: the write endpoint follows it and
        # Cloud SQL re-adds the old primary as its replica once the lost region is back.
        flag = " --failover" if designated else ""
        cmds = [f"gcloud sql instances promote-replica {name} --project {self.c.gcp_project}{flag} --quiet",
                f"gcloud sql instances describe {name} --project {self.c.gcp_project} --format='value(instanceType,state)'   # CLOUD_SQL_INSTANCE RUNNABLE"]
        secs, step = b.get("db", (None, "the resilience model has no figure for this step"))
        notes = (["replica failover (advanced DR): the primary's write endpoint now resolves to this instance; when the lost "
                  "region is back, Cloud SQL tries to add the old primary as a replica of this one"] if designated else
                 ["promotion is one-way: the replica stops replicating and becomes a standalone primary; clients must switch "
                  "to its connection name"])
        self.add(f"{w.name}: {'fail over to the DR replica' if designated else 'promote the Cloud SQL replica'} {name} in {S}",
                 secs, step, cmds, notes)

    def gcp_lb(self, w: Workload, b: dict) -> None:
        S = self.S
        svc = [b for b in self.rec.backend_services if b.workload == w.name]
        if not svc or w.service is None:
            return
        backends = [be for be in svc[0].backends if f"/zones/{S}-" in be.group]
        cmds = [f"BS=$(gcloud compute backend-services list --global --project {self.c.gcp_project} "
                f"--filter='name~^{svc[0].logical}' --format='value(name)')"]
        for be in backends:
            group = be.group.rstrip("/").split("/")
            cmds.append(f"gcloud compute backend-services update-backend \"$BS\" --global --project {self.c.gcp_project} "
                        f"--network-endpoint-group={group[-1]} --network-endpoint-group-zone={group[-3]} --capacity-scaler=1")
        cmds.append(f"gcloud compute backend-services get-health \"$BS\" --global --project {self.c.gcp_project}")
        secs, step = b.get("dns", (None, "the resilience model has no figure for this step"))
        drained = any(be.capacity == 0.0 for be in backends)
        notes = ([f"{S}'s backends are drained (pilot light): this sets them to capacity 1; then make the stack agree "
                  "(the `pulumi up` of the promotion below)"] if drained else
                 [f"{S}'s backends already have capacity (warm standby or active-active): the load balancer moved the traffic "
                  "by itself when the primary failed its health checks; the update is a no-op, get-health confirms it"])
        self.add(f"{w.name}: confirm the global load balancer sends {w.name} to {S} (capacity scaler 1)", secs, step, cmds, notes)

    def gcp_gpu(self, w: Workload, b: dict) -> None:
        S = self.S
        pools = self.rec.of(REBUILD_NODE_POOL, w.name, S)
        if not pools or w.gpu is None:
            return
        cluster = pools[0].detail
        lo, hi = w.gpu.min_nodes_per_zone, w.gpu.max_nodes_per_zone
        cmds = []
        for p in pools:
            n = p.physical
            cmds += [f"gcloud container node-pools update {n} --cluster {cluster} --region {S} --project {self.c.gcp_project} "
                     f"--enable-autoscaling --min-nodes {lo} --max-nodes {hi}",
                     f"gcloud container clusters resize {cluster} --node-pool {n} --num-nodes {lo} --region {S} --project {self.c.gcp_project} --quiet"]
        secs, step = b.get("gpu", (DEFAULT_FIGURES.gpu_node_start.seconds,
                                   "planning figure gpu_node_start (measured on EKS; measure GKE node start in a DR drill)"))
        self.add(f"{w.name}: scale the GPU node pools in {S} to the primary's capacity (per zone)", secs, step, cmds)

    # -----------------------------------------------------------------------------
    def add(self, title: str, seconds: Optional[float], basis: str, commands: list[str], notes: Optional[list[str]] = None) -> None:
        self.steps.append(Step(title, seconds, basis, commands, notes or []))

    def build(self) -> list[Step]:
        """The runbook's steps, in order: declare, fail over, promote the stack, restore, verify, re-protect."""
        self._declare()
        self._break_glass()
        self._recovery_data()
        orchestrated = self._orchestrate()
        self._fail_over(orchestrated)
        self._promote()
        self._restore_backups()
        self._verify()
        self._replay_queues()
        self._reprotect()
        return self.steps

    def _break_glass(self) -> None:
        """The break-glass DR access, right after declaring (blueprint/rebuild/recovery_stack.py)."""
        found = break_glass_step(self.facts, self.c, self.S)
        if found is not None:
            self.add(found[0], 30.0, "planning figure: an MFA sign-in or a PAM grant request takes well under a minute", found[1], found[2])

    def _replay_queues(self) -> None:
        """Dead letters back into the survivor's work queues, once it serves (blueprint/rebuild/recovery_stack.py)."""
        found = queue_replay_step(self.facts, self.p.stack, self.S)
        if found is not None:
            self.add(found[0], None, "bounded by --max-messages / --max-seconds per run", found[1], found[2])

    def _declare(self) -> None:
        c, L = self.c, self.L
        S, stack = self.S, self.p.stack
        detections = [v for w in c.workloads for k, v in _breakdown(self.report, w.name).items() if k == "detection"]
        det = max(detections, key=lambda x: x[0]) if detections else (DEFAULT_FIGURES.declare_disaster.seconds, DEFAULT_FIGURES.declare_disaster.source)
        cmds = [f"export AWS_REGION={S}" if c.cloud == "aws" else f"gcloud config set project {c.gcp_project}"]
        if c.cloud == "aws":
            cmds += ["ACCOUNT=$(aws sts get-caller-identity --query Account --output text)",
                     f"ZONE=$(aws route53 list-hosted-zones-by-name --dns-name {c.dns_zone or 'ZONE'} --query 'HostedZones[0].Id' --output text)",
                     "# health check id by its Name tag (health checks have no deterministic name)",
                     "hc_id() { for id in $(aws route53 list-health-checks --query 'HealthChecks[].Id' --output text); do "
                     "[ \"$(aws route53 list-tags-for-resource --resource-type healthcheck --resource-id \"$id\" "
                     "--query \"ResourceTagSet.Tags[?Key=='Name'].Value | [0]\" --output text)\" = \"$1\" ] && echo \"$id\"; done; }",
                     "# EKS node group by its deterministic prefix (Pulumi adds a random suffix)",
                     "ng() { aws eks list-nodegroups --cluster-name \"$1\" --query \"nodegroups[?starts_with(@, '$2')] | [0]\" --output text; }"]
        self.add(f"Declare the disaster: {L} is lost; set up the shell", det[0], f"slowest detection in the model: {det[1]}", cmds,
                 [f"freeze deployments to stack {stack}; one person runs this runbook, one keeps the incident log (times of each step)",
                  "if the Pulumi state bucket lived in the lost region, log in to its replica first (docs/state-backend.md)"])

    def _recovery_data(self) -> None:
        """Before traffic moves: the survivor holds the images, artifacts and secrets (blueprint/rebuild/recovery_data.py)."""
        found = recovery_data_step(self.facts, self.c, self.S, self.L)
        if found is not None:
            title, cmds, notes = found
            self.add(title, None, "checks only: a few API calls per workload", cmds, notes)

    def _orchestrate(self) -> set[str]:
        """Per workload with a failover orchestration in the plan: start it (blueprint/rebuild/orchestration.py).
        Returns the workloads it covers: their manual steps below become the fallback."""
        covered: set[str] = set()
        for w in sorted(self.c.workloads, key=lambda w: -effective_strategy(w).rank):
            found = (aws_plan_step(self.facts, w.name, self.L, self.S) if self.c.cloud == "aws"
                     else gcp_workflow_step(self.facts, w.name, self.L, self.c.gcp_project))
            if found is not None:
                title, cmds, notes = found
                self.add(title, None, "its steps are the modeled steps of this workload below; the plan runs them for you",
                         cmds, notes)
                covered.add(w.name)
        return covered

    def _fail_over(self, orchestrated: frozenset[str] | set[str] = frozenset()) -> None:
        """Per workload, strongest strategy first: promote the databases, shift DNS, scale the GPU pools.
        For an orchestrated workload these are the fallback (the orchestration is missing or failed)."""
        c, p, S = self.c, self.p, self.S
        if p.lost_role == "primary":
            order = sorted(c.workloads, key=lambda w: -effective_strategy(w).rank)
            for w in order:
                first = len(self.steps)
                b = _breakdown(self.report, w.name)
                strategy = effective_strategy(w)
                if c.cloud == "aws":
                    if w.database is not None and strategy is not Strategy.BACKUP_RESTORE:
                        self.aws_database(w, strategy, b)
                    self.aws_dns(w, b)
                    self.aws_gpu(w, b)
                else:
                    self.gcp_database(w, b)
                    self.gcp_lb(w, b)
                    self.gcp_gpu(w, b)
                if w.name in orchestrated:
                    for step in self.steps[first:]:
                        step.notes.insert(0, f"FALLBACK: only if {w.name}'s failover orchestration (above) is missing, failed "
                                             "or did not finish this step; otherwise only check its result")
        else:
            self.add(f"Confirm the primary {S} serves everything (nothing to promote: the secondary was lost)", 0.0,
                     "no failover: the primary's databases, DNS and capacity are unaffected",
                     [f"dig +short {w.name}.{c.dns_zone}" for w in c.workloads if w.service and c.dns_zone] or ["# no services"])

    def _promote(self) -> None:
        p, S, L = self.p, self.S, self.L
        stack, new_sec = p.stack, p.new_secondary
        stack_file = f"stacks/Pulumi.{stack}.yaml"
        cmds = [f"cp {stack_file} {stack_file}.before-rebuild",
                f"cp {self.out_dir}/Pulumi.{stack}.yaml {stack_file}",
                f"blueprint plan --stack {stack}   # must plan cleanly",
                f"pulumi stack select {stack}",
                f"pulumi refresh --stack {stack} --yes --skip-preview   # resources in {L} will error: expected",
                f"pulumi stack export --stack {stack} --file state-before-rebuild.json",
                f"# only for resources in {L} that refresh/up cannot reach (one per line, URNs from `pulumi stack --show-urns`):",
                f"#   pulumi state delete --stack {stack} '<urn>' --force",
                f"pulumi up --stack {stack} --yes"]
        self.add(f"Promote the stack: {S} primary, {new_sec or 'no'} secondary; `pulumi up`", self.rebuild_s,
                 f"critical path of the promoted plan in {new_sec or S} (blueprint.analysis.rebuild_estimate)", cmds,
                 self._promote_notes())

    def _promote_notes(self) -> list[str]:
        c, p, S, L = self.c, self.p, self.S, self.L
        new_sec = p.new_secondary
        notes = [f"primary becomes {S}; new secondary: {new_sec or 'NONE'}"]
        if new_sec:
            notes.append(f"this `pulumi up` also re-protects: it builds the new secondary {new_sec} (network, cluster, replicas, vault copies)")
            if c.cloud == "gcp" and any(w.database for w in c.workloads) and c.dr_replicas_designated:
                notes.append("the same `pulumi up` designates each new Cloud SQL replica as its primary's DR replica once it exists "
                             "(a `gcloud sql instances patch --failover-dr-replica-name` step; it waits until the replica is RUNNABLE "
                             "and retries while another operation runs): run it where /bin/sh and gcloud are installed and gcloud "
                             "itself is authenticated (`gcloud auth login` or `gcloud auth activate-service-account`; gcloud ignores "
                             "application default credentials). Instances are named by region, so the promoted instance keeps its "
                             "name; the old designation step is replaced and its clear on the lost primary is best effort")
        else:
            notes.append(f"NO new secondary: '{p.jurisdiction}' has no other {c.cloud} region. Until {L} is back the stack runs in ONE region")
        if c.cloud == "gcp":
            notes.append(f"run no `pulumi preview`/`up` with the old stack file while {L} is down: every run reads the kube-system "
                         f"namespace of each cluster in the file through that cluster's API, so the run fails on {L}'s cluster "
                         "until the promoted file (which drops it) is in place")
        if p.lost_role == "primary":
            notes.append(f"resources of {L} have deletion protection: Pulumi cannot delete them while {L} is down; `pulumi state delete` them, "
                         f"and clean them up in {L} once it is back (failback.md)")
        if c.cloud == "aws" and L == "us-east-1" and self._promoted_plan is not None:
            pinned = sorted(set(extract_facts(self._promoted_plan).rebuild.names_by_region.get("us-east-1", [])))
            if pinned:
                notes.append("Route 53 health-check metrics exist only in us-east-1, so their alarms stay there "
                             f"({', '.join(pinned[:4])}{', ...' if len(pinned) > 4 else ''}): while us-east-1 is down, run "
                             "`pulumi up --exclude '<urn>' --exclude-dependents` for them, and a plain `pulumi up` once it is back")
        if backup_restore := [w.name for w in c.workloads if effective_strategy(w) is Strategy.BACKUP_RESTORE and w.database and p.lost_role == "primary"]:
            notes.append(f"then run the restore steps of {', '.join(backup_restore)} (below)")
        return notes

    def _restore_backups(self) -> None:
        """AWS backup-restore workloads: their databases come back from the vault after the promoted `pulumi up`."""
        c, p = self.c, self.p
        if p.lost_role == "primary" and c.cloud == "aws":
            for w in c.workloads:
                if effective_strategy(w) is Strategy.BACKUP_RESTORE and w.database:
                    self.aws_database(w, Strategy.BACKUP_RESTORE, _breakdown(self.report, w.name))

    def _verify(self) -> None:
        c, S, stack = self.c, self.S, self.p.stack
        verify = []
        for w in c.workloads:
            if w.service and c.dns_zone:
                verify.append(f"curl -fsS https://{w.name}.{c.dns_zone}{w.service.readiness_path} && echo {w.name} OK")
            if w.database and c.cloud == "aws":
                gid = f"{c.environment}-{w.name}"
                verify.append(f"aws rds describe-db-clusters --region {S} --db-cluster-identifier {gid} "
                              "--query 'DBClusters[0].DBClusterMembers[?IsClusterWriter].DBInstanceIdentifier' --output text   # a writer in "
                              f"{S}")
            if w.database and c.cloud == "gcp":
                verify.append(f"gcloud sql instances list --project {c.gcp_project} --filter='name~^{c.environment}-{w.name}' "
                              "--format='table(name,region,instanceType,state)'")
        verify.append(f"blueprint resilience --stack {stack}   # every workload meets its tier again (exit 0)")
        if c.cloud == "aws":
            verify.append(f"blueprint audit --stack {stack}   # the live account matches the promoted plan (exit 0)")
        self.add("Verify: service answers through DNS, databases have a writer in the new primary", 120.0,
                 f"planning figure pod_start: {DEFAULT_FIGURES.pod_start.source}", verify)

    def _reprotect(self) -> None:
        L, stack, new_sec = self.L, self.p.stack, self.p.new_secondary
        self.add("Re-protection and fail-back", None, "after the incident",
                 [f"blueprint resilience --stack {stack} --format json | jq '.workloads[] | {{name, meets}}'"],
                 [f"re-protection: the `pulumi up` above built the secondary in {new_sec}" if new_sec else
                  f"re-protection needs a second region: once {L} is back, `blueprint rebuild --lost-region {L} --new-secondary {L}`",
                  "fail back to the original primary later, in daylight, as a planned switchover: docs/runbooks/failback.md",
                  "write the post-incident review with the measured time of each step (docs/runbooks/dr-drill.md)"])


def render_runbook(promo: Promotion, plan: Plan, promoted_plan: Optional[Plan], report: Optional[Mapping[str, Any]],
                   rebuild_s: Optional[float], out_dir: str = "<out-dir>") -> str:
    c = promo.original
    steps = _Writer(promo, plan, promoted_plan, report, rebuild_s, out_dir).build() if promo.survivor else []
    lines = [f"# Region rebuild runbook: stack `{promo.stack}`, lost region `{promo.lost}`", ""]
    lines += ["| | |", "|---|---|",
              f"| cloud / jurisdiction | {c.cloud} / {promo.jurisdiction} |",
              f"| lost | {promo.lost} (was {promo.lost_role}) |",
              f"| primary after rebuild | {promo.survivor or 'NONE: no region survived'} |",
              f"| new secondary | {promo.new_secondary or 'NONE'} |",
              f"| promoted stack file | {'Pulumi.' + promo.stack + '.yaml (next to this runbook)' if promo.ok else 'NOT WRITTEN: a decision is needed (below)'} |",
              ""]
    if promo.ok and not promo.new_secondary:
        lines += [f"**No second region after this rebuild.** The '{promo.jurisdiction}' jurisdiction has no other {c.cloud} "
                  f"region besides {promo.lost} and {promo.survivor} that validates. The stack runs in {promo.survivor} only "
                  "until a second region is chosen.", ""]
    if promo.refused:
        lines += ["Regions considered for the new secondary and refused:", ""]
        lines += [f"- {r}: {'; '.join(p)}" for r, p in promo.refused.items()] + [""]
    if not promo.ok:
        lines += ["## DECISION REQUIRED before the stack can be promoted", ""]
        lines += [f"- problem: {p}" for p in promo.problems]
        lines += [f"- option: {d}" for d in promo.decisions] + [""]
        if steps:
            lines += ["The promotion steps below work without a stack change; the `pulumi up` step waits for the decision.", ""]
    lines += ["Durations are **modeled** by `blueprint resilience` (planning values, not guarantees); write the real time of "
              "each step in the incident log.", ""]
    total = 0.0
    for i, s in enumerate(steps, 1):
        lines.append(f"## {i}. {s.title}")
        lines.append("")
        lines.append(f"Modeled duration: **{_dur(s.seconds)}** ({s.basis})")
        lines.append("")
        for n in s.notes:
            lines.append(f"- {n}")
        if s.notes:
            lines.append("")
        if s.commands:
            lines += ["```bash", *s.commands, "```", ""]
        total += s.seconds or 0
    if steps:
        lines += [f"Sum of the modeled durations, one after the other: {_dur(total)} (the model runs the per-workload steps in parallel after detection; "
                  "see `blueprint resilience` for the per-workload RTO).", ""]
    return "\n".join(lines)
