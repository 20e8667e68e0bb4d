package dev.modelgateway.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.modelgateway.emulator.EmulatedText;
import dev.modelgateway.support.GatewayTestServer;

/** The emulator's Azure surfaces answer the real Azure provider code: deployments, /openai/v1 and Foundry. */
class AzureEmulatorTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static GatewayTestServer gateway;

    @BeforeAll
    static void start() {
        int port = GatewayTestServer.freePort();
        String base = "http://127.0.0.1:" + port + "/azure";
        gateway = GatewayTestServer.start("""
                model_list:
                  - model_name: gpt-4o
                    litellm_params:
                      model: azure/gpt-4o
                      api_base: %1$s
                      api_version: "2024-10-21"
                      api_key: emulator-key
                  - model_name: gpt-4o-v1
                    litellm_params:
                      model: azure/gpt-4o
                      api_base: %1$s
                      api_key: emulator-key
                  - model_name: codestral-azure
                    litellm_params:
                      model: azure_ai/Codestral-2501
                      api_base: %1$s
                      api_key: emulator-key
                    model_info:
                      family: codestral
                """.formatted(base), Map.of("gateway.emulator.enabled", "true",
                "gateway.emulator.port", String.valueOf(port)));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void everyAzureSurfaceAnswersWithLabelledText() throws Exception {
        for (String model : new String[] {"gpt-4o", "gpt-4o-v1", "codestral-azure"}) {
            HttpResponse<String> response = gateway.post("/v1/chat/completions", AzureProviderTest.CHAT.formatted(model,
                    ""));
            assertThat(response.statusCode()).as(model + ": " + response.body()).isEqualTo(200);
            assertThat(JSON.readTree(response.body()).at("/choices/0/message/content").asText())
                    .startsWith(EmulatedText.LABEL);
        }
    }

    @Test
    void emulatedStreamsStartWithThePromptFilterChunkAndStillRelayText() {
        for (String model : new String[] {"gpt-4o", "codestral-azure"}) {
            HttpResponse<String> response = gateway.post("/v1/chat/completions", AzureProviderTest.CHAT.formatted(model,
                    ",\"stream\":true"));
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"content\":\"[model-gateway\"").endsWith("data: [DONE]\n\n");
        }
    }

    @Test
    void fillInTheMiddleReachesFoundryCodestral() throws Exception {
        HttpResponse<String> response = gateway.post("/v1/completions", "{\"model\":\"codestral-azure\",\"prompt\":"
                + "\"def fibonacci(n):\\n    \",\"suffix\":\"\\n\\nprint(fibonacci(10))\\n\",\"max_tokens\":64}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).at("/choices/0/text").asText()).startsWith(EmulatedText.LABEL);
    }
}
