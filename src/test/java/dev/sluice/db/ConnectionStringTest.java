package dev.sluice.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import dev.sluice.config.Secret;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The addresses psql takes, read as pgjdbc needs them; expected URLs written by hand from libpq's documentation. */
class ConnectionStringTest {
    @Test
    void a_jdbc_url_is_kept_as_it_is() {
        ConnectionString address = ConnectionString.parse("jdbc:postgresql://db:5433/sales?user=etl");
        assertThat(address.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5433/sales?user=etl");
        assertThat(address.user()).isEmpty();
    }

    @Test
    void a_libpq_uri_becomes_a_jdbc_url_with_its_credentials_taken_out() {
        ConnectionString address =
                ConnectionString.parse("postgres://etl:p%40ss%2Fw@db.example.org:5433/sales?sslmode=require");
        assertThat(address.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.org:5433/sales?sslmode=require");
        assertThat(address.user()).contains("etl");
        assertThat(address.password().map(Secret::reveal)).contains("p@ss/w");
    }

    @Test
    void a_postgresql_uri_with_several_hosts_and_libpq_parameters_names_pgjdbcs() {
        ConnectionString address = ConnectionString.parse(
                "postgresql://h1:5432,h2:5433/db?target_session_attrs=read-write&connect_timeout=5"
                        + "&application_name=daily%20load");
        assertThat(address.jdbcUrl())
                .isEqualTo("jdbc:postgresql://h1:5432,h2:5433/db?targetServerType=primary&connectTimeout=5"
                        + "&ApplicationName=daily%20load");
        assertThat(address.user()).isEmpty();
        assertThat(address.password()).isEmpty();
    }

    @Test
    void a_uri_without_host_or_database_means_localhost_and_the_default_database() {
        assertThat(ConnectionString.parse("postgres://").jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/");
        assertThat(ConnectionString.parse("postgresql://etl@/sales").jdbcUrl())
                .isEqualTo("jdbc:postgresql://localhost/sales");
    }

    @Test
    void key_value_strings_are_read_with_quotes_and_escapes() {
        ConnectionString address =
                ConnectionString.parse("host=db port=6432 dbname='my sales' user=etl password='it\\'s secret'");
        assertThat(address.jdbcUrl()).isEqualTo("jdbc:postgresql://db:6432/my%20sales");
        assertThat(address.user()).contains("etl");
        assertThat(address.password().map(Secret::reveal)).contains("it's secret");
        assertThat(ConnectionString.parse("dbname = sales").jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/sales");
    }

    @Test
    void what_pgjdbc_cannot_do_is_refused_by_name_without_quoting_the_address() {
        assertRefused("host=/var/run/postgresql dbname=x password=hunter2", "Unix socket");
        assertRefused("postgres://u:hunter2@h/db?krbsrvname=x", "'krbsrvname'");
        assertRefused("jdbc:mysql://h/db?password=hunter2", "JDBC URL of another database");
        assertRefused("mysql://u:hunter2@h/db", "not a PostgreSQL address");
        assertRefused("host=h password='hunter2", "does not end");
    }

    @Test
    void settings_given_a_libpq_uri_hold_its_user_and_password_apart() {
        DatabaseSettings settings = new DatabaseSettings(
                Optional.of("postgres://etl:hunter2@db/sales"),
                Optional.of("other"),
                Optional.empty(),
                java.nio.file.Path.of("/tmp/pg"),
                4,
                java.time.Duration.ofSeconds(1));
        assertThat(settings.jdbcUrl()).contains("jdbc:postgresql://db/sales");
        assertThat(settings.user()).contains("etl");
        assertThat(settings.password().map(Secret::reveal)).contains("hunter2");
    }

    private static void assertRefused(String address, String reason) {
        assertThatThrownBy(() -> ConnectionString.parse(address))
                .isInstanceOf(SluiceException.class)
                .satisfies(e -> assertThat(((SluiceException) e).kind()).isEqualTo(ErrorKind.CONFIG))
                .hasMessageContaining(reason)
                .hasMessageNotContaining("hunter2");
    }
}
