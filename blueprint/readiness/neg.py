"""deploy-neg-description: pre-created NEGs that a GKE Service names must be ones its controller adopts.

A Service annotated ``cloud.google.com/neg: {"exposed_ports": {"<port>": {"name": "<neg>"}}}``
asks GKE's NEG controller (kubernetes/ingress-gce) for a custom-named standalone NEG in each zone.
When a NEG of that name already exists (blueprint creates them up front so the load balancer's
backend service can list them), the controller verifies it before adopting it. The rule, read in
kubernetes/ingress-gce at commit acbcf5d66dd9d31297a2a52a2d7d83d4c1a94539:

* ``pkg/neg/syncers/utils.go`` ``ensureNetworkEndpointGroup``: a custom-named NEG (``customName``:
  a GCE_VM_IP_PORT NEG whose name is not one the controller generates, see ``pkg/neg/manager.go``)
  with an empty ``description`` is refused ("found a custom named neg ... with an empty
  description"). Otherwise ``expectedDesc.MatchesString(description)`` must hold.
* ``pkg/neg/syncers/transaction.go``: the expected description is ``StandardNEGDescription{
  ClusterUID: <UID of the cluster's kube-system namespace> (cmd/glbc/main.go kubeSystemNS.GetUID()),
  Namespace: <Service namespace>, ServiceName: <Service name>, Port: <Service port, as a string>}``.
* ``pkg/utils/negdescription.go`` ``StandardNEGDescription.MatchesString``: the description is
  JSON ``{"cluster-uid", "namespace", "service-name", "port"}`` (all strings). If it does not
  unmarshal into that struct it is accepted as is (with a warning). If it does, ``cluster-uid``
  and ``namespace`` must equal the expected ones (else refused), then ``service-name`` and
  ``port`` (else refused as "used by another syncer"). A missing field is the empty string, so a
  JSON description without ``cluster-uid`` never matches.
* ``ensureNetworkEndpointGroup`` also compares the NEG's ``network`` and ``subnetwork`` with the
  cluster's (``utils.EqualResourceIDs``); for custom names the controller manages the lifecycle
  and deletes and re-creates a mismatching NEG, which the load balancer (and Pulumi) still use.

* The same function creates a NEG it does not find; a Service created before the pre-created NEGs
  makes Pulumi's create of that name fail, so the Service must depend on them.

Offline, the kube-system UID is not knowable; the check requires a non-empty ``cluster-uid`` and
the exact namespace, Service name and port, or a non-JSON description (which the controller
accepts as is).
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Iterator, Optional

from blueprint.plan.model import Plan, PlannedResource
from blueprint.readiness import ReadinessProblem
from blueprint.readiness.graph import cluster_of, waits_for
from blueprint.types import gcp, k8s

CHECK_ID = "deploy-neg-description"
NEG = gcp.COMPUTE_NETWORK_ENDPOINT_GROUP
SERVICE = k8s.SERVICE
GKE_CLUSTER = gcp.CONTAINER_CLUSTER
ANNOTATION = "cloud.google.com/neg"
SOURCE = ("kubernetes/ingress-gce@acbcf5d pkg/neg/syncers/utils.go ensureNetworkEndpointGroup, "
          "pkg/utils/negdescription.go StandardNEGDescription.MatchesString, pkg/neg/syncers/transaction.go")
FIELDS = ("cluster-uid", "namespace", "service-name", "port")


class _Claim:
    """One custom NEG name a Service asks for, with what the controller will expect."""

    def __init__(self, service: PlannedResource, neg_name: str, port: str) -> None:
        meta = service.inputs.get("metadata") or {}
        self.service = service
        self.neg_name = neg_name
        self.namespace = meta.get("namespace") or "default"
        self.service_name = meta.get("name") or ""
        self.port = port


def _claims(service: PlannedResource) -> Iterator[_Claim]:
    raw = ((service.inputs.get("metadata") or {}).get("annotations") or {}).get(ANNOTATION)
    try:
        parsed = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        return
    ports = parsed.get("exposed_ports") if isinstance(parsed, dict) else None
    for port, spec in (ports or {}).items():
        if isinstance(spec, dict) and isinstance(spec.get("name"), str) and spec["name"]:
            yield _Claim(service, spec["name"], str(port))


def _decode(description: str) -> Optional[dict[str, str]]:
    """The description as the controller unmarshals it, or None when it does not (then accepted).
    Go's encoding/json matches keys case-insensitively and fails on a non-string field."""
    try:
        data = json.loads(description)
    except ValueError:
        return None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None
    fields = {f: "" for f in FIELDS}
    for key, value in data.items():
        if key.lower() in fields:
            if value is None:
                continue
            if not isinstance(value, str):
                return None
            fields[key.lower()] = value
    return fields


def _description_problem(neg: PlannedResource, claim: _Claim) -> Optional[tuple[Any, str]]:
    description = neg.inputs.get("description")
    expected = {"cluster-uid": "<kube-system namespace UID>", "namespace": claim.namespace,
                "service-name": claim.service_name, "port": claim.port}
    if not description:
        return (description, f"is a custom-named NEG of Service {claim.namespace}/{claim.service_name} with an empty "
                             f"description, which the NEG controller refuses; set it to the JSON {expected}")
    fields = _decode(description)
    if fields is None:
        return None
    if not fields["cluster-uid"]:
        return (description, f"has no cluster-uid, so it never matches the NEG controller's expected {expected}")
    wrong = {f: fields[f] for f in FIELDS[1:] if fields[f] != expected[f]}
    if wrong:
        return (description, f"names {wrong}, but the NEG controller of Service {claim.namespace}/{claim.service_name} "
                             f"expects {expected} and refuses the NEG")
    return None


def _resource_id(value: Any) -> str:
    """``projects/...`` part of a self link or ID (what EqualResourceIDs compares)."""
    text = str(value or "")
    return text[text.find("projects/"):] if "projects/" in text else text


def _network_problem(neg: PlannedResource, cluster: Optional[PlannedResource]) -> Optional[tuple[Any, str]]:
    if cluster is None:
        return None
    wrong = {key: neg.inputs.get(key) for key in ("network", "subnetwork")
             if cluster.inputs.get(key) and _resource_id(neg.inputs.get(key)) != _resource_id(cluster.inputs.get(key))}
    if not wrong:
        return None
    return (wrong, f"differs from the network/subnetwork of cluster {cluster.name!r}; the NEG controller deletes and "
                   "re-creates such a custom-named NEG")


def _order_problem(service: PlannedResource, neg: PlannedResource, waits: set[str]) -> Optional[ReadinessProblem]:
    """The Service must wait for the NEGs it names: the controller creates a missing NEG itself
    (``ensureNetworkEndpointGroup``: not found -> create), and Pulumi's create of the same name then fails."""
    if neg.urn in waits:
        return None
    return ReadinessProblem(
        check=CHECK_ID, urn=service.urn, type=service.type, name=service.name, value=neg.inputs.get("name"),
        rule=(f"names NEG {neg.name!r} in its {ANNOTATION} annotation but does not depend on it: the NEG controller "
              "may create the NEG first and Pulumi's create of the same name then fails; make the Service depend on "
              "the NEGs"),
        source=SOURCE,
    )


def check(plan: Plan) -> Iterable[ReadinessProblem]:
    negs = plan.of_type(NEG)
    for service in plan.of_type(SERVICE):
        cluster = cluster_of(plan, service, (GKE_CLUSTER,))
        waits: Optional[set[str]] = None
        for claim in _claims(service):
            for neg in negs:
                if neg.inputs.get("name") != claim.neg_name:
                    continue
                if service.region and neg.region and service.region != neg.region:
                    continue  # the same name in another region's cluster: another Service's NEG
                waits = waits_for(plan, service) if waits is None else waits
                ordered = _order_problem(service, neg, waits)
                if ordered is not None:
                    yield ordered
                for found in (_description_problem(neg, claim), _network_problem(neg, cluster)):
                    if found is not None:
                        value, rule = found
                        yield ReadinessProblem(check=CHECK_ID, urn=neg.urn, type=neg.type, name=neg.name,
                                               value=value, rule=rule, source=SOURCE)
