package dev.modelgateway.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;

/**
 * A LiteLLM proxy config.yaml with every key of contract 4.1, each shown over real HTTP: master key, per-deployment
 * timeout, rpm, order, allowed_fails/cooldown_time, fallbacks, context_window_fallbacks, model_group_alias.
 */
class LiteLlmConfigTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY = "sk-master-1234";
    static CaptureServer upstream;
    static GatewayTestServer gateway;

    /** The LiteLLM config; BASE is the scripted upstream. Paths say how it answers: /ok, /fail, /slow, /ctx. */
    static final String CONFIG = """
            general_settings:
              master_key: sk-master-1234
              alerting: ["slack"]
            litellm_settings:
              num_retries: 0
              request_timeout: 30
              drop_params: true
              fallbacks: [{"flaky": ["backup"]}]
              context_window_fallbacks: [{"small": ["large"]}]
              success_callback: ["langfuse"]
            router_settings:
              routing_strategy: simple-shuffle
              allowed_fails: 1
              cooldown_time: 30
              model_group_alias: {"gpt-4": "backup"}
              redis_host: localhost
            environment_variables:
              SOME_KEY: value
            model_list:
              - model_name: slow
                litellm_params: {model: openai/slow, api_base: "BASE/slow/v1", timeout: 1}
              - model_name: limited
                litellm_params: {model: openai/limited, api_base: "BASE/ok/limited/v1", rpm: 2}
              - model_name: limited-pair
                litellm_params: {model: openai/lp1, api_base: "BASE/ok/lp1/v1", rpm: 2, order: 1}
              - model_name: limited-pair
                litellm_params: {model: openai/lp2, api_base: "BASE/ok/lp2/v1", order: 2}
              - model_name: flaky
                litellm_params: {model: openai/flaky, api_base: "BASE/fail/flaky/v1", max_retries: 0}
                model_info: {id: flaky-east, base_model: gpt-4}
              - model_name: backup
                litellm_params: {model: openai/backup, api_base: "BASE/ok/backup/v1", weight: 1}
              - model_name: small
                litellm_params: {model: openai/small, api_base: "BASE/ctx/v1"}
              - model_name: large
                litellm_params: {model: openai/large, api_base: "BASE/ok/large/v1"}
              - model_name: cooling
                litellm_params: {model: openai/cooling, api_base: "BASE/fail/cooling/v1"}
            """;

    @BeforeAll
    static void start() {
        upstream = new CaptureServer().answer((req, resp) -> {
            String path = req.rawPath();
            if (path.startsWith("/ok/")) {
                resp.putHeader("Content-Type", "application/json").end("{\"choices\":[{\"index\":0,\"message\":"
                        + "{\"content\":\"served by " + path.split("/")[2] + "\"},\"finish_reason\":\"stop\"}],"
                        + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}");
            } else if (path.startsWith("/slow/")) {
                upstream.vertx().setTimer(3000, t -> resp.putHeader("Content-Type", "application/json")
                        .end("{\"choices\":[{\"index\":0,\"message\":{\"content\":\"late\"}}]}"));
            } else if (path.startsWith("/ctx/")) {
                resp.setStatusCode(400).end("{\"error\":{\"message\":\"This model's maximum context length is 4096 "
                        + "tokens. However, your messages resulted in 9000 tokens.\",\"code\":\"context_length_exceeded\"}}");
            } else {
                resp.setStatusCode(500).end("{\"error\":{\"message\":\"boom\"}}");
            }
        });
        gateway = GatewayTestServer.start(CONFIG.replace("BASE", upstream.baseUrl()),
                Map.of("gateway.upstream.max-retries", "0"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    static HttpResponse<String> chat(String model, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return GatewayTestServer.send(b.build());
    }

    static HttpResponse<String> chat(String model) {
        return chat(model, KEY);
    }

    static long attempts(String prefix) {
        return upstream.requests().stream().filter(r -> r.rawPath().startsWith(prefix)).count();
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void theMasterKeyIsRequired() throws Exception {
        HttpResponse<String> none = chat("backup", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(json(none).at("/error/message").asText()).isEqualTo("missing bearer token");
        assertThat(chat("backup", "sk-wrong").statusCode()).isEqualTo(401);
        assertThat(chat("backup", KEY).statusCode()).isEqualTo(200);
    }

    @Test
    void aDeploymentTimeoutOfOneSecondAnswers504InAboutASecond() throws Exception {
        Instant t0 = Instant.now();
        HttpResponse<String> r = chat("slow");
        Duration took = Duration.between(t0, Instant.now());
        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(took).isBetween(Duration.ofMillis(900), Duration.ofMillis(2500));
        assertThat(attempts("/slow/")).isEqualTo(1);
    }

    @Test
    void rpmTwoGivesTheThirdRequestOfTheMinuteA429OrTheNextDeployment() throws Exception {
        awayFromTheMinuteBoundary();
        assertThat(chat("limited").statusCode()).isEqualTo(200);
        assertThat(chat("limited").statusCode()).isEqualTo(200);
        HttpResponse<String> third = chat("limited");
        assertThat(third.statusCode()).isEqualTo(429);
        long retryAfter = Long.parseLong(third.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 60L);
        assertThat(json(third).at("/error/message").asText()).contains("rpm/tpm limit");
        assertThat(attempts("/ok/limited/")).isEqualTo(2);

        // order: 1 takes the first two, then its rpm is used up and order: 2 serves
        assertThat(json(chat("limited-pair")).at("/choices/0/message/content").asText()).isEqualTo("served by lp1");
        assertThat(json(chat("limited-pair")).at("/choices/0/message/content").asText()).isEqualTo("served by lp1");
        HttpResponse<String> next = chat("limited-pair");
        assertThat(json(next).at("/choices/0/message/content").asText()).isEqualTo("served by lp2");
        assertThat(next.headers().firstValue("x-model-gateway-model")).hasValue("limited-pair");
    }

    @Test
    void aDeploymentFailingPastAllowedFailsGetsNoRequestDuringItsCooldown() throws Exception {
        assertThat(chat("cooling").statusCode()).isEqualTo(503);
        assertThat(chat("cooling").statusCode()).isEqualTo(503);
        assertThat(attempts("/fail/cooling/")).isEqualTo(2);
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = chat("cooling");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(json(r).at("/error/message").asText()).contains("cooling down");
            assertThat(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow())).isBetween(25L, 30L);
        }
        assertThat(attempts("/fail/cooling/")).isEqualTo(2);
    }

    @Test
    void aFailingGroupFallsBackToTheGroupNamedInFallbacks() throws Exception {
        HttpResponse<String> r = chat("flaky");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).at("/model").asText()).isEqualTo("backup");
        assertThat(json(r).at("/choices/0/message/content").asText()).isEqualTo("served by backup");
        assertThat(r.headers().firstValue("x-model-gateway-model")).hasValue("backup");
        assertThat(attempts("/fail/flaky/")).isEqualTo(1);
    }

    @Test
    void aContextWindowErrorFallsBackAlongContextWindowFallbacks() throws Exception {
        HttpResponse<String> r = chat("small");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).at("/model").asText()).isEqualTo("large");
        assertThat(r.headers().firstValue("x-model-gateway-model")).hasValue("large");
        assertThat(attempts("/ctx/")).isEqualTo(1);
    }

    @Test
    void aModelGroupAliasNamesAnotherGroup() throws Exception {
        HttpResponse<String> r = chat("gpt-4");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).at("/choices/0/message/content").asText()).isEqualTo("served by backup");
        assertThat(r.headers().firstValue("x-model-gateway-model")).hasValue("backup");
    }

    @Test
    void aNonLoopbackBindWithoutATokenStopsStartUpUnlessAnonymousIsAllowed() {
        String models = "model_list:\n  - model_name: m\n    litellm_params: {model: openai/m, api_base: \"http://127.0.0.1:9/v1\"}\n";
        assertThatThrownBy(() -> GatewayTestServer.start(models, Map.of("camel.server.host", "0.0.0.0")))
                .hasStackTraceContaining("refusing to serve the API on 0.0.0.0 without a token");
        try (GatewayTestServer open = GatewayTestServer.start(models, Map.of("camel.server.host", "0.0.0.0",
                "gateway.auth.allow-anonymous", "true"))) {
            assertThat(open.get("/v1/models").statusCode()).isEqualTo(200);
        }
        // a master_key counts as a token
        try (GatewayTestServer keyed = GatewayTestServer.start("general_settings: {master_key: k1}\n" + models,
                Map.of("camel.server.host", "0.0.0.0"))) {
            assertThat(keyed.get("/v1/models").statusCode()).isEqualTo(401);
        }
    }

    /** rpm windows are calendar minutes: start a window test with enough of the minute left. */
    private static void awayFromTheMinuteBoundary() {
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> System.currentTimeMillis() % 60_000 < 50_000);
    }
}
