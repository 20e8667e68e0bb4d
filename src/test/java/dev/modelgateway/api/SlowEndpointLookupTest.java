package dev.modelgateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;

/**
 * A client-named endpoint's host is looked up before anything is sent, and a look-up may take long (a slow DNS
 * server). Routes run on their request's event loop: the look-up must not hold that loop, or every other connection
 * on it would wait.
 */
class SlowEndpointLookupTest {

    @Test
    void aSlowHostLookupHoldsNoEventLoop() throws Exception {
        lookupHoldsNoEventLoop("model_endpoint");
    }

    /** JSON lets a client spell the key with escapes: Jackson reads the same field, so it is the same look-up. */
    @Test
    void aSlowHostLookupHoldsNoEventLoopWhenTheKeyIsSpelledWithEscapes() throws Exception {
        lookupHoldsNoEventLoop("model_\\u0065ndpoint");
    }

    private static void lookupHoldsNoEventLoop(String key) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<String> lookupThread = new AtomicReference<>();
        AllowedEndpoints.Resolver slow = host -> {
            lookupThread.set(Thread.currentThread().getName());
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new InetAddress[] {InetAddress.getByName("127.0.0.1")};
        };
        try (CaptureServer upstream = new CaptureServer()) {
            upstream.answerJson(200, "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"ok\"},"
                    + "\"finish_reason\":\"stop\"}]}");
            int port = upstream.port();
            try (GatewayTestServer gateway = GatewayTestServer.startWithBeans("""
                    model_list:
                      - model_name: m
                        litellm_params: {model: openai/m, api_base: "http://127.0.0.1:9/v1"}
                    """, Map.of("gateway.custom-models.enabled", "true",
                    "gateway.custom-models.allowed-endpoints", "http://127.0.0.1:" + port + "/v1",
                    // one loop: a blocked loop would stall the next request for sure
                    "gateway.http.event-loops", "1"), Map.of("endpointResolver", slow))) {
                String body = "{\"current_file\":{\"file_name\":\"a.py\",\"content_above_cursor\":"
                        + "\"def f(\"},\"model_provider\":\"litellm\",\"model_name\":\"codestral\","
                        + "\"model_identifier\":\"custom_openai/m\",\"" + key + "\":\"http://127.0.0.1:" + port
                        + "/v1\"}";
                CompletableFuture<HttpResponse<String>> named = CompletableFuture.supplyAsync(() -> gateway.post(
                        "/v2/code/completions", body));
                await().atMost(Duration.ofSeconds(20)).until(() -> lookupThread.get() != null);

                // while that look-up hangs, the same (only) loop answers another request
                HttpResponse<String> models = gateway.get("/v1/models");
                assertThat(models.statusCode()).isEqualTo(200);
                assertThat(named).isNotDone();
                assertThat(lookupThread.get()).startsWith("vert.x-worker-thread-");

                release.countDown();
                HttpResponse<String> answered = named.get(20, TimeUnit.SECONDS);
                assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
                assertThat(upstream.requests()).hasSize(1);
            }
        }
    }
}
