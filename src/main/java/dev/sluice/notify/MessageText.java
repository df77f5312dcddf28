package dev.sluice.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.UtcMinute;
import dev.sluice.history.Change;
import dev.sluice.history.ExpectationResult;
import dev.sluice.history.FeedTransition;
import dev.sluice.history.Run;
import dev.sluice.history.RunError;
import dev.sluice.history.RunJson;
import dev.sluice.history.SourceSummary;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The words of a notification, the same for every channel: a subject line, a plain-text body, an HTML body (every
 * value escaped), a Slack message, and the JSON of the run. Nothing here can contain a secret: runs hold redacted
 * URLs, and channels' settings never reach this class.
 */
final class MessageText {
    private MessageText() {}

    static String subject(Notification n) {
        if (n.transition().isPresent()) {
            FeedTransition t = n.transition().get();
            return "[sluice] " + t.pipeline() + " " + t.label() + ": source " + t.source()
                    + (t.recovered() ? " publishes again" : " is late");
        }
        Run run = n.run().orElseThrow();
        String prefix = "[sluice] " + run.pipeline() + " ";
        if (n.test()) {
            return prefix + "TEST: notification settings work";
        }
        return prefix + run.status() + (run.audit().dryRun() ? " (dry run, rolled back)" : "") + ": "
                + switch (run.status()) {
                    case SUCCEEDED -> run.rows().describe();
                    case UNCHANGED -> "every source is as last loaded";
                    case SKIPPED_LOCKED -> "another run was in progress";
                    case FAILED -> run.error().map(MessageText::where).orElse("unknown error");
                    case RUNNING -> "in progress";
                };
    }

    /** {@code INVALID_VALUE in nyt line 20, column deaths}. */
    private static String where(RunError error) {
        StringBuilder text = new StringBuilder(error.kind().name());
        if (error.source() != null) {
            text.append(" in ").append(error.source());
        }
        if (error.line() != null) {
            text.append(" line ").append(error.line());
        }
        if (error.column() != null) {
            text.append(", column ").append(error.column());
        }
        return text.toString();
    }

    static String plainText(Notification n) {
        if (n.transition().isPresent()) {
            return feedText(n.transition().get());
        }
        Run run = n.run().orElseThrow();
        StringBuilder text = new StringBuilder();
        if (n.test()) {
            text.append("This is a test notification from sluice; nothing was loaded.\n\n");
        }
        text.append("Pipeline: ").append(run.pipeline()).append('\n');
        text.append("Status:   ")
                .append(run.status())
                .append(" (")
                .append(run.label())
                .append(", ")
                .append(seconds(run))
                .append(", ")
                .append(run.trigger())
                .append(")\n");
        text.append("Rows:     ").append(run.rows().describe()).append('\n');
        run.audit()
                .revisions()
                .ifPresent(r -> text.append("Revised:  ").append(r.describe()).append('\n'));
        for (ExpectationResult e : run.audit().failed()) {
            text.append("Expected: ")
                    .append(e.name())
                    .append(e.blocks() ? " FAILED: " : " failed (warn): ")
                    .append(e.message())
                    .append('\n');
        }
        for (Map.Entry<String, SourceSummary> s : new TreeMap<>(run.sources()).entrySet()) {
            text.append("Source:   ")
                    .append(s.getKey())
                    .append(String.format(
                            Locale.ROOT,
                            " %,d rows, %,d bytes",
                            s.getValue().rows(),
                            s.getValue().bytes()))
                    .append(s.getValue().notModified() ? " (not modified)" : "")
                    .append(", ")
                    .append(s.getValue().url())
                    .append('\n');
        }
        if (!n.changes().isEmpty()) {
            text.append("\nChanged rows (")
                    .append(n.changes().size())
                    .append(" of ")
                    .append(String.format(Locale.ROOT, "%,d", n.changedRows()))
                    .append("):\n");
            n.changes().forEach(c -> text.append("  ").append(describe(c)).append('\n'));
        }
        if (!run.warnings().isEmpty()) {
            text.append("\nWarnings:\n");
            run.warnings().forEach(w -> text.append("  - ").append(w).append('\n'));
        }
        run.error().ifPresent(e -> {
            text.append("\nError:\n");
            text.append("  kind:    ").append(e.kind()).append('\n');
            text.append("  source:  ").append(orDash(e.source())).append('\n');
            text.append("  line:    ")
                    .append(e.line() == null ? "-" : e.line().toString())
                    .append('\n');
            text.append("  column:  ").append(orDash(e.column())).append('\n');
            text.append("  value:   ")
                    .append(e.value() == null ? "-" : "'" + e.value() + "'")
                    .append('\n');
            text.append("  message: ").append(e.message()).append('\n');
        });
        return text.toString();
    }

    /** A transition in the words of {@code sluice status}: the state, since when, and why. */
    private static String feedText(FeedTransition t) {
        StringBuilder text = new StringBuilder();
        text.append("Pipeline: ").append(t.pipeline()).append('\n');
        text.append("Source:   ").append(t.source()).append('\n');
        text.append("State:    ").append(state(t)).append('\n');
        text.append("Why:      ").append(t.reason()).append('\n');
        if (!t.recovered()) {
            text.append("\nTold once: the next message is when it publishes again.\n");
        }
        return text.toString();
    }

    private static String state(FeedTransition t) {
        return t.recovered()
                ? "FRESH again at " + UtcMinute.format(t.at())
                        + t.lateSince()
                                .map(since -> " (late since " + UtcMinute.format(since) + ")")
                                .orElse("")
                : "LATE since " + UtcMinute.format(t.at());
    }

    static String html(Notification n) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">");
        html.append("<h2>").append(Html.escape(subject(n))).append("</h2><table>");
        if (n.transition().isPresent()) {
            FeedTransition t = n.transition().get();
            row(html, "Pipeline", t.pipeline());
            row(html, "Source", t.source());
            row(html, "State", state(t));
            row(html, "Why", t.reason());
            return html.append("</table></body></html>").toString();
        }
        Run run = n.run().orElseThrow();
        row(html, "Pipeline", run.pipeline());
        row(html, "Status", run.status() + " (" + run.label() + ", " + seconds(run) + ", " + run.trigger() + ")");
        row(html, "Inserted", String.format(Locale.ROOT, "%,d", run.inserted()));
        row(html, "Updated", String.format(Locale.ROOT, "%,d", run.updated()));
        if (run.deleted() > 0) {
            row(html, "Deleted", String.format(Locale.ROOT, "%,d", run.deleted()));
        }
        row(html, "Unchanged", String.format(Locale.ROOT, "%,d", run.unchanged()));
        run.audit().revisions().ifPresent(r -> row(html, "Revised", r.describe()));
        for (ExpectationResult e : run.audit().failed()) {
            row(html, "Expectation " + e.name(), (e.blocks() ? "FAILED: " : "failed (warn): ") + e.message());
        }
        new TreeMap<>(run.sources())
                .forEach((name, s) -> row(
                        html,
                        "Source " + name,
                        String.format(Locale.ROOT, "%,d rows, %,d bytes", s.rows(), s.bytes()) + ", " + s.url()));
        html.append("</table>");
        if (!n.changes().isEmpty()) {
            html.append("<h3>Changed rows (")
                    .append(n.changes().size())
                    .append(" of ")
                    .append(n.changedRows())
                    .append(")</h3><ul>");
            n.changes()
                    .forEach(c ->
                            html.append("<li>").append(Html.escape(describe(c))).append("</li>"));
            html.append("</ul>");
        }
        if (!run.warnings().isEmpty()) {
            html.append("<h3>Warnings</h3><ul>");
            run.warnings()
                    .forEach(w -> html.append("<li>").append(Html.escape(w)).append("</li>"));
            html.append("</ul>");
        }
        run.error().ifPresent(e -> {
            html.append("<h3>Error</h3><table>");
            row(html, "Kind", e.kind().name());
            row(html, "Source", orDash(e.source()));
            row(html, "Line", e.line() == null ? "-" : e.line().toString());
            row(html, "Column", orDash(e.column()));
            row(html, "Value", e.value() == null ? "-" : "'" + e.value() + "'");
            row(html, "Message", e.message());
            html.append("</table>");
        });
        return html.append("</body></html>").toString();
    }

    private static void row(StringBuilder html, String label, String value) {
        html.append("<tr><th align=\"left\">")
                .append(Html.escape(label))
                .append("</th><td>")
                .append(Html.escape(value))
                .append("</td></tr>");
    }

    /** A message that Slack and Mattermost incoming webhooks accept: text with their light markup, escaped. */
    static ObjectNode slack(Notification n) {
        ObjectNode json = RunJson.MAPPER.createObjectNode();
        json.put("username", "sluice");
        json.put("text", "*" + slackEscape(subject(n)) + "*\n```" + slackEscape(plainText(n)) + "```");
        return json;
    }

    private static String slackEscape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("```", "'''");
    }

    /** The run as {@code sluice run --json} prints it, with its changed rows; delivery state left out. */
    static ObjectNode json(Notification n) {
        if (n.transition().isPresent()) {
            FeedTransition t = n.transition().get();
            ObjectNode json = RunJson.MAPPER.createObjectNode();
            json.put("kind", "freshness");
            json.put("pipeline", t.pipeline());
            json.put("source", t.source());
            json.put("state", t.state().name());
            json.put("event", t.label());
            json.put("at", t.at().toString());
            json.put("reason", t.reason());
            json.put("late_since", t.lateSince().map(Object::toString).orElse(null));
            json.put("test", false);
            return json;
        }
        ObjectNode json = RunJson.toJson(n.run().orElseThrow());
        json.remove("notifications");
        ArrayNode changes = json.putArray("changes");
        for (Change c : n.changes()) {
            ObjectNode change = changes.addObject();
            change.put("operation", c.operation().name());
            change.set("key", c.key());
            change.set("old", c.oldValues());
            change.set("new", c.newValues());
        }
        json.put("test", n.test());
        return json;
    }

    /** Values a described change lists at most: a row of a wide table has a thousand. */
    private static final int VALUES_SHOWN = 10;

    /**
     * {@code UPDATE date=2020-10-27: recovered NULL -> 3,487,666}; an insert lists its values, a delete the values
     * it had.
     */
    static String describe(Change change) {
        List<String> key = new ArrayList<>();
        change.key().properties().forEach(e -> key.add(e.getKey() + "=" + value(e.getValue())));
        List<String> values = new ArrayList<>();
        JsonNode shown = change.newValues() != null ? change.newValues() : change.oldValues();
        Iterator<Map.Entry<String, JsonNode>> fields = shown == null
                ? java.util.Collections.emptyIterator()
                : shown.properties().iterator();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (change.oldValues() == null || change.newValues() == null) {
                values.add(field.getKey() + " " + value(field.getValue()));
            } else {
                JsonNode old = change.oldValues().path(field.getKey());
                if (!old.equals(field.getValue())) {
                    values.add(field.getKey() + " " + value(old) + " -> " + value(field.getValue()));
                }
            }
        }
        String listed = String.join(", ", values.stream().limit(VALUES_SHOWN).toList())
                + (values.size() > VALUES_SHOWN
                        ? String.format(Locale.ROOT, ", ... (%,d values in all)", values.size())
                        : "");
        return change.operation() + " " + String.join(", ", key) + ": " + listed;
    }

    private static String value(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "NULL";
        }
        if (node.isIntegralNumber()) {
            return String.format(Locale.ROOT, "%,d", node.bigIntegerValue());
        }
        if (node.isNumber()) {
            return node.decimalValue().toPlainString();
        }
        return node.asText();
    }

    private static String seconds(Run run) {
        return String.format(Locale.ROOT, "%.1f s", run.durationMs() / 1000.0);
    }

    private static String orDash(String text) {
        return text == null ? "-" : text;
    }
}
