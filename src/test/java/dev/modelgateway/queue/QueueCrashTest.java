package dev.modelgateway.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayProcess;
import dev.modelgateway.support.GatewayTestServer;

/**
 * The dead-letter copy and the acknowledgement are one transaction (issue 11): a gateway killed right after sending the
 * dead letter, before committing, leaves no copy behind; the restarted gateway dead-letters the request exactly once,
 * with gatewayError. The broker is a separate one (as in a cluster), so it outlives the gateway.
 */
class QueueCrashTest {

    @Test
    @Timeout(180) // two gateway JVMs start one after the other
    void aGatewayKilledBetweenTheDeadLetterAndTheAcknowledgementLeavesExactlyOneCopyWithTheReason() throws Exception {
        Path work = Files.createTempDirectory("crash-");
        int brokerPort = GatewayTestServer.freePort();
        EmbeddedBroker broker = new EmbeddedBroker(work.resolve("broker"), brokerPort, 2, Duration.ofMillis(10), 1,
                Duration.ofMillis(10));
        broker.start();
        try (CaptureServer upstream = new CaptureServer().answerJson(503, "{\"error\":{\"message\":\"overloaded\"}}")) {
            Path routes = haltAfterDeadLetter(work.resolve("routes"));
            Path models = work.resolve("models.yaml");
            Files.writeString(models, QueueTest.models(upstream.baseUrl()));
            Map<String, String> env = Map.of("GATEWAY_BROKER_URL", "tcp://127.0.0.1:" + brokerPort,
                    "GATEWAY_ROUTES_DIR", routes.toString(), "GATEWAY_MODELS_FILE", models.toString());
            Map<String, String> settings = Map.of("gateway.queue.max-attempts", "2",
                    "gateway.queue.receive-timeout", "100ms", "gateway.upstream.max-retries", "0",
                    "halt.marker", work.resolve("halted").toString());

            Connection connection = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort).createConnection();
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue replies = session.createQueue("crash-test.replies");
            Queue dlq = session.createQueue(EmbeddedBroker.DEAD_LETTERS);

            try (GatewayProcess first = GatewayProcess.start(env, settings)) {
                QueueTest.send(session, QueueTest.CODE, "code_completions", replies, "req-crash");
                // the second (last) attempt sends the dead letter, then the JVM halts before the commit
                assertThat(first.waitForExit(Duration.ofSeconds(60))).as(first.log()).isEqualTo(137);
            }
            assertThat(browse(session, dlq)).as("the uncommitted dead letter is gone with the gateway").isEmpty();

            try (GatewayProcess second = GatewayProcess.start(env, settings)) {
                TextMessage reply = QueueTest.receive(session, replies);
                assertThat(reply.getJMSCorrelationID()).isEqualTo("req-crash");
                assertThat(reply.getIntProperty("gatewayStatus")).isEqualTo(503);
                // the reply is committed with the dead letter: once it is here, the copy is too
                List<Message> dead = browse(session, dlq);
                assertThat(dead).hasSize(1);
                assertThat(dead.get(0).getStringProperty("gatewayError")).contains("503");
                assertThat(dead.get(0).getJMSCorrelationID()).isEqualTo("req-crash");
                assertThat(((TextMessage) dead.get(0)).getText()).isEqualTo(QueueTest.CODE);
                try (MessageConsumer more = session.createConsumer(replies)) {
                    assertThat(more.receiveNoWait()).as("one reply only").isNull();
                }
            } finally {
                connection.close();
            }
        } finally {
            broker.stop();
        }
    }

    private static List<Message> browse(Session session, Queue queue) throws Exception {
        try (var browser = session.createBrowser(queue)) {
            return Collections.list(browser.getEnumeration()).stream().map(Message.class::cast).toList();
        }
    }

    /** The shipped routes, with a step after the dead-letter send that kills the JVM the first time. */
    private static Path haltAfterDeadLetter(Path dir) throws Exception {
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Path queue = dir.resolve("queue.camel.yaml");
        String text = Files.readString(queue);
        String anchor = "                ref: queueDeadLetter\n";
        assertThat(text).contains(anchor);
        Files.writeString(queue, text.replace(anchor, anchor
                + "            - bean:\n"
                + "                id: test-halt-after-dead-letter\n"
                + "                beanType: dev.modelgateway.support.HaltOnce\n"
                + "                method: halt\n"));
        return dir;
    }
}
