"""KmsKey (GCP): a regional Cloud KMS key ring and a symmetric CMEK key with rotation, plus the IAM
bindings that let Google service agents (GKE, Compute Engine, Cloud SQL, Cloud Storage, Pub/Sub)
encrypt and decrypt with it.

Children (for a component named ``n``):
    ``n-key-ring``              gcp.kms.KeyRing (in ``location``)
    ``n-key``                   gcp.kms.CryptoKey (ENCRYPT_DECRYPT, rotated, 120-day destroy schedule)
    ``n-encrypter-<member>``    gcp.kms.CryptoKeyIAMMember, roles/cloudkms.cryptoKeyEncrypterDecrypter,
                                one per ``encrypter_members`` entry (``<member>`` is the service agent's
                                short name, e.g. ``gke``, or the account's sanitised local part; a
                                member passed as an Output is named by its position, ``member<i>``)

Key rings and keys can never be deleted in Cloud KMS (only key *versions* can be destroyed), so both
are retained on delete: removing the component from a program leaves them, and every version, in
place rather than scheduling the key material for destruction.
"""

from __future__ import annotations

import re
from typing import Any

import pulumi
import pulumi_gcp as gcp
from pydantic import BaseModel, ConfigDict, Field, field_validator

from blueprint.components._validation import IntBetween

from ._labels import check_region, label_value, merge_labels
from ._types import Labels

# Cloud KMS resource ids: key ring and crypto key names are 1..63 of [a-zA-Z0-9_-].
_KMS_NAME = re.compile(r"^[A-Za-z0-9_-]{1,63}$")
ENCRYPTER_ROLE = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
# CryptoKey.destroy_scheduled_duration: Cloud KMS allows 1..120 days (default 30); the maximum gives
# the longest window to restore a version whose destruction was scheduled by mistake.
DESTROY_SCHEDULED_DURATION = "10368000s"  # 120 days
_DAY = 86400
# Cloud KMS multi-region locations: the keys of Cloud Storage dual-region buckets live there
# ("For most dual-regions, you must create the Cloud KMS key ring in the associated multi-region").
MULTI_REGIONS = ("us", "europe", "asia")
_MEMBER_PREFIXES = ("serviceAccount:", "user:", "group:", "domain:", "principal:", "principalSet:")
RotationPeriodDays = IntBetween(1, 36500, note=" (Cloud KMS rotates at most daily); default 90")

# The agents that use these keys (GKE, Compute Engine, Cloud SQL, Cloud Storage, Pub/Sub) come from the
# provider's lookups: blueprint/components/gcp/service_agents.py. Each encrypts with a CMEK only while it holds
# roles/cloudkms.cryptoKeyEncrypterDecrypter on the key.
_GOOGLE_AGENT = re.compile(r"^(service-|service-org-|project-)?p?\d+$")
# Short names of the bindings of agents passed as plain emails, by the agent's domain label: names are
# a contract (a binding's logical name), so they stay what they were (naming only; no email is built).
_AGENT_SLUGS = {"container-engine-robot": "gke", "compute-system": "compute", "gcp-sa-cloud-sql": "cloudsql",
                "gs-project-accounts": "gcs", "gcp-sa-pubsub": "pubsub"}


def _member(value: str) -> str:
    return value if value.startswith(_MEMBER_PREFIXES) else f"serviceAccount:{value}"


def _member_slug(member: str) -> str:
    """Short name of a member for its binding's name: the account's local part, or for a Google-managed
    agent (``service-<number>@<agent>.iam.gserviceaccount.com``) the agent's domain label."""
    email = member.split(":", 1)[1] if ":" in member else member
    local, _, domain = email.partition("@")
    if _GOOGLE_AGENT.match(local) and domain:
        label = domain.split(".", 1)[0]
        return _AGENT_SLUGS.get(label) or label_value(label).strip("-_") or "member"
    return label_value(local).strip("-_") or "member"


class KmsKeyArgs(BaseModel):
    """Settings of a regional customer-managed Cloud KMS key."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    key_ring_name: str = Field(description="Key ring name, 1..63 of letters, digits, '_' or '-'; unique per project "
                               "and location (key rings cannot be deleted, so a name is used once).")
    key_name: str = Field(description="Crypto key name, 1..63 of letters, digits, '_' or '-'.")
    location: str = Field(description="Region of the key ring, e.g. 'europe-west4' (CMEK keys must be in the "
                          "location of the data they protect), or the multi-region 'us' / 'europe' / 'asia' for "
                          "dual-region buckets.")
    # Secure default: 90 days, the CIS GCP benchmark 1.10 maximum ("rotated within 90 days").
    rotation_period_days: RotationPeriodDays = Field(
        default=90,
        description="Automatic rotation period in days; rotation is always on. 1..36500 (Cloud KMS minimum is "
        "one day); default 90 (CIS GCP 1.10).",
    )
    encrypter_members: tuple[Any, ...] = Field(
        default=(),
        description="Principals granted roles/cloudkms.cryptoKeyEncrypterDecrypter on the key: emails (taken as "
        "serviceAccount:), 'serviceAccount:'/'group:'/... members, or pulumi Outputs of either (e.g. "
        "ServiceIdentity.email). Default none; see blueprint.components.gcp.service_agents.project_service_agents.",
    )
    labels: Labels = Field(default_factory=dict, description="Labels merged onto the crypto key.")

    @field_validator("key_ring_name", "key_name")
    @classmethod
    def _names(cls, v: str, info) -> str:
        if not _KMS_NAME.match(v):
            raise ValueError(f"{info.field_name}: {v!r} is not a valid Cloud KMS name; use 1..63 letters, digits, "
                             "'_' or '-'")
        return v

    @field_validator("location")
    @classmethod
    def _location(cls, v: str) -> str:
        if v in MULTI_REGIONS:
            return v
        if not re.match(r"^[a-z]+-[a-z]+\d+$", v):
            raise ValueError(f"location: {v!r} is not a GCP region; CMEK keys live in the data's location, e.g. "
                             f"'europe-west4', or one of {', '.join(MULTI_REGIONS)} for dual-region buckets (not 'global')")
        return check_region("location", v)

    @field_validator("encrypter_members")
    @classmethod
    def _members(cls, v: tuple[Any, ...]) -> tuple[Any, ...]:
        out: list[Any] = []
        seen: set[str] = set()
        for item in v:
            if isinstance(item, pulumi.Output):
                out.append(item)
                continue
            if not isinstance(item, str) or "@" not in item and not item.startswith(("domain:", "principalSet:")):
                raise ValueError(f"encrypter_members: {item!r} is not an IAM member; pass an email such as "
                                 "'ci@my-project.iam.gserviceaccount.com' or 'group:x@example.com'")
            member = _member(item)
            if member in seen:
                raise ValueError(f"encrypter_members: {item!r} is listed twice; list each member once")
            seen.add(member)
            out.append(member)
        slugs = [_member_slug(m) for m in out if isinstance(m, str)]
        duplicated = sorted({s for s in slugs if slugs.count(s) > 1})
        if duplicated:
            raise ValueError(f"encrypter_members: several members share the short name(s) {duplicated!r} that name "
                             "their IAM bindings; grant the others with your own CryptoKeyIAMMember")
        return tuple(out)

    def rotation_period(self) -> str:
        return f"{self.rotation_period_days * _DAY}s"


class KmsKey(pulumi.ComponentResource):
    """A regional Cloud KMS key ring + ENCRYPT_DECRYPT key, rotated (90 days by default), retained on
    delete, usable by the listed service agents."""

    id: pulumi.Output[str]
    crypto_key_id: pulumi.Output[str]
    key_ring_id: pulumi.Output[str]
    name: pulumi.Output[str]

    def __init__(self, name: str, args: KmsKeyArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("blueprint:gcp:KmsKey", name, None, opts)
        # Key rings and keys cannot be deleted in Cloud KMS: never try, never destroy key versions.
        keep = pulumi.ResourceOptions(parent=self, retain_on_delete=True)

        ring = gcp.kms.KeyRing(f"{name}-key-ring", name=args.key_ring_name, location=args.location, opts=keep)
        key_child = f"{name}-key"
        key = gcp.kms.CryptoKey(
            key_child,
            name=args.key_name,
            key_ring=ring.id,
            purpose="ENCRYPT_DECRYPT",
            rotation_period=args.rotation_period(),
            destroy_scheduled_duration=DESTROY_SCHEDULED_DURATION,
            version_template=gcp.kms.CryptoKeyVersionTemplateArgs(
                algorithm="GOOGLE_SYMMETRIC_ENCRYPTION", protection_level="SOFTWARE"
            ),
            labels=merge_labels(args.labels, key_child),
            opts=keep,
        )
        bindings = []
        for index, member in enumerate(args.encrypter_members):
            slug = _member_slug(member) if isinstance(member, str) else f"member{index}"
            bindings.append(gcp.kms.CryptoKeyIAMMember(
                f"{name}-encrypter-{slug}",
                crypto_key_id=key.id,
                role=ENCRYPTER_ROLE,
                member=member if isinstance(member, str) else pulumi.Output.from_input(member).apply(_member),
                opts=pulumi.ResourceOptions(parent=self),
            ))

        # `id` resolves only once every IAM binding exists, so a CMEK consumer (GKE, Cloud SQL, a
        # bucket) created from it never races the grant to its service agent.
        self.id = pulumi.Output.all(key.id, *[b.id for b in bindings]).apply(lambda ids: ids[0])
        self.crypto_key_id = key.id
        self.key_ring_id = ring.id
        self.name = key.name
        self.register_outputs({"id": self.id, "crypto_key_id": self.crypto_key_id, "key_ring_id": self.key_ring_id, "name": self.name})
