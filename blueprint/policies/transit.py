"""Encryption in transit: TLS 1.2+ listeners, HTTP only as a redirect, TLS-only buckets and databases."""

from __future__ import annotations

import json
from typing import Any, Iterable, Optional

from blueprint.types import aws, gcp
from blueprint.policies.model import MANDATORY, S3_BUCKET_TYPES, Context, Resource, Rule, is_unknown, truthy

# Elastic Load Balancing security policies that negotiate TLS 1.2 or later only (ALB/NLB user
# guides, "Security policies": the TLS13-*, FS-1-2-* and TLS-1-2-* families). The 2025-09 PQ
# policies are what AWS recommends (ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09 is the console
# default); ELBSecurityPolicy-2016-08, the API default, allows TLS 1.0 and is refused.
ELB_TLS12_POLICIES: frozenset[str] = frozenset({
    # post-quantum hybrid key exchange, 2025-09
    "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09", "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09", "ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09", "ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09", "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-PQ-2025-09", "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
    # TLS 1.3 + 1.2, 2021-06 and FIPS 2023-04
    "ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06", "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04", "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04", "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04", "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
    # TLS 1.2 only
    "ELBSecurityPolicy-TLS-1-2-2017-01", "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
    "ELBSecurityPolicy-FS-1-2-2019-08", "ELBSecurityPolicy-FS-1-2-Res-2019-08", "ELBSecurityPolicy-FS-1-2-Res-2020-10",
})

LISTENER_TYPES = aws.LISTENER_TYPES


def check_listener(r: Resource, ctx: Context) -> Iterable[str]:
    protocol = r.props.get("protocol")
    if is_unknown(protocol):
        return
    protocol = str(protocol or "").upper()
    if protocol in ("HTTPS", "TLS"):
        policy = r.props.get("sslPolicy")
        if is_unknown(policy):
            return
        if policy not in ELB_TLS12_POLICIES:
            yield (f"{protocol} listener {r.name!r} uses security policy {policy!r}, not a TLS 1.2+ policy of the "
                   "allow-list (unset means ELBSecurityPolicy-2016-08, which allows TLS 1.0)")
    elif protocol == "HTTP":
        actions = r.props.get("defaultActions")
        if is_unknown(actions):
            return
        for i, action in enumerate(actions or []):
            action = action or {}
            if action.get("type") != "redirect" or str((action.get("redirect") or {}).get("protocol", "")).upper() != "HTTPS":
                yield (f"plain-HTTP listener {r.name!r} (port {r.props.get('port')}) serves traffic: defaultActions[{i}] "
                       f"is {action.get('type')!r}, only a redirect to HTTPS is allowed")
        if not actions:
            yield f"plain-HTTP listener {r.name!r} has no default action; it may only redirect to HTTPS"


def _statements(policy: Any) -> list[dict[str, Any]]:
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except json.JSONDecodeError:
            return []
    if not isinstance(policy, dict):
        return []
    statements = policy.get("Statement") or []
    return [s for s in (statements if isinstance(statements, list) else [statements]) if isinstance(s, dict)]


def denies_insecure_transport(policy: Any) -> bool:
    for s in _statements(policy):
        if s.get("Effect") != "Deny" or s.get("Principal") not in ("*", {"AWS": "*"}):
            continue
        actions = s.get("Action")
        actions = actions if isinstance(actions, list) else [actions]
        if not any(a in ("s3:*", "*") for a in actions):
            continue
        condition = (s.get("Condition") or {}).get("Bool") or {}
        if str(condition.get("aws:SecureTransport", "")).lower() == "false":
            return True
    return False


def check_bucket_tls(ctx: Context) -> Iterable[tuple[Optional[str], str]]:
    for bucket in ctx.of_type(*S3_BUCKET_TYPES):
        policies = ctx.for_bucket(bucket, aws.S3_BUCKET_POLICY)
        if any(is_unknown(p.props.get("policy")) for p in policies):
            continue
        if not any(denies_insecure_transport(p.props.get("policy")) for p in policies):
            where = f"its bucket policy {policies[0].name!r}" if policies else "it has no bucket policy, so it"
            yield (policies[0].urn if policies else bucket.urn), (
                f"bucket {bucket.name!r}: {where} does not deny requests without TLS "
                "(Deny s3:* to * when aws:SecureTransport is false)")


# Parameters that refuse unencrypted connections, by engine family (AWS RDS user guide: Aurora
# PostgreSQL rds.force_ssl=1; Aurora MySQL require_secure_transport=ON).
TLS_PARAMETERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "aurora-postgresql": ("rds.force_ssl", ("1",)),
    "postgres": ("rds.force_ssl", ("1",)),
    "aurora-mysql": ("require_secure_transport", ("ON", "1")),
    "mysql": ("require_secure_transport", ("ON", "1")),
    "mariadb": ("require_secure_transport", ("ON", "1")),
}


def _parameter_value(group: Resource, name: str) -> Any:
    for p in group.props.get("parameters") or []:
        if isinstance(p, dict) and p.get("name") == name:
            return p.get("value")
    return None


def check_database_tls(ctx: Context) -> Iterable[tuple[Optional[str], str]]:
    for kind, group_type, group_prop in ((aws.RDS_CLUSTER, aws.RDS_CLUSTER_PARAMETER_GROUP, "dbClusterParameterGroupName"),
                                         (aws.RDS_INSTANCE, aws.RDS_PARAMETER_GROUP, "parameterGroupName")):
        for db in ctx.of_type(kind):
            engine = str(db.props.get("engine") or "")
            if is_unknown(db.props.get("engine")) or engine not in TLS_PARAMETERS:
                continue
            parameter, values = TLS_PARAMETERS[engine]
            ref = db.props.get(group_prop)
            if is_unknown(ref):
                continue
            groups = [g for g in ctx.of_type(group_type)
                      if ref in (g.ident("name"), g.ident("id")) and g.region == db.region]
            if not ref or not groups:
                yield db.urn, (f"{engine} database {db.name!r} uses parameter group {ref or 'default'!r}, not one declared in "
                               f"this stack with {parameter}={values[0]}: unencrypted connections may be accepted")
                continue
            value = _parameter_value(groups[0], parameter)
            if is_unknown(value):
                continue
            if str(value).upper() not in values:
                yield groups[0].urn, (f"parameter group {groups[0].name!r} of {engine} database {db.name!r} sets "
                                      f"{parameter}={value!r}; it must be {values[0]} so only TLS connections are accepted")


def check_cloudsql_tls(r: Resource, ctx: Context) -> Iterable[str]:
    ip = r.get("settings", "ipConfiguration", default={}) or {}
    if is_unknown(ip):
        return
    mode = ip.get("sslMode")
    if is_unknown(mode):
        return
    if mode in ("ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED") or (mode is None and truthy(ip.get("requireSsl"))):
        return
    yield f"Cloud SQL instance {r.name!r} accepts unencrypted connections (settings.ipConfiguration.sslMode is {mode!r}; use ENCRYPTED_ONLY)"


def check_gcp_ssl_policy(r: Resource, ctx: Context) -> Iterable[str]:
    if r.type == gcp.COMPUTE_SSL_POLICY:
        profile, minimum = r.props.get("profile") or "COMPATIBLE", r.props.get("minTlsVersion") or "TLS_1_0"
        if is_unknown(profile) or is_unknown(minimum):
            return
        if profile not in ("MODERN", "RESTRICTED") or minimum not in ("TLS_1_2", "TLS_1_3"):
            yield f"SSL policy {r.name!r} is {profile} with minimum {minimum}; use MODERN or RESTRICTED with TLS_1_2"
    else:
        policy = r.props.get("sslPolicy")
        if not policy and not is_unknown(policy):
            yield f"HTTPS proxy {r.name!r} has no sslPolicy: Google's default COMPATIBLE profile allows TLS 1.0"


RULES = (
    Rule(
        id="tls-listener",
        description="HTTPS/TLS load-balancer listeners use a TLS 1.2+ security policy of the allow-list; plain-HTTP "
                    "listeners only redirect to HTTPS.",
        enforcement=MANDATORY,
        remediation="Set ssl_policy to ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09 (or another listed policy); make HTTP "
                    "listeners' default action a redirect with protocol HTTPS.",
        category="encryption-in-transit", scope="resource", check=check_listener, types=LISTENER_TYPES,
    ),
    Rule(
        id="tls-s3-bucket-policy",
        description="Every S3 bucket's policy denies requests that do not use TLS (aws:SecureTransport false).",
        enforcement=MANDATORY,
        remediation="Add a statement Effect Deny, Principal *, Action s3:*, Condition Bool aws:SecureTransport false "
                    "on the bucket and its objects.",
        category="encryption-in-transit", scope="stack", check=check_bucket_tls,
    ),
    Rule(
        id="tls-database",
        description="Databases accept TLS connections only: Aurora/RDS PostgreSQL rds.force_ssl=1, MySQL "
                    "require_secure_transport=ON, in a parameter group of the stack attached to the database.",
        enforcement=MANDATORY,
        remediation="Attach a (cluster) parameter group that sets rds.force_ssl=1 (PostgreSQL) or "
                    "require_secure_transport=ON (MySQL).",
        category="encryption-in-transit", scope="stack", check=check_database_tls,
    ),
    Rule(
        id="tls-cloudsql",
        description="Cloud SQL instances accept encrypted connections only.",
        enforcement=MANDATORY,
        remediation="settings.ip_configuration.ssl_mode = ENCRYPTED_ONLY (or TRUSTED_CLIENT_CERTIFICATE_REQUIRED).",
        category="encryption-in-transit", scope="resource", check=check_cloudsql_tls,
        types=(gcp.SQL_DATABASE_INSTANCE,),
    ),
    Rule(
        id="tls-gcp-ssl-policy",
        description="GCP HTTPS load balancers use an SSL policy with the MODERN or RESTRICTED profile and TLS 1.2 minimum.",
        enforcement=MANDATORY,
        remediation="Create a gcp.compute.SSLPolicy(profile='MODERN', min_tls_version='TLS_1_2') and set it on the target HTTPS proxy.",
        category="encryption-in-transit", scope="resource", check=check_gcp_ssl_policy,
        types=(gcp.COMPUTE_SSL_POLICY, gcp.COMPUTE_TARGET_HTTPS_PROXY),
    ),
)
