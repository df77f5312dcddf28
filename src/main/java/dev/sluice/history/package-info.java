/**
 * History: every run, whatever its outcome, as a value ({@link dev.sluice.history.Run}) and a row
 * ({@code sluice.runs}), plus the change log. The shared core that the CLI, the web dashboard and notifications
 * read. Entry point: {@link dev.sluice.history.RunRepository}; JSON shape: {@link dev.sluice.history.RunJson}.
 */
package dev.sluice.history;
