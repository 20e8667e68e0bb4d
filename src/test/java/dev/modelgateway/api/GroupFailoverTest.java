package dev.modelgateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;

/** A model group spreads requests over its deployments and fails over when one of them is down or too slow. */
class GroupFailoverTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String CHAT = "{\"model\":\"group\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static CaptureServer up;
    static CaptureServer down;
    static GatewayTestServer gateway;

    @BeforeAll
    static void start() {
        up = new CaptureServer();
        down = new CaptureServer();
        gateway = GatewayTestServer.start("""
                model_list:
                  - model_name: group
                    litellm_params: {model: hosted_vllm/down-model, api_base: "%s/v1"}
                  - model_name: group
                    litellm_params: {model: hosted_vllm/up-model, api_base: "%s/v1"}
                  - model_name: slow
                    litellm_params: {model: hosted_vllm/slow-model, api_base: "%s/slow/v1"}
                """.formatted(down.baseUrl(), up.baseUrl(), down.baseUrl()), Map.of(
                "gateway.upstream.max-retries", "1",
                "gateway.upstream.timeout", "1s",
                "gateway.upstream.first-token-timeout", "1s"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        up.close();
        down.close();
    }

    @BeforeEach
    void scripts() {
        up.requests().clear();
        down.requests().clear();
        up.answerJson(200, "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"from up\"},\"finish_reason\":\"stop\"}]}");
        down.answer((req, resp) -> {
            if (!req.rawPath().startsWith("/slow")) {
                resp.setStatusCode(503).end("{\"error\":{\"message\":\"overloaded\"}}");
            }
            // /slow: never answers
        });
    }

    @Test
    void everyRequestIsServedWhileOneDeploymentIsDown() throws Exception {
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(r.body()).at("/choices/0/message/content").asText()).isEqualTo("from up");
        }
        assertThat(up.requests()).hasSize(4);
        // simple-shuffle sent some of the four requests to the broken deployment first, each tried twice (one retry)
        assertThat(down.requests().size() % 2).isZero();
        assertThat(down.requests().size()).isLessThanOrEqualTo(8);
    }

    @Test
    void aStreamFailsOverBeforeItsFirstByte() {
        up.answer((req, resp) -> resp.putHeader("Content-Type", "text/event-stream")
                .end("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"streamed\"}}]}\n\ndata: [DONE]\n\n"));
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT.replace("}]}", "}],\"stream\":true}"));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"content\":\"streamed\"").endsWith("data: [DONE]\n\n");
        }
    }

    @Test
    void anUpstreamThatNeverAnswersIsA504() throws Exception {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT.replace("\"group\"", "\"slow\""));
        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(JSON.readTree(r.body()).at("/error/message").asText()).contains("did not answer in time");
    }
}
