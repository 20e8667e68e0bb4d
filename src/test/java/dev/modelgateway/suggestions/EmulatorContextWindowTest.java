package dev.modelgateway.suggestions;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.modelgateway.support.GatewayTestServer;

/**
 * The emulator plays each model with the window models.yaml gives it: a prompt over max_input_tokens gets the
 * provider's context-length error, while the gateway's code suggestions, cut to the budget, fit.
 */
class EmulatorContextWindowTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aPromptOverMaxInputTokensGetsTheContextLengthErrorAndABudgetedOneFits() throws Exception {
        int port = GatewayTestServer.freePort();
        String models = """
                model_list:
                  - model_name: small-llama
                    litellm_params:
                      model: hosted_vllm/small-llama
                      api_base: http://127.0.0.1:%d/openai/v1
                    model_info:
                      family: llama3
                      max_input_tokens: 2000
                features:
                  code_completions: small-llama
                """.formatted(port);
        try (GatewayTestServer gateway = GatewayTestServer.start(models, Map.of("gateway.emulator.enabled", "true",
                "gateway.emulator.port", String.valueOf(port)))) {
            StringBuilder code = new StringBuilder();
            for (int i = 0; code.length() < 99_000; i++) {
                code.append("value_").append(i).append(" = compute(").append(i).append(")\n");
            }
            String longPrompt = JSON.createObjectNode().put("model", "small-llama").put("prompt", code.toString())
                    .toString();
            HttpResponse<String> direct = GatewayTestServer.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/openai/v1/completions"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(longPrompt))
                    .build());
            assertThat(direct.statusCode()).isEqualTo(400);
            JsonNode error = JSON.readTree(direct.body()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("context_length_exceeded");
            assertThat(error.path("message").asText()).contains("maximum context length is 2000 tokens");
            // a short prompt is answered
            HttpResponse<String> shortOne = GatewayTestServer.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/openai/v1/completions"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\": \"small-llama\", \"prompt\": \"def f():\"}")).build());
            assertThat(shortOne.statusCode()).isEqualTo(200);
            // through the gateway, the same file is cut to the deployment's budget and answered
            String request = JSON.createObjectNode().<com.fasterxml.jackson.databind.node.ObjectNode>set("current_file",
                    JSON.createObjectNode().put("file_name", "big.py").put("content_above_cursor", code.toString())
                            .put("content_below_cursor", "")).put("prompt_version", 1).toString();
            HttpResponse<String> viaGateway = gateway.post("/v2/code/completions", request);
            assertThat(viaGateway.statusCode()).as(viaGateway.body()).isEqualTo(200);
        }
    }
}
