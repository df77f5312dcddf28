package dev.sluice.db;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DatabaseSettingsTest {
    @Test
    void a_url_loses_its_password_whole_whatever_it_holds() {
        // pgjdbc separates parameters with '&' only: a ';' belongs to the password (security finding 5).
        assertThat(DatabaseSettings.redact("jdbc:postgresql://db:5432/etl?user=etl&password=p4ss;rest-of-it&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/etl?user=etl&password=***&ssl=true");
        assertThat(DatabaseSettings.redact("jdbc:postgresql://etl:s3cret@db/etl"))
                .isEqualTo("jdbc:postgresql://***@db/etl");
        assertThat(DatabaseSettings.redact("jdbc:postgresql://db/etl?PASSWORD=x"))
                .isEqualTo("jdbc:postgresql://db/etl?PASSWORD=***");
    }
}
