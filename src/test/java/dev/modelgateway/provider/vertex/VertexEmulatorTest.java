package dev.modelgateway.provider.vertex;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.modelgateway.emulator.EmulatedText;
import dev.modelgateway.support.GatewayTestServer;

/**
 * The emulator's Vertex surfaces through the real provider code: token exchange at the emulator's token endpoint,
 * then rawPredict, streamRawPredict, generateContent and endpoints/openapi, each answer labelled as emulated.
 */
class VertexEmulatorTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static GatewayTestServer gateway;

    @BeforeAll
    static void start() {
        int port = GatewayTestServer.freePort();
        String base = "http://127.0.0.1:" + port + "/vertex";
        String key = TestServiceAccount.file(base + "/token").toString();
        String common = """
                      vertex_ai_project: my-project
                      api_base: %s
                      vertex_credentials: %s
                """.formatted(base, key);
        gateway = GatewayTestServer.start("""
                model_list:
                  - model_name: codestral
                    litellm_params:
                      model: vertex_ai/codestral@2405
                      vertex_ai_location: us-central1
                %s  - model_name: claude
                    litellm_params:
                      model: vertex_ai/claude-sonnet-4-5
                      vertex_ai_location: global
                %s  - model_name: gemini
                    litellm_params:
                      model: vertex_ai/gemini-2.0-flash-001
                %s  - model_name: llama
                    litellm_params:
                      model: vertex_ai/llama-3.3-70b
                %sfeatures: {code_completions: codestral, chat: claude}
                """.formatted(common, common, common, common),
                Map.of("gateway.emulator.enabled", "true", "gateway.emulator.port", String.valueOf(port)));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void theShippedCodestralEntryWorksWhereverTheEmulatorListens() throws Exception {
        int port = GatewayTestServer.freePort();
        String shipped = Files.readString(Path.of("models.yaml")).replace("127.0.0.1:8090", "127.0.0.1:" + port);
        try (GatewayTestServer shippedGateway = GatewayTestServer.start(shipped,
                Map.of("gateway.emulator.enabled", "true", "gateway.emulator.port", String.valueOf(port)))) {
            HttpResponse<String> response = shippedGateway.post("/v2/code/completions", """
                    {"current_file": {"file_name": "fib.py", "content_above_cursor": "def fibonacci(n):\\n    ",
                     "content_below_cursor": "\\n\\nprint(fibonacci(10))\\n"}}""");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode body = JSON.readTree(response.body());
            assertThat(body.at("/model/engine").asText()).isEqualTo("vertex_ai");
            assertThat(body.at("/model/name").asText()).isEqualTo("codestral@2405");
            assertThat(body.at("/choices/0/text").asText()).startsWith(EmulatedText.LABEL);
        }
    }

    @Test
    void codeCompletionsAreServedByEmulatedCodestral() throws Exception {
        HttpResponse<String> response = gateway.post("/v2/code/completions", """
                {"current_file": {"file_name": "fib.py", "content_above_cursor": "def fibonacci(n):\\n    "}}""");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).at("/choices/0/text").asText()).startsWith(EmulatedText.LABEL)
                .contains("codestral");
    }

    @Test
    void everyApiFamilyStreamsLabelledText() {
        for (String model : new String[] {"codestral", "claude", "gemini", "llama"}) {
            HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                    {"model": "%s", "stream": true, "stream_options": {"include_usage": true},
                     "messages": [{"role": "user", "content": "Write a haiku about Camel routes."}]}"""
                    .formatted(model));
            assertThat(response.statusCode()).as(model + ": " + response.body()).isEqualTo(200);
            assertThat(response.body()).as(model).contains("emulator:").contains("\"finish_reason\":\"stop\"")
                    .contains("data: [DONE]").doesNotContain("\"total_tokens\":0");
        }
    }

    @Test
    void wholeAnswersOfEveryApiFamilyAreLabelled() throws Exception {
        for (String model : new String[] {"codestral", "claude", "gemini", "llama"}) {
            HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                    {"model": "%s", "messages": [{"role": "system", "content": "Be brief."},
                     {"role": "user", "content": "Write a haiku about Camel routes."}]}""".formatted(model));
            assertThat(response.statusCode()).as(model + ": " + response.body()).isEqualTo(200);
            JsonNode body = JSON.readTree(response.body());
            assertThat(body.at("/choices/0/message/content").asText()).as(model).startsWith(EmulatedText.LABEL)
                    .contains("Camel routes");
        }
    }
}
