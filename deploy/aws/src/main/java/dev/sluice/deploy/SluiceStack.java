package dev.sluice.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awscdk.CfnCondition;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.certificatemanager.Certificate;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.ec2.AmazonLinux2023ImageSsmParameterProps;
import software.amazon.awscdk.services.ec2.AmazonLinuxCpuType;
import software.amazon.awscdk.services.ec2.InstanceClass;
import software.amazon.awscdk.services.ec2.InstanceSize;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.ec2.MachineImage;
import software.amazon.awscdk.services.ec2.NatInstanceProps;
import software.amazon.awscdk.services.ec2.NatInstanceProviderV2;
import software.amazon.awscdk.services.ec2.NatProvider;
import software.amazon.awscdk.services.ec2.NatTrafficDirection;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ecr.assets.Platform;
import software.amazon.awscdk.services.ecs.AssetImageProps;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.LogDriver;
import software.amazon.awscdk.services.ecs.patterns.ApplicationLoadBalancedFargateService;
import software.amazon.awscdk.services.ecs.patterns.ApplicationLoadBalancedTaskImageOptions;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationLoadBalancer;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationProtocol;
import software.amazon.awscdk.services.elasticloadbalancingv2.HealthCheck;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.VersionOptions;
import software.amazon.awscdk.services.lambda.destinations.SnsDestination;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.rds.Credentials;
import software.amazon.awscdk.services.rds.DatabaseInstance;
import software.amazon.awscdk.services.rds.DatabaseInstanceEngine;
import software.amazon.awscdk.services.rds.PostgresEngineVersion;
import software.amazon.awscdk.services.rds.PostgresInstanceEngineProps;
import software.amazon.awscdk.services.scheduler.CfnSchedule;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.amazon.awscdk.services.sns.CfnSubscription;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.triggers.InvocationType;
import software.amazon.awscdk.triggers.Trigger;
import software.constructs.Construct;

/**
 * sluice on AWS, the shape of the system it grew from: a network over two availability zones (public subnets, private
 * subnets, one way out), PostgreSQL on RDS in the private subnets with generated credentials in Secrets Manager, the
 * function in the private subnets on an EventBridge schedule per pipeline, an SNS topic for every run, for the
 * function's failures and for an alarm on its errors; optionally the dashboard on Fargate behind a load balancer
 * only a CIDR reaches. Every permission names its resource; no secret value is in the template or an environment.
 */
public final class SluiceStack extends Stack {
    static final String HANDLER = "dev.sluice.aws.ScheduledRunHandler::handleRequest";
    static final int DASHBOARD_PORT = 8080;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Function function;
    private final Trigger firstRun;

    public SluiceStack(
            Construct scope,
            String id,
            StackProps props,
            DeployOptions options,
            List<PipelineDeployment> pipelines,
            Path assetRoot) {
        super(scope, id, props);

        NatProvider natProvider = nat(options.nat());
        Vpc vpc = Vpc.Builder.create(this, "Network")
                .maxAzs(2)
                .natGateways(1)
                .natGatewayProvider(natProvider)
                .subnetConfiguration(List.of(
                        SubnetConfiguration.builder()
                                .name("public")
                                .subnetType(SubnetType.PUBLIC)
                                .cidrMask(24)
                                .build(),
                        SubnetConfiguration.builder()
                                .name("private")
                                .subnetType(SubnetType.PRIVATE_WITH_EGRESS)
                                .cidrMask(24)
                                .build()))
                .build();
        natInstanceFromVpcOnly(natProvider, vpc);
        SubnetSelection privateSubnets =
                SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build();

        SecurityGroup functionGroup = SecurityGroup.Builder.create(this, "FunctionSecurityGroup")
                .vpc(vpc)
                .description("sluice function: out to the sources, the AWS APIs and the database")
                .allowAllOutbound(true)
                .build();
        SecurityGroup databaseGroup = SecurityGroup.Builder.create(this, "DatabaseSecurityGroup")
                .vpc(vpc)
                .description("sluice database: the PostgreSQL port, from sluice only")
                .allowAllOutbound(false)
                .build();
        databaseGroup.addIngressRule(functionGroup, Port.tcp(5432), "sluice function: out to the sources, the AWS APIs and the database");

        DatabaseInstance database = DatabaseInstance.Builder.create(this, "Database")
                .engine(DatabaseInstanceEngine.postgres(PostgresInstanceEngineProps.builder()
                        .version(PostgresEngineVersion.VER_17)
                        .build()))
                .instanceType(InstanceType.of(InstanceClass.BURSTABLE4_GRAVITON, InstanceSize.MICRO))
                .vpc(vpc)
                .vpcSubnets(privateSubnets)
                .securityGroups(List.of(databaseGroup))
                .publiclyAccessible(false)
                .credentials(Credentials.fromGeneratedSecret("sluice"))
                .databaseName("sluice")
                .storageEncrypted(true)
                .allocatedStorage(20)
                .maxAllocatedStorage(100)
                .backupRetention(Duration.days(7))
                .deleteAutomatedBackups(false)
                .removalPolicy(RemovalPolicy.SNAPSHOT)
                .build();
        ISecret databaseSecret = database.getSecret();

        Topic topic = Topic.Builder.create(this, "Runs")
                .displayName("sluice runs")
                .build();
        CfnParameter email = CfnParameter.Builder.create(this, "NotificationEmail")
                .type("String")
                .defaultValue("")
                .description("An address told of every run and every failure (it confirms by email); empty: none")
                .build();
        CfnCondition hasEmail = CfnCondition.Builder.create(this, "HasNotificationEmail")
                .expression(Fn.conditionNot(Fn.conditionEquals(email.getValueAsString(), "")))
                .build();
        CfnSubscription subscription = CfnSubscription.Builder.create(this, "EmailSubscription")
                .topicArn(topic.getTopicArn())
                .protocol("email")
                .endpoint(email.getValueAsString())
                .build();
        subscription.getCfnOptions().setCondition(hasEmail);

        LogGroup functionLogs = LogGroup.Builder.create(this, "FunctionLogs")
                .retention(RetentionDays.THREE_MONTHS)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        // A role of its own instead of Lambda's managed policies, which let a function write any log group.
        Role functionRole = role(
                "FunctionRole", "lambda.amazonaws.com", "sluice's function: its own logs, its database secret, its topic");
        functionLogs.grantWrite(functionRole);
        databaseSecret.grantRead(functionRole);
        topic.grantPublish(functionRole);
        // Lambda attaches a function to the private subnets with network interfaces it makes under this role; EC2
        // scopes none of these actions to a resource (AWSLambdaVPCAccessExecutionRole's statement, without logs).
        functionRole.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of(
                        "ec2:CreateNetworkInterface",
                        "ec2:DescribeNetworkInterfaces",
                        "ec2:DescribeSubnets",
                        "ec2:DeleteNetworkInterface",
                        "ec2:AssignPrivateIpAddresses",
                        "ec2:UnassignPrivateIpAddresses"))
                .resources(List.of("*"))
                .build());

        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("SLUICE_DB_SECRET_ARN", databaseSecret.getSecretArn());
        environment.put(
                "SLUICE_PIPELINES",
                pipelines.stream().map(PipelineDeployment::pathInFunction).collect(Collectors.joining(",")));
        environment.put("SLUICE_SNS_TOPIC_ARN", topic.getTopicArn());
        if (!options.secretArns().isEmpty()) {
            for (int i = 0; i < options.secretArns().size(); i++) {
                Secret.fromSecretCompleteArn(this, "LentSecret" + i, options.secretArns().get(i))
                        .grantRead(functionRole);
            }
            environment.put("SLUICE_SECRET_ARNS", String.join(",", options.secretArns()));
        }

        Secret readerSecret = null;
        if (options.dashboard()) {
            readerSecret = Secret.Builder.create(this, "ReaderSecret")
                    .description("the password of sluice_reader, the dashboard's read-only role")
                    .generateSecretString(SecretStringGenerator.builder()
                            .secretStringTemplate("{\"username\":\"sluice_reader\"}")
                            .generateStringKey("password")
                            .excludePunctuation(true)
                            .passwordLength(32)
                            .build())
                    .build();
            readerSecret.grantRead(functionRole);
            environment.put("SLUICE_READER_SECRET_ARN", readerSecret.getSecretArn());
        }

        function = Function.Builder.create(this, "Function")
                .description("sluice: the scheduled runs of " + pipelines.stream()
                        .map(PipelineDeployment::name)
                        .collect(Collectors.joining(", ")))
                .runtime(Runtime.JAVA_21)
                .architecture(Architecture.ARM_64)
                .handler(HANDLER)
                .code(Code.fromAsset(Assets.function(assetRoot, options.functionJar(), pipelines)
                        .toString()))
                .memorySize(1024)
                .timeout(Duration.minutes(5))
                .role(functionRole)
                .logGroup(functionLogs)
                .vpc(vpc)
                .vpcSubnets(privateSubnets)
                .securityGroups(List.of(functionGroup))
                .environment(environment)
                // A failed run is not run again by Lambda: its notifications went out once, and the next scheduled
                // run is the retry. The failure also goes to the topic, whatever sluice could say itself.
                .retryAttempts(0)
                .onFailure(new SnsDestination(topic))
                // The first run invokes the function's published version, which has its own configuration.
                .currentVersionOptions(VersionOptions.builder()
                        .retryAttempts(0)
                        .onFailure(new SnsDestination(topic))
                        .build())
                .build();

        Alarm errors = Alarm.Builder.create(this, "FunctionErrors")
                .alarmDescription("sluice's function ended with an error: a run FAILED, or the function could not run")
                .metric(function.metricErrors(MetricOptions.builder()
                        .period(Duration.minutes(5))
                        .statistic("Sum")
                        .build()))
                .threshold(1)
                .evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
        errors.addAlarmAction(new SnsAction(topic));

        // The first run, at deployment (and again when the function's code changes): it migrates the new
        // database, loads the pipelines and gives the dashboard's role its password, so that the dashboard is ready
        // when its service starts. Asynchronous, so a source that is down fails that run, loudly, not the deployment.
        firstRun = Trigger.Builder.create(this, "FirstRun")
                .handler(function)
                .invocationType(InvocationType.EVENT)
                .executeAfter(List.of(database))
                .build();

        Role schedulerRole = role(
                "SchedulerRole", "scheduler.amazonaws.com", "EventBridge Scheduler: invokes sluice's function, nothing else");
        function.grantInvoke(schedulerRole);
        for (PipelineDeployment pipeline : pipelines) {
            CfnSchedule.Builder.create(this, "Schedule-" + pipeline.name())
                    .description("sluice: " + pipeline.name() + " as its pipeline file schedules it")
                    .scheduleExpression(pipeline.expression())
                    .scheduleExpressionTimezone(pipeline.timezone())
                    .flexibleTimeWindow(CfnSchedule.FlexibleTimeWindowProperty.builder()
                            .mode("OFF")
                            .build())
                    .target(CfnSchedule.TargetProperty.builder()
                            .arn(function.getFunctionArn())
                            .roleArn(schedulerRole.getRoleArn())
                            .input(scheduledEvent(pipeline.name()))
                            .retryPolicy(CfnSchedule.RetryPolicyProperty.builder()
                                    .maximumRetryAttempts(3)
                                    .maximumEventAgeInSeconds(3600)
                                    .build())
                            .build())
                    .build();
        }

        CfnOutput.Builder.create(this, "FunctionName")
                .description("run now: aws lambda invoke --function-name NAME --payload '{\"pipeline\":\"covid-us\"}'")
                .value(function.getFunctionName())
                .build();
        CfnOutput.Builder.create(this, "TopicArn").value(topic.getTopicArn()).build();
        CfnOutput.Builder.create(this, "DatabaseSecretArn")
                .description("the database's credentials (read them with the console or the CLI, never needed)")
                .value(databaseSecret.getSecretArn())
                .build();

        if (options.dashboard()) {
            dashboard(vpc, privateSubnets, databaseGroup, database, readerSecret, options, pipelines, assetRoot);
        }
    }

    public Function function() {
        return function;
    }

    /** A role for an AWS service, with no permission until one is granted. */
    private Role role(String id, String service, String description) {
        return Role.Builder.create(this, id)
                .assumedBy(new ServicePrincipal(service))
                .description(description)
                .build();
    }

    /**
     * The NAT instance's own default lets all traffic in from anywhere (CDK's "inbound and outbound"); it is asked
     * for outbound only here, and {@link #natInstanceFromVpcOnly} then lets in what the VPC sends it.
     */
    private static NatProvider nat(DeployOptions.Nat nat) {
        return switch (nat) {
            case GATEWAY -> NatProvider.gateway();
            case INSTANCE -> NatProvider.instanceV2(NatInstanceProps.builder()
                    .instanceType(InstanceType.of(InstanceClass.T4G, InstanceSize.NANO))
                    .machineImage(MachineImage.latestAmazonLinux2023(AmazonLinux2023ImageSsmParameterProps.builder()
                            .cpuType(AmazonLinuxCpuType.ARM_64)
                            .build()))
                    .defaultAllowedTraffic(NatTrafficDirection.OUTBOUND_ONLY)
                    .build());
        };
    }

    /** A NAT instance forwards the private subnets' traffic: it takes traffic from the VPC, and from nowhere else. */
    private static void natInstanceFromVpcOnly(NatProvider provider, Vpc vpc) {
        if (provider instanceof NatInstanceProviderV2 instance) {
            instance.getSecurityGroup()
                    .addIngressRule(
                            Peer.ipv4(vpc.getVpcCidrBlock()), Port.allTraffic(), "what the VPC's subnets send out");
        }
    }

    /** The event a schedule sends: EventBridge's scheduled event, naming the pipeline the schedule is for. */
    static String scheduledEvent(String pipeline) {
        var event = JSON.createObjectNode();
        event.put("version", "0");
        event.put("detail-type", "Scheduled Event");
        event.put("source", "aws.scheduler");
        event.putObject("detail").put("pipeline", pipeline);
        return event.toString();
    }

    private void dashboard(
            Vpc vpc,
            SubnetSelection privateSubnets,
            SecurityGroup databaseGroup,
            DatabaseInstance database,
            Secret readerSecret,
            DeployOptions options,
            List<PipelineDeployment> pipelines,
            Path assetRoot) {
        CfnParameter allowed = CfnParameter.Builder.create(this, "DashboardAllowedCidr")
                .type("String")
                .allowedPattern("^\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}$")
                .constraintDescription("an IPv4 CIDR, such as 203.0.113.7/32")
                .description("Who may open the dashboard: an IPv4 CIDR (your address as a /32)")
                .build();
        SecurityGroup balancerGroup = SecurityGroup.Builder.create(this, "DashboardBalancerSecurityGroup")
                .vpc(vpc)
                .description("sluice dashboard load balancer: from the allowed CIDR only")
                .allowAllOutbound(false)
                .build();
        boolean https = options.certificateArn().isPresent();
        int listenerPort = https ? 443 : 80;
        balancerGroup.addIngressRule(
                Peer.ipv4(allowed.getValueAsString()), Port.tcp(listenerPort), "the dashboard's readers");
        ApplicationLoadBalancer balancer = ApplicationLoadBalancer.Builder.create(this, "DashboardBalancer")
                .vpc(vpc)
                .internetFacing(true)
                .securityGroup(balancerGroup)
                .build();
        LogGroup logs = LogGroup.Builder.create(this, "DashboardLogs")
                .retention(RetentionDays.THREE_MONTHS)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        List<String> command = new java.util.ArrayList<>(List.of(
                "serve", "--dashboard-only", "--bind", "0.0.0.0", "--port", String.valueOf(DASHBOARD_PORT)));
        pipelines.forEach(p -> command.addAll(List.of("--pipeline", p.pathInImage())));
        ApplicationLoadBalancedFargateService.Builder service = ApplicationLoadBalancedFargateService.Builder.create(
                        this, "Dashboard")
                .cluster(Cluster.Builder.create(this, "Cluster").vpc(vpc).build())
                .cpu(512)
                .memoryLimitMiB(1024)
                .desiredCount(1)
                .loadBalancer(balancer)
                .openListener(false)
                .listenerPort(listenerPort)
                .protocol(https ? ApplicationProtocol.HTTPS : ApplicationProtocol.HTTP)
                .taskSubnets(privateSubnets)
                .assignPublicIp(false)
                .taskImageOptions(ApplicationLoadBalancedTaskImageOptions.builder()
                        .image(ContainerImage.fromAsset(
                                Assets.dashboard(assetRoot, options.dashboardJar(), pipelines)
                                        .toString(),
                                AssetImageProps.builder()
                                        .platform(Platform.LINUX_AMD64)
                                        .build()))
                        .containerPort(DASHBOARD_PORT)
                        .command(command)
                        .environment(Map.of(
                                "SLUICE_DB_URL",
                                "jdbc:postgresql://" + database.getDbInstanceEndpointAddress() + ":"
                                        + database.getDbInstanceEndpointPort() + "/sluice",
                                "SLUICE_READER_SECRET_ARN",
                                readerSecret.getSecretArn(),
                                "SLUICE_ALLOWED_HOSTS",
                                balancer.getLoadBalancerDnsName(),
                                // Where Secrets Manager is: a task's environment does not always say.
                                "AWS_REGION",
                                getRegion()))
                        .logDriver(LogDriver.awsLogs(AwsLogDriverProps.builder()
                                .streamPrefix("dashboard")
                                .logGroup(logs)
                                .build()))
                        .build());
        options.certificateArn()
                .ifPresent(arn -> service.certificate(Certificate.fromCertificateArn(this, "DashboardCertificate", arn)));
        ApplicationLoadBalancedFargateService dashboard = service.build();
        dashboard.getTargetGroup()
                .configureHealthCheck(HealthCheck.builder()
                        .path("/health/ready")
                        .healthyHttpCodes("200")
                        .build());
        readerSecret.grantRead(dashboard.getTaskDefinition().getTaskRole());
        dashboard.getService().getNode().addDependency(firstRun);
        databaseGroup.addIngressRule(
                dashboard.getService().getConnections().getSecurityGroups().get(0),
                Port.tcp(5432),
                "sluice's dashboard (as sluice_reader)");
        CfnOutput.Builder.create(this, "DashboardUrl")
                .value((https ? "https://" : "http://") + balancer.getLoadBalancerDnsName() + "/")
                .build();
    }
}
