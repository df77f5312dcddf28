package dev.sluice.history;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One row a run inserted, updated or deleted, from the change log: its key and its values before (null for an
 * insert) and after (null for a delete).
 */
public record Change(long runId, int seq, Operation operation, JsonNode key, JsonNode oldValues, JsonNode newValues) {
    public enum Operation {
        INSERT,
        UPDATE,
        /** A key the mode deleted or closed: old values only. */
        DELETE
    }
}
