"""deploy-create-order: a resource must not reference (by value) a resource that depends on it.

Pulumi orders creation by the dependency graph only (``dependencies`` from Output inputs and
``depends_on``, plus the parent). A reference written as a plain value -- a physical name, an ID, a
self link, an ARN, or a ``project:name`` / ``.../name`` form of one -- adds no edge. When the
referenced resource itself depends on the referrer (directly or transitively), ``pulumi up``
creates the referrer first, and the cloud refuses the reference because its target does not exist
yet. Pulumi docs, "Inputs and outputs" (https://www.pulumi.com/docs/iac/concepts/inputs-outputs/):
dependencies are tracked through Outputs, not through values.

The known case: a Cloud SQL primary that names its cross-region DR replica in
``replicationCluster.failoverDrReplicaName`` (``<project>:<replica>``) while the replica's
``masterInstanceName`` depends on the primary. Google, "Use advanced disaster recovery (DR)"
(https://cloud.google.com/sql/docs/postgres/use-advanced-disaster-recovery): create the replica
first, then designate it as the DR replica of the primary.

Matching is deliberately narrow (no false positives on the shipped stacks): only whole string
values, or their last ``/`` or ``:`` segment, equal to an identifier of at least
``MIN_REFERENCE_LENGTH`` characters; tags, labels and descriptions are not references.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from blueprint.plan.model import Plan, PlannedResource
from blueprint.readiness import ReadinessProblem, graph
from blueprint.types import aws, k8s

CHECK_ID = "deploy-create-order"
SOURCE = ("https://www.pulumi.com/docs/iac/concepts/inputs-outputs/ (dependencies follow Outputs, not values); "
          "https://cloud.google.com/sql/docs/postgres/use-advanced-disaster-recovery (create the DR replica, then designate it)")
# Identifiers shorter than this ("prod", "default", ...) collide by chance; physical names that
# matter here (instance, cluster, bucket names) are longer.
MIN_REFERENCE_LENGTH = 10
# Kubernetes object names are namespace-scoped and routinely equal a cloud name (a release named
# like the service account an IAM association names); providers have no physical identity.
NOT_TARGETS = (k8s.PACKAGE_PREFIX, "pulumi:providers:")
# The attributes that carry a resource's identity in the plan (inputs or mocked outputs).
IDENTITY_KEYS = ("name", "selfLink", "arn", "id", "connectionName")
# Free text and metadata: equal strings there are coincidences, not references.
IGNORED_KEYS = frozenset({"tags", "tagsAll", "labels", "userLabels", "resourceLabels", "effectiveLabels",
                          "terraformLabels", "defaultLabels", "description", "annotations"})


# Inputs a service resolves after the resource exists, not when it is created: names there are not
# create-order references. An ARC Region switch plan's Route 53 traffic step names the record it
# moves; Region switch finds the record sets at plan evaluation ("Amazon Route 53 health check
# execution block": record set identifiers may be added "after you have created the plan" when
# evaluation cannot map them; terraform-provider-aws creates plans over records that do not exist,
# internal/service/arcregionswitch route53_health_checks_data_source_test.go), and the records use
# the health checks the plan creates (blueprint/components/aws/dns_failover.py), so they come after it.
LATE_BOUND_KEYS: dict[str, frozenset[str]] = {aws.ARCREGIONSWITCH_PLAN: frozenset({"recordName"})}


def _identifiers(r: PlannedResource) -> set[str]:
    if r.type.startswith(NOT_TARGETS):
        return set()
    found = {r.id} if isinstance(r.id, str) else set()
    for state in (r.inputs, r.outputs):
        for key in IDENTITY_KEYS:
            value = state.get(key)
            if isinstance(value, str):
                found.add(value)
    return {v for v in found if len(v) >= MIN_REFERENCE_LENGTH}


def _strings(value: Any, ignored: frozenset[str] = IGNORED_KEYS) -> Iterator[str]:
    """Every string value in an input tree, skipping metadata (and late-bound) keys."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in ignored:
                yield from _strings(item, ignored)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, ignored)


def _forms(value: str) -> set[str]:
    """The value and the identifier it ends with (``projects/p/.../name``, ``project:name``, ARNs)."""
    return {value, value.rsplit("/", 1)[-1], value.rsplit(":", 1)[-1]}


def _owners(plan: Plan) -> dict[str, set[str]]:
    """Identifier -> URNs of the resources it identifies (names repeat across regions)."""
    owners: dict[str, set[str]] = {}
    for r in plan:
        if r.custom:
            for ident in _identifiers(r):
                owners.setdefault(ident, set()).add(r.urn)
    return owners


def check(plan: Plan) -> Iterable[ReadinessProblem]:
    owners = _owners(plan)
    edges = graph.edges(plan)
    names = {r.urn: r.name for r in plan}
    for referrer in plan:
        if not referrer.custom:
            continue
        # Equal to one of its own identifiers: a same-named sibling (a subnet named like its cluster,
        # a replica cluster named like its primary), not a reference.
        own = _identifiers(referrer) | {referrer.inputs.get("name")}
        reported: set[str] = set()
        for value in _strings(referrer.inputs, IGNORED_KEYS | LATE_BOUND_KEYS.get(referrer.type, frozenset())):
            for form in (_forms(value) - own) & owners.keys():
                # Names repeat across regions; when the referrer already waits for one owner of the
                # identifier (an Output reference), that owner is the one it means.
                if owners[form] & set(referrer.dependencies):
                    continue
                for target in sorted(owners[form] - {referrer.urn} - reported):
                    chain = graph.chain(edges, target, referrer.urn)
                    if not chain:
                        continue
                    reported.add(target)
                    path = " -> ".join(names.get(u, u) for u in chain)
                    yield ReadinessProblem(
                        check=CHECK_ID, urn=referrer.urn, type=referrer.type, name=referrer.name, value=value,
                        rule=(f"references {names[target]!r} by value, but that resource depends on this one ({path}); "
                              "Pulumi would create this one first, before its reference exists. Create the referenced "
                              "resource first and set the reference in a later step that depends on it"),
                        source=SOURCE,
                    )
