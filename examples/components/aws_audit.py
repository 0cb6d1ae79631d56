"""Who did what, and the one role for the bad night, composed by hand.

Components: KmsKey, AccessLogBucket, AlarmTopic, AuditTrail, BreakGlassRole, BreakGlassAlarm (blueprint.components.aws).

A multi-region CloudTrail trail (log file validation, S3 data events of the backup vaults) into its
own Object-Locked, KMS-encrypted, access-logged bucket, also delivered to a CMK-encrypted
CloudWatch Logs group; and the DR operator's break-glass role: assumable only with a recent MFA
sign-in, short sessions, the runbook's actions only in the stack's regions, every assumption
alarmed through the encrypted alarm topic, and, in each region, an EventBridge rule that pages on an
assumption recorded there (so losing one region never silences the alarm). Run it as a Pulumi program's __main__.py, or plan it
offline (examples/README.md).
"""

import pulumi
import pulumi_aws as aws

from blueprint.components.aws import AccessLogBucket, AccessLogBucketArgs, AlarmTopic, AlarmTopicArgs, KmsKey, KmsKeyArgs
from blueprint.components.aws.audit_trail import AuditTrail, AuditTrailArgs
from blueprint.components.aws.break_glass_alarm import BreakGlassAlarm, BreakGlassAlarmArgs
from blueprint.components.aws.break_glass_role import BreakGlassRole, BreakGlassRoleArgs

REGIONS = ("eu-central-1", "eu-west-3")
TAGS = {"team": "ml-platform"}
VAULTS = ["arn:aws:s3:::model-registry-vault-0123456789"]  # BackupVault(...).arn of your stack

here = pulumi.ResourceOptions(provider=aws.Provider("frankfurt", region=REGIONS[0]))
key = KmsKey("audit-key", KmsKeyArgs(alias_name="audit/eu-central-1", tags=TAGS), here)
access_logs = AccessLogBucket("audit-access-logs", AccessLogBucketArgs(tags=TAGS), here)
topic = AlarmTopic("audit-alarms", AlarmTopicArgs(kms_key_arn=key.arn, tags=TAGS), here)

trail = AuditTrail(
    "audit",
    AuditTrailArgs(trail_name="team-audit", data_event_bucket_arns=VAULTS, access_log_bucket=access_logs.bucket,
                   cloudwatch_logs_kms_key_arn=key.arn, tags=TAGS),
    here,
)
role = BreakGlassRole(
    "break-glass",
    BreakGlassRoleArgs(role_name="team-break-glass-dr", regions=REGIONS, vault_bucket_arns=VAULTS,
                       audit_log_group_name=trail.log_group_name, alarm_topic_arn=topic.arn, tags=TAGS),
    here,
)

for region in REGIONS:  # one per region: an assumption is recorded in the region whose STS endpoint served it
    BreakGlassAlarm(
        f"break-glass-{region}",
        BreakGlassAlarmArgs(role_arn=role.arn, rule_name="team-break-glass-dr-assumed", topic_name="team-break-glass-dr-alarm", tags=TAGS),
        pulumi.ResourceOptions(provider=aws.Provider(f"break-glass-{region}", region=region)),
    )

pulumi.export("trail", trail.trail_arn)
