"""DrReplicaDesignation: designate a Cloud SQL primary's cross-region replica as its DR replica,
after the replica exists, in the same `pulumi up`.

Cloud SQL's advanced disaster recovery (Enterprise Plus) lets a primary name one cross-region read
replica as its DR replica (``replicationCluster.failoverDrReplicaName``); a regional outage is then
handled by *replica failover* (``gcloud sql instances promote-replica <replica> --failover``) and a
drill by *switchover*, and the primary's write endpoint follows the new primary. Cloud SQL accepts
the designation only for a replica that already exists ("Use advanced disaster recovery",
https://cloud.google.com/sql/docs/postgres/use-advanced-disaster-recovery: create the replica, then
designate it; gcloud reference: the DR replica "must be one of the existing cross region replicas
of the primary instance"). A primary that names its replica at creation therefore fails, and the
replica cannot be created before its primary: a create-order cycle.

This component breaks it: the primary is created without a designation (``CloudSqlDatabase``
ignores later changes of its ``replicationCluster``), the replica follows it, and then a
``command:local:Command`` that depends on both waits (bounded) until the replica is ``RUNNABLE`` and
designates it, retrying (bounded) while Cloud SQL refuses the patch because another operation runs
(``DESIGNATE``; POSIX ``/bin/sh -c`` on every OS):

    gcloud sql instances patch <primary> --project=<project> --failover-dr-replica-name=<project>:<replica>

Deleting the component (or changing the pair) clears the designation first
(``--clear-failover-dr-replica-name``; replacement is delete-before-create, so a new designation of
the same primary is never cleared by the old one's delete). Both flags are in the GA
``gcloud sql instances patch`` reference (https://cloud.google.com/sdk/gcloud/reference/sql/instances/patch)
and need Google Cloud SDK 502.0.0 or later (the advanced DR page above). The value is
``<project>:<instance>``, the form the API stores (Terraform google provider,
``sql_database_instance#failover_dr_replica_name``: "The standard format of this field is
your-project:your-instance").

The command runs where `pulumi up` runs: that machine needs ``/bin/sh`` and ``gcloud`` on its PATH,
with ``cloudsql.instances.get`` and ``cloudsql.instances.update`` on the project. gcloud does not use
application default credentials (the Pulumi provider's ``gcloud auth application-default login``):
authenticate gcloud itself with ``gcloud auth login``, ``gcloud auth activate-service-account
--key-file=...``, or ``CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE=<credential file>`` (a service-account key
or a workload identity federation configuration; gcloud reference, ``gcloud topic configurations``
/ ``auth/credential_file_override``).

The pair is in structured inputs, so a plan reads it without parsing shell text: ``environment``
(``BLUEPRINT_PROJECT``, ``BLUEPRINT_PRIMARY_INSTANCE``, ``BLUEPRINT_DR_REPLICA``; the command reads
them from its environment, so no name is ever interpolated into shell text) and ``triggers``.

Children (component named ``n``): ``n-designate`` command.local.Command.
Attributes: ``primary_instance``, ``dr_replica`` ('<project>:<replica>').
"""

from __future__ import annotations

import re
from typing import Optional

import pulumi
import pulumi_command as command
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from blueprint.components._validation import InputMatching

# Structured inputs of the designation command (read by blueprint.analysis.gcp_facts).
ENV_PROJECT = "BLUEPRINT_PROJECT"
ENV_PRIMARY = "BLUEPRINT_PRIMARY_INSTANCE"
ENV_DR_REPLICA = "BLUEPRINT_DR_REPLICA"

# Bounds of the create script. The replica exists when the command starts (it depends on the replica,
# whose create waits for the operation), but an instance can be in a follow-up operation (backup,
# maintenance, the primary's own update): the script waits until the replica's state is RUNNABLE
# (Cloud SQL instance states: "Instance states", https://cloud.google.com/sql/docs/postgres/instance-info),
# then retries the patch, which Cloud SQL refuses with a 409 while another operation runs on the
# instance (terraform-provider-google retries exactly that: transport_tpg.IsSqlOperationInProgressError,
# "Waiting for other concurrent Cloud SQL operations to finish"). Both loops are bounded, so a broken
# instance fails the `pulumi up` with a message instead of hanging it.
READY_CHECKS = 60          # x 30 s = up to 30 minutes for the replica to become RUNNABLE
READY_INTERVAL_SECONDS = 30
PATCH_ATTEMPTS = 10        # x 60 s between attempts = up to about 10 minutes of concurrent operations
PATCH_INTERVAL_SECONDS = 60

# POSIX sh only (pulumi-command runs `create` with the interpreter below). The replica's bare name is
# the part after the last ':' of '<project>:<replica>' (POSIX parameter expansion), so no name is ever
# interpolated into shell text: every name comes from the environment.
_PATCH = (f'gcloud sql instances patch "${ENV_PRIMARY}" --project="${ENV_PROJECT}" '
          f'--failover-dr-replica-name="${ENV_DR_REPLICA}" --quiet')
# A gcloud that is missing, not logged in or not allowed fails at once, with its own error: only
# "not RUNNABLE yet" is waited for, and only a concurrent operation (HTTP 409 "operation ... in
# progress") is retried; any other refusal of the patch (an unknown flag of a gcloud older than
# 502.0.0, a missing cloudsql.instances.update) ends the script at its first attempt.
DESIGNATE = (
    'command -v gcloud >/dev/null 2>&1 || { echo "gcloud is not on PATH: the DR replica designation needs the '
    'Google Cloud CLI (502.0.0 or later) where pulumi up runs (docs/deploying.md)" >&2; exit 1; }\n'
    "n=0\n"
    "while :; do\n"
    f'  state=$(gcloud sql instances describe "${{{ENV_DR_REPLICA}##*:}}" --project="${ENV_PROJECT}" '
    "--format='value(state)') || { "
    f'echo "cannot read DR replica ${ENV_DR_REPLICA}: see the gcloud error above (authentication, cloudsql.instances.get)" >&2; exit 1; }}\n'
    '  [ "$state" = RUNNABLE ] && break\n'
    f'  n=$((n+1)); if [ "$n" -ge {READY_CHECKS} ]; then '
    f'echo "DR replica ${ENV_DR_REPLICA} is not RUNNABLE after {READY_CHECKS * READY_INTERVAL_SECONDS} s (state: $state); '
    f'designate it once it is: {_PATCH.replace(chr(34), "")}" >&2; exit 1; fi\n'
    f"  sleep {READY_INTERVAL_SECONDS}\n"
    "done\n"
    "n=0\n"
    f"until out=$({_PATCH} 2>&1); do\n"
    '  echo "$out" >&2\n'
    '  case "$out" in *409*|*"in progress"*) ;; *) '
    f'echo "{ENV_PRIMARY}=${ENV_PRIMARY}: DR replica designation refused (not a concurrent operation): see the gcloud error above" >&2; '
    "exit 1;; esac\n"
    f'  n=$((n+1)); if [ "$n" -ge {PATCH_ATTEMPTS} ]; then '
    f'echo "{ENV_PRIMARY}=${ENV_PRIMARY}: DR replica designation refused {PATCH_ATTEMPTS} times '
    f'(another Cloud SQL operation still running); see the gcloud errors above" >&2; exit 1; fi\n'
    f"  sleep {PATCH_INTERVAL_SECONDS}\n"
    "done\n"
)
# Best effort on delete: after a replica failover or a lost region the old primary may be gone or no
# longer a primary, and a failing delete would block every later `pulumi up` of the stack.
CLEAR = (f'gcloud sql instances patch "${ENV_PRIMARY}" --project="${ENV_PROJECT}" --clear-failover-dr-replica-name --quiet '
         f'|| echo "DR replica designation of ${ENV_PRIMARY} not cleared (instance gone or no longer a primary)" >&2')
# pulumi-command's default interpreter is `/bin/sh -c` on Linux and macOS but `cmd /C` on Windows
# (pulumi-command `local.Command` reference: `interpreter`); the script is POSIX sh, so say so.
INTERPRETER = ["/bin/sh", "-c"]

# Project ids: 6..30 lower-case letters, digits, '-', starting with a letter (Resource Manager);
# domain-scoped ids ('example.com:my-project') keep their prefix.
_PROJECT = re.compile(r"^([a-z][-a-z0-9.]*[a-z0-9]:)?[a-z][-a-z0-9]{4,28}[a-z0-9]$")
_INSTANCE = re.compile(r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$")
_InstanceName = InputMatching(_INSTANCE, "is not a Cloud SQL instance name; use 1..63 lower-case letters, digits "
                                         "and inner '-', starting with a letter")


class DrReplicaDesignationArgs(BaseModel):
    """The primary and the replica it designates as its DR replica."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    project: str = Field(description="Project id of both instances, e.g. 'acme-ml-prod'.")
    primary_instance: _InstanceName = Field(description="pulumi.Input[str]: the primary's instance name (CloudSqlDatabase(...).name).")
    replica_instance: _InstanceName = Field(
        description="pulumi.Input[str]: the cross-region replica's instance name (CloudSqlDatabase(...).name of the replica). "
        "Passing the replica's Output makes the command wait for the replica."
    )

    @field_validator("project")
    @classmethod
    def _project(cls, v: str) -> str:
        if not _PROJECT.match(v):
            raise ValueError(f"project: {v!r} is not a GCP project id; use 6..30 lower-case letters, digits and '-', e.g. 'acme-ml-prod'")
        return v

    @model_validator(mode="after")
    def _distinct(self) -> DrReplicaDesignationArgs:
        if isinstance(self.primary_instance, str) and self.primary_instance == self.replica_instance:
            raise ValueError(f"replica_instance: {self.replica_instance!r} is the primary itself; pass the cross-region replica")
        return self


class DrReplicaDesignation(pulumi.ComponentResource):
    """Designates a Cloud SQL primary's existing cross-region replica as its DR replica."""

    def __init__(self, name: str, args: DrReplicaDesignationArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:gcp:DrReplicaDesignation", name, None, opts)
        project = args.project
        dr_replica = pulumi.Output.concat(project, ":", args.replica_instance)
        self.command = command.local.Command(
            f"{name}-designate",
            create=DESIGNATE,
            delete=CLEAR,
            interpreter=INTERPRETER,
            environment={ENV_PROJECT: project, ENV_PRIMARY: args.primary_instance, ENV_DR_REPLICA: dr_replica},
            # Another pair (renamed replica, rebuilt region) replaces the command: clear, then designate.
            triggers=[project, args.primary_instance, args.replica_instance],
            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
        )
        self.primary_instance: pulumi.Output[str] = pulumi.Output.from_input(args.primary_instance)
        self.dr_replica: pulumi.Output[str] = dr_replica
        self.register_outputs({"primary_instance": self.primary_instance, "dr_replica": self.dr_replica})
