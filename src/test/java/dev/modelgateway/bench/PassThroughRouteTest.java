package dev.modelgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;

/**
 * bench/run.sh's floor ("camel" rows) is only a floor while its route still forwards what it is sent and answers with
 * what comes back, on the gateway's own edge: a route file or a dependency that drifted would make the bench compare
 * the gateway with an error page.
 */
class PassThroughRouteTest {

    @Test
    void benchPassThroughRouteForwardsTheBodyAndAnswersWithTheUpstreamsAnswer(@TempDir Path routes) throws Exception {
        try (CaptureServer upstream = new CaptureServer()) {
            upstream.answerJson(200, "{\"id\":\"chatcmpl-fixed\",\"object\":\"chat.completion\"}");
            Files.writeString(routes.resolve("pass-through.camel.yaml"),
                    Files.readString(Path.of("bench/pass-through.camel.yaml"))
                            .replace("@UPSTREAM_PORT@", String.valueOf(upstream.port())));
            try (GatewayTestServer gateway = GatewayTestServer.start(GatewayTestServer.ONE_UNREACHABLE_MODEL,
                    Map.of("camel.main.routes-include-pattern", "file:" + routes + "/*.camel.yaml"))) {
                String body = "{\"model\": \"llama\", \"messages\": [{\"role\": \"user\", \"content\": \"Hello!\"}]}";
                var answer = gateway.post("/v1/chat/completions", body);

                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(answer.body()).isEqualTo("{\"id\":\"chatcmpl-fixed\",\"object\":\"chat.completion\"}");
                assertThat(upstream.requests()).hasSize(1);
                assertThat(upstream.last().rawPath()).isEqualTo("/openai/v1/chat/completions");
                assertThat(upstream.last().body()).isEqualTo(body);
                // only the pass-through serves: the gateway's own routes are not loaded beside it
                assertThat(gateway.context().getRoutes()).extracting(r -> r.getRouteId())
                        .containsExactly("pass-through");
            }
        }
    }
}
