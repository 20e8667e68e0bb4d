package dev.modelgateway.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import jakarta.jms.Connection;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;

/** Feature requests over JMS (contract section 7), sent by a plain JMS client to the embedded broker. */
class QueueTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final long WAIT_MS = 20_000;
    static final String CODE = "{\"current_file\":{\"file_name\":\"fib.py\",\"content_above_cursor\":\"def fib(n):\\n\"}}";
    static CaptureServer upstream;
    static GatewayTestServer gateway;
    static Connection connection;
    static Session session;

    static String models(String upstreamUrl) {
        return """
                model_list:
                  - model_name: codestral
                    litellm_params:
                      model: ollama/codestral:22b
                      api_base: %1$s/v1
                    model_info: {family: codestral}
                  - model_name: llama
                    litellm_params:
                      model: custom_openai/meta-llama/Llama-3.3-70B-Instruct
                      api_base: %1$s/v1
                features:
                  code_completions: codestral
                  code_generations: llama
                  chat: llama
                """.formatted(upstreamUrl);
    }

    static Map<String, String> queueSettings(Path dataDir, int port) {
        return Map.of("gateway.queue.enabled", "true",
                "gateway.queue.receive-timeout", "100ms",
                "gateway.broker.data-dir", dataDir.toString(),
                "gateway.broker.port", String.valueOf(port),
                "gateway.queue.max-attempts", "2",
                "gateway.queue.redelivery-delay", "10ms",
                "gateway.queue.redelivery-multiplier", "1",
                "gateway.upstream.max-retries", "0");
    }

    @BeforeAll
    static void start() throws Exception {
        upstream = new CaptureServer();
        int port = GatewayTestServer.freePort();
        gateway = GatewayTestServer.start(models(upstream.baseUrl()), queueSettings(Files.createTempDirectory("broker-"), port));
        connection = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port).createConnection();
        connection.start();
        session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    @AfterAll
    static void stop() throws Exception {
        connection.close();
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void answerOk() {
        upstream.requests().clear();
        upstream.answer((req, resp) -> resp.putHeader("Content-Type", "application/json").end(
                req.rawPath().endsWith("/chat/completions")
                        ? "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"chat answer\"},"
                                + "\"finish_reason\":\"stop\"}]}"
                        : "{\"choices\":[{\"index\":0,\"text\":\"fim answer\",\"finish_reason\":\"length\"}]}"));
    }

    @Test
    void aCodeCompletionIsAnsweredOnTheReplyQueueWithItsCorrelationId() throws Exception {
        Destination replies = session.createTemporaryQueue();
        send(session, CODE, "code_completions", replies, "req-1");
        TextMessage reply = receive(session, replies);
        assertThat(reply.getJMSCorrelationID()).isEqualTo("req-1");
        assertThat(reply.getIntProperty("gatewayStatus")).isEqualTo(200);
        JsonNode body = JSON.readTree(reply.getText());
        assertThat(body.at("/choices/0/text").asText()).isEqualTo("fim answer");
        assertThat(body.at("/model/lang").asText()).isEqualTo("python");
        assertThat(upstream.last().rawPath()).isEqualTo("/v1/completions");
    }

    @Test
    void aStreamRequestAndAPromptAreAnsweredWhole() throws Exception {
        Destination replies = session.createTemporaryQueue();
        send(session, "{\"model\":\"llama\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "chat_completions", replies, "chat-1");
        TextMessage chat = receive(session, replies);
        assertThat(chat.getIntProperty("gatewayStatus")).as(chat.getText()).isEqualTo(200);
        assertThat(JSON.readTree(chat.getText()).at("/choices/0/message/content").asText()).isEqualTo("chat answer");

        send(session, "{\"inputs\":{}}", "prompts/no/such_prompt", replies, "prompt-1");
        TextMessage prompt = receive(session, replies);
        assertThat(prompt.getIntProperty("gatewayStatus")).isEqualTo(404);
        assertThat(JSON.readTree(prompt.getText()).get("detail").asText()).contains("no/such_prompt");
    }

    @Test
    void anUnknownModelIsAReplyWithStatus404() throws Exception {
        Destination replies = session.createTemporaryQueue();
        send(session, "{\"model\":\"nope\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "chat_completions",
                replies, "req-404");
        TextMessage reply = receive(session, replies);
        assertThat(reply.getJMSCorrelationID()).isEqualTo("req-404");
        assertThat(reply.getIntProperty("gatewayStatus")).isEqualTo(404);
        assertThat(JSON.readTree(reply.getText()).at("/error/code").asText()).isEqualTo("404");
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void aMissingOrUnknownEndpointIsAnsweredNotDropped() throws Exception {
        Destination replies = session.createTemporaryQueue();
        MessageProducer producer = session.createProducer(session.createQueue(EmbeddedBroker.REQUESTS));
        TextMessage none = session.createTextMessage(CODE);
        none.setJMSReplyTo(replies);
        producer.send(none);
        TextMessage missing = receive(session, replies);
        // no correlation id on the request: the reply carries its message id
        assertThat(missing.getJMSCorrelationID()).isEqualTo(none.getJMSMessageID());
        assertThat(missing.getIntProperty("gatewayStatus")).isEqualTo(400);
        assertThat(JSON.readTree(missing.getText()).get("detail").asText()).contains("gatewayEndpoint");

        send(session, CODE, "v9/teleport", replies, "req-unknown");
        TextMessage unknown = receive(session, replies);
        assertThat(unknown.getIntProperty("gatewayStatus")).isEqualTo(404);
        assertThat(JSON.readTree(unknown.getText()).get("detail").asText()).contains("v9/teleport");
    }

    @Test
    void anUpstreamThatKeepsFailingEndsInTheDeadLetterQueueAfterTheConfiguredAttempts() throws Exception {
        upstream.answerJson(503, "{\"error\":{\"message\":\"overloaded\"}}");
        Destination replies = session.createTemporaryQueue();
        send(session, CODE, "code_completions", replies, "req-503");

        MessageConsumer dlq = session.createConsumer(session.createQueue(EmbeddedBroker.DEAD_LETTERS));
        Message dead = dlq.receive(WAIT_MS);
        dlq.close();
        assertThat(dead).isNotNull();
        assertThat(dead.getJMSCorrelationID()).isEqualTo("req-503");
        assertThat(dead.getStringProperty("gatewayEndpoint")).isEqualTo("code_completions");
        assertThat(dead.getStringProperty("gatewayError")).contains("503").contains("2 attempts");
        assertThat(((TextMessage) dead).getText()).isEqualTo(CODE);
        assertThat(upstream.requests()).hasSize(2);
        // the client hears how it ended too
        TextMessage reply = receive(session, replies);
        assertThat(reply.getIntProperty("gatewayStatus")).isEqualTo(503);
    }

    @Test
    void requestsWaitingForASlowModelDoNotStopTheOthers() throws Exception {
        int consumers = Integer.parseInt(gateway.context().resolvePropertyPlaceholders("{{gateway.queue.consumers}}"));
        java.util.concurrent.CompletableFuture<Void> release = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.atomic.AtomicInteger held = new java.util.concurrent.atomic.AtomicInteger();
        upstream.answer((req, resp) -> {
            String content = req.body().contains("slow model") ? "slow answer" : "fast answer";
            Runnable answer = () -> resp.putHeader("Content-Type", "application/json").end("{\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"" + content + "\"},\"finish_reason\":\"stop\"}]}");
            if (content.startsWith("slow")) {
                held.incrementAndGet();
                release.thenRun(() -> upstream.later(v -> answer.run()));
            } else {
                answer.run();
            }
        });
        Destination replies = session.createTemporaryQueue();
        try {
            // as many requests as there are consumers, each held by a slow model
            for (int i = 0; i < consumers; i++) {
                send(session, "{\"model\":\"llama\",\"messages\":[{\"role\":\"user\",\"content\":\"slow model\"}]}",
                        "chat_completions", replies, "slow-" + i);
            }
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> held.get() == consumers);
            send(session, "{\"model\":\"llama\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                    "chat_completions", replies, "fast");
            TextMessage fast = receive(session, replies);
            assertThat(fast.getJMSCorrelationID()).isEqualTo("fast");
            assertThat(fast.getText()).contains("fast answer");
            assertThat(held.get()).isEqualTo(consumers);
        } finally {
            release.complete(null);
        }
        for (int i = 0; i < consumers; i++) {
            TextMessage slow = receive(session, replies);
            assertThat(slow.getJMSCorrelationID()).startsWith("slow-");
            assertThat(slow.getText()).contains("slow answer");
        }
    }

    @Test
    void theGatewayReportsHealthyWhileConsuming() throws Exception {
        int port = Integer.parseInt(gateway.context().resolvePropertyPlaceholders("{{camel.management.port}}"));
        HttpResponse<String> health = GatewayTestServer.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/observe/health")).GET().build());
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        assertThat(JSON.readTree(health.body()).get("status").asText()).isEqualTo("UP");
    }

    static void send(Session session, String body, String endpoint, Destination replyTo, String correlationId)
            throws JMSException {
        TextMessage message = session.createTextMessage(body);
        message.setStringProperty("gatewayEndpoint", endpoint);
        message.setJMSReplyTo(replyTo);
        message.setJMSCorrelationID(correlationId);
        try (MessageProducer producer = session.createProducer(session.createQueue(EmbeddedBroker.REQUESTS))) {
            producer.send(message);
        }
    }

    static TextMessage receive(Session session, Destination from) throws JMSException {
        try (MessageConsumer consumer = session.createConsumer(from)) {
            Message reply = consumer.receive(WAIT_MS);
            assertThat(reply).as("a reply").isInstanceOf(TextMessage.class);
            return (TextMessage) reply;
        }
    }
}
