package dev.modelgateway.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.modelgateway.emulator.EmulatedText;
import dev.modelgateway.support.GatewayTestServer;

/**
 * The shipped models.yaml's Bedrock entries answer offline: the gateway's real Bedrock code (AWS SDK, SigV4,
 * event-stream decoding) against the emulator's invoke, converse and their streaming verbs.
 */
class BedrockEmulatorTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static GatewayTestServer gateway;

    @BeforeAll
    static void start() throws Exception {
        int emulator = GatewayTestServer.freePort();
        String models = java.nio.file.Files.readString(java.nio.file.Path.of("models.yaml"))
                .replace("127.0.0.1:8090", "127.0.0.1:" + emulator);
        gateway = GatewayTestServer.start(models, Map.of("gateway.emulator.enabled", "true",
                "gateway.emulator.port", String.valueOf(emulator)));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    static String chat(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hi.\"}],"
                + "\"max_tokens\":64" + (stream ? ",\"stream\":true" : "") + "}";
    }

    @Test
    void shippedClaudeOnBedrockAnswersThroughInvokeModel() throws Exception {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", chat("claude-bedrock", false));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).at("/choices/0/message/content").asText())
                .startsWith(EmulatedText.LABEL).contains("us.anthropic.claude-sonnet-4-20250514-v1:0")
                .contains("Say hi.");
    }

    @Test
    void shippedLlamaOnBedrockAnswersThroughConverse() throws Exception {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", chat("llama-bedrock", false));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).at("/choices/0/message/content").asText())
                .startsWith(EmulatedText.LABEL).contains("meta.llama3-3-70b-instruct-v1:0");
    }

    @Test
    void bothStreamingVerbsAnswerWithEventStreamFrames() {
        for (String model : new String[] {"claude-bedrock", "llama-bedrock"}) {
            HttpResponse<String> response = gateway.post("/v1/chat/completions", chat(model, true));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).contains("\"content\":\" emulator:\"").contains("\"finish_reason\":\"stop\"")
                    .endsWith("data: [DONE]\n\n");
        }
    }
}
