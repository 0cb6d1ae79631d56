"""Audit logs kept where nobody can delete them, and break-glass access through PAM, composed by hand.

Components: AuditLogSink, BreakGlass (blueprint.components.gcp).

A log sink that routes the project's audit logs into a CMEK bucket in the primary region whose
retention policy is locked (COMPLIANCE); and the DR operator's access: a least-privilege custom
role granted only through a Privileged Access Manager entitlement (time-bound, justified, approved
by another eligible operator), with an alert on every grant. Run it as a Pulumi program's
__main__.py, or plan it offline (examples/README.md).
"""

import pulumi
import pulumi_gcp as gcp

from blueprint.components.gcp.audit_log_sink import AuditLogSink, AuditLogSinkArgs
from blueprint.components.gcp.break_glass import BreakGlass, BreakGlassArgs

PROJECT, REGION = "acme-ml-prod", "europe-west4"
KEY = f"projects/{PROJECT}/locations/{REGION}/keyRings/ml-{REGION}/cryptoKeys/data"  # KmsKey(...).id of your stack

here = pulumi.ResourceOptions(provider=gcp.Provider("gcp", project=PROJECT, region=REGION))
AuditLogSink("audit", AuditLogSinkArgs(sink_name="team-audit-logs", region=REGION, kms_key_id=KEY,
                                       labels={"team": "ml-platform"}), here)
BreakGlass(
    "break-glass",
    BreakGlassArgs(project=PROJECT, entitlement_id="team-break-glass-dr", role_id="blueprintBreakGlassTeam",
                   eligible=("group:dr-operators@example.com",)),
    here,
)
