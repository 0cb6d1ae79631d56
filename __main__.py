"""The blueprint program: read the stack's config, validate it, compose the footprint.

`pulumi up` runs this file unchanged; `blueprint plan` runs it under the SDK's mocks.
"""

import pulumi

from blueprint.config.errors import ConfigError
from blueprint.config.loader import read_stack_config
from blueprint.footprint import build_footprint

try:
    config = read_stack_config()
except ConfigError as error:
    # RunError: Pulumi prints the message (every problem) without a Python traceback.
    raise pulumi.RunError(str(error)) from None

footprint = build_footprint(config)

if config.cloud == "aws":
    from blueprint.components.aws.platform import build_aws

    outputs = build_aws(footprint)
else:
    from blueprint.components.gcp.platform import build_gcp

    outputs = build_gcp(footprint)

for key, value in outputs.items():
    pulumi.export(key, value)
