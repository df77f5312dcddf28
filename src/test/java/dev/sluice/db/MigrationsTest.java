package dev.sluice.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class MigrationsTest {
    @Test
    void the_scripts_listed_are_the_files_in_order() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src", "main", "resources", "db", "migration"))) {
            assertThat(files.map(p -> p.getFileName().toString())
                            .sorted((a, b) -> Integer.compare(version(a), version(b))))
                    .containsExactlyElementsOf(Migrations.SCRIPTS);
        }
        for (int i = 0; i < Migrations.SCRIPTS.size(); i++) {
            assertThat(version(Migrations.SCRIPTS.get(i))).isEqualTo(i + 1);
        }
        assertThat(Migrations.LATEST).isEqualTo(Migrations.SCRIPTS.size());
    }

    private static int version(String name) {
        return Integer.parseInt(name.substring(1, name.indexOf("__")));
    }

    /**
     * The checksums Flyway 13 recorded when it applied these scripts (read from sluice.flyway_schema_history of a
     * database it migrated, 2026-12-01): a database migrated by either carries the same records.
     */
    @Test
    void checksums_are_the_ones_flyway_recorded() throws IOException {
        int[] flyway = {-1851133253, -2018142209, 1169263471, 808640261};
        for (int i = 0; i < flyway.length; i++) {
            String sql = Files.readString(
                    Path.of("src", "main", "resources", "db", "migration", Migrations.SCRIPTS.get(i)),
                    StandardCharsets.UTF_8);
            assertThat(Migrations.checksum(sql)).as(Migrations.SCRIPTS.get(i)).isEqualTo(flyway[i]);
        }
    }
}
