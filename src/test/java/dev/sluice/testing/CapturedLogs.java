package dev.sluice.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

/** Every log event of this JVM while open, formatted with its exception chain, for assertions on log text. */
public final class CapturedLogs implements AutoCloseable {
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger sluice = (Logger) LoggerFactory.getLogger("dev.sluice");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final ch.qos.logback.classic.Level previous;

    public CapturedLogs() {
        previous = root.getLevel();
        root.setLevel(ch.qos.logback.classic.Level.DEBUG);
        appender.start();
        root.addAppender(appender);
        sluice.setLevel(ch.qos.logback.classic.Level.DEBUG);
    }

    /** Each event's formatted message, one per event. */
    public java.util.List<String> lines() {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    public String text() {
        StringBuilder text = new StringBuilder();
        for (ILoggingEvent event : appender.list) {
            text.append(event.getLevel())
                    .append(' ')
                    .append(event.getLoggerName())
                    .append(": ")
                    .append(event.getFormattedMessage())
                    .append('\n');
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                text.append("  ")
                        .append(t.getClassName())
                        .append(": ")
                        .append(t.getMessage())
                        .append('\n');
                for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
                    text.append("    ").append(frame.getSTEAsString()).append('\n');
                }
            }
        }
        return text.toString();
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        root.setLevel(previous);
        sluice.setLevel(null);
    }
}
