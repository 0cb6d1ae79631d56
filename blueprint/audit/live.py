"""Read a live AWS account with boto3 and compare it with the plan's expectations.

Every expectation gives one finding: ``ok``, ``missing``, ``drifted`` (expected vs actual) or
``unsupported`` (the endpoint does not implement the API: e.g. an emulator; never counted as a
pass or a failure, always shown). Resources are matched by their ``Name`` tag (and type), or by
the identifiers the components set explicitly; see :mod:`blueprint.audit.expected`.
"""

from __future__ import annotations

import ipaddress
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Optional

from blueprint.audit.expected import Expected

OK, MISSING, DRIFTED, UNSUPPORTED = "ok", "missing", "drifted", "unsupported"


@dataclass(frozen=True)
class Finding:
    check: str  # vault | database | health-check | load-balancer | recovery-points
    item: str  # the Name tag or identifier
    region: str
    status: str
    detail: str
    expected: Any = None
    actual: Any = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class Unsupported(Exception):
    """The endpoint does not implement an API the audit needs."""


class AccessError(Exception):
    """Credentials missing or rejected, or the endpoint unreachable: invalid input (exit 2)."""


ClientFactory = Callable[[str, str], Any]


def client_factory(endpoint_url: Optional[str] = None, max_attempts: int = 3) -> ClientFactory:
    import boto3
    from botocore.config import Config

    session = boto3.session.Session()
    config = Config(retries={"max_attempts": max_attempts, "mode": "standard"}, connect_timeout=5, read_timeout=30)
    cache: dict[tuple[str, str], Any] = {}

    def make(service: str, region: str) -> Any:
        key = (service, region)
        if key not in cache:
            cache[key] = session.client(service, region_name=region, endpoint_url=endpoint_url, config=config)
        return cache[key]

    return make


_UNSUPPORTED_CODES = {"NotImplemented", "InternalFailure", "InternalError", "500", "501", "UnknownOperationException"}
_ACCESS_CODES = {"InvalidClientTokenId", "UnrecognizedClientException", "ExpiredToken", "ExpiredTokenException",
                 "InvalidAccessKeyId", "SignatureDoesNotMatch", "AuthFailure"}


def _call(fn: Callable[..., Any], **kwargs: Any) -> Any:
    """Call a boto3 operation; map 'not implemented by this endpoint' and access problems."""
    from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError, NoRegionError

    try:
        return fn(**kwargs)
    except NoCredentialsError:
        raise AccessError("no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), "
                          "or AWS_PROFILE, or run inside a role") from None
    except EndpointConnectionError as exc:
        raise AccessError(f"cannot reach the AWS endpoint {exc.kwargs.get('endpoint_url')}: check --endpoint-url, the network "
                          "or the region") from None
    except NoRegionError:
        raise AccessError("no region: set AWS_REGION") from None
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code in _ACCESS_CODES:
            raise AccessError(f"AWS rejected the credentials ({code}): refresh them (AWS_PROFILE / aws sso login)") from None
        # an emulator that lacks the API answers with its web server's HTML 404 page, never an AWS error
        html_404 = code == "404" and "<html" in str(exc).lower()
        if code in _UNSUPPORTED_CODES or status in (500, 501) or html_404 or "not been implemented" in str(exc) or "not yet implemented" in str(exc):
            raise Unsupported(f"{fn.__name__ if hasattr(fn, '__name__') else fn}: {code or status}") from None
        raise


def _code(exc: Exception) -> str:
    return str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))


# --------------------------------------------------------------------------------------- S3 vaults
def _buckets_by_name_tag(clients: ClientFactory) -> dict[str, list[str]]:
    """Every bucket under its Name tag: a list, because two buckets may carry the same tag (issue 16:
    keeping one would audit whichever came last and hide the other)."""
    from botocore.exceptions import ClientError

    s3 = clients("s3", "us-east-1")
    found: dict[str, list[str]] = {}
    for b in _call(s3.list_buckets).get("Buckets", []):
        try:
            tags = _call(s3.get_bucket_tagging, Bucket=b["Name"]).get("TagSet", [])
        except ClientError as exc:
            if _code(exc) in ("NoSuchTagSet", "NoSuchBucket", "AccessDenied"):
                continue
            raise
        name = next((t["Value"] for t in tags if t["Key"] == "Name"), None)
        if name:
            found.setdefault(name, []).append(b["Name"])
    return found


def _bucket_region(s3: Any, bucket: str) -> str:
    return _call(s3.get_bucket_location, Bucket=bucket).get("LocationConstraint") or "us-east-1"


def check_vaults(expected: Expected, clients: ClientFactory) -> list[Finding]:
    from botocore.exceptions import ClientError

    if not expected.vaults:
        return []
    live = _buckets_by_name_tag(clients)
    by_physical = {bucket: tag for tag, buckets in live.items() for bucket in buckets}
    out: list[Finding] = []
    for v in expected.vaults:
        buckets = live.get(v.name_tag, [])
        if not buckets:
            out.append(Finding("vault", v.name_tag, v.region, MISSING, "no S3 bucket with this Name tag", v.region, None))
            continue
        if len(buckets) > 1:  # which one is the vault is unknowable: checking either would hide the other's drift
            out.append(Finding("vault", v.name_tag, v.region, DRIFTED, f"{len(buckets)} S3 buckets carry the Name tag {v.name_tag!r}: "
                               f"{', '.join(sorted(buckets))}; the vault must be the only one", 1, sorted(buckets)))
            continue
        bucket = buckets[0]
        s3 = clients("s3", v.region)
        region = _bucket_region(s3, bucket)
        if region != v.region:
            out.append(Finding("vault", v.name_tag, v.region, DRIFTED, f"bucket {bucket} is in the wrong region", v.region, region))
            continue
        versioning = _call(s3.get_bucket_versioning, Bucket=bucket).get("Status")
        if versioning != "Enabled":
            out.append(Finding("vault", v.name_tag, v.region, DRIFTED, f"bucket {bucket}: versioning", "Enabled", versioning))
        try:
            lock = _call(s3.get_object_lock_configuration, Bucket=bucket).get("ObjectLockConfiguration", {})
        except ClientError as exc:
            if _code(exc) != "ObjectLockConfigurationNotFoundError":
                raise
            lock = {}
        retention = (lock.get("Rule") or {}).get("DefaultRetention") or {}
        actual = {"enabled": lock.get("ObjectLockEnabled"), "mode": retention.get("Mode"), "days": retention.get("Days")}
        want = {"enabled": "Enabled", "mode": v.lock_mode, "days": v.lock_days}
        if actual != want:
            out.append(Finding("vault", v.name_tag, v.region, DRIFTED, f"bucket {bucket}: Object Lock default retention", want, actual))
        if v.replicate_to is not None:
            try:
                rules = _call(s3.get_bucket_replication, Bucket=bucket).get("ReplicationConfiguration", {}).get("Rules", [])
            except ClientError as exc:
                if _code(exc) != "ReplicationConfigurationNotFoundError":
                    raise
                rules = []
            targets = []
            for rule in rules:
                if rule.get("Status") != "Enabled":
                    continue
                dest = str((rule.get("Destination") or {}).get("Bucket", "")).split(":::")[-1]
                tag = by_physical.get(dest)
                targets.append((tag or dest, _bucket_region(s3, dest) if tag else "?"))
            want_dest = {"name_tag": v.replicate_to[0], "region": v.replicate_to[1]}
            if not targets:
                out.append(Finding("vault", v.name_tag, v.region, DRIFTED, f"bucket {bucket}: no enabled replication rule", want_dest, None))
            elif tuple(v.replicate_to) not in targets:
                out.append(Finding("vault", v.name_tag, v.region, DRIFTED, f"bucket {bucket}: replicates elsewhere", want_dest,
                                   [{"name_tag": t, "region": r} for t, r in targets]))
        if not any(f.item == v.name_tag and f.check == "vault" for f in out):
            out.append(Finding("vault", v.name_tag, v.region, OK, f"bucket {bucket}: versioned, Object Lock {v.lock_mode} {v.lock_days} d"
                               + (f", replicating to {v.replicate_to[0]} ({v.replicate_to[1]})" if v.replicate_to else "")))
    return out


# --------------------------------------------------------------------------------------- Aurora
def check_databases(expected: Expected, clients: ClientFactory) -> list[Finding]:
    from botocore.exceptions import ClientError

    out: list[Finding] = []
    for g in expected.global_dbs:
        rds = clients("rds", g.writer_region or g.region)
        try:
            found = _call(rds.describe_global_clusters, GlobalClusterIdentifier=g.identifier).get("GlobalClusters", [])
        except ClientError as exc:
            if _code(exc) != "GlobalClusterNotFoundFault":
                raise
            found = []
        if not found:
            out.append(Finding("database", g.identifier, g.region, MISSING, "no Aurora global cluster with this identifier",
                               {"members": list(g.member_regions), "writer": g.writer_region}, None))
            continue
        members = found[0].get("GlobalClusterMembers", [])
        regions = sorted({m["DBClusterArn"].split(":")[3] for m in members})
        writer = next((m["DBClusterArn"].split(":")[3] for m in members if m.get("IsWriter")), None)
        want = {"members": list(g.member_regions), "writer": g.writer_region}
        actual = {"members": regions, "writer": writer}
        if set(g.member_regions) - set(regions):
            out.append(Finding("database", g.identifier, g.region, MISSING, "member clusters missing in "
                               + ", ".join(sorted(set(g.member_regions) - set(regions))), want, actual))
        elif writer != g.writer_region:
            out.append(Finding("database", g.identifier, g.region, DRIFTED, "the writer is not in the planned primary region "
                               "(after a failover: run `blueprint rebuild` and `pulumi up` the promoted stack)", want, actual))
        else:
            out.append(Finding("database", g.identifier, g.region, OK, f"members in {', '.join(regions)}, writer in {writer}"))
    return out


# --------------------------------------------------------------------------------------- Route 53
def check_health_checks(expected: Expected, clients: ClientFactory) -> list[Finding]:
    if not expected.health_checks:
        return []
    r53 = clients("route53", "us-east-1")
    checks = []
    marker = None
    while True:
        page = _call(r53.list_health_checks, **({"Marker": marker} if marker else {}))
        checks += page.get("HealthChecks", [])
        if not page.get("IsTruncated"):
            break
        marker = page.get("NextMarker")
    by_tag: dict[str, dict] = {}
    ids = [c["Id"] for c in checks]
    for i in range(0, len(ids), 10):  # ListTagsForResources takes at most 10 ids
        tagsets = _call(r53.list_tags_for_resources, ResourceType="healthcheck", ResourceIds=ids[i:i + 10]).get("ResourceTagSets", [])
        for ts in tagsets:
            name = next((t["Value"] for t in ts.get("Tags", []) if t["Key"] == "Name"), None)
            if name:
                by_tag[name] = next(c for c in checks if c["Id"] == ts["ResourceId"])
    out: list[Finding] = []
    for h in expected.health_checks:
        c = by_tag.get(h.name_tag)
        if c is None:
            out.append(Finding("health-check", h.name_tag, "global", MISSING, "no Route 53 health check with this Name tag",
                               {"interval": h.interval, "threshold": h.threshold, "path": h.path}, None))
            continue
        cfg = c.get("HealthCheckConfig", {})
        want = {"interval": h.interval, "threshold": h.threshold, "path": h.path}
        actual = {"interval": cfg.get("RequestInterval"), "threshold": cfg.get("FailureThreshold"), "path": cfg.get("ResourcePath")}
        if want != actual:
            out.append(Finding("health-check", h.name_tag, "global", DRIFTED, f"health check {c['Id']}", want, actual))
        else:
            out.append(Finding("health-check", h.name_tag, "global", OK, f"health check {c['Id']}: every {h.interval} s, {h.threshold} failures"))
    return out


# --------------------------------------------------------------------------------------- ELB
def check_load_balancers(expected: Expected, clients: ClientFactory) -> list[Finding]:
    out: list[Finding] = []
    by_region: dict[str, list] = {}
    for b in expected.balancers:
        by_region.setdefault(b.region, []).append(b)
    for region, wanted in sorted(by_region.items()):
        elb = clients("elbv2", region)
        lbs = _call(elb.describe_load_balancers).get("LoadBalancers", [])
        named: dict[str, dict] = {}
        arns = [lb["LoadBalancerArn"] for lb in lbs]
        for i in range(0, len(arns), 20):  # DescribeTags takes at most 20 ARNs
            for d in _call(elb.describe_tags, ResourceArns=arns[i:i + 20]).get("TagDescriptions", []):
                name = next((t["Value"] for t in d.get("Tags", []) if t["Key"] == "Name"), None)
                if name:
                    named[name] = next(lb for lb in lbs if lb["LoadBalancerArn"] == d["ResourceArn"])
        for b in wanted:
            lb = named.get(b.name_tag)
            if lb is None:
                out.append(Finding("load-balancer", b.name_tag, region, MISSING, "no load balancer with this Name tag", list(b.zones), None))
                continue
            zones = sorted(z["ZoneName"] for z in lb.get("AvailabilityZones", []))
            if set(b.zones) - set(zones):
                out.append(Finding("load-balancer", b.name_tag, region, DRIFTED, "load balancer zones", list(b.zones), zones))
                continue
            healthy = _healthy_zones(clients, region, lb)
            if healthy is None:
                out.append(Finding("load-balancer", b.name_tag, region, UNSUPPORTED, "target health: unsupported by the endpoint", list(b.zones), zones))
            elif set(b.zones) - healthy:
                out.append(Finding("load-balancer", b.name_tag, region, DRIFTED, "zones without a healthy target",
                                   list(b.zones), sorted(healthy)))
            else:
                out.append(Finding("load-balancer", b.name_tag, region, OK, f"healthy targets in {', '.join(sorted(healthy))}"))
    return out


def _healthy_zones(clients: ClientFactory, region: str, lb: dict) -> Optional[set[str]]:
    elb, ec2 = clients("elbv2", region), clients("ec2", region)
    try:
        groups = _call(elb.describe_target_groups, LoadBalancerArn=lb["LoadBalancerArn"]).get("TargetGroups", [])
        subnets = _call(ec2.describe_subnets, Filters=[{"Name": "vpc-id", "Values": [lb["VpcId"]]}]).get("Subnets", [])
        nets = [(ipaddress.ip_network(s["CidrBlock"]), s["AvailabilityZone"]) for s in subnets]
        zones: set[str] = set()
        for g in groups:
            for d in _call(elb.describe_target_health, TargetGroupArn=g["TargetGroupArn"]).get("TargetHealthDescriptions", []):
                if (d.get("TargetHealth") or {}).get("State") != "healthy":
                    continue
                target = d.get("Target") or {}
                if target.get("AvailabilityZone") and target["AvailabilityZone"] != "all":
                    zones.add(target["AvailabilityZone"])
                    continue
                try:
                    ip = ipaddress.ip_address(target.get("Id", ""))
                except ValueError:
                    continue
                zones.update(z for net, z in nets if ip in net)
        return zones
    except Unsupported:
        return None


# --------------------------------------------------------------------------------------- AWS Backup
def check_recovery_points(expected: Expected, clients: ClientFactory, hours: float, now: Optional[datetime] = None) -> list[Finding]:
    from botocore.exceptions import ClientError

    now = now or datetime.now(timezone.utc)
    out: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for p in expected.backup_plans:
        for region, vault in ((p.region, p.vault), *p.copy_to):
            if (region, vault) in seen:
                continue
            seen.add((region, vault))
            backup = clients("backup", region)
            try:
                _call(backup.describe_backup_vault, BackupVaultName=vault)
            except ClientError as exc:
                if _code(exc) in ("ResourceNotFoundException", "AccessDeniedException"):
                    out.append(Finding("recovery-points", vault, region, MISSING, f"backup vault of plan {p.name} not found", vault, None))
                    continue
                raise
            except Unsupported:
                pass
            try:
                points = _call(backup.list_recovery_points_by_backup_vault, BackupVaultName=vault,
                               ByCreatedAfter=now - timedelta(hours=hours)).get("RecoveryPoints", [])
            except Unsupported:
                out.append(Finding("recovery-points", vault, region, UNSUPPORTED,
                                   "ListRecoveryPointsByBackupVault is unsupported by the endpoint"))
                continue
            done = [r for r in points if r.get("Status") == "COMPLETED"]
            if done:
                out.append(Finding("recovery-points", vault, region, OK, f"{len(done)} completed recovery point(s) in the last {hours:g} h"))
            else:
                out.append(Finding("recovery-points", vault, region, MISSING, f"no completed recovery point in the last {hours:g} h "
                                   f"(plan {p.name})", f">= 1 within {hours:g} h", len(points)))
    return out


def run_checks(expected: Expected, clients: ClientFactory, recent_hours: float = 24.0) -> list[Finding]:
    findings: list[Finding] = []
    for check in (check_vaults, check_databases, check_health_checks, check_load_balancers):
        try:
            findings += check(expected, clients)
        except Unsupported as exc:
            findings.append(Finding(check.__name__.replace("check_", ""), "*", "-", UNSUPPORTED, f"unsupported by the endpoint: {exc}"))
    findings += check_recovery_points(expected, clients, recent_hours)
    return findings


def failed(findings: list[Finding]) -> bool:
    return any(f.status in (MISSING, DRIFTED) for f in findings)
