"""ZonalNegs: one zonal network endpoint group (GCE_VM_IP_PORT) per zone, all with the same name.

The global load balancer's backend service needs its backends (NEG self links) when it is
created, while the NEGs of a GKE Service normally appear only once the Service and its pods exist.
This component creates the NEGs up front, named the way GKE's NEG controller names a custom-named
standalone NEG: one name, one NEG in each zone of the cluster. The Service then points at them:

    metadata:
      annotations:
        cloud.google.com/neg: '{"exposed_ports": {"8080": {"name": "<neg_name>"}}}'

(``ZonalNegs.annotation`` renders this value.)

When GKE's NEG controller (kubernetes/ingress-gce at acbcf5d66dd9d31297a2a52a2d7d83d4c1a94539) finds
an existing NEG of the annotation's name in a zone, it adopts it only if
(``pkg/neg/syncers/utils.go`` ``ensureNetworkEndpointGroup``; ``pkg/utils/negdescription.go``):

1. the description is not empty: a custom-named NEG with an empty description is an error
   ("found a custom named neg ... with an empty description"), so endpoints are never attached;
2. the description, parsed as the JSON of ``StandardNEGDescription``
   ``{"cluster-uid", "namespace", "service-name", "port"}`` (all strings, ``omitempty``), has
   ``cluster-uid`` equal to the controller's cluster UID, which is the UID of the cluster's
   ``kube-system`` namespace (``cmd/glbc/main.go``), ``namespace`` equal to the Service's namespace,
   and ``service-name`` and ``port`` equal to the Service's name and the *Service* port of the
   annotation's ``exposed_ports`` key, as a decimal string (``pkg/neg/syncers/transaction.go``).
   Every field is compared, including empty ones: no field of the expected description is skipped
   (a description that is not valid JSON is accepted, which this component never relies on);
3. its network and subnetwork are the cluster's (``utils.EqualResourceIDs``); otherwise the
   controller, which manages the lifecycle of a Service's NEGs (``pkg/neg/manager.go``:
   ``manageLifecycle`` true), deletes it and creates its own, and the backend service loses it.

Replacement: the description is ForceNew, so a new cluster (new kube-system UID: cluster replaced, a
region rebuilt or failed back) replaces every NEG. With a fixed name Pulumi must delete the old NEG
before it creates the new one, which GCE refuses while the global backend service uses it
(``resourceInUseByAnotherResource``): a deadlock. ``WorkloadRegion`` therefore salts the name with the
cluster UID (``fit_name(..., salt=uid)``): a new UID is a new name, Pulumi creates the new NEGs first,
the backend service moves to them (its ``backends`` change), and only then are the old ones deleted.

Pass ``gke_service`` so the NEGs carry exactly that description, rendered as the controller renders
it (Go ``json.Marshal``: keys in that order, no spaces). The cluster UID exists only once the cluster
does: read it with ``kubernetes.core.v1.Namespace.get(..., "kube-system")`` through the cluster's
provider (``RegionalPlatform.kube_system_uid``). The annotated Service must be created after the
NEGs, or the controller creates them first and this component's create fails. Without
``gke_service`` the NEGs are for endpoints attached by other means (``compute.NetworkEndpoint``).

Children (component named ``n``): ``n-<zone>-neg`` compute.NetworkEndpointGroup, one per zone.
Attributes: ``neg_ids`` (self links, in zone order), ``zones``, ``neg_name``, ``annotation``.
"""

from __future__ import annotations

import json
import re
from typing import Any, Optional

import pulumi
import pulumi_gcp as gcp
from pydantic import BaseModel, ConfigDict, Field, field_validator

from blueprint.components._validation import InputMatching, TcpPort

# GCE resource names: RFC 1035 label, 1..63 characters.
_GCE_NAME = re.compile(r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$")
NegName = InputMatching(_GCE_NAME, "is not a valid GCE name; use 1..63 lower-case letters, digits and inner '-', "
                        "starting with a letter")
_GCP_ZONE = re.compile(r"^[a-z]+-[a-z]+\d+-[a-z]$")
_K8S_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


class GkeNegOwner(BaseModel):
    """The GKE Service whose NEG controller will own the NEGs (their description names it)."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    cluster_uid: Any = Field(description="pulumi.Input[str]: UID of the cluster's kube-system namespace (the NEG controller's cluster UID).")
    namespace: str = Field(description="Namespace of the Service.")
    service_name: str = Field(description="Name of the Service.")
    port: TcpPort = Field(description="The Service port listed in the annotation's exposed_ports (1..65535).")

    @field_validator("namespace", "service_name")
    @classmethod
    def _k8s_name(cls, v: str, info) -> str:
        if not _K8S_NAME.match(v):
            raise ValueError(f"{info.field_name}: {v!r} is not a Kubernetes DNS label; use 1..63 lower-case letters, digits and inner '-'")
        return v


class ZonalNegsArgs(BaseModel):
    """Settings of a set of same-named zonal NEGs in one region."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    # An Output when the name is salted with the cluster UID (WorkloadRegion): a new cluster then means
    # new NEG names, so Pulumi creates the new NEGs before it deletes the old ones (see the docstring).
    neg_name: NegName = Field(description="pulumi.Input[str]: name of the NEG in every zone (GCE name, 1..63 characters; a "
                          "str is checked here, an Output by GCE); the Service annotation uses it.")
    zones: list[str] = Field(description="Zones of one region to create a NEG in (the cluster's node zones), at least 1, no duplicates.")
    network: Any = Field(description="pulumi.Input[str]: self link or id of the VPC network.")
    subnetwork: Any = Field(description="pulumi.Input[str]: self link or id of the region's subnetwork (the pods' secondary range lives there).")
    default_port: TcpPort = Field(description="Container port the endpoints serve on (1..65535).")
    gke_service: Optional[GkeNegOwner] = Field(
        default=None,
        description="The GKE Service that adopts the NEGs; sets the description the NEG controller verifies. Default None: no owner.",
    )

    @field_validator("zones")
    @classmethod
    def _zones(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("zones: empty; pass the zones of the cluster's nodes, e.g. ['europe-west4-a', 'europe-west4-b']")
        bad = [z for z in v if not _GCP_ZONE.match(z)]
        if bad:
            raise ValueError(f"zones: {bad} are not GCP zone names; use names like 'europe-west4-a'")
        if len(set(v)) != len(v):
            raise ValueError(f"zones: {v} lists a zone twice; list each zone once")
        if len({z.rsplit('-', 1)[0] for z in v}) != 1:
            raise ValueError(f"zones: {v} span several regions; one ZonalNegs serves one region")
        return v


def neg_annotation(neg_name: Any, service_port: int) -> Any:
    """The ``cloud.google.com/neg`` Service annotation that makes GKE fill the named NEGs (an Output
    when ``neg_name`` is one)."""
    def render(name: str) -> str:
        return json.dumps({"exposed_ports": {str(service_port): {"name": name}}}, separators=(",", ":"))

    return neg_name.apply(render) if isinstance(neg_name, pulumi.Output) else render(neg_name)


class ZonalNegs(pulumi.ComponentResource):
    """Same-named GCE_VM_IP_PORT NEGs, one per zone, ready to be backends and to be adopted by GKE."""

    neg_ids: list[pulumi.Output[str]]

    def __init__(self, name: str, args: ZonalNegsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("blueprint:gcp:ZonalNegs", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        description: Any = None
        if args.gke_service is not None:
            owner = args.gke_service
            description = pulumi.Output.from_input(owner.cluster_uid).apply(
                lambda uid: json.dumps(
                    {"cluster-uid": uid, "namespace": owner.namespace, "service-name": owner.service_name, "port": str(owner.port)},
                    separators=(",", ":"),
                )
            )

        negs = [
            gcp.compute.NetworkEndpointGroup(
                f"{name}-{zone}-neg",
                name=args.neg_name,
                zone=zone,
                network=args.network,
                subnetwork=args.subnetwork,
                network_endpoint_type="GCE_VM_IP_PORT",
                default_port=args.default_port,
                description=description,
                opts=child,
            )
            for zone in args.zones
        ]

        self.neg_ids = [neg.self_link for neg in negs]
        self.zones: list[str] = list(args.zones)
        self.neg_name: Any = args.neg_name  # str, or Output[str] when salted
        port = args.gke_service.port if args.gke_service else args.default_port
        self.annotation: Any = neg_annotation(args.neg_name, port)
        self.register_outputs({"neg_ids": self.neg_ids, "zones": self.zones, "neg_name": self.neg_name})
