package dev.sluice.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.time.api.constraints.DateRange;

/**
 * Properties of value typing, checked against independent oracles ({@link BigDecimal}, {@link LocalDate#toString})
 * rather than against the parsers' own output.
 */
class ValueParserProperties {

    @Property
    void every_long_round_trips_with_or_without_a_zero_fraction(
            @ForAll long value, @ForAll @IntRange(min = 0, max = 4) int zeros) throws InvalidValueException {
        String text = zeros == 0 ? Long.toString(value) : value + "." + "0".repeat(zeros);
        assertThat(IntegerParser.parseLong(text)).isEqualTo(value);
    }

    @Property
    void integer_parsing_agrees_with_big_decimal_on_any_text(@ForAll @StringLength(min = 1, max = 25) String text) {
        Long expected = oracle(text);
        if (expected == null) {
            assertThatThrownBy(() -> IntegerParser.parseLong(text)).isInstanceOf(InvalidValueException.class);
        } else {
            assertThat(catchLong(text)).isEqualTo(expected);
        }
    }

    @Property
    void integer_parsing_of_numeric_looking_text_agrees_with_big_decimal(@ForAll("numericLooking") String text) {
        Long expected = oracle(text);
        if (expected == null) {
            assertThatThrownBy(() -> IntegerParser.parseLong(text)).isInstanceOf(InvalidValueException.class);
        } else {
            assertThat(catchLong(text)).isEqualTo(expected);
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> numericLooking() {
        return net.jqwik.api.Arbitraries.strings()
                .withChars("0123456789.-+")
                .ofMinLength(1)
                .ofMaxLength(22);
    }

    /** What the issue asks, computed another way: a plain decimal whose value is whole and fits in a long. */
    private static Long oracle(String text) {
        if (!text.matches("[+-]?\\d+(\\.\\d*)?")) {
            return null;
        }
        BigDecimal value = new BigDecimal(text.endsWith(".") ? text + "0" : text);
        if (value.stripTrailingZeros().scale() > 0) {
            return null;
        }
        BigInteger whole = value.toBigIntegerExact();
        return whole.bitLength() < 64 ? whole.longValue() : null;
    }

    private static long catchLong(String text) {
        try {
            return IntegerParser.parseLong(text);
        } catch (InvalidValueException e) {
            throw new AssertionError(text + " should parse: " + e.getMessage());
        }
    }

    @Property
    void every_calendar_date_round_trips_in_iso_form(
            @ForAll @DateRange(min = "0001-01-01", max = "9999-12-31") LocalDate date) throws InvalidValueException {
        assertThat(new DateParser(Optional.empty()).parse(date.toString())).isEqualTo(date);
    }

    @Property
    void date_parsing_of_any_text_either_types_it_or_rejects_it(@ForAll @StringLength(max = 12) String text) {
        DateParser parser = new DateParser(Optional.empty());
        try {
            LocalDate parsed = (LocalDate) parser.parse(text);
            assertThat(parsed.toString()).isEqualTo(text);
        } catch (InvalidValueException expected) {
            assertThat(expected.getMessage()).contains("yyyy-MM-dd");
        }
    }

    @Property
    void day_first_patterns_agree_with_iso(@ForAll @DateRange(min = "1900-01-01", max = "2100-12-31") LocalDate date)
            throws InvalidValueException {
        String text = String.format("%02d/%02d/%04d", date.getDayOfMonth(), date.getMonthValue(), date.getYear());
        assertThat(new DateParser(Optional.of("dd/MM/yyyy")).parse(text)).isEqualTo(date);
    }
}
