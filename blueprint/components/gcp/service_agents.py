"""The project's Google-managed service agents, from the provider's lookups instead of hand-built emails.

A service agent exists only once its service has created it (often lazily, on first use); an IAM
grant to an agent that does not exist yet fails ("Service account ... does not exist"). So every
agent blueprint grants something to comes from a lookup that also *creates* it when missing, and
grants depend on that lookup:

    agent     lookup                                                      used for
    gke       gcp.projects.ServiceIdentity("container.googleapis.com")    CMEK of GKE secrets (database_encryption)
    cloudsql  gcp.projects.ServiceIdentity("sqladmin.googleapis.com")     CMEK of Cloud SQL instances
    pubsub    gcp.projects.ServiceIdentity("pubsub.googleapis.com")       CMEK topics, dead-letter grants
    monitoring gcp.projects.ServiceIdentity("monitoring.googleapis.com")  publishes alerts to the Pub/Sub channel
    gcs       gcp.storage.get_project_service_account (invoke)            CMEK default key of the vault buckets
    compute   none: see below                                            CMEK boot disks of GKE nodes

(Storage Transfer Service's agent comes from gcp.storage.get_transfer_project_service_account in
VaultReplication.) ServiceIdentity is Service Usage's ``services.generateServiceIdentity``
(Terraform ``google_project_service_identity``, google-beta); it returns no email for
``storage.googleapis.com`` (hashicorp/terraform-provider-google#18649), hence the Cloud Storage
invoke, which returns the agent and creates it on first call. Which API owns which agent:
GoogleCloudPlatform/cloud-foundation-fabric ``modules/project/service-agents.yaml`` (container ->
container-engine-robot, sqladmin -> gcp-sa-cloud-sql, pubsub -> gcp-sa-pubsub, monitoring ->
gcp-sa-monitoring-notification).

The Compute Engine service agent (``service-<number>@compute-system.iam.gserviceaccount.com``) has no
lookup: ``generateServiceIdentity`` refuses compute.googleapis.com
(terraform-google-modules/terraform-google-project-factory#628) and no provider data source returns
it. Google creates it when the Compute Engine API is enabled (a GKE cluster cannot exist without
it), so it is the one email built from the project number (``compute_service_agent``).
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_gcp as gcp

# Service Usage APIs whose agents blueprint grants roles to (ServiceIdentity's `service`).
SERVICE_IDENTITIES = {
    "gke": "container.googleapis.com",
    "cloudsql": "sqladmin.googleapis.com",
    "pubsub": "pubsub.googleapis.com",
    "monitoring": "monitoring.googleapis.com",
}


def compute_service_agent(project_number: str | int) -> str:
    """The Compute Engine service agent of a project (the only agent with no provider lookup)."""
    number = str(project_number)
    if not number.isdigit():
        raise ValueError(f"project_number: {project_number!r} is not a project number; pass the numeric "
                         "gcp.organizations.get_project().number, not the project id")
    return f"service-{number}@compute-system.iam.gserviceaccount.com"


def project_service_agents(prefix: str, project: str, project_number: Any, provider: gcp.Provider) -> dict[str, Any]:
    """Emails (Outputs) of the agents above: ``{"gke", "compute", "cloudsql", "gcs", "pubsub",
    "monitoring"}``. ``prefix`` starts the ServiceIdentity names (``<prefix>-<role>-agent``);
    ``provider`` is the project's provider (any region: the agents are project-wide)."""
    opts = pulumi.ResourceOptions(providers=[provider])
    agents: dict[str, Any] = {
        role: gcp.projects.ServiceIdentity(f"{prefix}-{role}-agent", project=project, service=service, opts=opts).email
        for role, service in SERVICE_IDENTITIES.items()
    }
    agents["gcs"] = gcp.storage.get_project_service_account_output(
        project=project, opts=pulumi.InvokeOutputOptions(provider=provider)).email_address
    agents["compute"] = pulumi.Output.from_input(project_number).apply(compute_service_agent)
    return agents
