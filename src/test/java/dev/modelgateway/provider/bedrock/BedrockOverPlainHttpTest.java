package dev.modelgateway.provider.bedrock;

import static dev.modelgateway.provider.bedrock.BedrockProviderTest.AKID;
import static dev.modelgateway.provider.bedrock.BedrockProviderTest.CHAT;
import static dev.modelgateway.provider.bedrock.BedrockProviderTest.CLAUDE_ANSWER;
import static dev.modelgateway.provider.bedrock.BedrockProviderTest.CONVERSE_ANSWER;
import static dev.modelgateway.provider.bedrock.BedrockProviderTest.SECRET;
import static dev.modelgateway.provider.bedrock.BedrockProviderTest.claudeDelta;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.vertx.core.http.HttpVersion;

import dev.modelgateway.emulator.EventStreamFrames;
import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;
import dev.modelgateway.support.SigV4Verifier;

/**
 * An {@code http://} aws_bedrock_runtime_endpoint (LocalStack, an egress proxy, a test double) served by an
 * HTTP/1.1-only server: all four Bedrock operations are spoken to it in HTTP/1.1 (the SDK's async client sent an
 * HTTP/2 preface there and failed with "First received frame was not SETTINGS"), and every request still carries a
 * SigV4 signature that the AWS signer verifies, for the Host the request was sent to.
 */
class BedrockOverPlainHttpTest {

    static CaptureServer upstream;
    static GatewayTestServer gateway;

    @BeforeAll
    static void start() {
        upstream = CaptureServer.http11Only().answer((req, resp) -> {
            String path = req.rawPath();
            if (path.endsWith("/invoke")) {
                resp.putHeader("Content-Type", "application/json").end(CLAUDE_ANSWER);
            } else if (path.endsWith("/converse")) {
                resp.putHeader("Content-Type", "application/json").end(CONVERSE_ANSWER);
            } else if (path.endsWith("/invoke-with-response-stream")) {
                resp.setChunked(true).putHeader("Content-Type", EventStreamFrames.CONTENT_TYPE);
                resp.write(EventStreamFrames.chunk(claudeDelta("Routes bend")));
                resp.end(EventStreamFrames.chunk("{\"type\":\"message_stop\"}"));
            } else {
                resp.setChunked(true).putHeader("Content-Type", EventStreamFrames.CONTENT_TYPE);
                BedrockProviderTest.converseDeltas(resp, List.of("Routes bend"));
                resp.end(BedrockProviderTest.converseEnd("end_turn", 3, 2));
            }
        });
        gateway = GatewayTestServer.start("model_list:\n"
                + entry("claude", "bedrock/us.anthropic.claude-sonnet-4-20250514-v1:0")
                + entry("llama", "bedrock/meta.llama3-3-70b-instruct-v1:0"), Map.of());
    }

    static String entry(String alias, String model) {
        return """
                  - model_name: %s
                    litellm_params:
                      model: %s
                      aws_region_name: us-east-1
                      aws_bedrock_runtime_endpoint: %s
                      aws_access_key_id: %s
                      aws_secret_access_key: %s
                """.formatted(alias, model, upstream.baseUrl(), AKID, SECRET);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void allFourOperationsAreSpokenInHttp11AndTheirSignaturesVerify() {
        for (String model : List.of("claude", "llama")) {
            HttpResponse<String> unary = gateway.post("/v1/chat/completions", CHAT.formatted(model, ""));
            assertThat(unary.statusCode()).as(unary.body()).isEqualTo(200);
            assertThat(unary.body()).contains("Routes bend like dunes");
            HttpResponse<String> stream = gateway.post("/v1/chat/completions", CHAT.formatted(model, ",\"stream\":true"));
            assertThat(stream.statusCode()).as(stream.body()).isEqualTo(200);
            assertThat(stream.body()).contains("\"content\":\"Routes bend\"").endsWith("data: [DONE]\n\n");
        }

        assertThat(upstream.requests()).extracting(CaptureServer.Captured::rawPath).containsExactly(
                "/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0/invoke",
                "/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0/invoke-with-response-stream",
                "/model/meta.llama3-3-70b-instruct-v1%3A0/converse",
                "/model/meta.llama3-3-70b-instruct-v1%3A0/converse-stream");
        assertThat(upstream.versions()).containsOnly(HttpVersion.HTTP_1_1);
        for (CaptureServer.Captured sent : upstream.requests()) {
            assertThat(sent.header("host")).as("the Host that was signed").isEqualTo("127.0.0.1:" + upstream.port());
            assertThat(SigV4Verifier.verify(sent, upstream.baseUrl(), AKID, SECRET)).as(sent.rawPath()).isTrue();
            assertThat(SigV4Verifier.verify(sent, upstream.baseUrl(), AKID, "another-secret")).isFalse();
        }
    }
}
