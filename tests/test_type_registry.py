"""The type registry (blueprint/types/) is complete for what the stacks plan, and the plan readers
hold no type token of their own (issue 14, "Read model")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from blueprint import types as registry
from blueprint.plan.model import Plan, PlannedResource
from blueprint.plan.run import plan_stack
from blueprint.project import StackRef
from blueprint.types import aws, command, gcp, k8s
from tests.conftest import BASELINE, SHIPPED_STACKS, write_stack

ROOT = Path(__file__).resolve().parents[1]
LONG_NAMES = sorted((ROOT / "tests" / "data" / "long-names").glob("Pulumi.*.yaml"))
# Packages whose types the registry must know; components (blueprint:*) and providers are not resources of a cloud.
REGISTERED_PACKAGES = ("aws", "gcp", "kubernetes", "command")
# The readers: every .py under these, except the registry's own tables.
READERS = ("blueprint/policies", "blueprint/analysis", "blueprint/rebuild", "blueprint/audit", "blueprint/readiness",
           "blueprint/check", "blueprint/export", "blueprint/plan", "blueprint/diagram")
# The name-limit tables are the registry's name-rule column (blueprint.types.name_rule reads them);
# blueprint/export/types.py is a view of the registry's Terraform column.
REGISTRY_TABLES = ("blueprint/readiness/name_limits_aws.py", "blueprint/readiness/name_limits_gcp.py",
                   "blueprint/readiness/name_limits_k8s.py")
# A type token or a package/module prefix of one: "aws:eks/cluster:Cluster", "aws:s3/", "aws:",
# "kubernetes:...", "command:..." (not "aws:kms", an S3 algorithm, or "aws:SecureTransport", an IAM key).
TOKEN = re.compile(r"""["'](?:(?:aws|gcp):(?:[a-z0-9]+/|["'])|kubernetes:|command:)""")


def missing_types(plan: Plan) -> list[str]:
    """The planned types of a registered package that the registry does not know."""
    return sorted({r.type for r in plan.resources
                   if registry.cloud_of(r.type) in REGISTERED_PACKAGES and not registry.known(r.type)})


def _stack_refs(tmp_path_factory) -> list[StackRef]:
    refs = [StackRef(s, ROOT / "stacks" / f"Pulumi.{s}.yaml") for s in SHIPPED_STACKS]
    refs += [StackRef(p.name[len("Pulumi."):-len(".yaml")], p) for p in LONG_NAMES]
    baseline = write_stack(tmp_path_factory.mktemp("registry"), dict(BASELINE), "baseline")
    return refs + [StackRef("baseline", baseline)]


@pytest.fixture(scope="module")
def planned(tmp_path_factory) -> dict[str, Plan]:
    return {ref.name: plan_stack(ROOT, ref) for ref in _stack_refs(tmp_path_factory)}


def test_every_planned_type_is_in_its_clouds_registry(planned):
    assert {"prod", "gcp-prod", "long-aws", "long-gcp", "baseline"} <= set(planned)
    missing = {name: missing_types(plan) for name, plan in planned.items()}
    assert not any(missing.values()), f"add these types to blueprint/types/<cloud>.py: {missing}"


def _resource(type_: str, name: str) -> PlannedResource:
    return PlannedResource(urn=f"urn:pulumi:t::p::{type_}::{name}", type=type_, name=name, parent=None, dependencies=[],
                           region="us-east-1", zone=None, workload=None, inputs={})


def test_fails_when_a_planned_type_is_missing():
    unknown = "aws:newservice/thing:Thing"
    plan = Plan(stack="t", cloud="aws", resources=[
        _resource(unknown, "x"), _resource(aws.EKS_CLUSTER, "c"), _resource("blueprint:aws:EksCluster", "e"),
    ])
    assert missing_types(plan) == [unknown]


def _reader_files() -> list[Path]:
    tables = {ROOT / t for t in REGISTRY_TABLES}
    return [f for d in READERS for f in sorted((ROOT / d).rglob("*.py")) if f not in tables]


def test_readers_hold_no_raw_type_token():
    found = [f"{f.relative_to(ROOT)}:{n}: {line.strip()}" for f in _reader_files()
             for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1) if TOKEN.search(line)]
    assert not found, "use the constants of blueprint/types/<cloud>.py instead:\n" + "\n".join(found)


@pytest.mark.parametrize("line", ['T = "aws:eks/cluster:Cluster"', 'x.startswith("aws:")', "p = 'gcp:dns/'",
                                  'K = "kubernetes:core/v1:Service"', 'C = "command:local:Command"'])
def test_fails_on_a_raw_token_literal(line):
    assert TOKEN.search(line)


@pytest.mark.parametrize("line", ['if algorithm in ("aws:kms", "aws:kms:dsse"):', 'condition.get("aws:SecureTransport")',
                                  "EKS = aws.EKS_CLUSTER"])
def test_values_that_are_not_type_tokens_pass(line):
    assert not TOKEN.search(line)


def test_every_constant_is_registered_and_well_formed():
    for module in (aws, gcp, k8s, command):
        for name, value in vars(module).items():
            # INVOKE_* name functions (data sources), not resource types: tested below.
            if name.isupper() and not name.startswith("INVOKE_") and isinstance(value, str) and value.count(":") == 2:
                assert registry.known(value), f"{module.__name__}.{name} = {value!r} is not in the registry"
                assert registry.info(value).cloud == registry.cloud_of(value)


def test_type_info_holds_terraform_role_encryption_and_zone_keys():
    eks = registry.info(aws.EKS_CLUSTER)
    assert (eks.terraform, eks.role, eks.encryption) == ("aws_eks_cluster", registry.ROLE_CLUSTER, "encryptionConfig.provider.keyArn")
    assert registry.info(aws.EKS_NODE_GROUP).zone_keys == ("subnetIds",)
    assert registry.info(gcp.CONTAINER_NODE_POOL).zone_keys == ("nodeLocations",)
    assert registry.info(gcp.SQL_DATABASE_INSTANCE).terraform == "google_sql_database_instance"
    assert registry.info(k8s.HELM_RELEASE).terraform is None
    assert registry.info("aws:nothing/such:Type") is None
    assert set(registry.of_role(registry.ROLE_COMPUTE_POOL)) == {aws.EKS_NODE_GROUP, gcp.CONTAINER_NODE_POOL}
    assert registry.of_role(registry.ROLE_DATABASE, "gcp") == (gcp.SQL_DATABASE_INSTANCE,)


def test_encryption_property_names_the_type_when_absent():
    assert registry.encryption_property(gcp.STORAGE_BUCKET) == "encryption.defaultKmsKeyName"
    with pytest.raises(KeyError, match="aws:ec2/vpc:Vpc"):
        registry.encryption_property(aws.EC2_VPC)


def test_name_rule_comes_from_the_name_limit_tables():
    assert registry.name_rule(aws.EKS_NODE_GROUP).prop == "nodeGroupName"
    assert registry.name_rule(aws.EC2_ROUTE) is None


def test_export_reads_the_registry():
    from blueprint.export import types as export_types

    for token, entry in registry.REGISTRY.items():
        assert export_types.terraform_type(token) == entry.terraform
    assert export_types.provider_local_name(gcp.NETWORKSERVICES_SERVICE_LB_POLICIES) == "google-beta"


def test_every_type_a_policy_rule_names_is_registered():
    """A misspelt token in a rule's ``types`` would make the rule check nothing, silently."""
    from blueprint.policies.encryption import AT_REST
    from blueprint.policies.registry import RULES

    named = {t for r in RULES for t in r.types} | set(AT_REST)
    assert named and not sorted(t for t in named if not registry.known(t))


def _path(data, dotted: str):
    for key in dotted.split("."):
        data = data.get(key) if isinstance(data, dict) else None
    return data


def test_zone_keys_are_inputs_the_planned_resources_set(planned):
    """The registry's zone keys are real inputs: each planned type with zone keys sets one of them."""
    seen: dict[str, bool] = {}
    for plan in planned.values():
        for r in plan.resources:
            keys = registry.info(r.type).zone_keys if registry.known(r.type) else ()
            if keys:
                seen[r.type] = seen.get(r.type, False) or any(_path(r.inputs, k) for k in keys)
    assert aws.EKS_NODE_GROUP in seen and gcp.CONTAINER_NODE_POOL in seen
    # Cloud SQL's zone preference is optional: the shipped REGIONAL instances leave the zone to Google.
    optional = {gcp.SQL_DATABASE_INSTANCE}
    assert all(ok for t, ok in seen.items() if t not in optional), [t for t, ok in seen.items() if not ok and t not in optional]


def test_every_role_is_a_named_role():
    assert {i.role for i in registry.REGISTRY.values() if i.role} <= registry.ROLES


def _invoke_constants() -> set[str]:
    return {v for m in (aws, gcp) for n, v in vars(m).items() if n.startswith("INVOKE_")}


def test_the_mocks_answer_exactly_the_registered_invokes_and_no_invoke_is_a_type():
    from blueprint.plan.mocks import PlanMocks

    answered = set(PlanMocks({}, lambda _: None)._invokes)
    assert answered == _invoke_constants()
    assert not any(registry.known(t) for t in answered)
    assert all(t.startswith(registry.cloud_of(t) + ":") and t.count(":") == 2 for t in answered)


def test_every_residency_global_service_has_no_region_in_the_plan():
    """The residency exemption (no region AND no customer data) is narrower than placement's
    "region = global" table, never wider: an exempt type planned in a region would be checked as regional."""
    from blueprint.plan.placement import is_global_type

    for prefix in aws.GLOBAL_SERVICE_PREFIXES + gcp.GLOBAL_SERVICE_PREFIXES:
        assert is_global_type(prefix + "x"), prefix
    # ...and really narrower: CloudFront has no region but caches data outside any jurisdiction.
    cloudfront = "aws:cloudfront/distribution:Distribution"
    assert is_global_type(cloudfront) and not cloudfront.startswith(aws.GLOBAL_SERVICE_PREFIXES)


def test_fails_when_placement_and_residency_disagree(monkeypatch):
    from blueprint.plan import placement

    monkeypatch.setattr(placement, "_GLOBAL_PREFIXES", tuple(p for p in placement._GLOBAL_PREFIXES if p != "aws:iam/"))
    assert not placement.is_global_type(aws.IAM_ROLE)
    assert aws.IAM_ROLE.startswith(aws.GLOBAL_SERVICE_PREFIXES)


def test_route53_resolver_stays_regional_while_route53_is_global():
    from blueprint.plan.placement import is_global_type

    assert is_global_type(aws.ROUTE53_RECORD) and not is_global_type(aws.REGIONAL_EXCEPTIONS[0] + "Endpoint:ResolverEndpoint")


def test_placement_reads_every_registered_single_zone_key():
    """Placement's generic zone rule and the registry's zone keys agree where a type names one zone
    at the top level of its inputs (nested and multi-zone keys are the facts' business)."""
    from blueprint.plan.placement import own_zone

    zone = {"aws": "eu-west-1b", "gcp": "europe-west4-b"}
    checked = 0
    for token, entry in registry.REGISTRY.items():
        for key in entry.zone_keys:
            if key in ("availabilityZone", "zone", "location"):
                assert own_zone(token, {key: zone[entry.cloud]}) == zone[entry.cloud], (token, key)
                checked += 1
    assert checked >= 6


def test_mock_id_prefixes_are_registered_types():
    assert aws.MOCK_ID_PREFIX[aws.EC2_VPC] == "vpc" and all(registry.known(t) for t in aws.MOCK_ID_PREFIX)
