"""Issue 14: the read model carries what the region-rebuild runbook names (PlanFacts.rebuild,
blueprint/analysis/rebuild_records.py), so the runbook reads no raw plan resources."""

from __future__ import annotations

from blueprint.analysis import extract_facts
from blueprint.analysis.facts import (
    REBUILD_K8S_CLUSTER, REBUILD_NODE_GROUP, REBUILD_NODE_POOL, REBUILD_SQL_INSTANCE, PlanFacts, RebuildRecords,
)
from blueprint.plan.model import Plan, PlannedResource


def _r(name, type_, region, inputs, workload="w", custom=True):
    return PlannedResource(urn=f"urn:pulumi:s::blueprint::{type_}::{name}", type=type_, name=name, parent=None,
                           dependencies=[], region=region, zone=None, workload=workload, inputs=inputs, custom=custom)


def test_plan_facts_rebuild_defaults_to_empty():
    facts = PlanFacts("gcp", "s", "r1", None, {}, [], [], {})
    assert facts.rebuild == RebuildRecords()
    assert facts.rebuild is not PlanFacts("gcp", "s", "r1", None, {}, [], [], {}).rebuild


def test_aws_records_name_node_groups_clusters_scalers_and_approvers():
    resources = [
        _r("eks", "aws:eks/cluster:Cluster", "us-west-2", {"name": "prod-us-west-2"}, workload=None),
        _r("w-us-west-2-on-demand", "aws:eks/nodeGroup:NodeGroup", "us-west-2", {"nodeGroupNamePrefix": "w-od-"}),
        _r("w-us-west-2-spot", "aws:eks/nodeGroup:NodeGroup", "us-west-2", {}),
        _r("w-so", "kubernetes:keda.sh/v1alpha1:ScaledObject", "us-west-2",
           {"metadata": {"name": "w", "namespace": "ns"}, "spec": {"minReplicaCount": 2}}),
        _r("w-region-switch-approver-role", "aws:iam/role:Role", "global", {"namePrefix": "w-approver-"}),
        _r("w-alarm", "aws:cloudwatch/metricAlarm:MetricAlarm", "us-east-1", {}),
        _r("w-component", "blueprint:aws:Thing", "us-east-1", {}, custom=False),
    ]
    rec = extract_facts(Plan(stack="s", cloud="aws", resources=resources)).rebuild
    assert [(n.logical, n.physical) for n in rec.of(REBUILD_NODE_GROUP, "w", "us-west-2")] == [
        ("w-us-west-2-on-demand", "w-od-"), ("w-us-west-2-spot", None)]
    assert [n.physical for n in rec.of(REBUILD_K8S_CLUSTER, None, "us-west-2")] == ["prod-us-west-2"]
    assert [(s.kind, s.name, s.namespace, s.floor) for s in rec.scalers] == [("scaledobject", "w", "ns", 2)]
    assert rec.approver_prefixes == {"w": "w-approver-"}
    assert rec.names_by_region["us-east-1"] == ["w-alarm"]  # only the provider's resources, not components


def test_gcp_records_name_sql_replicas_pools_and_backends():
    resources = [
        _r("w-db-europe-west1", "gcp:sql/databaseInstance:DatabaseInstance", "europe-west1",
           {"name": "prod-w-europe-west1", "masterInstanceName": "prod-w-europe-west4"}),
        _r("w-pool", "gcp:container/nodePool:NodePool", "europe-west1",
           {"name": "w-gpu", "cluster": "projects/p/locations/europe-west1/clusters/prod-europe-west1"}),
        _r("w-backend", "gcp:compute/backendService:BackendService", "global",
           {"backends": [{"group": "projects/p/zones/europe-west1-b/networkEndpointGroups/neg", "capacityScaler": 0},
                         {"group": "projects/p/zones/europe-west4-a/networkEndpointGroups/neg"}]}),
    ]
    rec = extract_facts(Plan(stack="s", cloud="gcp", resources=resources)).rebuild
    sql = rec.of(REBUILD_SQL_INSTANCE, "w", "europe-west1")
    assert [(n.physical, n.detail) for n in sql] == [("prod-w-europe-west1", "prod-w-europe-west4")]
    assert [(n.physical, n.detail) for n in rec.of(REBUILD_NODE_POOL, "w")] == [("w-gpu", "prod-europe-west1")]
    assert [b.capacity for b in rec.backend_services[0].backends] == [0.0, 1.0]  # unset: the API default 1
    assert rec.dr_replicas == ()
