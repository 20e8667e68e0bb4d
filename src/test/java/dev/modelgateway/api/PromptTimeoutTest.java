package dev.modelgateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;

/** A prompt definition's params.timeout bounds the model call. */
class PromptTimeoutTest {

    @TempDir
    Path prompts;

    @Test
    void aModelSlowerThanThePromptsTimeoutIsA504() throws IOException {
        Path file = prompts.resolve("quick/answer/base/1.0.0.yml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "name: quick\nparams: {timeout: 0.3}\nprompt_template:\n  user: 'Say {{ word }}'\n");
        try (CaptureServer upstream = new CaptureServer().answer((req, resp) -> { /* never answers */ });
                GatewayTestServer gateway = GatewayTestServer.start("model_list:\n  - model_name: m\n    litellm_params: "
                        + "{model: hosted_vllm/m, api_base: \"" + upstream.baseUrl() + "/v1\"}\nfeatures: {chat: m}\n",
                        Map.of("gateway.prompts-dir", prompts.toString()))) {
            long start = System.nanoTime();
            HttpResponse<String> r = gateway.post("/v1/prompts/quick/answer", "{\"inputs\": {\"word\": \"hi\"}}");
            assertThat(r.statusCode()).isEqualTo(504);
            assertThat(r.body()).contains("did not answer in time");
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
        }
    }
}
