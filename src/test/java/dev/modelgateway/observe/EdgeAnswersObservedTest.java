package dev.modelgateway.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.modelgateway.support.AccessLogCapture;
import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;

/**
 * Answers no route sees (404 no such endpoint, 405 wrong method, 413 body too large, 503 over gateway.http.max-in-flight) are counted
 * in gateway_requests_total with their status and written to the access log with an X-Request-Id, like routed ones
 * (an unknown model's 404, answered by a route, too); and fallback_from is the group the request named, also when
 * that group was skipped (cooling down) without being called.
 */
class EdgeAnswersObservedTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String HELD = "{\"model\":\"held\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static CaptureServer upstream;
    static GatewayTestServer gateway;
    static AccessLogCapture log;
    static final CompletableFuture<Void> release = new CompletableFuture<>();
    static final AtomicInteger held = new AtomicInteger();

    @BeforeAll
    static void start() {
        log = new AccessLogCapture();
        upstream = new CaptureServer().answer((request, response) -> {
            if (request.rawPath().startsWith("/fail")) {
                response.setStatusCode(500).end("{\"error\":{\"message\":\"down\"}}");
                return;
            }
            if (request.body().contains("\"stream\":true")) {
                response.setChunked(true).putHeader("Content-Type", "text/event-stream");
                response.write("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"first\"}}]}\n\n");
                held.incrementAndGet();
                release.thenRun(() -> upstream.later(v -> response.end("data: [DONE]\n\n")));
                return;
            }
            response.putHeader("Content-Type", "application/json").end("{\"choices\":[{\"index\":0,\"message\":"
                    + "{\"content\":\"backup answer\"},\"finish_reason\":\"stop\"}]}");
        });
        gateway = GatewayTestServer.start("""
                model_list:
                  - model_name: held
                    litellm_params: {model: hosted_vllm/held, api_base: "%1$s/v1"}
                  - model_name: flaky
                    litellm_params: {model: hosted_vllm/flaky, api_base: "%1$s/fail/v1", max_retries: 0}
                  - model_name: backup
                    litellm_params: {model: hosted_vllm/backup, api_base: "%1$s/v1"}
                litellm_settings:
                  fallbacks: [{"flaky": ["backup"]}]
                router_settings:
                  allowed_fails: 0
                  cooldown_time: 60
                """.formatted(upstream.baseUrl()), Map.of("gateway.http.max-in-flight", "2",
                "gateway.request.max-body-bytes", "2048"));
    }

    @AfterAll
    static void stop() {
        release.complete(null);
        gateway.close();
        upstream.close();
        log.close();
    }

    static HttpResponse<String> send(String method, String path, String body) {
        return GatewayTestServer.send(HttpRequest.newBuilder(gateway.uri(path)).header("Content-Type",
                "application/json").method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** The access-log line with this request id, once written. */
    static JsonNode line(HttpResponse<String> response) {
        String id = response.headers().firstValue("X-Request-Id").orElseThrow(
                () -> new AssertionError("no X-Request-Id on a " + response.statusCode()));
        return await().atMost(Duration.ofSeconds(10)).until(() -> log.lines().stream()
                .filter(l -> l.contains("\"request_id\":\"" + id + "\"")).findFirst().map(l -> {
                    try {
                        return JSON.readTree(l);
                    } catch (Exception e) {
                        throw new AssertionError(l, e);
                    }
                }).orElse(null), l -> l != null);
    }

    static String metrics() {
        return gateway.management("GET", "/observe/metrics").body();
    }

    static double requests(String api, String status) {
        String prefix = "gateway_requests_total{api=\"" + api + "\",";
        return metrics().lines().filter(l -> l.startsWith(prefix) && l.contains("status=\"" + status + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void noSuchEndpointAndWrongMethodAreCountedAndLogged() {
        HttpResponse<String> missing = send("POST", "/v1/nothing/here", "{}");
        assertThat(missing.statusCode()).isEqualTo(404);
        JsonNode l = line(missing);
        assertThat(l.path("status").asInt()).isEqualTo(404);
        assertThat(l.path("api").asText()).isEqualTo("other");
        assertThat(l.path("path").asText()).isEqualTo("/v1/nothing/here");
        assertThat(l.path("attempts").asInt()).isZero();
        assertThat(requests("other", "404")).isGreaterThanOrEqualTo(1);

        // a served path with another method: 405 naming the allowed one, counted the same way
        HttpResponse<String> wrongMethod = send("GET", "/v1/chat/completions", null);
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
        assertThat(wrongMethod.body()).contains("use POST");
        assertThat(line(wrongMethod).path("status").asInt()).isEqualTo(405);
        assertThat(requests("chat_completions", "405")).isGreaterThanOrEqualTo(1);
        // a prompt path (the route takes the whole /v1/prompts prefix) too; a GET route's path is not refused
        assertThat(send("GET", "/v1/prompts/chat/explain_code", null).statusCode()).isEqualTo(405);
        assertThat(send("GET", "/v1/models", null).statusCode()).isEqualTo(200);
    }

    @Test
    void anUnknownModelIsCountedAs404() {
        HttpResponse<String> r = send("POST", "/v1/chat/completions",
                "{\"model\":\"no-such-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(404);
        JsonNode l = line(r);
        assertThat(l.path("status").asInt()).isEqualTo(404);
        assertThat(l.path("api").asText()).isEqualTo("chat_completions");
        assertThat(metrics()).doesNotContain("no-such-model");
        assertThat(requests("chat_completions", "404")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aBodyOverTheLimitIsCountedAs413() {
        String big = "{\"model\":\"held\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(4096) + "\"}]}";
        HttpResponse<String> r = send("POST", "/v1/chat/completions", big);
        assertThat(r.statusCode()).isEqualTo(413);
        JsonNode l = line(r);
        assertThat(l.path("status").asInt()).isEqualTo(413);
        assertThat(l.path("api").asText()).isEqualTo("chat_completions");
        assertThat(l.path("model").isNull()).isTrue();
        assertThat(requests("chat_completions", "413")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aRequestOverTheInFlightLimitIsCountedAs503() throws Exception {
        // the limit's worth of streams, held by the upstream after their first chunk
        List<CompletableFuture<HttpResponse<java.util.stream.Stream<String>>>> streams = List.of(
                CompletableFuture.supplyAsync(() -> gateway.postStreaming("/v1/chat/completions", HELD)),
                CompletableFuture.supplyAsync(() -> gateway.postStreaming("/v1/chat/completions", HELD)));
        await().atMost(Duration.ofSeconds(20)).until(() -> held.get() == 2);
        HttpResponse<String> refused = send("POST", "/v2/code/completions", "{}");
        assertThat(refused.statusCode()).isEqualTo(503);
        JsonNode l = line(refused);
        assertThat(l.path("status").asInt()).isEqualTo(503);
        assertThat(l.path("api").asText()).isEqualTo("code_completions");
        assertThat(requests("code_completions", "503")).isGreaterThanOrEqualTo(1);
        release.complete(null);
        for (var stream : streams) {
            assertThat(stream.get().body().toList()).contains("data: [DONE]");
        }
    }

    @Test
    void fallbackFromNamesTheGroupAskedForAlsoWhenItWasSkipped() {
        String ask = "{\"model\":\"flaky\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        // flaky fails and cools down (allowed_fails 0): backup serves
        HttpResponse<String> first = send("POST", "/v1/chat/completions", ask);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        JsonNode one = line(first);
        assertThat(one.path("model").asText()).isEqualTo("backup");
        assertThat(one.path("fallback_from").asText()).isEqualTo("flaky");
        // flaky is cooling down now: the router goes straight to backup, flaky is never called
        int calls = upstream.requests().size();
        HttpResponse<String> second = send("POST", "/v1/chat/completions", ask);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(upstream.requests().subList(calls, upstream.requests().size()))
                .noneMatch(c -> c.rawPath().startsWith("/fail"));
        JsonNode two = line(second);
        assertThat(two.path("model").asText()).isEqualTo("backup");
        assertThat(two.path("attempts").asInt()).isEqualTo(1);
        assertThat(two.path("fallback_from").asText()).isEqualTo("flaky");
    }
}
