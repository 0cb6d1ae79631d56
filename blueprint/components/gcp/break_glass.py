"""BreakGlass: the GCP DR operator access of a disaster: a least-privilege custom role granted only
through a Privileged Access Manager (PAM) entitlement - time-bound, justified, approved where the
tier asks - and an alert on every grant.

Children (component named ``n``):
    ``n-pam-agent``     gcp.projects.ServiceIdentity of privilegedaccessmanager.googleapis.com: PAM's project
                        service agent (created if missing; a grant to an agent that does not exist fails)
    ``n-pam-agent-role`` gcp.projects.IAMMember: that agent gets roles/privilegedaccessmanager.projectServiceAgent
                        on the project (it writes and removes the grants' IAM bindings); the entitlement follows it
    ``n-role``          gcp.projects.IAMCustomRole: the failover and rebuild runbooks' permissions only
    ``n-entitlement``   gcp.privilegedaccessmanager.Entitlement: ``eligible`` may request the role on the project
                        for at most ``max_session_s`` (``max_request_duration``), with a justification, and
                        ``approvals`` approvals by the other eligible principals (none: no approval workflow)
    ``n-grant-alert``   gcp.monitoring.AlertPolicy (log match): every grant request of this entitlement

PAM: https://cloud.google.com/iam/docs/pam-create-entitlements (eligible users, maximum grant duration,
approvals, justification); pulumi-gcp ``privilegedaccessmanager.Entitlement`` (``privileged_access.gcp_iam_access``
with ``resource_type`` ``cloudresourcemanager.googleapis.com/Project`` and ``role_bindings``). Audit logs of PAM:
https://cloud.google.com/iam/docs/audit-logging/audit-logging-pam (service ``privilegedaccessmanager.googleapis.com``,
method ``google.cloud.privilegedaccessmanager.v1.PrivilegedAccessManager.CreateGrant``, an Admin Activity log).
Log-match alert policies need a notification rate limit (Cloud Monitoring "log-based alerting policies").
PAM set-up (https://cloud.google.com/iam/docs/pam-permissions-and-setup, "Set up PAM"): PAM's service agent
must hold the PAM service agent role where it grants; ``roles/privilegedaccessmanager.projectServiceAgent``
"gives privileged access manager service account access to modify IAM policies on GCP projects"
(https://cloud.google.com/iam/docs/roles-permissions/privilegedaccessmanager). Service agents created on
request get no role automatically (https://cloud.google.com/iam/docs/create-service-agents). A project in an
organization whose PAM runs as the organization's agent (``service-org-<org>@gcp-sa-pam``) passes that
member as ``service_agent_member`` (docs/deploying.md).

Permissions: the gcloud commands of the runbooks (docs/runbooks/region-rebuild.md, blueprint/rebuild,
blueprint/components/gcp/failover_workflow.py, `blueprint queue replay`'s printed commands), by the
IAM permissions their APIs check (IAM permissions reference per service).
"""

from __future__ import annotations

import re
from typing import Any, Optional

import pulumi
import pulumi_gcp as gcp
from pydantic import BaseModel, ConfigDict, Field, field_validator

from blueprint.components._validation import IntBetween

PERMISSIONS: tuple[str, ...] = (
    # Cloud SQL: fail over, promote the replica, switch over, patch the DR designation.
    "cloudsql.instances.get", "cloudsql.instances.list", "cloudsql.instances.failover", "cloudsql.instances.promoteReplica",
    "cloudsql.instances.update",
    # The failover workflow.
    "workflows.workflows.get", "workflows.executions.create", "workflows.executions.get", "workflows.executions.list",
    "workflows.executions.cancel",
    # GKE: scale the GPU node pools, fetch credentials.
    "container.clusters.get", "container.clusters.list", "container.clusters.update", "container.operations.get",
    # Load balancer backends (drain / restore a region).
    "compute.backendServices.get", "compute.backendServices.list", "compute.backendServices.update",
    "compute.networkEndpointGroups.list",
    # Queue replay (pull, publish, ack).
    "pubsub.subscriptions.get", "pubsub.subscriptions.consume", "pubsub.topics.get", "pubsub.topics.publish",
    # Verify the survivors' data before shifting traffic.
    "storage.buckets.list", "storage.objects.get", "storage.objects.list", "artifactregistry.dockerimages.list",
    "secretmanager.versions.list", "monitoring.alertPolicies.get", "monitoring.timeSeries.list",
    # The rebuild's data check `gcloud secrets describe` (blueprint/rebuild/recovery_data.py): Secret Manager
    # GetSecret checks secretmanager.secrets.get (IAM permissions reference, Secret Manager).
    "secretmanager.secrets.get",
)
PAM_SERVICE = "privilegedaccessmanager.googleapis.com"
PAM_AGENT_ROLE = "roles/privilegedaccessmanager.projectServiceAgent"
SessionSeconds = IntBetween(1800, 86400, note=" seconds (PAM's maximum grant duration; default 3600)")
_MEMBER = re.compile(r"^(user|group|serviceAccount|domain):[^\s]+$")
_ENTITLEMENT_ID = re.compile(r"^[a-z][a-z0-9-]{2,61}[a-z0-9]$")
_CHANNEL = re.compile(r"^projects/[a-z0-9:.-]+/notificationChannels/\d+$")


class BreakGlassArgs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    project: Any = Field(description="pulumi.Input[str]: the project id.")
    entitlement_id: str = Field(description="The PAM entitlement id (4..63 lowercase letters, digits, '-'), e.g. 'prod-break-glass-dr'.")
    role_id: str = Field(pattern=r"^[a-zA-Z0-9_.]{3,64}$", description="The custom role id, e.g. 'blueprintBreakGlassProd'.")
    eligible: tuple[str, ...] = Field(min_length=1, description="IAM members that may request it (and approve others' requests).")
    # The composer passes the strictest tier's (blueprint.catalogs.recovery_stack).
    max_session_s: SessionSeconds = Field(default=3600, description="Longest grant, seconds; default 3600.")
    approvals: int = Field(default=1, ge=0, le=1, description="Approvals a request needs (PAM: 0 or 1 approval step); default 1.")
    notification_channels: list[Any] = Field(default_factory=list, description="Channels of the grant alert; default none (incidents only).")
    # Default: the project's own PAM agent (ServiceIdentity); an organization's agent is passed as a member.
    service_agent_member: Optional[str] = Field(
        default=None, description="'serviceAccount:<PAM service agent>' that gets the project service agent role. Default None: "
                                  "the project's PAM agent from ServiceIdentity.")

    @field_validator("entitlement_id")
    @classmethod
    def _entitlement(cls, v: str) -> str:
        if not _ENTITLEMENT_ID.match(v):
            raise ValueError(f"entitlement_id: {v!r} is not a PAM entitlement id; use 4..63 lowercase letters, digits or '-', "
                             "starting with a letter")
        return v

    @field_validator("service_agent_member")
    @classmethod
    def _agent(cls, v: Optional[str]) -> Optional[str]:
        if v is not None and not re.match(r"^serviceAccount:[^\s@]+@gcp-sa-pam\.iam\.gserviceaccount\.com$", v):
            raise ValueError(f"service_agent_member: {v!r} is not a PAM service agent; use 'serviceAccount:' + the agent's "
                             "email as `gcloud beta services identity create --service=privilegedaccessmanager.googleapis.com` "
                             "prints it (the project's service-<number>@ or the organization's service-org-<org>@ agent)")
        return v

    @field_validator("eligible")
    @classmethod
    def _members(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for m in v:
            if not _MEMBER.match(m):
                raise ValueError(f"eligible: {m!r} is not an IAM member; use 'group:<email>' or 'user:<email>'")
        return v


def grant_filter(entitlement_id: str) -> str:
    return ('protoPayload.serviceName="privilegedaccessmanager.googleapis.com" AND '
            'protoPayload.methodName="google.cloud.privilegedaccessmanager.v1.PrivilegedAccessManager.CreateGrant" AND '
            f'protoPayload.resourceName:"entitlements/{entitlement_id}"')


class BreakGlass(pulumi.ComponentResource):
    """Least-privilege custom role, requested through a time-bound PAM entitlement, every grant alerted."""

    role_name: pulumi.Output[str]
    entitlement_name: pulumi.Output[str]

    def __init__(self, name: str, args: BreakGlassArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:gcp:BreakGlass", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        agent_role = self._pam_agent(name, args)
        role = gcp.projects.IAMCustomRole(
            f"{name}-role", project=args.project, role_id=args.role_id, title="blueprint break-glass DR operator",
            description="Failover and rebuild steps only; granted through the PAM entitlement", permissions=list(PERMISSIONS), opts=child,
        )
        approval = None
        if args.approvals:
            approval = gcp.privilegedaccessmanager.EntitlementApprovalWorkflowArgs(
                manual_approvals=gcp.privilegedaccessmanager.EntitlementApprovalWorkflowManualApprovalsArgs(
                    require_approver_justification=True,
                    steps=[gcp.privilegedaccessmanager.EntitlementApprovalWorkflowManualApprovalsStepArgs(
                        approvals_needed=args.approvals,
                        approvers=gcp.privilegedaccessmanager.EntitlementApprovalWorkflowManualApprovalsStepApproversArgs(
                            principals=list(args.eligible)))]))
        entitlement = gcp.privilegedaccessmanager.Entitlement(
            f"{name}-entitlement", entitlement_id=args.entitlement_id, location="global",
            parent=pulumi.Output.concat("projects/", args.project), max_request_duration=f"{args.max_session_s}s",
            eligible_users=[gcp.privilegedaccessmanager.EntitlementEligibleUserArgs(principals=list(args.eligible))],
            privileged_access=gcp.privilegedaccessmanager.EntitlementPrivilegedAccessArgs(
                gcp_iam_access=gcp.privilegedaccessmanager.EntitlementPrivilegedAccessGcpIamAccessArgs(
                    resource_type="cloudresourcemanager.googleapis.com/Project",
                    resource=pulumi.Output.concat("//cloudresourcemanager.googleapis.com/projects/", args.project),
                    role_bindings=[gcp.privilegedaccessmanager.EntitlementPrivilegedAccessGcpIamAccessRoleBindingArgs(role=role.name)])),
            requester_justification_config=gcp.privilegedaccessmanager.EntitlementRequesterJustificationConfigArgs(
                unstructured=gcp.privilegedaccessmanager.EntitlementRequesterJustificationConfigUnstructuredArgs()),
            approval_workflow=approval, opts=pulumi.ResourceOptions(parent=self, depends_on=[agent_role]),
        )
        gcp.monitoring.AlertPolicy(
            f"{name}-grant-alert", project=args.project, display_name=f"break-glass {args.entitlement_id} requested",
            combiner="OR", severity="CRITICAL", notification_channels=list(args.notification_channels),
            conditions=[gcp.monitoring.AlertPolicyConditionArgs(
                display_name="a grant of the break-glass entitlement was requested",
                condition_matched_log=gcp.monitoring.AlertPolicyConditionConditionMatchedLogArgs(filter=grant_filter(args.entitlement_id)))],
            alert_strategy=gcp.monitoring.AlertPolicyAlertStrategyArgs(
                notification_rate_limit=gcp.monitoring.AlertPolicyAlertStrategyNotificationRateLimitArgs(period="300s"),
                auto_close="86400s"),
            documentation=gcp.monitoring.AlertPolicyDocumentationArgs(
                mime_type="text/markdown", content="The break-glass DR entitlement was requested: confirm a declared disaster."),
            opts=child,
        )
        self.role_name, self.entitlement_name = role.name, entitlement.name
        self.register_outputs({"role_name": self.role_name, "entitlement_name": self.entitlement_name})

    def _pam_agent(self, name: str, args: BreakGlassArgs) -> gcp.projects.IAMMember:
        """PAM's service agent with the role it needs to write the grants' bindings on the project."""
        child = pulumi.ResourceOptions(parent=self)
        member: Any = args.service_agent_member
        if member is None:
            agent = gcp.projects.ServiceIdentity(f"{name}-pam-agent", project=args.project, service=PAM_SERVICE, opts=child)
            member = pulumi.Output.concat("serviceAccount:", agent.email)
        return gcp.projects.IAMMember(f"{name}-pam-agent-role", project=args.project, role=PAM_AGENT_ROLE, member=member, opts=child)
