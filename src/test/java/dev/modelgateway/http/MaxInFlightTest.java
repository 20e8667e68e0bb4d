package dev.modelgateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;

/** gateway.http.max-in-flight: one request over the limit is refused at once, and the gateway keeps serving. */
class MaxInFlightTest {

    static final int LIMIT = 3;
    static final String STREAM = "{\"model\":\"held\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String WHOLE = "{\"model\":\"held\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    static CaptureServer upstream;
    static GatewayTestServer gateway;

    @BeforeAll
    static void start() {
        upstream = new CaptureServer();
        gateway = GatewayTestServer.start("""
                model_list:
                  - model_name: held
                    litellm_params:
                      model: hosted_vllm/held
                      api_base: %s/v1
                """.formatted(upstream.baseUrl()), Map.of("gateway.http.max-in-flight", String.valueOf(LIMIT)));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void oneRequestOverTheLimitGets503AtOnceAndTheNextAfterTheLoadIsAnswered() throws Exception {
        CompletableFuture<Void> release = new CompletableFuture<>();
        AtomicInteger held = new AtomicInteger();
        upstream.answer((request, response) -> {
            if (!request.body().contains("\"stream\":true")) {
                response.putHeader("Content-Type", "application/json").end("""
                        {"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant",
                        "content":"answered"},"finish_reason":"stop"}]}""");
                return;
            }
            response.setChunked(true).putHeader("Content-Type", "text/event-stream");
            response.write(ConcurrentStreamsTest.chunk("first"));
            held.incrementAndGet();
            release.thenRun(() -> upstream.later(v -> response.end("data: [DONE]\n\n")));
        });
        // the limit's worth of streams, each live (first chunk read) and held by the upstream
        List<CompletableFuture<HttpResponse<Stream<String>>>> streams = new ArrayList<>();
        for (int i = 0; i < LIMIT; i++) {
            streams.add(CompletableFuture.supplyAsync(() -> gateway.postStreaming("/v1/chat/completions", STREAM)));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> held.get() == LIMIT);

        long start = System.nanoTime();
        HttpResponse<String> refused = gateway.post("/v1/chat/completions", WHOLE);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode error = new ObjectMapper().readTree(refused.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("503");
        assertThat(error.path("message").asText()).contains("gateway.http.max-in-flight");
        assertThat(millis).as("answered at once, not queued").isLessThan(2_000);
        // an AI Gateway endpoint answers in its own shape
        HttpResponse<String> refusedCode = gateway.post("/v2/code/completions", "{}");
        assertThat(refusedCode.statusCode()).isEqualTo(503);
        assertThat(new ObjectMapper().readTree(refusedCode.body()).path("detail").asText())
                .contains("gateway.http.max-in-flight");

        release.complete(null);
        for (CompletableFuture<HttpResponse<Stream<String>>> stream : streams) {
            assertThat(stream.get().body().toList()).contains("data: [DONE]");
        }
        InFlightLimit limit = gateway.context().getRegistry().lookupByNameAndType("httpInFlight", InFlightLimit.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> limit.inFlight() == 0);

        HttpResponse<String> next = gateway.post("/v1/chat/completions", WHOLE);
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(next.body()).contains("answered");
    }
}
