"""pulumi-gcp types in the type registry (blueprint/types/__init__.py).

Tokens as pulumi-gcp names them (https://www.pulumi.com/registry/packages/gcp/api-docs/, the
``Resource Type Token`` of each page, e.g. ``gcp:container/cluster:Cluster``); input names are the
camelCase inputs of the same pages.
"""

from __future__ import annotations

from blueprint.types.gcp_terraform import TERRAFORM as _GA, TERRAFORM_BETA

__all__ = ["TERRAFORM", "TERRAFORM_BETA", "ROLES", "ENCRYPTION", "ZONE_KEYS", "OTHER", "GLOBAL_SERVICE_PREFIXES",
           "PACKAGE_PREFIX"]

PACKAGE_PREFIX = "gcp:"

COMPUTE_BACKEND_SERVICE = "gcp:compute/backendService:BackendService"
COMPUTE_DISK = "gcp:compute/disk:Disk"
COMPUTE_FIREWALL = "gcp:compute/firewall:Firewall"
COMPUTE_GLOBAL_ADDRESS = "gcp:compute/globalAddress:GlobalAddress"
COMPUTE_GLOBAL_FORWARDING_RULE = "gcp:compute/globalForwardingRule:GlobalForwardingRule"
COMPUTE_HEALTH_CHECK = "gcp:compute/healthCheck:HealthCheck"
COMPUTE_INSTANCE = "gcp:compute/instance:Instance"
COMPUTE_INSTANCE_TEMPLATE = "gcp:compute/instanceTemplate:InstanceTemplate"
COMPUTE_MANAGED_SSL_CERTIFICATE = "gcp:compute/managedSslCertificate:ManagedSslCertificate"
COMPUTE_NETWORK = "gcp:compute/network:Network"
COMPUTE_NETWORK_ENDPOINT_GROUP = "gcp:compute/networkEndpointGroup:NetworkEndpointGroup"
COMPUTE_REGION_DISK = "gcp:compute/regionDisk:RegionDisk"
COMPUTE_REGION_INSTANCE_TEMPLATE = "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate"
COMPUTE_ROUTER = "gcp:compute/router:Router"
# The failover orchestration (issue 17): https://www.pulumi.com/registry/packages/gcp/api-docs/workflows/workflow/.
WORKFLOWS_WORKFLOW = "gcp:workflows/workflow:Workflow"
# Alert policies start the failover workflow (blueprint/analysis/gcp_orchestration.py).
MONITORING_ALERT_POLICY = "gcp:monitoring/alertPolicy:AlertPolicy"
# The failover probe's always-on loop (blueprint/components/gcp/failover_probe.py):
# https://www.pulumi.com/registry/packages/gcp/api-docs/cloudrunv2/workerpool/.
CLOUDRUNV2_WORKER_POOL = "gcp:cloudrunv2/workerPool:WorkerPool"
# Its read access to one backend service: https://www.pulumi.com/registry/packages/gcp/api-docs/compute/backendserviceiammember/.
COMPUTE_BACKEND_SERVICE_IAM_MEMBER = "gcp:compute/backendServiceIamMember:BackendServiceIamMember"
COMPUTE_ROUTER_NAT = "gcp:compute/routerNat:RouterNat"
COMPUTE_SSL_POLICY = "gcp:compute/sSLPolicy:SSLPolicy"
COMPUTE_SUBNETWORK = "gcp:compute/subnetwork:Subnetwork"
COMPUTE_TARGET_HTTP_PROXY = "gcp:compute/targetHttpProxy:TargetHttpProxy"
COMPUTE_TARGET_HTTPS_PROXY = "gcp:compute/targetHttpsProxy:TargetHttpsProxy"
COMPUTE_URL_MAP = "gcp:compute/uRLMap:URLMap"
CONTAINER_CLUSTER = "gcp:container/cluster:Cluster"
CONTAINER_NODE_POOL = "gcp:container/nodePool:NodePool"
DNS_RECORD_SET = "gcp:dns/recordSet:RecordSet"
KMS_CRYPTO_KEY = "gcp:kms/cryptoKey:CryptoKey"
# Recovery data (issue 18): https://www.pulumi.com/registry/packages/gcp/api-docs/artifactregistry/repository/,
# .../secretmanager/secret/.
ARTIFACTREGISTRY_REPOSITORY = "gcp:artifactregistry/repository:Repository"
SECRETMANAGER_SECRET = "gcp:secretmanager/secret:Secret"
KMS_CRYPTO_KEY_IAM_MEMBER = "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"
KMS_KEY_RING = "gcp:kms/keyRing:KeyRing"
NETWORKSERVICES_SERVICE_LB_POLICIES = "gcp:networkservices/serviceLbPolicies:ServiceLbPolicies"
PROJECTS_IAM_MEMBER = "gcp:projects/iAMMember:IAMMember"
PROJECTS_SERVICE_IDENTITY = "gcp:projects/serviceIdentity:ServiceIdentity"
PUBSUB_SUBSCRIPTION = "gcp:pubsub/subscription:Subscription"
PUBSUB_TOPIC = "gcp:pubsub/topic:Topic"
SERVICEACCOUNT_ACCOUNT = "gcp:serviceaccount/account:Account"
SERVICENETWORKING_CONNECTION = "gcp:servicenetworking/connection:Connection"
SQL_DATABASE_INSTANCE = "gcp:sql/databaseInstance:DatabaseInstance"
STORAGE_BUCKET = "gcp:storage/bucket:Bucket"
STORAGE_TRANSFER_JOB = "gcp:storage/transferJob:TransferJob"
# The audit trail and break-glass access (issue 18, part 2): https://www.pulumi.com/registry/packages/gcp/api-docs/logging/projectsink/,
# .../privilegedaccessmanager/entitlement/ (the token's resource part is lower case as pulumi-gcp names it).
LOGGING_PROJECT_SINK = "gcp:logging/projectSink:ProjectSink"
PRIVILEGEDACCESSMANAGER_ENTITLEMENT = "gcp:privilegedaccessmanager/entitlement:entitlement"
PROJECTS_IAM_CUSTOM_ROLE = "gcp:projects/iAMCustomRole:IAMCustomRole"  # the break-glass role (.../projects/iamcustomrole/)

# GA and google-beta types together: the registry's Terraform column (blueprint/export picks the
# provider address from TERRAFORM_BETA membership).
TERRAFORM: dict[str, str] = {**_GA, **TERRAFORM_BETA}

ROLES: dict[str, str] = {
    COMPUTE_NETWORK: "network", COMPUTE_SUBNETWORK: "subnet", COMPUTE_ROUTER_NAT: "egress",
    CONTAINER_CLUSTER: "cluster", CONTAINER_NODE_POOL: "compute-pool",
    COMPUTE_GLOBAL_FORWARDING_RULE: "load-balancer", COMPUTE_BACKEND_SERVICE: "backend",
    COMPUTE_NETWORK_ENDPOINT_GROUP: "endpoint-group", COMPUTE_HEALTH_CHECK: "health-check",
    DNS_RECORD_SET: "dns-record", SQL_DATABASE_INSTANCE: "database", STORAGE_BUCKET: "vault",
    STORAGE_TRANSFER_JOB: "copy", KMS_CRYPTO_KEY: "key", PUBSUB_TOPIC: "queue",
    COMPUTE_MANAGED_SSL_CERTIFICATE: "certificate",
    ARTIFACTREGISTRY_REPOSITORY: "image-repository", SECRETMANAGER_SECRET: "secret",
    LOGGING_PROJECT_SINK: "audit-trail", PRIVILEGEDACCESSMANAGER_ENTITLEMENT: "break-glass",
}

# The input naming the type's customer-managed Cloud KMS key (blueprint/policies/encryption.py).
ENCRYPTION: dict[str, str] = {
    STORAGE_BUCKET: "encryption.defaultKmsKeyName", SQL_DATABASE_INSTANCE: "encryptionKeyName",
    CONTAINER_CLUSTER: "databaseEncryption.keyName", CONTAINER_NODE_POOL: "nodeConfig.bootDiskKmsKey",
    COMPUTE_INSTANCE: "bootDisk.kmsKeySelfLink", COMPUTE_INSTANCE_TEMPLATE: "disks[].diskEncryptionKey.kmsKeySelfLink",
    COMPUTE_REGION_INSTANCE_TEMPLATE: "disks[].diskEncryptionKey.kmsKeySelfLink",
    COMPUTE_DISK: "diskEncryptionKey.kmsKeySelfLink", COMPUTE_REGION_DISK: "diskEncryptionKey.kmsKeySelfLink",
    PUBSUB_TOPIC: "kmsKeyName",
    ARTIFACTREGISTRY_REPOSITORY: "kmsKeyName",
    # User-managed replication, one key per replica (automatic replication has a single key and may
    # store data anywhere: the residency rule refuses it).
    SECRETMANAGER_SECRET: "replication.userManaged.replicas[].customerManagedEncryption.kmsKeyName",
}

# The inputs through which a type says its zone(s), as blueprint/analysis/gcp_facts.py and the
# plan's placement read them (a zonal ``location`` such as europe-west4-a is a zone).
ZONE_KEYS: dict[str, tuple[str, ...]] = {
    CONTAINER_CLUSTER: ("location", "nodeLocations"), CONTAINER_NODE_POOL: ("nodeLocations",),
    COMPUTE_NETWORK_ENDPOINT_GROUP: ("zone",), COMPUTE_INSTANCE: ("zone",), COMPUTE_DISK: ("zone",),
    # Optional: without a preference Google picks the zone (the shipped REGIONAL instances set none).
    SQL_DATABASE_INSTANCE: ("settings.locationPreference.zone",),
}

OTHER: frozenset[str] = frozenset()

# Residency: types that have no region (blueprint/policies/exemptions.py says why each may be "global").
GLOBAL_SERVICE_PREFIXES: tuple[str, ...] = (
    "gcp:serviceaccount/", "gcp:projects/iAM", "gcp:projects/service:", "gcp:dns/",
    "gcp:compute/globalAddress:", "gcp:compute/globalForwardingRule:", "gcp:compute/uRLMap:",
    "gcp:compute/targetHttpsProxy:", "gcp:compute/targetHttpProxy:", "gcp:compute/sSLPolicy:",
    "gcp:compute/managedSslCertificate:", "gcp:compute/network:", "gcp:compute/healthCheck:",
    "gcp:compute/backendService:", "gcp:compute/firewall:", "gcp:compute/securityPolicy:",
    # A project's service agent identity and the VPC peering to Google's service producer network.
    "gcp:projects/serviceIdentity:", "gcp:servicenetworking/connection:",
    # The global load balancer's service load balancing policy (location "global").
    "gcp:networkservices/serviceLbPolicies:", "gcp:compute/backendServiceIamMember:",
    # A project log sink (a routing rule; the logs are stored in its destination bucket, which is regional)
    # and a PAM entitlement (location "global": who may request which role; no customer data).
    "gcp:logging/projectSink:", "gcp:privilegedaccessmanager/",
)

# Placement (blueprint/plan/placement.py): types whose API has no region, planned in region "global".
# Broader than GLOBAL_SERVICE_PREFIXES (the residency exemption: no region AND no customer data; see
# blueprint/types/aws.py NO_REGION_PREFIXES): e.g. all of gcp:projects/ and gcp:organizations/ are
# project- or organization-level, and a global NEG has no region.
NO_REGION_PREFIXES: tuple[str, ...] = (
    "gcp:dns/", "gcp:projects/", "gcp:serviceaccount/", "gcp:organizations/", "gcp:compute/globalAddress:",
    "gcp:compute/globalForwardingRule:", "gcp:compute/uRLMap:", "gcp:compute/targetHttpsProxy:",
    "gcp:compute/targetHttpProxy:", "gcp:compute/sSLPolicy:", "gcp:compute/managedSslCertificate:",
    "gcp:compute/network:", "gcp:compute/healthCheck:", "gcp:compute/backendService:", "gcp:compute/firewall:",
    "gcp:compute/securityPolicy:", "gcp:compute/globalNetworkEndpointGroup:", "gcp:servicenetworking/",
    "gcp:networkservices/serviceLbPolicies:", "gcp:compute/backendServiceIamMember:",
    "gcp:logging/projectSink:", "gcp:privilegedaccessmanager/",
)

# Invoke (data source) tokens the offline plan answers (blueprint/plan/mocks.py): functions, not
# resource types (INVOKE_* are no registry entries). Tokens as each function's page of
# https://www.pulumi.com/registry/packages/gcp/api-docs/ names them.
INVOKE_COMPUTE_GET_ZONES = "gcp:compute/getZones:getZones"
INVOKE_COMPUTE_GET_REGIONS = "gcp:compute/getRegions:getRegions"
INVOKE_ORGANIZATIONS_GET_PROJECT = "gcp:organizations/getProject:getProject"
INVOKE_DNS_GET_MANAGED_ZONE = "gcp:dns/getManagedZone:getManagedZone"
INVOKE_STORAGE_GET_TRANSFER_PROJECT_SERVICE_ACCOUNT = "gcp:storage/getTransferProjectServiceAccount:getTransferProjectServiceAccount"
INVOKE_STORAGE_GET_PROJECT_SERVICE_ACCOUNT = "gcp:storage/getProjectServiceAccount:getProjectServiceAccount"
