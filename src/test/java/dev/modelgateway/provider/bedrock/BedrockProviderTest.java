package dev.modelgateway.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;


import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import dev.modelgateway.emulator.EventStreamFrames;
import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;
import dev.modelgateway.support.LiveSse;
import dev.modelgateway.support.Golden;
import dev.modelgateway.support.SigV4Verifier;

/**
 * Bedrock over real HTTP: the gateway's requests (signed by the AWS SDK) against the goldens captured from the
 * official SDKs. The AWS SDK encodes ':' in the model id as %3A (bedrock_converse goldens); the Anthropic SDK leaves it
 * literal (bedrock_claude goldens): both are valid for Bedrock, and the gateway follows the AWS SDK.
 */
class BedrockProviderTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String AKID = "AKIDEXAMPLE";
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
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
    static CaptureServer sts;
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
        sts = new CaptureServer().answer((req, resp) -> resp.putHeader("Content-Type", "text/xml").end(ASSUMED));
        // these tests break streams on purpose, one after the other (a stream failing mid-way counts towards the
        // cooldown like any failure): no cooldown of the deployments they share
        gateway = GatewayTestServer.start("router_settings: {allowed_fails: 1000000}\nmodel_list:\n"
                // raw stream relay is proven with post-processing off (it holds back a line still being written)
                + entry("claude", "bedrock/us.anthropic.claude-sonnet-4-20250514-v1:0",
                        "    model_info:\n      suggestions_post_processing_exclude: all\n")
                + entry("claude-35", "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0", "")
                + entry("claude-arn", "bedrock/arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123xyz",
                        "    model_info:\n      family: claude_3\n")
                + entry("llama", "bedrock/meta.llama3-3-70b-instruct-v1:0", "")
                + entry("claude-converse", "bedrock/converse/us.anthropic.claude-sonnet-4-20250514-v1:0", "")
                + entry("llama-wrong-secret", "bedrock/meta.llama3-3-70b-instruct-v1:0", "")
                        .replace("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "not-the-secret-the-server-knows")
                + entry("llama-session", "bedrock/meta.llama3-3-70b-instruct-v1:0",
                        "      aws_session_token: session-token-test\n")
                + entry("llama-role", "bedrock/meta.llama3-3-70b-instruct-v1:0",
                        "      aws_role_name: arn:aws:iam::123456789012:role/gateway\n"
                        + "      aws_sts_endpoint: " + sts.baseUrl() + "\n")
                // only this one gives up after a 2 s gap: a global 1 s first-token timeout made the other stream
                // tests time out (504) whenever the loaded machine took over a second to answer
                + entry("llama-stalls", "bedrock/meta.llama3-3-70b-instruct-v1:0", "      stream_timeout: 2\n")
                + entry("llama-deadline", "bedrock/meta.llama3-3-70b-instruct-v1:0", "      timeout: 2\n")
                + entry("llama-no-retries", "bedrock/meta.llama3-3-70b-instruct-v1:0", "      max_retries: 0\n")
                + entry("mixtral", "bedrock/mixtral-8x7b", "")
                + entry("claude-invoke", "bedrock/invoke/claude-3-5-sonnet", "")
                + entry("llama-invoke", "bedrock/invoke/meta.llama3-3-70b-instruct-v1:0", "")
                + "features:\n  code_generations: claude\n  chat: llama\n  code_completions: mixtral\n",
                Map.of("gateway.upstream.first-token-timeout", "30s", "gateway.upstream.max-event-bytes", "65536"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
        sts.close();
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
    void invokeFlavourUsesInvokeModelForClaudeAndRefusesFamiliesWithoutAMappedBody() throws Exception {
        upstream.answerJson(200, CLAUDE_ANSWER);
        HttpResponse<String> claude = gateway.post("/v1/chat/completions", CHAT.formatted("claude-invoke", ""));
        assertThat(claude.statusCode()).as(claude.body()).isEqualTo(200);
        Golden.load("bedrock_converse/invoke-claude.json").assertMatches(upstream.last());

        upstream.requests().clear();
        HttpResponse<String> llama = gateway.post("/v1/chat/completions", CHAT.formatted("llama-invoke", ""));
        assertThat(llama.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(llama.body()).at("/error/message").asText())
                .contains("bedrock/converse/meta.llama3-3-70b-instruct-v1:0");
        assertThat(upstream.requests()).isEmpty();
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

    @Test
    void theTestServerVerifiesTheSigV4SignatureWithTheAwsSigner() {
        upstream.answerJson(200, CLAUDE_ANSWER);
        gateway.post("/v1/chat/completions", CHAT.formatted("claude", ""));
        CaptureServer.Captured invoke = upstream.last();
        upstream.answerJson(200, CONVERSE_ANSWER);
        gateway.post("/v1/chat/completions", CHAT.formatted("llama", ""));
        CaptureServer.Captured converse = upstream.last();
        gateway.post("/v1/chat/completions", CHAT.formatted("llama-wrong-secret", ""));
        CaptureServer.Captured wrong = upstream.last();

        assertThat(SigV4Verifier.verify(invoke, upstream.baseUrl(), AKID, SECRET)).as("invoke signature").isTrue();
        assertThat(SigV4Verifier.verify(converse, upstream.baseUrl(), AKID, SECRET)).as("converse signature").isTrue();
        assertThat(SigV4Verifier.verify(wrong, upstream.baseUrl(), AKID, SECRET))
                .as("a request signed with a wrong secret").isFalse();
        assertThat(SigV4Verifier.verify(converse, upstream.baseUrl(), AKID, "wrong-secret"))
                .as("checked against a wrong secret").isFalse();
    }

    @Test
    void converseStreamIsRelayedLiveAsOpenAiSse() {
        CompletableFuture<Void> clientSawFirst = new CompletableFuture<>();
        upstream.answer((req, resp) -> {
            converseStream(resp, List.of("first "));
            clientSawFirst.thenRun(() -> upstream.later(v -> {
                converseDeltas(resp, List.of("second"));
                resp.end(converseEnd("max_tokens", 20, 5));
            }));
        });
        HttpResponse<Stream<String>> response = gateway.postStreaming("/v1/chat/completions",
                CHAT.formatted("llama", ",\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        assertThat(response.statusCode()).isEqualTo(200);
        LiveSse sse = LiveSse.read(response, clientSawFirst);
        assertThat(sse.first()).contains("\"content\":\"first \"");
        List<String> rest = sse.rest();
        assertThat(rest).anySatisfy(e -> assertThat(e).contains("\"content\":\"second\""));
        assertThat(rest).anySatisfy(e -> assertThat(e).contains("\"finish_reason\":\"length\""));
        assertThat(rest).anySatisfy(e -> assertThat(e).contains("\"total_tokens\":25"));
        assertThat(rest.get(rest.size() - 1)).isEqualTo("data: [DONE]");
    }

    @Test
    void aClientThatHangsUpStopsTheBedrockStream() {
        CompletableFuture<Void> clientGone = new CompletableFuture<>();
        CompletableFuture<Void> upstreamClosed = new CompletableFuture<>();
        upstream.answer((req, resp) -> {
            resp.closeHandler(v -> upstreamClosed.complete(null));
            converseStream(resp, List.of("first "));
            // like a model, it goes on producing tokens until somebody closes the connection
            clientGone.thenRun(() -> upstream.vertx().setPeriodic(20, id -> {
                if (resp.closed()) {
                    upstream.vertx().cancelTimer(id);
                } else {
                    converseDeltas(resp, List.of("more "));
                }
            }));
        });
        HttpResponse<Stream<String>> response = gateway.postStreaming("/v1/chat/completions",
                CHAT.formatted("llama", ",\"stream\":true"));
        Stream<String> body = response.body();
        assertThat(body.filter(l -> l.startsWith("data: ")).findFirst()).hasValueSatisfying(
                l -> assertThat(l).contains("\"content\":\"first \""));
        body.close();
        clientGone.complete(null);
        await().atMost(Duration.ofSeconds(10)).until(upstreamClosed::isDone);
    }

    @Test
    void theWholeCallDeadlineEndsABedrockStreamThatKeepsTalkingAndClosesTheUpstream() {
        CompletableFuture<Void> upstreamClosed = new CompletableFuture<>();
        upstream.answer((req, resp) -> {
            resp.closeHandler(v -> upstreamClosed.complete(null));
            converseStream(resp, List.of("first "));
            // never silent long enough for the gap timeout: only the deployment's 2 s deadline can end it
            upstream.vertx().setPeriodic(100, id -> {
                if (resp.closed()) {
                    upstream.vertx().cancelTimer(id);
                } else {
                    converseDeltas(resp, List.of("more "));
                }
            });
        });
        long start = System.nanoTime();
        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                CHAT.formatted("llama-deadline", ",\"stream\":true"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"content\":\"first \"").contains("more ")
                .contains("did not answer in time").endsWith("data: [DONE]\n\n");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(5)).until(upstreamClosed::isDone);
        assertThat(upstream.requests()).hasSize(1);
    }

    @Test
    void aDeploymentsMaxRetriesHoldsForBedrockStreams() {
        upstream.answer((req, resp) -> throttled(resp));
        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                CHAT.formatted("llama-no-retries", ",\"stream\":true"));
        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("retry-after")).isPresent();
        assertThat(upstream.requests()).as("max_retries: 0").hasSize(1);
    }

    @Test
    void claudeInvokeStreamIsRelayedLiveAsAiGatewayRawText() throws Exception {
        CompletableFuture<Void> clientSawFirst = new CompletableFuture<>();
        upstream.answer((req, resp) -> {
            resp.setChunked(true).putHeader("Content-Type", EventStreamFrames.CONTENT_TYPE);
            resp.write(EventStreamFrames.chunk("{\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":9,\"output_tokens\":1}}}"));
            resp.write(EventStreamFrames.chunk(claudeDelta("first ")));
            clientSawFirst.thenRun(() -> upstream.later(v -> {
                resp.write(EventStreamFrames.chunk(claudeDelta("second")));
                resp.write(EventStreamFrames.chunk("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":2}}"));
                resp.end(EventStreamFrames.chunk("{\"type\":\"message_stop\"}"));
            }));
        });
        // a completion: relayed chunk by chunk (a generation is relayed line by line, its code fences removed)
        HttpResponse<InputStream> response = postRaw("/v2/code/completions", """
                {"current_file":{"file_name":"a.py","content_above_cursor":"def f():\\n","content_below_cursor":""},
                 "prompt_version":2,"prompt":null,"stream":true,"model_identifier":"claude"}""");
        assertThat(response.statusCode()).isEqualTo(200);
        InputStream in = response.body();
        assertThat(readUntil(in, "first ")).endsWith("first ");
        clientSawFirst.complete(null);
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("second");
        assertThat(upstream.last().rawPath()).endsWith("/invoke-with-response-stream");
    }

    @Test
    void promptStreamIsRelayedLiveAsText() throws Exception {
        CompletableFuture<Void> clientSawFirst = new CompletableFuture<>();
        upstream.answer((req, resp) -> {
            converseStream(resp, List.of("first "));
            clientSawFirst.thenRun(() -> upstream.later(v -> {
                converseDeltas(resp, List.of("second"));
                resp.end(converseEnd("end_turn", 3, 2));
            }));
        });
        HttpResponse<InputStream> response = postRaw("/v1/prompts/model_configuration/check",
                "{\"inputs\":{},\"stream\":true}");
        assertThat(response.statusCode()).isEqualTo(200);
        InputStream in = response.body();
        readUntil(in, "first ");
        clientSawFirst.complete(null);
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("second");
        assertThat(upstream.last().rawPath()).endsWith("/converse-stream");
    }

    @Test
    void persistentThrottlingIsRetriedThenReachesTheClientAs429WithRetryAfter() throws Exception {
        upstream.answer((req, resp) -> throttled(resp));
        HttpResponse<String> response = gateway.post("/v1/chat/completions", CHAT.formatted("llama", ""));

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("retry-after")).isPresent();
        assertThat(JSON.readTree(response.body()).at("/error/message").asText()).contains("ThrottlingException")
                .contains("Too many requests");
        assertThat(upstream.requests()).hasSize(3);
    }

    @Test
    void throttlingThatClearsIsInvisibleToTheClient() {
        AtomicInteger calls = new AtomicInteger();
        upstream.answer((req, resp) -> {
            if (calls.incrementAndGet() == 1) {
                throttled(resp);
            } else {
                resp.putHeader("Content-Type", "application/json").end(CLAUDE_ANSWER);
            }
        });
        HttpResponse<String> response = gateway.post("/v1/chat/completions", CHAT.formatted("claude", ""));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(upstream.requests()).hasSize(2);
    }

    @Test
    void throttlingBeforeAStreamStartsIsRetried() {
        AtomicInteger calls = new AtomicInteger();
        upstream.answer((req, resp) -> {
            if (calls.incrementAndGet() == 1) {
                throttled(resp);
            } else {
                converseStream(resp, List.of("ok"));
                resp.end(converseEnd("end_turn", 1, 1));
            }
        });
        HttpResponse<String> response = gateway.post("/v1/chat/completions", CHAT.formatted("llama", ",\"stream\":true"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"content\":\"ok\"").endsWith("data: [DONE]\n\n");
        assertThat(upstream.requests()).hasSize(2);
    }

    @Test
    void anExceptionFrameBeforeAnyTextIsRetriedLikeAnHttpError() {
        AtomicInteger calls = new AtomicInteger();
        upstream.answer((req, resp) -> {
            if (calls.incrementAndGet() == 1) {
                resp.setChunked(true).putHeader("Content-Type", EventStreamFrames.CONTENT_TYPE);
                resp.write(EventStreamFrames.event("messageStart", "{\"role\":\"assistant\"}"));
                resp.end(EventStreamFrames.exception("throttlingException", "Too many tokens, please wait."));
            } else {
                converseStream(resp, List.of("ok"));
                resp.end(converseEnd("end_turn", 1, 1));
            }
        });
        HttpResponse<String> response = gateway.post("/v1/chat/completions", CHAT.formatted("llama", ",\"stream\":true"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"content\":\"ok\"").doesNotContain("error");
        assertThat(upstream.requests()).hasSize(2);
    }

    @Test
    void validationExceptionIsAClear400NamingBedrocksReason() throws Exception {
        upstream.answer((req, resp) -> resp.setStatusCode(400).putHeader("Content-Type", "application/json")
                .putHeader("x-amzn-ErrorType", "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/")
                .end("{\"message\":\"The provided model identifier is invalid.\"}"));
        HttpResponse<String> response = gateway.post("/v1/chat/completions", CHAT.formatted("claude", ""));

        assertThat(response.statusCode()).isEqualTo(400);
        String message = JSON.readTree(response.body()).at("/error/message").asText();
        assertThat(message).contains("ValidationException").contains("The provided model identifier is invalid.")
                .doesNotContain(SECRET).doesNotContain("AKIDEXAMPLE");
        assertThat(upstream.requests()).hasSize(1);
    }

    @Test
    void aMidStreamExceptionFrameEndsTheClientsStreamWithAnErrorEvent() {
        upstream.answer((req, resp) -> {
            converseStream(resp, List.of("partial "));
            resp.end(EventStreamFrames.exception("modelStreamErrorException", "The model stopped unexpectedly."));
        });
        HttpResponse<String> response = gateway.post("/v1/chat/completions", CHAT.formatted("llama", ",\"stream\":true"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"content\":\"partial \"").contains("\"error\"")
                .contains("The model stopped unexpectedly.").endsWith("data: [DONE]\n\n");
        assertThat(upstream.requests()).as("never retried after the first byte").hasSize(1);
    }

    @Test
    void aMidStreamThrottlingFrameOnClaudeEndsTheRawTextStreamWithoutErrorText() throws Exception {
        upstream.answer((req, resp) -> {
            resp.setChunked(true).putHeader("Content-Type", EventStreamFrames.CONTENT_TYPE);
            resp.write(EventStreamFrames.chunk(claudeDelta("partial ")));
            resp.end(EventStreamFrames.exception("throttlingException", "Too many tokens, please wait."));
        });
        HttpResponse<InputStream> response = postRaw("/v2/code/generations", """
                {"current_file":{"file_name":"a.py","content_above_cursor":"x","content_below_cursor":""},
                 "prompt_version":2,"prompt":"Write f.","stream":true}""");
        String body = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
        // the client pastes the stream into the editor: it keeps what came, and no error text (contract 5.3)
        assertThat(body).isEqualTo("partial ");
        assertThat(upstream.requests()).hasSize(1);
    }

    @Test
    void staticKeysWithASessionTokenSendTheToken() {
        upstream.answerJson(200, CONVERSE_ANSWER);
        gateway.post("/v1/chat/completions", CHAT.formatted("llama-session", ""));
        CaptureServer.Captured sent = upstream.last();
        assertThat(sent.header("x-amz-security-token")).isEqualTo("session-token-test");
        assertThat(sent.header("authorization")).contains("x-amz-security-token");
        assertThat(SigV4Verifier.verify(sent, upstream.baseUrl(), AKID, SECRET)).isTrue();
    }

    @Test
    void awsRoleNameIsAssumedThroughStsAndItsCredentialsSignTheCall() {
        upstream.answerJson(200, CONVERSE_ANSWER);
        HttpResponse<String> response = gateway.post("/v1/chat/completions", CHAT.formatted("llama-role", ""));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

        CaptureServer.Captured assume = sts.last();
        assertThat(assume.body()).contains("Action=AssumeRole")
                .contains("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fgateway");
        assertThat(SigV4Verifier.verify(assume, sts.baseUrl(), AKID, SECRET)).as("STS call signed by the base keys")
                .isTrue();
        CaptureServer.Captured sent = upstream.last();
        assertThat(sent.header("x-amz-security-token")).isEqualTo("assumed-session-token");
        assertThat(SigV4Verifier.verify(sent, upstream.baseUrl(), "ASIAASSUMEDEXAMPLE", "assumed-secret"))
                .as("Bedrock call signed by the assumed role's credentials").isTrue();
    }

    static final String ASSUMED = """
            <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <AssumeRoleResult>
                <Credentials>
                  <AccessKeyId>ASIAASSUMEDEXAMPLE</AccessKeyId>
                  <SecretAccessKey>assumed-secret</SecretAccessKey>
                  <SessionToken>assumed-session-token</SessionToken>
                  <Expiration>2099-01-01T00:00:00Z</Expiration>
                </Credentials>
                <AssumedRoleUser>
                  <AssumedRoleId>AROAEXAMPLE:model-gateway</AssumedRoleId>
                  <Arn>arn:aws:sts::123456789012:assumed-role/gateway/model-gateway</Arn>
                </AssumedRoleUser>
              </AssumeRoleResult>
              <ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
            </AssumeRoleResponse>""";

    @Test
    void aStreamThatStallsAfterItsFirstTokenEndsWithATimeoutErrorEvent() {
        upstream.answer((req, resp) -> converseStream(resp, List.of("partial ")));
        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                CHAT.formatted("llama-stalls", ",\"stream\":true"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"content\":\"partial \"").contains("did not answer in time")
                .endsWith("data: [DONE]\n\n");
        assertThat(upstream.requests()).hasSize(1);
    }

    @Test
    void aConverseStreamCutOffBeforeMessageStopEndsWithAnErrorNotAStop() {
        upstream.answer((req, resp) -> {
            converseStream(resp, List.of("partial "));
            resp.end();
        });
        HttpResponse<String> response = gateway.post("/v1/chat/completions", CHAT.formatted("llama", ",\"stream\":true"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"content\":\"partial \"").contains("ended before messageStop")
                .doesNotContain("\"finish_reason\":\"stop\"").endsWith("data: [DONE]\n\n");
    }

    @Test
    void aStreamThatEndsInsideAFrameEndsWithAnError() {
        Buffer frame = EventStreamFrames.event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"x\"}}");
        upstream.answer((req, resp) -> {
            converseStream(resp, List.of("partial "));
            resp.end(frame.getBuffer(0, frame.length() / 2));
        });
        HttpResponse<String> response = gateway.post("/v1/chat/completions", CHAT.formatted("llama", ",\"stream\":true"));
        assertThat(response.body()).contains("\"content\":\"partial \"").contains("ended inside an event-stream frame")
                .doesNotContain("\"finish_reason\":\"stop\"");
    }

    @Test
    void aFrameLongerThanMaxEventBytesIsRefusedAndTheConnectionReset() throws Exception {
        CompletableFuture<Void> upstreamClosed = new CompletableFuture<>();
        upstream.answer((req, resp) -> {
            resp.closeHandler(v -> upstreamClosed.complete(null));
            resp.setChunked(true).putHeader("Content-Type", EventStreamFrames.CONTENT_TYPE);
            resp.write(EventStreamFrames.event("messageStart", "{\"role\":\"assistant\"}"));
            // 100 KB in one frame, over this gateway's 64 KiB; the upstream would go on
            resp.write(EventStreamFrames.event("contentBlockDelta",
                    "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"" + "y".repeat(100_000) + "\"}}"));
        });
        HttpResponse<String> response = gateway.post("/v1/chat/completions", CHAT.formatted("llama", ",\"stream\":true"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(502);
        assertThat(JSON.readTree(response.body()).at("/error/message").asText())
                .contains("gateway.upstream.max-event-bytes");
        upstreamClosed.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(upstream.requests()).as("a bad answer is not retried").hasSize(1);
    }

    @Test
    void mistralFillInTheMiddleBecomesAConverseChatAskingForTheGap() throws Exception {
        upstream.answerJson(200, CONVERSE_ANSWER);
        HttpResponse<String> response = gateway.post("/v2/code/completions", """
                {"current_file":{"file_name":"fib.py","content_above_cursor":"def fibonacci(n):\\n    ",
                 "content_below_cursor":"\\n\\nprint(fibonacci(10))\\n"}}""");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).at("/choices/0/text").asText()).isEqualTo("Routes bend like dunes");
        CaptureServer.Captured sent = upstream.last();
        assertThat(sent.rawPath()).isEqualTo("/model/mistral.mixtral-8x7b-instruct-v0%3A1/converse");
        JsonNode body = JSON.readTree(sent.body());
        assertThat(body.at("/system/0/text").asText()).contains("only the code");
        assertThat(body.at("/messages/0/content/0/text").asText())
                .contains("<prefix>def fibonacci(n):\n    </prefix>")
                .contains("<suffix>\n\nprint(fibonacci(10))\n</suffix>");
        assertThat(body.at("/inferenceConfig/maxTokens").asInt()).isEqualTo(128);
    }

    @Test
    void anUnreadableAnswerIsA502() {
        upstream.answer((req, resp) -> resp.putHeader("Content-Type", "application/json").end("<html>proxy</html>"));
        assertThat(gateway.post("/v1/chat/completions", CHAT.formatted("llama", "")).statusCode()).isEqualTo(502);
        assertThat(gateway.post("/v1/chat/completions", CHAT.formatted("claude", "")).statusCode()).isEqualTo(502);
    }

    static void throttled(HttpServerResponse resp) {
        resp.setStatusCode(429).putHeader("Content-Type", "application/json")
                .putHeader("x-amzn-ErrorType", "ThrottlingException")
                .end("{\"message\":\"Too many requests, please wait before trying again.\"}");
    }

    static String claudeDelta(String text) {
        return "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":"
                + JSON.valueToTree(text) + "}}";
    }

    static void converseStream(HttpServerResponse resp, List<String> texts) {
        resp.setChunked(true).putHeader("Content-Type", EventStreamFrames.CONTENT_TYPE);
        resp.write(EventStreamFrames.event("messageStart", "{\"role\":\"assistant\",\"p\":\"abc\"}"));
        converseDeltas(resp, texts);
    }

    static void converseDeltas(HttpServerResponse resp, List<String> texts) {
        for (String t : texts) {
            resp.write(EventStreamFrames.event("contentBlockDelta",
                    "{\"contentBlockIndex\":0,\"delta\":{\"text\":" + JSON.valueToTree(t) + "},\"p\":\"abc\"}"));
        }
    }

    static Buffer converseEnd(String stopReason, int in, int out) {
        return Buffer.buffer()
                .appendBuffer(EventStreamFrames.event("contentBlockStop", "{\"contentBlockIndex\":0}"))
                .appendBuffer(EventStreamFrames.event("messageStop", "{\"stopReason\":\"" + stopReason + "\"}"))
                .appendBuffer(EventStreamFrames.event("metadata", "{\"usage\":{\"inputTokens\":" + in
                        + ",\"outputTokens\":" + out + ",\"totalTokens\":" + (in + out)
                        + "},\"metrics\":{\"latencyMs\":5}}"));
    }

    static HttpResponse<InputStream> postRaw(String path, String json) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(gateway.uri(path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
    }

    /** Reads the raw stream until it ends with the expected text (blocks only as long as the gateway holds back). */
    static String readUntil(InputStream in, String expected) throws Exception {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        while (!seen.toString(StandardCharsets.UTF_8).endsWith(expected)) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("the stream ended before '" + expected + "': " + seen);
            }
            seen.write(b);
        }
        return seen.toString(StandardCharsets.UTF_8);
    }
}
