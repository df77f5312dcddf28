/**
 * Web: the dashboard and its JSON API ({@link dev.sluice.web.DashboardServer}). It reads only {@code history}'s
 * tables and the pipelines' targets, through the SELECT-only role {@code sluice_reader}; pages and scripts live in
 * {@code src/main/resources/web/}.
 */
package dev.sluice.web;
