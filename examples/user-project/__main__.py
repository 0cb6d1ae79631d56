"""A team's own Pulumi program: two blueprint components composed by hand.

A customer-managed KMS key (rotation on) encrypts an immutable backup vault (S3 Object Lock in
COMPLIANCE mode, versioned, TLS-only, public access blocked). `pulumi up` runs this file as is;
`blueprint plan --project-dir . --stack dev` plans it offline under the Pulumi SDK's mocks.
"""

import pulumi
import pulumi_aws as aws

from blueprint.components.aws import BackupVault, BackupVaultArgs, KmsKey, KmsKeyArgs

config = pulumi.Config()  # this project's own keys (Pulumi.yaml `config:`), not blueprint's schema
region = pulumi.Config("aws").require("region")
retention_days = config.get_int("retentionDays") or 14

# One explicit provider: every resource of the stack lives in the stack's region.
home = aws.Provider("home", region=region)
in_home = pulumi.ResourceOptions(providers=[home])

key = KmsKey(
    "registry-key",
    KmsKeyArgs(alias_name=f"team/{pulumi.get_stack()}/registry", description="model registry backups at rest"),
    in_home,
)

vault = BackupVault(
    "model-registry",
    BackupVaultArgs(
        kms_key_arn=key.arn,
        lock_mode="COMPLIANCE",  # nobody can shorten the lock, not even the account root
        retention_days=retention_days,
        tags={"team": "ml-platform"},
    ),
    in_home,
)

pulumi.export("kms_key_arn", key.arn)
pulumi.export("vault_bucket", vault.bucket)
