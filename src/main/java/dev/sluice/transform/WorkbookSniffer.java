package dev.sluice.transform;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a workbook's largest sheet (the data, not a sheet of notes) for {@code sluice init}: its rows as text, a number the sheet shows as a date as its
 * ISO date (so it is guessed a date, and the run converts the serial numbers), the first row the header. Only a whole
 * workbook can be read: a zip keeps its directory at its end.
 */
public final class WorkbookSniffer {
    private WorkbookSniffer() {}

    /** The sheet read, and its rows (the first its header). */
    public record Sniffed(String sheet, List<List<String>> rows) {}

    /** Whether a body begins as a zip does (a workbook is one). */
    public static boolean looksLikeWorkbook(byte[] sample) {
        return sample.length >= 4 && sample[0] == 'P' && sample[1] == 'K' && sample[2] == 3 && sample[3] == 4;
    }

    /**
     * @param maxRows the most rows read: a guess needs a sample, not the sheet
     * @throws IllegalArgumentException naming what is wrong with the workbook
     */
    public static Sniffed sniff(byte[] workbook, int maxRows) {
        List<List<String>> rows = new ArrayList<>();
        try (XlsxRecords sheet = new XlsxRecords(
                new ByteArrayInputStream(workbook), Optional.of(XlsxRecords.LARGEST), workbook.length * 200L, true)) {
            int width = 0;
            while (sheet.hasNext() && rows.size() < maxRows) {
                List<String> row = new ArrayList<>(sheet.next().fields());
                width = rows.isEmpty() ? row.size() : width;
                while (row.size() < width) {
                    row.add("");
                }
                rows.add(row);
            }
            return new Sniffed(sheet.sheetName(), rows);
        } catch (IOException e) {
            throw new IllegalArgumentException("the workbook " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException("the workbook " + e.getCause().getMessage(), e);
        }
    }
}
