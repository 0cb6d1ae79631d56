"""Physical-name limits of the AWS types the shipped components plan (pulumi-aws, Terraform bridge).

Autonaming: pulumi-aws names every string input called ``name`` ``<logical name>-<7 random hex>``
(``prov.SetAutonaming(255, "-")`` and ``tfbridge.AutoName``, Randlen 7, in
github.com/pulumi/pulumi-aws provider/resources.go and pulumi-terraform-bridge pkg/tfbridge/info.go);
some types override the property, the cap or the case (``AUTONAME_*`` below). A ``*Prefix`` input
gets terraform-provider-aws's ``id.PrefixedUniqueId``: the prefix plus 26 characters.

Limits: the AWS API reference of the create call (the URL in each row) and, where the provider
validates earlier, terraform-provider-aws's validation (the file named).
"""

from __future__ import annotations

from blueprint.readiness.name_rule import FQDN, Autoname, NameRule

_API = "https://docs.aws.amazon.com"
_RESOURCES_GO = "github.com/pulumi/pulumi-aws provider/resources.go"

# tfbridge.AutoName(name, 255, "-"): the provider-wide default.
AUTONAME = Autoname(max_length=255, source=f"{_RESOURCES_GO} (prov.SetAutonaming(255, \"-\"))")
# ELBv2 names: pulumi-aws caps the autoname at the service's 32 (issue 13 finding 1; pulumi-aws PR
# #1932 "Fix TargetGroup's autoname length"; pulumi-aws#1317 shows the resulting preview error).
AUTONAME_ELBV2 = Autoname(max_length=32, source=f"{_RESOURCES_GO} (aws_lb / aws_lb_target_group name: AutoName maxlen 32; "
                                                 "github.com/pulumi/pulumi-aws/pull/1932)")
# EKS node groups: AutoName("nodeGroupName", 255, "-") (pulumi-aws provider/resources.go).
AUTONAME_NODE_GROUP = Autoname(max_length=255, source=f"{_RESOURCES_GO} (aws_eks_node_group: AutoName(\"nodeGroupName\", 255, \"-\"))")

_ELBV2_NAME = r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
_RDS_IDENTIFIER = r"[a-z][a-z0-9]*(-[a-z0-9]+)*"
_IAM_NAME = r"[\w+=,.@-]+"

AWS_NAME_RULES: dict[str, NameRule] = {
    "aws:lb/loadBalancer:LoadBalancer": NameRule(
        "name", 32, _ELBV2_NAME, "1..32 letters, digits or '-', not starting or ending with '-' nor starting with 'internal-'",
        "terraform-provider-aws internal/service/elbv2/validate.go (validName); "
        f"{_API}/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html",
        autoname=AUTONAME_ELBV2, prefix_prop="namePrefix", forbidden_prefixes=("internal-",)),
    "aws:lb/targetGroup:TargetGroup": NameRule(
        "name", 32, _ELBV2_NAME, "1..32 letters, digits or '-', not starting or ending with '-'",
        "terraform-provider-aws internal/service/elbv2/validate.go (validTargetGroupName); "
        f"{_API}/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html",
        autoname=AUTONAME_ELBV2, prefix_prop="namePrefix"),
    "aws:iam/role:Role": NameRule(
        "name", 64, _IAM_NAME, "1..64 of letters, digits and '+=,.@_-'",
        f"{_API}/IAM/latest/APIReference/API_CreateRole.html (RoleName)", autoname=AUTONAME, prefix_prop="namePrefix"),
    "aws:iam/policy:Policy": NameRule(
        "name", 128, _IAM_NAME, "1..128 of letters, digits and '+=,.@_-'",
        f"{_API}/IAM/latest/APIReference/API_CreatePolicy.html (PolicyName)", autoname=AUTONAME, prefix_prop="namePrefix"),
    "aws:iam/rolePolicy:RolePolicy": NameRule(
        "name", 128, _IAM_NAME, "1..128 of letters, digits and '+=,.@_-'",
        f"{_API}/IAM/latest/APIReference/API_PutRolePolicy.html (PolicyName)", autoname=AUTONAME, prefix_prop="namePrefix"),
    "aws:ec2/securityGroup:SecurityGroup": NameRule(
        "name", 255, r"[\x20-\x7e]+", "1..255 ASCII characters, not starting with 'sg-'",
        f"{_API}/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html (GroupName)", autoname=AUTONAME,
        prefix_prop="namePrefix", forbidden_prefixes=("sg-",)),
    "aws:ec2/launchTemplate:LaunchTemplate": NameRule(
        "name", 128, r"[a-zA-Z0-9().\-/_]+", "3..128 of letters, digits and '().-/_'",
        f"{_API}/AWSEC2/latest/APIReference/API_CreateLaunchTemplate.html (LaunchTemplateName)", min_length=3,
        autoname=AUTONAME, prefix_prop="namePrefix"),
    "aws:cloudwatch/logGroup:LogGroup": NameRule(
        "name", 512, r"[.\-_/#A-Za-z0-9]+", "1..512 of letters, digits and '._-/#'",
        f"{_API}/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html (logGroupName)", autoname=AUTONAME,
        prefix_prop="namePrefix"),
    # The audit trail (issue 18): 3..128, letters, digits, '._-', starting and ending with a letter or digit.
    "aws:cloudtrail/trail:Trail": NameRule(
        "name", 128, r"[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]", "3..128 letters, digits or '._-', starting and ending with a letter or digit",
        f"{_API}/awscloudtrail/latest/APIReference/API_CreateTrail.html (Name)", min_length=3, autoname=AUTONAME),
    # The break-glass alarm's metric filter: 1..512, no ':' or '*' (filterName).
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": NameRule(
        "name", 512, r"[^:*]+", "1..512 characters without ':' or '*'",
        f"{_API}/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html (filterName)", autoname=AUTONAME),
    # Region switch plans: 1..32, [a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])? (components set it).
    "aws:arcregionswitch/plan:Plan": NameRule(
        "name", 32, r"[a-zA-Z0-9]([a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?", "1..32 letters, digits or '-', not starting or ending with '-'",
        f"{_API}/arc-region-switch/latest/api/API_Plan.html (name)", autoname=AUTONAME),
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": NameRule(
        "alarmName", 255, r"[\x20-\x7e]+", "1..255 ASCII characters",
        f"{_API}/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html (AlarmName)"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": NameRule(
        "name", 255, r"[\x20-\x7e]+", "1..255 ASCII characters",
        f"{_API}/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html (AlarmName)", autoname=AUTONAME),
    "aws:sns/topic:Topic": NameRule(
        "name", 256, r"[A-Za-z0-9_-]+(\.fifo)?", "1..256 of letters, digits, '_' and '-' ('.fifo' for FIFO topics)",
        f"{_API}/sns/latest/api/API_CreateTopic.html (Name)", autoname=AUTONAME, prefix_prop="namePrefix"),
    "aws:sqs/queue:Queue": NameRule(
        "name", 80, r"[A-Za-z0-9_-]+(\.fifo)?", "1..80 of letters, digits, '_' and '-' ('.fifo' for FIFO queues)",
        f"{_API}/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html (QueueName)", autoname=AUTONAME,
        prefix_prop="namePrefix"),
    "aws:kms/alias:Alias": NameRule(
        "name", 256, r"alias/[a-zA-Z0-9/_-]+", "'alias/' then letters, digits and '/_-', 256 in all, not 'alias/aws/'",
        f"{_API}/kms/latest/APIReference/API_CreateAlias.html (AliasName)", prefix_prop="namePrefix",
        forbidden_prefixes=("alias/aws/",)),
    "aws:kms/grant:Grant": NameRule(
        "name", 256, r"[a-zA-Z0-9:/_-]+", "1..256 of letters, digits and ':/_-'",
        # Optional string "name" with no own Fields entry: SetAutonaming(255, "-") autonames it.
        f"{_API}/kms/latest/APIReference/API_CreateGrant.html (Name)", autoname=AUTONAME),
    "aws:eks/cluster:Cluster": NameRule(
        "name", 100, r"[0-9A-Za-z][A-Za-z0-9_-]*", "1..100 letters, digits, '-' or '_', starting with a letter or digit",
        f"{_API}/eks/latest/APIReference/API_CreateCluster.html (name)", autoname=AUTONAME),
    "aws:eks/nodeGroup:NodeGroup": NameRule(
        "nodeGroupName", 63, r"[0-9A-Za-z][A-Za-z0-9_-]*", "1..63 letters, digits, '-' or '_', starting with a letter or digit",
        "terraform-provider-aws internal/service/eks/node_group.go (node_group_name: StringLenBetween(1, 63)); "
        f"{_API}/eks/latest/APIReference/API_CreateNodegroup.html", autoname=AUTONAME_NODE_GROUP,
        prefix_prop="nodeGroupNamePrefix"),
    "aws:rds/cluster:Cluster": NameRule(
        "clusterIdentifier", 63, _RDS_IDENTIFIER, "1..63 lower-case letters, digits or '-', starting with a letter, no '--' or trailing '-'",
        f"{_API}/AmazonRDS/latest/APIReference/API_CreateDBCluster.html (DBClusterIdentifier)",
        prefix_prop="clusterIdentifierPrefix"),
    "aws:rds/clusterInstance:ClusterInstance": NameRule(
        "identifier", 63, _RDS_IDENTIFIER, "1..63 lower-case letters, digits or '-', starting with a letter, no '--' or trailing '-'",
        f"{_API}/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (DBInstanceIdentifier)",
        prefix_prop="identifierPrefix"),
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": NameRule(
        "name", 255, _RDS_IDENTIFIER, "1..255 lower-case letters, digits or '-', starting with a letter, no '--' or trailing '-'",
        "terraform-provider-aws internal/service/rds/validate.go (validParamGroupName); "
        f"{_API}/AmazonRDS/latest/APIReference/API_CreateDBClusterParameterGroup.html",
        autoname=Autoname(max_length=255, lower=True, source=AUTONAME.source), prefix_prop="namePrefix"),
    "aws:rds/subnetGroup:SubnetGroup": NameRule(
        "name", 255, r"[ .0-9a-z_-]+", "1..255 lower-case letters, digits, spaces or '._-', not 'default'",
        "terraform-provider-aws internal/service/rds/validate.go (validSubnetGroupName); "
        f"{_API}/AmazonRDS/latest/APIReference/API_CreateDBSubnetGroup.html",
        autoname=Autoname(max_length=255, lower=True, source=AUTONAME.source), prefix_prop="namePrefix"),
    "aws:rds/globalCluster:GlobalCluster": NameRule(
        "globalClusterIdentifier", 255, _RDS_IDENTIFIER,
        "lower-case letters, digits or '-', starting with a letter, no '--' or trailing '-'",
        f"{_API}/AmazonRDS/latest/APIReference/API_CreateGlobalCluster.html (GlobalClusterIdentifier)"),
    "aws:backup/vault:Vault": NameRule(
        "name", 50, r"[a-zA-Z0-9_-]+", "2..50 letters, digits, '-' or '_'",
        f"{_API}/aws-backup/latest/devguide/API_CreateBackupVault.html (BackupVaultName)", min_length=2, autoname=AUTONAME),
    "aws:backup/plan:Plan": NameRule(
        "name", 50, r"[a-zA-Z0-9_.-]+", "1..50 letters, digits or '-_.'",
        f"{_API}/aws-backup/latest/devguide/API_BackupPlanInput.html (BackupPlanName)", autoname=AUTONAME),
    "aws:backup/selection:Selection": NameRule(
        "name", 50, r"[a-zA-Z0-9_.-]+", "1..50 letters, digits or '-_.'",
        f"{_API}/aws-backup/latest/devguide/API_BackupSelection.html (SelectionName)", autoname=AUTONAME),
    "aws:secretsmanager/secret:Secret": NameRule(
        "name", 512, r"[A-Za-z0-9/_+=.@-]+", "1..512 of letters, digits and '/_+=.@-'",
        f"{_API}/secretsmanager/latest/apireference/API_CreateSecret.html (Name)", autoname=AUTONAME, prefix_prop="namePrefix"),
    # Recovery data (issue 18): repositories are named explicitly (<env>/<workload>/<image>).
    "aws:ecr/repository:Repository": NameRule(
        "name", 256, r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*",
        "2..256 lower-case path components of [a-z0-9] separated by '.', '_' or '-', joined by '/'",
        f"{_API}/AmazonECR/latest/APIReference/API_CreateRepository.html (repositoryName)", min_length=2, autoname=AUTONAME),
    "aws:wafv2/webAcl:WebAcl": NameRule(
        "name", 128, r"[\w-]+", "1..128 letters, digits, '_' or '-'",
        f"{_API}/waf/latest/APIReference/API_CreateWebACL.html (Name)", autoname=AUTONAME, prefix_prop="namePrefix"),
    "aws:s3/bucket:Bucket": NameRule(
        "bucket", 63, r"[a-z0-9][a-z0-9.-]*[a-z0-9]", "3..63 lower-case letters, digits, '.' or '-', starting and ending with a letter or digit",
        f"{_API}/AmazonS3/latest/userguide/bucketnamingrules.html", min_length=3,
        autoname=Autoname(max_length=63, lower=True, source=f"{_RESOURCES_GO} (aws_s3_bucket bucket: AutoNameTransform 63, lower-case)"),
        prefix_prop="bucketPrefix"),
    "aws:route53/record:Record": NameRule(
        "name", 255, FQDN, "a DNS name of at most 255 characters, labels of at most 63",
        f"{_API}/Route53/latest/DeveloperGuide/DomainNameFormat.html"),
    # ACM's first (subject) name is the certificate's common name: at most 64 octets; the SANs may
    # have 253.
    "aws:acm/certificate:Certificate": NameRule(
        "domainName", 64, FQDN, "the certificate's first domain name: at most 64 characters including the dots",
        f"{_API}/acm/latest/APIReference/API_RequestCertificate.html (DomainName)"),
    # The failover probe (blueprint/components/aws/failover_probe.py) names all four explicitly.
    "aws:lambda/function:Function": NameRule(
        "name", 64, r"[a-zA-Z0-9_-]+", "1..64 letters, digits, '-' and '_' (a name, not an ARN)",
        f"{_API}/lambda/latest/api/API_CreateFunction.html (FunctionName)"),
    "aws:lambda/permission:Permission": NameRule(
        "statementId", 100, r"[a-zA-Z0-9_-]+", "1..100 letters, digits, '-' and '_'",
        f"{_API}/lambda/latest/api/API_AddPermission.html (StatementId)"),
    "aws:cloudwatch/eventRule:EventRule": NameRule(
        "name", 64, r"[.\-_A-Za-z0-9]+", "1..64 letters, digits, '.', '-' and '_'",
        f"{_API}/eventbridge/latest/APIReference/API_PutRule.html (Name)", prefix_prop="namePrefix"),
    "aws:cloudwatch/eventTarget:EventTarget": NameRule(
        "targetId", 64, r"[.\-_A-Za-z0-9]+", "1..64 letters, digits, '.', '-' and '_'",
        f"{_API}/eventbridge/latest/APIReference/API_Target.html (Id)"),
    # The plan ARN a failover probe reads (blueprint/components/aws/region_switch_plan.py, issue 17): "the maximum
    # length for a parameter name that you create is 1011 characters"; a-zA-Z0-9_.- and '/' for the hierarchy.
    "aws:ssm/parameter:Parameter": NameRule(
        "name", 1011, r"[a-zA-Z0-9_.\-/]+", "1..1011 letters, digits, '_', '.', '-' and '/', not starting with aws or ssm",
        f"{_API}/systems-manager/latest/APIReference/API_PutParameter.html (Name)"),
}

# Planned AWS types without a physical name of their own: tagged-only resources (their name is a
# ``Name`` tag), attachments and settings of another resource (they refer to its name), and names
# fixed by AWS (EKS add-on names, the default security group).
AWS_NO_NAME: frozenset[str] = frozenset({
    "aws:acm/certificateValidation:CertificateValidation",
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    "aws:ec2/eip:Eip",
    "aws:ec2/flowLog:FlowLog",
    "aws:ec2/internetGateway:InternetGateway",
    "aws:ec2/natGateway:NatGateway",
    "aws:ec2/route:Route",
    "aws:ec2/routeTable:RouteTable",
    "aws:ec2/routeTableAssociation:RouteTableAssociation",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/vpc:Vpc",
    "aws:ec2/vpcEndpoint:VpcEndpoint",
    "aws:eks/accessEntry:AccessEntry",  # identified by cluster + principal ARN (API_CreateAccessEntry)
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",  # cluster + principal + policy ARN
    "aws:arczonalshift/zonalAutoshiftConfiguration:ZonalAutoshiftConfiguration",  # identified by its resource's ARN
    "aws:fis/experimentTemplate:ExperimentTemplate",  # FIS assigns the template's id; its name is a Name tag
    "aws:eks/addon:Addon",
    "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:kms/key:Key",
    "aws:lb/listener:Listener",
    "aws:route53/healthCheck:HealthCheck",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLogging:BucketLogging",
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketPolicy:BucketPolicy",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:secretsmanager/secretVersion:SecretVersion",
    "aws:ecr/replicationConfiguration:ReplicationConfiguration",  # registry-wide: its id is the account
    "aws:sns/topicPolicy:TopicPolicy",
    "aws:sqs/queuePolicy:QueuePolicy",
    "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:wafv2/webAclAssociation:WebAclAssociation",
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
})
