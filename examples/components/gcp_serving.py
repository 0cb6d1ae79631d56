"""An inference endpoint behind Google's global load balancer, with its queue and alerts.

Components: ZonalNegs, GlobalLoadBalancer, PubSubQueue, AlertChannel, WorkloadAlerts
(blueprint.components.gcp).

Standalone zonal NEGs in the primary and the warm-standby region (the GKE NEG controller fills
them with the Service's pods); a global external Application Load Balancer (TLS 1.2+ RESTRICTED,
HTTP redirected, Google-managed certificate, health checks on the readiness path) that prefers the
primary region and fails over to the warm one by itself; a CMEK Pub/Sub work queue with its
dead-letter queue; and Cloud Monitoring alert policies that notify a Pub/Sub channel.
Run it as a Pulumi program's __main__.py, or plan it offline (examples/README.md).
"""

import pulumi
import pulumi_gcp as gcp

from blueprint.components.gcp import (
    AlertChannel, AlertChannelArgs, GlobalLoadBalancer, GlobalLoadBalancerArgs, NegBackend, PubSubQueue, PubSubQueueArgs,
    WorkloadAlerts, WorkloadAlertsArgs, ZonalNegs, ZonalNegsArgs,
)

PROJECT = "acme-ml-prod"
ZONES = {"europe-west4": ["europe-west4-a", "europe-west4-b", "europe-west4-c"],
         "europe-west1": ["europe-west1-b", "europe-west1-c", "europe-west1-d"]}
ROLES = {"europe-west4": "primary", "europe-west1": "warm"}
LABELS = {"team": "ml-platform", "blueprint-workload": "fraud-scoring"}
# Your stack's key, network and service agents (KmsKey, Network, RegionalSubnet, project_service_agents).
KEY = "projects/acme-ml-prod/locations/europe-west4/keyRings/ml-europe-west4/cryptoKeys/data"
NETWORK = "projects/acme-ml-prod/global/networks/ml-platform"
PUBSUB_AGENT = "service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com"
MONITORING_AGENT = "service-123456789012@gcp-sa-monitoring-notification.iam.gserviceaccount.com"

backends = []
for region, zones in ZONES.items():
    provider = gcp.Provider(f"gcp-{region}", project=PROJECT, region=region)
    negs = ZonalNegs(
        f"fraud-negs-{region}",
        ZonalNegsArgs(neg_name="fraud-scoring", zones=zones, network=NETWORK,
                      subnetwork=f"projects/{PROJECT}/regions/{region}/subnetworks/ml-{region}", default_port=8080),
        pulumi.ResourceOptions(provider=provider),
    )
    backends.append(NegBackend(region=region, role=ROLES[region], neg_ids=negs.neg_ids))

lb = GlobalLoadBalancer(
    "fraud-lb",
    GlobalLoadBalancerArgs(
        workload="fraud-scoring", dns_zone="ml.example.com", service_port=8080, readiness_path="/ready",
        health_check_interval_s=5, health_check_timeout_s=5, healthy_threshold=2, unhealthy_threshold=2,
        backends=backends, labels=LABELS,
    ),
)

primary = pulumi.ResourceOptions(provider=gcp.Provider("gcp-primary", project=PROJECT, region="europe-west4"))
queue = PubSubQueue(
    "fraud-queue",
    PubSubQueueArgs(topic_name="fraud-scoring-europe-west4", region="europe-west4", kms_key_id=KEY,
                    pubsub_service_agent=PUBSUB_AGENT, labels=LABELS),
    primary,
)
alerts_channel = AlertChannel(
    "fraud-alerts-channel",
    AlertChannelArgs(topic_name="fraud-scoring-alerts", region="europe-west4", kms_key_id=KEY,
                     monitoring_agent=MONITORING_AGENT),
    primary,
)
WorkloadAlerts(
    "fraud-alerts",
    WorkloadAlertsArgs(
        workload="fraud-scoring", tier="business-critical", notification_channels=[alerts_channel.channel_id],
        queue_subscriptions={"europe-west4": queue.subscription_name},
        dead_letter_subscriptions={"europe-west4": queue.dead_letter_subscription_name},
        queue_age_threshold_s=900, labels=LABELS,
        url_map_name=lb.url_map_id.apply(lambda url_map: url_map.rsplit("/", 1)[-1]),  # the id ends in the name
    ),
    primary,
)

pulumi.export("ip_address", lb.ip_address)
