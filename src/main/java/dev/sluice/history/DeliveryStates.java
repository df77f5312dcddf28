package dev.sluice.history;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Where runs' notifications stand. The outbox is notify's table, so notify answers (its {@code Outbox} implements
 * this); history asks, to show each run with its deliveries, without a query of its own on another package's table.
 */
public interface DeliveryStates {
    /** For readers that show runs without their deliveries. */
    DeliveryStates NONE = new DeliveryStates() {
        @Override
        public Map<Long, List<Delivery>> of(Connection connection, Collection<Long> runIds) {
            return Map.of();
        }

        @Override
        public List<Backlog> backlog(Connection connection) {
            return List.of();
        }
    };

    /** Notifications not delivered yet, per pipeline and channel. */
    record Backlog(String pipeline, String channel, long pending) {}

    /** The deliveries of each of these runs, by channel name; runs without any are absent. */
    Map<Long, List<Delivery>> of(Connection connection, Collection<Long> runIds) throws SQLException;

    /** Pending notifications, by pipeline and channel, in that order. */
    List<Backlog> backlog(Connection connection) throws SQLException;
}
