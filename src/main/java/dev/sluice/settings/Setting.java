package dev.sluice.settings;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;

/**
 * Every {@code SLUICE_*} environment variable sluice knows, with the default and meaning the README's table shows.
 * {@link Settings#read} reads them, and only them; {@code SettingsTest} keeps the README's table equal to this list.
 * A variable ending in {@code _FILE} beside a {@link #secret} one names a file holding the value (a mounted secret).
 */
public enum Setting {
    HOME("SLUICE_HOME", "~/.sluice", "embedded database (`pg/`) and the cache of last good bodies (`cache/`)"),
    DB_URL(
            "SLUICE_DB_URL",
            "embedded",
            "the database, when `--db` is not given: a JDBC URL, a libpq URI (`postgres://...`) or libpq"
                    + " `host=... dbname=...`"),
    DB_USER("SLUICE_DB_USER", "", "database user, when not in the URL"),
    DB_PASSWORD("SLUICE_DB_PASSWORD", "", "database password; never put it in `--db`, where `ps` shows it", true),
    DB_POOL_SIZE("SLUICE_DB_POOL_SIZE", "10", "connections sluice opens at most (runs, deliveries, the scheduler)"),
    DB_CONNECT_TIMEOUT("SLUICE_DB_CONNECT_TIMEOUT", "10s", "how long to wait for a database connection"),
    LOCK_TIMEOUT(
            "SLUICE_LOCK_TIMEOUT",
            "1m",
            "how long a load waits for a lock on its target table (held by a" + " long report, say) before it fails"),
    COMPARE(
            "SLUICE_COMPARE",
            "digest",
            "how a run compares its publication with the table: `digest` (with the last load's, kept in"
                    + " `$SLUICE_HOME/digests`, when the database vouches for it; else with the whole table) or `full`"
                    + " (always with the whole table)"),
    TMPDIR("SLUICE_TMPDIR", "`java.io.tmpdir`", "where downloads are written while a run lasts"),
    FILE_ROOTS(
            "SLUICE_FILE_ROOTS",
            "",
            "extra directories (`:`-separated) that `file:` sources in pipeline files may" + " read"),
    SECRET_ENV(
            "SLUICE_SECRET_ENV",
            "",
            "environment variables (comma-separated) that pipeline and notifications files may read with"
                    + " `{env: NAME}`; never a `SLUICE_*` one"),
    SECRET_DIRS(
            "SLUICE_SECRET_DIRS",
            "",
            "directories (`:`-separated) that pipeline and notifications files may read secrets from with"
                    + " `{file: PATH}`"),
    PLAINTEXT_HOSTS(
            "SLUICE_PLAINTEXT_HOSTS",
            "",
            "hosts (comma-separated) a notification channel may send a credential to without TLS (tests on"
                    + " loopback)"),
    ALLOW_NETWORKS(
            "SLUICE_ALLOW_NETWORKS",
            "",
            "internal address ranges (comma-separated, such as `10.0.0.0/8`) that sources and their redirects may"
                    + " reach although they are loopback, link-local or private"),
    DB_SECRET_ARN(
            "SLUICE_DB_SECRET_ARN",
            "",
            "a Secrets Manager secret with the database's credentials (`host`, `port`, `dbname`, `username`,"
                    + " `password`, as RDS generates them), read instead of `SLUICE_DB_*`, and read again once when the"
                    + " database refuses them (rotation)"),
    READER_SECRET_ARN(
            "SLUICE_READER_SECRET_ARN",
            "",
            "a Secrets Manager secret whose `password` is the dashboard role's: `sluice serve` connects as"
                    + " `sluice_reader` with it (instead of `SLUICE_READER_PASSWORD`), and the Lambda function sets the"
                    + " role's password to it"),
    SECRET_ARNS(
            "SLUICE_SECRET_ARNS",
            "",
            "Secrets Manager secrets (comma-separated ARNs) that pipeline and notifications files may read with"
                    + " `{aws_secret: ARN, key: FIELD}`"),
    SECRETS_MANAGER_ENDPOINT(
            "SLUICE_SECRETS_MANAGER_ENDPOINT",
            "AWS",
            "another Secrets Manager endpoint (tests); the region is `AWS_REGION`, else the AWS SDK's chain"),
    PIPELINES(
            "SLUICE_PIPELINES",
            "covid-us",
            "the pipelines (comma-separated files or bundled names) a scheduled Lambda invocation runs"),
    S3_ENDPOINT(
            "SLUICE_S3_ENDPOINT",
            "AWS",
            "the endpoint `s3://` sources are read from, addressed by path (an S3-compatible store, a test's);"
                    + " the region is `AWS_REGION`, else the AWS SDK's chain, else us-east-1"),
    ALLOWED_HOSTS(
            "SLUICE_ALLOWED_HOSTS",
            "",
            "names (comma-separated) `sluice serve` answers to in the Host header besides `localhost`,"
                    + " `127.0.0.1` and `[::1]`; `*` answers to any (behind a proxy that checks it)"),
    NOTIFICATIONS_FILE(
            "SLUICE_NOTIFICATIONS_FILE", "", "a YAML file with a `notifications:` list shared by every" + " pipeline"),
    NOTIFY_TIMEOUT(
            "SLUICE_NOTIFY_TIMEOUT",
            "30s",
            "how long `sluice run` keeps retrying its notifications before it" + " exits (`--notify-timeout` wins)"),
    NOTIFY_FIRST_RETRY(
            "SLUICE_NOTIFY_FIRST_RETRY",
            "2s",
            "the wait before a failed notification's first retry;"
                    + " it doubles with each attempt, to at most 10 minutes, 20 attempts in all"),
    CHANNEL_TIMEOUT("SLUICE_CHANNEL_TIMEOUT", "10s", "connect and read timeout of one delivery (SMTP, webhook, SNS)"),
    DELIVERY_INTERVAL("SLUICE_DELIVERY_INTERVAL", "15s", "how often `sluice serve` retries pending notifications"),
    MAX_CONCURRENT_RUNS(
            "SLUICE_MAX_CONCURRENT_RUNS",
            "pool size - 3",
            "runs one `sluice serve` process executes at once (scheduled and manual); due runs past it wait, unpicked,"
                    + " for a free one here or on another replica (`sluice_runs_waiting`)"),
    RELOAD_INTERVAL(
            "SLUICE_RELOAD_INTERVAL",
            "10s",
            "how often `sluice serve` reads its pipeline files again (`--pipelines DIR`: files added, changed,"
                    + " removed)"),
    FRESHNESS_INTERVAL(
            "SLUICE_FRESHNESS_INTERVAL",
            "5m",
            "how often `sluice serve` judges every pipeline's freshness (`expect:`) between runs: a feed goes late"
                    + " whether or not a run is due"),
    SHUTDOWN_TIMEOUT(
            "SLUICE_SHUTDOWN_TIMEOUT",
            "60s",
            "how long `sluice serve` waits for runs in progress when it is" + " stopped (`--shutdown-timeout` wins)"),
    API_TOKEN(
            "SLUICE_API_TOKEN",
            "",
            "bearer token for run-now in `sluice serve`; without it run-now is" + " disabled",
            true),
    READER_PASSWORD(
            "SLUICE_READER_PASSWORD",
            "",
            "password of the dashboard's role `sluice_reader`, when the server" + " wants one",
            true),
    LOG_LEVEL(
            "SLUICE_LOG_LEVEL",
            "INFO",
            "sluice's log level on stderr: `ERROR`, `WARN`, `INFO`, `DEBUG` or `TRACE`"
                    + " (a terminal run shows WARN and a progress line unless this is set)"),
    JAVA_OPTS(
            "SLUICE_JAVA_OPTS",
            "",
            "JVM options used by the launchers, `./sluice` and the release archive's `bin/sluice` (read by them only)"),
    WEBHOOK_URL("SLUICE_WEBHOOK_URL", "", "channel `env-webhook`: the URL to POST each run to", true),
    WEBHOOK_FORMAT("SLUICE_WEBHOOK_FORMAT", "json", "channel `env-webhook`: `json` or `slack`"),
    WEBHOOK_SECRET("SLUICE_WEBHOOK_SECRET", "", "channel `env-webhook`: HMAC-SHA256 signing key", true),
    SMTP_HOST("SLUICE_SMTP_HOST", "", "channel `env-email`: the SMTP server"),
    SMTP_PORT("SLUICE_SMTP_PORT", "587, 465 with `tls`, 25 with `none`", "channel `env-email`: the SMTP port"),
    SMTP_TLS("SLUICE_SMTP_TLS", "starttls", "channel `env-email`: `none`, `starttls` or `tls`"),
    SMTP_USER("SLUICE_SMTP_USER", "", "channel `env-email`: the SMTP user"),
    SMTP_PASSWORD("SLUICE_SMTP_PASSWORD", "", "channel `env-email`: the SMTP password", true),
    SMTP_FROM("SLUICE_SMTP_FROM", "", "channel `env-email`: the sender (required with `SLUICE_SMTP_HOST`)"),
    SMTP_TO(
            "SLUICE_SMTP_TO",
            "",
            "channel `env-email`: comma-separated recipients (required with" + " `SLUICE_SMTP_HOST`)"),
    SNS_TOPIC_ARN(
            "SLUICE_SNS_TOPIC_ARN",
            "",
            "channel `env-sns`: the topic (credentials and region from the usual" + " `AWS_*` variables)"),
    SNS_ENDPOINT("SLUICE_SNS_ENDPOINT", "", "channel `env-sns`: another endpoint than AWS's");

    private final String variable;
    private final String defaultText;
    private final String meaning;
    private final boolean secret;

    Setting(String variable, String defaultText, String meaning) {
        this(variable, defaultText, meaning, false);
    }

    Setting(String variable, String defaultText, String meaning, boolean secret) {
        this.variable = variable;
        this.defaultText = defaultText;
        this.meaning = meaning;
        this.secret = secret;
    }

    /** The environment variable. */
    public String variable() {
        return variable;
    }

    /** The default, as the README writes it; empty when unset means "none". */
    public String defaultText() {
        return defaultText;
    }

    public String meaning() {
        return meaning;
    }

    /** Whether the value is a credential: never logged, and also readable from {@code VARIABLE_FILE}. */
    public boolean secret() {
        return secret;
    }

    /** The setting a variable names, {@code _FILE} variants of secrets included. */
    static Optional<Setting> of(String variable) {
        return Arrays.stream(values())
                .filter(s -> s.variable.equals(variable) || (s.secret && (s.variable + "_FILE").equals(variable)))
                .findFirst();
    }

    /** The known variable nearest to an unknown one, when it is near enough to be a typo. */
    static Optional<String> nearest(String unknown) {
        return Arrays.stream(values())
                .flatMap(s -> s.secret
                        ? java.util.stream.Stream.of(s.variable, s.variable + "_FILE")
                        : java.util.stream.Stream.of(s.variable))
                .min(Comparator.comparingInt(known -> distance(known, unknown)))
                .filter(known -> distance(known, unknown) <= Math.max(2, unknown.length() / 6));
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
