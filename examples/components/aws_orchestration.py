"""Region failover and fault-injection drills for one workload, composed by hand.

Components: KmsKey, RegionSwitchPlan, FisExperiments (blueprint.components.aws).

An ARC Region switch plan that, after a human approves, fails the Aurora global database over to
the second region, scales the workload's Deployment there and shifts the Route 53 records; and
the AWS FIS experiment templates a DR drill runs in the primary region (a power interruption per
zone; a cross-region connectivity disruption that also pauses vault replication), each stopped
by the workload's alarms. Run it as a Pulumi
program's __main__.py, or plan it offline (examples/README.md).
"""

import pulumi
import pulumi_aws as aws

from blueprint.components.aws import FisExperiments, FisExperimentsArgs, KmsKey, KmsKeyArgs, RegionSwitchPlan, RegionSwitchPlanArgs

ACCOUNT, PRIMARY, SECOND = "123456789012", "us-east-1", "us-west-2"
ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"]
TAGS = {"team": "ml-platform", "blueprint:workload": "fraud-scoring"}
# What the rest of your stack created (AuroraGlobalCluster, AuroraDatabase, EksCluster, Network, ...).
DATABASES = {r: f"arn:aws:rds:{r}:{ACCOUNT}:cluster:prod-fraud-scoring-{r}" for r in (PRIMARY, SECOND)}
CLUSTERS = {r: f"prod-{r}" for r in (PRIMARY, SECOND)}

provider = aws.Provider("virginia", region=PRIMARY)
here = pulumi.ResourceOptions(provider=provider)
key = KmsKey("drill-key", KmsKeyArgs(alias_name="drills/us-east-1", tags=TAGS), here)

RegionSwitchPlan(
    "fraud-region-switch",
    RegionSwitchPlanArgs(
        plan_name="prod-fraud-scoring", workload="fraud-scoring", recovery_approach="activePassive",
        primary_region=PRIMARY, secondary_region=SECOND, recovery_time_objective_minutes=15, approval="manual",
        global_cluster_identifier="prod-fraud-scoring",
        global_cluster_arn=f"arn:aws:rds::{ACCOUNT}:global-cluster:prod-fraud-scoring",
        database_cluster_arns=DATABASES,
        eks_cluster_arns={r: f"arn:aws:eks:{r}:{ACCOUNT}:cluster/{name}" for r, name in CLUSTERS.items()},
        eks_cluster_names=CLUSTERS, namespace="fraud-scoring", deployment="fraud-scoring",
        hosted_zone_id="Z0123456789ABCDEFGHIJ", record_name="fraud-scoring.ml.example.com", tags=TAGS,
    ),
    here,
)

FisExperiments(
    "prod-drills",
    FisExperimentsArgs(
        region=PRIMARY, zones=ZONES, cluster_name=CLUSTERS[PRIMARY],
        subnet_arns_by_zone={z: f"arn:aws:ec2:{PRIMARY}:{ACCOUNT}:subnet/subnet-0{z[-1]}" for z in ZONES},
        database_cluster_arns=[DATABASES[PRIMARY]], peer_region=SECOND,
        vault_bucket_arns=["arn:aws:s3:::prod-fraud-scoring-vault"],
        stop_alarm_names=["fraud-elb-5xx", "fraud-target-5xx"], kms_key_arn=key.arn, tags=TAGS,
    ),
    here,
)
