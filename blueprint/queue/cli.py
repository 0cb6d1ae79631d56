"""`blueprint queue` (thin wrapper over replay.py; registered by blueprint/cli.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from blueprint.config.errors import ConfigError, Problem

queue_app = typer.Typer(add_completion=False, help="A workload's queues: replay dead letters into the work queue.")


def _invalid(error: Exception) -> "typer.Exit":
    from blueprint.cli_support import fail_invalid

    field, _, message = str(error).partition(": ")
    return fail_invalid(ConfigError([Problem(field, message or str(error))], source="arguments"))


@queue_app.command("replay")
def replay(
    workload: str = typer.Option(..., "--workload", "-w", help="The queued workload."),
    region: str = typer.Option(..., "--region", "-r", help="The region whose DLQ is replayed (e.g. the surviving one)."),
    stack: Optional[str] = typer.Option(None, "--stack", "-s", help="Stack name: reads stacks/Pulumi.NAME.yaml."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="Any stack file.", dir_okay=False),
    plan_file: Optional[Path] = typer.Option(None, "--plan", help="A plan saved by `blueprint plan --format json`.", dir_okay=False),
    max_messages: int = typer.Option(100, "--max-messages", help="Move at most this many messages (1..100000); default 100."),
    max_seconds: int = typer.Option(300, "--max-seconds", help="Start no receive after this many seconds (1..3600); default 300."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Resolve the queues and count the dead letters; move nothing."),
    endpoint_url: Optional[str] = typer.Option(None, "--endpoint-url", help="SQS endpoint (e.g. a moto server); default AWS's."),
    format: str = typer.Option("text", "--format", "-f", help="text or json."),
    project_dir: Optional[Path] = typer.Option(None, "--project-dir", file_okay=False, help="Folder of Pulumi.yaml."),
) -> None:
    """Move dead letters of WORKLOAD's queue in REGION back to its work queue: bounded, each carrying the
    idempotency key `blueprint-replay-id` (the original MessageId). Exit 1 when a message could not be moved."""
    from blueprint.analysis.report import extract_facts
    from blueprint.cli_support import saved_or_planned
    from blueprint.queue.replay import GCP_MAX_PULL, ReplayError, gcloud_commands, select_queue

    try:
        _check_bounds(max_messages, max_seconds, format)
    except ReplayError as error:
        raise _invalid(error) from None
    planned = saved_or_planned(plan_file, stack, config, project_dir)
    try:
        # The queues as the read model has them (PlanFacts.queues, blueprint/analysis/queue_facts.py).
        queue = select_queue(extract_facts(planned).queues, workload, region)
    except ReplayError as error:
        raise _invalid(error) from None
    if (planned.cloud or "aws") == "gcp":
        lines = gcloud_commands(queue, max_messages)
        # After the shebang: save the output as a script and run it with bash (needs gcloud, jq, curl).
        lines.insert(1, f"# Pub/Sub: replay at most {min(max_messages, GCP_MAX_PULL)} dead letters of {workload} in {region} "
                        f"(at most {GCP_MAX_PULL} a run, to fit the 600 s ack deadline; run again until it prints "
                        "'no dead letters'. blueprint does not call Pub/Sub itself: docs/runbooks/region-rebuild.md)")
        sys.stdout.write("\n".join(lines) + "\n")
        return
    _replay_aws(queue, region, max_messages, max_seconds, dry_run, endpoint_url, format)


def _check_bounds(max_messages: int, max_seconds: int, format: str) -> None:
    from blueprint.queue.replay import ReplayError

    if not 1 <= max_messages <= 100000:
        raise ReplayError(f"--max-messages: {max_messages} is outside 1..100000")
    if not 1 <= max_seconds <= 3600:
        raise ReplayError(f"--max-seconds: {max_seconds} is outside 1..3600")
    if format not in ("text", "json"):
        raise ReplayError(f"--format: {format!r} is not text or json")


def _replay_aws(queue, region: str, max_messages: int, max_seconds: int, dry_run: bool, endpoint_url: Optional[str], format: str) -> None:
    import boto3

    from blueprint.queue.replay import ReplayError, replay_sqs, resolve_sqs_url

    client = boto3.client("sqs", region_name=region, endpoint_url=endpoint_url)
    try:
        source, dlq = resolve_sqs_url(client, queue.name), resolve_sqs_url(client, queue.dead_letter)
    except ReplayError as error:
        raise _invalid(error) from None
    result = replay_sqs(client, source, dlq, max_messages=max_messages, max_seconds=max_seconds, dry_run=dry_run)
    if format == "json":
        sys.stdout.write(json.dumps(result.to_json(), indent=2) + "\n")
    elif dry_run:
        sys.stdout.write(f"dry run: {result.waiting} dead letter(s) in {dlq}; would move at most {max_messages} to {source}\n")
    else:
        sys.stdout.write(f"moved {result.moved}, failed {result.failed}, kept {result.kept}: {dlq} -> {source}\n")
        sys.stdout.writelines(f"  {e}\n" for e in result.errors)
    if result.failed or result.kept:
        raise typer.Exit(1)
