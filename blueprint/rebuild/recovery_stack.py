"""Region-rebuild runbook steps of issue 18 (part 2), read from the plan's facts:

- take the break-glass DR access first (AWS: ``aws sts assume-role`` of the MFA-only role with
  ``--serial-number`` / ``--token-code``, AWS CLI reference sts assume-role; GCP: a Privileged Access
  Manager grant, ``gcloud pam grants create --entitlement --requested-duration --justification``,
  https://cloud.google.com/sdk/gcloud/reference/pam/grants/create); every use pages while any one
  of the stack's regions is up (AWS: BreakGlassAlarm in each region; GCP: a grant-alert channel per region);
- once the survivor serves: replay each queued workload's dead letters in the surviving region
  (`blueprint queue replay`, blueprint/queue/replay.py), bounded, dry run first.
"""

from __future__ import annotations

from typing import Any, Optional

Step = tuple[str, list[str], list[str]]  # title, commands, notes


def break_glass_step(facts: Any, config: Any, survivor: str) -> Optional[Step]:
    access = next(iter(getattr(facts, "break_glass", []) or []), None)
    if access is None:
        return None
    if config.cloud == "gcp":
        entitlement = f"projects/{config.gcp_project}/locations/global/entitlements/{access.name}"
        cmds = [f"gcloud pam grants create --entitlement={entitlement} --requested-duration={access.session_s}s "
                "--justification=\"region loss: DR rebuild (incident <id>)\"",
                f"gcloud pam grants search --entitlement={entitlement} --caller-relationship=had-created   # state ACTIVE (or APPROVAL_AWAITED)"]
        notes = ["an eligible colleague approves the grant when the tier asks for an approval (`gcloud pam grants approve`); "
                 f"the grant ends after {access.session_s // 60} min: request a new one if the rebuild takes longer",
                 "the request opens the 'break-glass ... requested' incident: acknowledge it in the incident log"]
    else:
        cmds = [f"ROLE_ARN=arn:aws:iam::$ACCOUNT:role/{access.name}",
                "MFA_SERIAL=arn:aws:iam::$ACCOUNT:mfa/<your-mfa-device>   # your own MFA device (aws iam list-mfa-devices)",
                "read -r AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN <<<\"$(aws sts assume-role --role-arn \"$ROLE_ARN\" "
                f"--role-session-name \"dr-$(whoami)\" --serial-number \"$MFA_SERIAL\" --token-code <6-digit MFA code> "
                f"--duration-seconds {access.session_s} --region {survivor} "
                "--query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)\"",
                "export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN",
                "aws sts get-caller-identity   # the assumed-role ARN of the break-glass role"]
        notes = ["CLI or SDK with a regional STS endpoint in one of the stack's regions only: the global endpoint counts as "
                 "us-east-1 (aws:RequestedRegion), so the console's Switch Role and tools on the global endpoint are refused "
                 "where the stack has no us-east-1 region",
                 f"the session lasts at most {access.session_s // 60} min (the role's maximum) and needs an MFA sign-in: "
                 "assume it again, with a fresh code, when it expires",
                 "the assumption pages through the break-glass alarm topic of the region whose STS endpoint served it (here "
                 f"{survivor}: the role trusts only the stack's regions' endpoints; AWS CLI v2 calls the --region's endpoint, "
                 "v1 needs AWS_STS_REGIONAL_ENDPOINTS=regional) and, while the primary is up, the audit trail's alarm: "
                 "acknowledge it in the incident log",
                 "it covers the failover, restore, verify and queue-replay commands below; the promotion's `pulumi up` runs with the "
                 "deployer's credentials (CI), as every `pulumi up` does"]
    return f"Take the break-glass DR access ({access.name})", cmds, notes


def queue_replay_step(facts: Any, stack: str, survivor: str) -> Optional[Step]:
    queued = sorted({q.workload for q in getattr(facts, "queues", []) or [] if q.region == survivor and q.dead_letter})
    if not queued:
        return None
    cmds = []
    for name in queued:
        cmds += [f"blueprint queue replay --stack {stack} --workload {name} --region {survivor} --dry-run",
                 f"blueprint queue replay --stack {stack} --workload {name} --region {survivor} --max-messages 100 --max-seconds 300"]
    notes = ["only once the survivor's consumers are healthy (the verify step passes): a replayed request that fails again "
             "goes back to the dead-letter queue after the queue's maxReceiveCount",
             "each replayed message carries `blueprint-replay-id` (its original message id): consumers dedupe on it; repeat "
             "the command until the dry run reports 0 (exit 1 means some messages stayed in the DLQ: read the errors)",
             "requests still in the lost region's queue stay there until it returns (failback.md)"]
    return f"Replay the dead letters of {', '.join(queued)} in {survivor}", cmds, notes
