package dev.modelgateway.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import jakarta.jms.Connection;
import jakarta.jms.Destination;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.modelgateway.queue.EmbeddedBroker;
import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;

/**
 * A live edit of the queue route (a JMS consumer inside a transaction, contract section 7) while a queued request waits
 * for its model: the old consumer stops taking messages but finishes that request, the new one answers the next;
 * every request is answered exactly once.
 */
class LiveQueueEditTest {

    static Path dir;
    static CaptureServer upstream;
    static GatewayTestServer gateway;
    static Connection connection;
    static Session session;
    static final CompletableFuture<Void> release = new CompletableFuture<>();

    @BeforeAll
    @Timeout(120)
    static void start() throws Exception {
        dir = Files.createTempDirectory("live-queue-");
        LiveEditsTest.copy(Path.of("routes"), dir.resolve("routes"));
        // the first request is held until the test releases it; later ones are answered at once
        upstream = new CaptureServer().answer((req, resp) -> {
            Runnable answer = () -> resp.putHeader("Content-Type", "application/json").end("{\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"" + (req.body().contains("held") ? "held"
                    : "quick") + " answer\"},\"finish_reason\":\"stop\"}]}");
            if (req.body().contains("held")) {
                release.thenRun(() -> upstream.later(v -> answer.run()));
            } else {
                answer.run();
            }
        });
        int port = GatewayTestServer.freePort();
        Path broker = Files.createTempDirectory("broker-");
        gateway = GatewayTestServer.start("""
                model_list:
                  - model_name: llama
                    litellm_params:
                      model: custom_openai/llama
                      api_base: %s/v1
                """.formatted(upstream.baseUrl()), Map.of(
                "gateway.queue.enabled", "true",
                "gateway.queue.receive-timeout", "100ms",
                "gateway.broker.data-dir", broker.toString(),
                "gateway.broker.port", String.valueOf(port),
                "gateway.upstream.max-retries", "0",
                "camel.main.routes-include-pattern", "file:" + dir.resolve("routes") + "/*.camel.yaml"));
        connection = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port).createConnection();
        connection.start();
        session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    @AfterAll
    static void stop() throws Exception {
        release.complete(null);
        if (connection != null) {
            connection.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    @Timeout(60)
    void aQueuedRequestInFlightFinishesOnTheOldRouteAndTheNextOnesOnTheNew() throws Exception {
        Destination replies = session.createTemporaryQueue();
        send("held", replies, "req-held");
        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.requests().stream()
                .anyMatch(c -> c.body().contains("held")));

        // the edit: each answer now carries a property set by the new version of the route
        Path queue = dir.resolve("routes/queue.camel.yaml");
        Files.writeString(queue, Files.readString(queue).replaceFirst("(?m)^(\\s+)- process:\\n(\\s+)id: "
                + "observe-queue-request\\n", """
                $1- setHeader:
                $2id: live-edit-queue-mark
                $2name: liveEdit
                $2constant: "2"
                $0"""));
        await().atMost(Duration.ofSeconds(2)).until(() -> gateway.context().getRoute("queue-requests--next") != null);
        // the old route keeps only the consumer busy with the held request: an idle one left open (suspended) could
        // hold a message the broker had just handed it until the old route retires, long after the edit
        org.springframework.jms.listener.DefaultMessageListenerContainer old =
                (org.springframework.jms.listener.DefaultMessageListenerContainer)
                        ((org.apache.camel.component.jms.JmsConsumer) gateway.context().getRoute("queue-requests")
                                .getConsumer()).getListenerContainer();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(old.getScheduledConsumerCount())
                .as("the old route's JMS consumers still open").isEqualTo(1));

        // requests sent after the edit are taken by the new route (the old consumer is suspended) and answered
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            send("quick " + i, replies, "req-" + i);
            sent.add("req-" + i);
        }
        List<TextMessage> answers = new ArrayList<>();
        try (MessageConsumer consumer = session.createConsumer(replies)) {
            for (int i = 0; i < 5; i++) {
                Message m = consumer.receive(10_000);
                assertThat(m).as("answer " + i).isInstanceOf(TextMessage.class);
                answers.add((TextMessage) m);
            }
            assertThat(answers).allSatisfy(a -> {
                assertThat(a.getIntProperty("gatewayStatus")).as(a.getText()).isEqualTo(200);
                assertThat(a.getText()).contains("quick answer");
            });
            assertThat(answers.stream().map(a -> {
                try {
                    return a.getJMSCorrelationID();
                } catch (jakarta.jms.JMSException e) {
                    throw new IllegalStateException(e);
                }
            }).toList()).containsExactlyInAnyOrderElementsOf(sent);

            // the request in flight during the edit is answered once, then the route has its own id again
            release.complete(null);
            Message held = consumer.receive(10_000);
            assertThat(held).isInstanceOf(TextMessage.class);
            assertThat(((TextMessage) held).getText()).contains("held answer");
            assertThat(held.getJMSCorrelationID()).isEqualTo("req-held");
            assertThat(consumer.receive(500)).as("no second answer").isNull();
            // finished where it started, on the old route: not failed and redelivered when the old route's listener
            // shut down (it waits for its busy consumers instead of interrupting them)
            assertThat(upstream.requests().stream().filter(c -> c.body().contains("held"))).as("held request sent")
                    .hasSize(1);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> gateway.context().getRoute("queue-requests--next") == null
                && gateway.context().getRoute("queue-requests") != null
                && gateway.context().getRouteController().getRouteStatus("queue-requests").isStarted());
        assertThat(LiveEditsTest.routeHasStep(gateway.context(), "queue-requests", "live-edit-queue-mark")).isTrue();
    }

    static void send(String text, Destination replyTo, String correlationId) throws Exception {
        TextMessage message = session.createTextMessage("{\"model\":\"llama\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"" + text + "\"}]}");
        message.setStringProperty("gatewayEndpoint", "chat_completions");
        message.setJMSReplyTo(replyTo);
        message.setJMSCorrelationID(correlationId);
        try (MessageProducer producer = session.createProducer(session.createQueue(EmbeddedBroker.REQUESTS))) {
            producer.send(message);
        }
    }
}
