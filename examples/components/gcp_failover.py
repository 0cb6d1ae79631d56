"""A workload's region failover as a Cloud Workflow in the standby region, composed by hand.

Components: FailoverWorkflow (blueprint.components.gcp).

When the alert policy "primary database down" opens an incident (published on the failover alert
topic), Eventarc starts the workflow; with `approval="manual"` it waits for a human's
authenticated callback, then in parallel promotes the Cloud SQL DR replica, drains traffic into
the standby region's NEGs and raises the standby GPU pool's floor, each bounded by the RTO.
Its service accounts hold a custom role with exactly those steps' permissions.
Run it as a Pulumi program's __main__.py, or plan it offline (examples/README.md).
"""

import pulumi
import pulumi_gcp as gcp

from blueprint.components.gcp import DatabaseFailover, FailoverWorkflow, FailoverWorkflowArgs, GpuFloor, TrafficFailover

PROJECT, PRIMARY, STANDBY = "acme-ml-prod", "europe-west4", "europe-west1"
# What the rest of your stack created: the standby region's key, the failover alerts' topic
# (AlertChannel), the Workflows service agent (projects.ServiceIdentity), the replica, the
# load balancer's backend service and the standby GPU pool.
KEY = f"projects/{PROJECT}/locations/{STANDBY}/keyRings/ml-{STANDBY}/cryptoKeys/data"
POOL = f"projects/{PROJECT}/locations/{STANDBY}/clusters/ml-{STANDBY}/nodePools/fraud-scoring-gpu"

FailoverWorkflow(
    "fraud-failover",
    FailoverWorkflowArgs(
        workload="fraud-scoring", tier="business-critical", project=PROJECT, region=STANDBY, primary_region=PRIMARY,
        approval="manual", rto_s=900, trigger_policies=["fraud-scoring (business-critical): Cloud SQL primary down or silent"],
        alert_topic=f"projects/{PROJECT}/topics/failover-alerts", kms_key_id=KEY,
        workflows_agent="service-123456789012@gcp-sa-workflows.iam.gserviceaccount.com",
        database=DatabaseFailover(instance=f"feature-store-{STANDBY}"),
        traffic=TrafficFailover(backend_service_name="fraud-lb-backend-1a2b3c4", zones=("europe-west1-b", "europe-west1-c")),
        gpu_floors=[GpuFloor(capacity="on-demand", node_pool_id=POOL, min_nodes_per_zone=2, max_nodes_per_zone=6,
                             location_policy="BALANCED")],
        workflow_name="fraud-scoring-failover", role_id="fraud_scoring_failover", labels={"team": "ml-platform"},
    ),
    pulumi.ResourceOptions(provider=gcp.Provider("gcp-standby", project=PROJECT, region=STANDBY)),
)
