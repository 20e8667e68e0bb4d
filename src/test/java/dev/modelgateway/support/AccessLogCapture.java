package dev.modelgateway.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/** Collects the lines (not events: a batch is one) written to the access log (logger model-gateway.access) while it is open. */
public final class AccessLogCapture extends AbstractAppender implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final LoggerContext ctx = (LoggerContext) LogManager.getContext(false);

    public AccessLogCapture() {
        super("access-capture", null, null, true, Property.EMPTY_ARRAY);
        start();
        LoggerConfig logger = ctx.getConfiguration().getLoggerConfig("model-gateway.access");
        logger.addAppender(this, null, null);
        ctx.updateLoggers();
    }

    @Override
    public void append(LogEvent event) {
        // lines served on one event loop come in batches (AccessLog), one per line of the event
        lines.addAll(event.getMessage().getFormattedMessage().lines().toList());
    }

    public List<String> lines() {
        return lines;
    }

    @Override
    public void close() {
        ctx.getConfiguration().getLoggerConfig("model-gateway.access").removeAppender(getName());
        ctx.updateLoggers();
        stop();
    }
}
