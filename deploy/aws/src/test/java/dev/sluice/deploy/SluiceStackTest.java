package dev.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;

/**
 * The synthesized template, read as CloudFormation will read it, for every property the deployment promises: a
 * private, encrypted, backed-up database only sluice reaches; no secret value in any environment; the schedule of
 * the pipeline file; every failure to the topic; permissions that name their resources. Built from the real function
 * artifact of the main build (which it asks for the schedules), as {@code ./synth} builds it.
 */
class SluiceStackTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path BASE = Path.of("").toAbsolutePath();
    private static final String LENT = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:hooks-AbCdEf";

    /** The default deployment: covid-us, the dashboard, a NAT gateway. */
    private static JsonNode standard;
    /** No dashboard, a NAT instance, a pipeline file of the user's with its own zone, HTTPS off. */
    private static JsonNode lean;

    @TempDir
    static Path files;

    private static Path userPipeline;

    @BeforeAll
    static void synthesize() throws IOException {
        assertThat(BASE.resolve("../../target/sluice-lambda.jar"))
                .as("the main build's artifacts: run `mvn -B -ntp package -DskipTests` in the project root first")
                .isRegularFile();
        standard = template(Map.of());
        userPipeline = files.resolve("rates.yaml");
        Files.writeString(
                userPipeline,
                """
                name: ecb-rates
                schedule:
                  cron: "0 30 16 * * MON-FRI"
                  zone: Europe/Paris
                sources:
                  - name: rates
                    url: https://data.example.org/rates.csv
                    key: [day]
                    columns:
                      - { header: day, type: date }
                      - { header: rate, type: decimal }
                target:
                  table: ecb_rates
                """);
        lean = template(Map.of(
                "dashboard", "false",
                "nat", "instance",
                "pipelines", "covid-us, " + userPipeline,
                "secretArns", LENT));
    }

    private static JsonNode template(Map<String, Object> context) {
        App app = SluiceApp.app(context);
        SluiceStack stack = SluiceApp.build(app, BASE);
        return JSON.valueToTree(Template.fromStack(stack).toJSON());
    }

    private static List<JsonNode> resources(JsonNode template, String type) {
        List<JsonNode> found = new ArrayList<>();
        template.get("Resources").forEach(r -> {
            if (r.get("Type").asText().equals(type)) {
                found.add(r);
            }
        });
        return found;
    }

    private static JsonNode one(JsonNode template, String type) {
        List<JsonNode> found = resources(template, type);
        assertThat(found).as(type).hasSize(1);
        return found.get(0);
    }

    /** The logical id a {@code Ref} or {@code Fn::GetAtt} points at. */
    private static String target(JsonNode reference) {
        if (reference.has("Ref")) {
            return reference.get("Ref").asText();
        }
        if (reference.has("Fn::GetAtt")) {
            return reference.get("Fn::GetAtt").get(0).asText();
        }
        throw new AssertionError("not a reference: " + reference);
    }

    private static String logicalId(JsonNode template, String type) {
        var fields = template.get("Resources").fields();
        List<String> ids = new ArrayList<>();
        fields.forEachRemaining(e -> {
            if (e.getValue().get("Type").asText().equals(type)) {
                ids.add(e.getKey());
            }
        });
        assertThat(ids).as(type).hasSize(1);
        return ids.get(0);
    }

    /** sluice's function (the other is the CDK's, which invokes it at deployment). */
    private static String functionId(JsonNode template) {
        List<String> ids = new ArrayList<>();
        template.get("Resources").fields().forEachRemaining(e -> {
            if (e.getValue().get("Type").asText().equals("AWS::Lambda::Function")
                    && e.getValue().get("Properties").path("Handler").asText().equals(SluiceStack.HANDLER)) {
                ids.add(e.getKey());
            }
        });
        assertThat(ids).hasSize(1);
        return ids.get(0);
    }

    private static String idStartingWith(JsonNode template, String prefix) {
        List<String> ids = new ArrayList<>();
        template.get("Resources").fieldNames().forEachRemaining(id -> {
            if (id.startsWith(prefix)) {
                ids.add(id);
            }
        });
        assertThat(ids).as(prefix).hasSize(1);
        return ids.get(0);
    }

    @Test
    void the_network_spans_two_zones_with_public_and_private_subnets_and_one_way_out() {
        assertThat(resources(standard, "AWS::EC2::Subnet")).hasSize(4);
        assertThat(resources(standard, "AWS::EC2::Subnet").stream()
                        .map(s -> s.get("Properties").get("MapPublicIpOnLaunch").asBoolean())
                        .filter(Boolean::booleanValue))
                .hasSize(2);
        assertThat(resources(standard, "AWS::EC2::NatGateway")).hasSize(1);
        assertThat(resources(standard, "AWS::EC2::Instance")).isEmpty();

        // The cheaper variant: one t4g.nano instance instead of the managed gateway.
        assertThat(resources(lean, "AWS::EC2::NatGateway")).isEmpty();
        assertThat(one(lean, "AWS::EC2::Instance").get("Properties").get("InstanceType").asText())
                .isEqualTo("t4g.nano");
        // The instance takes traffic from the VPC only, never from anywhere (CDK's default for it).
        String natGroup = target(one(lean, "AWS::EC2::Instance")
                .get("Properties")
                .get("SecurityGroupIds")
                .get(0));
        JsonNode ingress = lean.get("Resources").get(natGroup).get("Properties").get("SecurityGroupIngress");
        assertThat(ingress).singleElement().satisfies(rule -> {
            assertThat(rule.get("IpProtocol").asText()).isEqualTo("-1");
            assertThat(target(rule.get("CidrIp"))).startsWith("Network");
        });
        assertThat(lean.toString()).doesNotContain("\"CidrIp\":\"0.0.0.0/0\",\"Description\":\"from 0.0.0.0/0:ALL TRAFFIC");
    }

    @Test
    void the_database_is_private_encrypted_backed_up_and_its_credentials_generated() {
        JsonNode database = one(standard, "AWS::RDS::DBInstance").get("Properties");
        assertThat(database.get("Engine").asText()).isEqualTo("postgres");
        assertThat(database.get("EngineVersion").asText()).startsWith("17");
        assertThat(database.get("PubliclyAccessible").asBoolean()).isFalse();
        assertThat(database.get("StorageEncrypted").asBoolean()).isTrue();
        assertThat(database.get("BackupRetentionPeriod").asInt()).isEqualTo(7);
        // The password is resolved from the generated secret by CloudFormation: it is never in the template.
        assertThat(database.get("MasterUserPassword").toString()).contains("resolve:secretsmanager:");
        assertThat(one(standard, "AWS::SecretsManager::SecretTargetAttachment")).isNotNull();
        JsonNode subnets = one(standard, "AWS::RDS::DBSubnetGroup").get("Properties").get("SubnetIds");
        assertThat(subnets).hasSize(2).allSatisfy(s -> assertThat(target(s)).contains("private"));
    }

    @Test
    void only_the_function_and_the_dashboard_reach_the_database_port() {
        String databaseGroup = idStartingWith(standard, "DatabaseSecurityGroup7");
        String functionGroup = idStartingWith(standard, "FunctionSecurityGroup");
        String dashboardGroup = idStartingWith(standard, "DashboardServiceSecurityGroup7");
        assertThat(standard.get("Resources").get(databaseGroup).get("Properties").has("SecurityGroupIngress"))
                .isFalse();
        Set<String> sources = new TreeSet<>();
        for (JsonNode ingress : resources(standard, "AWS::EC2::SecurityGroupIngress")) {
            JsonNode p = ingress.get("Properties");
            if (target(p.get("GroupId")).equals(databaseGroup)) {
                assertThat(p.get("FromPort").asInt()).isEqualTo(5432);
                assertThat(p.get("ToPort").asInt()).isEqualTo(5432);
                assertThat(p.has("CidrIp")).isFalse();
                sources.add(target(p.get("SourceSecurityGroupId")));
            }
        }
        assertThat(sources).containsExactlyInAnyOrder(functionGroup, dashboardGroup);

        String leanDatabaseGroup = idStartingWith(lean, "DatabaseSecurityGroup7");
        assertThat(resources(lean, "AWS::EC2::SecurityGroupIngress").stream()
                        .map(i -> i.get("Properties"))
                        .filter(p -> target(p.get("GroupId")).equals(leanDatabaseGroup))
                        .map(p -> target(p.get("SourceSecurityGroupId"))))
                .containsExactly(idStartingWith(lean, "FunctionSecurityGroup"));
    }

    @Test
    void the_function_runs_java_21_in_the_private_subnets_with_the_artifact_and_no_secret_in_its_environment()
            throws IOException {
        JsonNode function = standard.get("Resources").get(functionId(standard)).get("Properties");
        assertThat(function.get("Runtime").asText()).isEqualTo("java21");
        assertThat(function.get("Handler").asText()).isEqualTo("dev.sluice.aws.ScheduledRunHandler::handleRequest");
        assertThat(function.get("VpcConfig").get("SubnetIds"))
                .hasSize(2)
                .allSatisfy(s -> assertThat(target(s)).contains("private"));
        assertThat(function.get("VpcConfig").get("SecurityGroupIds"))
                .singleElement()
                .satisfies(g -> assertThat(target(g)).isEqualTo(idStartingWith(standard, "FunctionSecurityGroup")));

        JsonNode variables = function.get("Environment").get("Variables");
        assertThat(names(variables))
                .containsExactlyInAnyOrder(
                        "SLUICE_DB_SECRET_ARN", "SLUICE_PIPELINES", "SLUICE_SNS_TOPIC_ARN", "SLUICE_READER_SECRET_ARN");
        // ARNs, as references to the secrets: their values stay in Secrets Manager.
        assertThat(target(variables.get("SLUICE_DB_SECRET_ARN")))
                .isEqualTo(logicalId(standard, "AWS::SecretsManager::SecretTargetAttachment"));
        assertThat(target(variables.get("SLUICE_READER_SECRET_ARN"))).startsWith("ReaderSecret");
        assertThat(variables.get("SLUICE_PIPELINES").asText()).isEqualTo("covid-us");
        assertThat(target(variables.get("SLUICE_SNS_TOPIC_ARN"))).isEqualTo(logicalId(standard, "AWS::SNS::Topic"));

        // A pipeline file of the user's ships with the function, and the function reads it from there.
        JsonNode leanVariables =
                lean.get("Resources").get(functionId(lean)).get("Properties").get("Environment").get("Variables");
        assertThat(leanVariables.get("SLUICE_PIPELINES").asText()).isEqualTo("covid-us,/var/task/pipelines/rates.yaml");
        assertThat(names(leanVariables)).doesNotContain("SLUICE_READER_SECRET_ARN");
        assertThat(leanVariables.get("SLUICE_SECRET_ARNS").asText()).isEqualTo(LENT);
        Path asset = BASE.resolve("target/assets/function");
        assertThat(asset.resolve("pipelines/rates.yaml")).hasSameTextualContentAs(userPipeline);
        assertThat(Files.size(asset.resolve("lib/sluice-lambda.jar")))
                .isEqualTo(Files.size(BASE.resolve("../../target/sluice-lambda.jar")));
    }

    @Test
    void no_secret_value_or_secret_setting_appears_anywhere_in_the_template() {
        String text = standard.toString() + lean;
        for (String setting : List.of(
                "SLUICE_DB_PASSWORD",
                "SLUICE_READER_PASSWORD",
                "SLUICE_API_TOKEN",
                "SLUICE_SMTP_PASSWORD",
                "SLUICE_WEBHOOK_SECRET",
                "AWS_SECRET_ACCESS_KEY")) {
            assertThat(text).doesNotContain(setting);
        }
        // Every secret is generated by Secrets Manager at deploy time.
        for (JsonNode secret : resources(standard, "AWS::SecretsManager::Secret")) {
            assertThat(secret.get("Properties").has("SecretString")).isFalse();
            assertThat(secret.get("Properties").get("GenerateSecretString").get("GenerateStringKey").asText())
                    .isEqualTo("password");
        }
    }

    @Test
    void each_pipeline_is_scheduled_as_its_file_says_in_its_zone() throws IOException {
        JsonNode schedule = one(standard, "AWS::Scheduler::Schedule").get("Properties");
        // covid-us.yaml: cron "0 0 19 * * *" in UTC, every day at 19:00.
        assertThat(schedule.get("ScheduleExpression").asText()).isEqualTo("cron(0 19 * * ? *)");
        assertThat(schedule.get("ScheduleExpressionTimezone").asText()).isEqualTo("UTC");
        assertThat(schedule.get("FlexibleTimeWindow").get("Mode").asText()).isEqualTo("OFF");
        JsonNode target = schedule.get("Target");
        assertThat(target(target.get("Arn"))).isEqualTo(functionId(standard));
        JsonNode input = JSON.readTree(target.get("Input").asText());
        assertThat(input.get("detail-type").asText()).isEqualTo("Scheduled Event");
        assertThat(input.get("detail").get("pipeline").asText()).isEqualTo("covid-us");

        // A user's file: weekdays at 16:30, Paris time; EventBridge numbers nothing here, names stay names.
        List<JsonNode> schedules = resources(lean, "AWS::Scheduler::Schedule");
        assertThat(schedules).hasSize(2);
        JsonNode rates = schedules.stream()
                .map(s -> s.get("Properties"))
                .filter(s -> s.get("Target").get("Input").asText().contains("ecb-rates"))
                .findFirst()
                .orElseThrow();
        assertThat(rates.get("ScheduleExpression").asText()).isEqualTo("cron(30 16 ? * MON-FRI *)");
        assertThat(rates.get("ScheduleExpressionTimezone").asText()).isEqualTo("Europe/Paris");
    }

    @Test
    void every_failure_reaches_the_topic_once_from_the_function_and_from_an_alarm_on_its_errors() {
        String topic = logicalId(standard, "AWS::SNS::Topic");
        String function = functionId(standard);
        // The function's, and its published version's (which the deployment's first run invokes).
        List<JsonNode> configs = resources(standard, "AWS::Lambda::EventInvokeConfig");
        assertThat(configs).hasSize(2).allSatisfy(config -> {
            JsonNode invoke = config.get("Properties");
            assertThat(invoke.get("MaximumRetryAttempts").asInt()).isZero();
            assertThat(target(invoke.get("DestinationConfig").get("OnFailure").get("Destination")))
                    .isEqualTo(topic);
            assertThat(target(invoke.get("FunctionName"))).isEqualTo(function);
        });

        JsonNode alarm = one(standard, "AWS::CloudWatch::Alarm").get("Properties");
        assertThat(alarm.get("Namespace").asText()).isEqualTo("AWS/Lambda");
        assertThat(alarm.get("MetricName").asText()).isEqualTo("Errors");
        assertThat(alarm.get("Threshold").asDouble()).isEqualTo(1.0);
        assertThat(alarm.get("ComparisonOperator").asText()).isEqualTo("GreaterThanOrEqualToThreshold");
        assertThat(target(alarm.get("Dimensions").get(0).get("Value"))).isEqualTo(function);
        assertThat(alarm.get("AlarmActions")).singleElement().satisfies(a -> assertThat(target(a)).isEqualTo(topic));

        // The email subscription exists only when the parameter is given.
        JsonNode subscription = one(standard, "AWS::SNS::Subscription");
        assertThat(subscription.get("Condition").asText()).isEqualTo("HasNotificationEmail");
        assertThat(subscription.get("Properties").get("Protocol").asText()).isEqualTo("email");
        assertThat(standard.get("Parameters").get("NotificationEmail").get("Default").asText()).isEmpty();
    }

    @Test
    void each_permission_names_only_its_resource() {
        String functionRole = idStartingWith(standard, "FunctionRole1");
        assertThat(standard.get("Resources").get(functionRole).get("Properties").has("ManagedPolicyArns"))
                .as("no managed policy: they let a function write any log group")
                .isFalse();
        String logs = idStartingWith(standard, "FunctionLogs");
        String topic = logicalId(standard, "AWS::SNS::Topic");
        JsonNode statements = policyOf(standard, functionRole);
        Set<String> secrets = new TreeSet<>();
        for (JsonNode statement : statements) {
            List<String> actions = actions(statement);
            JsonNode resource = statement.get("Resource");
            if (resource.isTextual()) {
                assertThat(resource.asText()).isEqualTo("*");
                // Only what Lambda needs to attach the function to the subnets; EC2 scopes none of it.
                assertThat(actions).allSatisfy(a -> assertThat(a).matches(
                        "ec2:(Create|Describe|Delete)NetworkInterfaces?|ec2:DescribeSubnets|ec2:(Assign|Unassign)PrivateIpAddresses"));
                continue;
            }
            String on = target(resource);
            if (actions.contains("secretsmanager:GetSecretValue")) {
                secrets.add(on);
            } else if (actions.contains("sns:Publish")) {
                assertThat(actions).containsExactly("sns:Publish");
                assertThat(on).isEqualTo(topic);
            } else {
                assertThat(actions).containsExactlyInAnyOrder("logs:CreateLogStream", "logs:PutLogEvents");
                assertThat(on).isEqualTo(logs);
            }
        }
        assertThat(secrets)
                .containsExactlyInAnyOrder(
                        logicalId(standard, "AWS::SecretsManager::SecretTargetAttachment"),
                        idStartingWith(standard, "ReaderSecret"));

        // A secret lent to the pipeline files is readable, by that ARN only; no other secret is.
        JsonNode lent = policyOf(lean, idStartingWith(lean, "FunctionRole1"));
        assertThat(StreamSupport.stream(lent.spliterator(), false)
                        .filter(s -> actions(s).contains("secretsmanager:GetSecretValue"))
                        .map(s -> s.get("Resource").isTextual() ? s.get("Resource").asText() : target(s.get("Resource"))))
                .containsExactlyInAnyOrder(
                        LENT, logicalId(lean, "AWS::SecretsManager::SecretTargetAttachment"));

        // The scheduler may invoke that function and nothing else.
        JsonNode invoke = policyOf(standard, idStartingWith(standard, "SchedulerRole5"));
        assertThat(invoke).singleElement().satisfies(statement -> {
            assertThat(actions(statement)).containsExactly("lambda:InvokeFunction");
            assertThat(statement.get("Resource").toString())
                    .contains(functionId(standard))
                    .doesNotContain("\"*\"");
        });

        // The dashboard's task reads its own secret, the reader's, and no other.
        JsonNode task = policyOf(standard, idStartingWith(standard, "DashboardTaskDefTaskRole8"));
        assertThat(task).singleElement().satisfies(statement -> {
            assertThat(actions(statement))
                    .containsExactlyInAnyOrder("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret");
            assertThat(target(statement.get("Resource"))).startsWith("ReaderSecret");
        });
    }

    @Test
    void the_function_runs_once_at_deployment_after_the_database_and_before_the_dashboard_starts() {
        JsonNode firstRun = one(standard, "Custom::Trigger");
        assertThat(firstRun.get("Properties").get("InvocationType").asText()).isEqualTo("Event");
        assertThat(target(firstRun.get("Properties").get("HandlerArn")))
                .isEqualTo(logicalId(standard, "AWS::Lambda::Version"));
        assertThat(firstRun.get("DependsOn").toString()).contains(logicalId(standard, "AWS::RDS::DBInstance"));
        assertThat(one(standard, "AWS::ECS::Service").get("DependsOn").toString())
                .contains(idStartingWith(standard, "FirstRun"));
    }

    @Test
    void logs_are_kept_ninety_days() {
        assertThat(resources(standard, "AWS::Logs::LogGroup"))
                .hasSize(2)
                .allSatisfy(g -> assertThat(g.get("Properties").get("RetentionInDays").asInt()).isEqualTo(90));
    }

    @Test
    void the_dashboard_serves_alone_in_the_private_subnets_behind_a_balancer_only_the_cidr_reaches() {
        JsonNode container = one(standard, "AWS::ECS::TaskDefinition")
                .get("Properties")
                .get("ContainerDefinitions")
                .get(0);
        assertThat(StreamSupport.stream(container.get("Command").spliterator(), false)
                        .map(JsonNode::asText)
                        .toList())
                .containsSubsequence("serve", "--dashboard-only", "--bind", "0.0.0.0")
                .containsSubsequence("--pipeline", "covid-us");
        Set<String> variables = new TreeSet<>();
        container.get("Environment").forEach(v -> variables.add(v.get("Name").asText()));
        assertThat(variables)
                .containsExactlyInAnyOrder(
                        "SLUICE_DB_URL", "SLUICE_READER_SECRET_ARN", "SLUICE_ALLOWED_HOSTS", "AWS_REGION");
        assertThat(container.toString()).doesNotContain(logicalId(standard, "AWS::SecretsManager::SecretTargetAttachment"));

        JsonNode service = one(standard, "AWS::ECS::Service").get("Properties");
        JsonNode network = service.get("NetworkConfiguration").get("AwsvpcConfiguration");
        assertThat(network.get("AssignPublicIp").asText()).isEqualTo("DISABLED");
        assertThat(network.get("Subnets")).allSatisfy(s -> assertThat(target(s)).contains("private"));

        assertThat(one(standard, "AWS::ElasticLoadBalancingV2::TargetGroup")
                        .get("Properties")
                        .get("HealthCheckPath")
                        .asText())
                .isEqualTo("/health/ready");
        JsonNode balancerGroup = standard.get("Resources")
                .get(idStartingWith(standard, "DashboardBalancerSecurityGroupF"))
                .get("Properties");
        assertThat(balancerGroup.get("SecurityGroupIngress")).singleElement().satisfies(rule -> {
            assertThat(rule.get("CidrIp").get("Ref").asText()).isEqualTo("DashboardAllowedCidr");
            assertThat(rule.get("FromPort").asInt()).isEqualTo(80);
        });
        assertThat(standard.toString()).doesNotContain("0.0.0.0/0\",\"Description\":\"Allow from anyone");

        assertThat(resources(lean, "AWS::ECS::Service")).isEmpty();
        assertThat(resources(lean, "AWS::ElasticLoadBalancingV2::LoadBalancer")).isEmpty();
    }

    @Test
    void a_bad_context_value_is_refused_naming_its_key() {
        assertThatThrownBy(() -> template(Map.of("nat", "cheap")))
                .hasMessageContaining("context 'nat' is 'cheap'");
        assertThatThrownBy(() -> template(Map.of("functionJar", "nowhere.jar")))
                .hasMessageContaining("context 'functionJar'")
                .hasMessageContaining("mvn -B -ntp package");
        assertThatThrownBy(() -> template(Map.of("secretArns", "my-secret")))
                .hasMessageContaining("context 'secretArns': 'my-secret' is not a secret's complete ARN");
        assertThatThrownBy(() -> template(Map.of("pipelines", "no-such-pipeline")))
                .hasMessageContaining("pipeline 'no-such-pipeline'");
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> actions(JsonNode statement) {
        JsonNode action = statement.get("Action");
        return action.isTextual()
                ? List.of(action.asText())
                : StreamSupport.stream(action.spliterator(), false)
                        .map(JsonNode::asText)
                        .toList();
    }

    /** The statements of the policies attached to a role. */
    private static JsonNode policyOf(JsonNode template, String role) {
        var statements = JSON.createArrayNode();
        for (JsonNode policy : resources(template, "AWS::IAM::Policy")) {
            JsonNode roles = policy.get("Properties").get("Roles");
            boolean attached = StreamSupport.stream(roles.spliterator(), false)
                    .anyMatch(r -> target(r).equals(role));
            if (attached) {
                policy.get("Properties").get("PolicyDocument").get("Statement").forEach(statements::add);
            }
        }
        return statements;
    }
}
