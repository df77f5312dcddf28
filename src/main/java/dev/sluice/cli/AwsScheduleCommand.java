package dev.sluice.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;
import dev.sluice.config.PipelineFileReader;
import dev.sluice.config.Trust;
import dev.sluice.history.RunJson;
import dev.sluice.schedule.EventBridgeSchedule;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code sluice aws schedule}: a pipeline's schedule as EventBridge Scheduler writes it, as one JSON object, for the
 * deployment in {@code deploy/aws}. Reads only the pipeline's name and schedule, so it needs none of the secrets the
 * function will read.
 */
@Command(
        name = "schedule",
        description = "Print a pipeline's schedule as an EventBridge Scheduler expression and zone (JSON).",
        footer = {"", "Examples:", "  sluice aws schedule --pipeline daily.yaml"})
public final class AwsScheduleCommand implements Callable<Integer> {
    private final Terminal terminal;

    @Mixin
    PipelineOption pipeline = new PipelineOption();

    public AwsScheduleCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        PipelineFileReader.NamedSchedule read = new PipelineFileReader(Trust.none()).readSchedule(pipeline.pipeline);
        EventBridgeSchedule schedule = EventBridgeSchedule.of(read.schedule()
                .orElseThrow(() -> new SluiceException(
                        ErrorKind.CONFIG,
                        read.name() + " has no schedule, so a scheduled function would never run it: add"
                                + " schedule: {cron: ..., zone: ...}")));
        ObjectNode json = RunJson.MAPPER.createObjectNode();
        json.put("pipeline", read.name());
        json.put("expression", schedule.expression());
        json.put("timezone", schedule.zone());
        terminal.out().println(json);
        return 0;
    }
}
