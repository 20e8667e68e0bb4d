package dev.modelgateway.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.modelgateway.emulator.EmulatedText;
import dev.modelgateway.support.AccessLogCapture;
import dev.modelgateway.support.GatewayTestServer;

/**
 * examples/queue-to-http, as its README runs it (the gateway with --extra-routes examples/queue-to-http, its embedded
 * broker, the emulator): a plain JMS client puts feature requests on model-gateway.bridge; the bridge (the
 * model-gateway-queue-source kamelet, then vertx-http) posts them to the gateway's HTTP API and the answer comes back
 * to JMSReplyTo with gatewayStatus, or to the answers queue with the correlation id when there is no JMSReplyTo.
 */
class QueueToHttpExampleTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static GatewayTestServer gateway;
    static AccessLogCapture log;
    static Connection connection;
    static Session session;

    @BeforeAll
    static void start() throws Exception {
        log = new AccessLogCapture();
        int emulator = GatewayTestServer.freePort();
        int broker = GatewayTestServer.freePort();
        int api = GatewayTestServer.freePort();
        String models = """
                model_list:
                  - model_name: llama
                    litellm_params: {model: hosted_vllm/meta-llama/Llama-3.3-70B-Instruct, api_base: "http://127.0.0.1:%1$d/openai/v1"}
                  - model_name: codestral
                    litellm_params: {model: hosted_vllm/codestral-22b, api_base: "http://127.0.0.1:%1$d/openai/v1"}
                    model_info: {family: codestral}
                features:
                  chat: llama
                  code_completions: codestral
                  code_generations: codestral
                """.formatted(emulator);
        // the gateway wants a token: the bridge sends examples.bridge.token as the bearer token
        gateway = GatewayTestServer.start(models, Map.ofEntries(Map.entry("gateway.auth.tokens", "bridge-token"),
                Map.entry("examples.bridge.token", "bridge-token"),
                Map.entry("gateway.emulator.enabled", "true"), Map.entry("gateway.emulator.port", String.valueOf(emulator)),
                Map.entry("gateway.queue.enabled", "true"), Map.entry("gateway.queue.receive-timeout", "100ms"),
                Map.entry("gateway.broker.port", String.valueOf(broker)),
                Map.entry("gateway.broker.data-dir", Files.createTempDirectory("bridge-broker-").toString()),
                Map.entry("gateway.extra-routes", "examples/queue-to-http"),
                Map.entry("examples.bridge.broker-url", "tcp://127.0.0.1:" + broker),
                Map.entry("examples.bridge.gateway-url", "http://127.0.0.1:" + api)), api);
        connection = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + broker).createConnection();
        connection.start();
        session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    @AfterAll
    static void stop() throws Exception {
        if (connection != null) {
            connection.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        log.close();
    }

    /** Puts a request on the bridge's queue with a reply queue and waits for the answer. */
    static Message ask(String endpoint, String json) throws Exception {
        Queue replies = session.createTemporaryQueue();
        TextMessage request = session.createTextMessage(json);
        request.setStringProperty("gatewayEndpoint", endpoint);
        request.setJMSReplyTo(replies);
        request.setJMSCorrelationID("corr-" + endpoint);
        try (MessageProducer producer = session.createProducer(session.createQueue("model-gateway.bridge"));
                MessageConsumer consumer = session.createConsumer(replies)) {
            producer.send(request);
            Message reply = consumer.receive(30_000);
            assertThat(reply).as("a reply for " + endpoint).isNotNull();
            assertThat(reply.getJMSCorrelationID()).isEqualTo("corr-" + endpoint);
            return reply;
        }
    }

    @Test
    void aChatRequestIsAnsweredThroughTheGatewaysHttpApi() throws Exception {
        Message reply = ask("chat_completions",
                "{\"model\":\"llama\",\"messages\":[{\"role\":\"user\",\"content\":\"bridge hello\"}]}");
        assertThat(reply.getIntProperty("gatewayStatus")).isEqualTo(200);
        JsonNode answer = JSON.readTree(((TextMessage) reply).getText());
        assertThat(answer.at("/choices/0/message/content").asText()).startsWith(EmulatedText.LABEL)
                .contains("bridge hello");
        // it went over HTTP: the gateway's access log has the HTTP API's line, not the queue's
        await().atMost(Duration.ofSeconds(10)).until(() -> log.lines().stream().anyMatch(l ->
                l.contains("\"api\":\"chat_completions\"") && l.contains("\"path\":\"/v1/chat/completions\"")));
    }

    @Test
    void aPromptAndACodeCompletionAreAnswered() throws Exception {
        Message prompt = ask("prompts/chat/explain_code",
                "{\"inputs\":{\"selected_text\":\"x = 1\",\"language\":\"python\",\"file_name\":\"a.py\"}}");
        assertThat(prompt.getIntProperty("gatewayStatus")).isEqualTo(200);
        assertThat(JSON.readTree(((TextMessage) prompt).getText()).asText()).startsWith(EmulatedText.LABEL);
        Message code = ask("code_completions",
                "{\"current_file\":{\"file_name\":\"fib.py\",\"content_above_cursor\":\"def fib(n):\\n\"}}");
        assertThat(code.getIntProperty("gatewayStatus")).isEqualTo(200);
        assertThat(JSON.readTree(((TextMessage) code).getText()).at("/choices/0/text").asText()).isNotNull();
    }

    @Test
    void errorsAreAnswersToo() throws Exception {
        Message unknownModel = ask("chat_completions",
                "{\"model\":\"no-such-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(unknownModel.getIntProperty("gatewayStatus")).isEqualTo(404);
        assertThat(((TextMessage) unknownModel).getText()).contains("no-such-model");
        Message unknownEndpoint = ask("nonsense", "{}");
        assertThat(unknownEndpoint.getIntProperty("gatewayStatus")).isEqualTo(400);
        assertThat(((TextMessage) unknownEndpoint).getText()).contains("nonsense");
    }

    @Test
    void withoutReplyToTheAnswerGoesToTheAnswersQueue() throws Exception {
        TextMessage request = session.createTextMessage(
                "{\"model\":\"llama\",\"messages\":[{\"role\":\"user\",\"content\":\"fire and forget\"}]}");
        request.setStringProperty("gatewayEndpoint", "chat_completions");
        try (MessageProducer producer = session.createProducer(session.createQueue("model-gateway.bridge"));
                MessageConsumer answers = session.createConsumer(session.createQueue("model-gateway.bridge.answers"))) {
            producer.send(request);
            Message answer = answers.receive(30_000);
            assertThat(answer).isNotNull();
            assertThat(answer.getJMSCorrelationID()).isEqualTo(request.getJMSMessageID());
            assertThat(answer.getIntProperty("gatewayStatus")).isEqualTo(200);
            assertThat(((TextMessage) answer).getText()).contains("fire and forget");
        }
    }
}
