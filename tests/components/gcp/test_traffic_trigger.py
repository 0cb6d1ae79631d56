"""blueprint.components.gcp.traffic_trigger: the KEDA prometheus trigger on Cloud Monitoring's PromQL API for the
region's NEG backend request rate (query, threshold = requests/s per pod) and the KEDA operator's
Workload Identity (service account, roles/monitoring.viewer, workloadIdentityUser for keda/keda-operator)."""

from __future__ import annotations

import pulumi
import pytest
from pydantic import ValidationError

from blueprint.plan.engine import plan_program
from blueprint.components.gcp.traffic_trigger import (
    KedaMonitoringReader,
    KedaMonitoringReaderArgs,
    NegRequestRateTriggerArgs,
    keda_service_account_id,
    neg_request_rate_trigger,
    request_rate_query,
)

NEG = "prod-fraud-scoring-europe-west4-87bcfc39"


@pytest.fixture(scope="module")
def plan():
    def program():
        trigger = neg_request_rate_trigger(NegRequestRateTriggerArgs(project="acme-ml-prod", neg_name=NEG, requests_per_second_per_pod=8))
        pulumi.export("trigger", trigger)
        reader = KedaMonitoringReader("keda-identity", KedaMonitoringReaderArgs(
            account_id=keda_service_account_id("prod", "europe-west4"), workload_pool="acme-ml-prod.svc.id.goog"))
        pulumi.export("annotations", reader.annotations)

    return plan_program(program, stack="test", config={"gcp:project": "acme-ml-prod", "gcp:region": "europe-west4"})


def test_trigger_queries_the_regions_neg_request_rate(plan):
    trigger = plan.outputs["trigger"]
    assert trigger["type"] == "prometheus" and "authenticationRef" not in trigger
    meta = trigger["metadata"]
    assert meta["serverAddress"] == "https://monitoring.googleapis.com/v1/projects/acme-ml-prod/location/global/prometheus"
    assert meta["query"] == (
        'sum(rate({"__name__"="loadbalancing.googleapis.com/https/backend_request_count",'
        f'"monitored_resource"="https_lb_rule","backend_name"="{NEG}"}}[5m]))'
    )
    # rate() is requests per second, so the per-pod target is the configured value unchanged.
    assert meta["threshold"] == "8"
    # Workload Identity is the only auth: no credentials or authModes in the metadata.
    assert set(meta) == {"serverAddress", "query", "threshold"}


@pytest.mark.parametrize("rps, threshold", [(8, "8"), (12.5, "12.5"), (0.25, "0.25")])
def test_threshold_is_requests_per_second_per_pod(rps, threshold):
    trigger = neg_request_rate_trigger(NegRequestRateTriggerArgs(project="p", neg_name=NEG, requests_per_second_per_pod=rps))
    assert trigger["metadata"]["threshold"] == threshold


def test_operator_acts_as_a_monitoring_viewer_service_account(plan):
    sa = plan.named("keda-identity-sa")
    assert sa.inputs["accountId"] == "keda-prod-europe-west4"
    viewer = plan.named("keda-identity-monitoring-viewer").inputs
    assert viewer["role"] == "roles/monitoring.viewer" and viewer["member"] == sa.outputs["member"]
    assert viewer["project"] == "acme-ml-prod"
    binding = plan.named("keda-identity-workload-identity").inputs
    assert binding["role"] == "roles/iam.workloadIdentityUser"
    assert binding["member"] == "serviceAccount:acme-ml-prod.svc.id.goog[keda/keda-operator]"
    assert binding["serviceAccountId"] == sa.outputs["name"]
    assert plan.outputs["annotations"] == {"iam.gke.io/gcp-service-account": sa.outputs["email"]}


def test_service_account_id_fits_thirty_characters():
    long = keda_service_account_id("environment-name-20c", "northamerica-northeast2")
    assert 6 <= len(long) <= 30 and long.startswith("keda-")


@pytest.mark.parametrize("rps", [0, -2, 10001])
def test_fails_a_request_rate_out_of_range(rps):
    with pytest.raises(ValidationError, match="requests_per_second_per_pod"):
        NegRequestRateTriggerArgs(project="p", neg_name=NEG, requests_per_second_per_pod=rps)


@pytest.mark.parametrize("bad", ["", 'x"}', "a\\b"])
def test_fails_a_neg_name_that_would_break_the_query(bad):
    with pytest.raises(ValueError, match="neg_name"):
        request_rate_query(bad)


def test_fails_a_service_account_id_google_refuses():
    with pytest.raises(ValidationError, match="account_id"):
        KedaMonitoringReaderArgs(account_id="keda", workload_pool="p.svc.id.goog")


def test_regional_platform_runs_keda_only_when_asked():
    from blueprint.components.gcp.regional_platform import RegionalPlatformArgs

    args = RegionalPlatformArgs(environment="prod", region="europe-west4", region_index=0, zones=("europe-west4-a",),
                                network_id="net", key_users=())
    assert args.traffic_scaling is False  # default: CPU-only HPAs, no KEDA
