package dev.modelgateway.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static dev.modelgateway.support.RawClient.usedHeap;

import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.modelgateway.support.GatewayTestServer;
import dev.modelgateway.support.RawClient;
import dev.modelgateway.support.ScriptedUpstream;

/**
 * Every upstream call ends when it should (issue 15), against an upstream that misbehaves on purpose: timeouts that
 * hold after the response head, a client that leaves cancels the call, bodies are bounded, a bad 200 is not retried.
 * The limits are short here (whole call 2 s, first token 500 ms) so the suite stays fast.
 */
class UpstreamCallsEndTest {

    static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]%s}";
    static final String STREAM = ",\"stream\":true";
    static final String EVENT = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tok\"}}]}\n\n";

    static ScriptedUpstream upstream;
    static GatewayTestServer gateway;

    @BeforeAll
    @Timeout(value = 3, unit = TimeUnit.MINUTES) // a gateway boot, slow on a loaded machine
    static void start() {
        upstream = new ScriptedUpstream();
        gateway = GatewayTestServer.start("model_list:\n  - model_name: m\n    litellm_params: {model: hosted_vllm/m, "
                + "api_base: \"" + upstream.baseUrl() + "/v1\"}\n"
                // these tests fail on purpose, one after the other: no cooldown of the one deployment
                + "router_settings: {allowed_fails: 1000000}\n", Map.of(
                        "gateway.upstream.timeout", "2s",
                        "gateway.upstream.first-token-timeout", "500ms",
                        "gateway.upstream.max-retries", "2",
                        "gateway.upstream.max-response-bytes", "1048576",
                        "gateway.upstream.max-event-bytes", "65536"));
        // the first calls of a fresh JVM are slow: warm the paths up so the short limits measure the gateway only
        upstream.answer(c -> c.head("text/event-stream").chunk(EVENT).chunk("data: [DONE]\n\n").chunk(""));
        for (int i = 0; i < 5; i++) {
            gateway.post("/v1/chat/completions", CHAT.formatted(STREAM));
        }
        upstream.answer(c -> c.whole(200, "application/json",
                "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}"));
        for (int i = 0; i < 5; i++) {
            gateway.post("/v1/chat/completions", CHAT.formatted(""));
        }
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    // 1. timeouts that hold after the head

    @Test
    void aUnaryHeadThenSilenceIsA504AtTheWholeCallTimeout() {
        upstream.answer(c -> c.head("application/json"));
        long start = System.nanoTime();
        HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT.formatted(""));
        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(millisSince(start)).isBetween(1_900L, 4_000L);
        upstreamLetGoWithinASecond();
    }

    @Test
    void aUnaryAnswerCutShortThenSilentIsA504AtTheWholeCallTimeout() {
        upstream.answer(c -> c.head("application/json").chunk("{\"choices\":[{\"index\":0,"));
        long start = System.nanoTime();
        assertThat(gateway.post("/v1/chat/completions", CHAT.formatted("")).statusCode()).isEqualTo(504);
        assertThat(millisSince(start)).isBetween(1_900L, 4_000L);
        upstreamLetGoWithinASecond();
    }

    @Test
    void aStreamWhoseHeadComesAloneIsA504AtTheFirstTokenTimeout() {
        upstream.answer(c -> c.head("text/event-stream"));
        long start = System.nanoTime();
        HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT.formatted(STREAM));
        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(r.body()).contains("did not answer in time");
        assertThat(millisSince(start)).isBetween(450L, 1_900L);
        upstreamLetGoWithinASecond();
        assertThat(upstream.requests()).as("a timeout of ours is not retried").isEqualTo(1);
    }

    @Test
    void aStreamThatFallsSilentAfterThreeEventsEndsAtTheFirstTokenTimeout() {
        upstream.answer(c -> c.head("text/event-stream").chunk(EVENT).chunk(EVENT).chunk(EVENT));
        long start = System.nanoTime();
        HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT.formatted(STREAM));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body().split("\"content\":\"tok\"", -1)).hasSize(4);
        assertThat(millisSince(start)).isBetween(450L, 1_900L);
        upstreamLetGoWithinASecond();
    }

    @Test
    void aStreamThatNeverStopsEndsAtTheWholeCallDeadline() {
        upstream.answer(c -> {
            c.head("text/event-stream");
            upstream.vertx().setPeriodic(100, id -> {
                if (c.closed()) {
                    upstream.vertx().cancelTimer(id);
                } else {
                    c.chunk(EVENT);
                }
            });
        });
        long start = System.nanoTime();
        HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT.formatted(STREAM));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"content\":\"tok\"").contains("did not answer in time");
        assertThat(millisSince(start)).isBetween(1_900L, 4_000L);
        upstreamLetGoWithinASecond();
    }

    // 2. a client that leaves cancels the call

    @Test
    void aStreamingClientThatLeavesMidStreamClosesTheUpstreamAndNothingIsRetried() throws IOException {
        upstream.answer(c -> c.head("text/event-stream").chunk(EVENT));
        try (Socket client = request(CHAT.formatted(STREAM))) {
            readUntil(client, "data: ");
        }
        upstreamLetGoWithinASecond();
        noRetryFollows();
    }

    @Test
    void aStreamingClientThatLeavesWhileTheUpstreamIsSilentClosesTheUpstream() throws IOException {
        upstream.answer(c -> { });
        try (Socket client = request(CHAT.formatted(STREAM))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> upstream.requests() == 1);
        }
        upstreamLetGoWithinASecond();
        noRetryFollows();
    }

    @Test
    void aWaitingClientThatLeavesClosesTheUpstreamAndNothingIsRetried() throws IOException {
        upstream.answer(c -> { });
        try (Socket client = request(CHAT.formatted(""))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> upstream.requests() == 1);
        }
        upstreamLetGoWithinASecond();
        noRetryFollows();
    }

    // 3. bounded upstream bodies

    @Test
    void aContentLengthOverTheLimitIsA502AtOnceWithNothingRead() {
        // the head alone says it is too large; no body follows, so only the declared length can end the call
        upstream.answer(c -> c.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n"));
        long start = System.nanoTime();
        HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT.formatted(""));
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("gateway.upstream.max-response-bytes");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(upstream.requests()).isEqualTo(1);
    }

    @Test
    void onlyPlainDigitsAreADeclaredLength() {
        assertThat(UpstreamHttp.declaredOver("2000000", 1_048_576)).isTrue();
        assertThat(UpstreamHttp.declaredOver("1048576", 1_048_576)).isFalse();
        assertThat(UpstreamHttp.declaredOver("+2000000", 1_048_576)).isFalse();
        assertThat(UpstreamHttp.declaredOver("2e9", 1_048_576)).isFalse();
        assertThat(UpstreamHttp.declaredOver("", 1_048_576)).isFalse();
        assertThat(UpstreamHttp.declaredOver(null, 1_048_576)).isFalse();
        assertThat(UpstreamHttp.declaredOver("9".repeat(19), 1_048_576)).isFalse();
        assertThat(UpstreamHttp.declaredOver("9".repeat(18), 1_048_576)).isTrue();
    }

    @Test
    void aWholeAnswerOverTheLimitIsA502NamingItAndIsNotReadOn() {
        upstream.answer(c -> c.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n")
                .pump("{\"choices\":[{\"index\":0,\"message\":{\"content\":\"" + "x".repeat(8_000), 300L << 20));
        long heap = usedHeap();
        HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT.formatted(""));
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("gateway.upstream.max-response-bytes");
        upstreamLetGoWithinASecond();
        assertThat(upstream.conns().get(0).sent()).as("bytes the gateway let in").isLessThan(16L << 20);
        assertThat(usedHeap() - heap).as("heap growth").isLessThan(32L << 20);
        assertThat(upstream.requests()).isEqualTo(1);
    }

    @Test
    void anSseLineOverTheLimitIsA502NamingIt() {
        upstream.answer(c -> c.head("text/event-stream").chunk("data: " + "y".repeat(200_000)));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT.formatted(STREAM));
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("gateway.upstream.max-event-bytes");
        upstreamLetGoWithinASecond();
        assertThat(upstream.requests()).isEqualTo(1);
    }

    @Test
    void anEndlessErrorBodyIsReadOnlyAsFarAsItsStart() {
        upstream.answer(c -> c.write("HTTP/1.1 500 Oops\r\nContent-Type: text/plain\r\n\r\noverloaded: ")
                .pump("z".repeat(8_000), 300L << 20));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT.formatted(""));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("overloaded: zzz").hasSizeLessThan(2_000);
        upstreamLetGoWithinASecond();
        assertThat(upstream.requests()).as("a 5xx is retried, each body read once").isEqualTo(3);
        assertThat(upstream.conns()).allSatisfy(c -> assertThat(c.sent()).isLessThan(16L << 20));
    }

    // 4. a bad 200 is answered once

    @Test
    void aTwoHundredThatIsNotJsonReachesTheUpstreamOnce() {
        upstream.answer(c -> c.whole(200, "application/json", "<html>gateway error</html>"));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT.formatted(""));
        assertThat(r.statusCode()).isEqualTo(502);
        noRetryFollows();
    }

    @Test
    void aTwoHundredCutOffReachesTheUpstreamOnce() {
        upstream.answer(c -> {
            c.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n"
                    + "Connection: close\r\n\r\n{\"choices\":");
            upstream.vertx().setTimer(50, id -> c.close());
        });
        assertThat(gateway.post("/v1/chat/completions", CHAT.formatted("")).statusCode()).isEqualTo(502);
        noRetryFollows();
    }

    @Test
    void aStreamWhoseFirstChunkIsGarbageReachesTheUpstreamOnce() {
        upstream.answer(c -> c.head("text/event-stream").chunk("data: {not json\n\n"));
        assertThat(gateway.post("/v1/chat/completions", CHAT.formatted(STREAM)).statusCode()).isEqualTo(502);
        noRetryFollows();
    }

    // helpers

    static void upstreamLetGoWithinASecond() {
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20)).until(() -> upstream.open() == 0);
    }

    static void noRetryFollows() {
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2)).until(() -> upstream.requests() == 1);
    }

    static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** A raw client: it sends the request and then does what the test says (read a little, or leave). */
    static Socket request(String json) throws IOException {
        return RawClient.postChat(gateway.port(), json, 0);
    }

    static String readUntil(Socket s, String marker) throws IOException {
        return RawClient.readUntil(s, marker, 5_000);
    }
}
