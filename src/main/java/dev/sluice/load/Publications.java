package dev.sluice.load;

import java.util.List;
import java.util.Map;

/**
 * What a load read, by source: the sha256 of each of its files and the name the run gives each (its URL, without
 * credentials), in the order its rows were staged. An append table adds each file once: a file it already holds is
 * left out, whatever the run was asked. A provenance column names each row's file.
 */
public record Publications(Map<String, List<String>> sha256, Map<String, List<String>> files) {
    public static final Publications UNKNOWN = new Publications(Map.of(), Map.of());

    public Publications {
        sha256 = Map.copyOf(sha256);
        files = Map.copyOf(files);
    }

    List<String> of(String source) {
        return sha256.getOrDefault(source, List.of());
    }

    List<String> filesOf(String source) {
        return files.getOrDefault(source, List.of());
    }
}
