"""WorkloadAlerts: Cloud Monitoring alert policies of one workload (all its regions; Cloud Monitoring
is project-wide, so one component per workload, each policy naming its region).

Children (component named ``n``; each only when its input is given):
    ``n-<region>-queue-age``    pubsub.googleapis.com/subscription/oldest_unacked_message_age (pubsub_subscription,
                                subscription_id = the work subscription) above the threshold (seconds)
    ``n-<region>-queue-depth``  pubsub.googleapis.com/subscription/num_undelivered_messages of the work subscription
                                above ``queue_depth_threshold``
    ``n-<region>-dead-letters`` pubsub.googleapis.com/subscription/num_undelivered_messages on the dead-letter
                                subscription > 0
    ``n-<region>-dead-letter-age`` pubsub.googleapis.com/subscription/oldest_unacked_message_age of the dead-letter
                                subscription above ``dead_letter_age_threshold_s`` (dead letters nobody replayed)
    ``n-<region>-replica-lag``  cloudsql.googleapis.com/database/replication/replica_lag (cloudsql_database,
                                database_id = "<project>:<instance>", seconds) of the cross-region replica above
                                the RPO target
    ``n-lb-5xx``                loadbalancing.googleapis.com/https/request_count (https_lb_rule, url_map_name) with
                                response_code_class = 500, summed per minute, above ``http_5xx_threshold``
    ``n-primary-down``          cloudsql.googleapis.com/database/up (cloudsql_database, database_id =
                                "<project>:<instance>" of the primary) below 1; missing data breaches (a lost region
                                publishes nothing); its condition holds ``primary_down_minutes`` (outlasting an
                                in-region HA failover). "database/up: Indicates if the server is up or not", Cloud SQL
                                metrics, https://cloud.google.com/sql/docs/postgres/admin-api/metrics

Failover triggers: the policies named in ``failover_roles`` (e.g. ``primary-down``) also notify
``failover_channels``: the channel whose Pub/Sub topic starts the workload's FailoverWorkflow
(blueprint/components/gcp/failover_workflow.py). ``display_names`` maps each role to its policy's display name,
the ``policy_name`` of the incidents it publishes (the workflow acts only on those).

Metric types, resource types and labels: Cloud Monitoring "Google Cloud metrics" (pubsub, cloudsql,
loadbalancing) and Cloud SQL "Replication lag" (replica_lag: seconds the replica is behind).

Notification: alert policies open incidents in Cloud Monitoring whatever ``notification_channels``
holds. A channel (e-mail, PagerDuty, Pub/Sub...) is organisation-specific and the stack
configuration has no key for it, so the default is none: attach one by passing its id
(``projects/<p>/notificationChannels/<id>``) here, or in the console; incidents notify on open and
close. Missing data is treated as breaching for the replica lag (no data means replication is not
measured: a stopped replica publishes nothing), as not breaching for the other metrics (a
subscription or load balancer without traffic publishes nothing).

Not covered (documented gap): GPU nodes below the pool minimum. GKE node pools have no documented
per-pool node-count metric to threshold on; the pools' autoscaler keeps the minimum and GKE reports
scale-up failures in its cluster autoscaler visibility logs.
"""

from __future__ import annotations

import re
from typing import Any, Literal, Optional

import pulumi
import pulumi_gcp as gcp
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from blueprint.components._intent_values import TierLabel
from blueprint.components._validation import AtLeastOne

from ._labels import check_region, merge_labels
from ._types import Labels

# AlertPolicy severity levels, highest first (google.monitoring.v3.AlertPolicy.Severity:
# https://cloud.google.com/python/docs/reference/monitoring/latest/google.cloud.monitoring_v3.types.AlertPolicy.Severity).
Severity = Literal["CRITICAL", "ERROR", "WARNING"]
# Incidents whose condition stopped being met (e.g. a deleted subscription) close after a day.
AUTO_CLOSE = "86400s"
_CHANNEL = re.compile(r"^projects/[a-z0-9:.-]+/notificationChannels/\d+$")


class WorkloadAlertsArgs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    workload: str = Field(description="Workload name, used in display names and documentation.")
    tier: TierLabel = Field(description="Workload tier, a label only: named in display names and documentation.")
    # The composer passes the tier's (blueprint.catalogs.operations via blueprint.footprint.WorkloadIntent).
    evaluation_minutes: AtLeastOne = Field(default=3, description="Minutes a condition must hold before an incident opens; default 3.")
    severity: Severity = Field(default="WARNING", description="Severity of every policy: CRITICAL, ERROR or WARNING; default WARNING.")
    notification_channels: list[Any] = Field(default_factory=list, description="Notification channel ids; default none (incidents only; module docstring).")
    queue_subscriptions: dict[str, Any] = Field(default_factory=dict, description="Region -> work subscription name (PubSubQueue.subscription_name): age alerts.")
    dead_letter_subscriptions: dict[str, Any] = Field(default_factory=dict, description="Region -> dead-letter subscription name: dead-letter alerts.")
    queue_age_threshold_s: AtLeastOne = Field(default=300, description="Oldest unacked message age that alerts (seconds); default 300 (e.g. the RTO, at least two ack deadlines).")
    # Defaults: the strictest tier's (blueprint.catalogs.operations QUEUE_DEPTH_THRESHOLD, DEAD_LETTER_AGE_THRESHOLD_S).
    queue_depth_threshold: AtLeastOne = Field(default=1000, description="Undelivered messages of a work subscription that alert; default 1000.")
    dead_letter_age_threshold_s: AtLeastOne = Field(default=3600, description="Age of the oldest dead letter that alerts (seconds); default 3600.")
    replica_database_ids: dict[str, Any] = Field(default_factory=dict, description="Region -> '<project>:<instance>' of a cross-region Cloud SQL replica: lag alerts.")
    replica_lag_threshold_s: AtLeastOne = Field(default=60, description="Replica lag that alerts (seconds); default 60 (e.g. the RPO).")
    url_map_name: Any = Field(default=None, description="The global load balancer's URL map name: the 5xx alert.")
    # A burst of 5xx inside a minute above this pages; single errors do not (as on AWS).
    http_5xx_threshold: AtLeastOne = Field(default=5, description="5xx responses per minute that alert; default 5.")
    primary_database_id: Any = Field(default=None, description="'<project>:<instance>' of the primary Cloud SQL instance: the primary-down alert. Default None: no such alert.")
    # An in-region Cloud SQL HA failover misses heartbeats for about 60 s ("About high availability"):
    # a primary-down condition that must hold longer never fails over on such a blip.
    primary_down_minutes: Optional[int] = Field(default=None, ge=1, description="Minutes the primary-down condition must hold; "
                                                "default None: evaluation_minutes. The composer passes 3 (blueprint/catalogs/failover_probe.py).")
    failover_channels: list[Any] = Field(default_factory=list, description="Channel ids the failover_roles policies also notify (the failover workflow's channel); default none.")
    failover_roles: list[str] = Field(default_factory=list, description="Roles (child name suffixes, e.g. 'primary-down', 'lb-5xx') whose policies notify failover_channels; default none.")
    labels: Labels = Field(default_factory=dict, description="User labels on every policy.")

    @field_validator("notification_channels", "failover_channels")
    @classmethod
    def _channels(cls, v: list[Any], info) -> list[Any]:
        for channel in v:
            if not isinstance(channel, pulumi.Output) and (not isinstance(channel, str) or not _CHANNEL.match(channel)):
                raise ValueError(f"{info.field_name}: {channel!r} is not a notification channel id; "
                                 "use 'projects/<project>/notificationChannels/<id>'")
        return v

    def roles(self) -> list[str]:
        """The child-name suffix of every policy these settings create."""
        return ([f"{r}-queue-age" for r in sorted(self.queue_subscriptions)] + [f"{r}-queue-depth" for r in sorted(self.queue_subscriptions)]
                + [f"{r}-dead-letters" for r in sorted(self.dead_letter_subscriptions)]
                + [f"{r}-dead-letter-age" for r in sorted(self.dead_letter_subscriptions)]
                + [f"{r}-replica-lag" for r in sorted(self.replica_database_ids)]
                + (["lb-5xx"] if self.url_map_name is not None else []) + (["primary-down"] if self.primary_database_id is not None else []))

    @model_validator(mode="after")
    def _failover(self) -> "WorkloadAlertsArgs":
        unknown = sorted(set(self.failover_roles) - set(self.roles()))
        if unknown:
            raise ValueError(f"failover_roles: {unknown} name no policy of these settings; use some of {self.roles()}")
        if self.failover_roles and not self.failover_channels:
            raise ValueError(f"failover_roles: {self.failover_roles} given without failover_channels; pass the failover channel id")
        return self

    @field_validator("queue_subscriptions", "dead_letter_subscriptions", "replica_database_ids")
    @classmethod
    def _regions(cls, v: dict[str, Any], info) -> dict[str, Any]:
        for region in v:
            check_region(info.field_name, region)
        return v


class WorkloadAlerts(pulumi.ComponentResource):
    """Queue backlog, dead letters, Cloud SQL replica lag and load balancer 5xx alert policies."""

    policy_names: list[pulumi.Output[str]]

    def __init__(self, name: str, args: WorkloadAlertsArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:gcp:WorkloadAlerts", name, None, opts)
        duration = f"{args.evaluation_minutes * 60}s"
        self.policy_names = []
        self.display_names: dict[str, str] = {}

        def policy(role: str, description: str, filter_: Any, threshold: float, aligner: str,
                   missing: str = "EVALUATION_MISSING_DATA_INACTIVE", reducer: Optional[str] = None,
                   comparison: str = "COMPARISON_GT", hold: Optional[str] = None) -> None:
            child_name = f"{name}-{role}"
            self.display_names[role] = f"{args.workload} ({args.tier}): {description}"
            channels = list(args.notification_channels) + (list(args.failover_channels) if role in args.failover_roles else [])
            aggregation = gcp.monitoring.AlertPolicyConditionConditionThresholdAggregationArgs(
                alignment_period="60s", per_series_aligner=aligner, cross_series_reducer=reducer)
            resource = gcp.monitoring.AlertPolicy(
                child_name,
                display_name=self.display_names[role],
                combiner="OR",
                severity=args.severity,
                conditions=[gcp.monitoring.AlertPolicyConditionArgs(
                    display_name=description,
                    condition_threshold=gcp.monitoring.AlertPolicyConditionConditionThresholdArgs(
                        filter=filter_, comparison=comparison, threshold_value=threshold, duration=hold or duration,
                        aggregations=[aggregation], evaluation_missing_data=missing,
                    ),
                )],
                notification_channels=channels,
                alert_strategy=gcp.monitoring.AlertPolicyAlertStrategyArgs(
                    auto_close=AUTO_CLOSE, notification_prompts=["OPENED", "CLOSED"]),
                documentation=gcp.monitoring.AlertPolicyDocumentationArgs(
                    mime_type="text/markdown",
                    content=f"**{args.workload}** ({args.tier}): {description}. Generated by blueprint (blueprint/components/gcp/workload_alerts.py)."),
                user_labels=merge_labels(args.labels, child_name),
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.policy_names.append(resource.name)

        def subscription_filter(metric: str, subscription: Any) -> pulumi.Output[str]:
            return pulumi.Output.concat(
                'resource.type = "pubsub_subscription" AND resource.labels.subscription_id = "', subscription,
                f'" AND metric.type = "pubsub.googleapis.com/subscription/{metric}"')

        for region, subscription in sorted(args.queue_subscriptions.items()):
            policy(f"{region}-queue-age", f"oldest queued message in {region} older than {args.queue_age_threshold_s} s",
                   subscription_filter("oldest_unacked_message_age", subscription), args.queue_age_threshold_s, "ALIGN_MAX")
            policy(f"{region}-queue-depth", f"more than {args.queue_depth_threshold} undelivered messages in {region}",
                   subscription_filter("num_undelivered_messages", subscription), args.queue_depth_threshold, "ALIGN_MAX")
        for region, subscription in sorted(args.dead_letter_subscriptions.items()):
            policy(f"{region}-dead-letters", f"dead-lettered messages in {region}",
                   subscription_filter("num_undelivered_messages", subscription), 0, "ALIGN_MAX")
            policy(f"{region}-dead-letter-age", f"a dead letter in {region} older than {args.dead_letter_age_threshold_s} s",
                   subscription_filter("oldest_unacked_message_age", subscription), args.dead_letter_age_threshold_s, "ALIGN_MAX")
        for region, database_id in sorted(args.replica_database_ids.items()):
            policy(f"{region}-replica-lag", f"Cloud SQL replica in {region} lags more than {args.replica_lag_threshold_s} s (RPO)",
                   pulumi.Output.concat(
                       'resource.type = "cloudsql_database" AND resource.labels.database_id = "', database_id,
                       '" AND metric.type = "cloudsql.googleapis.com/database/replication/replica_lag"'),
                   args.replica_lag_threshold_s, "ALIGN_MAX", missing="EVALUATION_MISSING_DATA_ACTIVE")
        if args.url_map_name is not None:
            policy("lb-5xx", f"more than {args.http_5xx_threshold} 5xx responses per minute at the load balancer",
                   pulumi.Output.concat(
                       'resource.type = "https_lb_rule" AND resource.labels.url_map_name = "', args.url_map_name,
                       '" AND metric.type = "loadbalancing.googleapis.com/https/request_count"'
                       " AND metric.labels.response_code_class = 500"),
                   args.http_5xx_threshold, "ALIGN_SUM", reducer="REDUCE_SUM")

        if args.primary_database_id is not None:
            # Below 1 (down) or silent: a lost region publishes no data, so missing data opens the incident.
            policy("primary-down", "Cloud SQL primary down or silent",
                   pulumi.Output.concat(
                       'resource.type = "cloudsql_database" AND resource.labels.database_id = "', args.primary_database_id,
                       '" AND metric.type = "cloudsql.googleapis.com/database/up"'),
                   1, "ALIGN_MIN", missing="EVALUATION_MISSING_DATA_ACTIVE", comparison="COMPARISON_LT",
                   hold=f"{args.primary_down_minutes * 60}s" if args.primary_down_minutes else None)

        self.register_outputs({"policy_names": self.policy_names})
