package dev.sluice.config;

import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads one entry of a pipeline's {@code sources:}: where its files are ({@link LocationReader}), how they are
 * written, its columns ({@link ColumnReader}), filters, key and download settings.
 */
final class SourceReader {
    private final LocationReader locations;
    private final Trust trust;
    private final SecretReader secrets;
    private final LoadMode mode;
    private final boolean readSecrets;

    /**
     * @param mode        the target's: a source of an append table may have no key
     * @param readSecrets false to leave credentials unresolved (placeholders), for a pipeline only shown
     */
    SourceReader(LocationReader locations, Trust trust, LoadMode mode, boolean readSecrets) {
        this.locations = locations;
        this.trust = trust;
        this.secrets = new SecretReader(trust);
        this.mode = mode;
        this.readSecrets = readSecrets;
    }

    private static final Secret NOT_READ = Secret.of("(not read)");

    /** The secret a reference names, or a placeholder when this reading resolves none. */
    private Secret secret(ConfigNode node, String field) {
        if (!readSecrets) {
            node.child(field).allowOnly("env", "file", "aws_secret", "key");
            return NOT_READ;
        }
        return secrets.read(node, field);
    }

    SourceSpec read(ConfigNode node) {
        node.allowOnly(Stream.of(
                        List.of(
                                "name",
                                "columns",
                                "filters",
                                "key",
                                "duplicate_keys",
                                "required",
                                "fetch",
                                "expect",
                                "headers",
                                "auth",
                                "sftp"),
                        LocationReader.FIELDS,
                        FORMAT_FIELDS,
                        ColumnReader.VALUE_FIELDS)
                .flatMap(List::stream)
                .toArray(String[]::new));
        String name = ColumnReader.sqlName(node, "name");
        SourceLocation location = locations.read(node);
        CsvFormat format = readFormat(node);
        ColumnReader reader = ColumnReader.forSource(node, format);
        List<ColumnSpec> columns = new ArrayList<>();
        List<ConfigNode> columnNodes = new ArrayList<>();
        Set<String> sqlNames = new HashSet<>();
        Set<String> headers = new HashSet<>();
        Set<Integer> positions = new HashSet<>();
        for (ConfigNode columnNode : node.list("columns")) {
            ColumnSpec column = reader.read(columnNode);
            if (!sqlNames.add(column.name())) {
                throw columnNode.error("two columns of this source are stored as '" + column.name() + "'");
            }
            if (column.position().isEmpty() && !headers.add(column.header())) {
                throw columnNode.error("header", "column '" + column.header() + "' is declared twice");
            }
            if (column.position().isPresent()
                    && !positions.add(column.position().getAsInt())) {
                throw columnNode.error(
                        "position",
                        "two columns are at position " + column.position().getAsInt());
            }
            columns.add(column);
            columnNodes.add(columnNode);
        }
        boolean keyless = mode == LoadMode.APPEND || mode == LoadMode.REPLACE;
        List<String> key = keyless && !node.has("key") ? List.of() : node.textList("key");
        for (String keyColumn : key) {
            int index = -1;
            for (int i = 0; i < columns.size(); i++) {
                if (columns.get(i).name().equals(keyColumn)) {
                    index = i;
                }
            }
            if (index < 0) {
                throw node.error(
                        "key",
                        "'" + keyColumn + "' is not one of this source's columns "
                                + columns.stream().map(ColumnSpec::name).toList());
            }
            // A key column always has a value: only one that says otherwise is a mistake.
            if (columnNodes.get(index).has("required") && !columns.get(index).required()) {
                throw node.error("key", "key column '" + keyColumn + "' must be required");
            }
            columns.set(index, columns.get(index).withPresence(ColumnSpec.Presence.REQUIRED));
        }
        if (new HashSet<>(key).size() != key.size()) {
            throw node.error("key", "names a column twice");
        }
        if (key.isEmpty() && node.has("duplicate_keys")) {
            throw node.error("duplicate_keys", "a source without a key has no duplicate keys");
        }
        DuplicateKeyPolicy duplicates =
                node.enumValue("duplicate_keys", DuplicateKeyPolicy.class, DuplicateKeyPolicy.FAIL);
        checkDecreaseRules(node, columns, key);
        List<RowFilter> filters = node.has("filters")
                ? node.list("filters").stream()
                        .map(filter -> readFilter(filter, format.header(), columns))
                        .toList()
                : List.of();
        return new SourceSpec(
                name,
                location,
                format,
                columns,
                filters,
                key,
                duplicates,
                readFetch(node),
                readCredentials(node, location));
    }

    /** Names sluice sets itself, or the HTTP client does: a source's headers may not replace them. */
    private static final Set<String> RESERVED_HEADERS = Set.of(
            "host",
            "connection",
            "content-length",
            "expect",
            "upgrade",
            "te",
            "transfer-encoding",
            "accept-encoding",
            "if-none-match",
            "if-modified-since",
            "range");

    private static final java.util.regex.Pattern HEADER_NAME =
            java.util.regex.Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}");

    /**
     * {@code headers:} and {@code auth:} of an HTTP source: credentials from secret references only, and never where
     * they would travel in plaintext to a host the operator did not allow it for.
     */
    private SourceCredentials readCredentials(ConfigNode node, SourceLocation location) {
        List<URI> remote = new ArrayList<>();
        if (location instanceof SourceLocation.Single single) {
            remote.add(single.url());
        } else if (location instanceof SourceLocation.Listed listed) {
            remote.addAll(listed.urls());
        } else if (location instanceof SourceLocation.DateTemplate template
                && template.confinement().isEmpty()) {
            remote.add(template.url(LocalDate.of(2000, 1, 1)));
        } else if (location instanceof SourceLocation.RemoteGlob glob) {
            remote.add(glob.directory());
        }
        boolean sftp = !remote.isEmpty() && remote.stream().allMatch(u -> "sftp".equalsIgnoreCase(u.getScheme()));
        if (sftp || node.has("sftp")) {
            if (!sftp) {
                throw node.error("sftp", "is for sources read over sftp://");
            }
            if (node.has("headers") || node.has("auth")) {
                throw node.error(node.has("headers") ? "headers" : "auth", "is for sources read over http or https");
            }
            return readSftp(node, remote);
        }
        if (!node.has("headers") && !node.has("auth")) {
            return HttpCredentials.NONE;
        }
        String field = node.has("auth") ? "auth" : "headers";
        List<URI> urls = remote;
        if (urls.isEmpty()
                || urls.stream()
                        .anyMatch(u ->
                                !"http".equalsIgnoreCase(u.getScheme()) && !"https".equalsIgnoreCase(u.getScheme()))) {
            throw node.error(field, "is for sources read over http or https");
        }
        List<HttpCredentials.Header> headers = new ArrayList<>();
        Set<String> names = new HashSet<>();
        if (node.has("headers")) {
            ConfigNode map = node.child("headers");
            for (String name : map.fieldNames()) {
                if (!HEADER_NAME.matcher(name).matches()) {
                    throw map.error(name, "is not a valid HTTP header name");
                }
                String lower = name.toLowerCase(Locale.ROOT);
                if (RESERVED_HEADERS.contains(lower)) {
                    throw map.error(name, "is a header sluice or HTTP sets itself");
                }
                if (!names.add(lower)) {
                    throw map.error(name, "is given twice");
                }
                ConfigNode value = map.child(name);
                Secret secret;
                if (SecretReader.isReference(value)) {
                    secret = secret(map, name);
                } else if (HttpCredentials.namesACredential(name)) {
                    throw map.error(
                            name,
                            "names a credential, and secrets are never written inline; use {env: NAME}, {file: PATH}"
                                    + " or {aws_secret: ARN, key: FIELD}");
                } else {
                    secret = Secret.of(map.text(name));
                }
                checkHeaderValue(map, name, secret);
                headers.add(new HttpCredentials.Header(name, secret));
            }
        }
        if (node.has("auth")) {
            ConfigNode auth = node.child("auth").allowOnly("bearer", "basic");
            if (auth.has("bearer") == auth.has("basic")) {
                throw node.error(
                        "auth", "needs exactly one of bearer: SECRET and basic: {user: NAME, password: SECRET}");
            }
            if (!names.add("authorization")) {
                throw node.error("auth", "and headers: Authorization are two ways to say one header; keep one");
            }
            Secret value;
            if (auth.has("bearer")) {
                Secret token = secret(auth, "bearer");
                checkHeaderValue(auth, "bearer", token);
                value = Secret.of("Bearer " + token.reveal());
            } else {
                ConfigNode basic = auth.child("basic").allowOnly("user", "password");
                String user = basic.text("user");
                if (user.indexOf(':') >= 0) {
                    throw basic.error(
                            "user", "cannot hold ':' (HTTP basic authentication separates the password with it)");
                }
                Secret password = secret(basic, "password");
                value = Secret.of("Basic "
                        + java.util.Base64.getEncoder()
                                .encodeToString((user + ":" + password.reveal()).getBytes(StandardCharsets.UTF_8)));
                checkHeaderValue(basic, "password", password);
            }
            headers.add(new HttpCredentials.Header("Authorization", value));
        }
        for (URI url : urls) {
            if (!"https".equalsIgnoreCase(url.getScheme()) && !trust.plaintextAllowed(url.getHost())) {
                throw node.error(
                        field,
                        "would send its credentials over plain http to " + url.getHost()
                                + "; use https (or the operator"
                                + " allows plaintext to that host in SLUICE_PLAINTEXT_HOSTS)");
            }
        }
        return new HttpCredentials(headers);
    }

    /**
     * {@code sftp:} of an {@code sftp://} source: the login from secret references, the server's key pinned. One user
     * for all of the source's files: they are one login's.
     */
    private SftpCredentials readSftp(ConfigNode node, List<URI> urls) {
        if (!node.has("sftp")) {
            throw node.error(
                    "an sftp:// source needs  sftp: {password: SECRET, host_key: SHA256:...}  (or private_key:,"
                            + " known_hosts:)");
        }
        java.util.Set<String> users = new java.util.HashSet<>();
        urls.forEach(u -> users.add(u.getUserInfo()));
        if (users.size() > 1) {
            throw node.error(
                    "its files are read by one login; they name several users " + new java.util.TreeSet<>(users));
        }
        ConfigNode sftp =
                node.child("sftp").allowOnly("password", "private_key", "passphrase", "host_key", "known_hosts");
        if (sftp.has("password") == sftp.has("private_key")) {
            throw node.error("sftp", "needs exactly one of password: SECRET and private_key: SECRET");
        }
        if (sftp.has("passphrase") && !sftp.has("private_key")) {
            throw sftp.error("passphrase", "is the private key's");
        }
        if (sftp.has("host_key") == sftp.has("known_hosts")) {
            throw node.error(
                    "sftp",
                    "needs exactly one of host_key: (the server's key fingerprint, SHA256:..., as ssh-keygen -lf prints"
                            + " it) and known_hosts: {file: PATH}; a server is never trusted on first use");
        }
        List<String> fingerprints = new ArrayList<>();
        if (sftp.has("host_key")) {
            List<String> given =
                    sftp.child("host_key").isList() ? sftp.textList("host_key") : List.of(sftp.text("host_key"));
            for (String fingerprint : given) {
                String f = fingerprint.trim();
                if (!f.matches("SHA256:[A-Za-z0-9+/]{43}=?")) {
                    throw sftp.error(
                            "host_key", "'" + f + "' is not a SHA256 fingerprint (SHA256: and 43 base64 characters)");
                }
                fingerprints.add(f.endsWith("=") ? f.substring(0, f.length() - 1) : f);
            }
        }
        Optional<java.nio.file.Path> knownHosts = Optional.empty();
        if (sftp.has("known_hosts")) {
            ConfigNode ref = sftp.child("known_hosts").allowOnly("file");
            java.nio.file.Path path = java.nio.file.Path.of(ref.text("file").trim());
            trust.secretFileRefusal(path).ifPresent(why -> {
                throw ref.error("file", why);
            });
            knownHosts = Optional.of(path);
        }
        return new SftpCredentials(
                urls.get(0).getUserInfo(),
                sftp.has("password") ? Optional.of(secret(sftp, "password")) : Optional.empty(),
                sftp.has("private_key") ? Optional.of(secret(sftp, "private_key")) : Optional.empty(),
                sftp.has("passphrase") ? Optional.of(secret(sftp, "passphrase")) : Optional.empty(),
                fingerprints,
                knownHosts);
    }

    /** A line break in a header's value would end the header: a value may hold none (nor other controls). */
    private static void checkHeaderValue(ConfigNode node, String field, Secret value) {
        String text = value.reveal();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw node.error(field, "holds a control character (a line break?), which an HTTP header cannot");
            }
        }
        if (text.isBlank()) {
            throw node.error(field, "is empty");
        }
    }

    /** A CSV file's text and dialect: a JSON file has none of them, a workbook only header and skip_lines. */
    private static final List<String> TEXT_FIELDS = List.of(
            "encoding",
            "delimiter",
            "quote",
            "escape",
            "header",
            "skip_lines",
            "comment",
            "short_rows",
            "short_header");

    static final List<String> FORMAT_FIELDS = Stream.concat(
                    Stream.of("format", "records", "sheet", "compression", "member"), TEXT_FIELDS.stream())
            .toList();

    private static CsvFormat readFormat(ConfigNode node) {
        CsvFormat d = CsvFormat.DEFAULTS;
        CsvFormat.Compression compression = node.enumValue("compression", CsvFormat.Compression.class, d.compression());
        Optional<String> member = node.optionalText("member").map(String::trim);
        if (member.isPresent()
                && compression != CsvFormat.Compression.ZIP
                && compression != CsvFormat.Compression.AUTO) {
            throw node.error(
                    "member",
                    "names a file inside a zip; this source's compression is "
                            + compression.name().toLowerCase(Locale.ROOT));
        }
        CsvFormat.Syntax syntax = node.has("format")
                ? switch (node.text("format").trim().toLowerCase(Locale.ROOT)) {
                    case "csv" -> CsvFormat.Syntax.CSV;
                    case "json" -> CsvFormat.Syntax.JSON;
                    case "xlsx" -> CsvFormat.Syntax.XLSX;
                    default -> throw node.error("format", "unknown format; expected csv, json or xlsx");
                }
                : CsvFormat.Syntax.CSV;
        for (String textOnly : TEXT_FIELDS) {
            boolean cells =
                    syntax == CsvFormat.Syntax.XLSX && (textOnly.equals("header") || textOnly.equals("skip_lines"));
            if (syntax != CsvFormat.Syntax.CSV && !cells && node.has(textOnly)) {
                throw node.error(
                        textOnly,
                        syntax == CsvFormat.Syntax.JSON
                                ? "is for CSV files; JSON is UTF-8 and names its fields"
                                : "is for CSV files; a workbook's cells need none");
            }
        }
        if (syntax == CsvFormat.Syntax.XLSX
                && compression != CsvFormat.Compression.AUTO
                && compression != CsvFormat.Compression.NONE) {
            throw node.error("compression", "an .xlsx workbook is a zip itself; it is read as it is");
        }
        Optional<String> records = node.optionalText("records").map(String::trim);
        if (records.isPresent() && syntax != CsvFormat.Syntax.JSON) {
            throw node.error("records", "is for JSON files (format: json)");
        }
        if (records.isPresent()) {
            try {
                FieldPath.names(records.get());
            } catch (IllegalArgumentException e) {
                throw node.error(
                        "records",
                        "'" + records.get() + "' is not a path of field names separated by '.': " + e.getMessage());
            }
        }
        if (node.has("sheet")) {
            if (syntax != CsvFormat.Syntax.XLSX) {
                throw node.error("sheet", "is for workbooks (format: xlsx)");
            }
            records = Optional.of(node.text("sheet").trim());
        }
        char delimiter = node.character("delimiter", "\"").orElse(d.delimiter());
        char quote = node.character("quote", String.valueOf(delimiter)).orElse(d.quote());
        if (quote == delimiter) {
            throw node.error("quote", "is the delimiter too");
        }
        Optional<Character> escape = node.character("escape", "" + delimiter + quote);
        Optional<Character> comment = node.character("comment", "" + delimiter + quote);
        CsvFormat.Header header = node.bool("header", true) ? CsvFormat.Header.PRESENT : CsvFormat.Header.ABSENT;
        ShortHeader shortHeader = node.enumValue("short_header", ShortHeader.class, ShortHeader.FAIL);
        if (shortHeader != ShortHeader.FAIL && header == CsvFormat.Header.ABSENT) {
            throw node.error("short_header", "is for a file with a header");
        }
        return new CsvFormat(
                compression,
                member,
                readEncoding(node),
                delimiter,
                quote,
                escape,
                header,
                node.integer("skip_lines", 0, 0, 10_000),
                comment,
                // A sheet's row ends at its last value: its empty trailing cells are no shorter row.
                syntax == CsvFormat.Syntax.XLSX
                        ? ShortRows.PAD
                        : node.enumValue("short_rows", ShortRows.class, ShortRows.FAIL),
                shortHeader,
                syntax,
                records);
    }

    /**
     * A declared encoding: one that writes the ASCII characters of CSV syntax as single bytes (UTF-16 does not, and
     * sluice rejects its NUL bytes before anything parses them).
     */
    private static Charset readEncoding(ConfigNode node) {
        if (!node.has("encoding")) {
            return StandardCharsets.UTF_8;
        }
        String name = node.text("encoding").trim();
        Charset charset;
        try {
            charset = Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw node.error(
                    "encoding", "unknown encoding '" + name + "'; for example utf-8, windows-1252," + " iso-8859-1");
        }
        byte[] ascii = ",\"\n".getBytes(charset);
        if (ascii.length != 3 || ascii[0] != ',' || ascii[1] != '"' || ascii[2] != '\n') {
            throw node.error(
                    "encoding",
                    "'" + name + "' does not write CSV's characters as single bytes; convert" + " the file to UTF-8");
        }
        return charset;
    }

    private static void checkDecreaseRules(ConfigNode node, List<ColumnSpec> columns, List<String> key) {
        boolean anyRule = columns.stream().anyMatch(c -> c.onDecrease() != DecreasePolicy.ALLOW);
        if (!anyRule) {
            return;
        }
        long dateKeys = columns.stream()
                .filter(c -> key.contains(c.name()) && c.type() == ColumnType.DATE)
                .count();
        if (dateKeys != 1) {
            throw node.error("key", "on_decrease needs exactly one date column in the key to order the series by");
        }
    }

    /**
     * A filter names a header; in a file without one, it names a declared column (whose position finds it).
     */
    private static RowFilter readFilter(ConfigNode node, CsvFormat.Header header, List<ColumnSpec> columns) {
        node.allowOnly("column", "equals", "in", "empty");
        String column = node.text("column").trim();
        if (header == CsvFormat.Header.ABSENT
                && columns.stream().noneMatch(c -> c.header().equals(column))) {
            throw node.error(
                    "column",
                    "'" + column + "' is not a declared column; a file without a header is"
                            + " filtered on declared columns only");
        }
        int tests = (node.has("equals") ? 1 : 0) + (node.has("in") ? 1 : 0) + (node.has("empty") ? 1 : 0);
        if (tests != 1) {
            throw node.error("needs exactly one of equals, in, empty");
        }
        if (node.has("equals")) {
            return new RowFilter(
                    column, RowFilter.Test.EQUALS, List.of(node.text("equals").trim()));
        }
        if (node.has("in")) {
            return new RowFilter(
                    column,
                    RowFilter.Test.IN,
                    node.textList("in").stream().map(String::trim).toList());
        }
        return new RowFilter(
                column, node.bool("empty", true) ? RowFilter.Test.EMPTY : RowFilter.Test.NOT_EMPTY, List.of());
    }

    private static FetchSettings readFetch(ConfigNode source) {
        if (!source.has("fetch")) {
            return FetchSettings.DEFAULTS;
        }
        ConfigNode node = source.child("fetch");
        node.allowOnly(
                "connect_timeout",
                "read_timeout",
                "deadline",
                "min_rate",
                "min_rate_over",
                "attempts",
                "backoff",
                "max_backoff",
                "max_retry_after",
                "max_bytes",
                "max_ratio");
        FetchSettings d = FetchSettings.DEFAULTS;
        Duration deadline = node.duration("deadline", d.deadline());
        if (deadline.isZero()) {
            throw node.error("deadline", "must be longer than zero");
        }
        Duration over = node.duration("min_rate_over", d.minRate().over());
        if (over.toSeconds() < 1) {
            throw node.error("min_rate_over", "must be a second or longer");
        }
        return new FetchSettings(
                node.duration("connect_timeout", d.connectTimeout()),
                node.duration("read_timeout", d.readTimeout()),
                deadline,
                new FetchSettings.MinimumRate(node.rate("min_rate", d.minRate().bytesPerSecond()), over),
                node.integer("attempts", d.attempts(), 1, 20),
                node.duration("backoff", d.backoffBase()),
                node.duration("max_backoff", d.backoffMax()),
                node.duration("max_retry_after", d.maxRetryAfter()),
                node.bytes("max_bytes", d.maxBytes()),
                node.integer("max_ratio", d.maxRatio(), 2, 100_000));
    }
}
