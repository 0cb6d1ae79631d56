"""AuditLogSink (audit logs -> locked CMEK bucket, writer identity scoped to it) and BreakGlass (custom role,
time-bound PAM entitlement, approval by tier, alert on every grant); defaults and failures."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from blueprint.components.gcp.audit_log_sink import AUDIT_LOG_FILTER, AuditLogSink, AuditLogSinkArgs
from blueprint.components.gcp.break_glass import PERMISSIONS, BreakGlass, BreakGlassArgs, grant_filter
from blueprint.plan.engine import plan_program

KEY = "projects/acme/locations/europe-west4/keyRings/r/cryptoKeys/k"
CONFIG = {"gcp:project": "acme", "gcp:region": "europe-west4"}
CHANNEL = "projects/acme/notificationChannels/123"


def _sink(**over):
    args = AuditLogSinkArgs(**{"sink_name": "prod-audit-logs", "region": "europe-west4", "kms_key_id": KEY, "project": "acme", **over})
    return plan_program(lambda: AuditLogSink("audit", args), stack="test", config=CONFIG)


def _glass(**over):
    args = BreakGlassArgs(**{"project": "acme", "entitlement_id": "prod-break-glass-dr", "role_id": "blueprintBreakGlass_prod",
                             "eligible": ("group:dr@example.com",), "notification_channels": [CHANNEL], **over})
    return plan_program(lambda: BreakGlass("bg", args), stack="test", config=CONFIG)


def test_sink_defaults():
    args = AuditLogSinkArgs(sink_name="s", region="europe-west4", kms_key_id=KEY)
    assert (args.lock_mode, args.retention_days) == ("COMPLIANCE", 365)


def test_audit_logs_into_a_locked_cmek_bucket():
    plan = _sink()
    sink = plan.named("audit-sink").inputs
    assert sink["filter"] == AUDIT_LOG_FILTER == 'logName:"cloudaudit.googleapis.com"' and sink["uniqueWriterIdentity"] is True
    bucket = plan.named("audit-bucket-bucket")
    assert sink["destination"] == f"storage.googleapis.com/{bucket.outputs['name']}"
    assert bucket.inputs["retentionPolicy"]["isLocked"] is True and bucket.inputs["retentionPolicy"]["retentionPeriod"] == str(365 * 86400)
    assert bucket.inputs["encryption"]["defaultKmsKeyName"] == KEY and bucket.inputs["location"] == "EUROPE-WEST4"
    writer = plan.named("audit-writer").inputs
    assert writer["role"] == "roles/storage.objectCreator" and writer["bucket"] == bucket.outputs["name"]
    assert writer["member"].endswith("@gcp-sa-logging.iam.gserviceaccount.com")


def test_governance_tier_leaves_the_policy_unlocked():
    bucket = _sink(lock_mode="GOVERNANCE", retention_days=180).named("audit-bucket-bucket").inputs
    assert bucket["retentionPolicy"]["isLocked"] is False and bucket["retentionPolicy"]["retentionPeriod"] == str(180 * 86400)


@pytest.mark.parametrize("field, value", [("sink_name", "bad name"), ("retention_days", 0), ("region", "mars-1")])
def test_fails_invalid_sink_args(field, value):
    with pytest.raises(ValidationError, match=field):
        AuditLogSinkArgs(**{"sink_name": "s", "region": "europe-west4", "kms_key_id": KEY, field: value})


def test_break_glass_defaults():
    args = BreakGlassArgs(project="p", entitlement_id="prod-bg-dr", role_id="bgRole", eligible=("group:a@b.c",))
    assert (args.max_session_s, args.approvals, args.notification_channels) == (3600, 1, [])


def test_entitlement_time_bound_justified_approved():
    plan = _glass()
    role = plan.named("bg-role").inputs
    assert role["permissions"] == list(PERMISSIONS) and "cloudsql.instances.failover" in role["permissions"]
    assert not any(p.endswith((".setIamPolicy", ".delete")) for p in role["permissions"])
    ent = plan.named("bg-entitlement").inputs
    assert ent["maxRequestDuration"] == "3600s" and ent["location"] == "global" and ent["parent"] == "projects/acme"
    assert ent["eligibleUsers"] == [{"principals": ["group:dr@example.com"]}]
    assert ent["privilegedAccess"]["gcpIamAccess"]["roleBindings"] == [{"role": "projects/acme/roles/blueprintBreakGlass_prod"}]
    assert ent["requesterJustificationConfig"] == {"unstructured": {}}
    step = ent["approvalWorkflow"]["manualApprovals"]["steps"][0]
    assert step["approvalsNeeded"] == 1 and step["approvers"]["principals"] == ["group:dr@example.com"]


def test_mission_critical_needs_no_approval_but_is_alerted():
    plan = _glass(approvals=0)
    assert "approvalWorkflow" not in plan.named("bg-entitlement").inputs
    alert = plan.named("bg-grant-alert").inputs
    assert alert["conditions"][0]["conditionMatchedLog"]["filter"] == grant_filter("prod-break-glass-dr")
    assert "CreateGrant" in grant_filter("x") and alert["notificationChannels"] == [CHANNEL]
    assert alert["alertStrategy"]["notificationRateLimit"] == {"period": "300s"}


@pytest.mark.parametrize("field, value", [("entitlement_id", "Bad_Id"), ("eligible", ("dr@example.com",)), ("eligible", ()),
                                          ("max_session_s", 60), ("approvals", 2), ("role_id", "a")])
def test_fails_invalid_break_glass_args(field, value):
    base = {"project": "p", "entitlement_id": "prod-bg-dr", "role_id": "bgRole", "eligible": ("group:a@b.c",)}
    with pytest.raises(ValidationError, match=field):
        BreakGlassArgs(**{**base, field: value})


def test_pam_service_agent_holds_its_role_before_the_entitlement():
    """Review finding 3: PAM cannot write a grant's binding until its service agent holds the project service agent role."""
    plan = _glass()
    agent = plan.named("bg-pam-agent").inputs
    assert agent["service"] == "privilegedaccessmanager.googleapis.com"
    grant = plan.named("bg-pam-agent-role")
    assert grant.inputs["role"] == "roles/privilegedaccessmanager.projectServiceAgent" and grant.inputs["project"] == "acme"
    assert grant.inputs["member"].startswith("serviceAccount:service-") and grant.inputs["member"].endswith("@gcp-sa-pam.iam.gserviceaccount.com")
    assert grant.urn in plan.named("bg-entitlement").dependencies


def test_organization_pam_agent_is_granted_as_given():
    member = "serviceAccount:service-org-123456789@gcp-sa-pam.iam.gserviceaccount.com"
    plan = _glass(service_agent_member=member)
    assert plan.named("bg-pam-agent-role").inputs["member"] == member
    assert not [r for r in plan.resources if r.name == "bg-pam-agent"]


def test_fails_a_service_agent_member_that_is_not_pams():
    base = {"project": "p", "entitlement_id": "prod-bg-dr", "role_id": "bgRole", "eligible": ("group:a@b.c",)}
    with pytest.raises(ValidationError, match="service_agent_member"):
        BreakGlassArgs(**base, service_agent_member="user:a@b.c")


def test_rebuild_can_describe_secrets():
    """Review finding 9: the rebuild's `gcloud secrets describe` needs secretmanager.secrets.get."""
    assert "secretmanager.secrets.get" in PERMISSIONS
