package dev.modelgateway.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayProcess;

/**
 * SIGTERM (what Kubernetes and docker stop send) during a stream: the gateway stops taking requests, the stream in
 * flight runs to its end, and only then does the process exit (issue 11, gateway.shutdown.drain-timeout), its
 * access line written.
 */
class GracefulShutdownTest {

    static final String STREAM = "{\"model\":\"llama\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    @Timeout(150) // a gateway JVM starts and stops
    void aStreamInFlightAtSigtermFinishesBeforeTheProcessExits() throws Exception {
        CompletableFuture<Void> release = new CompletableFuture<>();
        try (CaptureServer upstream = new CaptureServer()) {
            upstream.answer((req, resp) -> {
                resp.setChunked(true).putHeader("Content-Type", "text/event-stream");
                resp.write("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"first \"}}]}\n\n");
                release.thenRun(() -> upstream.later(v -> resp.end(
                        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"last\"},\"finish_reason\":\"stop\"}]}"
                                + "\n\ndata: [DONE]\n\n")));
            });
            Path models = Files.createTempFile("models-", ".yaml");
            Files.writeString(models, "model_list:\n  - model_name: llama\n    litellm_params: {model: hosted_vllm/llama, "
                    + "api_base: \"" + upstream.baseUrl() + "/v1\"}\n");
            try (GatewayProcess gateway = GatewayProcess.start(Map.of("GATEWAY_MODELS_FILE", models.toString(),
                    "GATEWAY_QUEUE_ENABLED", "false"), Map.of("gateway.shutdown.drain-timeout", "60s",
                    // the logging the gateway ships (the test classpath's silences the access log)
                    "log4j2.configurationFile", Path.of("src/main/resources/log4j2.properties").toAbsolutePath()
                            .toString()))) {
                HttpClient client = HttpClient.newHttpClient();
                HttpResponse<Stream<String>> response = client.send(HttpRequest.newBuilder(
                        gateway.uri("/v1/chat/completions")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(STREAM)).build(), HttpResponse.BodyHandlers.ofLines());
                assertThat(response.statusCode()).isEqualTo(200);
                Iterator<String> events = response.body().filter(l -> l.startsWith("data: ")).iterator();
                assertThat(events.next()).contains("first ");

                gateway.terminate();
                // stopped accepting: a new request is not served while the stream drains
                await().atMost(Duration.ofSeconds(60)).until(() -> !served(client, gateway));
                assertThat(gateway.process().isAlive()).as("still draining the stream").isTrue();

                release.complete(null);
                List<String> rest = new ArrayList<>();
                events.forEachRemaining(rest::add);
                assertThat(rest).anySatisfy(e -> assertThat(e).contains("last"));
                assertThat(rest.get(rest.size() - 1)).isEqualTo("data: [DONE]");
                int exit = gateway.waitForExit(Duration.ofSeconds(60));
                // a JVM ended by SIGTERM reports 128 + 15 even when its shutdown hooks finish cleanly
                assertThat(exit).as(gateway.log()).isIn(0, 143);
                // the drained stream's access line is written before the process exits, not left in a buffer
                assertThat(gateway.log().lines().filter(l -> l.startsWith("{\"ts\"")))
                        .as(gateway.log())
                        .anySatisfy(l -> assertThat(l).contains("\"path\":\"/v1/chat/completions\"")
                                .contains("\"status\":200"));
            }
        }
    }

    private static boolean served(HttpClient client, GatewayProcess gateway) {
        try {
            return client.send(HttpRequest.newBuilder(gateway.uri("/v1/models")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
