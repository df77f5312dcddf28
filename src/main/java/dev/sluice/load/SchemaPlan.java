package dev.sluice.load;

import dev.sluice.config.TargetSpec;
import java.util.List;
import java.util.Optional;

/**
 * What a run will do to its target's schema, decided before anything is written: create the table, run these
 * statements (add a column, let one hold NULL), or fail. {@code sluice check --db} shows it; the load carries it out.
 *
 * @param creates    whether the table does not exist yet
 * @param statements the DDL that brings an existing table in line, in order
 * @param warnings   what the run will say it changed
 * @param failure    why the table cannot hold what the pipeline loads
 */
public record SchemaPlan(
        boolean creates, List<String> statements, List<String> warnings, Optional<TargetSchemaException> failure) {
    public SchemaPlan {
        statements = List.copyOf(statements);
        warnings = List.copyOf(warnings);
    }

    static SchemaPlan create(TargetSpec target) {
        return new SchemaPlan(true, List.of(TargetTable.createStatement(target)), List.of(), Optional.empty());
    }

    static SchemaPlan failing(TargetSchemaException failure) {
        return new SchemaPlan(false, List.of(), List.of(), Optional.of(failure));
    }

    /** What {@code sluice check --db} prints. */
    public List<String> describe() {
        if (failure.isPresent()) {
            return List.of("a run would fail: " + failure.get().getMessage());
        }
        if (creates) {
            return List.of("the table does not exist; a run creates it: " + statements.get(0));
        }
        if (statements.isEmpty()) {
            return List.of("the table exists and matches the pipeline; a run changes nothing in its schema");
        }
        return statements.stream().map(s -> "a run would: " + s).toList();
    }
}
