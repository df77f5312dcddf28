package dev.sluice.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import dev.sluice.config.InvalidRowPolicy;
import dev.sluice.config.InvalidRows;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.SourceSpec;
import dev.sluice.config.Trust;
import dev.sluice.testing.RandomTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of reading, typing and validating whole CSV files: any valid rows, written by an independent writer
 * in any layout, come back exactly (values, and the line each row starts on); and any garbage ends either in rows or
 * in sluice's own error, quickly, never in another exception or a hang.
 */
class CsvTypingProperties {
    private static final SourceSpec SOURCE = new PipelineFileReader(Trust.none())
            .parse("roundtrip.yaml", RandomTable.PIPELINE.formatted("roundtrip"), Optional.empty())
            .sources()
            .get(0);

    private record Read(long line, RandomTable.Row row) {}

    private static List<Read> read(byte[] csv) {
        Path file = null;
        try {
            file = Files.createTempFile("sluice-property-", ".csv");
            Files.write(file, csv);
            List<Read> rows = new ArrayList<>();
            new SourceValidator(
                            new InvalidRows(InvalidRowPolicy.FAIL_RUN, 100, InvalidRows.DEFAULT_MAX_INVALID, 30),
                            SourceValidator.RowProgress.NONE)
                    .validate(
                            SOURCE,
                            CsvInput.of(file),
                            (index, line, v) -> rows.add(new Read(
                                    line,
                                    new RandomTable.Row(
                                            (Long) v[0], (LocalDate) v[1], (BigDecimal) v[2], (String) v[3], (Long)
                                                    v[4]))));
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (file != null) {
                file.toFile().delete();
            }
        }
    }

    @Property(tries = 300)
    void valid_rows_in_any_layout_come_back_exactly(
            @ForAll("rows") List<RandomTable.Row> rows, @ForAll("layouts") RandomTable.Layout layout) {
        byte[] csv = RandomTable.csv(rows, layout);
        List<Read> read = read(csv);

        assertThat(read).hasSameSizeAs(rows);
        List<Long> lines = RandomTable.startLines(csv);
        for (int i = 0; i < rows.size(); i++) {
            RandomTable.Row expected = rows.get(i);
            RandomTable.Row actual = read.get(i).row();
            assertThat(actual.id()).isEqualTo(expected.id());
            assertThat(actual.day()).isEqualTo(expected.day());
            assertThat(actual.amount() == null ? null : actual.amount().compareTo(expected.amount()))
                    .as("amount %s read as %s", expected.amount(), actual.amount())
                    .isEqualTo(expected.amount() == null ? null : 0);
            assertThat(actual.label()).isEqualTo(expected.expectedLabel());
            assertThat(actual.count()).isEqualTo(expected.count());
            assertThat(read.get(i).line()).as("line of row %d", i + 1).isEqualTo(lines.get(i));
        }
    }

    @Provide
    Arbitrary<List<RandomTable.Row>> rows() {
        return RandomTable.rows(30);
    }

    @Provide
    Arbitrary<RandomTable.Layout> layouts() {
        return RandomTable.layouts();
    }

    @Property(tries = 1000)
    void garbage_ends_in_rows_or_in_sluice_s_own_error_and_never_hangs(@ForAll("garbage") byte[] body) {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try {
                read(body);
            } catch (SluiceException expected) {
                assertThat(expected.getMessage()).contains("rows");
                // An error about the input, never a bug's INTERNAL or a local failure.
                assertThat(expected.kind())
                        .isIn(
                                ErrorKind.NOT_CSV,
                                ErrorKind.MISSING_COLUMN,
                                ErrorKind.INVALID_VALUE,
                                ErrorKind.EMPTY_SOURCE);
            }
        });
    }

    /** Random bytes, and CSV-looking text with broken quotes, NULs, bad UTF-8 and wrong field counts, after a valid header or not. */
    @Provide
    Arbitrary<byte[]> garbage() {
        Arbitrary<String> csvish = Arbitraries.strings()
                .withChars(",\"\n\r \t0123456789.-+eE:/abcé\u0000\uFEFF")
                .ofMaxLength(400);
        Arbitrary<byte[]> text = Arbitraries.oneOf(
                        csvish.map(s -> "id,day,Amount (USD),label,\"Count, total\"\n" + s), csvish)
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(400);
        Arbitrary<byte[]> spliced = Arbitraries.oneOf(text, bytes)
                .list()
                .ofMinSize(1)
                .ofMaxSize(3)
                .map(parts -> {
                    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                    parts.forEach(out::writeBytes);
                    return out.toByteArray();
                });
        return Arbitraries.oneOf(text, bytes, spliced);
    }
}
