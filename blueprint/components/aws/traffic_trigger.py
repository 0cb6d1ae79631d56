"""The request-rate signal of a served workload on AWS: a KEDA ``aws-cloudwatch`` trigger on its ALB
target group's request count, and the KEDA operator's right to read it.

Trigger (:func:`alb_request_rate_trigger`): ``AWS/ApplicationELB`` ``RequestCount`` with the
dimensions ``TargetGroup`` and ``LoadBalancer`` (the ARN suffixes ``LoadBalancer`` outputs), statistic
``Sum`` over 60 s: the requests the region's ALB sent to the workload's pods in one minute. The ALB
publishes its metrics "in 60-second intervals", only while requests flow, and its metrics exclude
health checks (Elastic Load Balancing user guide, "CloudWatch metrics for your Application Load
Balancer": RequestCount, dimensions "LoadBalancer, TargetGroup", statistic Sum;
https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html).

Unit conversion: KEDA hands the HPA this value as an external metric with target type AverageValue
(the default of every non-cpu/memory trigger), and the HPA sizes the workload to
``ceil(metric / target)`` pods. The metric is requests per 60 s, so the target is
``requestsPerSecondPerPod x 60`` (requests one pod serves in one minute): ``ceil(requests per minute
/ (per-pod rps x 60))`` = the pods the current request rate needs.

Query window (kedacore/keda pkg/scalers/aws_cloudwatch_scaler.go ``computeQueryWindow`` and
``GetCloudwatchMetrics``; keda-docs content/docs/2.21/scalers/aws-cloudwatch.md): ``metricStatPeriod``
60 (the ALB's own resolution), ``metricEndTimeOffset`` 60 (skip the newest minute, which CloudWatch may
still be filling: the docs' "eventual consistency"), ``metricCollectionTime`` 180 (three periods, the
docs' advice of 2-3 x the period; the scaler takes the newest point returned). No data points means no
requests reached the group: ``ignoreNullValues`` stays at its default (true) and ``minMetricValue`` 0,
so an idle service falls to its minimum replicas; an API error (credentials, throttling) is an error,
on which the ScaledObject's fallback holds the replicas (blueprint.components.k8s.inference_service).

Authentication: the trigger names no credentials; the ScaledObject's ``authenticationRef`` points at
the cluster's ClusterTriggerAuthentication ``aws`` (``podIdentity.provider: aws``, blueprint.components.k8s.keda),
so the scaler uses the KEDA operator's own credentials: EKS Pod Identity of ``keda/keda-operator``
(:class:`KedaCloudWatchReader`). ``identityOwner`` is not set: it only applies to the deprecated
``aws-eks`` provider (kedacore/keda pkg/scalers/aws/aws_common.go ``GetAwsAuthorization`` returns before
reading it when the provider is ``aws``).
"""

from __future__ import annotations

import json
from typing import Any, Optional

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field

from blueprint.components.aws._pod_identity import PodIdentityRole
from blueprint.components.k8s.keda import KEDA_NAMESPACE, KEDA_OPERATOR_SERVICE_ACCOUNT
from blueprint.components.k8s.traffic_scaling import metadata_number

NAMESPACE = "AWS/ApplicationELB"
METRIC = "RequestCount"
STATISTIC = "Sum"
# kedacore/keda aws_cloudwatch_scaler.go checkMetricStatPeriod: 1, 5, 10, 30 or a multiple of 60; the
# ALB publishes per 60 s, so a shorter period only returns partial minutes.
PERIOD_S = 60
END_TIME_OFFSET_S = 60
COLLECTION_TIME_S = 3 * PERIOD_S
# The one CloudWatch call the scaler makes (aws_cloudwatch_scaler.go GetCloudwatchMetrics ->
# cwClient.GetMetricData); keda-docs 2.21 aws-cloudwatch.md "IAM Permissions": cloudwatch:GetMetricData
# on "*" (GetMetricData has no resource-level permissions: Service Authorization Reference, Amazon
# CloudWatch, https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html).
READ_ACTIONS = ("cloudwatch:GetMetricData",)


def requests_per_period(requests_per_second_per_pod: float, period_s: int = PERIOD_S) -> float:
    """The trigger's target: requests one pod serves in one metric period (see the module docstring)."""
    if not requests_per_second_per_pod > 0:
        raise ValueError(f"requests_per_second_per_pod: {requests_per_second_per_pod!r} must be > 0 "
                         "(service.requestsPerSecondPerPod, the sustained requests/s one pod serves)")
    return requests_per_second_per_pod * period_s


class AlbRequestRateTriggerArgs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    region: str = Field(min_length=1, description="Region of the load balancer (the trigger's awsRegion).")
    load_balancer_arn_suffix: Any = Field(description="pulumi.Input[str]: the ALB's arn_suffix (dimension LoadBalancer).")
    target_group_arn_suffix: Any = Field(description="pulumi.Input[str]: the workload's target group arn_suffix (dimension TargetGroup).")
    requests_per_second_per_pod: float = Field(gt=0, le=10000, description="Sustained requests/s one pod serves at its latency target.")


def alb_request_rate_trigger(args: AlbRequestRateTriggerArgs) -> dict[str, Any]:
    """The KEDA ``aws-cloudwatch`` trigger (type and metadata; the component adds authenticationRef)."""
    dimensions = pulumi.Output.all(args.target_group_arn_suffix, args.load_balancer_arn_suffix).apply(lambda v: ";".join(v))
    return {
        "type": "aws-cloudwatch",
        "metadata": {
            "namespace": NAMESPACE,
            "metricName": METRIC,
            # ';' separates several dimensions (aws_cloudwatch_scaler.go: separator=;), in the same order.
            "dimensionName": "TargetGroup;LoadBalancer",
            "dimensionValue": dimensions,
            "metricStat": STATISTIC,
            "metricStatPeriod": str(PERIOD_S),
            "metricCollectionTime": str(COLLECTION_TIME_S),
            "metricEndTimeOffset": str(END_TIME_OFFSET_S),
            "targetMetricValue": metadata_number(requests_per_period(args.requests_per_second_per_pod)),
            "minMetricValue": "0",
            "awsRegion": args.region,
        },
    }


def keda_cloudwatch_policy() -> str:
    """The KEDA operator's IAM policy: read CloudWatch metric data, nothing else."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Sid": "KedaReadsMetricData", "Effect": "Allow", "Action": list(READ_ACTIONS), "Resource": "*"}],
    })


class KedaCloudWatchReaderArgs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    cluster_name: Any = Field(description="pulumi.Input[str]: the EKS cluster whose keda/keda-operator gets the role.")
    tags: dict[str, str] = Field(default_factory=dict, description="Tags merged onto every taggable child.")


class KedaCloudWatchReader(pulumi.ComponentResource):
    """The KEDA operator's AWS identity in one cluster: an IAM role trusted through EKS Pod Identity by
    ``keda/keda-operator`` of this cluster only, allowed ``cloudwatch:GetMetricData`` and nothing else.
    ``ready``: the association and the policy attachment, for the KEDA release's ``depends_on`` (the
    operator then starts with credentials)."""

    role_arn: pulumi.Output[str]
    ready: list[pulumi.Resource]

    def __init__(self, name: str, args: KedaCloudWatchReaderArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:aws:KedaCloudWatchReader", name, None, opts)
        account = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        identity = PodIdentityRole(
            name,
            parent=self,
            account=account,
            cluster_name=args.cluster_name,
            namespace=KEDA_NAMESPACE,
            service_account=KEDA_OPERATOR_SERVICE_ACCOUNT,
            sid="AllowEksPodIdentityForKeda",
            role_description="KEDA operator (EKS Pod Identity): reads the load balancers' request counts",
            policy_description="KEDA aws-cloudwatch scaler: cloudwatch:GetMetricData (keda-docs aws-cloudwatch IAM Permissions)",
            policy=keda_cloudwatch_policy(),
            tags=args.tags,
        )
        self.role_arn = identity.role_arn
        self.ready = identity.ready
        self.register_outputs({"role_arn": self.role_arn})
