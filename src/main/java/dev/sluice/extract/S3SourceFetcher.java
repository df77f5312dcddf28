package dev.sluice.extract;

import dev.sluice.config.FetchSettings;
import dev.sluice.config.SourceSpec;
import dev.sluice.config.Units;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Fetches an {@code s3://BUCKET/KEY} source with the AWS SDK: a conditional GET by ETag ({@code If-None-Match}, which
 * S3 answers with 304), the same size limit and deadline as HTTP sources, and the SDK's own retries (as many
 * attempts as {@code fetch.attempts}). Credentials come from the environment sluice was given, else the SDK's
 * default chain; the endpoint can be another one (a test's, or an S3-compatible store), addressed by path.
 */
final class S3SourceFetcher implements RemoteFetcher {
    private final S3Access access;
    private S3Client client;

    S3SourceFetcher(S3Access access) {
        this.access = access;
    }

    @Override
    public Fetched fetch(
            SourceSpec source,
            URI url,
            String shownUrl,
            Optional<SourceState> conditional,
            Path file,
            AttemptObserver observer) {
        FetchSettings settings = source.fetch();
        String bucket = url.getHost();
        String key = url.getPath().substring(1);
        GetObjectRequest.Builder request =
                GetObjectRequest.builder().bucket(bucket).key(key);
        conditional.flatMap(SourceState::etag).ifPresent(request::ifNoneMatch);
        long deadline = System.nanoTime() + settings.deadline().toNanos();
        try (ResponseInputStream<GetObjectResponse> body = client(settings).getObject(request.build())) {
            GetObjectResponse response = body.response();
            if (response.contentLength() != null && response.contentLength() > settings.maxBytes()) {
                throw new SourceRejectedException(
                        dev.sluice.ErrorKind.TOO_LARGE,
                        source.name(),
                        source.name() + ": " + shownUrl + " is " + response.contentLength() + " bytes, over the limit"
                                + " of " + Units.formatSize(settings.maxBytes()) + " (fetch.max_bytes)");
            }
            observer.attemptStarted();
            BodyCopier.Copied copied = BodyCopier.copy(source.name(), body, file, settings.maxBytes(), bytes -> {
                if (System.nanoTime() - deadline > 0) {
                    throw SourceUnavailableException.lastingFailure(
                            source.name(),
                            source.name() + ": " + shownUrl + ": no body within fetch.deadline ("
                                    + Units.format(settings.deadline()) + ")",
                            null);
                }
                observer.copied(bytes);
            });
            if (response.contentLength() != null && copied.bytes() != response.contentLength()) {
                throw SourceUnavailableException.transientFailure(
                        source.name(),
                        source.name() + ": " + shownUrl + ": the body was cut off: " + copied.bytes() + " of "
                                + response.contentLength() + " bytes",
                        null);
            }
            BodySniffer.check(
                    source.name(), source.format().syntax(), copied.bytes(), copied.prefix(), copied.prefixLength());
            return new Fetched.Received(
                    new Download.Validators(Optional.ofNullable(response.eTag()), Optional.empty()), copied);
        } catch (NoSuchKeyException e) {
            throw SourceUnavailableException.missing(
                    source.name(), source.name() + ": " + shownUrl + ": no such object", null);
        } catch (NoSuchBucketException e) {
            throw SourceUnavailableException.lastingFailure(
                    source.name(), source.name() + ": " + shownUrl + ": no such bucket", null);
        } catch (S3Exception e) {
            if (e.statusCode() == 304 && conditional.isPresent()) {
                return new Fetched.NotModified(new Download.Validators(
                        conditional.get().etag(), conditional.get().lastModified()));
            }
            if (e.statusCode() == 404) {
                throw SourceUnavailableException.missing(
                        source.name(), source.name() + ": " + shownUrl + ": not found (404)", null);
            }
            String code =
                    e.awsErrorDetails() == null ? "" : " " + e.awsErrorDetails().errorCode();
            // The SDK's message quotes the request id and the service's text; the status and code say enough.
            throw e.statusCode() >= 500 || e.statusCode() == 429
                    ? SourceUnavailableException.transientFailure(
                            source.name(), source.name() + ": " + shownUrl + ": S3 " + e.statusCode() + code, null)
                    : SourceUnavailableException.lastingFailure(
                            source.name(), source.name() + ": " + shownUrl + ": S3 " + e.statusCode() + code, null);
        } catch (SdkClientException e) {
            throw SourceUnavailableException.transientFailure(
                    source.name(), source.name() + ": " + shownUrl + ": " + e.getMessage(), null);
        } catch (SdkException e) {
            throw SourceUnavailableException.transientFailure(
                    source.name(),
                    source.name() + ": " + shownUrl + ": " + e.getClass().getSimpleName(),
                    null);
        } catch (IOException e) {
            throw SourceUnavailableException.transientFailure(
                    source.name(),
                    source.name() + ": " + shownUrl + ": the connection broke while reading the body: "
                            + e.getMessage(),
                    null);
        }
    }

    /** One client, made on first use with the first S3 source's timeouts. */
    private synchronized S3Client client(FetchSettings settings) {
        if (client == null) {
            S3ClientBuilder builder = S3Client.builder()
                    .httpClient(UrlConnectionHttpClient.builder()
                            .connectionTimeout(settings.connectTimeout())
                            .socketTimeout(settings.readTimeout())
                            .build())
                    .credentialsProvider(access.credentials().get())
                    .overrideConfiguration(c -> c.retryStrategy(b -> b.maxAttempts(settings.attempts())))
                    .region(access.region().map(Region::of).orElseGet(S3SourceFetcher::defaultRegion));
            access.endpoint()
                    .ifPresent(endpoint -> builder.endpointOverride(endpoint).forcePathStyle(true));
            client = builder.build();
        }
        return client;
    }

    private static Region defaultRegion() {
        try {
            return DefaultAwsRegionProviderChain.builder().build().getRegion();
        } catch (SdkClientException none) {
            return Region.US_EAST_1;
        }
    }
}
