package dev.sluice.extract;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * Removes what may be a secret from a URL before it is shown, logged or stored: the user-info part and the values
 * of query parameters whose names suggest a credential ({@code token}, {@code key}, {@code sig}, ...).
 */
public final class UrlRedactor {
    private static final Pattern SECRET_PARAM = Pattern.compile(
            "(?i)([?&][^=&#]*(?:token|key|secret|passw|pwd|sig|auth|credential|session)[^=&#]*=)[^&#]*");

    private static final Pattern USER_INFO = Pattern.compile("(//)[^/@\\s]+@");

    private UrlRedactor() {}

    /** Text that holds URLs (a list, a template with {@code {date:...}}, which is not a URL itself), redacted. */
    public static String redactText(String text) {
        return SECRET_PARAM
                .matcher(USER_INFO.matcher(text).replaceAll("$1***@"))
                .replaceAll("$1***");
    }

    public static String redact(URI url) {
        String text = url.toString();
        if (url.getRawUserInfo() != null) {
            text = text.replace(url.getRawUserInfo() + "@", "***@");
        }
        return SECRET_PARAM.matcher(text).replaceAll("$1***");
    }
}
