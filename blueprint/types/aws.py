"""pulumi-aws types in the type registry (blueprint/types/__init__.py).

Tokens as pulumi-aws 7 names them (https://www.pulumi.com/registry/packages/aws/api-docs/, the
``Resource Type Token`` of each page, e.g. ``aws:eks/cluster:Cluster``). Input names are the
camelCase inputs of the same pages (the plan records inputs as the engine receives them).
"""

from __future__ import annotations

from blueprint.types.aws_terraform import TERRAFORM

__all__ = ["TERRAFORM", "ROLES", "ENCRYPTION", "ZONE_KEYS", "OTHER", "GLOBAL_SERVICE_PREFIXES", "PACKAGE_PREFIX"]

PACKAGE_PREFIX = "aws:"
S3_MODULE_PREFIX = "aws:s3/"  # every S3 type (bucket and its configuration resources)

ACM_CERTIFICATE = "aws:acm/certificate:Certificate"
ACM_CERTIFICATE_VALIDATION = "aws:acm/certificateValidation:CertificateValidation"
ALB_LISTENER = "aws:alb/listener:Listener"
AUTOSCALING_GROUP = "aws:autoscaling/group:Group"
# Failover orchestration and drills (issue 17): https://www.pulumi.com/registry/packages/aws/api-docs/arcregionswitch/plan/,
# .../fis/experimenttemplate/.
ARCREGIONSWITCH_PLAN = "aws:arcregionswitch/plan:Plan"
FIS_EXPERIMENT_TEMPLATE = "aws:fis/experimentTemplate:ExperimentTemplate"
BACKUP_PLAN = "aws:backup/plan:Plan"
BACKUP_SELECTION = "aws:backup/selection:Selection"
BACKUP_VAULT = "aws:backup/vault:Vault"
BACKUP_VAULT_LOCK_CONFIGURATION = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
CLOUDWATCH_LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
CLOUDWATCH_METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
DYNAMODB_TABLE = "aws:dynamodb/table:Table"
EBS_VOLUME = "aws:ebs/volume:Volume"
EC2_DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
EC2_EIP = "aws:ec2/eip:Eip"
EC2_FLOW_LOG = "aws:ec2/flowLog:FlowLog"
EC2_INTERNET_GATEWAY = "aws:ec2/internetGateway:InternetGateway"
EC2_LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
EC2_NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
EC2_ROUTE = "aws:ec2/route:Route"
EC2_ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
EC2_ROUTE_TABLE_ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
EC2_SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
EC2_SUBNET = "aws:ec2/subnet:Subnet"
EC2_VPC = "aws:ec2/vpc:Vpc"
EC2_VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
ECR_REPOSITORY = "aws:ecr/repository:Repository"  # recovery data (issue 18): .../api-docs/ecr/repository/
ECR_REPLICATION_CONFIGURATION = "aws:ecr/replicationConfiguration:ReplicationConfiguration"  # .../ecr/replicationconfiguration/
EFS_FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"
EKS_ADDON = "aws:eks/addon:Addon"
EKS_CLUSTER = "aws:eks/cluster:Cluster"
EKS_NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
IAM_POLICY = "aws:iam/policy:Policy"
IAM_ROLE = "aws:iam/role:Role"
IAM_ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
IAM_ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
KMS_ALIAS = "aws:kms/alias:Alias"
# The out-of-region failover probe (blueprint/components/aws/failover_probe.py):
# https://www.pulumi.com/registry/packages/aws/api-docs/lambda/function/, .../cloudwatch/eventrule/.
LAMBDA_FUNCTION = "aws:lambda/function:Function"
# The parameter a failover probe reads its plan's ARN from (issue 17): .../ssm/parameter/.
SSM_PARAMETER = "aws:ssm/parameter:Parameter"
CLOUDWATCH_EVENT_RULE = "aws:cloudwatch/eventRule:EventRule"
# The audit trail and the break-glass alarm (issue 18, part 2): https://www.pulumi.com/registry/packages/aws/api-docs/cloudtrail/trail/,
# .../cloudwatch/logmetricfilter/.
CLOUDTRAIL_TRAIL = "aws:cloudtrail/trail:Trail"
CLOUDWATCH_LOG_METRIC_FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
KMS_GRANT = "aws:kms/grant:Grant"
KMS_KEY = "aws:kms/key:Key"
LB_LISTENER = "aws:lb/listener:Listener"
LB_LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
LB_TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
RDS_CLUSTER = "aws:rds/cluster:Cluster"
RDS_CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
RDS_CLUSTER_PARAMETER_GROUP = "aws:rds/clusterParameterGroup:ClusterParameterGroup"
RDS_GLOBAL_CLUSTER = "aws:rds/globalCluster:GlobalCluster"
RDS_INSTANCE = "aws:rds/instance:Instance"
RDS_PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"
RDS_SUBNET_GROUP = "aws:rds/subnetGroup:SubnetGroup"
ROUTE53_HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck"
ROUTE53_RECORD = "aws:route53/record:Record"
S3_BUCKET = "aws:s3/bucket:Bucket"
S3_BUCKET_V2 = "aws:s3/bucketV2:BucketV2"  # deprecated alias of aws_s3_bucket (pulumi-aws 7)
S3_BUCKET_OBJECT_LOCK_CONFIGURATION = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"
S3_BUCKET_OBJECT_LOCK_CONFIGURATION_V2 = "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"
S3_BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
S3_BUCKET_REPLICATION_CONFIG = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
S3_BUCKET_SSE_CONFIGURATION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
S3_BUCKET_SSE_CONFIGURATION_V2 = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
S3_BUCKET_VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
S3_BUCKET_VERSIONING_V2 = "aws:s3/bucketVersioningV2:BucketVersioningV2"
SECRETSMANAGER_SECRET = "aws:secretsmanager/secret:Secret"
SECRETSMANAGER_SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
SNS_TOPIC = "aws:sns/topic:Topic"
SNS_TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
SQS_QUEUE = "aws:sqs/queue:Queue"
WAFV2_WEB_ACL = "aws:wafv2/webAcl:WebAcl"
VPC_SECURITY_GROUP_EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
VPC_SECURITY_GROUP_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
# Exposure rules (issue 16, blueprint/policies/network.py, public_access.py): tokens of
# https://www.pulumi.com/registry/packages/aws/api-docs/ (ec2/securitygrouprule, s3/bucketpublicaccessblock,
# s3/bucketownershipcontrols, s3/bucketacl, sqs/queuepolicy, ecr/repositorypolicy, secretsmanager/secretpolicy).
EC2_SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
S3_BUCKET_PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
S3_BUCKET_OWNERSHIP_CONTROLS = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
S3_BUCKET_ACL = "aws:s3/bucketAcl:BucketAcl"
S3_BUCKET_ACL_V2 = "aws:s3/bucketAclV2:BucketAclV2"
SQS_QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
ECR_REPOSITORY_POLICY = "aws:ecr/repositoryPolicy:RepositoryPolicy"
SECRETSMANAGER_SECRET_POLICY = "aws:secretsmanager/secretPolicy:SecretPolicy"

S3_BUCKET_TYPES = (S3_BUCKET, S3_BUCKET_V2)
LISTENER_TYPES = (LB_LISTENER, ALB_LISTENER)  # aws:alb/* are aliases of the aws:lb/* resources

# What each type is to the plan readers (blueprint.types ROLE_* values).
ROLES: dict[str, str] = {
    EC2_VPC: "network", EC2_SUBNET: "subnet", EC2_NAT_GATEWAY: "egress", EC2_ROUTE: "route",
    EKS_CLUSTER: "cluster", EKS_NODE_GROUP: "compute-pool", LB_LOAD_BALANCER: "load-balancer",
    ROUTE53_RECORD: "dns-record", ROUTE53_HEALTH_CHECK: "health-check",
    RDS_CLUSTER: "database", RDS_INSTANCE: "database", RDS_CLUSTER_INSTANCE: "database-instance",
    RDS_GLOBAL_CLUSTER: "database-global", RDS_SUBNET_GROUP: "database-subnets",
    S3_BUCKET: "vault", S3_BUCKET_V2: "vault", BACKUP_VAULT: "recovery-point-vault",
    S3_BUCKET_OBJECT_LOCK_CONFIGURATION: "vault-lock", S3_BUCKET_OBJECT_LOCK_CONFIGURATION_V2: "vault-lock",
    BACKUP_VAULT_LOCK_CONFIGURATION: "vault-lock",
    S3_BUCKET_VERSIONING: "vault-versioning", S3_BUCKET_VERSIONING_V2: "vault-versioning",
    S3_BUCKET_REPLICATION_CONFIG: "copy", BACKUP_PLAN: "backup-plan",
    KMS_KEY: "key", SQS_QUEUE: "queue", SNS_TOPIC: "topic", SECRETSMANAGER_SECRET: "secret",
    CLOUDWATCH_METRIC_ALARM: "alarm", ACM_CERTIFICATE: "certificate",
    ECR_REPOSITORY: "image-repository", ECR_REPLICATION_CONFIGURATION: "image-replication",
    CLOUDTRAIL_TRAIL: "audit-trail",
}

# The input naming the type's customer-managed KMS key (blueprint/policies/encryption.py checks it);
# input names from each type's page of https://www.pulumi.com/registry/packages/aws/api-docs/.
ENCRYPTION: dict[str, str] = {
    RDS_CLUSTER: "kmsKeyId", RDS_INSTANCE: "kmsKeyId", RDS_CLUSTER_INSTANCE: "performanceInsightsKmsKeyId",
    EBS_VOLUME: "kmsKeyId", EC2_LAUNCH_TEMPLATE: "blockDeviceMappings[].ebs.kmsKeyId",
    EKS_CLUSTER: "encryptionConfig.provider.keyArn", SQS_QUEUE: "kmsMasterKeyId", SNS_TOPIC: "kmsMasterKeyId",
    BACKUP_VAULT: "kmsKeyArn", SECRETSMANAGER_SECRET: "kmsKeyId", CLOUDWATCH_LOG_GROUP: "kmsKeyId",
    S3_BUCKET_SSE_CONFIGURATION: "rules[].applyServerSideEncryptionByDefault.kmsMasterKeyId",
    S3_BUCKET_SSE_CONFIGURATION_V2: "rules[].applyServerSideEncryptionByDefault.kmsMasterKeyId",
    EFS_FILE_SYSTEM: "kmsKeyId", DYNAMODB_TABLE: "serverSideEncryption.kmsKeyArn",
    # Repository: "encryptionConfigurations[].kmsKey" (encryptionType KMS), https://www.pulumi.com/registry/packages/aws/api-docs/ecr/repository/.
    ECR_REPOSITORY: "encryptionConfigurations[].kmsKey",
    # Trail: "kmsKeyId" (log files SSE-KMS), https://www.pulumi.com/registry/packages/aws/api-docs/cloudtrail/trail/.
    CLOUDTRAIL_TRAIL: "kmsKeyId",
}

# The inputs through which a type says its zone or the subnets (hence zones) it spans, as the
# facts module (blueprint/analysis/aws_facts.py) and the plan's placement read them (e.g. NodeGroup
# ``subnetIds``, "Identifiers of EC2 Subnets to associate with the EKS Node Group",
# https://www.pulumi.com/registry/packages/aws/api-docs/eks/nodegroup/); tests/test_type_registry.py checks
# that the planned resources of each type set them.
ZONE_KEYS: dict[str, tuple[str, ...]] = {
    EC2_SUBNET: ("availabilityZone",), RDS_CLUSTER_INSTANCE: ("availabilityZone",),
    EBS_VOLUME: ("availabilityZone",), EC2_NAT_GATEWAY: ("subnetId",),
    EKS_NODE_GROUP: ("subnetIds",), LB_LOAD_BALANCER: ("subnets",), RDS_SUBNET_GROUP: ("subnetIds",),
    EKS_CLUSTER: ("vpcConfig.subnetIds",), EC2_ROUTE_TABLE_ASSOCIATION: ("subnetId",),
}

OTHER: frozenset[str] = frozenset()  # every AWS type above is a Terraform resource (TERRAFORM)

# Residency: types that have no region (blueprint/policies/exemptions.py says why each may be "global").
GLOBAL_SERVICE_PREFIXES: tuple[str, ...] = (
    "aws:iam/",  # IAM roles, policies, attachments, OIDC providers
    "aws:route53/record:", "aws:route53/healthCheck:", "aws:route53/zone:",
    "aws:route53/zoneAssociation:", "aws:route53/keySigningKey:", "aws:route53/hostedZoneDnsSec:",
)

# Placement (blueprint/plan/placement.py): types whose API has no region, planned in region "global".
# Broader than GLOBAL_SERVICE_PREFIXES on purpose: that table is the residency policy's exemption
# (no region AND no customer data), this one says only where a resource lives. CloudFront and Global
# Accelerator have no region yet are not exempt (they cache or route data outside any jurisdiction),
# so one table cannot serve both; tests/test_type_registry.py checks the exemption is a subset of this.
NO_REGION_PREFIXES: tuple[str, ...] = (
    "aws:iam/", "aws:route53/", "aws:cloudfront/", "aws:organizations/", "aws:globalaccelerator/",
    "aws:shield/", "aws:budgets/",
)
# ...except Route 53 Resolver, which lives in a VPC of one region
# (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver.html: "Resolver ... in a Region").
REGIONAL_EXCEPTIONS: tuple[str, ...] = ("aws:route53/resolver",)

# The offline plan's mocks (blueprint/plan/mocks.py): types whose physical ID is a prefixed EC2
# resource ID, "<prefix>-<hex>" (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html);
# every other type's ID is its name (or what the mocks' computed state says).
MOCK_ID_PREFIX: dict[str, str] = {
    EC2_VPC: "vpc", EC2_SUBNET: "subnet", EC2_NAT_GATEWAY: "nat", EC2_INTERNET_GATEWAY: "igw",
    EC2_ROUTE_TABLE: "rtb", EC2_SECURITY_GROUP: "sg", EC2_EIP: "eipalloc", EC2_VPC_ENDPOINT: "vpce",
    EC2_FLOW_LOG: "fl", EC2_LAUNCH_TEMPLATE: "lt", EC2_DEFAULT_SECURITY_GROUP: "sg",
    EC2_ROUTE_TABLE_ASSOCIATION: "rtbassoc",
}

# Invoke (data source) tokens the offline plan answers: functions, not resource types, so they are no
# registry entries (INVOKE_* are skipped by the registry's well-formedness test). Tokens as each
# function's page of https://www.pulumi.com/registry/packages/aws/api-docs/ names them.
INVOKE_GET_REGION = "aws:index/getRegion:getRegion"
INVOKE_GET_CALLER_IDENTITY = "aws:index/getCallerIdentity:getCallerIdentity"
INVOKE_GET_PARTITION = "aws:index/getPartition:getPartition"
INVOKE_GET_AVAILABILITY_ZONES = "aws:index/getAvailabilityZones:getAvailabilityZones"
INVOKE_EC2_GET_INSTANCE_TYPE_OFFERINGS = "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings"
INVOKE_SSM_GET_PARAMETER = "aws:ssm/getParameter:getParameter"
INVOKE_ROUTE53_GET_ZONE = "aws:route53/getZone:getZone"
INVOKE_ARCREGIONSWITCH_GET_ROUTE53_HEALTH_CHECKS = "aws:arcregionswitch/getRoute53HealthChecks:getRoute53HealthChecks"
INVOKE_ELB_GET_SERVICE_ACCOUNT = "aws:elb/getServiceAccount:getServiceAccount"
INVOKE_EKS_GET_NODE_GROUP = "aws:eks/getNodeGroup:getNodeGroup"
INVOKE_SECRETSMANAGER_GET_RANDOM_PASSWORD = "aws:secretsmanager/getRandomPassword:getRandomPassword"

# Route 53 publishes health-check metrics in us-east-1 only, so every alarm on a health check (DNS
# failover alarms, Region switch plan triggers) is evaluated there (Route 53 Developer Guide,
# "Monitoring health checks using CloudWatch").
ROUTE53_METRICS_REGION = "us-east-1"
