package dev.modelgateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;

/**
 * Hundreds of streams live at once: no thread is held per request, so every client gets its first chunk while the
 * upstream holds all of them, and every stream ends once it lets them go.
 */
class ConcurrentStreamsTest {

    static final int STREAMS = 500;
    static final String CHAT = "{\"model\":\"held\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    static CaptureServer upstream;
    static GatewayTestServer gateway;
    static Vertx clients;

    @BeforeAll
    static void start() {
        upstream = new CaptureServer();
        gateway = GatewayTestServer.start("""
                model_list:
                  - model_name: held
                    litellm_params:
                      model: hosted_vllm/held
                      api_base: %s/v1
                """.formatted(upstream.baseUrl()), Map.of());
        clients = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        clients.close();
        gateway.close();
        upstream.close();
    }

    @Test
    void fiveHundredStreamsAreLiveAtOnceAndAllEndAfterTheRelease() {
        CompletableFuture<Void> release = new CompletableFuture<>();
        AtomicInteger held = new AtomicInteger();
        upstream.answer((request, response) -> {
            response.setChunked(true).putHeader("Content-Type", "text/event-stream");
            response.write(chunk("first"));
            held.incrementAndGet();
            release.thenRun(() -> upstream.later(v -> response.write(chunk("rest"))
                    .compose(x -> response.end("data: [DONE]\n\n"))));
        });

        HttpClient client = clients.createHttpClient(new PoolOptions().setHttp1MaxSize(STREAMS));
        AtomicInteger firstChunks = new AtomicInteger();
        List<String> bodies = new CopyOnWriteArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
                .setPort(gateway.port()).setURI("/v1/chat/completions").putHeader("Content-Type", "application/json");
        for (int i = 0; i < STREAMS; i++) {
            client.request(options).compose(req -> req.send(CHAT)).onSuccess(resp -> {
                Buffer body = Buffer.buffer();
                resp.handler(piece -> {
                    if (body.length() == 0) {
                        firstChunks.incrementAndGet();
                    }
                    body.appendBuffer(piece);
                });
                resp.endHandler(v -> bodies.add(resp.statusCode() + " " + body));
                resp.exceptionHandler(failures::add);
            }).onFailure(failures::add);
        }

        // every client has its first chunk while the upstream still holds every stream
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(failures).isEmpty();
            assertThat(firstChunks.get()).isEqualTo(STREAMS);
        });
        assertThat(held.get()).isEqualTo(STREAMS);
        assertThat(bodies).isEmpty();
        assertThat(gateway.context().getRegistry().lookupByNameAndType("httpInFlight", InFlightLimit.class)
                .inFlight()).isEqualTo(STREAMS);

        release.complete(null);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(bodies).hasSize(STREAMS));
        assertThat(failures).isEmpty();
        assertThat(bodies).allSatisfy(body -> assertThat(body).startsWith("200 ").contains("\"first\"")
                .contains("\"rest\"").endsWith("data: [DONE]\n\n"));

        // nothing left in flight: no exchange, no slot of the limit
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(gateway.context().getInflightRepository().size()).isZero();
            assertThat(gateway.context().getRegistry().lookupByNameAndType("httpInFlight", InFlightLimit.class)
                    .inFlight()).isZero();
        });
        client.close();
    }

    static String chunk(String text) {
        return "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                + text + "\"},\"finish_reason\":null}]}\n\n";
    }
}
