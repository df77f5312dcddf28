package dev.sluice;

/**
 * Text quoted from a source (a header, a value, a line) as it may appear in an error, a log line, a notification or
 * the run history: cut to a bound, with the full length stated, so that no input can make a record, a message or a
 * response large; and made printable, so that it cannot forge log lines or break a terminal.
 */
public final class Excerpt {
    /** The longest value quoted: enough to recognise it. */
    public static final int VALUE = 200;
    /** The longest message: a few lines. */
    public static final int MESSAGE = 2_000;

    private Excerpt() {}

    /**
     * {@code text} cut to {@code max} characters with its length stated ({@code abc... (15,000,000 characters)}),
     * line breaks and other control characters shown as {@code \n}-style escapes or {@code ?} (NUL is left to the
     * run history, which shows it as U+2400).
     */
    public static String of(String text, int max) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), max) + 32);
        int i = 0;
        for (; i < text.length() && out.length() < max; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(c != '\0' && (Character.isISOControl(c) || isBidiControl(c)) ? '?' : c);
            }
        }
        if (i < text.length()) {
            out.append(String.format(java.util.Locale.ROOT, "... (%,d characters)", text.length()));
        }
        return out.toString();
    }

    /** Characters that reorder displayed text: a value must not make a message read differently from what it says. */
    private static boolean isBidiControl(char c) {
        return (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069') || c == '\u200E' || c == '\u200F';
    }
}
