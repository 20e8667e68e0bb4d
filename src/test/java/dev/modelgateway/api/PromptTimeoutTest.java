package dev.modelgateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.modelgateway.support.GatewayTestServer;
import dev.modelgateway.support.ScriptedUpstream;

/** A prompt definition's params.timeout bounds the model call, and past it the upstream call is reset. */
class PromptTimeoutTest {

    @TempDir
    Path prompts;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES) // a gateway boot, slow on a loaded machine
    void aModelSlowerThanThePromptsTimeoutIsA504AndItsConnectionIsReset() throws IOException {
        Path file = prompts.resolve("quick/answer/base/1.0.0.yml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "name: quick\nparams: {timeout: 0.3}\nprompt_template:\n  user: 'Say {{ word }}'\n");
        try (ScriptedUpstream upstream = new ScriptedUpstream().answer(c -> { /* never answers */ });
                GatewayTestServer gateway = GatewayTestServer.start("model_list:\n  - model_name: m\n    litellm_params: "
                        + "{model: hosted_vllm/m, api_base: \"" + upstream.baseUrl() + "/v1\"}\nfeatures: {chat: m}\n"
                        + "router_settings: {allowed_fails: 100}\n",
                        Map.of("gateway.prompts-dir", prompts.toString()))) {
            for (String stream : new String[] {"false", "true"}) {
                upstream.reset();
                long start = System.nanoTime();
                HttpResponse<String> r = gateway.post("/v1/prompts/quick/answer",
                        "{\"inputs\": {\"word\": \"hi\"}, \"stream\": " + stream + "}");
                assertThat(r.statusCode()).isEqualTo(504);
                assertThat(r.body()).contains("did not answer in time");
                assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
                await().atMost(Duration.ofSeconds(1)).until(() -> upstream.requests() == 1 && upstream.open() == 0);
            }
        }
    }
}
