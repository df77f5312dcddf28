package dev.sluice.deploy;

import java.nio.file.Path;
import java.util.List;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;

/**
 * The CDK app: reads the context, asks the function's artifact for each pipeline's schedule, builds the stack and
 * writes the cloud assembly ({@code cdk.out/Sluice.template.json}). Needs no AWS account and no network: the stack is
 * environment-agnostic, so nothing is looked up.
 */
public final class SluiceApp {
    private SluiceApp() {}

    /** @param args context as {@code KEY=VALUE}, under what the CDK CLI and {@code cdk.json} give */
    public static void main(String[] args) {
        java.util.Map<String, Object> context = new java.util.HashMap<>();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            if (equals < 1) {
                throw new IllegalArgumentException("'" + arg + "' is not KEY=VALUE context");
            }
            context.put(arg.substring(0, equals), arg.substring(equals + 1));
        }
        App app = app(context);
        Path base = Path.of("").toAbsolutePath();
        build(app, base);
        app.synth();
    }

    /**
     * An app with this context, whose synthesis fails on a property CloudFormation would refuse (instead of only
     * warning), so that what synthesizes here deploys.
     */
    static App app(java.util.Map<String, Object> context) {
        java.util.Map<String, Object> all = new java.util.HashMap<>(context);
        all.putIfAbsent("@aws-cdk/core:validateAgainstDefaultRules", true);
        return new App(software.amazon.awscdk.AppProps.builder().context(all).build());
    }

    /** The stack of this app's context, its assets prepared under {@code base/target/assets}. */
    static SluiceStack build(App app, Path base) {
        DeployOptions options = DeployOptions.from(key -> app.getNode().tryGetContext(key), base);
        List<PipelineDeployment> pipelines = options.pipelines().stream()
                .map(reference -> PipelineDeployment.lookUp(reference, options.functionJar(), base))
                .toList();
        return new SluiceStack(
                app,
                "Sluice",
                StackProps.builder()
                        .description("sluice: a daily CSV feed into PostgreSQL on RDS, run by a scheduled Lambda"
                                + " function, notified through SNS")
                        .build(),
                options,
                pipelines,
                base.resolve("target").resolve("assets"));
    }
}
