"""The AWS composer's stack-wide recovery controls (issue 18, part 2): the break-glass DR role and the
audit trail, as the strictest tier asks (blueprint.catalogs.recovery_stack via
blueprint.footprint.stack_recovery).

Order: the role exists before the clusters (each grants it cluster admin through an access entry,
which needs the principal to exist), but its alarm reads the audit trail's log group and its policy the
vault ARNs, which exist only after every workload: those inputs are deferred outputs resolved by
``finish`` (the composer's last step), so no resource waits on one created after it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import pulumi
import pulumi_aws as aws

from blueprint.catalogs.recovery_stack import RecoveryStackSpec
from blueprint.components.aws.audit_trail import AuditTrail, AuditTrailArgs
from blueprint.components.aws.break_glass_alarm import BreakGlassAlarm, BreakGlassAlarmArgs
from blueprint.components.aws.break_glass_role import BreakGlassRole, BreakGlassRoleArgs


@dataclass
class StackRecovery:
    """What the composer keeps between steps: the role, the resolvers of its deferred inputs, the vault ARNs."""

    spec: RecoveryStackSpec
    role: Optional[BreakGlassRole] = None
    resolvers: list[Callable[[Any], None]] = field(default_factory=list)
    vault_arns: list[Any] = field(default_factory=list)
    # Per region of the stack: the alarm on the role's assumptions there (break_glass_alarm.py).
    alarms: dict[str, BreakGlassAlarm] = field(default_factory=dict)


def break_glass(env: str, spec: Optional[RecoveryStackSpec], regions: list[str], principals: tuple[str, ...],
                provider: aws.Provider, hosted_zone_id: Any = None,
                regional_providers: Optional[dict[str, aws.Provider]] = None) -> Optional[StackRecovery]:
    """The stack's break-glass role (created first) and its alarm in each of ``regional_providers``' regions
    (the stack's), or None when no tier asks for one."""
    if spec is None:
        return None
    recovery = StackRecovery(spec)
    if not spec.break_glass:
        return recovery
    group, resolve_group = pulumi.deferred_output()
    topic, resolve_topic = pulumi.deferred_output()
    vaults, resolve_vaults = pulumi.deferred_output()
    recovery.resolvers = [resolve_group, resolve_topic, resolve_vaults]
    recovery.role = BreakGlassRole(
        f"{env}-break-glass",
        BreakGlassRoleArgs(role_name=f"{env}-break-glass-dr", regions=tuple(regions), trusted_principal_arns=principals,
                           max_session_s=spec.session_s, mfa_max_age_s=spec.mfa_max_age_s, vault_bucket_arns=[vaults],
                           audit_log_group_name=group, alarm_topic_arn=topic, tags={"blueprint:purpose": "break-glass"},
                           # Its writes name the stack's own databases (<env>-<workload>), secrets (<env>/...)
                           # and DNS zone only.
                           environment=env, hosted_zone_ids=[hosted_zone_id] if hosted_zone_id is not None else []),
        pulumi.ResourceOptions(providers=[provider]),
    )
    # Every use pages while any one region is up: the role is assumable only through these regions' STS
    # endpoints, and each region's alarm hears the assumptions recorded there (break_glass_alarm.py).
    role_name = f"{env}-break-glass-dr"
    recovery.alarms = {
        region: BreakGlassAlarm(
            f"{env}-break-glass-{region}",
            BreakGlassAlarmArgs(role_arn=recovery.role.arn, rule_name=f"{role_name}-assumed", topic_name=f"{role_name}-alarm",
                                tags={"blueprint:purpose": "break-glass"}),
            pulumi.ResourceOptions(providers=[regional]),
        )
        for region, regional in (regional_providers or {}).items()
    }
    return recovery


def finish(env: str, recovery: Optional[StackRecovery], platform: Any, provider: aws.Provider) -> Optional[AuditTrail]:
    """The audit trail in the primary region (``platform``), and the role's deferred inputs resolved."""
    if recovery is None:
        return None
    trail = None
    if recovery.spec.audit_trail:
        trail = AuditTrail(
            f"{env}-audit",
            AuditTrailArgs(trail_name=f"{env}-audit", lock_mode=recovery.spec.audit_lock_mode.value,
                           retention_days=recovery.spec.audit_retention_days, data_event_bucket_arns=list(recovery.vault_arns),
                           access_log_bucket=platform.access_logs.bucket if platform.access_logs is not None else None,
                           cloudwatch_logs_kms_key_arn=platform.key.arn, log_group_name=f"/blueprint/{env}/cloudtrail", log_retention_days=recovery.spec.audit_retention_days,
                           tags={"blueprint:purpose": "audit-trail"}),
            pulumi.ResourceOptions(providers=[provider]),
        )
    if recovery.resolvers:
        resolve_group, resolve_topic, resolve_vaults = recovery.resolvers
        if trail is None or platform.alarm_topic is None:
            raise ValueError("break glass: every assumption is alarmed through the audit trail and the primary region's alarm "
                             "topic; the stack's strictest tier must ask for the audit trail too (blueprint.catalogs.recovery_stack)")
        resolve_group(trail.log_group_name)
        resolve_topic(platform.alarm_topic.arn)
        resolve_vaults(pulumi.Output.all(*recovery.vault_arns))
    return trail
