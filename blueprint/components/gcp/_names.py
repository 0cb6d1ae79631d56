"""Physical names that fit Google Cloud's limits, derived from component names.

Names composed from an environment (20), a workload (31) and a region (up to 23 characters) outgrow
GKE's 40 and Compute Engine's 63 (blueprint/readiness/name_limits_gcp.py has each limit and its
source). :func:`fit_name` is :func:`blueprint.components.naming.fit_name` with Google's name pattern.
"""

from __future__ import annotations

from blueprint.components import naming
from blueprint.components.naming import HASH_LENGTH  # noqa: F401 (re-exported for callers and tests)

# Compute Engine / GKE / Cloud SQL names: lower-case letters, digits and '-', starting with a letter,
# not ending with '-' (https://cloud.google.com/compute/docs/naming-resources#resource-name-format).
GCP_NAME_PATTERN = r"[a-z]([-a-z0-9]*[a-z0-9])?"
COMPUTE_NAME_MAX = 63
# GKE cluster names: at most 40 (https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters#Cluster).
GKE_CLUSTER_NAME_MAX = 40
# Cloud SQL: "project-ID:instance-ID" at most 98, so at most 67 with any (<= 30 character) project ID
# (https://cloud.google.com/sql/docs/mysql/instance-settings#instance-id-2ndgen); CloudSqlDatabaseArgs
# (blueprint/components/gcp/cloud_sql.py) holds instance names to 63, within that.
CLOUD_SQL_INSTANCE_NAME_MAX = 63


def fit_name(*parts: str, max_length: int, pattern: str = GCP_NAME_PATTERN, salt: str = "", separator: str = "-") -> str:
    """:func:`blueprint.components.naming.fit_name` with Google's resource-name pattern as the default."""
    return naming.fit_name(*parts, max_length=max_length, pattern=pattern, salt=salt, separator=separator)
