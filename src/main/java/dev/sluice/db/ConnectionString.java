package dev.sluice.db;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import dev.sluice.config.Secret;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * A database address as people write it, read as pgjdbc needs it: a JDBC URL ({@code jdbc:postgresql://...}) as it
 * is, a libpq URI ({@code postgres://user@host:5432/db?sslmode=require}, what psql and every other PostgreSQL tool
 * take) or a libpq key/value string ({@code host=db port=5432 dbname=sales user=etl}). The user and password of
 * the last two are taken out of the URL, so a message that quotes it cannot quote them; a libpq parameter pgjdbc has
 * no equivalent for is refused by name rather than ignored.
 *
 * @param jdbcUrl  the JDBC URL, without credentials when they came in a libpq form
 * @param user     the user the address named
 * @param password the password the address held
 */
public record ConnectionString(String jdbcUrl, Optional<String> user, Optional<Secret> password) {
    private static final String FORMS =
            "expected jdbc:postgresql://HOST:PORT/DB, postgres://USER@HOST:PORT/DB or 'host=HOST port=PORT dbname=DB'";

    /** libpq's parameter names and pgjdbc's for the same thing. */
    private static final Map<String, String> PARAMETERS = Map.ofEntries(
            Map.entry("sslmode", "sslmode"),
            Map.entry("sslcert", "sslcert"),
            Map.entry("sslkey", "sslkey"),
            Map.entry("sslrootcert", "sslrootcert"),
            Map.entry("sslpassword", "sslpassword"),
            Map.entry("connect_timeout", "connectTimeout"),
            Map.entry("application_name", "ApplicationName"),
            Map.entry("options", "options"),
            Map.entry("target_session_attrs", "targetServerType"),
            Map.entry("gssencmode", "gssEncMode"),
            Map.entry("channel_binding", "channelBinding"),
            Map.entry("keepalives", "tcpKeepAlive"));

    public static ConnectionString parse(String address) {
        String trimmed = address.strip();
        String lower = trimmed.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:postgresql:")) {
            return new ConnectionString(trimmed, Optional.empty(), Optional.empty());
        }
        if (lower.startsWith("jdbc:")) {
            throw problem("is a JDBC URL of another database; sluice loads PostgreSQL (" + FORMS + ")");
        }
        if (lower.startsWith("postgres://") || lower.startsWith("postgresql://")) {
            return fromUri(trimmed.substring(trimmed.indexOf("://") + 3));
        }
        if (trimmed.contains("=") && !trimmed.contains("://")) {
            return fromKeywords(keywords(trimmed));
        }
        throw problem("is not a PostgreSQL address (" + FORMS + ")");
    }

    /** {@code [user[:password]@][host[:port][,...]][/dbname][?param=value&...]}, percent-encoded. */
    private static ConnectionString fromUri(String rest) {
        Map<String, String> values = new LinkedHashMap<>();
        int query = rest.indexOf('?');
        String beforeQuery = query < 0 ? rest : rest.substring(0, query);
        if (query >= 0) {
            for (String pair : rest.substring(query + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw problem("has a parameter without a value: " + decode(pair));
                }
                values.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
            }
        }
        int at = beforeQuery.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = beforeQuery.substring(0, at);
            int colon = userInfo.indexOf(':');
            values.putIfAbsent("user", decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
            if (colon >= 0) {
                values.putIfAbsent("password", decode(userInfo.substring(colon + 1)));
            }
            beforeQuery = beforeQuery.substring(at + 1);
        }
        int slash = beforeQuery.indexOf('/');
        String hosts = slash < 0 ? beforeQuery : beforeQuery.substring(0, slash);
        if (slash >= 0 && slash < beforeQuery.length() - 1) {
            values.putIfAbsent("dbname", decode(beforeQuery.substring(slash + 1)));
        }
        if (!hosts.isEmpty()) {
            values.putIfAbsent("hostaddrs", decode(hosts));
        }
        return fromKeywords(values);
    }

    /** libpq's {@code keyword = value} pairs, a value in single quotes where it holds spaces ({@code \'} inside). */
    private static Map<String, String> keywords(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i == n) {
                break;
            }
            int eq = text.indexOf('=', i);
            if (eq < 0) {
                throw problem("has a word without '=': " + text.substring(i).split("\\s")[0]);
            }
            String key = text.substring(i, eq).strip();
            i = eq + 1;
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            StringBuilder value = new StringBuilder();
            if (i < n && text.charAt(i) == '\'') {
                i++;
                while (i < n && text.charAt(i) != '\'') {
                    if (text.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    value.append(text.charAt(i++));
                }
                if (i == n) {
                    throw problem("has a quoted value of '" + key + "' that does not end");
                }
                i++;
            } else {
                while (i < n && !Character.isWhitespace(text.charAt(i))) {
                    if (text.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    value.append(text.charAt(i++));
                }
            }
            values.put(key, value.toString());
        }
        return values;
    }

    private static ConnectionString fromKeywords(Map<String, String> given) {
        Map<String, String> values = new LinkedHashMap<>(given);
        String hostAddrs = values.remove("hostaddrs");
        String host = values.remove("host");
        String port = values.remove("port");
        String dbname = values.remove("dbname");
        Optional<String> user = Optional.ofNullable(values.remove("user")).filter(s -> !s.isEmpty());
        Optional<Secret> password = Optional.ofNullable(values.remove("password"))
                .filter(s -> !s.isEmpty())
                .map(Secret::of);
        List<String> hosts = new ArrayList<>();
        if (hostAddrs != null) {
            hosts.addAll(List.of(hostAddrs.split(",")));
        } else {
            List<String> names = host == null ? List.of("localhost") : List.of(host.split(","));
            List<String> ports = port == null ? List.of() : List.of(port.split(","));
            for (int i = 0; i < names.size(); i++) {
                String p = ports.isEmpty() ? null : ports.get(Math.min(i, ports.size() - 1));
                hosts.add(names.get(i) + (p == null || p.isEmpty() ? "" : ":" + p));
            }
        }
        for (String h : hosts) {
            if (h.startsWith("/")) {
                throw problem("names a Unix socket (" + h + "); pgjdbc connects over TCP: give a host name and port");
            }
        }
        StringJoiner parameters = new StringJoiner("&", "?", "").setEmptyValue("");
        for (Map.Entry<String, String> e : values.entrySet()) {
            String name = PARAMETERS.get(e.getKey());
            if (name == null) {
                throw problem("has the parameter '" + e.getKey() + "', which sluice cannot pass on to pgjdbc (it"
                        + " takes "
                        + String.join(
                                ", ", PARAMETERS.keySet().stream().sorted().toList()) + ")");
            }
            parameters.add(name + "=" + encode(jdbcValue(e.getKey(), e.getValue())));
        }
        String url = "jdbc:postgresql://" + String.join(",", hosts) + "/" + encode(dbname == null ? "" : dbname)
                + parameters;
        return new ConnectionString(url, user, password);
    }

    /** Values whose spelling differs between libpq and pgjdbc. */
    private static String jdbcValue(String key, String value) {
        if (key.equals("target_session_attrs")) {
            return switch (value) {
                case "read-write", "primary" -> "primary";
                case "read-only", "standby" -> "secondary";
                case "prefer-standby" -> "preferSecondary";
                default -> "any";
            };
        }
        if (key.equals("keepalives")) {
            return value.equals("0") ? "false" : "true";
        }
        return value;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw problem("has a malformed percent-escape");
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Never quotes the address: it may hold a password. */
    private static SluiceException problem(String what) {
        return new SluiceException(ErrorKind.CONFIG, "the database address " + what);
    }
}
