package dev.sluice.init;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The credentials {@code sluice init} sends a feed, as the secret references a pipeline file holds: given on the
 * command line by reference ({@code env:NAME}, {@code file:PATH}, {@code aws_secret:ARN#FIELD}), never by value, since
 * a command line is visible to every user of the machine. Written into the guessed file as {@code headers:},
 * {@code auth:} or {@code sftp:}; resolved by reading those lines as a run would.
 *
 * @param headers {@code NAME=REFERENCE} or {@code NAME=plain value} for a header that is no credential
 * @param bearer  a reference to a bearer token
 * @param basic   {@code USER=REFERENCE} for HTTP basic authentication
 * @param sftp    an {@code sftp://} source's login and its server's key
 */
public record CredentialOptions(List<String> headers, Optional<String> bearer, Optional<String> basic, SftpLogin sftp) {
    public static final CredentialOptions NONE =
            new CredentialOptions(List.of(), Optional.empty(), Optional.empty(), SftpLogin.NONE);

    /**
     * An SFTP login as {@code sftp:} holds it.
     *
     * @param password   a reference to the password
     * @param privateKey a reference to the private key
     * @param passphrase a reference to the private key's passphrase
     * @param hostKeys   the server's key fingerprints ({@code SHA256:...}), public: written as given
     * @param knownHosts a known_hosts file's path
     */
    public record SftpLogin(
            Optional<String> password,
            Optional<String> privateKey,
            Optional<String> passphrase,
            List<String> hostKeys,
            Optional<String> knownHosts) {
        public static final SftpLogin NONE =
                new SftpLogin(Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Optional.empty());

        public SftpLogin {
            hostKeys = List.copyOf(hostKeys);
        }

        boolean isEmpty() {
            return equals(NONE);
        }

        /** The {@code sftp:} lines; what is missing or twice is said by the pipeline reader, in its words. */
        private String yaml() {
            StringBuilder out = new StringBuilder("    sftp:\n");
            password.ifPresent(ref -> out.append("      password: ")
                    .append(reference("--sftp-password", ref))
                    .append('\n'));
            privateKey.ifPresent(ref -> out.append("      private_key: ")
                    .append(reference("--private-key", ref))
                    .append('\n'));
            passphrase.ifPresent(ref -> out.append("      passphrase: ")
                    .append(reference("--passphrase", ref))
                    .append('\n'));
            if (!hostKeys.isEmpty()) {
                out.append("      host_key: [")
                        .append(String.join(
                                ", ",
                                hostKeys.stream().map(PipelineText::quoted).toList()))
                        .append("]\n");
            }
            knownHosts.ifPresent(path -> out.append("      known_hosts: { file: ")
                    .append(PipelineText.quoted(path))
                    .append(" }\n"));
            return out.toString();
        }
    }

    public CredentialOptions {
        headers = List.copyOf(headers);
    }

    public CredentialOptions(List<String> headers, Optional<String> bearer, Optional<String> basic) {
        this(headers, bearer, basic, SftpLogin.NONE);
    }

    boolean isEmpty() {
        return !isHttp() && sftp.isEmpty();
    }

    /** Whether any option is HTTP's. */
    boolean isHttp() {
        return !headers.isEmpty() || bearer.isPresent() || basic.isPresent();
    }

    /** The source's {@code headers:}, {@code auth:} and {@code sftp:} lines, indented for a source. */
    String yaml() {
        StringBuilder out = new StringBuilder();
        if (!sftp.isEmpty()) {
            out.append(sftp.yaml());
        }
        if (!headers.isEmpty()) {
            out.append("    headers:\n");
            for (String header : headers) {
                int equals = header.indexOf('=');
                if (equals <= 0) {
                    throw usage("--header takes NAME=env:VARIABLE (or file:PATH, aws_secret:ARN#FIELD), found '"
                            + header.substring(0, Math.max(0, equals)) + "...'");
                }
                String value = header.substring(equals + 1);
                out.append("      ")
                        .append(PipelineText.quoted(header.substring(0, equals).strip()))
                        .append(": ")
                        .append(isReference(value) ? reference("--header", value) : PipelineText.quoted(value))
                        .append('\n');
            }
        }
        bearer.ifPresent(ref -> out.append("    auth: { bearer: ")
                .append(reference("--bearer", ref))
                .append(" }\n"));
        basic.ifPresent(userAndRef -> {
            int equals = userAndRef.indexOf('=');
            if (equals <= 0) {
                throw usage("--basic takes USER=env:VARIABLE (or file:PATH, aws_secret:ARN#FIELD)");
            }
            out.append("    auth: { basic: { user: ")
                    .append(PipelineText.quoted(userAndRef.substring(0, equals)))
                    .append(", password: ")
                    .append(reference("--basic", userAndRef.substring(equals + 1)))
                    .append(" } }\n");
        });
        if (bearer.isPresent() && basic.isPresent()) {
            throw usage("--bearer and --basic are two ways to authenticate; give one");
        }
        return out.toString();
    }

    private static boolean isReference(String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        return lower.startsWith("env:") || lower.startsWith("file:") || lower.startsWith("aws_secret:");
    }

    /** A reference as YAML; a value that is not one is refused without being repeated. */
    private static String reference(String option, String ref) {
        if (ref.startsWith("env:")) {
            return "{ env: " + PipelineText.quoted(ref.substring(4)) + " }";
        }
        if (ref.startsWith("file:")) {
            return "{ file: " + PipelineText.quoted(ref.substring(5)) + " }";
        }
        if (ref.startsWith("aws_secret:") && ref.indexOf('#') > 0) {
            int hash = ref.lastIndexOf('#');
            return "{ aws_secret: " + PipelineText.quoted(ref.substring("aws_secret:".length(), hash)) + ", key: "
                    + PipelineText.quoted(ref.substring(hash + 1)) + " }";
        }
        throw usage(option + " takes a reference to a secret (env:VARIABLE, file:PATH or aws_secret:ARN#FIELD), never"
                + " the secret itself: a command line is visible to every user of the machine");
    }

    private static SluiceException usage(String message) {
        return new SluiceException(ErrorKind.CONFIG, message);
    }
}
