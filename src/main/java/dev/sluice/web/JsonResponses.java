package dev.sluice.web;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.config.ColumnType;
import dev.sluice.history.RunJson;
import io.javalin.http.Context;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Small helpers shared by the API handlers: JSON output and typed column values. */
final class JsonResponses {
    private JsonResponses() {}

    static void json(Context ctx, Object value) {
        ctx.contentType("application/json; charset=utf-8");
        try {
            ctx.result(RunJson.MAPPER.writeValueAsString(value));
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    static void error(Context ctx, int status, String message) {
        ctx.status(status);
        json(ctx, java.util.Map.of("error", message));
    }

    /** Writes column {@code index} of the current row as the JSON value its type calls for. */
    static void writeValue(JsonGenerator json, ResultSet rs, int index, ColumnType type)
            throws SQLException, IOException {
        switch (type) {
            case INTEGER -> {
                long value = rs.getLong(index);
                if (rs.wasNull()) {
                    json.writeNull();
                } else {
                    json.writeNumber(value);
                }
            }
            case DECIMAL -> {
                java.math.BigDecimal value = rs.getBigDecimal(index);
                if (value == null) {
                    json.writeNull();
                } else {
                    json.writeNumber(value);
                }
            }
            case DOUBLE -> {
                double value = rs.getDouble(index);
                if (rs.wasNull()) {
                    json.writeNull();
                } else {
                    json.writeNumber(value);
                }
            }
            case BOOLEAN -> {
                boolean value = rs.getBoolean(index);
                if (rs.wasNull()) {
                    json.writeNull();
                } else {
                    json.writeBoolean(value);
                }
            }
            case TIMESTAMP -> {
                java.time.LocalDateTime value = rs.getObject(index, java.time.LocalDateTime.class);
                json.writeString(value == null ? null : value.toString());
            }
            case TIMESTAMPTZ -> {
                java.time.OffsetDateTime value = rs.getObject(index, java.time.OffsetDateTime.class);
                json.writeString(value == null ? null : value.toInstant().toString());
            }
            default -> json.writeString(rs.getString(index));
        }
    }
}
