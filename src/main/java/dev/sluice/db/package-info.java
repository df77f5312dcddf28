/**
 * The database: {@link dev.sluice.db.Database} (connection pool, embedded PostgreSQL when no URL is given),
 * {@link dev.sluice.db.Migrations} (the SQL scripts of schema {@code sluice}, applied in order), and {@link dev.sluice.db.DatabaseSettings}
 * (where credentials come from; never printed).
 */
package dev.sluice.db;
