"""Issue 18, "every use alarmed": a break-glass use pages while ANY one of the stack's regions is up.

AWS: the role is assumable only through the STS endpoints of the stack's regions (aws:RequestedRegion),
and each of those regions has its own EventBridge rule and encrypted topic, so losing any one region
leaves an alarm in another. GCP: the PAM grant alert notifies a channel whose topic lives in each region."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from blueprint.plan.run import plan_stack
from blueprint.project import StackRef
from blueprint.types import aws

ROOT = Path(__file__).resolve().parents[2]


def _plan(stack: str):
    return plan_stack(ROOT, StackRef(stack, ROOT / "stacks" / f"Pulumi.{stack}.yaml"))


@pytest.fixture(scope="module")
def prod():
    return _plan("prod")


def _alarmed_regions(plan) -> dict[str, str]:
    """region -> topic ARN of each region whose rule on the role's AssumeRole targets a topic there."""
    topics = {r.outputs["arn"]: r.region for r in plan.of_type(aws.SNS_TOPIC)}
    rules = {r.name: r for r in plan.of_type(aws.CLOUDWATCH_EVENT_RULE) if '"AssumeRole"' in r.inputs.get("eventPattern", "")}
    found = {}
    for target in plan.of_type("aws:cloudwatch/eventTarget:EventTarget"):
        rule = next((r for r in rules.values() if r.inputs["name"] == target.inputs["rule"] and r.region == target.region), None)
        if rule is not None and topics.get(target.inputs["arn"]) == rule.region:
            found[rule.region] = target.inputs["arn"]
    return found


def test_aws_every_region_of_the_stack_alarms_on_its_own(prod):
    role = prod.named("prod-break-glass-role")
    (statement,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    sts_regions = set(statement["Condition"]["StringEquals"]["aws:RequestedRegion"])
    alarmed = _alarmed_regions(prod)
    assert sts_regions == set(alarmed) == {"us-east-1", "us-west-2"}
    # Whichever one region is lost, an assumption through the other's STS endpoint still pages there.
    for lost in sts_regions:
        assert set(alarmed) - {lost}
    assert prod.outputs["break_glass_alarm_topics"] == alarmed


def test_aws_primary_metric_filter_alarm_is_kept(prod):
    """The trail's log-group alarm in the primary stays as a second, independent path."""
    assert prod.named("prod-break-glass-assumed-alarm").region == "us-east-1"


def test_gcp_grant_alert_notifies_a_channel_in_each_region():
    plan = _plan("gcp-prod")
    alert = plan.named("prod-break-glass-grant-alert")
    channels = {r.outputs["name"]: r for r in plan.of_type("gcp:monitoring/notificationChannel:NotificationChannel")}
    topics = {f"projects/acme-ml-prod/topics/{r.inputs['name']}": r for r in plan.of_type("gcp:pubsub/topic:Topic")}
    stored_in = set()
    for channel_id in alert.inputs["notificationChannels"]:
        topic = topics[channels[channel_id].inputs["labels"]["topic"]]
        stored_in |= set(topic.inputs["messageStoragePolicy"]["allowedPersistenceRegions"])
    assert stored_in == {"europe-west4", "europe-west1"}
    # Not the failover channel: its messages start failover workflows.
    assert all("failover" not in channels[c].name for c in alert.inputs["notificationChannels"])
    assert set(plan.outputs["break_glass_alert_topics"]) == {"europe-west4", "europe-west1"}
