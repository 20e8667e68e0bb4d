package dev.modelgateway.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import jakarta.jms.Connection;
import jakarta.jms.Destination;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;

import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;

/**
 * The broker's life: nothing queued is lost across a restart (the embedded broker's journal keeps it), no broker or
 * consumer when the queue is disabled, and an external broker instead of the embedded one when one is named.
 */
class QueueBrokerTest {

    @Test
    void aRequestSentWhileNothingConsumesIsAnsweredAfterARestart() throws Exception {
        Path dataDir = Files.createTempDirectory("broker-");
        int port = GatewayTestServer.freePort();
        try (CaptureServer upstream = new CaptureServer()) {
            upstream.answerJson(200, "{\"choices\":[{\"index\":0,\"text\":\"fim answer\",\"finish_reason\":\"stop\"}]}");
            // the gateway's broker on its own, as when the gateway is down: nothing consumes
            EmbeddedBroker broker = new EmbeddedBroker(dataDir, port, 2, Duration.ofMillis(10), 1, Duration.ofSeconds(1));
            broker.start();
            try (Connection connection = new ActiveMQConnectionFactory(broker.url()).createConnection()) {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                QueueTest.send(session, QueueTest.CODE, "code_completions", session.createQueue("test.replies"),
                        "kept-1");
            } finally {
                broker.stop();
            }
            assertThat(upstream.requests()).isEmpty();

            try (GatewayTestServer second = GatewayTestServer.start(QueueTest.models(upstream.baseUrl()),
                    QueueTest.queueSettings(dataDir, port));
                    Connection connection = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port)
                            .createConnection()) {
                connection.start();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                Destination replies = session.createQueue("test.replies");
                TextMessage reply = QueueTest.receive(session, replies);
                assertThat(reply.getJMSCorrelationID()).isEqualTo("kept-1");
                assertThat(reply.getIntProperty(QueueReply.STATUS)).isEqualTo(200);
                assertThat(upstream.requests()).hasSize(1);
            }
        }
    }

    @Test
    void aRequestInFlightWhenTheGatewayStopsIsAnsweredAfterARestart() throws Exception {
        Path dataDir = Files.createTempDirectory("broker-");
        int port = GatewayTestServer.freePort();
        Map<String, String> settings = new HashMap<>(QueueTest.queueSettings(dataDir, port));
        // the in-flight request does not hold the shutdown for long (the gateway's drain timeout, 30 s by default)
        settings.put("gateway.shutdown.drain-timeout", "1s");
        try (CaptureServer upstream = new CaptureServer()) {
            upstream.answer((req, resp) -> { });
            try (GatewayTestServer first = GatewayTestServer.start(QueueTest.models(upstream.baseUrl()), settings);
                    Connection connection = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port)
                            .createConnection()) {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                QueueTest.send(session, QueueTest.CODE, "code_completions", session.createQueue("test.replies"),
                        "in-flight-1");
                await().atMost(Duration.ofSeconds(10)).until(() -> upstream.requests().size() == 1);
            }
            upstream.answerJson(200, "{\"choices\":[{\"index\":0,\"text\":\"late\",\"finish_reason\":\"stop\"}]}");
            try (GatewayTestServer second = GatewayTestServer.start(QueueTest.models(upstream.baseUrl()), settings);
                    Connection connection = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port)
                            .createConnection()) {
                connection.start();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                TextMessage reply = QueueTest.receive(session, session.createQueue("test.replies"));
                assertThat(reply.getJMSCorrelationID()).isEqualTo("in-flight-1");
                assertThat(reply.getIntProperty(QueueReply.STATUS)).isEqualTo(200);
                assertThat(upstream.requests()).hasSize(2);
            }
        }
    }

    @Test
    void withTheQueueDisabledNoBrokerStartsAndNothingConsumes() {
        int port = GatewayTestServer.freePort();
        try (GatewayTestServer gateway = GatewayTestServer.start(QueueTest.models("http://127.0.0.1:9"),
                Map.of("gateway.broker.port", String.valueOf(port)))) {
            assertThat(gateway.context().getRouteController().getRouteStatus("queue-requests"))
                    .isEqualTo(ServiceStatus.Stopped);
            assertThat(listening(port)).isFalse();
        }
    }

    @Test
    void anExternalBrokerIsUsedInsteadOfTheEmbeddedOne() throws Exception {
        int external = GatewayTestServer.freePort();
        int embedded = GatewayTestServer.freePort();
        EmbeddedBroker broker = new EmbeddedBroker(Files.createTempDirectory("broker-"), external, 2,
                Duration.ofMillis(10), 1, Duration.ofSeconds(1));
        broker.start();
        Map<String, String> settings = new HashMap<>(QueueTest.queueSettings(Files.createTempDirectory("broker-"),
                embedded));
        settings.put("gateway.broker.url", broker.url());
        try (CaptureServer upstream = new CaptureServer();
                GatewayTestServer gateway = GatewayTestServer.start(QueueTest.models(upstream.baseUrl()), settings);
                Connection connection = new ActiveMQConnectionFactory(broker.url()).createConnection()) {
            assertThat(listening(embedded)).isFalse();
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Destination replies = session.createTemporaryQueue();
            QueueTest.send(session, "{}", "code_generations", replies, "ext-1");
            TextMessage reply = QueueTest.receive(session, replies);
            assertThat(reply.getIntProperty(QueueReply.STATUS)).isEqualTo(422);
        } finally {
            broker.stop();
        }
    }

    static boolean listening(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
