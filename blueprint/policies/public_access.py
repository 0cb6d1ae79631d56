"""Public access: no bucket, key, topic, queue, secret or database is open to everyone.

The controls checkov also runs (docs/policies.md, "Own rules and checkov"), held here so that
``blueprint check --skip-checkov`` and CrossGuard enforce them too:

* ``exposure-bucket-public-access``: every S3 bucket has a BucketPublicAccessBlock with all four
  settings true and BucketOwnershipControls ``BucketOwnerEnforced`` (ACLs disabled), and no ACL
  grants to everyone (canned ``public-read``, ``public-read-write``, ``authenticated-read``, or a
  grant to the AllUsers / AuthenticatedUsers groups: S3 user guide, "Access control list (ACL)
  overview", canned ACLs and Amazon S3 predefined groups); every GCS bucket has
  ``publicAccessPrevention: enforced`` and ``uniformBucketLevelAccess`` (pulumi_gcp storage/bucket.py).
* ``exposure-wildcard-principal``: no resource policy (bucket, key, topic, queue, repository, secret
  policies, role trust policies) allows ``"*"`` without a condition naming the caller's account,
  organization, source ARN or network (the IAM global condition keys ``aws:SourceAccount``,
  ``aws:SourceArn``, ``aws:SourceOwner``, ``aws:PrincipalAccount``, ``aws:PrincipalOrgID``,
  ``aws:PrincipalOrgPaths``, ``aws:PrincipalArn``, ``aws:SourceVpc``, ``aws:SourceVpce``; IAM user
  guide, "AWS global condition context keys"); no GCP IAM member or binding grants ``allUsers`` or
  ``allAuthenticatedUsers`` (Cloud IAM, "Principal identifiers").
* ``exposure-database-public``: Aurora/RDS instances are not ``publiclyAccessible``; Cloud SQL has
  no public IPv4 address (``settings.ipConfiguration.ipv4Enabled`` false; CloudSqlDatabase uses
  private IP only) and no public ``authorizedNetworks``.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Optional

from blueprint.types import aws, gcp
from blueprint.policies.model import MANDATORY, S3_BUCKET_TYPES, Context, Resource, Rule, is_unknown, truthy
from blueprint.policies.network import is_public

PUBLIC_CANNED_ACLS = ("public-read", "public-read-write", "authenticated-read")
PUBLIC_GRANTEES = ("http://acs.amazonaws.com/groups/global/AllUsers",
                   "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")
PAB_SETTINGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
RESTRICTING_CONDITION_KEYS = frozenset(k.lower() for k in (
    "aws:SourceAccount", "aws:SourceArn", "aws:SourceOwner", "aws:PrincipalAccount", "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths", "aws:PrincipalArn", "aws:SourceVpc", "aws:SourceVpce",
    # KMS's own key for the calling account (AWS KMS developer guide, "kms:CallerAccount"), as AWS managed keys use.
    "kms:CallerAccount"))
PUBLIC_MEMBERS = ("allUsers", "allAuthenticatedUsers")

# Resource policies, by type: the input that holds the JSON policy document.
POLICY_INPUTS: dict[str, str] = {
    aws.S3_BUCKET_POLICY: "policy", aws.KMS_KEY: "policy", aws.SNS_TOPIC_POLICY: "policy", aws.SNS_TOPIC: "policy",
    aws.SQS_QUEUE_POLICY: "policy", aws.SQS_QUEUE: "policy", aws.ECR_REPOSITORY_POLICY: "policy",
    aws.SECRETSMANAGER_SECRET_POLICY: "policy", aws.IAM_ROLE: "assumeRolePolicy",
}
# Every GCP IAM member / binding type the registry knows (their Terraform types end so).
GCP_IAM_TYPES = tuple(sorted(t for t, tf in gcp.TERRAFORM.items() if tf.endswith(("_iam_member", "_iam_binding"))))


# ---- buckets -------------------------------------------------------------------------------------

def _s3_public_access_block(bucket: Resource, ctx: Context) -> Iterable[tuple[Optional[str], str]]:
    blocks = ctx.for_bucket(bucket, aws.S3_BUCKET_PUBLIC_ACCESS_BLOCK)
    if not blocks:
        yield bucket.urn, (f"bucket {bucket.name!r} has no BucketPublicAccessBlock: a public ACL or policy would take "
                           f"effect; add one with {', '.join(PAB_SETTINGS)} true")
    for block in blocks:
        off = [k for k in PAB_SETTINGS if not is_unknown(block.props.get(k)) and truthy(block.props.get(k)) is not True]
        if off:
            yield block.urn, (f"BucketPublicAccessBlock {block.name!r} of bucket {bucket.name!r}: "
                              f"{', '.join(f'{k}={block.props.get(k)!r}' for k in off)}; all four settings must be true")


def _s3_acls(bucket: Resource, ctx: Context) -> Iterable[tuple[Optional[str], str]]:
    controls = ctx.for_bucket(bucket, aws.S3_BUCKET_OWNERSHIP_CONTROLS)
    owners = [c.get("rule", "objectOwnership") for c in controls]
    if not any(is_unknown(o) or o == "BucketOwnerEnforced" for o in owners):
        where = f"BucketOwnershipControls {controls[0].name!r}" if controls else "no BucketOwnershipControls"
        yield (controls[0].urn if controls else bucket.urn), (
            f"bucket {bucket.name!r} ({where}): objectOwnership is {owners[0] if owners else 'unset'!r}; it must be "
            "BucketOwnerEnforced (ACLs disabled)")
    for acl in [bucket, *ctx.for_bucket(bucket, aws.S3_BUCKET_ACL, aws.S3_BUCKET_ACL_V2)]:
        canned = acl.props.get("acl")
        grants = acl.get("accessControlPolicy", "grants", default=[]) or []
        uris = [((g or {}).get("grantee") or {}).get("uri") for g in grants if isinstance(g, dict)]
        public = [u for u in uris if u in PUBLIC_GRANTEES]
        if canned in PUBLIC_CANNED_ACLS or public:
            yield acl.urn, (f"{acl.type} {acl.name!r} of bucket {bucket.name!r} grants everyone access "
                            f"({canned or public[0]!r}); only private ACLs are allowed")


def _gcs_bucket(bucket: Resource) -> Iterable[tuple[Optional[str], str]]:
    prevention, uniform = bucket.props.get("publicAccessPrevention"), bucket.props.get("uniformBucketLevelAccess")
    if not is_unknown(prevention) and prevention != "enforced":
        yield bucket.urn, (f"bucket {bucket.name!r}: publicAccessPrevention is {prevention!r}; it must be 'enforced' "
                           "so no IAM grant can make objects public")
    if not is_unknown(uniform) and truthy(uniform) is not True:
        yield bucket.urn, (f"bucket {bucket.name!r}: uniformBucketLevelAccess is {uniform!r}; it must be true "
                           "(object ACLs disabled)")


def check_bucket_public_access(ctx: Context) -> Iterable[tuple[Optional[str], str]]:
    for bucket in ctx.of_type(*S3_BUCKET_TYPES):
        yield from _s3_public_access_block(bucket, ctx)
        yield from _s3_acls(bucket, ctx)
    for bucket in ctx.of_type(gcp.STORAGE_BUCKET):
        yield from _gcs_bucket(bucket)


# ---- wildcard principals -------------------------------------------------------------------------

def _statements(document: Any) -> list[dict[str, Any]]:
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except json.JSONDecodeError:
            return []
    statements = document.get("Statement") if isinstance(document, dict) else None
    statements = statements if isinstance(statements, list) else [statements]
    return [s for s in statements if isinstance(s, dict)]


def _everyone(principal: Any) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, dict):
        value = principal.get("AWS")
        return value == "*" or (isinstance(value, list) and "*" in value)
    return False


def _restricted(statement: dict[str, Any]) -> bool:
    condition = statement.get("Condition")
    keys = {str(k).lower() for op in (condition or {}).values() if isinstance(op, dict) for k in op} \
        if isinstance(condition, dict) else set()
    return bool(keys & RESTRICTING_CONDITION_KEYS)


def _aws_wildcards(r: Resource) -> Iterable[str]:
    prop = POLICY_INPUTS[r.type]
    document = r.props.get(prop)
    if is_unknown(document):
        return
    for i, s in enumerate(_statements(document)):
        # Allow with NotPrincipal grants everyone but the listed principals (IAM reference, "NotPrincipal").
        everyone = _everyone(s.get("Principal")) or "NotPrincipal" in s
        if str(s.get("Effect")).lower() == "allow" and everyone and not _restricted(s):
            yield (f"{r.type} {r.name!r}: {prop} statement {s.get('Sid') or i!r} allows {s.get('Action')!r} to "
                   "Principal '*' with no condition on the caller's account, organization, source ARN or network; "
                   "name the principals")


def _gcp_wildcards(r: Resource) -> Iterable[str]:
    members = [r.props.get("member"), *(r.props.get("members") or [])]
    for member in members:
        if isinstance(member, str) and member in PUBLIC_MEMBERS:
            yield (f"{r.type} {r.name!r}: grants {r.props.get('role')!r} to {member!r} (anyone); only named "
                   "principals are allowed")


def check_wildcard_principal(r: Resource, ctx: Context) -> Iterable[str]:
    return _gcp_wildcards(r) if r.type in GCP_IAM_TYPES else _aws_wildcards(r)


# ---- databases -----------------------------------------------------------------------------------

def _cloud_sql_public(r: Resource) -> Iterable[str]:
    ip = r.get("settings", "ipConfiguration", default={}) or {}
    if is_unknown(ip):
        return
    if truthy(ip.get("ipv4Enabled")) is True:
        yield (f"Cloud SQL instance {r.name!r}: settings.ipConfiguration.ipv4Enabled is true (a public IP address); "
               "it must be false: clients connect over the private network")
    for network in ip.get("authorizedNetworks") or []:
        value = (network or {}).get("value") if isinstance(network, dict) else None
        if is_public(value):
            yield (f"Cloud SQL instance {r.name!r}: authorizedNetworks entry {value!r} is a public range; "
                   "no public network may be authorized")


def check_database_public(r: Resource, ctx: Context) -> Iterable[str]:
    if r.type == gcp.SQL_DATABASE_INSTANCE:
        yield from _cloud_sql_public(r)
    elif truthy(r.props.get("publiclyAccessible")) is True:
        yield (f"{r.type} {r.name!r}: publiclyAccessible is true (a public DNS name and address); it must be false "
               "(AuroraDatabase keeps instances private)")


RULES = (
    Rule(
        id="exposure-bucket-public-access",
        description="No bucket can be made public: S3 buckets have a public access block with all four settings "
                    "true, ownership BucketOwnerEnforced and no public ACL; GCS buckets enforce public access "
                    "prevention and uniform bucket-level access.",
        enforcement=MANDATORY,
        remediation="Keep the bucket components' defaults (BackupVault, AccessLogBucket, AuditTrail, BackupBucket): "
                    "BucketPublicAccessBlock all true, BucketOwnershipControls BucketOwnerEnforced; GCS "
                    "public_access_prevention='enforced', uniform_bucket_level_access=True.",
        category="exposure", scope="stack", check=check_bucket_public_access,
    ),
    Rule(
        id="exposure-wildcard-principal",
        description="No resource or trust policy allows Principal '*' without a condition on the caller's account, "
                    "organization, source or network; no GCP IAM grant to allUsers or allAuthenticatedUsers.",
        enforcement=MANDATORY,
        remediation="Name the principals (account root, service principal with aws:SourceAccount/aws:SourceArn); "
                    "GCP: grant to service accounts or groups.",
        category="exposure", scope="resource", check=check_wildcard_principal,
        types=(*POLICY_INPUTS, *GCP_IAM_TYPES),
    ),
    Rule(
        id="exposure-database-public",
        description="Databases have no public address: Aurora/RDS instances not publiclyAccessible; Cloud SQL "
                    "without a public IPv4 address or public authorized networks.",
        enforcement=MANDATORY,
        remediation="publicly_accessible=False; Cloud SQL ip_configuration ipv4_enabled=False with a private_network.",
        category="exposure", scope="resource", check=check_database_public,
        types=(aws.RDS_CLUSTER_INSTANCE, aws.RDS_INSTANCE, gcp.SQL_DATABASE_INSTANCE),
    ),
)
