package dev.sluice.web;

/** A request the API cannot answer as asked: an invalid parameter, a Host it does not serve. */
final class BadRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    BadRequestException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
