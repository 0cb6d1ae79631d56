"""docs/deploying.md's `gcloud services enable` step lists every API the GCP program needs: each
planned `gcp:` resource type (gcp-prod and the long-name GCP test stacks) maps to its APIs below,
and a type missing from the table fails, so a new resource type cannot ship without its API in the
docs (review of issue 13: an empty project failed on the first disabled API)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from blueprint.plan.run import plan_stack
from blueprint.project import StackRef

ROOT = Path(__file__).resolve().parents[1]
STACKS = {
    "gcp-prod": ROOT / "stacks" / "Pulumi.gcp-prod.yaml",
    "long-gcp": ROOT / "tests" / "data" / "long-names" / "Pulumi.long-gcp.yaml",
    "long-gcp-ca": ROOT / "tests" / "data" / "long-names" / "Pulumi.long-gcp-ca.yaml",
}
# Type prefix -> the Service Usage APIs a create of that type calls (the API named by the provider's
# module; GKE clusters also need Binary Authorization, on by default in GkeClusterArgs, and Cloud
# Logging, their logging config). First match wins, so longer prefixes come first.
API_FOR_TYPE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("gcp:artifactregistry/", ("artifactregistry.googleapis.com",)),
    # FailoverProbe's worker pool (Cloud Run Admin API, run.googleapis.com).
    ("gcp:cloudrunv2/", ("run.googleapis.com",)),
    ("gcp:compute/", ("compute.googleapis.com",)),
    ("gcp:container/cluster:", ("container.googleapis.com", "binaryauthorization.googleapis.com", "logging.googleapis.com")),
    ("gcp:container/", ("container.googleapis.com",)),
    ("gcp:dns/", ("dns.googleapis.com",)),
    # FailoverWorkflow's trigger. "Route Pub/Sub events to Workflows" enables Eventarc, Eventarc
    # Publishing, Workflows and Workflow Executions (https://cloud.google.com/eventarc/docs/workflows/route-trigger-cloud-pubsub).
    ("gcp:eventarc/", ("eventarc.googleapis.com", "eventarcpublishing.googleapis.com")),
    ("gcp:kms/", ("cloudkms.googleapis.com",)),
    # Issue 18: the audit-log sink (Cloud Logging) and the break-glass PAM entitlement.
    ("gcp:logging/", ("logging.googleapis.com",)),
    ("gcp:privilegedaccessmanager/", ("privilegedaccessmanager.googleapis.com",)),
    ("gcp:monitoring/", ("monitoring.googleapis.com",)),
    ("gcp:networkservices/", ("networkservices.googleapis.com",)),
    ("gcp:projects/serviceIdentity:", ("serviceusage.googleapis.com",)),
    # Custom roles are IAM's (projects.roles.create), not Resource Manager's.
    ("gcp:projects/iAMCustomRole:", ("iam.googleapis.com",)),
    ("gcp:projects/", ("cloudresourcemanager.googleapis.com",)),
    ("gcp:pubsub/", ("pubsub.googleapis.com",)),
    # A service account's IAM binding is planned only for Workload Identity (roles/iam.workloadIdentityUser
    # of KEDA's operator): GKE mints the linked account's tokens through IAM Service Account Credentials.
    ("gcp:serviceaccount/iAMMember:", ("iam.googleapis.com", "iamcredentials.googleapis.com")),
    ("gcp:serviceaccount/", ("iam.googleapis.com",)),
    ("gcp:secretmanager/", ("secretmanager.googleapis.com",)),
    ("gcp:servicenetworking/", ("servicenetworking.googleapis.com",)),
    ("gcp:sql/", ("sqladmin.googleapis.com",)),
    ("gcp:storage/transferJob:", ("storagetransfer.googleapis.com",)),
    ("gcp:storage/", ("storage.googleapis.com",)),
    # FailoverWorkflow: the workflow, and the executions its trigger starts.
    ("gcp:workflows/", ("workflows.googleapis.com", "workflowexecutions.googleapis.com")),
)
# Called without a resource of their own: the project-number lookup (organizations.getProject) and
# the DR designation's `gcloud sql instances patch` (command:local:Command).
ALWAYS = ("cloudresourcemanager.googleapis.com", "sqladmin.googleapis.com")


def apis_for(type_: str) -> tuple[str, ...]:
    for prefix, apis in API_FOR_TYPE:
        if type_.startswith(prefix):
            return apis
    raise KeyError(f"{type_}: no API in API_FOR_TYPE; add the API its create calls (and to docs/deploying.md)")


def documented_apis() -> set[str]:
    text = (ROOT / "docs" / "deploying.md").read_text(encoding="utf-8")
    block = re.search(r"gcloud services enable --project <project> \\\n(.*?)```", text, re.S)
    assert block, "docs/deploying.md has no `gcloud services enable --project <project>` block"
    return set(re.findall(r"[a-z]+\.googleapis\.com", block.group(1)))


@pytest.fixture(scope="module")
def planned_types() -> set[str]:
    types: set[str] = set()
    for name, path in STACKS.items():
        types |= {r.type for r in plan_stack(ROOT, StackRef(name, path)).resources if r.type.startswith("gcp:")}
    return types


def test_docs_enable_every_api_a_planned_gcp_type_needs(planned_types):
    needed = {api for t in planned_types for api in apis_for(t)} | set(ALWAYS)
    assert needed - documented_apis() == set()


def test_docs_list_no_api_the_program_does_not_need(planned_types):
    needed = {api for t in planned_types for api in apis_for(t)} | set(ALWAYS)
    assert documented_apis() - needed == set()


def test_fails_a_type_without_an_api():
    with pytest.raises(KeyError, match="gcp:bigquery/dataset:Dataset: no API"):
        apis_for("gcp:bigquery/dataset:Dataset")
