package dev.sluice.testing;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** Bodies packed as publishers pack them, for sources served by the tests. */
public final class Packing {
    private Packing() {}

    public static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] gzip(String text) {
        return gzip(text.getBytes(StandardCharsets.UTF_8));
    }

    /** bzip2, as {@code bzip2} writes it. */
    public static byte[] bzip2(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream bzip2 = new BZip2CompressorOutputStream(out)) {
            bzip2.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** xz, as {@code xz} writes it by default (preset 6, CRC-64). */
    public static byte[] xz(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream xz = new XZOutputStream(out, new LZMA2Options())) {
            xz.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** zstd, streamed (its frame then says its window, not its size), with a checksum, as {@code zstd} writes. */
    public static byte[] zstd(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZstdOutputStream zstd = new ZstdOutputStream(out)) {
            zstd.setChecksum(true);
            zstd.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * A minimal {@code .xlsx} workbook of one sheet, as Excel lays one out (the shared strings after the sheet): the
     * first row's cells and every text cell are shared strings, a cell {@link #xlsxNumber} wraps is a number (with
     * the date style when {@code dated}); {@code extraRows} rows with a style and no value follow (a formatted,
     * empty range).
     */
    public static byte[] xlsx(String sheetName, List<List<Object>> rows, long extraRows) {
        StringBuilder sheet =
                new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet"
                        + " xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>");
        List<String> strings = new java.util.ArrayList<>();
        java.util.Map<String, Integer> index = new java.util.HashMap<>();
        for (int r = 0; r < rows.size(); r++) {
            sheet.append("<row r=\"").append(r + 1).append("\">");
            List<Object> row = rows.get(r);
            for (int c = 0; c < row.size(); c++) {
                Object cell = row.get(c);
                if (cell == null) {
                    continue;
                }
                String ref = (char) ('A' + c) + String.valueOf(r + 1);
                if (cell instanceof XlsxNumber number) {
                    sheet.append("<c r=\"")
                            .append(ref)
                            .append('"')
                            .append(number.dated ? " s=\"1\"" : "")
                            .append("><v>")
                            .append(number.value)
                            .append("</v></c>");
                } else {
                    String text = cell.toString();
                    Integer at = index.get(text);
                    if (at == null) {
                        at = strings.size();
                        index.put(text, at);
                        strings.add(text);
                    }
                    sheet.append("<c r=\"")
                            .append(ref)
                            .append("\" t=\"s\"><v>")
                            .append(at)
                            .append("</v></c>");
                }
            }
            sheet.append("</row>");
        }
        for (long r = rows.size() + 1; r <= rows.size() + extraRows; r++) {
            sheet.append("<row r=\"").append(r).append("\"><c r=\"A").append(r).append("\" s=\"1\"/></row>");
        }
        sheet.append("</sheetData></worksheet>");
        StringBuilder shared = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sst"
                + " xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"" + strings.size()
                + "\">");
        for (String text : strings) {
            shared.append("<si><t xml:space=\"preserve\">")
                    .append(xmlEscaped(text))
                    .append("</t></si>");
        }
        shared.append("</sst>");
        Map<String, byte[]> parts = new java.util.LinkedHashMap<>();
        parts.put(
                "[Content_Types].xml",
                utf8("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Types"
                        + " xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\""
                        + " ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\""
                        + " ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\""
                        + " ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
                        + "<Override PartName=\"/xl/worksheets/sheet1.xml\""
                        + " ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
                        + "<Override PartName=\"/xl/sharedStrings.xml\""
                        + " ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>"
                        + "</Types>"));
        parts.put(
                "_rels/.rels",
                utf8("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Relationships"
                        + " xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\""
                        + " Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\""
                        + " Target=\"xl/workbook.xml\"/></Relationships>"));
        parts.put(
                "xl/workbook.xml",
                utf8("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<workbook"
                        + " xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
                        + " xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
                        + "<sheet name=\"Notes\" sheetId=\"2\" r:id=\"rId2\"/>"
                        + "<sheet name=\"" + xmlEscaped(sheetName)
                        + "\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"));
        parts.put(
                "xl/_rels/workbook.xml.rels",
                utf8("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Relationships"
                        + " xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                        + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\""
                        + " Target=\"worksheets/sheet1.xml\"/>"
                        + "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\""
                        + " Target=\"worksheets/sheet2.xml\"/>"
                        + "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\""
                        + " Target=\"sharedStrings.xml\"/></Relationships>"));
        parts.put(
                "xl/worksheets/sheet2.xml",
                utf8("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<worksheet"
                        + " xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData><row r=\"1\"><c"
                        + " r=\"A1\" t=\"inlineStr\"><is><t>not the data</t></is></c></row></sheetData></worksheet>"));
        parts.put("xl/worksheets/sheet1.xml", utf8(sheet.toString()));
        parts.put("xl/sharedStrings.xml", utf8(shared.toString()));
        parts.put(
                "xl/styles.xml",
                utf8("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<styleSheet"
                        + " xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><cellXfs count=\"2\">"
                        + "<xf numFmtId=\"0\"/><xf numFmtId=\"14\" applyNumberFormat=\"1\"/></cellXfs></styleSheet>"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> part : parts.entrySet()) {
                zip.putNextEntry(new ZipEntry(part.getKey()));
                zip.write(part.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A number cell of {@link #xlsx}, as the sheet stores it; {@code dated} gives it the date style. */
    public record XlsxNumber(String value, boolean dated) {}

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String xmlEscaped(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }

    /** A zip archive of these members, in name order. */
    public static byte[] zip(Map<String, byte[]> members) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> member : new TreeMap<>(members).entrySet()) {
                zip.putNextEntry(new ZipEntry(member.getKey()));
                zip.write(member.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
