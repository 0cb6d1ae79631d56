"""Physical names that fit Google Cloud's limits, derived from component names.

Names composed from an environment (20), a workload (31) and a region (up to 23 characters) outgrow
GKE's 40 and Compute Engine's 63 (blueprint/readiness/name_limits_gcp.py has each limit and its
source). :func:`fit_name` keeps a readable prefix and, when the full name does not fit, ends with a
short stable hash of the full name, so two long names never collide and the same program always
plans the same name. (components/aws/_names.py is the AWS twin; kept apart so a GCP program does not
import the AWS SDK.)
"""

from __future__ import annotations

import hashlib
import re

HASH_LENGTH = 8
# Compute Engine / GKE / Cloud SQL names: lower-case letters, digits and '-', starting with a letter,
# not ending with '-' (https://cloud.google.com/compute/docs/naming-resources#resource-name-format).
GCP_NAME_PATTERN = r"[a-z]([-a-z0-9]*[a-z0-9])?"
COMPUTE_NAME_MAX = 63
# GKE cluster names: at most 40 (https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters#Cluster).
GKE_CLUSTER_NAME_MAX = 40
# Cloud SQL: "project-ID:instance-ID" at most 98, so at most 67 with any (<= 30 character) project ID
# (https://cloud.google.com/sql/docs/mysql/instance-settings#instance-id-2ndgen); CloudSqlDatabaseArgs
# (components/gcp/cloud_sql.py) holds instance names to 63, within that.
CLOUD_SQL_INSTANCE_NAME_MAX = 63


def fit_name(*parts: str, max_length: int, pattern: str = GCP_NAME_PATTERN, salt: str = "", separator: str = "-") -> str:
    """``parts`` joined by ``separator``, unchanged when it fits ``max_length`` and no ``salt`` is
    given; else a readable prefix of it + ``separator`` + a hash of the full name (and ``salt``),
    ``max_length`` at most. ValueError when the result does not match ``pattern`` or
    ``max_length`` cannot hold a prefix and the hash."""
    full = separator.join(p for p in parts if p)
    if not full:
        raise ValueError("fit_name: no name parts given; pass at least one non-empty part")
    if max_length < HASH_LENGTH + 2:
        raise ValueError(f"fit_name: max_length {max_length} is too small; at least {HASH_LENGTH + 2} is needed")
    if len(full) <= max_length and not salt:
        name = full
    else:
        digest = hashlib.sha256(f"{full}|{salt}".encode("utf-8")).hexdigest()[:HASH_LENGTH]
        prefix = full[: max_length - HASH_LENGTH - len(separator)].rstrip("-_.")
        name = f"{prefix}{separator}{digest}" if prefix else digest
    if not re.fullmatch(pattern, name):
        raise ValueError(f"fit_name: {name!r} (from {full!r}) does not match {pattern!r}; use parts of allowed characters")
    return name
