package dev.sluice.history;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One row a run inserted or updated, from the change log: its key and its values before (null for an insert) and
 * after.
 */
public record Change(long runId, int seq, Operation operation, JsonNode key, JsonNode oldValues, JsonNode newValues) {
    public enum Operation {
        INSERT,
        UPDATE,
        /** A key the mode deleted or closed: old values only. */
        DELETE
    }
}
