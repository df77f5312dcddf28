package dev.sluice.cli;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import dev.sluice.app.Wiring;
import dev.sluice.init.CredentialOptions;
import dev.sluice.init.Initializer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sluice init URL... [--name NAME] [--out FILE]}: a first pipeline file from a feed, with what was guessed and
 * why. Without {@code --out} the file goes to standard output and the reasons to standard error, so it can be piped.
 */
@Command(
        name = "init",
        description = "Read a CSV file (or several with one header: one source), guess its format, types and key,"
                + " and write a pipeline file that loads it.",
        footer = {
            "",
            "Examples:",
            "  sluice init https://example.org/daily.csv --out daily.yaml",
            "  sluice init s3://bucket/feed/2024-01-01.csv --name feed",
            "  sluice init https://api.example.org/daily.csv --bearer env:FEED_TOKEN",
            "  sluice init 'sftp://etl@files.example.org/out/daily-*.csv' \\",
            "      --sftp-password env:SFTP_PASSWORD --host-key SHA256:..."
        })
public final class InitCommand implements Callable<Integer> {
    private final Wiring wiring;
    private final Terminal terminal;

    @Parameters(
            arity = "1..*",
            paramLabel = "URL",
            description = "https:, http:, s3:, sftp: or file: URLs, or local paths")
    List<String> locations;

    @Option(names = "--name", description = "the pipeline's name (default: from the file's name)")
    Optional<String> name = Optional.empty();

    @Option(names = "--out", paramLabel = "FILE", description = "write the pipeline file here (default: stdout)")
    Optional<Path> out = Optional.empty();

    @Option(names = "--force", description = "replace --out if it exists")
    boolean force;

    @Option(
            names = "--header",
            paramLabel = "NAME=REF",
            description = "send this header; REF is env:VARIABLE, file:PATH or aws_secret:ARN#FIELD (lent as for"
                    + " pipeline files), or a plain value for a header that is no credential")
    List<String> headers = List.of();

    @Option(
            names = "--bearer",
            paramLabel = "REF",
            description = "send a bearer token: env:VARIABLE, file:PATH or" + " aws_secret:ARN#FIELD")
    Optional<String> bearer = Optional.empty();

    @Option(
            names = "--basic",
            paramLabel = "USER=REF",
            description = "HTTP basic authentication; the password by" + " reference, as for --bearer")
    Optional<String> basic = Optional.empty();

    @Option(
            names = "--sftp-password",
            paramLabel = "REF",
            description = "an sftp:// URL's password by reference, as for --bearer")
    Optional<String> sftpPassword = Optional.empty();

    @Option(
            names = "--private-key",
            paramLabel = "REF",
            description = "an sftp:// URL's private key (OpenSSH or PEM) by reference, as for --bearer")
    Optional<String> privateKey = Optional.empty();

    @Option(names = "--passphrase", paramLabel = "REF", description = "the private key's passphrase by reference")
    Optional<String> passphrase = Optional.empty();

    @Option(
            names = "--host-key",
            paramLabel = "SHA256:...",
            description = "the sftp:// server's key fingerprint (repeatable); a server is never trusted on first use")
    List<String> hostKeys = List.of();

    @Option(
            names = "--known-hosts",
            paramLabel = "PATH",
            description = "a known_hosts file naming the sftp:// server's key (under SLUICE_SECRET_DIRS)")
    Optional<String> knownHosts = Optional.empty();

    public InitCommand(Wiring wiring, Terminal terminal) {
        this.wiring = wiring;
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        name.ifPresent(InitCommand::checkName);
        Path directory =
                out.map(p -> p.toAbsolutePath().getParent()).orElse(Path.of("").toAbsolutePath());
        Initializer.Result result = wiring.initializer()
                .initialize(new Initializer.Request(
                        locations,
                        name,
                        directory,
                        new CredentialOptions(
                                headers,
                                bearer,
                                basic,
                                new CredentialOptions.SftpLogin(
                                        sftpPassword, privateKey, passphrase, hostKeys, knownHosts))));
        PrintStream notes = out.isPresent() ? terminal.out() : terminal.err();
        result.reasons().forEach(reason -> notes.println("  " + reason));
        if (out.isEmpty()) {
            terminal.out().print(result.yaml());
        } else {
            write(out.get(), result.yaml());
            notes.println("wrote " + out.get() + "; next:  sluice run --pipeline " + out.get());
        }
        return 0;
    }

    private static void checkName(String name) {
        if (!name.matches("[a-z0-9][a-z0-9_-]{0,62}")) {
            throw new SluiceException(
                    ErrorKind.CONFIG,
                    "--name must be lower-case letters, digits, '-' or '_', at most 63, found '" + name + "'");
        }
    }

    private void write(Path file, String yaml) {
        try {
            if (force) {
                Files.writeString(file, yaml, StandardCharsets.UTF_8);
            } else {
                Files.writeString(file, yaml, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
            }
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new SluiceException(ErrorKind.CONFIG, file + " exists; choose another --out, or add --force");
        } catch (IOException e) {
            throw new SluiceException(ErrorKind.LOCAL_IO, "cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
