package dev.sluice.notify;

/** Somewhere a notification can be delivered. Implementations must be safe to call from one thread at a time. */
public interface NotificationChannel {
    String name();

    /**
     * Delivers, or throws. Called again for the same notification after a failure: receivers can recognise
     * repeats by {@link Notification#deliveryId}.
     *
     * @throws DeliveryFailedException with a message that contains no secret
     */
    void deliver(Notification notification);
}
