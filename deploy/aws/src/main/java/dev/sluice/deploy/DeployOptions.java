package dev.sluice.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a deployment is made of, from the CDK context ({@code -c name=value} or {@code cdk.json}), validated before
 * anything is built: a bad value is an error naming the context key, never a half-made template.
 *
 * @param pipelines      the pipelines the function runs: bundled names ({@code covid-us}) or pipeline files
 * @param functionJar    the function's artifact, {@code target/sluice-lambda.jar} of the main build
 * @param dashboardJar   the dashboard's artifact, {@code target/sluice.jar} (it carries the charts)
 * @param dashboard      whether to run the dashboard on Fargate behind a load balancer
 * @param nat            how the private subnets reach the internet
 * @param certificateArn an ACM certificate for the dashboard's load balancer (HTTPS); without it, HTTP
 * @param secretArns     Secrets Manager secrets (complete ARNs) the pipeline and notification files may read with
 *                       {@code {aws_secret: ARN, key: FIELD}}: the function may read them, and only them
 */
public record DeployOptions(
        List<String> pipelines,
        Path functionJar,
        Path dashboardJar,
        boolean dashboard,
        Nat nat,
        Optional<String> certificateArn,
        List<String> secretArns) {

    /** The private subnets' way out: a managed NAT gateway, or a NAT instance for a tenth of the price. */
    public enum Nat {
        GATEWAY,
        INSTANCE
    }

    public DeployOptions {
        pipelines = List.copyOf(pipelines);
        secretArns = List.copyOf(secretArns);
        for (String arn : secretArns) {
            if (!arn.matches("arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\\d{12}:secret:.+-[A-Za-z0-9]{6}")) {
                throw new IllegalArgumentException("context 'secretArns': '" + arn
                        + "' is not a secret's complete ARN (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-XXXXXX)");
            }
        }
        if (pipelines.isEmpty()) {
            throw new IllegalArgumentException("context 'pipelines' names no pipeline");
        }
        if (!Files.isRegularFile(functionJar)) {
            throw new IllegalArgumentException("context 'functionJar': " + functionJar
                    + " does not exist; build it first with `mvn -B -ntp package -DskipTests` in the project root");
        }
        if (dashboard && !Files.isRegularFile(dashboardJar)) {
            throw new IllegalArgumentException("context 'dashboardJar': " + dashboardJar + " does not exist");
        }
    }

    /**
     * The options from a context lookup (the app's node), with these defaults: {@code pipelines=covid-us}, the jars
     * of the main build two directories up, {@code dashboard=true}, {@code nat=gateway}, no certificate.
     *
     * @param context the context value of a key, or null
     * @param base    the directory relative paths are resolved from (deploy/aws)
     */
    public static DeployOptions from(Function<String, Object> context, Path base) {
        return new DeployOptions(
                list(text(context, "pipelines", "covid-us")),
                base.resolve(text(context, "functionJar", "../../target/sluice-lambda.jar"))
                        .normalize(),
                base.resolve(text(context, "dashboardJar", "../../target/sluice.jar")).normalize(),
                bool(context, "dashboard", true),
                nat(text(context, "nat", "gateway")),
                Optional.of(text(context, "certificateArn", "")).filter(s -> !s.isEmpty()),
                list(text(context, "secretArns", "")));
    }

    private static List<String> list(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    private static String text(Function<String, Object> context, String key, String otherwise) {
        Object value = context.apply(key);
        return value == null ? otherwise : value.toString().trim();
    }

    private static boolean bool(Function<String, Object> context, String key, boolean otherwise) {
        String value = text(context, key, String.valueOf(otherwise));
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("context '" + key + "' is '" + value + "': true or false");
        };
    }

    private static Nat nat(String value) {
        return switch (value) {
            case "gateway" -> Nat.GATEWAY;
            case "instance" -> Nat.INSTANCE;
            default -> throw new IllegalArgumentException(
                    "context 'nat' is '" + value + "': gateway (managed, about $33 a month) or instance (a t4g.nano)");
        };
    }
}
