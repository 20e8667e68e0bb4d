package dev.modelgateway.suites;

import static dev.modelgateway.support.PrometheusText.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.modelgateway.support.GatewayTestServer;
import dev.modelgateway.support.ScriptedUpstream;

/**
 * Upstream faults (issue 9, item 9b), through a scripted upstream that misbehaves at the byte level: for each fault,
 * exactly what the client sees (status, the OpenAI error body, or how its stream ends) and how many attempts reached
 * the upstream. Each case has its own model group, so failures of one case never cool down another's deployment.
 *
 * <p>Settings that shape the counts: {@code router_settings.num_retries: 1} (every deployment retries a transient
 * failure once: 2 attempts) unless a deployment sets {@code max_retries}; {@code allowed_fails: 2},
 * {@code cooldown_time: 30}; backoff 20 ms doubling up to 2 s, so an upstream's Retry-After of 1 s is waited and one
 * of 30 s is not.
 */
class UpstreamFaultsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tok\"}}]}\n\n";
    static final String OK = "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}";

    static ScriptedUpstream upstream;
    static GatewayTestServer gateway;
    /** When each upstream attempt arrived (System.nanoTime). */
    static final List<Long> arrivals = new CopyOnWriteArrayList<>();

    @BeforeAll
    @Timeout(value = 3, unit = TimeUnit.MINUTES) // one gateway boot, slow on a loaded machine
    static void start() {
        upstream = new ScriptedUpstream();
        String base = upstream.baseUrl() + "/v1";
        StringBuilder yaml = new StringBuilder("""
                router_settings: {num_retries: 1, allowed_fails: 2, cooldown_time: 30}
                model_list:
                """);
        for (String group : List.of("warm", "r429", "r429ra", "r429long", "r500", "r503", "reset", "garbage",
                "garbage-later", "truncated", "mid-error", "stall")) {
            yaml.append(deployment(group, base, ""));
        }
        yaml.append(deployment("r429deadline", base, ", timeout: 1"));
        yaml.append(deployment("slow", base, ", timeout: 1, stream_timeout: 0.5"));
        yaml.append(deployment("once", base, ", max_retries: 0"));
        yaml.append(deployment("thrice", base, ", max_retries: 3"));
        yaml.append(deployment("cool", base, ""));
        yaml.append(deployment("cool", base, ""));
        yaml.append(deployment("tpm", base, ", tpm: 20"));
        yaml.append(deployment("refused", "http://127.0.0.1:" + GatewayTestServer.freePort() + "/v1", ""));
        gateway = GatewayTestServer.start(yaml.toString(), Map.of(
                "gateway.upstream.timeout", "3s",
                "gateway.upstream.first-token-timeout", "1s",
                "gateway.upstream.initial-backoff", "20ms",
                "gateway.upstream.max-backoff", "2s"));
        // the first calls of a fresh JVM are slow: warm both paths so the short limits measure the gateway only
        upstream.answer(c -> c.head("text/event-stream").chunk(TOKEN).chunk("data: [DONE]\n\n").chunk(""));
        for (int i = 0; i < 3; i++) {
            chat("warm", true);
        }
        upstream.answer(c -> c.whole(200, "application/json", OK));
        for (int i = 0; i < 3; i++) {
            chat("warm", false);
        }
    }

    static String deployment(String group, String apiBase, String extra) {
        return "  - model_name: " + group + "\n    litellm_params: {model: hosted_vllm/" + group + ", api_base: \""
                + apiBase + "\"" + extra + "}\n";
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void reset() {
        upstream.reset();
        arrivals.clear();
    }

    /** Answers every attempt with this raw HTTP response, noting when it came. */
    static void everyAttempt(ScriptedUpstream.Script script) {
        upstream.answer(c -> {
            arrivals.add(System.nanoTime());
            script.answer(c);
        });
    }

    // 429, 500, 503: retried per max_retries / num_retries, then answered with the upstream's status and wait

    @Test
    void a429WithoutRetryAfterIsRetriedOnceWithBackoffThenAnswered429() throws Exception {
        everyAttempt(c -> c.whole(429, "application/json", "{\"error\":{\"message\":\"slow down\"}}"));
        for (boolean stream : new boolean[] {false, true}) {
            upstream.reset();
            HttpResponse<String> r = chat("r429", stream);
            assertError(r, 429, "rate_limit_error", "upstream rate limit: hosted_vllm answered 429: slow down");
            assertThat(r.headers().firstValue("Retry-After")).as("the gateway's own hint").hasValue("2");
            assertThat(upstream.requests()).as("attempts, stream=" + stream).isEqualTo(2);
        }
    }

    @Test
    void a429WithAShortRetryAfterIsWaitedExactlyAndPassedOn() throws Exception {
        everyAttempt(c -> c.write("HTTP/1.1 429 Too Many\r\nretry-after: 1\r\nContent-Length: 0\r\n"
                + "Connection: close\r\n\r\n"));
        HttpResponse<String> r = chat("r429ra", false);
        assertError(r, 429, "rate_limit_error", "hosted_vllm answered 429");
        assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(upstream.requests()).isEqualTo(2);
        assertThat(gapMillis()).as("the retry waited the upstream's 1 s").isBetween(950L, 1_900L);

        // OpenAI's and Azure's retry-after-ms wins over retry-after and stays fractional
        upstream.reset();
        arrivals.clear();
        everyAttempt(c -> c.write("HTTP/1.1 429 Too Many\r\nretry-after-ms: 150\r\nretry-after: 1\r\n"
                + "Content-Length: 0\r\nConnection: close\r\n\r\n"));
        r = chat("r429ra", true);
        assertError(r, 429, "rate_limit_error", "hosted_vllm answered 429");
        assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(upstream.requests()).isEqualTo(2);
        assertThat(gapMillis()).isBetween(145L, 900L);
    }

    @Test
    void a429AskingForMoreThanTheMaximumBackoffIsNotRetriedAndItsWaitReachesTheClient() throws Exception {
        everyAttempt(c -> c.write("HTTP/1.1 429 Too Many\r\nretry-after: 30\r\nContent-Length: 0\r\n"
                + "Connection: close\r\n\r\n"));
        long start = System.nanoTime();
        HttpResponse<String> r = chat("r429long", false);
        assertError(r, 429, "rate_limit_error", "hosted_vllm answered 429");
        assertThat(r.headers().firstValue("Retry-After")).hasValue("30");
        assertThat(millisSince(start)).isLessThan(1_500L);
        noMoreAttemptsThan(1);
    }

    @Test
    void a429WhoseWaitWouldOutlastTheDeploymentTimeoutIsAnsweredAtOnceNotAfterA504() throws Exception {
        // timeout: 1 on this deployment; the upstream asks for 1.5 s (under max-backoff): waiting could only end in 504
        everyAttempt(c -> c.write("HTTP/1.1 429 Too Many\r\nretry-after-ms: 1500\r\nContent-Length: 0\r\n"
                + "Connection: close\r\n\r\n"));
        long start = System.nanoTime();
        HttpResponse<String> r = chat("r429deadline", false);
        assertError(r, 429, "rate_limit_error", "hosted_vllm answered 429");
        assertThat(r.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(millisSince(start)).isLessThan(900L);
        noMoreAttemptsThan(1);
    }

    @Test
    void a500IsRetriedOnceThenAnswered503() throws Exception {
        everyAttempt(c -> c.whole(500, "application/json", "{\"error\":{\"message\":\"boom\"}}"));
        for (boolean stream : new boolean[] {false, true}) {
            upstream.reset();
            HttpResponse<String> r = chat("r500", stream);
            assertError(r, 503, "upstream_unavailable", "upstream failed: hosted_vllm answered 500: boom");
            assertThat(r.headers().firstValue("Retry-After")).hasValue("2");
            assertThat(upstream.requests()).as("attempts, stream=" + stream).isEqualTo(2);
        }
    }

    @Test
    void a503WithRetryAfterIsWaitedAndItsWaitReachesTheClient() throws Exception {
        everyAttempt(c -> c.write("HTTP/1.1 503 Busy\r\nRetry-After: 1\r\nContent-Type: text/plain\r\n"
                + "Content-Length: 10\r\nConnection: close\r\n\r\nover-load!"));
        HttpResponse<String> r = chat("r503", true);
        assertError(r, 503, "upstream_unavailable", "hosted_vllm answered 503: over-load!");
        assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(upstream.requests()).isEqualTo(2);
        assertThat(gapMillis()).as("the retry waited the 503's Retry-After").isBetween(950L, 1_900L);
    }

    @Test
    void maxRetriesOfTheDeploymentWinsOverTheRoutersNumRetries() throws Exception {
        everyAttempt(c -> c.whole(503, "application/json", "{\"error\":{\"message\":\"busy\"}}"));
        assertError(chat("once", false), 503, "upstream_unavailable", "busy");
        noMoreAttemptsThan(1);
        upstream.reset();
        assertError(chat("thrice", true), 503, "upstream_unavailable", "busy");
        noMoreAttemptsThan(4);
    }

    // the connection fails

    @Test
    void aRefusedConnectionIsRetriedOnceThenAnswered503AndTheRetryIsCounted() throws Exception {
        for (boolean stream : new boolean[] {false, true}) {
            HttpResponse<String> r = chat("refused", stream);
            assertError(r, 503, "upstream_unavailable", "could not reach hosted_vllm");
        }
        String m = gateway.management("GET", "/observe/metrics").body();
        assertThat(sample(m, "gateway_upstream_attempts_total", "deployment=\"refused#0\"", "outcome=\"retry\""))
                .as("one retry per request").isEqualTo(2);
        assertThat(sample(m, "gateway_upstream_attempts_total", "deployment=\"refused#0\"", "outcome=\"error\""))
                .isEqualTo(2);
    }

    @Test
    void aResetMidBodyIsA502ForAWholeAnswerAndAnErrorEventForAStreamNeverRetried() throws Exception {
        everyAttempt(c -> {
            c.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n"
                    + "Connection: close\r\n\r\n{\"choices\":[{\"index\":0,");
            upstream.vertx().setTimer(100, t -> c.reset());
        });
        assertError(chat("reset", false), 502, "upstream_error", "cut off");
        noMoreAttemptsThan(1);

        upstream.reset();
        everyAttempt(c -> {
            c.head("text/event-stream").chunk(TOKEN);
            upstream.vertx().setTimer(100, t -> c.reset());
        });
        HttpResponse<String> r = chat("reset", true);
        assertThat(r.statusCode()).isEqualTo(200);
        assertStreamEndsWithError(r, 1, 502, "upstream_error", "cut off");
        noMoreAttemptsThan(1);
    }

    // time limits

    @Test
    void aSlowFirstTokenIsA504AtTheDeploymentsStreamTimeoutAndASilentAnswerAtItsTimeout() throws Exception {
        everyAttempt(c -> c.head("text/event-stream"));
        long start = System.nanoTime();
        HttpResponse<String> r = chat("slow", true);
        assertError(r, 504, "timeout_error", "hosted_vllm did not answer in time");
        assertThat(millisSince(start)).as("stream_timeout: 0.5").isBetween(450L, 1_000L);
        noMoreAttemptsThan(1);

        upstream.reset();
        everyAttempt(c -> { });
        start = System.nanoTime();
        r = chat("slow", false);
        assertError(r, 504, "timeout_error", "hosted_vllm did not answer in time");
        assertThat(millisSince(start)).as("timeout: 1").isBetween(950L, 2_000L);
        noMoreAttemptsThan(1);
    }

    @Test
    void aStreamThatStallsMidWayEndsWithATimeoutEventAfterWhatCame() throws Exception {
        everyAttempt(c -> c.head("text/event-stream").chunk(TOKEN).chunk(TOKEN));
        long start = System.nanoTime();
        HttpResponse<String> r = chat("stall", true);
        assertThat(r.statusCode()).isEqualTo(200);
        assertStreamEndsWithError(r, 2, 504, "timeout_error", "did not answer in time");
        assertThat(millisSince(start)).as("the 1 s gap limit").isBetween(950L, 2_500L);
        noMoreAttemptsThan(1);
    }

    // bad answers: the model ran, so nothing is retried

    @Test
    void malformedJsonIsA502AndNotRetried() throws Exception {
        everyAttempt(c -> c.whole(200, "application/json", "{\"choices\": [oops"));
        assertError(chat("garbage", false), 502, "upstream_error", "hosted_vllm answered something unreadable");
        noMoreAttemptsThan(1);

        upstream.reset();
        everyAttempt(c -> c.head("text/event-stream").chunk("data: {\"choices\": [oops\n\n"));
        assertError(chat("garbage", true), 502, "upstream_error", "a stream chunk is not JSON");
        noMoreAttemptsThan(1);

        upstream.reset();
        everyAttempt(c -> c.head("text/event-stream").chunk(TOKEN).chunk("data: {\"choices\": [oops\n\n"));
        HttpResponse<String> r = chat("garbage-later", true);
        assertThat(r.statusCode()).isEqualTo(200);
        assertStreamEndsWithError(r, 1, 502, "upstream_error", "a stream chunk is not JSON");
        noMoreAttemptsThan(1);
    }

    @Test
    void aTruncatedAnswerIsA502AndATruncatedStreamEndsWithAnErrorEventNotAsIfComplete() throws Exception {
        everyAttempt(c -> {
            c.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n"
                    + "Connection: close\r\n\r\n{\"choices\":[{\"index\":0,");
            upstream.vertx().setTimer(100, t -> c.close());
        });
        assertError(chat("truncated", false), 502, "upstream_error", "cut off");
        noMoreAttemptsThan(1);

        // a well-formed chunked end, but neither a finish_reason nor [DONE]: the answer was cut short
        upstream.reset();
        everyAttempt(c -> c.head("text/event-stream").chunk(TOKEN).chunk(""));
        HttpResponse<String> r = chat("truncated", true);
        assertThat(r.statusCode()).isEqualTo(200);
        assertStreamEndsWithError(r, 1, 502, "upstream_error", "cut short");
        noMoreAttemptsThan(1);
    }

    @Test
    void anErrorEventMidStreamEndsTheClientsStreamWithItsReason() throws Exception {
        everyAttempt(c -> c.head("text/event-stream").chunk(TOKEN)
                .chunk("data: {\"error\":{\"message\":\"model overloaded\",\"type\":\"server_error\"}}\n\n"));
        HttpResponse<String> r = chat("mid-error", true);
        assertThat(r.statusCode()).isEqualTo(200);
        assertStreamEndsWithError(r, 1, 502, "upstream_error", "hosted_vllm failed mid-stream: model overloaded");
        noMoreAttemptsThan(1);
    }

    // the router

    @Test
    void aGroupThatKeepsAnswering503CoolsDownAndIsNotCalledAgainUntilItsCooldownEnds() throws Exception {
        // Retry-After 7 is over max-backoff: not retried; each request tries both deployments once
        everyAttempt(c -> c.write("HTTP/1.1 503 Busy\r\nRetry-After: 7\r\nContent-Length: 0\r\n"
                + "Connection: close\r\n\r\n"));
        for (int i = 1; i <= 3; i++) {
            HttpResponse<String> r = chat("cool", i == 2);
            assertError(r, 503, "upstream_unavailable", "hosted_vllm answered 503");
            assertThat(r.headers().firstValue("Retry-After")).hasValue("7");
            assertThat(upstream.requests()).as("after request " + i).isEqualTo(2 * i);
        }
        // both deployments failed 3 times (> allowed_fails: 2): the group cools down for 30 s
        for (boolean stream : new boolean[] {false, true}) {
            long start = System.nanoTime();
            HttpResponse<String> r = chat("cool", stream);
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(error(r).path("code").asText()).isEqualTo("503");
            assertThat(error(r).path("message").asText()).contains("cool");
            assertThat(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 30L);
            assertThat(millisSince(start)).isLessThan(1_000L);
        }
        noMoreAttemptsThan(6);
    }

    @Test
    void aStreamsTokensCountTowardsTheDeploymentsTpm() throws Exception {
        // tpm is per calendar minute: start early in one so both requests fall into it
        await().atMost(Duration.ofSeconds(20)).until(() -> LocalTime.now().getSecond() < 45);
        everyAttempt(c -> c.head("text/event-stream").chunk(TOKEN)
                .chunk("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n")
                .chunk("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":5,"
                        + "\"total_tokens\":25}}\n\n")
                .chunk("data: [DONE]\n\n").chunk(""));
        HttpResponse<String> r = chat("tpm", true);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"tok\"").endsWith("data: [DONE]\n\n");
        // 25 tokens streamed against tpm: 20: the next request of the minute is refused before anything is sent
        HttpResponse<String> next = chat("tpm", false);
        assertThat(next.statusCode()).isEqualTo(429);
        assertThat(error(next).path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(next.headers().firstValue("Retry-After")).isPresent();
        noMoreAttemptsThan(1);
    }

    // helpers

    static HttpResponse<String> chat(String model, boolean stream) {
        return gateway.post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]" + (stream ? ",\"stream\":true" : "") + "}");
    }

    static JsonNode error(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).path("error");
    }

    /** An OpenAI error answer: status, {"error": {"message", "type", "code"}}. */
    static void assertError(HttpResponse<String> r, int status, String type, String message) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode e = error(r);
        assertThat(e.path("type").asText()).isEqualTo(type);
        assertThat(e.path("code").asText()).isEqualTo(String.valueOf(status));
        assertThat(e.path("message").asText()).contains(message);
    }

    /** The stream carried {@code tokens} tokens, then one error event, then [DONE], and nothing else. */
    static void assertStreamEndsWithError(HttpResponse<String> r, int tokens, int code, String type, String message)
            throws Exception {
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<String> events = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("data: ")) {
                events.add(line.substring(6));
            }
        }
        assertThat(events).as(r.body()).hasSize(tokens + 2);
        for (int i = 0; i < tokens; i++) {
            assertThat(JSON.readTree(events.get(i)).at("/choices/0/delta/content").asText()).isEqualTo("tok");
        }
        JsonNode e = JSON.readTree(events.get(tokens)).path("error");
        assertThat(e.path("code").asText()).isEqualTo(String.valueOf(code));
        assertThat(e.path("type").asText()).isEqualTo(type);
        assertThat(e.path("message").asText()).contains(message);
        assertThat(events.get(tokens + 1)).isEqualTo("[DONE]");
    }

    /** Exactly {@code n} attempts reached the upstream, and no late retry follows. */
    static void noMoreAttemptsThan(int n) {
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(3)).until(() -> upstream.requests() == n);
    }

    static long gapMillis() {
        assertThat(arrivals).hasSizeGreaterThanOrEqualTo(2);
        return (arrivals.get(1) - arrivals.get(0)) / 1_000_000;
    }

    static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
