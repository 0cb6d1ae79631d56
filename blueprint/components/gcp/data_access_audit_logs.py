"""DataAccessAuditLogs: Cloud Audit Logs Data Access logging for the services holding the data.

Admin Activity audit logs are always on; Data Access audit logs (who read or wrote user data, who
read configuration) are off by default for most services and must be enabled per project and
service (Cloud Logging "Enable Data Access audit logs"; CIS Google Cloud benchmark 2.1 wants
DATA_READ and DATA_WRITE). This component enables them for:

* ``storage.googleapis.com``: every object read and write of the backup buckets. Cloud Storage
  recommends Cloud Audit Logs over bucket usage logs ("Should you use usage logs or Cloud Audit
  Logs?": continuous delivery within seconds, every service, easier to query), which is why the
  backup buckets have no ``logging`` block (checkov CKV_GCP_62 suppression).
* ``cloudsql.googleapis.com``: the pgAudit entries of the PostgreSQL instances reach Cloud Logging
  as Cloud SQL Data Access audit logs, so pgAudit needs this (Cloud SQL "Audit for PostgreSQL using
  pgAudit", view the logs).

The entries are kept in the project's ``_Default`` log bucket for its retention (30 days) unless
routed on: the composer's ``AuditLogSink`` (blueprint/components/gcp/audit_log_sink.py, issue 18)
routes every audit log, these Data Access entries included, into a retention-locked CMEK bucket.

``gcp.projects.IAMAuditConfig`` is authoritative for one service's audit configuration in the
project: run one DataAccessAuditLogs per project (the platform's), never alongside another tool
managing the same service's audit config.

Children (component named ``n``): ``n-<service>`` gcp.projects.IAMAuditConfig per service, named by
the service's first label (``n-storage``, ``n-cloudsql``; ``allServices`` -> ``n-all-services``).
Attributes: ``services`` (tuple of service names).
"""

from __future__ import annotations

import re
from typing import Any, Optional

import pulumi
import pulumi_gcp as gcp
from pydantic import BaseModel, ConfigDict, Field, field_validator

# The services blueprint stores data in: GCS (backup vaults) and Cloud SQL (pgAudit, data access).
DEFAULT_SERVICES = ("storage.googleapis.com", "cloudsql.googleapis.com")
# Every Data Access log type (IAMAuditConfig log_type: DATA_READ, DATA_WRITE or ADMIN_READ).
LOG_TYPES = ("ADMIN_READ", "DATA_READ", "DATA_WRITE")
_SERVICE = re.compile(r"^([a-z][a-z0-9-]*\.)+googleapis\.com$")
_MEMBER = re.compile(r"^(user|serviceAccount|group|domain):[^\s]+$")


class DataAccessAuditLogsArgs(BaseModel):
    """Which services of the project log Data Access audit entries, and of which types."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    project: Optional[Any] = Field(
        default=None,
        description="pulumi.Input[str]: project id. Default None: the project of the component's provider (gcp:project).",
    )
    services: tuple[str, ...] = Field(
        default=DEFAULT_SERVICES,
        description="Services to log, e.g. 'storage.googleapis.com', or 'allServices'. Default storage + cloudsql: the "
        "services holding blueprint's data (backup buckets; Cloud SQL, where pgAudit entries are Data Access logs).",
    )
    log_types: tuple[str, ...] = Field(
        default=LOG_TYPES,
        description="Data Access log types: ADMIN_READ, DATA_READ, DATA_WRITE. Default all three (CIS GCP 2.1: reads and "
        "writes of user data; configuration reads).",
    )
    exempted_members: tuple[str, ...] = Field(
        default=(),
        description="Identities not logged (e.g. 'serviceAccount:...' of a high-volume reader). Default none: CIS GCP 2.1 "
        "wants no exemptions.",
    )

    @field_validator("services")
    @classmethod
    def _services(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if not v:
            raise ValueError("services: empty; list at least one service, e.g. 'storage.googleapis.com'")
        for s in v:
            if s != "allServices" and not _SERVICE.match(s):
                raise ValueError(f"services: {s!r} is not a Google API service name; use e.g. 'storage.googleapis.com' "
                                 "or 'allServices'")
        if len(set(v)) != len(v):
            raise ValueError(f"services: {list(v)} lists a service twice; IAMAuditConfig is one per service")
        if "allServices" in v and len(v) > 1:
            raise ValueError(f"services: {list(v)} mixes 'allServices' with single services; use one or the other")
        return tuple(v)

    @field_validator("log_types")
    @classmethod
    def _log_types(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if not v:
            raise ValueError(f"log_types: empty; choose from {', '.join(LOG_TYPES)}")
        for t in v:
            if t not in LOG_TYPES:
                raise ValueError(f"log_types: {t!r} is not a Data Access log type; choose from {', '.join(LOG_TYPES)}")
        if len(set(v)) != len(v):
            raise ValueError(f"log_types: {list(v)} lists a type twice")
        return tuple(v)

    @field_validator("exempted_members")
    @classmethod
    def _members(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for m in v:
            if not _MEMBER.match(m):
                raise ValueError(f"exempted_members: {m!r} is not an IAM member; use 'user:', 'serviceAccount:', "
                                 "'group:' or 'domain:' followed by the identity")
        return tuple(v)


def _child_suffix(service: str) -> str:
    return "all-services" if service == "allServices" else service.split(".")[0]


class DataAccessAuditLogs(pulumi.ComponentResource):
    """Data Access audit logs (Cloud Audit Logs) for the project's data services."""

    def __init__(self, name: str, args: DataAccessAuditLogsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("blueprint:gcp:DataAccessAuditLogs", name, None, opts)
        project = args.project
        if project is None:
            project = gcp.organizations.get_project_output(opts=pulumi.InvokeOutputOptions(parent=self)).project_id
        configs = [
            gcp.projects.IAMAuditConfigAuditLogConfigArgs(log_type=t, exempted_members=list(args.exempted_members) or None)
            for t in args.log_types
        ]
        for service in args.services:
            gcp.projects.IAMAuditConfig(
                f"{name}-{_child_suffix(service)}",
                project=project,
                service=service,
                audit_log_configs=configs,
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.services: tuple[str, ...] = args.services
        self.register_outputs({"services": list(args.services)})
