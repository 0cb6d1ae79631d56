"""RegionSwitchPlan: one workload's ARC Region switch plan with its least-privilege execution role,
the steps in order (approval, database + capacity in parallel, traffic), the RTO and the approach."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws
import pytest
from pydantic import ValidationError

from blueprint.plan.engine import plan_program
from blueprint.components.aws.region_switch_plan import EKS_SCALING_ACCESS_POLICY, RegionSwitchPlan, RegionSwitchPlanArgs, TriggerAlarm

PRIMARY, SECONDARY = "us-east-1", "us-west-2"
ACCOUNT = "123456789012"
TAGS = {"blueprint:workload": "fraud-scoring", "blueprint:tier": "mission-critical"}
DB = {r: f"arn:aws:rds:{r}:{ACCOUNT}:cluster:prod-fraud-scoring" for r in (PRIMARY, SECONDARY)}
EKS = {r: f"arn:aws:eks:{r}:{ACCOUNT}:cluster/prod-{r}" for r in (PRIMARY, SECONDARY)}
# Watched region -> its probe's alarm, evaluated in the other region (blueprint/components/aws/failover_probe.py).
OTHER = {PRIMARY: SECONDARY, SECONDARY: PRIMARY}
TRIGGERS = {r: TriggerAlarm(alarm_arn=f"arn:aws:cloudwatch:{OTHER[r]}:{ACCOUNT}:alarm:probe-{r}", alarm_region=OTHER[r],
                            survivor_alarm_arn=f"arn:aws:cloudwatch:{OTHER[r]}:{ACCOUNT}:alarm:survivor-{OTHER[r]}")
            for r in (PRIMARY, SECONDARY)}


def _args(**overrides) -> RegionSwitchPlanArgs:
    values = dict(
        plan_name="prod-fraud-scoring", workload="fraud-scoring", recovery_approach="activePassive",
        primary_region=PRIMARY, secondary_region=SECONDARY, recovery_time_objective_minutes=15, approval="manual",
        global_cluster_identifier="prod-fraud-scoring", global_cluster_arn=f"arn:aws:rds::{ACCOUNT}:global-cluster:prod-fraud-scoring",
        database_cluster_arns=DB, eks_cluster_arns=EKS, eks_cluster_names={r: f"prod-{r}" for r in EKS},
        namespace="fraud-scoring", deployment="fraud-scoring", hpa_names={PRIMARY: "fraud-scoring"},
        hosted_zone_id="Z123", record_name="fraud-scoring.ml.example.com", tags=TAGS,
    )
    values.update(overrides)
    return RegionSwitchPlanArgs(**values)


def _plan(**overrides):
    def program():
        provider = aws.Provider("aws-primary", region=PRIMARY)
        extra = {}
        if overrides.get("approval") == "automatic":
            extra = {"trigger_alarms": TRIGGERS}
        RegionSwitchPlan("fraud-region-switch", _args(**{**extra, **overrides}), pulumi.ResourceOptions(providers=[provider]))

    return plan_program(program, stack="test", config={"aws:region": PRIMARY})


@pytest.fixture(scope="module")
def warm():
    return _plan()


@pytest.fixture(scope="module")
def active():
    return _plan(recovery_approach="activeActive", approval="automatic", recovery_time_objective_minutes=2)


def _inputs(plan):
    return plan.named("fraud-region-switch-plan").inputs


def _steps(workflow):
    return [s["name"] for s in workflow["steps"]]


def _policy(plan):
    return {s["Sid"]: s for s in json.loads(plan.named("fraud-region-switch-execution-policy").inputs["policy"])["Statement"]}


# --- plan settings ------------------------------------------------------------------------------


def test_plan_carries_regions_rto_and_approach(warm):
    inputs = _inputs(warm)
    assert inputs["regions"] == [PRIMARY, SECONDARY] and inputs["primaryRegion"] == PRIMARY
    assert inputs["recoveryTimeObjectiveMinutes"] == 15
    assert inputs["recoveryApproach"] == "activePassive"
    assert inputs["tags"]["blueprint:workload"] == "fraud-scoring"


def test_active_passive_activates_the_standby_approval_first_then_database_and_capacity_then_traffic(warm):
    workflow = _inputs(warm)["workflows"][0]
    assert (workflow["workflowTargetAction"], workflow["workflowTargetRegion"]) == ("activate", SECONDARY)
    assert _steps(workflow) == ["approve-failover", "database-and-capacity", "shift-traffic"]
    parallel = workflow["steps"][1]
    assert parallel["executionBlockType"] == "Parallel"
    inner = {s["name"]: s for s in parallel["parallelConfigs"][0]["steps"]}
    assert set(inner) == {"promote-database", "scale-capacity"}
    aurora = inner["promote-database"]["globalAuroraConfigs"][0]
    assert aurora["behavior"] == "failover" and aurora["ungracefuls"] == [{"ungraceful": "failover"}]
    assert aurora["databaseClusterArns"] == [DB[PRIMARY], DB[SECONDARY]]
    traffic = workflow["steps"][2]["route53HealthCheckConfigs"][0]
    assert traffic["recordName"] == "fraud-scoring.ml.example.com"
    assert {r["recordSetIdentifier"] for r in traffic["recordSets"]} == {PRIMARY, SECONDARY}


def test_capacity_step_scales_the_deployment_with_its_hpa_where_one_exists(warm):
    workflow = _inputs(warm)["workflows"][0]
    step = next(s for s in workflow["steps"][1]["parallelConfigs"][0]["steps"] if s["name"] == "scale-capacity")
    config = step["eksResourceScalingConfigs"][0]
    assert config["capacityMonitoringApproach"] == "sampledMaxInLast24Hours" and config["targetPercent"] == 100
    assert config["kubernetesResourceTypes"] == [{"apiVersion": "apps/v1", "kind": "Deployment"}]
    resources = {r["resourceName"]: r for r in config["scalingResources"][0]["resources"]}
    assert resources[PRIMARY]["hpaName"] == "fraud-scoring" and "hpaName" not in resources[SECONDARY]


def test_manual_approval_has_an_approver_role_allowed_only_on_this_plan(warm):
    workflow = _inputs(warm)["workflows"][0]
    approval = workflow["steps"][0]["executionApprovalConfigs"][0]
    assert approval["approvalRole"] == warm.named("fraud-region-switch-approver-role").outputs["arn"]
    assert approval["timeoutMinutes"] == 60
    (statement,) = json.loads(warm.named("fraud-region-switch-approver-policy").inputs["policy"])["Statement"]
    assert statement["Action"] == "arc-region-switch:ApprovePlanExecutionStep"
    assert statement["Resource"] == warm.named("fraud-region-switch-plan").outputs["arn"]
    assert "triggers" not in _inputs(warm)


def test_execution_role_trusts_region_switch_only(warm):
    trust = json.loads(warm.named("fraud-region-switch-execution-role").inputs["assumeRolePolicy"])
    (statement,) = trust["Statement"]
    assert statement["Principal"] == {"Service": "arc-region-switch.amazonaws.com"}


def test_execution_policy_is_scoped_to_the_workloads_resources(warm):
    policy = _policy(warm)
    assert set(policy) == {"AuroraGlobalFailover", "EksDescribe", "EksAccessEntries", "Route53Records",
                           "GetPlanAndExecutions", "PlanEvaluation"}
    for statement in policy.values():
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        assert "*" not in resources
    assert set(policy["AuroraGlobalFailover"]["Resource"]) == {*DB.values(), f"arn:aws:rds::{ACCOUNT}:global-cluster:prod-fraud-scoring"}
    assert policy["EksAccessEntries"]["Resource"] == [f"arn:aws:eks:{r}:{ACCOUNT}:access-entry/prod-{r}/*" for r in sorted(EKS)]
    assert policy["Route53Records"]["Resource"] == ["arn:aws:route53:::hostedzone/Z123"]


def test_execution_policy_allows_plan_execution_and_evaluation_on_this_plan_and_role_only(warm):
    """What the managed AmazonApplicationRecoveryControllerRegionSwitchPlanExecutionPolicy grants, narrowed."""
    policy, role = _policy(warm), warm.named("fraud-region-switch-execution-role")
    assert set(policy["GetPlanAndExecutions"]["Action"]) == {
        "arc-region-switch:GetPlan", "arc-region-switch:GetPlanExecution", "arc-region-switch:ListPlanExecutions"}
    # Finding 8: both ARN forms AWS documents (API pattern ':' and the sample policies' '/').
    assert policy["GetPlanAndExecutions"]["Resource"] == [f"arn:aws:arc-region-switch::{ACCOUNT}:plan/prod-fraud-scoring:*",
                                                          f"arn:aws:arc-region-switch::{ACCOUNT}:plan/prod-fraud-scoring/*"]
    assert policy["PlanEvaluation"] == {"Sid": "PlanEvaluation", "Effect": "Allow", "Action": "iam:SimulatePrincipalPolicy",
                                        "Resource": role.outputs["arn"]}


def test_eks_access_is_scoped_to_the_workloads_namespace_in_both_clusters(warm):
    for region in (PRIMARY, SECONDARY):
        association = warm.named(f"fraud-region-switch-eks-scaling-{region}").inputs
        assert association["policyArn"] == EKS_SCALING_ACCESS_POLICY
        assert association["accessScope"] == {"type": "namespace", "namespaces": ["fraud-scoring"]}
        assert warm.named(f"fraud-region-switch-eks-access-{region}").region == region


# --- tier differences ------------------------------------------------------------------------------


def test_active_active_deactivates_the_impaired_region_writer_first_then_traffic_and_returns_it(active):
    """The writer's promotion precedes the traffic step (the survivor forwards writes to the lost writer until then)."""
    inputs = _inputs(active)
    assert inputs["recoveryApproach"] == "activeActive" and inputs["recoveryTimeObjectiveMinutes"] == 2
    deactivate, activate = inputs["workflows"]
    assert deactivate["workflowTargetAction"] == "deactivate" and "workflowTargetRegion" not in deactivate
    assert _steps(deactivate) == ["database-and-capacity", "shift-traffic"]
    assert activate["workflowTargetAction"] == "activate" and _steps(activate) == ["scale-capacity", "shift-traffic"]


def test_automatic_approval_triggers_on_each_regions_out_of_region_alarm(active):
    inputs = _inputs(active)
    assert {a["mapBlockKey"]: a["alarmType"] for a in inputs["associatedAlarms"]} == {
        f"{kind}-{r}": "trigger" for kind in ("trigger", "survivor") for r in (PRIMARY, SECONDARY)}
    triggers = {t["targetRegion"]: t for t in inputs["triggers"]}
    assert set(triggers) == {PRIMARY, SECONDARY}
    for region, trigger in triggers.items():
        assert trigger["action"] == "deactivate" and trigger["minDelayMinutesBetweenExecutions"] == 60
        # Finding 2: watched red AND the surviving region's own self-check green.
        assert trigger["conditions"] == [{"associatedAlarmName": f"trigger-{region}", "condition": "red"},
                                         {"associatedAlarmName": f"survivor-{OTHER[region]}", "condition": "green"}]
    assert {a["mapBlockKey"]: a["resourceIdentifier"] for a in inputs["associatedAlarms"]} == {
        **{f"trigger-{r}": TRIGGERS[r].alarm_arn for r in (PRIMARY, SECONDARY)},
        **{f"survivor-{OTHER[r]}": TRIGGERS[r].survivor_alarm_arn for r in (PRIMARY, SECONDARY)}}
    assert not [r for r in active.resources if r.type == "aws:cloudwatch/metricAlarm:MetricAlarm"]  # the probes own them
    assert not [r for r in active.resources if r.name == "fraud-region-switch-approver-role"]
    policy = _policy(active)
    assert policy["TriggerAlarms"]["Resource"] == [TRIGGERS[r].alarm_arn for r in sorted(TRIGGERS)] + [
        TRIGGERS[OTHER[r]].survivor_alarm_arn for r in sorted(TRIGGERS)]
    assert policy["TriggerMetrics"]["Action"] == "cloudwatch:GetMetricStatistics"


def test_automatic_active_passive_activates_the_standby_when_the_primary_fails():
    plan = _plan(approval="automatic")
    (trigger,) = _inputs(plan)["triggers"]
    assert (trigger["action"], trigger["targetRegion"]) == ("activate", SECONDARY)
    assert trigger["conditions"] == [{"associatedAlarmName": f"trigger-{PRIMARY}", "condition": "red"},
                                     {"associatedAlarmName": f"survivor-{SECONDARY}", "condition": "green"}]
    assert _steps(_inputs(plan)["workflows"][0]) == ["database-and-capacity", "shift-traffic"]


def test_without_a_database_the_capacity_step_stands_alone():
    plan = _plan(global_cluster_identifier=None, global_cluster_arn=None, database_cluster_arns={})
    workflow = _inputs(plan)["workflows"][0]
    assert _steps(workflow) == ["approve-failover", "scale-capacity", "shift-traffic"]
    assert "AuroraGlobalFailover" not in _policy(plan)


# --- failures ------------------------------------------------------------------------------------


def test_fails_plan_name_longer_than_32():
    with pytest.raises(ValidationError, match="plan_name: 'x{33}' must be 1..32"):
        _args(plan_name="x" * 33)


def test_fails_same_region_twice():
    with pytest.raises(ValidationError, match="secondary_region: 'us-east-1' equals primary_region"):
        _args(secondary_region=PRIMARY)


def test_fails_automatic_without_trigger_alarms():
    with pytest.raises(ValidationError, match=r"trigger_alarms: watched regions \[\]; 'automatic' approval needs an alarm"):
        _args(approval="automatic")


def test_fails_active_active_trigger_for_one_region_only():
    with pytest.raises(ValidationError, match=r"needs an alarm for each of \['us-east-1', 'us-west-2'\]"):
        _args(approval="automatic", recovery_approach="activeActive", trigger_alarms={PRIMARY: TRIGGERS[PRIMARY]})


def test_fails_automatic_trigger_without_a_survivor_check():
    lone = TriggerAlarm(alarm_arn=TRIGGERS[PRIMARY].alarm_arn, alarm_region=SECONDARY)
    with pytest.raises(ValidationError, match="the alarm watching us-east-1 has no survivor_alarm_arn"):
        _args(approval="automatic", trigger_alarms={PRIMARY: lone})


def test_fails_trigger_alarm_evaluated_in_the_region_it_watches():
    """A us-east-1 primary watched by an alarm in us-east-1 (e.g. Route 53 HealthCheckStatus) dies with it."""
    inside = TriggerAlarm(alarm_arn="arn:aws:cloudwatch:us-east-1:123456789012:alarm:r53", alarm_region=PRIMARY)
    with pytest.raises(ValidationError, match="the alarm watching us-east-1 is evaluated in us-east-1 itself"):
        _args(approval="automatic", trigger_alarms={PRIMARY: inside})


def test_fails_database_arns_for_one_region_only():
    with pytest.raises(ValidationError, match=r"database_cluster_arns: regions \['us-east-1'\]"):
        _args(database_cluster_arns={PRIMARY: DB[PRIMARY]})


def test_fails_with_nothing_to_orchestrate():
    with pytest.raises(ValidationError, match="no database, capacity or traffic step"):
        _args(global_cluster_identifier=None, global_cluster_arn=None, database_cluster_arns={}, eks_cluster_arns={},
              eks_cluster_names={}, namespace=None, deployment=None, hosted_zone_id=None, record_name=None)


def test_fails_unknown_recovery_approach():
    with pytest.raises(ValidationError, match="recovery_approach"):
        _args(recovery_approach="pilotLight")


# --- the traffic step's health checks (issue 17) -------------------------------------------------

def test_traffic_health_checks_are_read_back_per_region_after_the_plan():
    def program():
        provider = aws.Provider("aws-primary", region=PRIMARY)
        plan = RegionSwitchPlan("fraud-region-switch", _args(), pulumi.ResourceOptions(providers=[provider]))
        assert set(plan.traffic_health_check_ids) == {PRIMARY, SECONDARY}
        for region, check in plan.traffic_health_check_ids.items():
            # a resource that uses the id waits for the plan (create order: plan -> look-up -> user)
            aws.route53.HealthCheck(f"user-{region}", type="CALCULATED", child_healthchecks=[check], child_health_threshold=1)

    planned = plan_program(program, stack="test", config={"aws:region": PRIMARY})
    plan_urn = planned.named("fraud-region-switch-plan").urn
    ids = {r: planned.named(f"user-{r}").inputs["childHealthchecks"][0] for r in (PRIMARY, SECONDARY)}
    assert len(set(ids.values())) == 2 and all(len(i) == 36 for i in ids.values())  # Route 53 health check ids
    assert all(plan_urn in planned.named(f"user-{r}").dependencies for r in (PRIMARY, SECONDARY))


def test_no_traffic_step_means_no_traffic_health_checks():
    captured = {}

    def program():
        provider = aws.Provider("aws-primary", region=PRIMARY)
        plan = RegionSwitchPlan("fraud-region-switch", _args(hosted_zone_id=None, record_name=None),
                                pulumi.ResourceOptions(providers=[provider]))
        captured["ids"] = plan.traffic_health_check_ids

    plan_program(program, stack="test", config={"aws:region": PRIMARY})
    assert captured["ids"] == {}


def test_fails_when_region_switch_lists_no_check_for_the_record():
    from types import SimpleNamespace

    from blueprint.components.aws.region_switch_plan import traffic_check_id

    other = SimpleNamespace(region=PRIMARY, record_name="other.ml.example.com.", health_check_id="x")
    mine = SimpleNamespace(region=SECONDARY, record_name="fraud-scoring.ml.example.com.", health_check_id="hc-2")
    assert traffic_check_id([other, mine], "fraud-scoring.ml.example.com", SECONDARY, "prod-fraud-scoring") == "hc-2"
    with pytest.raises(ValueError, match=r"no Route 53 health check for fraud-scoring.ml.example.com in us-east-1"):
        traffic_check_id([other, mine], "fraud-scoring.ml.example.com", PRIMARY, "prod-fraud-scoring")


def test_active_passive_returns_to_the_primary_by_a_planned_switchover(warm):
    """Failback (or the end of a drill) through the plan: the records use the plan's health checks,
    so only the plan can make the primary's healthy again."""
    failover, back = _inputs(warm)["workflows"]
    assert (back["workflowTargetAction"], back["workflowTargetRegion"]) == ("activate", PRIMARY)
    assert _steps(back) == ["database-and-capacity", "shift-traffic"]  # a human starts it: no approval step
    inner = {s["name"]: s for s in back["steps"][0]["parallelConfigs"][0]["steps"]}
    assert inner["promote-database"]["globalAuroraConfigs"][0]["behavior"] == "switchoverOnly"
    assert back["steps"][1] == failover["steps"][2]  # the same traffic block over the same records


def test_capacity_after_traffic_never_holds_the_traffic_step():
    """Review finding 10: where KEDA may undo the capacity step until traffic arrives, it runs after shift-traffic."""
    passive = _inputs(_plan(capacity_after_traffic=True))["workflows"]
    assert [_steps(w) for w in passive] == [["approve-failover", "promote-database", "shift-traffic", "scale-capacity"],
                                            ["promote-database", "shift-traffic", "scale-capacity"]]
    active = _inputs(_plan(capacity_after_traffic=True, recovery_approach="activeActive"))["workflows"]
    assert [_steps(w) for w in active] == [["approve-failover", "promote-database", "shift-traffic", "scale-capacity"],
                                           ["shift-traffic", "scale-capacity"]]
    assert _args().capacity_after_traffic is False
