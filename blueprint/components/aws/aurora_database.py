"""AuroraDatabase: one regional Aurora cluster, either a primary or a global-database secondary.

Private, encrypted with the region's CMK, TLS-only, IAM authentication on, logs exported,
Performance Insights and Enhanced Monitoring on, instances spread over the zones, deletion
protection, a final snapshot and retain-on-delete.

Roles and the disaster-recovery strategies the composer maps onto them:
    primary                      writer in ``zones[0]``, readers in the next zones (>= 2 instances)
    secondary, active-active     as many instances as the primary (serving reads, promotable)
    secondary, warm standby      fewer instances (e.g. 1): promoted, then scaled up
    secondary, pilot light       ``instance_count=0``: a headless, storage-only replica
A secondary is created with the secondary region's provider and must be created after the
primary's writer exists (pass ``depends_on`` to the primary component).

Write path of a secondary: read-only unless ``global_write_forwarding`` (the composer sets it for
active-active). Then sessions connected to the secondary (its reader endpoint) send reads locally
and Aurora forwards their writes to the primary's writer, with the read consistency the cluster
parameter group sets (``SESSION``, see blueprint.catalogs.databases). Forwarding needs the primary:
after the primary region is lost, writes wait for the global failover that promotes this cluster.

Engine upgrades: global members turn automatic minor upgrades off (AWS does not apply them in a
global database); upgrade through ``AuroraGlobalCluster``'s engine version. Standalone clusters
upgrade minors automatically in the maintenance window.

Master credentials (checked in "Password management with Amazon Aurora and AWS Secrets Manager",
section "Limitations for Secrets Manager integration": managing master user passwords with Secrets
Manager "isn't supported for ... DB clusters that are part of an Aurora global database"):
    primary, standalone          RDS manages the password in Secrets Manager, encrypted with the CMK
    primary of a global database a Secrets Manager password generated once (GetRandomPassword),
                                 kept in a CMK-encrypted secret this component owns; later runs
                                 never change it (ignore_changes), rotation is an operator action
    secondary                    no credentials at all: it inherits the primary's through the
                                 global database

Children (component named ``n``, zone ``z``, instance ordinal ``i``):
    ``n-subnet-group``, ``n-sg``, ``n-ingress-<cidr with '.' and '/' as '-'>`` (one per allowed CIDR),
    ``n-cluster-params``, ``n-cluster``,
    ``n-master-secret``, ``n-master-secret-value`` (primary of a global database only),
    ``n-monitoring-role``, ``n-monitoring-policy`` (when instance_count > 0),
    ``n-z-instance-i`` for i in 0..instance_count-1, zone z = zones[i % len(zones)]
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass
from typing import Any, Literal, Optional

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from blueprint.catalogs.databases import aurora_engine, aws_instance_class

from ._names import iam_role_name_prefix
from blueprint.components._validation import IntBetween

from ._tags import merge_tags
from ._types import KmsKeyArn, Tags
from .aurora_global_cluster import check_rds_identifier

# Regular availability-zone names: <region><letter>, e.g. eu-central-1a.
_ZONE = re.compile(r"^(?P<region>[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+)(?P<letter>[a-z])$")
_KMS_REGION = re.compile(r"^arn:aws[a-z-]*:kms:(?P<region>[a-z0-9-]+):")
# Database names: a letter, then letters, digits, underscores (valid for both engines); 63 max (PostgreSQL).
_DATABASE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,62}$")
# Master user names: a letter, then letters, digits, underscores; 16 max (Aurora MySQL's limit).
_MASTER_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,15}$")
# Names RDS itself uses on Aurora (its admin, replication and proxy users, PostgreSQL's superuser role).
_RESERVED_USERNAMES = {"rdsadmin", "rdsrepladmin", "rdsproxyadmin", "rds_superuser"}
# Client networks may be private: RFC 1918 and the RFC 6598 shared space (EKS custom pod networking).
_CLIENT_NETWORKS = tuple(
    ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
)
# Performance Insights retention: 7 (free tier), month * 31 for 1..23 months, or 731 days.
PERFORMANCE_INSIGHTS_RETENTION_DAYS = (7, *(31 * m for m in range(1, 24)), 731)
# Aurora: one writer and up to 15 readers per cluster.
MAX_INSTANCES = 16
InstanceCount = IntBetween(0, MAX_INSTANCES, note=" (Aurora: one writer and up to 15 readers)")
BackupRetentionDays = IntBetween(1, 35, scope="Aurora's ", note=" days; longer retention is the vault's job")
# Daily automated-backup window and weekly maintenance window (UTC), never overlapping.
BACKUP_WINDOW = "02:00-03:00"
MAINTENANCE_WINDOW = "sun:03:30-sun:04:30"
# Enhanced Monitoring granularity in seconds (RDS allows 0, 1, 5, 10, 15, 30, 60).
MONITORING_INTERVAL_S = 60
# Length of the generated master password of a global primary (Aurora MySQL allows at most 41).
MASTER_PASSWORD_LENGTH = 40


def _is_output(value: Any) -> bool:
    return isinstance(value, pulumi.Output)


class AuroraDatabaseArgs(BaseModel):
    """Settings of one regional Aurora cluster."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    identifier: str = Field(
        description="DB cluster identifier (RDS rules: lower-case letters, digits, single hyphens, starting with a "
        "letter; at most 60 characters so instance identifiers '<identifier>-<i>' fit RDS's 63).",
    )
    engine: Literal["postgres", "mysql"] = Field(description="Config engine; Aurora engine and version from the catalog.")
    size: Literal["small", "medium", "large", "xlarge"] = Field(
        description="Config size; the memory-optimised Graviton instance class comes from the catalog."
    )
    role: Literal["primary", "secondary"] = Field(
        default="primary",
        description="'primary' (default: the writable cluster) or 'secondary' (read-only member of a global database).",
    )
    global_cluster_identifier: Optional[Any] = Field(
        default=None,
        description="pulumi.Input[str]: the AuroraGlobalCluster to join. Required for a secondary; optional for a "
        "primary (None: a standalone regional cluster, e.g. for backup-restore workloads).",
    )
    # Default off, as in RDS: only a secondary that serves writes in its own region needs it (the
    # composer turns it on for active-active; warm standby and pilot light fail over instead).
    global_write_forwarding: bool = Field(
        default=False,
        description="Default False. True: this global secondary forwards the write statements its sessions send to "
        "the primary cluster's writer (Aurora global write forwarding; enableGlobalWriteForwarding), so the "
        "region can write while the primary is up. Only on a secondary with at least one instance.",
    )
    instance_count: InstanceCount = Field(
        description="Instances, spread round-robin over zones. Primary: 2..16 (writer + at least one reader in "
        "another zone). Secondary: 0..16, where 0 is a headless storage-only replica (pilot light).",
    )
    zones: tuple[str, ...] = Field(description="2..6 distinct availability zones of one region, in placement order.")
    subnet_ids: list[Any] = Field(description="pulumi.Input[str] each: private subnets, one per zone, in zone order.")
    vpc_id: Any = Field(description="pulumi.Input[str]: the VPC of the subnets.")
    allowed_cidr_blocks: list[str] = Field(
        description="Client networks allowed on the engine port (e.g. the VPC CIDR): private IPv4 CIDRs only "
        "(RFC 1918 or 100.64.0.0/10); the world is never allowed.",
    )
    kms_key_arn: KmsKeyArn = Field(
        description="pulumi.Input[str]: the region's customer-managed KMS key: storage, Performance Insights, master secret.",
    )
    backup_retention_days: BackupRetentionDays = Field(description="Automated backups (point-in-time restore) in days, 1..35.")
    # Secure default: a database is never deleted by accident (also retained on delete, final snapshot kept).
    deletion_protection: bool = Field(default=True, description="Default True: RDS refuses to delete the cluster.")
    database_name: str = Field(
        default="app",
        description="Initial database (primary only; a secondary replicates the primary's). Default 'app'.",
    )
    master_username: str = Field(
        default="blueprint_admin",
        description="Master user (primary only). Letters, digits, underscores, at most 16; not a reserved name. "
        "Applications should use IAM database authentication instead.",
    )
    # DR default for global databases: the master secret lives in the primary region; replicating it
    # (encrypted with the second region's key) keeps the password readable after the primary
    # region is lost and the secondary is promoted.
    master_secret_replica_region: Optional[str] = Field(
        default=None,
        description="Region to replicate the master secret to (a global primary's second region); None: no replica.",
    )
    master_secret_replica_kms_key_arn: Optional[Any] = Field(
        default=None,
        description="pulumi.Input[str]: the replica region's customer-managed key (required with master_secret_replica_region).",
    )
    performance_insights_retention_days: int = Field(
        default=7,
        description="Performance Insights retention: 7 (default, free), 31 * months for 1..23 months, or 731.",
    )
    tags: Tags = Field(default_factory=dict, description="Tags merged onto every taggable child.")

    @field_validator("identifier")
    @classmethod
    def _identifier(cls, v: str) -> str:
        return check_rds_identifier("identifier", v, max_length=60)

    @field_validator("global_cluster_identifier")
    @classmethod
    def _global(cls, v: Any) -> Any:
        if v is None or _is_output(v):
            return v
        return check_rds_identifier("global_cluster_identifier", v)

    @field_validator("zones")
    @classmethod
    def _zones(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if not 2 <= len(v) <= 6:
            raise ValueError(f"zones: {list(v)} has {len(v)} zone(s); give 2..6 so the writer and a reader never share one")
        if len(set(v)) != len(v):
            raise ValueError(f"zones: {list(v)} repeats a zone; list each zone once")
        regions = set()
        for zone in v:
            match = _ZONE.match(zone) if isinstance(zone, str) else None
            if match is None:
                raise ValueError(f"zones: {zone!r} is not an availability-zone name such as 'eu-central-1a'")
            regions.add(match["region"])
        if len(regions) != 1:
            raise ValueError(f"zones: {list(v)} span regions {sorted(regions)}; all zones must be in the cluster's region")
        return v

    @field_validator("allowed_cidr_blocks")
    @classmethod
    def _cidrs(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("allowed_cidr_blocks: is empty; give the client networks, e.g. the VPC CIDR '10.0.0.0/16'")
        for cidr in v:
            try:
                net = ipaddress.ip_network(cidr, strict=True)
            except (TypeError, ValueError):
                raise ValueError(
                    f"allowed_cidr_blocks: {cidr!r} is not an IPv4 network in CIDR notation with host bits zero, e.g. '10.0.0.0/16'"
                ) from None
            if net.version != 4 or not any(net.subnet_of(p) for p in _CLIENT_NETWORKS):
                raise ValueError(
                    f"allowed_cidr_blocks: {cidr!r} is not a private client network; the database is private, so allow "
                    "only RFC 1918 or 100.64.0.0/10 ranges (e.g. the VPC CIDR)"
                )
        if len(set(v)) != len(v):
            raise ValueError(f"allowed_cidr_blocks: {v} repeats a network; list each once")
        return v

    @field_validator("database_name")
    @classmethod
    def _database_name(cls, v: str) -> str:
        if not _DATABASE_NAME.match(v):
            raise ValueError(
                f"database_name: {v!r} must start with a letter and contain only letters, digits and underscores (1..63)"
            )
        return v

    @field_validator("master_username")
    @classmethod
    def _master_username(cls, v: str) -> str:
        if not _MASTER_USERNAME.match(v):
            raise ValueError(
                f"master_username: {v!r} must start with a letter and contain only letters, digits and underscores (1..16)"
            )
        if v.lower() in _RESERVED_USERNAMES:
            raise ValueError(f"master_username: {v!r} is reserved by the engine or RDS; choose another, e.g. 'blueprint_admin'")
        return v

    @field_validator("performance_insights_retention_days")
    @classmethod
    def _pi_retention(cls, v: int) -> int:
        if v not in PERFORMANCE_INSIGHTS_RETENTION_DAYS:
            raise ValueError(
                f"performance_insights_retention_days: {v} is not allowed; use 7, 31 * months (31..713) or 731"
            )
        return v

    @model_validator(mode="after")
    def _consistent(self) -> AuroraDatabaseArgs:
        if len(self.subnet_ids) != len(self.zones):
            raise ValueError(
                f"subnet_ids: {len(self.subnet_ids)} subnet(s) for {len(self.zones)} zone(s); give one private subnet per zone, in zone order"
            )
        if self.role == "secondary":
            if self.global_cluster_identifier is None:
                raise ValueError(
                    "global_cluster_identifier: None for a secondary; a secondary replicates a global database, "
                    "pass AuroraGlobalCluster(...).id"
                )
            for field in ("database_name", "master_username"):
                if field in self.model_fields_set:
                    raise ValueError(
                        f"{field}: {getattr(self, field)!r} set on a secondary; a secondary inherits the primary's "
                        "database and credentials, omit it"
                    )
            if self.global_write_forwarding and self.instance_count == 0:
                raise ValueError(
                    "global_write_forwarding: True on a headless secondary (instance_count=0); forwarding needs an "
                    "instance that sessions connect to - give instance_count >= 1 or leave forwarding off"
                )
        elif self.global_write_forwarding:
            raise ValueError(
                "global_write_forwarding: True on a primary; the primary's writer takes writes itself, and only a "
                "global secondary (role='secondary') forwards them - leave it False here"
            )
        elif self.instance_count < 2:
            raise ValueError(
                f"instance_count: {self.instance_count} for a primary; give at least 2 (a writer and a reader in "
                "another zone, so a zone loss fails over in place)"
            )
        if (self.master_secret_replica_region is None) != (self.master_secret_replica_kms_key_arn is None):
            raise ValueError(
                "master_secret_replica_region / master_secret_replica_kms_key_arn: give both (the region and its "
                f"customer-managed key) or neither (got region {self.master_secret_replica_region!r})"
            )
        if self.master_secret_replica_region is not None:
            if not (self.role == "primary" and self.is_global_member):
                raise ValueError(
                    f"master_secret_replica_region: {self.master_secret_replica_region!r} applies only to the primary of a "
                    "global database (the only cluster whose master secret this component owns); omit it"
                )
            zone_region = _ZONE.match(self.zones[0])["region"]
            if self.master_secret_replica_region == zone_region:
                raise ValueError(
                    f"master_secret_replica_region: {zone_region!r} is the cluster's own region; give the second region"
                )
        if isinstance(self.kms_key_arn, str):
            kms_region = _KMS_REGION.match(self.kms_key_arn)["region"]
            zone_region = _ZONE.match(self.zones[0])["region"]
            if kms_region != zone_region:
                raise ValueError(
                    f"kms_key_arn: key in {kms_region} for a cluster in {zone_region}; pass the CMK of {zone_region}"
                )
        return self

    @property
    def is_global_member(self) -> bool:
        return self.global_cluster_identifier is not None


def cidr_child_suffix(cidr: str) -> str:
    """'10.0.0.0/16' -> '10-0-0-0-16' (stable child names, independent of list order)."""
    return re.sub(r"[./]", "-", cidr)


def _monitoring_trust_policy(account: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "monitoring.rds.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                    # Confused-deputy guard: only RDS acting for this account.
                    "Condition": {"StringEquals": {"aws:SourceAccount": account}},
                }
            ],
        }
    )


class AuroraDatabase(pulumi.ComponentResource):
    """One regional Aurora cluster (primary or global secondary) with its instances."""

    def __init__(self, name: str, args: AuroraDatabaseArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("blueprint:aws:AuroraDatabase", name, None, opts)
        spec = aurora_engine(args.engine)
        subnet_group, sg = self._network(name, args, spec)
        params = self._parameters(name, args, spec)
        credentials, secret = self._credentials(name, args)
        cluster = self._cluster(name, args, spec, (subnet_group, sg, params), credentials)
        instances = self._instances(name, args, spec, cluster, subnet_group) if args.instance_count else []
        self._publish(args, cluster, sg, instances, secret)

    def _network(self, name: str, args: AuroraDatabaseArgs, spec: Any) -> tuple[aws.rds.SubnetGroup, aws.ec2.SecurityGroup]:
        """Subnet group across the zones, client-only security group."""
        child = pulumi.ResourceOptions(parent=self)
        ident = args.identifier
        subnet_group = aws.rds.SubnetGroup(
            f"{name}-subnet-group",
            name=f"{ident}-subnets",
            description=f"Private subnets of Aurora cluster {ident}",
            subnet_ids=args.subnet_ids,
            tags=merge_tags(args.tags, f"{name}-subnet-group"),
            opts=child,
        )
        sg = aws.ec2.SecurityGroup(
            f"{name}-sg",
            vpc_id=args.vpc_id,
            description=f"Aurora {ident}: engine port {spec.port} from the allowed client networks only",
            # No egress rule: the provider removes AWS's default allow-all egress, and Aurora
            # never opens connections to clients (replies to inbound traffic are stateful).
            tags=merge_tags(args.tags, f"{name}-sg"),
            opts=child,
        )
        for cidr in args.allowed_cidr_blocks:
            rule_name = f"{name}-ingress-{cidr_child_suffix(cidr)}"
            aws.vpc.SecurityGroupIngressRule(
                rule_name,
                security_group_id=sg.id,
                ip_protocol="tcp",
                from_port=spec.port,
                to_port=spec.port,
                cidr_ipv4=cidr,
                description=f"{args.engine} clients in {cidr}",
                tags=merge_tags(args.tags, rule_name),
                opts=child,
            )
        return subnet_group, sg

    def _parameters(self, name: str, args: AuroraDatabaseArgs, spec: Any) -> aws.rds.ClusterParameterGroup:
        """Engine parameters: TLS only, logs that the exports need."""
        # Every global member carries the write-forwarding read consistency (it only acts where
        # forwarding is on), so whichever cluster is the secondary after a switchover has it.
        cluster_parameters = (*spec.cluster_parameters, *((spec.write_forwarding_parameter,) if args.is_global_member else ()))
        return aws.rds.ClusterParameterGroup(
            f"{name}-cluster-params",
            name=f"{args.identifier}-params",
            family=spec.parameter_group_family,
            description=f"Aurora {args.identifier}: TLS-only connections and audit logging",
            parameters=[
                aws.rds.ClusterParameterGroupParameterArgs(name=p.name, value=p.value, apply_method=p.apply_method)
                for p in cluster_parameters
            ],
            tags=merge_tags(args.tags, f"{name}-cluster-params"),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _credentials(self, name: str, args: AuroraDatabaseArgs) -> tuple[_ClusterCredentials, Optional[aws.secretsmanager.Secret]]:
        """Master credentials by role (see module doc), the cluster's ignore_changes and depends_on."""
        creds = _ClusterCredentials(inputs={}, ignore_changes=["engineVersion"], depends_on=[])  # upgrades via the global cluster or a planned change
        secret: Optional[aws.secretsmanager.Secret] = None
        if args.role == "primary":
            creds.inputs.update(database_name=args.database_name, master_username=args.master_username)
            if args.is_global_member:
                secret, secret_value, password = self._global_master_secret(name, args)
                creds.inputs["master_password"] = password
                creds.ignore_changes += ["masterPassword"]
                creds.depends_on.append(secret_value)
            else:
                creds.inputs.update(manage_master_user_password=True, master_user_secret_kms_key_id=args.kms_key_arn)
        if args.is_global_member:
            creds.inputs["global_cluster_identifier"] = args.global_cluster_identifier
            # Provider docs: a global member must ignore replicationSourceIdentifier; after a
            # switchover or a detach-and-promote the membership changes outside Pulumi.
            creds.ignore_changes += ["replicationSourceIdentifier", "globalClusterIdentifier"]
        return creds, secret

    def _global_master_secret(
        self, name: str, args: AuroraDatabaseArgs
    ) -> tuple[aws.secretsmanager.Secret, aws.secretsmanager.SecretVersion, pulumi.Output[str]]:
        """A global primary's master password, generated once, in a CMK-encrypted secret it owns."""
        ident = args.identifier
        password = pulumi.Output.secret(
            aws.secretsmanager.get_random_password_output(
                password_length=MASTER_PASSWORD_LENGTH,
                # Letters and digits only: RDS refuses '/', '"', '@' and spaces, and no
                # client needs escaping; 40 of 62 symbols is ~238 bits.
                exclude_punctuation=True,
                include_space=False,
                require_each_included_type=True,
                opts=pulumi.InvokeOutputOptions(parent=self),
            ).random_password
        )
        secret = aws.secretsmanager.Secret(
            f"{name}-master-secret",
            name=f"blueprint/rds/{ident}/master",
            description=f"Master user of Aurora cluster {ident} (global database primary)",
            kms_key_id=args.kms_key_arn,
            recovery_window_in_days=30,  # the longest: a deleted secret can be restored
            replicas=(
                [aws.secretsmanager.SecretReplicaArgs(region=args.master_secret_replica_region,
                                                      kms_key_id=args.master_secret_replica_kms_key_arn)]
                if args.master_secret_replica_region else None
            ),
            tags=merge_tags(args.tags, f"{name}-master-secret"),
            # Stateful: the only copy of the master password.
            opts=pulumi.ResourceOptions(parent=self, retain_on_delete=True),
        )
        secret_value = aws.secretsmanager.SecretVersion(
            f"{name}-master-secret-value",
            secret_id=secret.id,
            secret_string=pulumi.Output.json_dumps({"username": args.master_username, "password": password}),
            # Generated once; a later run's fresh password never replaces it.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["secretString"]),
        )
        return secret, secret_value, password

    def _cluster(self, name: str, args: AuroraDatabaseArgs, spec: Any,
                 placement: tuple[aws.rds.SubnetGroup, aws.ec2.SecurityGroup, aws.rds.ClusterParameterGroup],
                 creds: _ClusterCredentials) -> aws.rds.Cluster:
        subnet_group, sg, params = placement
        ident = args.identifier
        return aws.rds.Cluster(
            f"{name}-cluster",
            cluster_identifier=ident,
            engine=spec.aurora_engine,
            engine_version=spec.engine_version,
            port=spec.port,
            db_subnet_group_name=subnet_group.name,
            vpc_security_group_ids=[sg.id],
            db_cluster_parameter_group_name=params.name,
            storage_encrypted=True,
            kms_key_id=args.kms_key_arn,
            iam_database_authentication_enabled=True,
            backup_retention_period=args.backup_retention_days,
            preferred_backup_window=BACKUP_WINDOW,
            preferred_maintenance_window=MAINTENANCE_WINDOW,
            copy_tags_to_snapshot=True,
            deletion_protection=args.deletion_protection,
            skip_final_snapshot=False,
            final_snapshot_identifier=f"{ident}-final",
            delete_automated_backups=False,  # keep point-in-time backups after a deletion
            enabled_cloudwatch_logs_exports=list(spec.cloudwatch_log_exports),
            auto_minor_version_upgrade=_auto_minor_upgrade(args),
            # Secondaries state it either way, so turning it off later is a real change (pulumi-aws
            # rds.Cluster enableGlobalWriteForwarding, sent with CreateDBCluster as
            # EnableGlobalWriteForwarding: hashicorp/terraform-provider-aws internal/service/rds/
            # cluster.go; "Using write forwarding in an Amazon Aurora global database": enabling or
            # disabling it causes no downtime or reboot).
            enable_global_write_forwarding=args.global_write_forwarding if args.role == "secondary" else None,
            tags=merge_tags(args.tags, f"{name}-cluster"),
            opts=pulumi.ResourceOptions(
                parent=self, retain_on_delete=True, ignore_changes=creds.ignore_changes, depends_on=creds.depends_on
            ),
            **creds.inputs,
        )

    def _monitoring_role(self, name: str, args: AuroraDatabaseArgs) -> tuple[aws.iam.Role, aws.iam.RolePolicyAttachment]:
        """The Enhanced Monitoring role of the instances."""
        invoke = pulumi.InvokeOutputOptions(parent=self)
        identity = aws.get_caller_identity_output(opts=invoke)
        partition = aws.get_partition_output(opts=invoke)
        role = aws.iam.Role(
            f"{name}-monitoring-role",
            name_prefix=iam_role_name_prefix(f"{name}-monitoring-role"),  # fits IAM's 64 (blueprint/components/aws/_names.py)
            assume_role_policy=identity.account_id.apply(_monitoring_trust_policy),
            description=f"RDS Enhanced Monitoring of Aurora cluster {args.identifier}",
            tags=merge_tags(args.tags, f"{name}-monitoring-role"),
            opts=pulumi.ResourceOptions(parent=self),
        )
        attachment = aws.iam.RolePolicyAttachment(
            f"{name}-monitoring-policy",
            role=role.name,
            policy_arn=partition.partition.apply(
                lambda p: f"arn:{p}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        return role, attachment

    def _instances(self, name: str, args: AuroraDatabaseArgs, spec: Any, cluster: aws.rds.Cluster,
                   subnet_group: aws.rds.SubnetGroup) -> list[aws.rds.ClusterInstance]:
        """Instances round-robin over the zones, writer first."""
        role, attachment = self._monitoring_role(name, args)
        instances: list[aws.rds.ClusterInstance] = []
        for i in range(args.instance_count):
            zone = args.zones[i % len(args.zones)]
            instance_name = f"{name}-{zone}-instance-{i}"
            # Readers wait for instance 0, so on a primary instance 0 (zones[0]) is the writer.
            after = [attachment, *instances[:1]]
            instances.append(
                aws.rds.ClusterInstance(
                    instance_name,
                    identifier=f"{args.identifier}-{i}",
                    cluster_identifier=cluster.id,
                    engine=spec.aurora_engine,
                    instance_class=aws_instance_class(args.size),
                    availability_zone=zone,
                    db_subnet_group_name=subnet_group.name,
                    publicly_accessible=False,
                    auto_minor_version_upgrade=_auto_minor_upgrade(args),  # see the cluster
                    performance_insights_enabled=True,
                    performance_insights_kms_key_id=args.kms_key_arn,
                    performance_insights_retention_period=args.performance_insights_retention_days,
                    monitoring_interval=MONITORING_INTERVAL_S,
                    monitoring_role_arn=role.arn,
                    # Tier 0 = first choice on failover: the writer and the first reader (other zone).
                    promotion_tier=0 if i < 2 else 1,
                    copy_tags_to_snapshot=True,
                    tags=merge_tags(args.tags, instance_name),
                    opts=pulumi.ResourceOptions(parent=self, depends_on=after),
                )
            )
        return instances

    def _publish(self, args: AuroraDatabaseArgs, cluster: aws.rds.Cluster, sg: aws.ec2.SecurityGroup,
                 instances: list[aws.rds.ClusterInstance], secret: Optional[aws.secretsmanager.Secret]) -> None:
        self.role: str = args.role
        self.cluster_identifier: pulumi.Output[str] = cluster.cluster_identifier
        self.arn: pulumi.Output[str] = cluster.arn
        self.endpoint: pulumi.Output[str] = cluster.endpoint
        self.reader_endpoint: pulumi.Output[str] = cluster.reader_endpoint
        self.port: pulumi.Output[int] = cluster.port
        self.security_group_id: pulumi.Output[str] = sg.id
        self.instance_identifiers: pulumi.Output[list[str]] = pulumi.Output.all(*[i.identifier for i in instances])
        if args.role == "secondary":
            self.master_user_secret_arn: Optional[pulumi.Output[str]] = None
        elif secret is not None:
            self.master_user_secret_arn = secret.arn
        else:
            self.master_user_secret_arn = cluster.master_user_secrets.apply(
                lambda secrets: secrets[0].secret_arn if secrets else None
            )
        self.register_outputs(
            {
                "cluster_identifier": self.cluster_identifier,
                "arn": self.arn,
                "endpoint": self.endpoint,
                "reader_endpoint": self.reader_endpoint,
                "port": self.port,
                "master_user_secret_arn": self.master_user_secret_arn,
                "security_group_id": self.security_group_id,
                "instance_identifiers": self.instance_identifiers,
            }
        )


@dataclass
class _ClusterCredentials:
    """What the role decides about the cluster: its credential inputs, ignore_changes and depends_on."""

    inputs: dict[str, Any]
    ignore_changes: list[str]
    depends_on: list[pulumi.Resource]


def _auto_minor_upgrade(args: AuroraDatabaseArgs) -> bool:
    # AWS applies no automatic minor upgrades to clusters of a global database (AWS Config rule
    # "rds-automatic-minor-version-upgrade-enabled": unsupported for "Aurora clusters in a Global
    # Database"; Aurora MySQL "Enabling automatic upgrades between minor versions": it "doesn't
    # apply to ... Clusters that are part of an Aurora global database"). So members say False,
    # and their upgrade path is the global cluster's engine_version (AuroraGlobalCluster), which
    # upgrades the secondaries first, then the primary ("Upgrading an Amazon Aurora global database").
    return not args.is_global_member
