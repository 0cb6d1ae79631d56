"""checkov for real, from .venv-checkov, on a tiny exported plan: a bucket without KMS default
encryption fails CKV_AWS_145, the one with it passes (a graph check: it only passes when the
exported references connect the encryption configuration to its bucket); findings map to URNs;
a suppression entry moves a failure to `suppressed`. `make test` creates .venv-checkov."""

from __future__ import annotations

from pathlib import Path

import pulumi
import pulumi_aws as aws
import pytest

from blueprint.checkov import Suppression, scan_export
from blueprint.checkov.runner import CHECKOV_VENV
from blueprint.export import export_plan
from blueprint.plan.engine import plan_program
from blueprint.plan.model import PlannedResource

ROOT = Path(__file__).resolve().parents[2]
CHECKOV = ROOT / CHECKOV_VENV / "bin" / "checkov"

pytestmark = pytest.mark.skipif(not CHECKOV.is_file(), reason=f"{CHECKOV} is absent: run `make setup` (make test does) to create {CHECKOV_VENV}")


def program() -> None:
    provider = aws.Provider("aws-eu", region="eu-central-1")
    opts = pulumi.ResourceOptions(provider=provider)
    key = aws.kms.Key("key", enable_key_rotation=True, deletion_window_in_days=30, opts=opts)
    for name, encrypted in (("compliant", True), ("plain", False)):
        bucket = aws.s3.Bucket(name, bucket_prefix=f"{name}-", opts=opts)
        aws.s3.BucketPublicAccessBlock(f"{name}-pab", bucket=bucket.id, block_public_acls=True, block_public_policy=True,
                                       ignore_public_acls=True, restrict_public_buckets=True, opts=opts)
        aws.s3.BucketVersioning(f"{name}-versioning", bucket=bucket.id, versioning_configuration={"status": "Enabled"}, opts=opts)
        if encrypted:
            aws.s3.BucketServerSideEncryptionConfiguration(
                f"{name}-sse", bucket=bucket.id,
                rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": key.arn}}],
                opts=opts,
            )


@pytest.fixture(scope="module")
def planned():
    plan = plan_program(program, stack="test", config={"aws:region": "eu-central-1"})
    stack = plan.stack_urn
    plan.resources.append(PlannedResource(
        urn="urn:pulumi:test::blueprint::kubernetes:apps/v1:Deployment::web", type="kubernetes:apps/v1:Deployment", name="web",
        parent=stack, dependencies=[], region="eu-central-1", zone=None, workload=None,
        inputs={"metadata": {"name": "web", "namespace": "serving"},
                "spec": {"replicas": 2.0, "selector": {"matchLabels": {"app": "web"}},
                         "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx:latest"}]}}}},
    ))
    return plan


@pytest.fixture(scope="module")
def scanned(planned, tmp_path_factory):
    out = tmp_path_factory.mktemp("export")
    export_plan(planned, out)
    suppression = Suppression("CKV_AWS_18", "urn:pulumi:test::blueprint::aws:s3/bucket:Bucket::plain", "test: the plain bucket's access logging is accepted")
    unused = Suppression("CKV_AWS_999", "*", "test: matches nothing")
    return scan_export(out, suppressions=[suppression, unused])


def _results(checks, check_id: str) -> dict[str, str]:
    return {c.resource: c.urn for c in checks if c.check_id == check_id}


def test_checkov_ran_both_frameworks(scanned):
    assert scanned.version.startswith("3.")
    assert scanned.passed and scanned.failed
    assert {c.framework for c in scanned.passed} == {"terraform_plan", "kubernetes"}
    assert scanned.parsing_errors == []


def test_bucket_without_kms_encryption_fails_and_the_encrypted_one_passes(scanned, planned):
    failed = _results(scanned.failed, "CKV_AWS_145")
    passed = _results(scanned.passed, "CKV_AWS_145")
    assert failed == {"aws_s3_bucket.plain": planned.named("plain").urn}
    assert passed == {"aws_s3_bucket.compliant": planned.named("compliant").urn}


def test_graph_checks_connect_through_exported_references(scanned):
    # public access block and versioning are separate resources that refer to their bucket
    assert set(_results(scanned.passed, "CKV2_AWS_6")) == {"aws_s3_bucket.plain", "aws_s3_bucket.compliant"}
    assert set(_results(scanned.passed, "CKV_AWS_21")) == {"aws_s3_bucket.plain", "aws_s3_bucket.compliant"}


def test_kubernetes_findings_map_to_the_deployment_urn(scanned):
    k8s_failed = [c for c in scanned.failed if c.framework == "kubernetes"]
    assert k8s_failed
    assert {c.urn for c in k8s_failed} == {"urn:pulumi:test::blueprint::kubernetes:apps/v1:Deployment::web"}
    assert any(c.check_id == "CKV_K8S_14" for c in k8s_failed)  # image tag "latest"


def test_suppressed_failures_are_counted_apart_and_unused_entries_reported(scanned):
    assert [(c.check_id, c.resource) for c in scanned.suppressed] == [("CKV_AWS_18", "aws_s3_bucket.plain")]
    assert scanned.suppressed[0].suppression_reason.startswith("test:")
    assert ("CKV_AWS_18", "aws_s3_bucket.plain") not in {(c.check_id, c.resource) for c in scanned.failed}
    assert ("CKV_AWS_18", "aws_s3_bucket.compliant") in {(c.check_id, c.resource) for c in scanned.failed}
    assert [s.check_id for s in scanned.unused_suppressions] == ["CKV_AWS_999"]
    assert scanned.summary()["suppressed"] == 1
