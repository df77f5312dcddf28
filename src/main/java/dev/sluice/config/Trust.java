package dev.sluice.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The trust boundary between the operator and the files sluice reads. Pipeline files and notifications files are
 * untrusted: shared, copied, committed by others. They may only read what the operator lent them: local files under
 * the pipeline file's own directory or {@code SLUICE_FILE_ROOTS}; secrets from the environment variables named in
 * {@code SLUICE_SECRET_ENV} (never sluice's own {@code SLUICE_*}); secret files under {@code SLUICE_SECRET_DIRS}.
 * And a credential they configure travels only over TLS, unless the operator allowed plaintext to that host
 * ({@code SLUICE_PLAINTEXT_HOSTS}, for tests on loopback).
 *
 * @param fileRoots         directories, besides a pipeline file's own, that its {@code file:} sources may read
 * @param lentVariables     environment variables files may read with {@code {env: NAME}}
 * @param environment       the values of the lent variables
 * @param secretDirectories directories files may read secrets from with {@code {file: PATH}}
 * @param plaintextHosts    hosts a channel may send a credential to without TLS
 * @param lentSecretArns    Secrets Manager secrets files may read with {@code {aws_secret: ARN, key: FIELD}}
 * @param awsSecrets        how those are read
 */
public record Trust(
        List<Path> fileRoots,
        Set<String> lentVariables,
        Map<String, String> environment,
        List<Path> secretDirectories,
        Set<String> plaintextHosts,
        Set<String> lentSecretArns,
        AwsSecretLookup awsSecrets) {

    public Trust {
        fileRoots = List.copyOf(fileRoots);
        lentVariables = Set.copyOf(lentVariables);
        environment = Map.copyOf(environment);
        secretDirectories = List.copyOf(secretDirectories);
        plaintextHosts =
                plaintextHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        lentSecretArns = Set.copyOf(lentSecretArns);
        java.util.Objects.requireNonNull(awsSecrets, "awsSecrets");
    }

    /** Lends nothing: files may read only files next to themselves, and no secret at all. */
    public static Trust none() {
        return new Trust(List.of(), Set.of(), Map.of(), List.of(), Set.of(), Set.of(), AwsSecretLookup.NONE);
    }

    /** The same trust, also lending these variables of this environment (tests). */
    public Trust lending(Map<String, String> more) {
        Map<String, String> all = new java.util.HashMap<>(environment);
        all.putAll(more);
        Set<String> names = new java.util.HashSet<>(lentVariables);
        names.addAll(more.keySet());
        return new Trust(fileRoots, names, all, secretDirectories, plaintextHosts, lentSecretArns, awsSecrets);
    }

    /** The same trust, also lending secret files under these directories (tests). */
    public Trust withSecretDirectories(Path... directories) {
        List<Path> all = new ArrayList<>(secretDirectories);
        all.addAll(List.of(directories));
        return new Trust(fileRoots, lentVariables, environment, all, plaintextHosts, lentSecretArns, awsSecrets);
    }

    /** The same trust, also letting {@code file:} sources read under these directories (tests). */
    public Trust withFileRoots(Path... roots) {
        List<Path> all = new ArrayList<>(fileRoots);
        all.addAll(List.of(roots));
        return new Trust(
                all, lentVariables, environment, secretDirectories, plaintextHosts, lentSecretArns, awsSecrets);
    }

    /** The same trust, also allowing plaintext to these hosts (tests on loopback). */
    public Trust allowingPlaintextTo(String... hosts) {
        Set<String> all = new java.util.HashSet<>(plaintextHosts);
        all.addAll(List.of(hosts));
        return new Trust(fileRoots, lentVariables, environment, secretDirectories, all, lentSecretArns, awsSecrets);
    }

    /** The same trust, reading the lent Secrets Manager secrets through {@code lookup} (the wiring's). */
    public Trust withAwsSecrets(AwsSecretLookup lookup) {
        return new Trust(
                fileRoots, lentVariables, environment, secretDirectories, plaintextHosts, lentSecretArns, lookup);
    }

    /** The same trust, also lending these Secrets Manager secrets (tests). */
    public Trust lendingSecrets(String... arns) {
        Set<String> all = new java.util.HashSet<>(lentSecretArns);
        all.addAll(List.of(arns));
        return new Trust(fileRoots, lentVariables, environment, secretDirectories, plaintextHosts, all, awsSecrets);
    }

    /** Why a file may not read the Secrets Manager secret {@code arn}, or empty when it may. */
    Optional<String> awsSecretRefusal(String arn) {
        return lentSecretArns.contains(arn)
                ? Optional.empty()
                : Optional.of("this secret is not lent to pipeline files; the operator lists the secrets they may read"
                        + " in SLUICE_SECRET_ARNS");
    }

    /** Whether a name is one sluice's own settings use: never lent to a file. */
    public static boolean isOwnSetting(String variable) {
        return variable.startsWith("SLUICE_");
    }

    /** Why a file may not read {@code {env: variable}}, or empty when it may. */
    Optional<String> variableRefusal(String variable) {
        if (isOwnSetting(variable)) {
            return Optional.of(variable + " is one of sluice's own settings; a file can never read it");
        }
        if (!lentVariables.contains(variable)) {
            return Optional.of(variable + " is not lent to pipeline files; the operator lists the variables they may"
                    + " read in SLUICE_SECRET_ENV");
        }
        return Optional.empty();
    }

    Optional<String> variable(String name) {
        return Optional.ofNullable(environment.get(name)).filter(v -> !v.isEmpty());
    }

    /** Why a file may not read the secret file {@code path}, or empty when it may. */
    Optional<String> secretFileRefusal(Path path) {
        if (secretDirectories.isEmpty()) {
            return Optional.of("files may read no secret file: the operator lists the directories they may read in"
                    + " SLUICE_SECRET_DIRS");
        }
        return new Confinement(secretDirectories)
                .refusal(path)
                .map(why -> why + " (SLUICE_SECRET_DIRS: " + secretDirectories + ")");
    }

    /** The directories a pipeline file in {@code directory} may read {@code file:} sources from. */
    Confinement fileConfinement(Path directory) {
        List<Path> roots = new ArrayList<>(fileRoots);
        roots.add(directory);
        return new Confinement(roots);
    }

    /** Whether a credential may go to {@code host} without TLS. */
    boolean plaintextAllowed(String host) {
        return host != null && plaintextHosts.contains(host.toLowerCase(Locale.ROOT));
    }

    /**
     * Why a channel may not send what it sends the way it is configured: a credential (an SMTP password, a webhook
     * URL or signing key, AWS's signature) without TLS, to a host the operator did not allow plaintext to.
     */
    public Optional<String> transportRefusal(ChannelSpec channel) {
        if (channel instanceof EmailChannelSpec email) {
            return email.password().isPresent()
                            && email.tls() == EmailChannelSpec.SmtpTls.NONE
                            && !plaintextAllowed(email.host())
                    ? Optional.of("sends its SMTP password without TLS to " + email.host() + "; use tls: starttls or"
                            + " tls (or the operator allows plaintext to that host in SLUICE_PLAINTEXT_HOSTS)")
                    : Optional.empty();
        }
        if (channel instanceof WebhookChannelSpec webhook) {
            return plainHttp(URI.create(webhook.url().reveal()), "its URL, a credential");
        }
        if (channel instanceof OpenLineageChannelSpec lineage) {
            return plainHttp(URI.create(lineage.url().reveal()), "its events and API key");
        }
        if (channel instanceof SnsChannelSpec sns && sns.endpoint().isPresent()) {
            return plainHttp(sns.endpoint().get(), "the AWS request signature and session token");
        }
        return Optional.empty();
    }

    private Optional<String> plainHttp(URI url, String what) {
        if ("https".equalsIgnoreCase(url.getScheme()) || plaintextAllowed(url.getHost())) {
            return Optional.empty();
        }
        // The host, never the URL: a webhook URL is itself the secret.
        return Optional.of("sends " + what + " over plain http to " + url.getHost() + "; use https (or the operator"
                + " allows plaintext to that host in SLUICE_PLAINTEXT_HOSTS)");
    }
}
