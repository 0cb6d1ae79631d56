"""A customer-managed key reference must name a key of the plan, in the resource's region (issue 16).

``encryption-at-rest-cmk`` used to accept any string that was not an AWS-managed alias as a CMK: a key
deleted with its references kept, another account's key, an out-of-region key or a CMEK path rewritten
to another project all passed. Now each reference at the type's key property (blueprint/types
``ENCRYPTION``) must resolve to a key of the plan:

* AWS: a key ARN (or an alias ARN) equal to a planned ``aws:kms/key`` ``arn`` (alias ``arn``), whose
  region is the resource's: the ARN carries region and account
  (``arn:aws:kms:<region>:<account>:key/<id>``, https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id),
  so an exact match also proves the account; a bare key ID or alias name (``alias/...``), which KMS
  resolves in the caller's region and account, must be a planned key's ``keyId``/``id`` or alias
  ``name`` in the resource's region.
* GCP: a ``projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>`` name equal to a planned CryptoKey's
  (its ``id``, or ``<keyRing>/cryptoKeys/<name>``), so the project matches; its location is the
  resource's region or a Cloud KMS multi-region containing it (``us``, ``europe``, ``asia``: "Multiple
  regions in the United States" etc., https://cloud.google.com/kms/docs/locations; the locations
  blueprint/components/gcp/kms_key.py accepts for dual-region buckets).

Unknown values (a preview's placeholders) are skipped, and so is the whole check where the rule sees one
resource only (CrossGuard's resource policies: ``ctx.plan`` is None, the keys are not visible).
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator, Optional

from blueprint.policies.model import Context, Resource, is_unknown
from blueprint.types import REGISTRY, aws, gcp

GCP_MULTI_REGIONS = ("us", "europe", "asia")  # Cloud KMS multi-regions, https://cloud.google.com/kms/docs/locations
_AWS_MANAGED = "alias/aws/"  # AWS-managed keys: the caller (_cmk) reports them already


def values_at(node: Any, path: str) -> Iterator[tuple[str, Any]]:
    """(concrete path, value) at a registry path such as ``rules[].applyServerSideEncryptionByDefault.kmsMasterKeyId``;
    a list met where an object is expected is walked too (``encryptionConfig`` is a list in pulumi-aws v6+)."""
    head, _, rest = path.partition(".")
    key = head[:-2] if head.endswith("[]") else head  # a list is walked wherever it is met (below)
    if isinstance(node, list):
        for i, item in enumerate(node):
            for sub, value in values_at(item, path):
                yield f"[{i}]{sub}", value
        return
    if not isinstance(node, dict) or key not in node:
        return
    value = node[key]
    if not rest:
        yield f".{key}", value
        return
    for sub, found in values_at(value, rest):
        yield f".{key}{sub}", found


def _aws_index(ctx: Context) -> tuple[dict[str, Optional[str]], set[tuple[Optional[str], str]]]:
    """ARN -> region, and the (region, key ID / alias name) pairs, of the plan's KMS keys and aliases."""
    arns: dict[str, Optional[str]] = {}
    bare: set[tuple[Optional[str], str]] = set()
    for key in ctx.of_type(aws.KMS_KEY):
        if isinstance(key.state.get("arn"), str):
            arns[key.state["arn"]] = key.region
        for name in ("keyId", "id"):
            if isinstance(key.state.get(name), str) and key.state[name]:
                bare.add((key.region, key.state[name]))
    for alias in ctx.of_type(aws.KMS_ALIAS):
        name = alias.ident("name")
        arn = alias.state.get("arn")
        if isinstance(arn, str):
            arns[arn] = alias.region
            if isinstance(name, str) and ":alias/" in arn:
                arns[f"{arn.split(':alias/', 1)[0]}:{name}"] = alias.region  # arn:aws:kms:<r>:<acct>:alias/<name>
        if isinstance(name, str):
            bare.add((alias.region, name))
    return arns, bare


def _gcp_index(ctx: Context) -> set[str]:
    """The full names (projects/.../cryptoKeys/...) of the plan's CryptoKeys."""
    names: set[str] = set()
    for key in ctx.of_type(gcp.KMS_CRYPTO_KEY):
        if isinstance(key.state.get("id"), str):
            names.add(key.state["id"])
        ring, name = key.ident("keyRing"), key.ident("name")
        if isinstance(ring, str) and isinstance(name, str):
            names.add(f"{ring}/cryptoKeys/{name}")
    return names


def _gcp_location(name: str) -> Optional[str]:
    parts = name.split("/")
    return parts[3] if len(parts) >= 6 and parts[0] == "projects" and parts[2] == "locations" else None


def gcp_contains(location: str, region: Optional[str]) -> bool:
    """Whether a key in ``location`` may encrypt data in ``region``: the same, or the multi-region holding it."""
    return location == region or (location in GCP_MULTI_REGIONS and bool(region) and str(region).startswith(f"{location}-"))


def _aws_problem(value: str, region: Optional[str], ctx: Context) -> Optional[str]:
    arns, bare = ctx.memo("key-refs:aws", lambda: _aws_index(ctx))
    if value.startswith("arn:"):
        if value not in arns:
            return "names no KMS key or alias of this plan (a deleted key, or another account's or region's)"
        if arns[value] != region:
            return f"names a key in {arns[value]}, not the resource's region {region}"
        return None
    if (region, value) not in bare:
        return f"names no KMS key ID or alias of this plan in the resource's region {region}"
    return None


def _gcp_problem(value: str, region: Optional[str], ctx: Context) -> Optional[str]:
    names = ctx.memo("key-refs:gcp", lambda: _gcp_index(ctx))
    if value not in names:
        return "names no Cloud KMS CryptoKey of this plan (a deleted key, or another project's or location's)"
    location = _gcp_location(value)
    if location is None or not gcp_contains(location, region):
        return f"names a key in location {location}, which does not hold the resource's region {region}"
    return None


def _data_region(r: Resource, where: str) -> Optional[str]:
    """Where the data the key encrypts lives: the resource's region, except a Secret Manager replica's,
    which is its own ``location`` (CustomerManagedEncryption.kms_key_name: "For secrets using the UserManaged
    replication policy type, Cloud KMS CryptoKeys must reside in the same location as the replica location",
    https://docs.cloud.google.com/python/docs/reference/secretmanager/latest/google.cloud.secretmanager_v1.types.CustomerManagedEncryption)."""
    if r.type == gcp.SECRETMANAGER_SECRET and where.startswith(".replication.userManaged.replicas["):
        index = int(where.split("replicas[", 1)[1].split("]", 1)[0])
        replicas = ((r.props.get("replication") or {}).get("userManaged") or {}).get("replicas") or []
        location = (replicas[index] or {}).get("location") if index < len(replicas) else None
        return location if isinstance(location, str) else r.region
    return r.region


def unresolved_keys(r: Resource, ctx: Context) -> Iterable[str]:
    """A message for each key reference of ``r`` that does not resolve (module docstring)."""
    if ctx.plan is None or r.region in (None, "global"):
        return
    info = REGISTRY.get(r.type)
    if info is None or info.encryption is None:
        return
    problem_of = _aws_problem if info.cloud == "aws" else _gcp_problem
    for where, value in values_at(r.props, info.encryption):
        if is_unknown(value) or not isinstance(value, str) or not value.strip() or _AWS_MANAGED in value:
            continue  # unknown (a preview), or missing / AWS-managed: the at-rest check reports those
        problem = problem_of(value, _data_region(r, where), ctx)
        if problem is not None:
            yield f"{r.type} {r.name!r}: {where.lstrip('.')} = {value!r} {problem}"
