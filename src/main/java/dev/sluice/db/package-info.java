/**
 * The database: {@link dev.sluice.db.Database} (connection pool, embedded PostgreSQL when no URL is given),
 * {@link dev.sluice.db.Migrations} (Flyway, schema {@code sluice}), and {@link dev.sluice.db.DatabaseSettings}
 * (where credentials come from; never printed).
 */
package dev.sluice.db;
