package dev.modelgateway;

import static dev.modelgateway.support.GatewayTestServer.ONE_UNREACHABLE_MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;

import dev.modelgateway.support.GatewayTestServer;

/** A setting the gateway does not honour is named in a warning at start-up, never dropped without a word. */
class IgnoredSettingsTest {

    @Test
    void camelsShutdownTimeoutIsNamedAsOverriddenByTheDrainTimeout() {
        List<String> warnings = warningsWhileStarting(Map.of("camel.main.shutdown-timeout", "5",
                "gateway.shutdown.drain-timeout", "2s"));
        assertThat(warnings).anyMatch(w -> w.contains("camel.main.shutdown-timeout is ignored")
                && w.contains("gateway.shutdown.drain-timeout (2s)"));
    }

    @Test
    void withoutItNothingIsSaid() {
        assertThat(warningsWhileStarting(Map.of())).noneMatch(w -> w.contains("shutdown-timeout"));
    }

    private static List<String> warningsWhileStarting(Map<String, String> settings) {
        List<String> warnings = new CopyOnWriteArrayList<>();
        AbstractAppender appender = new AbstractAppender("ignored-settings", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                warnings.add(event.getMessage().getFormattedMessage());
            }
        };
        appender.start();
        LoggerContext logs = (LoggerContext) LogManager.getContext(false);
        logs.getConfiguration().getRootLogger().addAppender(appender, Level.WARN, null);
        logs.updateLoggers();
        try (GatewayTestServer gateway = GatewayTestServer.start(ONE_UNREACHABLE_MODEL, settings)) {
            return List.copyOf(warnings);
        } finally {
            logs.getConfiguration().getRootLogger().removeAppender("ignored-settings");
            logs.updateLoggers();
        }
    }
}
