package dev.sluice.transform;

/** Text as it is, except that PostgreSQL cannot store a NUL character in {@code text}. */
final class TextParser implements ValueParser {

    @Override
    public Object parse(String text) throws InvalidValueException {
        if (text.indexOf('\0') >= 0) {
            throw new InvalidValueException("contains a NUL character, which PostgreSQL text cannot store");
        }
        return text;
    }
}
