package dev.sluice.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import dev.sluice.history.Trigger;
import dev.sluice.pipeline.RunRequest;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/**
 * What a Lambda invocation asks for, read from its event: an EventBridge {@code Scheduled Event} runs the function's
 * pipelines (or the one its {@code detail} names); {@code {"pipeline": NAME, "force": BOOL}} runs that one now; an
 * empty event ({@code {}}, or none, as a deployment's first invocation sends) runs all of them now. Any other event
 * is refused rather than guessed at: a misspelt run-now must not become a scheduled run.
 *
 * @param pipeline the one pipeline asked for, or empty for all of the function's
 * @param request  the trigger, and whether to load even when nothing changed
 */
record Invocation(Optional<String> pipeline, RunRequest request) {
    static final String SCHEDULED_EVENT = "Scheduled Event";
    private static final Set<String> RUN_NOW_FIELDS = Set.of("pipeline", "force");

    static Invocation of(JsonNode event) {
        if (event.isMissingNode() || (event.isObject() && event.isEmpty())) {
            return new Invocation(Optional.empty(), RunRequest.of(Trigger.MANUAL));
        }
        if (event.isObject() && event.has("pipeline")) {
            return runNow(event);
        }
        if (event.isObject() && SCHEDULED_EVENT.equals(event.path("detail-type").asText())) {
            JsonNode named = event.path("detail").path("pipeline");
            return new Invocation(
                    named.isTextual() ? Optional.of(named.asText()) : Optional.empty(),
                    RunRequest.of(Trigger.SCHEDULE));
        }
        throw refused("an event that is neither an EventBridge \"" + SCHEDULED_EVENT
                + "\" nor {\"pipeline\": NAME, \"force\": BOOL}");
    }

    private static Invocation runNow(JsonNode event) {
        for (Iterator<String> names = event.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!RUN_NOW_FIELDS.contains(name)) {
                throw refused("a run-now event with the unknown field '" + name + "' (known: pipeline, force)");
            }
        }
        JsonNode pipeline = event.get("pipeline");
        if (!pipeline.isTextual() || pipeline.asText().isBlank()) {
            throw refused("a run-now event whose pipeline is not a name");
        }
        JsonNode force = event.path("force");
        if (!force.isMissingNode() && !force.isBoolean()) {
            throw refused("a run-now event whose force is not true or false");
        }
        return new Invocation(
                Optional.of(pipeline.asText()),
                force.asBoolean(false) ? RunRequest.forced(Trigger.MANUAL) : RunRequest.of(Trigger.MANUAL));
    }

    private static SluiceException refused(String what) {
        return new SluiceException(ErrorKind.CONFIG, "sluice's function was invoked with " + what);
    }
}
