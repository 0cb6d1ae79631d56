"""FisExperiments: a zone power interruption per zone and a cross-region isolation, every template
stopped by the customer-impact alarms, logged to an encrypted log group, run by a scoped FIS role."""

from __future__ import annotations

import json
from pathlib import Path

import pulumi
import pulumi_aws as aws
import pytest
from pydantic import ValidationError

from blueprint.plan.engine import plan_program
from blueprint.components.aws import fis_experiments
from blueprint.components.aws.backup_vault import BackupVault, BackupVaultArgs
from blueprint.components.aws.fis_experiments import FisExperiments, FisExperimentsArgs

ROOT = Path(__file__).resolve().parents[3]

REGION, PEER = "us-east-1", "us-west-2"
ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"]
CMK = f"arn:aws:kms:{REGION}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SUBNETS = {z: f"arn:aws:ec2:{REGION}:123456789012:subnet/subnet-{z[-1]}" for z in ZONES}
DB = f"arn:aws:rds:{REGION}:123456789012:cluster:prod-fraud-scoring"
VAULT = "arn:aws:s3:::prod-fraud-scoring-vault"


def _args(**overrides) -> FisExperimentsArgs:
    values = dict(region=REGION, zones=ZONES, cluster_name="prod-us-east-1", subnet_arns_by_zone=SUBNETS,
                  database_cluster_arns=[DB], peer_region=PEER, vault_bucket_arns=[VAULT],
                  stop_alarm_names=["fraud-elb-5xx", "fraud-target-5xx"], kms_key_arn=CMK, tags={"blueprint:region-role": "primary"})
    values.update(overrides)
    return FisExperimentsArgs(**values)


def _plan(**overrides):
    def program():
        provider = aws.Provider("aws-use1", region=REGION)
        FisExperiments("prod-drills", _args(**overrides), pulumi.ResourceOptions(providers=[provider]))

    return plan_program(program, stack="test", config={"aws:region": REGION})


@pytest.fixture(scope="module")
def plan():
    return _plan()


def _template(plan, name):
    return plan.named(f"prod-drills-{name}").inputs


def test_one_power_interruption_template_per_zone_and_one_cross_region(plan):
    names = {r.name for r in plan.of_type("aws:fis/experimentTemplate:ExperimentTemplate")}
    assert names == {*(f"prod-drills-az-power-{z}" for z in ZONES), f"prod-drills-cross-region-{PEER}"}


def test_power_interruption_stops_nodes_blocks_capacity_cuts_the_subnet_and_fails_over_the_writer(plan):
    template = _template(plan, "az-power-us-east-1b")
    actions = {a["name"]: a for a in template["actions"]}
    assert {a: actions[a]["actionId"] for a in actions} == {
        "stop-nodes": "aws:ec2:stop-instances", "no-capacity-in-zone": "aws:ec2:asg-insufficient-instance-capacity-error",
        "cut-subnet": "aws:network:disrupt-connectivity", "failover-database": "aws:rds:failover-db-cluster"}
    params = {a: {p["key"]: p["value"] for p in actions[a].get("parameters", [])} for a in actions}
    assert params["stop-nodes"]["startInstancesAfterDuration"] == "PT30M"
    assert params["no-capacity-in-zone"] == {"availabilityZoneIdentifiers": "us-east-1b", "duration": "PT30M", "percentage": "100"}
    assert params["cut-subnet"] == {"scope": "all", "duration": "PT2M"}
    targets = {t["name"]: t for t in template["targets"]}
    assert {"path": "Placement.AvailabilityZone", "values": ["us-east-1b"]} in targets["nodes"]["filters"]
    assert targets["nodes"]["resourceTags"] == [{"key": "eks:cluster-name", "value": "prod-us-east-1"}]
    assert targets["node-groups"]["resourceTags"] == [{"key": "k8s.io/cluster-autoscaler/prod-us-east-1", "value": "owned"}]
    assert targets["subnet"]["resourceArns"] == [SUBNETS["us-east-1b"]]
    assert targets["databases"]["parameters"] == {"writerAvailabilityZoneIdentifiers": "us-east-1b"}


def test_cross_region_isolates_the_subnets_and_pauses_the_vault_replication(plan):
    template = _template(plan, f"cross-region-{PEER}")
    actions = {a["name"]: a for a in template["actions"]}
    assert actions["isolate-region"]["actionId"] == "aws:network:route-table-disrupt-cross-region-connectivity"
    assert actions["pause-vault-replication"]["actionId"] == "aws:s3:bucket-pause-replication"
    for action in actions.values():
        assert {p["key"]: p["value"] for p in action["parameters"]} == {"region": PEER, "duration": "PT3H"}
    targets = {t["name"]: t for t in template["targets"]}
    assert targets["subnets"]["resourceArns"] == [SUBNETS[z] for z in ZONES]


def test_vault_replication_pause_targets_the_vaults_by_tag_not_by_arn(plan):
    # aws:s3:bucket-pause-replication "only supports targeting by tags" (FIS actions reference).
    vaults = {t["name"]: t for t in _template(plan, f"cross-region-{PEER}")["targets"]}["vaults"]
    assert "resourceArns" not in vaults
    assert vaults["resourceTags"] == [{"key": "blueprint:backup-vault", "value": "true"}]
    statements = {s["Sid"]: s for s in json.loads(plan.named("prod-drills-role-policy").inputs["policy"])["Statement"]}
    assert statements["FindVaultsByTag"] == {"Sid": "FindVaultsByTag", "Effect": "Allow", "Action": "tag:GetResources", "Resource": "*"}
    assert statements["PauseVaultReplication"]["Condition"] == {"StringEquals": {"s3:DestinationRegion": PEER}}


def test_the_vault_bucket_carries_the_tag_the_drill_selects():
    def program():
        BackupVault("fraud-vault", BackupVaultArgs(kms_key_arn=CMK, lock_mode="COMPLIANCE", retention_days=30,
                                                   tags={"blueprint:workload": "fraud-scoring"}))

    bucket = plan_program(program, stack="test", config={"aws:region": REGION}).named("fraud-vault-bucket")
    assert bucket.inputs["tags"] == {"blueprint:workload": "fraud-scoring", "Name": "fraud-vault-bucket",
                                     "blueprint:backup-vault": "true"}


def test_role_may_inject_capacity_errors_only_for_that_action_on_the_regions_auto_scaling_groups(plan):
    # AWSFaultInjectionSimulatorEC2Access grants neither ec2:InjectApiError nor autoscaling:DescribeAutoScalingGroups.
    statements = {s["Sid"]: s for s in json.loads(plan.named("prod-drills-role-policy").inputs["policy"])["Statement"]}
    inject = statements["InjectCapacityErrorsIntoAutoScalingGroups"]
    assert inject["Action"] == "ec2:InjectApiError"
    assert inject["Condition"] == {
        "StringEquals": {"ec2:FisActionId": "aws:ec2:asg-insufficient-instance-capacity-error"},
        "ForAllValues:ArnLike": {"ec2:FisTargetArns": [
            f"arn:aws:autoscaling:{REGION}:123456789012:autoScalingGroup:*:autoScalingGroupName/*"]}}
    assert statements["DescribeAutoScalingGroups"]["Action"] == "autoscaling:DescribeAutoScalingGroups"


def test_without_a_cluster_the_role_gets_no_capacity_error_rights():
    plan = _plan(cluster_name=None)
    statements = {s["Sid"] for s in json.loads(plan.named("prod-drills-role-policy").inputs["policy"])["Statement"]}
    assert "InjectCapacityErrorsIntoAutoScalingGroups" not in statements and "DescribeAutoScalingGroups" not in statements


def test_the_route_quota_precondition_of_the_cross_region_drill_is_documented():
    # FIS needs the VPC quota "Routes per route table" at 250 (350 isolating us-east-1) plus existing routes.
    for text in (fis_experiments.__doc__, (ROOT / "docs" / "deploying.md").read_text()):
        assert "Routes per route table" in text
        assert "250" in text and "350" in text and "us-east-1" in text


def test_every_template_stops_on_the_impact_alarms_and_logs_encrypted(plan):
    stop = plan.named("prod-drills-stop")
    assert stop.inputs["alarmRule"] == 'ALARM("fraud-elb-5xx") OR ALARM("fraud-target-5xx")'
    logs = plan.named("prod-drills-logs").inputs
    assert logs["kmsKeyId"] == CMK and logs["retentionInDays"] == 365
    for template in plan.of_type("aws:fis/experimentTemplate:ExperimentTemplate"):
        assert template.inputs["stopConditions"] == [{"source": "aws:cloudwatch:alarm", "value": stop.outputs["arn"]}]
        assert template.inputs["logConfiguration"]["cloudwatchLogsConfiguration"]["logGroupArn"].endswith(":*")
        assert template.inputs["experimentOptions"] == {"accountTargeting": "single-account", "emptyTargetResolutionMode": "skip"}


def test_role_trusts_fis_with_its_managed_policies_and_scoped_replication_pause(plan):
    trust = json.loads(plan.named("prod-drills-role").inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "fis.amazonaws.com"}
    attached = {r.inputs["policyArn"] for r in plan.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")}
    assert attached == {f"arn:aws:iam::aws:policy/service-role/AWSFaultInjectionSimulator{n}Access" for n in ("EC2", "Network", "RDS")}
    statements = {s["Sid"]: s for s in json.loads(plan.named("prod-drills-role-policy").inputs["policy"])["Statement"]}
    assert statements["PauseVaultReplication"]["Resource"] == [VAULT]
    assert statements["VaultReplicationConfiguration"]["Resource"] == [VAULT]


def test_a_single_region_stack_has_no_cross_region_template_and_no_replication_rights():
    plan = _plan(peer_region=None, vault_bucket_arns=[], database_cluster_arns=[])
    names = {r.name for r in plan.of_type("aws:fis/experimentTemplate:ExperimentTemplate")}
    assert names == {f"prod-drills-az-power-{z}" for z in ZONES}
    assert "failover-database" not in {a["name"] for a in _template(plan, "az-power-us-east-1a")["actions"]}
    statements = {s["Sid"] for s in json.loads(plan.named("prod-drills-role-policy").inputs["policy"])["Statement"]}
    assert statements == {"ExperimentLogDelivery", "InjectCapacityErrorsIntoAutoScalingGroups", "DescribeAutoScalingGroups"}


def test_fails_without_a_stop_alarm():
    with pytest.raises(ValidationError, match="stop_alarm_names: an experiment without a stop condition is refused"):
        _args(stop_alarm_names=[])


@pytest.mark.parametrize("field, bad", [("outage_duration", "30m"), ("cross_region_duration", "PT13H")])
def test_fails_bad_duration(field, bad):
    with pytest.raises(ValidationError, match=field):
        _args(**{field: bad})


def test_fails_subnet_of_an_unknown_zone():
    with pytest.raises(ValidationError, match=r"subnet_arns_by_zone: zones \['us-east-1z'\]"):
        _args(subnet_arns_by_zone={"us-east-1z": SUBNETS["us-east-1a"]})


def test_fails_peer_equal_to_region():
    with pytest.raises(ValidationError, match="peer_region"):
        _args(peer_region=REGION)
