"""DataAccessAuditLogs: Data Access audit logs for storage + Cloud SQL by default; validation."""

from __future__ import annotations

import pulumi
import pulumi_gcp as gcp
import pytest
from pydantic import ValidationError

from blueprint.plan.engine import plan_program
from blueprint.components.gcp.data_access_audit_logs import DEFAULT_SERVICES, DataAccessAuditLogs, DataAccessAuditLogsArgs

CONFIG = {"gcp:project": "acme-ml-prod", "gcp:region": "europe-west4"}
TYPE = "gcp:projects/iAMAuditConfig:IAMAuditConfig"


def _plan(**overrides):
    out: dict = {}

    def program() -> None:
        provider = gcp.Provider("gcp", project="acme-ml-prod", region="europe-west4")
        out["c"] = DataAccessAuditLogs("audit", DataAccessAuditLogsArgs(**overrides), pulumi.ResourceOptions(provider=provider))

    return plan_program(program, stack="test", config=CONFIG), out


@pytest.fixture(scope="module")
def planned():
    return _plan()


def test_storage_and_cloudsql_by_default_every_log_type_no_exemptions(planned):
    plan, out = planned
    assert DEFAULT_SERVICES == ("storage.googleapis.com", "cloudsql.googleapis.com")
    configs = {r.name: r.inputs for r in plan.of_type(TYPE)}
    assert set(configs) == {"audit-storage", "audit-cloudsql"}
    assert configs["audit-storage"]["service"] == "storage.googleapis.com"
    assert configs["audit-cloudsql"]["service"] == "cloudsql.googleapis.com"
    for inputs in configs.values():
        # The provider's project (getProject invoke) when no project is given.
        assert inputs["project"] == "acme-ml-prod"
        assert inputs["auditLogConfigs"] == [{"logType": "ADMIN_READ"}, {"logType": "DATA_READ"}, {"logType": "DATA_WRITE"}]
    assert out["c"].services == DEFAULT_SERVICES


def test_children_parented(planned):
    plan, _ = planned
    for r in plan.of_type(TYPE):
        assert r.parent and r.parent.endswith("blueprint:gcp:DataAccessAuditLogs::audit")


def test_all_services_explicit_project_and_exemptions():
    plan, _ = _plan(project="other-proj", services=("allServices",), log_types=("DATA_WRITE",),
                    exempted_members=("serviceAccount:reader@other-proj.iam.gserviceaccount.com",))
    inputs = plan.named("audit-all-services").inputs
    assert inputs["project"] == "other-proj" and inputs["service"] == "allServices"
    assert inputs["auditLogConfigs"] == [
        {"logType": "DATA_WRITE", "exemptedMembers": ["serviceAccount:reader@other-proj.iam.gserviceaccount.com"]}
    ]


@pytest.mark.parametrize("kwargs,match", [
    ({"services": ()}, "services: empty"),
    ({"services": ("storage",)}, "services: 'storage' is not a Google API service name"),
    ({"services": ("storage.googleapis.com", "storage.googleapis.com")}, "services: .* twice"),
    ({"services": ("allServices", "storage.googleapis.com")}, "services: .* mixes 'allServices'"),
    ({"log_types": ("DATA_DELETE",)}, "log_types: 'DATA_DELETE' is not a Data Access log type"),
    ({"log_types": ()}, "log_types: empty"),
    ({"exempted_members": ("alice@example.com",)}, "exempted_members: 'alice@example.com' is not an IAM member"),
    ({"unknown": 1}, "unknown"),
])
def test_fails_invalid_args(kwargs, match):
    with pytest.raises(ValidationError, match=match):
        DataAccessAuditLogsArgs(**kwargs)
