package dev.sluice.notify;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;

/**
 * A channel could not deliver a notification. The message names the channel and the cause, never the channel's
 * URL, password or key: it is stored in the outbox and shown in {@code sluice history}.
 */
public class DeliveryFailedException extends SluiceException {
    private static final long serialVersionUID = 1L;

    public DeliveryFailedException(String channel, String reason, Throwable cause) {
        super(ErrorKind.NOTIFICATION, channel + ": " + reason, cause);
    }

    /**
     * Why a delivery to {@code channel} failed, fit to store and show: a channel's own message (which never holds a
     * secret), or only the type of anything else, whose message might.
     */
    static String reason(String channel, RuntimeException e) {
        return e instanceof DeliveryFailedException
                ? e.getMessage()
                : channel + ": unexpected " + e.getClass().getSimpleName();
    }
}
