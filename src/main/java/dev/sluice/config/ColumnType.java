package dev.sluice.config;

/** The type of a source column, and the PostgreSQL type its values are stored as. */
public enum ColumnType {
    DATE("date", "date", 4),
    TIMESTAMP("timestamp", "timestamp without time zone", 8),
    TIMESTAMPTZ("timestamptz", "timestamp with time zone", 8),
    INTEGER("bigint", "bigint", 8),
    DECIMAL("numeric", "numeric", 5),
    DOUBLE("double precision", "double precision", 8),
    BOOLEAN("boolean", "boolean", 1),
    TEXT("text", "text", 2);

    private final String sqlType;
    private final String catalogName;
    private final int leastBytes;

    ColumnType(String sqlType, String catalogName, int leastBytes) {
        this.sqlType = sqlType;
        this.catalogName = catalogName;
        this.leastBytes = leastBytes;
    }

    /**
     * The fewest bytes a value takes in a row (a text of one character, a small numeric; a number, date or boolean
     * takes always as many): what decides whether a wide row fits in a PostgreSQL page.
     */
    public int leastBytes() {
        return leastBytes;
    }

    /** The type as DDL writes it. */
    public String sqlType() {
        return sqlType;
    }

    /** The type as PostgreSQL's {@code format_type} names it, for checking an existing table. */
    public String catalogName() {
        return catalogName;
    }

    /** Numbers: charted, summed, bounded by {@code min} and {@code max}. */
    public boolean isNumeric() {
        return this == INTEGER || this == DECIMAL || this == DOUBLE;
    }

    /** Points in time: parsed with a pattern, charted along. */
    public boolean isTemporal() {
        return this == DATE || this == TIMESTAMP || this == TIMESTAMPTZ;
    }
}
