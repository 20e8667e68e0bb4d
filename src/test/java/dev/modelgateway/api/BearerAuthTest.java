package dev.modelgateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;

/** With gateway.auth.tokens set, API calls need one of the tokens; health checks do not. */
class BearerAuthTest {

    static CaptureServer upstream;
    static GatewayTestServer gateway;

    @BeforeAll
    static void start() {
        upstream = new CaptureServer().answerJson(200,
                "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}");
        gateway = GatewayTestServer.start("model_list:\n  - model_name: m\n    litellm_params: {model: openai/m, api_base: \""
                + upstream.baseUrl() + "/v1\"}\n", Map.of("gateway.auth.tokens", "tok-1, tok-2"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    int call(String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return GatewayTestServer.send(b.build()).statusCode();
    }

    @Test
    void onlyConfiguredTokensGetThrough() {
        assertThat(call(null)).isEqualTo(401);
        assertThat(call("wrong")).isEqualTo(401);
        assertThat(upstream.requests()).isEmpty();
        assertThat(call("tok-2")).isEqualTo(200);
        assertThat(gateway.get("/monitoring/healthz").statusCode()).isEqualTo(200);
    }
}
