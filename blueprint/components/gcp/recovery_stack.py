"""The GCP composer's stack-wide recovery controls (issue 18, part 2), as the strictest tier asks
(blueprint.catalogs.recovery_stack via blueprint.footprint.stack_recovery): the audit logs routed to a
locked bucket in the primary region (the jurisdiction's), and the break-glass PAM entitlement when the
stack names who may request it (``blueprint:breakGlassPrincipals``; without them nobody could, so none
is created)."""

from __future__ import annotations

from typing import Any, Optional

import pulumi

from blueprint.catalogs.recovery_stack import RecoveryStackSpec
from blueprint.components.gcp.audit_log_sink import AuditLogSink, AuditLogSinkArgs
from blueprint.components.gcp.break_glass import BreakGlass, BreakGlassArgs


def build(env: str, project: Any, spec: Optional[RecoveryStackSpec], primary: str, key_id: Any, principals: tuple[str, ...],
          channel_id: Any, opts: pulumi.ResourceOptions) -> tuple[Optional[AuditLogSink], Optional[BreakGlass]]:
    if spec is None:
        return None, None
    sink = None
    if spec.audit_trail:
        sink = AuditLogSink(
            f"{env}-audit-sink",
            AuditLogSinkArgs(sink_name=f"{env}-audit-logs", region=primary, kms_key_id=key_id, project=project,
                             lock_mode=spec.audit_lock_mode.value, retention_days=spec.audit_retention_days,
                             labels={"blueprint-purpose": "audit-logs"}),
            opts,
        )
    glass = None
    if spec.break_glass and principals:
        glass = BreakGlass(
            f"{env}-break-glass",
            BreakGlassArgs(project=project, entitlement_id=f"{env}-break-glass-dr", role_id=f"blueprintBreakGlass_{env.replace('-', '_')}",
                           eligible=principals, max_session_s=spec.session_s, approvals=spec.approvals,
                           notification_channels=[channel_id]),
            opts,
        )
    return sink, glass
