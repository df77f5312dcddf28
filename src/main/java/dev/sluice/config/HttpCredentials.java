package dev.sluice.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The headers an HTTP source sends with each request: its {@code headers:} and, from {@code auth:}, an
 * {@code Authorization} header. Every value is held as a {@link Secret}, so printing them prints {@code ***}. They go
 * only to the source's own origin: the fetcher drops them on a redirect to another host, and a pipeline is refused
 * when they would travel without TLS to a host the operator did not allow plaintext to.
 */
public record HttpCredentials(List<Header> headers) implements SourceCredentials {
    public static final HttpCredentials NONE = new HttpCredentials(List.of());

    /** One header: its name as written, its value never shown. */
    public record Header(String name, Secret value) {
        public Header {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    public HttpCredentials {
        headers = List.copyOf(headers);
    }

    @Override
    public boolean isEmpty() {
        return headers.isEmpty();
    }

    /** The headers' names, for messages: what a source sends, never what it says. */
    @Override
    public List<String> names() {
        return headers.stream().map(Header::name).toList();
    }

    /**
     * Whether a header's value is a credential by its name, and so must come from a secret reference: what
     * authenticates, whatever a provider calls it.
     */
    static boolean namesACredential(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.equals("authorization")
                || lower.equals("proxy-authorization")
                || lower.equals("cookie")
                || lower.contains("key")
                || lower.contains("token")
                || lower.contains("secret")
                || lower.contains("auth")
                || lower.contains("password")
                || lower.contains("session")
                || lower.contains("signature");
    }
}
