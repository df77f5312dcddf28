package dev.sluice.history;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A run's W3C trace context, derived from the run itself (its pipeline, id and start): the trace its spans are
 * exported in, and the {@code traceparent} a webhook delivery of it carries, agree without being stored, whichever
 * process delivers it and however late.
 *
 * @param traceId    32 hex digits
 * @param rootSpanId 16 hex digits: the run's own span, parent of its phases'
 */
public record RunTrace(String traceId, String rootSpanId) {

    public static RunTrace of(Run run) {
        return of(run.pipeline(), run.id(), run.startedAt().toEpochMilli());
    }

    public static RunTrace of(String pipeline, long runId, long startedAtMillis) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256")
                    .digest((pipeline + "|" + runId + "|" + startedAtMillis).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        HexFormat hex = HexFormat.of();
        return new RunTrace(hex.formatHex(digest, 0, 16), hex.formatHex(digest, 16, 24));
    }

    /** The W3C {@code traceparent} header's value: version 00, sampled. */
    public String traceparent() {
        return "00-" + traceId + "-" + rootSpanId + "-01";
    }
}
