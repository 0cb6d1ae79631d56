"""deploy-name-limit: physical names computed as the providers generate them, checked against the
documented limits (blueprint/readiness/names.py and the name_limits_* tables)."""

from __future__ import annotations

import re

import pytest

from blueprint.readiness import readiness_problems
from blueprint.readiness.name_limits_aws import AWS_NAME_RULES, AWS_NO_NAME
from blueprint.readiness.name_limits_gcp import GCP_NAME_RULES, GCP_NO_NAME
from blueprint.readiness.name_limits_k8s import K8S_NAME_RULES
from blueprint.readiness.names import CHECK_ID, NAME_RULES, check, physical_name

from readiness_helpers import plan_of, resource

LB = "aws:lb/loadBalancer:LoadBalancer"
TG = "aws:lb/targetGroup:TargetGroup"


def _problems(*resources):
    return list(check(plan_of(*resources)))


def test_fails_autonamed_load_balancer_of_the_issue() -> None:
    """Issue 13 finding 1: `recommendations-us-east-1-lb-alb` autonamed is 40 characters, over ELBv2's 32."""
    found = _problems(resource("recommendations-us-east-1-lb-alb", LB))
    assert len(found) == 1
    problem = found[0]
    assert problem.check == CHECK_ID and problem.name == "recommendations-us-east-1-lb-alb"
    assert len(problem.value) == 40 and problem.value.startswith("recommendations-us-east-1-lb-alb-")
    assert "40 characters, over the limit of 32" in problem.rule
    assert "elbv2" in problem.source and "resources.go" in problem.source


def test_fails_autonamed_target_group_over_32() -> None:
    found = _problems(resource("recommendations-us-east-1-lb-tg", TG))
    assert [p.type for p in found] == [TG]
    assert "39 characters" in found[0].rule


def test_explicit_name_wins_over_autoname() -> None:
    r = resource("recommendations-us-east-1-lb-alb", LB, {"name": "recommendations-us-e-1a2b3c4d"})
    assert physical_name(r, AWS_NAME_RULES[LB]) == ("recommendations-us-e-1a2b3c4d", "name as set")
    assert _problems(r) == []


def test_prefix_gets_the_providers_26_characters() -> None:
    rule = AWS_NAME_RULES["aws:iam/role:Role"]
    ok = resource("a-very-long-logical-name-of-an-iam-role-that-would-not-fit", "aws:iam/role:Role", {"namePrefix": "x" * 38})
    name, how = physical_name(ok, rule)
    assert len(name) == 64 and "26 unique characters" in how
    assert _problems(ok) == []
    assert "65 characters" in _problems(resource("r", "aws:iam/role:Role", {"namePrefix": "x" * 39}))[0].rule


def test_fails_explicit_name_with_wrong_characters() -> None:
    found = _problems(resource("tg", TG, {"name": "under_score-tg"}))
    assert found and "not allowed" in found[0].rule


def test_fails_forbidden_prefix() -> None:
    found = _problems(resource("lb", LB, {"name": "internal-lb"}))
    assert found and "starts with 'internal-'" in found[0].rule


def test_kubernetes_autoname_adds_8_characters() -> None:
    ns = "kubernetes:core/v1:Namespace"
    assert _problems(resource("n" * 54, ns, {"metadata": {}})) == []  # 54 + 1 + 8 = 63
    found = _problems(resource("n" * 55, ns, {"metadata": {}}))
    assert found and "64 characters, over the limit of 63" in found[0].rule


def test_kubernetes_service_name_must_start_with_a_letter() -> None:
    found = _problems(resource("svc", "kubernetes:core/v1:Service", {"metadata": {"name": "1-service"}}))
    assert found and "RFC 1035" in found[0].rule


def test_gcp_lowercase_autoname_over_63() -> None:
    backend = "gcp:compute/backendService:BackendService"
    assert _problems(resource("b" * 55, backend)) == []
    found = _problems(resource("b" * 56, backend))
    assert found and "over the limit of 63" in found[0].rule and "autoname cap of 63" in found[0].rule


def test_gcp_lowercase_autoname_only_where_the_provider_lower_cases() -> None:
    """pulumi-gcp resources.go: lowercaseAutoName() for backend services, networks, ..., URL maps only."""
    assert _problems(resource("Backend", "gcp:compute/backendService:BackendService")) == []
    for type_ in ("gcp:compute/firewall:Firewall", "gcp:compute/healthCheck:HealthCheck",
                  "gcp:compute/networkEndpointGroup:NetworkEndpointGroup", "gcp:storage/bucket:Bucket"):
        found = _problems(resource("Upper", type_))
        assert found and "not allowed" in found[0].rule, type_
        assert physical_name(resource("Upper", type_), GCP_NAME_RULES[type_])[0].startswith("Upper-")


def test_gcp_bucket_autoname_cap_is_222_and_limit_63() -> None:
    bucket = GCP_NAME_RULES["gcp:storage/bucket:Bucket"]
    assert bucket.autoname.max_length == 222 and not bucket.autoname.lower
    found = _problems(resource("b" * 56, "gcp:storage/bucket:Bucket"))
    assert found and "over the limit of 63" in found[0].rule and "autoname cap" not in found[0].rule


def test_gcp_service_account_autoname_cap_30() -> None:
    account = "gcp:serviceaccount/account:Account"
    assert _problems(resource("a" * 22, account)) == []  # 22 + 1 + 7 = 30
    found = _problems(resource("a" * 23, account))
    assert found and "31 characters" in found[0].rule and "autoname cap of 30" in found[0].rule


@pytest.mark.parametrize("type_", ["gcp:kms/keyRing:KeyRing", "gcp:kms/cryptoKey:CryptoKey", "aws:kms/grant:Grant"])
def test_kms_names_are_autonamed_when_unset(type_: str) -> None:
    name, how = physical_name(resource("key", type_), NAME_RULES[type_])
    assert name == "key-0000000" and "autonamed" in how


def test_fails_unnamed_transfer_job_autonamed_without_prefix() -> None:
    found = _problems(resource("vault-replication", "gcp:storage/transferJob:TransferJob"))
    assert found and "not allowed" in found[0].rule and found[0].value == "vault-replication-0000000"
    assert _problems(resource("j", "gcp:storage/transferJob:TransferJob", {"name": "transferJobs/vault-prod-1a2b"})) == []
    assert _problems(resource("j", "gcp:storage/transferJob:TransferJob", {"name": "transferJobs/OPI-x"}))


def test_gke_cluster_name_over_40() -> None:
    found = _problems(resource("c", "gcp:container/cluster:Cluster", {"name": "environment-name-20c-northamerica-northeast1"}))
    assert found and "44 characters, over the limit of 40" in found[0].rule


def test_unknown_values_and_server_assigned_names_are_skipped() -> None:
    assert _problems(resource("lb", LB, {"name": {"unknown": True}})) == []
    assert _problems(resource("record", "aws:route53/record:Record")) == []  # required, never autonamed
    assert _problems(resource("lb", LB, custom=False)) == []  # a component, not a cloud resource


def test_registered_in_readiness_layer() -> None:
    problems = readiness_problems(plan_of(resource("recommendations-us-east-1-lb-alb", LB)), only=[CHECK_ID])
    assert [p.check for p in problems] == [CHECK_ID]


@pytest.mark.parametrize("type_,rule", sorted(NAME_RULES.items()))
def test_every_rule_is_sourced_and_consistent(type_: str, rule) -> None:
    assert rule.source and ("http" in rule.source or ".go" in rule.source), type_
    assert rule.rule and 0 < rule.min_length <= rule.max_length
    re.compile(rule.pattern)
    if rule.autoname is not None:
        assert rule.autoname.random > 0 and rule.autoname.source


def test_tables_do_not_overlap() -> None:
    assert not set(AWS_NAME_RULES) & AWS_NO_NAME
    assert not set(GCP_NAME_RULES) & GCP_NO_NAME
    assert not set(AWS_NAME_RULES) & set(GCP_NAME_RULES) & set(K8S_NAME_RULES)
    assert all(t.startswith("aws:") for t in AWS_NAME_RULES) and all(t.startswith("gcp:") for t in GCP_NAME_RULES)
    assert all(t.startswith("kubernetes:") for t in K8S_NAME_RULES)
