"""The GCP composer's stack-wide recovery controls (issue 18, part 2), as the strictest tier asks
(blueprint.catalogs.recovery_stack via blueprint.footprint.stack_recovery): the audit logs routed to a
locked bucket in the primary region (the jurisdiction's), and the break-glass PAM entitlement when the
stack names who may request it (``blueprint:breakGlassPrincipals``; without them nobody could, so none
is created).

The grant alert notifies the stack's alert channel AND, with a second region, a channel whose Pub/Sub topic
stores messages in that region (``standby_channel``): the stack's channel keeps messages only in the
primary region with the primary's CMEK key, so a grant requested while the primary is lost (exactly when
break-glass is used) would notify nobody through it alone. PAM (location ``global``), its Admin Activity
audit logs and Cloud Monitoring's log-based alerting are not tied to either region."""

from __future__ import annotations

from typing import Any, Callable, Optional

import pulumi

from blueprint.catalogs.recovery_stack import RecoveryStackSpec
from blueprint.components.gcp.audit_log_sink import AuditLogSink, AuditLogSinkArgs
from blueprint.components.gcp.break_glass import BreakGlass, BreakGlassArgs


def build(env: str, project: Any, spec: Optional[RecoveryStackSpec], primary: str, key_id: Any, principals: tuple[str, ...],
          channel_id: Any, opts: pulumi.ResourceOptions,
          standby_channel: Optional[Callable[[], Any]] = None) -> tuple[Optional[AuditLogSink], Optional[BreakGlass]]:
    """``standby_channel`` creates the second region's channel (its id) when the entitlement is built."""
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
                           notification_channels=[channel_id, *([standby_channel()] if standby_channel else [])]),
            opts,
        )
    return sink, glass
