package dev.sluice.load;

import java.util.List;
import java.util.Map;

/**
 * What a load read, by source: the sha256 of each of its files, in the order its rows were staged. An append table
 * adds each file once: a file it already holds is left out, whatever the run was asked.
 */
public record Publications(Map<String, List<String>> sha256) {
    public static final Publications UNKNOWN = new Publications(Map.of());

    public Publications {
        sha256 = Map.copyOf(sha256);
    }

    List<String> of(String source) {
        return sha256.getOrDefault(source, List.of());
    }
}
