"""Physical-name limits of the GCP types the shipped components plan (pulumi-gcp, Terraform bridge).

Autonaming (github.com/pulumi/pulumi-gcp provider/resources.go, read at commit ed6078a; the mirror
has no v10.x tag, pulumi_gcp 10.2.0 is installed): ``prov.SetAutonaming(255, "-")`` autonames every
string input literally called ``name`` ``<logical name>-<7 random>``, capped at 255, case kept
(pulumi-terraform-bridge ``SetAutonaming``: Optional or Required ``name`` of type string, unless the
type has its own ``Fields["name"]``). Own entries override that: ``lowercaseAutoName()`` (Maxlen 63,
Randlen 7, ``strings.ToLower``) only for backend services, networks, routers, router NATs,
subnetworks, target HTTP(S) proxies and URL maps; ``google_storage_bucket`` ``AutoName("name", 222,
"-")`` (not lower-cased); ``google_service_account`` ``account_id: AutoName("", 30, "-")``;
``google_dns_record_set`` ``"name": {Name: "name"}`` (not autonamed: the name is the DNS name).

Limits: Google's API reference or naming page of each service (the URL in each row).
"""

from __future__ import annotations

from blueprint.readiness.name_rule import FQDN, Autoname, NameRule

_RESOURCES_GO = "github.com/pulumi/pulumi-gcp provider/resources.go"
AUTONAME_LOWER63 = Autoname(max_length=63, lower=True, source=f"{_RESOURCES_GO} (lowercaseAutoName: Maxlen 63, Randlen 7)")
AUTONAME = Autoname(max_length=255, source=f"{_RESOURCES_GO} (SetAutonaming(255, \"-\"))")
AUTONAME_BUCKET = Autoname(max_length=222, source=f"{_RESOURCES_GO} (google_storage_bucket: AutoName(\"name\", 222, \"-\"))")
AUTONAME_ACCOUNT = Autoname(max_length=30, source=f"{_RESOURCES_GO} (google_service_account: account_id AutoName(\"\", 30, \"-\"))")

# Compute Engine: "[a-z]([-a-z0-9]*[a-z0-9])?", 1..63 (RFC 1035 label).
_COMPUTE = r"[a-z]([-a-z0-9]*[a-z0-9])?"
_COMPUTE_SOURCE = "https://cloud.google.com/compute/docs/naming-resources#resource-name-format"


def _compute(autoname: Autoname, source: str = _COMPUTE_SOURCE) -> NameRule:
    return NameRule("name", 63, _COMPUTE, "1..63 lower-case letters, digits or '-', starting with a letter, not ending with '-'",
                    source, autoname=autoname)


_PUBSUB = r"(?!goog)[A-Za-z][A-Za-z0-9\-_.~+%]*"
_PUBSUB_RULE = "3..255 letters, digits or '-_.~+%', starting with a letter, not starting with 'goog'"
_KMS = r"[a-zA-Z0-9_-]+"

GCP_NAME_RULES: dict[str, NameRule] = {
    # lowercaseAutoName(): a logical name with capitals still yields a legal autoname.
    **{t: _compute(AUTONAME_LOWER63) for t in (
        "gcp:compute/backendService:BackendService",
        "gcp:compute/network:Network",
        "gcp:compute/router:Router",
        "gcp:compute/routerNat:RouterNat",
        "gcp:compute/subnetwork:Subnetwork",
        "gcp:compute/targetHttpProxy:TargetHttpProxy",
        "gcp:compute/targetHttpsProxy:TargetHttpsProxy",
        "gcp:compute/uRLMap:URLMap",
    )},
    # The default SetAutonaming(255, "-"): case kept, so the Compute pattern catches capitals.
    **{t: _compute(AUTONAME) for t in (
        "gcp:compute/firewall:Firewall",
        "gcp:compute/globalAddress:GlobalAddress",
        "gcp:compute/globalForwardingRule:GlobalForwardingRule",
        "gcp:compute/healthCheck:HealthCheck",
        "gcp:compute/managedSslCertificate:ManagedSslCertificate",
        "gcp:compute/networkEndpointGroup:NetworkEndpointGroup",
        "gcp:compute/sSLPolicy:SSLPolicy",
    )},
    # Recovery data (issue 18): ids set explicitly (<env>-<workload>, <env>-<workload>-<secret>).
    "gcp:artifactregistry/repository:Repository": NameRule(
        "repositoryId", 63, r"[a-z]([a-z0-9-]*[a-z0-9])?",
        "1..63 lower-case letters, digits or '-', starting with a letter, not ending with '-'",
        "https://cloud.google.com/artifact-registry/docs/reference/rest/v1/projects.locations.repositories/create (repositoryId)"),
    "gcp:secretmanager/secret:Secret": NameRule(
        "secretId", 255, r"[A-Za-z0-9_-]+", "1..255 letters, digits, '_' or '-'",
        "https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets/create (secretId)"),
    "gcp:container/cluster:Cluster": NameRule(
        "name", 40, _COMPUTE, "1..40 lower-case letters, digits or '-', starting with a letter, not ending with '-'",
        "https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters#Cluster (name)",
        autoname=AUTONAME),
    "gcp:container/nodePool:NodePool": NameRule(
        "name", 40, _COMPUTE, "1..40 lower-case letters, digits or '-', starting with a letter, not ending with '-'",
        "https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters.nodePools#NodePool "
        "(name); the API's check quoted in github.com/pulumi/pulumi-gcp/issues/1510: '(?:[a-z](?:[-a-z0-9]{0,38}[a-z0-9])?)' "
        "... must be no longer than 40 characters", autoname=AUTONAME, prefix_prop="namePrefix"),
    "gcp:sql/databaseInstance:DatabaseInstance": NameRule(
        # "project-ID:instance-ID" at most 98 characters: 67 leaves room for any (<= 30 character) project ID.
        "name", 67, _COMPUTE,
        "lower-case letters, digits or '-', starting with a letter; project ID + ':' + instance ID at most 98, "
        "so at most 67 for any 30-character project ID",
        "https://cloud.google.com/sql/docs/mysql/instance-settings#instance-id-2ndgen", autoname=AUTONAME),
    "gcp:storage/bucket:Bucket": NameRule(
        "name", 63, r"[a-z0-9][a-z0-9_.-]*[a-z0-9]", "3..63 lower-case letters, digits or '-_.', starting and ending with a letter or digit",
        "https://cloud.google.com/storage/docs/buckets#naming", min_length=3, autoname=AUTONAME_BUCKET,
        forbidden_prefixes=("goog",)),
    "gcp:pubsub/topic:Topic": NameRule(
        "name", 255, _PUBSUB, _PUBSUB_RULE, "https://cloud.google.com/pubsub/docs/pubsub-basics#resource_names",
        min_length=3, autoname=AUTONAME),
    "gcp:pubsub/subscription:Subscription": NameRule(
        "name", 255, _PUBSUB, _PUBSUB_RULE, "https://cloud.google.com/pubsub/docs/pubsub-basics#resource_names",
        min_length=3, autoname=AUTONAME),
    "gcp:kms/keyRing:KeyRing": NameRule(
        "name", 63, _KMS, "1..63 letters, digits, '_' or '-'",
        "https://cloud.google.com/kms/docs/reference/rest/v1/projects.locations.keyRings/create (keyRingId)",
        autoname=AUTONAME),
    "gcp:kms/cryptoKey:CryptoKey": NameRule(
        "name", 63, _KMS, "1..63 letters, digits, '_' or '-'",
        "https://cloud.google.com/kms/docs/reference/rest/v1/projects.locations.keyRings.cryptoKeys/create (cryptoKeyId)",
        autoname=AUTONAME),
    "gcp:serviceaccount/account:Account": NameRule(
        "accountId", 30, r"[a-z]([-a-z0-9]*[a-z0-9])", "6..30 lower-case letters, digits or '-', starting with a letter, not ending with '-'",
        "https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts/create (accountId)", min_length=6,
        autoname=AUTONAME_ACCOUNT),
    "gcp:networkservices/serviceLbPolicies:ServiceLbPolicies": NameRule(
        "name", 63, _COMPUTE, "1..63 lower-case letters, digits or '-', starting with a letter, not ending with '-'",
        "https://cloud.google.com/load-balancing/docs/reference/network-services/rest/v1/projects.locations.serviceLbPolicies/create "
        "(serviceLbPolicyId)", autoname=AUTONAME),
    # Unset, pulumi-gcp autonames it "<logical>-<7 random>" (SetAutonaming, no override), which lacks
    # the required "transferJobs/" prefix: the API refuses it, so an unnamed job is flagged.
    "gcp:storage/transferJob:TransferJob": NameRule(
        "name", 128, r"transferJobs/(?!OPI)[A-Za-z0-9._~-]*[A-Za-z0-9]",
        "'transferJobs/' then letters, digits or '-._~' (not starting with 'OPI', ending with a letter or digit), 128 in all",
        "https://cloud.google.com/storage-transfer/docs/reference/rest/v1/transferJobs#TransferJob (name)",
        autoname=AUTONAME),
    # FailoverWorkflow (blueprint/components/gcp/failover_workflow.py): the workflow, its trigger, its custom role.
    "gcp:workflows/workflow:Workflow": NameRule(
        "name", 64, r"[A-Za-z]([-A-Za-z0-9_]*[A-Za-z0-9])?",
        "1..64 letters, digits, '_' or '-', starting with a letter, ending with a letter or digit",
        "https://cloud.google.com/workflows/docs/reference/rest/v1/projects.locations.workflows/create (workflowId)",
        autoname=AUTONAME),
    # Eventarc documents no trigger-id pattern on its REST page; the Compute-style rule (RFC 1035 label,
    # 63) is the stricter reading of Google resource ids, and the shipped names fit it.
    "gcp:eventarc/trigger:Trigger": _compute(
        AUTONAME, "https://cloud.google.com/eventarc/docs/reference/rest/v1/projects.locations.triggers/create (triggerId); "
        "Compute naming as the stricter bound: https://cloud.google.com/compute/docs/naming-resources#resource-name-format"),
    # FailoverProbe (blueprint/components/gcp/failover_probe.py): its worker pool.
    "gcp:cloudrunv2/workerPool:WorkerPool": NameRule(
        "name", 49, _COMPUTE, "1..49 lower-case letters, digits or '-', starting with a letter, not ending with '-'",
        "https://cloud.google.com/run/docs/reference/rest/v2/projects.locations.workerPools/create (workerPoolId: 'must begin "
        "with letter, and cannot end with hyphen; must contain fewer than 50 characters')", autoname=AUTONAME),
    "gcp:projects/iAMCustomRole:IAMCustomRole": NameRule(
        "roleId", 64, r"[A-Za-z0-9_.]+", "3..64 letters, digits, '_' or '.'",
        "https://cloud.google.com/iam/docs/reference/rest/v1/projects.roles/create (roleId)", min_length=3),
    # Issue 18: the audit-log sink (name: up to 100 of letters, digits, '_-.') and the break-glass PAM entitlement.
    "gcp:logging/projectSink:ProjectSink": NameRule(
        "name", 100, r"[A-Za-z0-9_.-]+", "1..100 letters, digits, '_', '-' or '.'",
        "https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.sinks (LogSink.name: 'limited to 100 characters and "
        "can include only upper and lower-case alphanumeric characters, underscores, hyphens, and periods')", autoname=AUTONAME),
    # The probe's heartbeat: a log-based metric (issue 17).
    "gcp:logging/metric:Metric": NameRule(
        "name", 100, r"[A-Za-z0-9_.,+!*'()%-][A-Za-z0-9_.,+!*'()%/-]*", "1..100 letters, digits or _-.,+!*'()%/ (not starting with '/')",
        "https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.metrics (LogMetric.name: 'limited to 100 characters "
        "and can include only the following characters: A-Z, a-z, 0-9, and the special characters _-.,+!*',()%/ ... cannot be "
        "the first character of the name')"),
    "gcp:privilegedaccessmanager/entitlement:entitlement": NameRule(
        "entitlementId", 63, r"[a-z][a-z0-9-]*[a-z0-9]", "4..63 lower-case letters, digits or '-', starting with a letter",
        "https://cloud.google.com/iam/docs/reference/pam/rest/v1/folders.locations.entitlements/create (entitlementId: "
        "'4-63 characters ... [a-z], [0-9], -; the first character should be from [a-z]')", min_length=4),
    "gcp:dns/recordSet:RecordSet": NameRule(
        "name", 255, FQDN, "a DNS name of at most 255 characters, labels of at most 63",
        "https://cloud.google.com/dns/docs/reference/rest/v1/resourceRecordSets (name; RFC 1035 section 2.3.4)"),
}

# Planned GCP types without a physical name of their own: IAM bindings and audit configs, the
# service identity and the private-services connection (named by Google), and monitoring objects
# (server-assigned IDs; ``displayName`` is free text).
GCP_NO_NAME: frozenset[str] = frozenset({
    "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
    "gcp:compute/backendServiceIamMember:BackendServiceIamMember",
    "gcp:monitoring/alertPolicy:AlertPolicy",
    "gcp:monitoring/notificationChannel:NotificationChannel",
    "gcp:projects/iAMAuditConfig:IAMAuditConfig",
    "gcp:projects/iAMMember:IAMMember",
    "gcp:projects/serviceIdentity:ServiceIdentity",
    "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember",
    "gcp:pubsub/topicIAMMember:TopicIAMMember",
    "gcp:servicenetworking/connection:Connection",
    "gcp:serviceaccount/iAMMember:IAMMember",
    "gcp:storage/bucketIAMMember:BucketIAMMember",
    "gcp:secretmanager/secretIamMember:SecretIamMember",
})
