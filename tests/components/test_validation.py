"""blueprint.components._validation and the clouds' alias modules: one check, attached to a type, guards any
field and names the field it guards; inclusive ranges; pulumi Inputs pass unchecked."""

from __future__ import annotations

import re
from typing import Optional

import pulumi
import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from blueprint.components._validation import (
    AtLeastOne,
    HttpPath,
    InputMatching,
    IntBetween,
    MaxNodes,
    MinNodes,
    TcpPort,
)
from blueprint.components.aws._types import KmsKeyArn, Tags
from blueprint.components.gcp._types import CryptoKeyId, GcpName, KmsKeyId, Labels, LabelsAsGiven, Region, kms_key_location

CMK = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
Retention = IntBetween(1, 35, scope="Aurora's ", note=" days")
Name = InputMatching(re.compile(r"^[a-z]{2,8}$"), "is not a short name; pass 2..8 lower-case letters")
ReadinessPath = HttpPath(255, "Route 53")
OptionalName = InputMatching(re.compile(r"^[a-z]{2,8}$"), "is not a short name", optional=True)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    first: Retention = 7
    second: Optional[Retention] = None
    port: TcpPort = 443
    path: ReadinessPath = "/ready"
    name: Name = "ab"
    maybe: OptionalName = None
    low: MinNodes = 0
    high: MaxNodes = 1
    tags: Tags = Field(default_factory=dict)
    key: KmsKeyArn = CMK


@pytest.mark.parametrize("value", [1, 35])
def test_int_between_includes_both_bounds(value):
    assert _Model(first=value).first == value


@pytest.mark.parametrize("value", [0, 36])
def test_fails_int_between_outside_names_the_field_scope_and_range(value):
    with pytest.raises(ValidationError, match=rf"first: {value} is outside Aurora's 1\.\.35 days"):
        _Model(first=value)


def test_fails_same_alias_on_another_field_names_that_field():
    with pytest.raises(ValidationError, match=r"second: 99 is outside Aurora's 1\.\.35 days"):
        _Model(second=99)
    assert _Model(second=None).second is None


@pytest.mark.parametrize("port", [0, 65536])
def test_fails_port_outside_tcp_range(port):
    with pytest.raises(ValidationError, match=rf"port: {port} is not a TCP port; pass 1\.\.65535"):
        _Model(port=port)


@pytest.mark.parametrize("path", ["ready", "/a b", "/" + "x" * 255])
def test_fails_http_path_not_absolute_spaced_or_too_long(path):
    with pytest.raises(ValidationError, match=r"path: .* must be an absolute HTTP path without spaces, at most 255 "
                                              r"characters \(Route 53\)"):
        _Model(path=path)


def test_input_matching_lets_outputs_through_and_checks_literals():
    assert isinstance(_Model(name=pulumi.Output.from_input("NOT-CHECKED")).name, pulumi.Output)
    with pytest.raises(ValidationError, match=r"name: 'A1' is not a short name; pass 2\.\.8 lower-case letters"):
        _Model(name="A1")


def test_fails_input_matching_none_unless_optional():
    with pytest.raises(ValidationError, match=r"name: None is not a short name"):
        _Model(name=None)
    assert _Model(maybe=None).maybe is None


def test_fails_node_counts_below_their_floor():
    with pytest.raises(ValidationError, match="low: -1 is negative; use 0"):
        _Model(low=-1)
    with pytest.raises(ValidationError, match="high: 0 must be at least 1"):
        _Model(high=0)


def test_fails_aws_aliases_name_the_field():
    with pytest.raises(ValidationError, match=r"tags: tag key 'aws:team' uses the reserved 'aws:' prefix"):
        _Model(tags={"aws:team": "ml"})
    with pytest.raises(ValidationError, match=r"key: 'alias/data' is not a KMS key ARN"):
        _Model(key="alias/data")


class _GcpModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    where: Region = "europe-west4"
    key: KmsKeyId = None
    labels: Labels = Field(default_factory=dict)


def test_fails_gcp_aliases_name_the_field():
    with pytest.raises(ValidationError, match=r"where: 'europe-west4-a' is not a GCP region name"):
        _GcpModel(where="europe-west4-a")
    with pytest.raises(ValidationError, match=r"key: 'k' is not a Cloud KMS key id"):
        _GcpModel(key="k")
    with pytest.raises(ValidationError, match=r"labels: label key 'Team' is invalid"):
        _GcpModel(labels={"Team": "ml"})
    assert isinstance(_GcpModel(key=pulumi.Output.from_input("x")).key, pulumi.Output)


class _SharedModel(BaseModel):
    """The aliases the GCP components and both clouds' alert components share."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    threshold: AtLeastOne = 1
    maybe_threshold: Optional[AtLeastOne] = None
    name: GcpName(40) = "prod-europe-west4"
    labels: LabelsAsGiven = Field(default_factory=dict)
    key: CryptoKeyId = "projects/p/locations/europe-west4/keyRings/r/cryptoKeys/k"


def test_fails_at_least_one_below_one_names_the_field():
    assert _SharedModel(threshold=1, maybe_threshold=None).threshold == 1
    with pytest.raises(ValidationError, match=r"threshold: 0 must be at least 1"):
        _SharedModel(threshold=0)
    with pytest.raises(ValidationError, match=r"maybe_threshold: -5 must be at least 1"):
        _SharedModel(maybe_threshold=-5)


def test_fails_gcp_name_longer_than_its_factory_limit():
    assert _SharedModel(name="a" * 40).name == "a" * 40
    with pytest.raises(ValidationError, match=r"name: 'a{41}' is not a valid GCP resource name; use 1\.\.40"):
        _SharedModel(name="a" * 41)
    with pytest.raises(ValidationError, match=r"name: 'ends-' is not a valid GCP resource name"):
        _SharedModel(name="ends-")


def test_labels_as_given_leave_no_room_for_a_name_label():
    """64 labels pass (no blueprint-name is added); Labels (which adds one) allows only 63."""
    many = {f"k{i}": "v" for i in range(64)}
    assert len(_SharedModel(labels=many).labels) == 64
    with pytest.raises(ValidationError, match=r"labels: 64 labels; GCP allows 64 per resource and blueprint adds one"):
        _GcpModel(labels=many)
    with pytest.raises(ValidationError, match=r"labels: 65 labels; GCP allows at most 64"):
        _SharedModel(labels={**many, "k64": "v"})


def test_crypto_key_id_captures_the_location_and_lets_outputs_through():
    assert kms_key_location(_SharedModel().key) == "europe-west4"
    assert kms_key_location("projects/p/locations/europe/keyRings/r/cryptoKeys/k") == "europe"
    assert isinstance(_SharedModel(key=pulumi.Output.from_input("x")).key, pulumi.Output)
    with pytest.raises(ValidationError, match=r"key: 'projects/p/locations/europe-west4/keyRings/r/cryptoKeys/k/"
                                              r"cryptoKeyVersions/1' is not a Cloud KMS crypto key id"):
        _SharedModel(key="projects/p/locations/europe-west4/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1")


def test_fails_a_repeated_name_and_a_bad_prefix_rule_in_any_component():
    """check_distinct and check_prefix_expiration: one check for every Args model that lists names or
    object-prefix lifecycle rules (AWS and GCP secrets, backup vaults and buckets)."""
    from blueprint.components._validation import check_distinct, check_prefix_expiration

    assert check_distinct("a secret")("secrets", ("a", "b")) == ("a", "b")
    with pytest.raises(ValueError, match=r"secrets: \['a', 'a'\] names a secret twice"):
        check_distinct("a secret")("secrets", ("a", "a"))
    assert check_prefix_expiration("prefix_expiration_days", {"checkpoints/": 30}) == {"checkpoints/": 30}
    for bad in ({"checkpoints": 30}, {"checkpoints/": 0}, {"": 3}):
        with pytest.raises(ValueError, match=r"prefix_expiration_days: .* needs a prefix ending in '/' and days >= 1"):
            check_prefix_expiration("prefix_expiration_days", bad)
