package dev.modelgateway.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.http.HttpServerResponse;

import dev.modelgateway.emulator.EventStreamFrames;
import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;
import dev.modelgateway.support.Golden;

/**
 * Bedrock over real HTTP: the gateway's requests (signed by the AWS SDK) against the goldens captured from the
 * official SDKs. The AWS SDK encodes ':' in the model id as %3A (bedrock_converse goldens); the Anthropic SDK leaves it
 * literal (bedrock_claude goldens): both are valid for Bedrock, and the gateway follows the AWS SDK.
 */
class BedrockProviderTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String SYSTEM = "You are a careful coding assistant.";
    static final String USER = "Write a haiku about Camel routes.";
    static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"system\",\"content\":\"" + SYSTEM
            + "\"},{\"role\":\"user\",\"content\":\"" + USER + "\"}],\"max_tokens\":128,\"temperature\":0.2%s}";
    static final String CLAUDE_ANSWER = """
            {"id":"msg_1","type":"message","role":"assistant","content":[{"type":"text","text":"Routes bend like dunes"}],
             "stop_reason":"end_turn","usage":{"input_tokens":20,"output_tokens":5}}""";
    static final String CONVERSE_ANSWER = """
            {"output":{"message":{"role":"assistant","content":[{"text":"Routes bend like dunes"}]}},
             "stopReason":"max_tokens","usage":{"inputTokens":20,"outputTokens":5,"totalTokens":25},"metrics":{"latencyMs":9}}""";

    static CaptureServer upstream;
    static GatewayTestServer gateway;

    static String entry(String alias, String model, String extra) {
        return """
                  - model_name: %s
                    litellm_params:
                      model: %s
                      aws_region_name: us-east-1
                      aws_bedrock_runtime_endpoint: %s
                      aws_access_key_id: AKIDEXAMPLE
                      aws_secret_access_key: wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
                """.formatted(alias, model, upstream.baseUrl()) + extra;
    }

    @BeforeAll
    static void start() {
        upstream = new CaptureServer();
        gateway = GatewayTestServer.start("model_list:\n"
                + entry("claude", "bedrock/us.anthropic.claude-sonnet-4-20250514-v1:0", "")
                + entry("claude-35", "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0", "")
                + entry("claude-arn", "bedrock/arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123xyz",
                        "    model_info:\n      family: claude_3\n")
                + entry("llama", "bedrock/meta.llama3-3-70b-instruct-v1:0", "")
                + entry("claude-converse", "bedrock/converse/us.anthropic.claude-sonnet-4-20250514-v1:0", ""));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void reset() {
        upstream.requests().clear();
    }

    /** The path the AWS SDK sends for a golden captured from the Anthropic SDK: the same, with ':' encoded. */
    static String awsSdkPath(Golden anthropicSdkGolden) {
        return anthropicSdkGolden.path().replace(":", "%3A");
    }

    @Test
    void claudeGoesThroughInvokeModelWithTheAnthropicBodyOfTheGolden() throws Exception {
        upstream.answerJson(200, CLAUDE_ANSWER);
        HttpResponse<String> response = gateway.post("/v1/chat/completions", CHAT.formatted("claude", ""));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Routes bend like dunes");
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(body.at("/usage/total_tokens").asInt()).isEqualTo(25);
        CaptureServer.Captured sent = upstream.last();
        Golden golden = Golden.load("bedrock_claude/sdk0-chat.json");
        assertThat(sent.rawPath()).isEqualTo(awsSdkPath(golden))
                .isEqualTo("/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0/invoke");
        golden.assertSameBody(sent.body()).assertHeaders(sent, "content-type", "accept");
        assertThat(sent.header("authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/").contains("/us-east-1/bedrock/aws4_request");
    }

    @Test
    void claudeFoundationIdMatchesTheAwsSdkInvokeGoldenExactly() {
        upstream.answerJson(200, CLAUDE_ANSWER);
        gateway.post("/v1/chat/completions", CHAT.formatted("claude-35", ""));
        CaptureServer.Captured sent = upstream.last();
        Golden.load("bedrock_converse/invoke-claude.json").assertMatches(sent)
                .assertHeaders(sent, "content-type", "accept");
    }

    @Test
    void applicationInferenceProfileArnIsInvokedWithTheArnEncodedInThePath() throws Exception {
        upstream.answerJson(200, CLAUDE_ANSWER);
        HttpResponse<String> response = gateway.post("/v1/chat/completions", CHAT.formatted("claude-arn", ""));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).at("/choices/0/message/content").asText())
                .isEqualTo("Routes bend like dunes");
        CaptureServer.Captured sent = upstream.last();
        Golden golden = Golden.load("bedrock_claude/sdk0-chat-arn.json");
        assertThat(sent.rawPath()).isEqualTo(awsSdkPath(golden)).isEqualTo(
                "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aapplication-inference-profile%2Fabc123xyz/invoke");
        golden.assertSameBody(sent.body());
    }

    @Test
    void llamaGoesThroughConverseWithTheAwsSdkGoldensRequest() throws Exception {
        upstream.answerJson(200, CONVERSE_ANSWER);
        HttpResponse<String> response = gateway.post("/v1/chat/completions", CHAT.formatted("llama", ""));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Routes bend like dunes");
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(body.at("/usage/prompt_tokens").asInt()).isEqualTo(20);
        CaptureServer.Captured sent = upstream.last();
        Golden.load("bedrock_converse/chat.json").assertMatches(sent).assertHeaders(sent, "content-type");
    }

    @Test
    void converseFlavourSendsClaudeThroughConverse() {
        upstream.answerJson(200, CONVERSE_ANSWER);
        HttpResponse<String> response = gateway.post("/v1/chat/completions", CHAT.formatted("claude-converse", ""));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(upstream.last().rawPath())
                .isEqualTo("/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0/converse");
        Golden.load("bedrock_converse/chat.json").assertSameBody(upstream.last().body());
    }

    @Test
    void streamingRequestsMatchTheGoldens() {
        upstream.answer((req, resp) -> {
            resp.putHeader("Content-Type", EventStreamFrames.CONTENT_TYPE);
            if (req.rawPath().endsWith("/converse-stream")) {
                resp.end(EventStreamFrames.event("messageStop", "{\"stopReason\":\"end_turn\"}"));
            } else {
                resp.end(EventStreamFrames.chunk("{\"type\":\"message_stop\"}"));
            }
        });
        gateway.post("/v1/chat/completions", CHAT.formatted("claude", ",\"stream\":true"));
        CaptureServer.Captured invoke = upstream.last();
        Golden claude = Golden.load("bedrock_claude/sdk0-chat-stream.json");
        assertThat(invoke.rawPath()).isEqualTo(awsSdkPath(claude));
        claude.assertSameBody(invoke.body()).assertHeaders(invoke, "content-type");

        gateway.post("/v1/chat/completions", CHAT.formatted("llama", ",\"stream\":true"));
        CaptureServer.Captured converse = upstream.last();
        Golden.load("bedrock_converse/chat-stream.json").assertMatches(converse)
                .assertHeaders(converse, "content-type");
    }

    static void converseStream(HttpServerResponse resp, List<String> texts) {
        resp.setChunked(true).putHeader("Content-Type", EventStreamFrames.CONTENT_TYPE);
        resp.write(EventStreamFrames.event("messageStart", "{\"role\":\"assistant\",\"p\":\"abc\"}"));
        for (String t : texts) {
            resp.write(EventStreamFrames.event("contentBlockDelta",
                    "{\"contentBlockIndex\":0,\"delta\":{\"text\":" + JSON.valueToTree(t) + "},\"p\":\"abc\"}"));
        }
    }
}
