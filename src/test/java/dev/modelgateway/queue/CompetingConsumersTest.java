package dev.modelgateway.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;

/**
 * Two gateways on one broker (the cluster set-up of docs/deploy.md) share model-gateway.requests as competing
 * consumers: together they answer every request exactly once, and both take part.
 */
class CompetingConsumersTest {

    static final int REQUESTS = 24;

    @Test
    @Timeout(120) // two gateways start in this JVM
    void twoGatewaysOnOneBrokerAnswerEveryRequestExactlyOnce() throws Exception {
        int brokerPort = GatewayTestServer.freePort();
        EmbeddedBroker broker = new EmbeddedBroker(Files.createTempDirectory("shared-broker-"), brokerPort, 2,
                Duration.ofMillis(10), 1, Duration.ofMillis(10));
        broker.start();
        String url = "tcp://127.0.0.1:" + brokerPort;
        Map<String, String> settings = Map.of("gateway.queue.enabled", "true", "gateway.broker.url", url,
                "gateway.queue.receive-timeout", "100ms", "gateway.queue.consumers", "2");
        try (CaptureServer upstreamA = slowUpstream(); CaptureServer upstreamB = slowUpstream();
                GatewayTestServer a = GatewayTestServer.start(QueueTest.models(upstreamA.baseUrl()), settings);
                GatewayTestServer b = GatewayTestServer.start(QueueTest.models(upstreamB.baseUrl()), settings)) {
            Connection connection = new ActiveMQConnectionFactory(url).createConnection();
            try {
                connection.start();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                Queue replies = session.createQueue("competing.replies");
                for (int i = 0; i < REQUESTS; i++) {
                    QueueTest.send(session, QueueTest.CODE, "code_completions", replies, "req-" + i);
                }
                Map<String, Integer> answered = new HashMap<>();
                try (MessageConsumer consumer = session.createConsumer(replies)) {
                    for (int i = 0; i < REQUESTS; i++) {
                        Message reply = consumer.receive(QueueTest.WAIT_MS);
                        assertThat(reply).as("reply " + i).isNotNull();
                        assertThat(reply.getIntProperty("gatewayStatus")).isEqualTo(200);
                        answered.merge(reply.getJMSCorrelationID(), 1, Integer::sum);
                    }
                    assertThat(answered).hasSize(REQUESTS).allSatisfy((id, times) -> assertThat(times).isOne());
                    // every model call was answered by now: none more than once, and both gateways worked
                    await().atMost(Duration.ofSeconds(5)).until(
                            () -> upstreamA.requests().size() + upstreamB.requests().size() >= REQUESTS);
                    assertThat(upstreamA.requests().size() + upstreamB.requests().size()).isEqualTo(REQUESTS);
                    assertThat(List.of(upstreamA.requests().size(), upstreamB.requests().size()))
                            .allSatisfy(n -> assertThat(n).isPositive());
                    assertThat(consumer.receiveNoWait()).as("no second answer").isNull();
                }
            } finally {
                connection.close();
            }
        } finally {
            broker.stop();
        }
    }

    /** Answers after 100 ms, like a model: a consumer is busy for a while, so the other one takes the next. */
    static CaptureServer slowUpstream() {
        CaptureServer upstream = new CaptureServer();
        return upstream.answer((req, resp) -> upstream.vertx().setTimer(100, t -> resp
                .putHeader("Content-Type", "application/json")
                .end("{\"choices\":[{\"index\":0,\"text\":\"fim answer\",\"finish_reason\":\"length\"}]}")));
    }
}
