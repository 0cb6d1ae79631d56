"""A hand-composed Pulumi program: blueprint's components in a team's own stack, no composer.

Run it as the __main__.py of your own Pulumi project (with the blueprint package installed), or
plan it offline:  python -c "from blueprint.plan.engine import plan_program; import runpy; \
print(len(plan_program(lambda: runpy.run_path('docs/examples/vault_in_my_own_stack.py'),
config={'aws:region': 'eu-central-1'}).resources))"
"""

import pulumi
import pulumi_aws as aws

from blueprint.components.aws import BackupVault, BackupVaultArgs, KmsKey, KmsKeyArgs, Network, NetworkArgs

# One explicit provider per region: every resource knows where it lives.
frankfurt = aws.Provider("frankfurt", region="eu-central-1")
in_frankfurt = pulumi.ResourceOptions(providers=[frankfurt])

key = KmsKey("team-key", KmsKeyArgs(alias_name="team/data", description="team data at rest"), in_frankfurt)

network = Network(
    "team-net",
    NetworkArgs(
        zones=("eu-central-1a", "eu-central-1b", "eu-central-1c"),
        cidr_block="10.42.0.0/16",
        flow_logs_kms_key_arn=key.arn,
        tags={"team": "ml-platform"},
    ),
    in_frankfurt,
)

vault = BackupVault(
    "team-models",
    BackupVaultArgs(
        kms_key_arn=key.arn,
        lock_mode="COMPLIANCE",  # nobody can shorten the lock, not even the root account
        retention_days=35,
        tags={"blueprint:workload": "model-registry"},
    ),
    in_frankfurt,
)

pulumi.export("vpc_id", network.vpc_id)
pulumi.export("vault_bucket", vault.bucket)
