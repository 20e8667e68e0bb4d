package dev.modelgateway.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/**
 * The broker's own dead-lettering is only a net under the gateway's: one killed gateway can count a delivery per
 * consumer it had, so the net sits above max-attempts by the consumers, in the embedded broker and the shipped one.
 */
class BrokerNetTest {

    @Test
    void oneCrashCannotExhaustTheNetWhateverTheConsumers() {
        assertThat(EmbeddedBroker.maxDeliveryAttempts(5, 64)).isGreaterThan(5 + 64);
        assertThat(EmbeddedBroker.maxDeliveryAttempts(2, 4)).isGreaterThan(2 + 4);
    }

    @Test
    void theShippedKubernetesBrokerKeepsTheSameMargin() throws Exception {
        Properties broker = new Properties();
        try (var in = Files.newInputStream(Path.of("deploy/kubernetes/artemis/broker.properties"))) {
            broker.load(in);
        }
        Properties gateway = new Properties();
        try (var in = Files.newInputStream(Path.of("application.properties"))) {
            gateway.load(in);
        }
        int net = Integer.parseInt(broker.getProperty("addressSettings.\"model-gateway.requests\".maxDeliveryAttempts"));
        int attempts = Integer.parseInt(gateway.getProperty("gateway.queue.max-attempts").trim());
        int consumers = Integer.parseInt(gateway.getProperty("gateway.queue.max-consumers").trim());
        assertThat(net).isGreaterThanOrEqualTo(EmbeddedBroker.maxDeliveryAttempts(attempts, consumers));
    }
}
