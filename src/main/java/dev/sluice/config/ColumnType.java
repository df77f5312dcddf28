package dev.sluice.config;

/** The type of a source column, and the PostgreSQL type its values are stored as. */
public enum ColumnType {
    DATE("date"),
    INTEGER("bigint"),
    DECIMAL("numeric"),
    TEXT("text");

    private final String sqlType;

    ColumnType(String sqlType) {
        this.sqlType = sqlType;
    }

    public String sqlType() {
        return sqlType;
    }

    public boolean isNumeric() {
        return this == INTEGER || this == DECIMAL;
    }
}
