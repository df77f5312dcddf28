package dev.sluice.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sluice.testing.Packing;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A workbook's serial dates, converted exactly; the values below are Excel's own, checked by hand. */
class XlsxRecordsTest {
    private static XlsxRecords workbook() throws Exception {
        byte[] xlsx = Packing.xlsx("Daily", List.of(List.of("a"), List.of("b")), 0);
        return new XlsxRecords(new ByteArrayInputStream(xlsx), Optional.of("Daily"), 1 << 20);
    }

    @Test
    void serial_dates_are_the_days_excel_means() throws Exception {
        try (XlsxRecords sheet = workbook()) {
            assertThat(sheet.dateText("43831", false)).contains("2020-01-01");
            assertThat(sheet.dateText("45292.5", true)).contains("2024-01-01T12:00");
            // 0.1 s after midnight: Excel keeps milliseconds, and so does the conversion.
            assertThat(sheet.dateText("45292.000001157407", true)).contains("2024-01-01T00:00:00.100");
            assertThat(sheet.dateText("1", false)).contains("1900-01-01");
            assertThat(sheet.dateText("59", false)).contains("1900-02-28");
            assertThat(sheet.dateText("61", false)).contains("1900-03-01");
            assertThat(sheet.dateText("2024-01-01", false))
                    .as("text is left to the pattern")
                    .isEmpty();
            assertThat(catchThrowableOfType(XlsxRecords.MalformedException.class, () -> sheet.dateText("60", false))
                            .getMessage())
                    .contains("1900-02-29");
            assertThat(XlsxRecords.reference(2, 17)).isEqualTo("C17");
            assertThat(XlsxRecords.reference(26, 1)).isEqualTo("AA1");
            assertThat(XlsxRecords.columnIndex("XFD1048576")).isEqualTo(16_383);
            List<String> rows = new java.util.ArrayList<>();
            sheet.forEachRemaining(r -> rows.add(r.line() + ":" + r.fields()));
            assertThat(rows).containsExactly("1:[a]", "2:[b]");
        }
    }
}
