"""ZonalAutoshift: ARC zonal autoshift on one workload's load balancer in one region, with the
practice runs it requires.

With zonal autoshift AWS shifts the load balancer's traffic away from an Availability Zone it sees
impaired, without a human; practice runs shift it away weekly so the remaining zones are known to
carry it ("A practice run configuration is required when zonal autoshift is enabled":
https://docs.aws.amazon.com/arc-zonal-shift/latest/api/API_PracticeRunConfiguration.html). The
load balancer must have the ARC zonal shift integration on (blueprint/components/aws/load_balancer.py sets
``enable_zonal_shift``).

Children (component named ``n``):

    ``n-blocking``  CloudWatch composite alarm: ALARM while any of the workload's alarms in the region
                    is (a practice run never starts while the workload is already impaired);
    ``n-outcome``   CloudWatch composite alarm: ALARM while the load balancer's 5xx alarms are (ARC
                    ends a practice run at once when customers see errors);
    ``n-config``    the zonal autoshift configuration (status ENABLED, the two alarms, blocked windows/dates).

One composite alarm per role keeps each list at one alarm, whatever the number of the workload's
alarms; the alarms must be in the resource's region (ARC developer guide,
getting-started-cli-update-zonal_autoshift.create-practice-run: "You must use alarms that are in
the same Region", "Specifying an outcome alarm is required"), as WorkloadAlarms' are.
"""

from __future__ import annotations

import re
from typing import Any, Optional

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ._names import fit_name
from ._tags import merge_tags
from ._types import Tags

# The only control condition type (API_ControlCondition type: CLOUDWATCH).
CONTROL_CONDITION_TYPE = "CLOUDWATCH"
# Practice-run windows "Day:HH:MM-Day:HH:MM" (UTC) and dates "YYYY-MM-DD"
# (pulumi_aws arczonalshift ZonalAutoshiftConfiguration: blocked_windows, blocked_dates).
WINDOW = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun):([01]\d|2[0-3]):[0-5]\d-(Mon|Tue|Wed|Thu|Fri|Sat|Sun):([01]\d|2[0-3]):[0-5]\d$")
DATE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
# PutCompositeAlarm AlarmName: 1..255 characters.
ALARM_NAME_MAX = 255


class ZonalAutoshiftArgs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    workload: str = Field(description="The workload the load balancer serves (descriptions).")
    region: str = Field(description="The load balancer's region (descriptions; the alarms live there too).")
    load_balancer_arn: Any = Field(description="pulumi.Input[str]: ARN of the Application Load Balancer.")
    blocking_alarm_names: list[Any] = Field(description="Names of the workload's alarms in this region (at least one).")
    outcome_alarm_names: list[Any] = Field(description="Names of the load balancer's 5xx alarms (at least one).")
    # Secure default: autoshift on; "DISABLED" keeps the practice-run configuration without autoshift.
    status: str = Field(default="ENABLED", description="ENABLED (default) or DISABLED.")
    blocked_windows: list[str] = Field(default_factory=list, description="UTC windows without practice runs, "
                                       "e.g. 'Mon:09:00-Mon:11:00' (release windows). Default none.")
    blocked_dates: list[str] = Field(default_factory=list, description="UTC dates without practice runs, 'YYYY-MM-DD'. Default none.")
    tags: Tags = Field(default_factory=dict, description="Tags on every taggable child.")

    @field_validator("status")
    @classmethod
    def _status(cls, v: str) -> str:
        if v not in ("ENABLED", "DISABLED"):
            raise ValueError(f"status: {v!r} is not a zonal autoshift status; allowed: ENABLED, DISABLED")
        return v

    @field_validator("blocked_windows")
    @classmethod
    def _windows(cls, v: list[str]) -> list[str]:
        for window in v:
            if not WINDOW.match(window):
                raise ValueError(f"blocked_windows: {window!r} is not a UTC window 'Day:HH:MM-Day:HH:MM', e.g. 'Mon:09:00-Mon:11:00'")
        return v

    @field_validator("blocked_dates")
    @classmethod
    def _dates(cls, v: list[str]) -> list[str]:
        for date in v:
            if not DATE.match(date):
                raise ValueError(f"blocked_dates: {date!r} is not a date 'YYYY-MM-DD'")
        return v

    @model_validator(mode="after")
    def _alarms(self) -> "ZonalAutoshiftArgs":
        if not self.outcome_alarm_names:
            raise ValueError("outcome_alarm_names: ARC requires an outcome alarm for practice runs; pass the load balancer's 5xx alarms")
        if not self.blocking_alarm_names:
            raise ValueError("blocking_alarm_names: pass the workload's alarms in this region (a practice run must not start "
                             "while it is impaired)")
        return self


def alarm_rule(names: list[str]) -> str:
    """Composite alarm rule: ALARM while any of ``names`` is (PutCompositeAlarm AlarmRule syntax)."""
    return " OR ".join(f'ALARM("{n}")' for n in names)


class ZonalAutoshift(pulumi.ComponentResource):
    outcome_alarm_arn: pulumi.Output[str]
    blocking_alarm_arn: pulumi.Output[str]

    def __init__(self, name: str, args: ZonalAutoshiftArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("blueprint:aws:ZonalAutoshift", name, None, opts)
        blocking = self._composite(f"{name}-blocking", args, args.blocking_alarm_names,
                                   f"{args.workload} in {args.region}: an alarm of the workload is firing; no practice run starts")
        outcome = self._composite(f"{name}-outcome", args, args.outcome_alarm_names,
                                  f"{args.workload} in {args.region}: load balancer 5xx; ends a practice run or zonal shift test")
        aws.arczonalshift.ZonalAutoshiftConfiguration(
            f"{name}-config",
            resource_arn=args.load_balancer_arn,
            zonal_autoshift_status=args.status,
            outcome_alarms=[{"type": CONTROL_CONDITION_TYPE, "alarm_identifier": outcome.arn}],
            blocking_alarms=[{"type": CONTROL_CONDITION_TYPE, "alarm_identifier": blocking.arn}],
            blocked_windows=list(args.blocked_windows) or None,
            blocked_dates=list(args.blocked_dates) or None,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.outcome_alarm_arn = outcome.arn
        self.blocking_alarm_arn = blocking.arn
        self.register_outputs({"outcome_alarm_arn": self.outcome_alarm_arn, "blocking_alarm_arn": self.blocking_alarm_arn})

    def _composite(self, child_name: str, args: ZonalAutoshiftArgs, names: list[Any], description: str) -> aws.cloudwatch.CompositeAlarm:
        return aws.cloudwatch.CompositeAlarm(
            child_name,
            alarm_name=fit_name(child_name, max_length=ALARM_NAME_MAX),
            alarm_description=description,
            alarm_rule=pulumi.Output.all(*names).apply(lambda n: alarm_rule(sorted(n))),
            tags=merge_tags(args.tags, child_name),
            opts=pulumi.ResourceOptions(parent=self),
        )
