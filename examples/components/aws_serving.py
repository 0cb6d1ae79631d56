"""An inference endpoint's front door and its alarms in one region, composed by hand.

Components: KmsKey, Network, AccessLogBucket, WebAcl, LoadBalancer, DnsFailover, AlarmTopic,
WorkQueue, WorkloadAlarms, ZonalAutoshift (blueprint.components.aws).

An internet-facing ALB (TLS 1.2+ only, HTTP redirected, access logs, AWS WAF in front) answering
fraud-scoring.ml.example.com through a health-checked Route 53 record; an encrypted SQS work
queue with its dead-letter queue; CloudWatch alarms to an encrypted SNS topic; and ARC zonal
autoshift that moves traffic away from an impaired zone. Run it as a Pulumi program's
__main__.py, or plan it offline (examples/README.md).
"""

import pulumi
import pulumi_aws as aws

from blueprint.components.aws import (
    AccessLogBucket, AccessLogBucketArgs, AlarmTopic, AlarmTopicArgs, DnsEndpoint, DnsFailover, DnsFailoverArgs, KmsKey,
    KmsKeyArgs, LoadBalancer, LoadBalancerArgs, Network, NetworkArgs, WebAcl, WebAclArgs, WorkloadAlarms,
    WorkloadAlarmsArgs, WorkQueue, WorkQueueArgs, ZonalAutoshift, ZonalAutoshiftArgs,
)

REGION, ZONES = "eu-central-1", ("eu-central-1a", "eu-central-1b", "eu-central-1c")
DNS_ZONE, HOSTED_ZONE_ID = "ml.example.com", "Z0123456789ABCDEFGHIJ"  # your existing public zone
TAGS = {"team": "ml-platform", "blueprint:workload": "fraud-scoring"}

provider = aws.Provider("frankfurt", region=REGION)
here = pulumi.ResourceOptions(provider=provider)

key = KmsKey("serving-key", KmsKeyArgs(alias_name="serving/eu-central-1", tags=TAGS), here)
network = Network("serving-net", NetworkArgs(zones=ZONES, flow_logs_kms_key_arn=key.arn, tags=TAGS), here)
logs = AccessLogBucket("serving-logs", AccessLogBucketArgs(tags=TAGS), here)
waf = WebAcl("serving-waf", WebAclArgs(kms_key_arn=key.arn, tags=TAGS), here)

lb = LoadBalancer(
    "fraud-lb",
    LoadBalancerArgs(
        vpc_id=network.vpc_id, vpc_cidr_block="10.0.0.0/16", public_subnet_ids=network.public_subnet_ids,
        domain_name=f"fraud-scoring.{DNS_ZONE}", hosted_zone_id=HOSTED_ZONE_ID, service_port=8080,
        readiness_path="/ready", health_check_interval_s=10, health_check_timeout_s=5, healthy_threshold=2,
        unhealthy_threshold=2, access_logs_bucket=logs.bucket, access_logs_prefix="fraud-scoring",
        web_acl_arn=waf.arn, tags=TAGS,
    ),
    here,
)

topic = AlarmTopic("serving-alarms", AlarmTopicArgs(kms_key_arn=key.arn, tags=TAGS), here)
# Route 53 health-check metrics exist only in us-east-1: DnsFailover creates its own provider there
# for the health-check alarms unless one is given.
DnsFailover(
    "fraud-dns",
    DnsFailoverArgs(
        zone_name=DNS_ZONE, record_name=f"fraud-scoring.{DNS_ZONE}", routing="simple",
        endpoints=[DnsEndpoint(region=REGION, role="primary", alb_dns_name=lb.dns_name, alb_zone_id=lb.zone_id)],
        readiness_path="/ready", health_check_interval_s=10, failure_threshold=2, tags=TAGS,
    ),
    here,
)

queue = WorkQueue("fraud-queue", WorkQueueArgs(kms_key_arn=key.arn, max_receive_count=5, visibility_timeout_seconds=300,
                                                 tags=TAGS), here)
alarms = WorkloadAlarms(
    "fraud-alarms",
    WorkloadAlarmsArgs(
        workload="fraud-scoring", tier="business-critical", alarm_topic_arn=topic.arn, queue_name=queue.name,
        dlq_name=queue.dlq_name, queue_age_threshold_s=900, load_balancer_arn_suffix=lb.arn_suffix,
        target_group_arn_suffix=lb.target_group_arn_suffix, tags=TAGS,
    ),
    here,
)
ZonalAutoshift(
    "fraud-autoshift",
    ZonalAutoshiftArgs(
        workload="fraud-scoring", region=REGION, load_balancer_arn=lb.arn, blocking_alarm_names=alarms.alarm_names,
        outcome_alarm_names=[alarms.alarm_names_by_role["elb-5xx"], alarms.alarm_names_by_role["target-5xx"]], tags=TAGS,
    ),
    here,
)

pulumi.export("endpoint", lb.dns_name)
pulumi.export("queue_url", queue.url)
