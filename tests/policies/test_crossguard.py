"""The CrossGuard pack's adapters, called the way pulumi-policy calls them, without serving a pack."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Optional

import pytest
import yaml

from policy_helpers import ROOT
from blueprint.policies import RULES, RULES_BY_ID
from blueprint.policies import crossguard as cg
from blueprint.policies.model import UNKNOWN

UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # pulumi's sentinel for an unknown string


class UnknownValueError(Exception):
    """Stands in for pulumi_policy.proxy.UnknownValueError (matched by name)."""


class Proxy(dict):
    """Like pulumi-policy's unknown-checking proxy: reading an unknown value raises."""

    def __getitem__(self, key: Any) -> Any:
        value = super().__getitem__(key)
        if value == UNKNOWN_STRING:
            raise UnknownValueError(key)
        return value


def validation_args(type_: str, props: dict[str, Any], name: str = "r", stack: str = "prod", region: str = "us-east-1",
                    config: Optional[dict[str, Any]] = None) -> SimpleNamespace:
    provider = SimpleNamespace(resource_type="pulumi:providers:aws", props={"region": region}, urn="urn:p", name="p")
    return SimpleNamespace(resource_type=type_, props=Proxy(props), urn=f"urn:pulumi:{stack}::blueprint::{type_}::{name}", name=name,
                           opts=SimpleNamespace(parent=None), provider=provider, get_config=lambda: config or {})


def policy_resource(type_: str, props: dict[str, Any], name: str, stack: str = "prod", region: Optional[str] = "us-east-1",
                    dependencies: Optional[list[Any]] = None) -> SimpleNamespace:
    provider = SimpleNamespace(props={"region": region}) if region else None
    return SimpleNamespace(resource_type=type_, props=Proxy(props), urn=f"urn:pulumi:{stack}::blueprint::{type_}::{name}", name=name,
                           provider=provider, parent=None, dependencies=dependencies or [])


def collect(validate: Any, args: Any) -> list[tuple[str, Optional[str]]]:
    found: list[tuple[str, Optional[str]]] = []
    validate(args, lambda message, urn=None: found.append((message, urn)))
    return found


def test_plain_turns_unknowns_into_unknown() -> None:
    value = cg.plain(Proxy({"a": UNKNOWN_STRING, "b": [Proxy({"c": 1})], "d": "x"}))
    assert value == {"a": UNKNOWN, "b": [{"c": 1}], "d": "x"}


def test_region_from_provider_or_own_or_global() -> None:
    assert cg.region_of("aws:sqs/queue:Queue", {}, {"region": "us-west-2"}) == "us-west-2"
    assert cg.region_of("aws:sqs/queue:Queue", {"region": "eu-west-1"}, {"region": "us-west-2"}) == "eu-west-1"
    assert cg.region_of("aws:iam/role:Role", {}, {"region": "us-west-2"}) == "global"
    assert cg.region_of("gcp:storage/bucket:Bucket", {"location": "europe-west4"}, None) == "europe-west4"


def test_resource_policy_reports_plain_http_listener() -> None:
    validate = cg.resource_validator(RULES_BY_ID["tls-listener"])
    bad = validation_args("aws:lb/listener:Listener", {"protocol": "HTTP", "port": 80, "defaultActions": [{"type": "forward", "targetGroupArn": UNKNOWN_STRING}]})
    good = validation_args("aws:lb/listener:Listener", {"protocol": "HTTP", "defaultActions": [{"type": "redirect", "redirect": {"protocol": "HTTPS"}}]})
    found = collect(validate, bad)
    assert len(found) == 1 and "plain-HTTP" in found[0][0] and "Fix:" in found[0][0]
    assert collect(validate, good) == []


def test_resource_policy_skips_unknown_values_in_preview() -> None:
    validate = cg.resource_validator(RULES_BY_ID["encryption-at-rest-cmk"])
    preview = validation_args("aws:sns/topic:Topic", {"kmsMasterKeyId": UNKNOWN_STRING})
    assert collect(validate, preview) == []
    assert len(collect(validate, validation_args("aws:sns/topic:Topic", {}))) == 1


def test_resource_policy_ignores_other_types() -> None:
    validate = cg.resource_validator(RULES_BY_ID["kms-key-rotation"])
    assert collect(validate, validation_args("aws:sns/topic:Topic", {})) == []


def test_stack_policy_reports_resource_outside_jurisdiction_with_its_urn() -> None:
    validate = cg.stack_validator(RULES_BY_ID["residency-region"])
    queue = policy_resource("aws:sqs/queue:Queue", {"kmsMasterKeyId": "k"}, "q", region="eu-west-1")
    role = policy_resource("aws:iam/role:Role", {}, "role")
    found = collect(validate, SimpleNamespace(resources=[queue, role], get_config=lambda: {"residency": "us"}))
    assert [urn for _, urn in found] == [queue.urn]


def test_stack_policy_resolves_graph_exemptions() -> None:
    validate = cg.stack_validator(RULES_BY_ID["residency-region"])
    tag = {"blueprint:residency-exemption": "route53-health-check-metrics"}
    key = policy_resource("aws:kms/key:Key", {"tags": tag, "enableKeyRotation": True}, "alarm-key", stack="prod-eu")
    alias = policy_resource("aws:kms/alias:Alias", {"name": "alias/x"}, "alarm-alias", stack="prod-eu", dependencies=[key])
    stray = policy_resource("aws:kms/alias:Alias", {"name": "alias/y"}, "stray-alias", stack="prod-eu")
    found = collect(validate, SimpleNamespace(resources=[key, alias, stray], get_config=lambda: {}))
    assert [urn for _, urn in found] == [stray.urn]  # prod-eu's stack file says eu


def test_jurisdiction_sources(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.delenv(cg.ENV_RESIDENCY, raising=False)
    assert cg.jurisdiction_for({"residency": "jp"}, "urn:pulumi:prod::blueprint::t::n") == "jp"
    assert cg.jurisdiction_for({}, "urn:pulumi:prod-eu::blueprint::t::n") == "eu"  # stacks/Pulumi.prod-eu.yaml
    assert cg.jurisdiction_for({}, "urn:pulumi:nope::blueprint::t::n") is None
    monkeypatch.setenv(cg.ENV_RESIDENCY, "ca")
    assert cg.jurisdiction_for(None, "urn:pulumi:nope::blueprint::t::n") == "ca"


class FakePulumiPolicy:
    """The parts of the pulumi_policy module build_policies uses, recording their arguments."""

    class EnforcementLevel:
        MANDATORY = "MANDATORY"
        ADVISORY = "ADVISORY"

    class PolicyConfigSchema:
        def __init__(self, properties: dict[str, Any]):
            self.properties = properties

    class ResourceValidationPolicy:
        def __init__(self, **kwargs: Any):
            self.kind, self.kwargs = "resource", kwargs

    class StackValidationPolicy:
        def __init__(self, **kwargs: Any):
            self.kind, self.kwargs = "stack", kwargs


def test_build_policies_wraps_every_rule() -> None:
    policies = cg.build_policies(FakePulumiPolicy)
    assert [p.kwargs["name"] for p in policies] == [r.id for r in RULES]
    for policy, rule in zip(policies, RULES):
        assert policy.kind == rule.scope
        assert policy.kwargs["enforcement_level"] == rule.enforcement.upper()
        assert policy.kwargs["remediation_steps"] == rule.remediation
        assert "residency" in policy.kwargs["config_schema"].properties
        assert callable(policy.kwargs["validate"])


def test_pack_files() -> None:
    project = yaml.safe_load((ROOT / "policies" / "PulumiPolicy.yaml").read_text(encoding="utf-8"))
    assert project["runtime"]["name"] == "python"
    main = (ROOT / "policies" / "__main__.py").read_text(encoding="utf-8")
    assert "PolicyPack(" in main and "build_policies(pulumi_policy)" in main
    requirements = (ROOT / "policies" / "requirements.txt").read_text(encoding="utf-8")
    assert "pulumi-policy==" in requirements


def _as_pulumi_policy(data: dict[str, Any]) -> list[SimpleNamespace]:
    """The prod plan as pulumi-policy hands a stack to StackValidationPolicy: outputs as props,
    parent and dependency objects, the provider's properties."""
    by_urn = {r["urn"]: r for r in data["resources"]}
    default_region = next(r["inputs"]["region"] for r in data["resources"] if r["type"] == "pulumi:providers:aws")
    objects: dict[str, SimpleNamespace] = {}
    for r in data["resources"]:
        provider = by_urn.get(r.get("provider") or "")
        region = (provider or {}).get("inputs", {}).get("region", default_region)
        objects[r["urn"]] = SimpleNamespace(resource_type=r["type"], props=Proxy({**r["outputs"], **r["inputs"]}), urn=r["urn"],
                                            name=r["name"], provider=SimpleNamespace(props={"region": region}), parent=None, dependencies=[])
    for r in data["resources"]:
        objects[r["urn"]].parent = objects.get(r["parent"])
        objects[r["urn"]].dependencies = [objects[d] for d in r["dependencies"] if d in objects]
    return list(objects.values())


def test_pack_passes_the_prod_plan_and_catches_tampering(prod_data: dict[str, Any]) -> None:
    resources = _as_pulumi_policy(prod_data)
    args = SimpleNamespace(resources=resources, get_config=lambda: {})
    for rule in RULES:
        if rule.scope == "stack":
            assert collect(cg.stack_validator(rule), args) == [], rule.id
        else:
            validate = cg.resource_validator(rule)
            for r in resources:
                opts = SimpleNamespace(parent=r.parent.urn if r.parent else None)
                single = SimpleNamespace(resource_type=r.resource_type, props=r.props, urn=r.urn, name=r.name, opts=opts,
                                         provider=r.provider, get_config=lambda: {})
                found = collect(validate, single)
                if rule.id == "api-endpoint-placeholder-cidrs":  # advisory: prod lists RFC 5737 placeholders
                    assert rule.enforcement == "advisory" and all("RFC 5737" in m for m, _ in found)
                    continue
                assert found == [], (rule.id, r.urn)
    lock = next(r for r in resources if r.name == "fraud-scoring-us-east-1-vault-object-lock")
    lock.props["rule"]["defaultRetention"]["mode"] = "GOVERNANCE"
    found = collect(cg.stack_validator(RULES_BY_ID["immutability-vault-object-lock"]), args)
    assert [urn for _, urn in found] == [lock.urn]
