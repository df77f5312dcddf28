/**
 * The operator's settings: every {@code SLUICE_*} environment variable, read once at start-up into the immutable
 * {@link dev.sluice.settings.Settings} ({@link dev.sluice.settings.Settings#read}); {@link dev.sluice.settings.Setting}
 * lists them with their defaults, as the README's table does.
 */
package dev.sluice.settings;
