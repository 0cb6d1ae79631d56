"""blueprint: typed AI workload descriptions -> resilient AWS/GCP infrastructure, by tier.

``blueprint.components.{aws,gcp,k8s}`` are the Pulumi components a team composes into its own
stack; ``blueprint.policies`` the rule pack; the rest is the planner and its CLI. The version is
the installed distribution's (pyproject.toml), so it cannot drift from what pip installed.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("blueprint")
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
