package dev.modelgateway.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;
import dev.modelgateway.support.LiveSse;
import dev.modelgateway.support.Golden;

/** The OpenAI-compatible provider over real HTTP: goldens from the official openai SDK, and live streaming. */
class OpenAiCompatibleProviderTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String SYSTEM = "You are a careful coding assistant.";
    static final String USER = "Write a haiku about Camel routes.";
    static final String CHAT = "{\"model\":\"codestral\",\"messages\":[{\"role\":\"system\",\"content\":\"" + SYSTEM
            + "\"},{\"role\":\"user\",\"content\":\"" + USER + "\"}],\"max_tokens\":128,\"temperature\":0.2%s}";
    static final String FIM = "{\"model\":\"codestral\",\"prompt\":\"def fibonacci(n):\\n    \","
            + "\"suffix\":\"\\n\\nprint(fibonacci(10))\\n\",\"max_tokens\":64,\"temperature\":0,\"stop\":[\"\\n\\n\"]%s}";

    static CaptureServer upstream;
    static GatewayTestServer gateway;

    @BeforeAll
    static void start() {
        upstream = new CaptureServer();
        gateway = GatewayTestServer.start("""
                model_list:
                  - model_name: codestral
                    litellm_params:
                      model: custom_openai/mistralai/Codestral-22B-v0.1
                      api_base: %s/v1
                      api_key: sk-test
                  - model_name: vllm-fim
                    litellm_params:
                      model: hosted_vllm/deepseek-ai/deepseek-coder-6.7b-base
                      api_base: %s/v1
                """.formatted(upstream.baseUrl(), upstream.baseUrl()));
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

    @Test
    void chatRequestMatchesTheOpenAiSdkGolden() throws Exception {
        upstream.answerJson(200, """
                {"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant",
                "content":"Routes bend like dunes"},"finish_reason":"stop"}],"usage":{"prompt_tokens":20,"completion_tokens":5}}""");
        HttpResponse<String> response = gateway.post("/v1/chat/completions", CHAT.formatted(""));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Routes bend like dunes");
        assertThat(body.at("/usage/total_tokens").asInt()).isEqualTo(25);
        CaptureServer.Captured sent = upstream.last();
        Golden.load("openai/chat.json").assertMatches(sent).assertHeaders(sent, "content-type", "accept");
        assertThat(sent.header("authorization")).isEqualTo("Bearer sk-test");
    }

    @Test
    void fimRequestMatchesTheOpenAiSdkGolden() throws Exception {
        upstream.answerJson(200, """
                {"id":"x","object":"text_completion","choices":[{"index":0,"text":"return n","finish_reason":"length"}]}""");
        HttpResponse<String> response = gateway.post("/v1/completions", FIM.formatted(""));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.at("/choices/0/text").asText()).isEqualTo("return n");
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        Golden.load("openai/fim.json").assertMatches(upstream.last());
    }

    @Test
    void streamingRequestsMatchTheGoldens() {
        upstream.answer((req, resp) -> resp.putHeader("Content-Type", "text/event-stream")
                .end("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\ndata: [DONE]\n\n"));
        gateway.post("/v1/chat/completions", CHAT.formatted(",\"stream\":true"));
        Golden.load("openai/chat-stream.json").assertMatches(upstream.last());
        gateway.post("/v1/completions", FIM.formatted(",\"stream\":true"));
        Golden.load("openai/fim-stream.json").assertMatches(upstream.last());
    }

    @Test
    void vllmGetsTheFamilysFimTokensInThePromptInsteadOfASuffix() throws Exception {
        upstream.answerJson(200, "{\"choices\":[{\"index\":0,\"text\":\"x\",\"finish_reason\":\"stop\"}]}");
        gateway.post("/v1/completions", FIM.formatted("").replace("\"codestral\"", "\"vllm-fim\""));
        JsonNode sent = JSON.readTree(upstream.last().body());
        assertThat(sent.has("suffix")).isFalse();
        assertThat(sent.get("prompt").asText())
                .isEqualTo("<｜fim▁begin｜>def fibonacci(n):\n    <｜fim▁hole｜>\n\nprint(fibonacci(10))\n<｜fim▁end｜>");
    }

    @Test
    void streamIsRelayedLiveBeforeTheUpstreamHasFinished() {
        CompletableFuture<Void> clientSawFirstChunk = new CompletableFuture<>();
        upstream.answer((req, resp) -> {
            resp.setChunked(true).putHeader("Content-Type", "text/event-stream");
            resp.write("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"first \"}}]}\n\n");
            // the rest is held back until the gateway's client has read the first piece
            clientSawFirstChunk.thenRun(() -> upstream.later(v -> resp.end(
                    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"second\"},\"finish_reason\":\"stop\"}]}\n\n"
                            + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}\n\n"
                            + "data: [DONE]\n\n")));
        });
        HttpResponse<Stream<String>> response = gateway.postStreaming("/v1/chat/completions",
                CHAT.formatted(",\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("text/event-stream"));
        LiveSse sse = LiveSse.read(response, clientSawFirstChunk);
        assertThat(sse.first()).contains("\"content\":\"first \"");
        List<String> events = sse.rest();
        assertThat(events).anySatisfy(e -> assertThat(e).contains("\"content\":\"second\""));
        assertThat(events).anySatisfy(e -> assertThat(e).contains("\"total_tokens\":5"));
        assertThat(events.get(events.size() - 1)).isEqualTo("data: [DONE]");
        await().atMost(Duration.ofSeconds(5)).until(() -> upstream.requests().size() == 1);
    }

    @Test
    void aClientThatHangsUpStopsTheUpstreamStream() {
        CompletableFuture<Void> clientGone = new CompletableFuture<>();
        CompletableFuture<Void> upstreamClosed = new CompletableFuture<>();
        upstream.answer((req, resp) -> {
            resp.closeHandler(v -> upstreamClosed.complete(null));
            resp.setChunked(true).putHeader("Content-Type", "text/event-stream");
            resp.write("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"one\"}}]}\n\n");
            // like a model, it goes on producing tokens until somebody closes the connection
            clientGone.thenRun(() -> upstream.vertx().setPeriodic(20, id -> {
                if (resp.closed()) {
                    upstream.vertx().cancelTimer(id);
                } else {
                    resp.write("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"more\"}}]}\n\n");
                }
            }));
        });
        HttpResponse<Stream<String>> response = gateway.postStreaming("/v1/chat/completions",
                CHAT.formatted(",\"stream\":true"));
        Stream<String> body = response.body();
        assertThat(body.filter(l -> l.startsWith("data: ")).findFirst()).hasValueSatisfying(
                l -> assertThat(l).contains("\"one\""));
        body.close();
        clientGone.complete(null);
        await().atMost(Duration.ofSeconds(10)).until(upstreamClosed::isDone);
    }
}
