package dev.modelgateway.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

import dev.modelgateway.support.GatewayTestServer;

/**
 * The embedded broker keeps the dead letters of every queue, not only of model-gateway.requests: an integration's own
 * queue (the queue-to-HTTP bridge's) that gives up on a message finds it in DLQ.&lt;queue&gt;, not dropped.
 */
class DeadLettersOfOtherQueuesTest {

    @Test
    void aMessageRolledBackPastTheLimitOnAnyQueueIsKeptInItsDeadLetterQueue() throws Exception {
        Path dataDir = Files.createTempDirectory("broker-");
        EmbeddedBroker broker = new EmbeddedBroker(dataDir, GatewayTestServer.freePort(), 2, Duration.ofMillis(10), 1,
                Duration.ofSeconds(1));
        broker.start();
        try (Connection connection = new ActiveMQConnectionFactory(broker.url() + "?consumerWindowSize=0")
                .createConnection()) {
            connection.start();
            Session plain = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = plain.createQueue("some.integration");
            try (MessageProducer producer = plain.createProducer(queue)) {
                producer.send(plain.createTextMessage("undeliverable"));
            }
            // Artemis' default for other addresses: 10 delivery attempts, then the dead-letter address
            Session transacted = connection.createSession(true, Session.SESSION_TRANSACTED);
            try (MessageConsumer consumer = transacted.createConsumer(queue)) {
                for (int attempt = 1; attempt <= 10; attempt++) {
                    assertThat(consumer.receive(5_000)).as("delivery " + attempt).isNotNull();
                    transacted.rollback();
                }
                assertThat(consumer.receive(200)).isNull();
            }
            try (MessageConsumer dead = plain.createConsumer(plain.createQueue("DLQ.some.integration"))) {
                Message kept = dead.receive(5_000);
                assertThat(kept).isInstanceOf(TextMessage.class);
                assertThat(((TextMessage) kept).getText()).isEqualTo("undeliverable");
            }
        } finally {
            broker.stop();
        }
    }
}
