"""What a GCP standby region needs to run a workload's images and secrets, and who watches the primary.

Components: ImageRegistry, WorkloadSecrets, FailoverProbe (blueprint.components.gcp).

An Artifact Registry Docker repository in the `europe` multi-region (keeps serving when one of
its regions is down; immutable tags, CMEK); Secret Manager secrets (containers only, never a
value) whose replicas live only in the stack's two regions, each under that region's key, readable
by the serving pods' identity alone; and a probe in the standby region that watches the primary's
load balancer backends and publishes on the failover topic when they stay unhealthy while the
standby's are healthy. Run it as a Pulumi program's __main__.py, or plan it offline
(examples/README.md).
"""

import pulumi
import pulumi_gcp as gcp

from blueprint.components.gcp.failover_probe import FailoverProbe, FailoverProbeArgs
from blueprint.components.gcp.image_registry import ImageRegistry, ImageRegistryArgs
from blueprint.components.gcp.workload_secrets import WorkloadSecrets, WorkloadSecretsArgs

PROJECT, PRIMARY, STANDBY = "acme-ml-prod", "europe-west4", "europe-west1"
LABELS = {"team": "ml-platform", "blueprint-workload": "fraud-scoring"}
# Keys, NEGs, topic and agents the rest of your stack created (KmsKey, ZonalNegs, AlertChannel, ServiceIdentity).
KEYS = {loc: f"projects/{PROJECT}/locations/{loc}/keyRings/ml-{loc}/cryptoKeys/data" for loc in ("europe", PRIMARY, STANDBY)}
NEG = "https://www.googleapis.com/compute/v1/projects/acme-ml-prod/zones/{zone}/networkEndpointGroups/fraud-scoring"
READER = f"principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/{PROJECT}.svc.id.goog/subject/ns/fraud-scoring/sa/fraud-scoring"

here = pulumi.ResourceOptions(provider=gcp.Provider("gcp", project=PROJECT, region=PRIMARY))
ImageRegistry("fraud-images", ImageRegistryArgs(project=PROJECT, repository_id="prod-fraud-scoring",
                                                kms_key_ids={"europe": KEYS["europe"]}, labels=LABELS), here)
WorkloadSecrets(
    "fraud-secrets",
    WorkloadSecretsArgs(project=PROJECT, prefix="prod-fraud-scoring-", secrets=("api-key",),
                        replica_keys={PRIMARY: KEYS[PRIMARY], STANDBY: KEYS[STANDBY]}, reader=READER, labels=LABELS),
    here,
)
FailoverProbe(
    "fraud-probe",
    FailoverProbeArgs(
        workload="fraud-scoring", tier="business-critical", project=PROJECT, region=STANDBY, watched_region=PRIMARY,
        backend_service_name="fraud-lb-backend-1a2b3c4",  # GlobalLoadBalancer(...).backend_service_name
        watched_groups=[NEG.format(zone=z) for z in ("europe-west4-a", "europe-west4-b", "europe-west4-c")],
        standby_groups=[NEG.format(zone="europe-west1-b")], topic_id=f"projects/{PROJECT}/topics/failover-alerts",
        interval_s=10, failures=3, hold_failures=30, kms_key_id=KEYS[STANDBY],
        run_agent="service-123456789012@serverless-robot-prod.iam.gserviceaccount.com",
        probe_name="fraud-scoring-probe", labels=LABELS,
    ),
    pulumi.ResourceOptions(provider=gcp.Provider("gcp-standby", project=PROJECT, region=STANDBY)),
)
