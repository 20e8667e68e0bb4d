package dev.modelgateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.modelgateway.emulator.EmulatedText;
import dev.modelgateway.support.GatewayTestServer;

/**
 * The README's promise: the shipped models.yaml, prompts and routes work offline against the emulator, and every curl
 * example in the README answers. Ports are moved to free ones; nothing else is changed.
 */
class ShippedConfigurationTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static GatewayTestServer gateway;

    @BeforeAll
    static void start() throws IOException {
        int emulatorPort = GatewayTestServer.freePort();
        String models = Files.readString(Path.of("models.yaml")).replace("127.0.0.1:8090", "127.0.0.1:" + emulatorPort);
        gateway = GatewayTestServer.start(models, Map.of("gateway.emulator.enabled", "true",
                "gateway.emulator.port", String.valueOf(emulatorPort)));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void everyShippedModelAnswersThroughTheEmulatorAndSaysItIsATestDouble() throws Exception {
        HttpResponse<String> models = gateway.get("/v1/models");
        assertThat(models.statusCode()).isEqualTo(200);
        for (String alias : JSON.readTree(models.body()).get("data").findValuesAsText("id")) {
            HttpResponse<String> r = gateway.post("/v1/chat/completions", "{\"model\": \"" + alias
                    + "\", \"messages\": [{\"role\": \"user\", \"content\": \"Hello!\"}]}");
            assertThat(r.statusCode()).as(alias + ": " + r.body()).isEqualTo(200);
            assertThat(JSON.readTree(r.body()).at("/choices/0/message/content").asText()).as(alias)
                    .startsWith(EmulatedText.LABEL);
        }
    }

    @Test
    void healthIsReportedOnTheManagementPort() throws Exception {
        int port = Integer.parseInt(gateway.context().resolvePropertyPlaceholders("{{camel.management.port}}"));
        HttpResponse<String> r = GatewayTestServer.send(HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/observe/health")).GET().build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("status").asText()).isEqualTo("UP");
    }

    @Test
    void everyCurlExampleInTheReadmeAnswers() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Matcher m = Pattern.compile("curl (?:-s )?(?:-N )?(-X POST )?(http://localhost:8080\\S+)((?: -H \"[^\"]+\")*)"
                + "(?: -d '([^']*)')?").matcher(readme);
        List<String> tried = new ArrayList<>();
        while (m.find()) {
            String path = m.group(2).substring("http://localhost:8080".length());
            HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri(path));
            if (m.group(4) != null) {
                request.header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(m.group(4)));
            }
            HttpResponse<String> r = GatewayTestServer.send(request.build());
            assertThat(r.statusCode()).as(m.group() + " -> " + r.body()).isEqualTo(200);
            tried.add(path);
        }
        assertThat(tried).contains("/v1/chat/completions", "/v2/code/completions", "/v1/prompts/chat/explain_code",
                "/v1/models", "/monitoring/healthz");
    }

    @Test
    void everyShippedModelCallsAnOfferedToolThroughTheEmulatorAndThenAnswersTheToolsResult() throws Exception {
        String tools = "\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", "
                + "\"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}}}}]";
        for (String alias : List.of("codestral", "llama", "claude-bedrock", "gpt-4o")) {
            HttpResponse<String> call = gateway.post("/v1/chat/completions", "{\"model\": \"" + alias
                    + "\", \"messages\": [{\"role\": \"user\", \"content\": \"Weather in Paris?\"}], " + tools + "}");
            assertThat(call.statusCode()).as(alias + ": " + call.body()).isEqualTo(200);
            JsonNode choice = JSON.readTree(call.body()).at("/choices/0");
            assertThat(choice.path("finish_reason").asText()).as(alias).isEqualTo("tool_calls");
            JsonNode toolCall = choice.at("/message/tool_calls/0");
            assertThat(toolCall.at("/function/name").asText()).as(alias).isEqualTo("get_weather");
            assertThat(JSON.readTree(toolCall.at("/function/arguments").asText()).path("city").asText()).as(alias)
                    .contains("test double");
            HttpResponse<String> answer = gateway.post("/v1/chat/completions", "{\"model\": \"" + alias
                    + "\", \"messages\": [{\"role\": \"user\", \"content\": \"Weather in Paris?\"}, {\"role\": "
                    + "\"assistant\", \"content\": null, \"tool_calls\": [" + toolCall + "]}, {\"role\": \"tool\", "
                    + "\"tool_call_id\": \"" + toolCall.path("id").asText() + "\", \"content\": \"18 C\"}], " + tools + "}");
            assertThat(answer.statusCode()).as(alias + ": " + answer.body()).isEqualTo(200);
            assertThat(JSON.readTree(answer.body()).at("/choices/0/message/content").asText()).as(alias)
                    .startsWith(EmulatedText.LABEL);
        }
    }
}
