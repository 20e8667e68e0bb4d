package dev.modelgateway.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;

/**
 * The model check against a working and a broken deployment (bad key), readiness while a feature's model has no
 * usable deployment, and /status rendered by headless Chromium (Debian's chromium, installed by .ci/run): every
 * deployment with its state, the failing one shown failing. The screenshot lands in target/status.png (docs/status.png
 * in the README is a copy of it).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatusAndCheckTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String GOOD_KEY = "sk-good-key-1";
    static final String BAD_KEY = "sk-wrong-key-2";
    static CaptureServer vllm;
    static GatewayTestServer gateway;

    @BeforeAll
    @Timeout(180)
    static void start() {
        // an OpenAI-compatible server that checks its key, as vLLM with --api-key does
        vllm = new CaptureServer().answer((req, resp) -> {
            if (!("Bearer " + GOOD_KEY).equals(req.header("Authorization"))) {
                resp.setStatusCode(401).putHeader("Content-Type", "application/json")
                        .end("{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\"}}");
                return;
            }
            resp.putHeader("Content-Type", "application/json").end("{\"choices\":[{\"index\":0,\"message\":"
                    + "{\"content\":\"OK\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":9,"
                    + "\"completion_tokens\":1,\"total_tokens\":10}}");
        });
        int emulator = GatewayTestServer.freePort();
        gateway = GatewayTestServer.start("""
                model_list:
                  - model_name: chat
                    litellm_params: {model: hosted_vllm/good, api_base: "%1$s/v1", api_key: %2$s}
                  - model_name: chat
                    litellm_params: {model: hosted_vllm/bad, api_base: "%1$s/v1", api_key: %3$s}
                    model_info: {id: chat-bad-key}
                  - model_name: broken
                    litellm_params: {model: hosted_vllm/bad, api_base: "%1$s/v1", api_key: %3$s}
                  - model_name: codestral
                    litellm_params:
                      model: vertex_ai/codestral@2405
                      vertex_ai_project: my-project
                      vertex_ai_location: us-central1
                      api_base: http://127.0.0.1:%4$d/vertex
                      vertex_credentials: emulator/vertex-service-account.json
                features:
                  chat: chat
                  code_completions: codestral
                  code_generations: broken
                """.formatted(vllm.baseUrl(), GOOD_KEY, BAD_KEY, emulator), Map.of(
                "gateway.emulator.enabled", "true",
                "gateway.emulator.port", String.valueOf(emulator)));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        vllm.close();
    }

    @Test
    @Order(1)
    void readinessIsUpWhileNothingHasFailed() throws Exception {
        HttpResponse<String> r = gateway.management("GET", "/observe/health/ready");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void theModelCheckSaysWhichDeploymentWorksAndWhyTheOtherDoesNot() throws Exception {
        HttpResponse<String> r = gateway.management("POST", "/observe/models/chat/check");
        assertThat(r.statusCode()).isEqualTo(502);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("model").asText()).isEqualTo("chat");
        assertThat(body.path("ok").asBoolean()).isFalse();
        JsonNode good = body.at("/deployments/0");
        assertThat(good.path("id").asText()).isEqualTo("chat#0");
        assertThat(good.path("provider").asText()).isEqualTo("hosted_vllm");
        assertThat(good.path("served_name").asText()).isEqualTo("good");
        assertThat(good.path("ok").asBoolean()).as(r.body()).isTrue();
        assertThat(good.path("status").asInt()).isEqualTo(200);
        assertThat(good.path("latency_ms").isNumber()).isTrue();
        assertThat(good.get("error").isNull()).isTrue();
        JsonNode bad = body.at("/deployments/1");
        assertThat(bad.path("id").asText()).isEqualTo("chat-bad-key");
        assertThat(bad.path("ok").asBoolean()).isFalse();
        assertThat(bad.path("status").asInt()).isBetween(400, 599);
        assertThat(bad.path("error").asText()).contains("Incorrect API key");
        assertThat(r.body()).doesNotContain(BAD_KEY).doesNotContain(GOOD_KEY);

        HttpResponse<String> ok = gateway.management("POST", "/observe/models/codestral/check");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(JSON.readTree(ok.body()).path("ok").asBoolean()).isTrue();
        assertThat(gateway.management("POST", "/observe/models/nope/check").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(3)
    void readinessIsDownWhileAFeatureModelHasNoUsableDeployment() throws Exception {
        HttpResponse<String> check = gateway.management("POST", "/observe/models/broken/check");
        assertThat(check.statusCode()).isEqualTo(502);
        HttpResponse<String> r = gateway.management("GET", "/observe/health/ready");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("feature code_generations: model broken has no usable deployment");
        // the chat group still has a working deployment: it is not named
        assertThat(r.body()).doesNotContain("feature chat:");
    }

    @Test
    @Order(4)
    void statusShowsEveryDeploymentWithItsStateInHeadlessChromium() throws Exception {
        HttpResponse<String> page = gateway.management("GET", "/status");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("text/html"));
        // self-contained: nothing is loaded from anywhere
        assertThat(page.body()).doesNotContain("<script").doesNotContain("<link").doesNotContain("@import")
                .doesNotContain("url(").contains("<svg");

        Path profile = Files.createTempDirectory("chromium-profile-");
        String dom = chromium(profile, "--dump-dom", gateway.managementUri("/status").toString());
        for (String id : List.of("chat#0", "chat-bad-key", "broken#0", "codestral#0")) {
            assertThat(dom).contains("data-deployment=\"" + id + "\"");
        }
        assertThat(dom).contains("data-deployment=\"chat#0\" data-state=\"ok\"")
                .contains("data-deployment=\"chat-bad-key\" data-state=\"failing\"")
                .contains("data-deployment=\"broken#0\" data-state=\"failing\"")
                .contains("data-deployment=\"codestral#0\" data-state=\"ok\"")
                .contains("Incorrect API key");

        // some traffic, so the screenshot has numbers and sparklines
        for (int i = 0; i < 3; i++) {
            gateway.post("/v1/chat/completions", "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"hi\"}]}");
            gateway.post("/v2/code/completions", "{\"current_file\":{\"file_name\":\"a.py\","
                    + "\"content_above_cursor\":\"def f(\",\"content_below_cursor\":\"\"},\"stream\":true}");
        }
        Path shot = Path.of("target", "status.png").toAbsolutePath();
        Files.deleteIfExists(shot);
        chromium(Files.createTempDirectory("chromium-profile-"), "--screenshot=" + shot, "--window-size=1500,520",
                "--hide-scrollbars", gateway.managementUri("/status").toString());
        assertThat(shot).exists();
        assertThat(Files.size(shot)).isGreaterThan(10_000);
    }

    /**
     * Debian's chromium, headless. (JavaScript cannot be switched off here: --dump-dom and --screenshot run on it; the
     * page has no script at all, which the test checks on the HTML itself.)
     */
    static String chromium(Path profile, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(Duration.ofSeconds(60).toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return new String(out, java.nio.charset.StandardCharsets.UTF_8);
    }
}
