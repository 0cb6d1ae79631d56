"""What a second region needs to run a workload's images and secrets, and who watches the first.

Components: KmsKey, ImageRepositories, RegistryReplication, WorkloadSecrets, ServingIdentity,
FailoverProbe (blueprint.components.aws).

Private, immutable-tag, KMS-encrypted ECR repositories in both regions with the registry's
replication copying every push to the second region; Secrets Manager secrets (containers only,
never a value) replicated under the second region's key; the EKS Pod Identity role the inference
pods run as, allowed to read the workload's secrets and nothing else; and a probe in the second
region that checks the first region's HTTPS endpoint and alarms when it fails.
Run it as a Pulumi program's __main__.py, or plan it offline (examples/README.md).
"""

import pulumi
import pulumi_aws as aws

from blueprint.components.aws import KmsKey, KmsKeyArgs
from blueprint.components.aws.failover_probe import FailoverProbe, FailoverProbeArgs
from blueprint.components.aws.image_repositories import ImageRepositories, ImageRepositoriesArgs
from blueprint.components.aws.registry_replication import RegistryReplication, RegistryReplicationArgs
from blueprint.components.aws.serving_identity import ServingIdentity, ServingIdentityArgs
from blueprint.components.aws.workload_secrets import WorkloadSecrets, WorkloadSecretsArgs

ACCOUNT, PRIMARY, SECOND = "123456789012", "eu-central-1", "eu-west-3"
TAGS = {"team": "ml-platform", "blueprint:workload": "fraud-scoring"}

providers = {r: aws.Provider(r, region=r) for r in (PRIMARY, SECOND)}
opts = {r: pulumi.ResourceOptions(provider=p) for r, p in providers.items()}
keys = {r: KmsKey(f"fraud-key-{r}", KmsKeyArgs(alias_name=f"fraud-scoring/{r}", tags=TAGS), opts[r]) for r in providers}

for region in (PRIMARY, SECOND):  # the same repositories in both regions: replicas land in ours
    ImageRepositories(
        f"fraud-images-{region}",
        ImageRepositoriesArgs(prefix="prod/fraud-scoring/", images=("server",), kms_key_arn=keys[region].arn, tags=TAGS),
        opts[region],
    )
RegistryReplication(
    "registry-replication",
    RegistryReplicationArgs(destination_regions=(SECOND,), registry_id=ACCOUNT, repository_prefixes=("prod/fraud-scoring/",)),
    opts[PRIMARY],
)
WorkloadSecrets(
    "fraud-secrets",
    WorkloadSecretsArgs(prefix="prod/fraud-scoring/", secrets=("api-key",), kms_key_arn=keys[PRIMARY].arn,
                        replica_region=SECOND, replica_kms_key_arn=keys[SECOND].arn, tags=TAGS),
    opts[PRIMARY],
)
ServingIdentity(
    "fraud-serving",
    ServingIdentityArgs(cluster_name="prod-eu-central-1", namespace="fraud-scoring", service_account="fraud-scoring",
                        kms_key_arn=keys[PRIMARY].arn, secret_prefix="prod/fraud-scoring/", tags=TAGS),
    opts[PRIMARY],
)
FailoverProbe(
    "fraud-probe",
    FailoverProbeArgs(
        workload="fraud-scoring", probe_region=SECOND, watched_region=PRIMARY,
        target_host="fraud-lb-1234567890.eu-central-1.elb.amazonaws.com",  # LoadBalancer(...).dns_name
        server_name="fraud-scoring.ml.example.com", path="/ready", period_s=10, datapoints_to_alarm=3,
        evaluation_periods=3, kms_key_arn=keys[SECOND].arn, tags=TAGS,
    ),
    opts[SECOND],
)
