"""The CrossGuard pack: ``pulumi preview --policy-pack policies`` enforces the same rules as
``blueprint check`` (blueprint/policies). Resource rules run on each proposed resource, stack rules on
the whole stack; the jurisdiction comes from the pack config ``residency``, else
``$BLUEPRINT_RESIDENCY``, else the stack file ``stacks/Pulumi.<stack>.yaml``.

Pulumi creates the pack's own virtual environment from requirements.txt (PulumiPolicy.yaml):
pulumi-policy needs protobuf 5, the project's environment pins protobuf 6.
"""

import sys
from pathlib import Path

# The pack runs in its own environment (requirements.txt), where the project is not installed: the
# project root holds blueprint's catalogs and read model and blueprint.policies. In the project's own
# environment blueprint is installed and the entry is harmless.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pulumi_policy  # noqa: E402

from blueprint.policies.crossguard import build_policies  # noqa: E402

pulumi_policy.PolicyPack(
    name="blueprint",
    policies=build_policies(pulumi_policy),
    description="blueprint: residency, encryption at rest and in transit, immutability and tier conformance.",
)
