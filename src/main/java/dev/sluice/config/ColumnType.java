package dev.sluice.config;

/** The type of a source column, and the PostgreSQL type its values are stored as. */
public enum ColumnType {
    DATE("date", "date"),
    TIMESTAMP("timestamp", "timestamp without time zone"),
    TIMESTAMPTZ("timestamptz", "timestamp with time zone"),
    INTEGER("bigint", "bigint"),
    DECIMAL("numeric", "numeric"),
    DOUBLE("double precision", "double precision"),
    BOOLEAN("boolean", "boolean"),
    TEXT("text", "text");

    private final String sqlType;
    private final String catalogName;

    ColumnType(String sqlType, String catalogName) {
        this.sqlType = sqlType;
        this.catalogName = catalogName;
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
