package dev.modelgateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;

/** The public API over real HTTP (contract 5): AI Gateway endpoints, prompts, models, and bad input. */
class GatewayApiTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static CaptureServer upstream;
    static GatewayTestServer gateway;

    @BeforeAll
    static void start() {
        upstream = new CaptureServer();
        gateway = GatewayTestServer.start("""
                model_list:
                  - model_name: codestral
                    litellm_params:
                      model: ollama/codestral:22b
                      api_base: %1$s/v1
                    # the stream plumbing is tested here with the model's text as it comes (clean-up: suggestions/)
                    model_info: {family: codestral, suggestions_post_processing_exclude: all}
                  - model_name: llama
                    litellm_params:
                      model: custom_openai/meta-llama/Llama-3.3-70B-Instruct
                      api_base: %1$s/v1
                  - model_name: mystery
                    litellm_params:
                      model: watsonx/granite-13b
                features:
                  code_completions: codestral
                  code_generations: llama
                  chat: llama
                """.formatted(upstream.baseUrl()), Map.of(
                "gateway.custom-models.enabled", "true",
                "gateway.custom-models.allowed-endpoints", upstream.baseUrl() + "/allowed",
                "gateway.request.max-body-bytes", "65536",
                "camel.server.maxBodySize", "65536"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void answerOk() {
        upstream.requests().clear();
        upstream.answer((req, resp) -> {
            boolean chat = req.rawPath().endsWith("/chat/completions");
            resp.putHeader("Content-Type", "application/json").end(chat
                    ? "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"chat answer\"},"
                            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":2}}"
                    : "{\"choices\":[{\"index\":0,\"text\":\"fim answer\",\"finish_reason\":\"length\"}]}");
        });
    }

    @AfterEach
    void stillServing() {
        assertThat(gateway.get("/monitoring/healthz").statusCode()).isEqualTo(200);
    }

    static final String FILE = "\"current_file\":{\"file_name\":\"fib.py\",\"content_above_cursor\":\"def fib(n):\\n    \","
            + "\"content_below_cursor\":\"\\nprint(fib(3))\\n\"}";

    @Test
    void codeCompletionsRenderTheFamilysFimPromptAndAnswerInTheAiGatewayShape() throws Exception {
        HttpResponse<String> r = gateway.post("/v2/code/completions", "{" + FILE + ",\"prompt_version\":1}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("object").asText()).isEqualTo("text_completion");
        assertThat(body.at("/choices/0/text").asText()).isEqualTo("fim answer");
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(body.at("/model/lang").asText()).isEqualTo("python");
        assertThat(body.at("/model/name").asText()).isEqualTo("codestral:22b");
        CaptureServer.Captured sent = upstream.last();
        assertThat(sent.rawPath()).isEqualTo("/v1/completions");
        JsonNode req = JSON.readTree(sent.body());
        assertThat(req.get("prompt").asText()).isEqualTo("def fib(n):\n    ");
        assertThat(req.get("suffix").asText()).isEqualTo("\nprint(fib(3))\n");
        assertThat(req.get("model").asText()).isEqualTo("codestral:22b");
        assertThat(gateway.post("/v2/completions", "{" + FILE + "}").statusCode()).isEqualTo(200);
    }

    @Test
    void codeGenerationsRenderTheChatPromptWithTheInstruction() throws Exception {
        HttpResponse<String> r = gateway.post("/v2/code/generations",
                "{" + FILE + ",\"user_instruction\":\"write a memoised version\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).at("/choices/0/text").asText()).isEqualTo("chat answer");
        JsonNode req = JSON.readTree(upstream.last().body());
        assertThat(req.get("model").asText()).isEqualTo("meta-llama/Llama-3.3-70B-Instruct");
        assertThat(req.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(req.at("/messages/1/content").asText()).contains("write a memoised version")
                .contains("def fib(n):");
        // over HTTP/1.1 (this client upgrades to HTTP/2, which has no chunking), a whole answer goes out in one piece
        // with its length, not chunked
        HttpResponse<String> h1 = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .build().send(HttpRequest.newBuilder(gateway.uri("/v2/code/generations"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{" + FILE + ",\"user_instruction\":\"again\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(h1.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_1_1);
        assertThat(h1.headers().firstValue("content-length")).hasValue(
                String.valueOf(h1.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
        assertThat(h1.headers().firstValue("transfer-encoding")).isEmpty();
    }

    @Test
    void promptVersionTwoRendersTheRegistryPromptAndThreeSendsTheMessagesOnlyWhereTheAiGatewayDoes() throws Exception {
        gateway.post("/v2/code/generations", "{" + FILE + ",\"prompt_version\":2,\"prompt\":\"ready prompt\"}");
        JsonNode two = JSON.readTree(upstream.last().body());
        assertThat(two.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(two.at("/messages/1/content").asText()).contains("def fib(n):").doesNotContain("ready prompt");

        String three = ",\"prompt_version\":3,\"prompt\":[{\"role\":\"system\",\"content\":\"sys\"},"
                + "{\"role\":\"user\",\"content\":\"usr\"}]";
        gateway.post("/v2/code/completions", "{" + FILE + three + ",\"model_provider\":\"anthropic\"}");
        JsonNode anthropic = JSON.readTree(upstream.last().body());
        assertThat(anthropic.at("/messages/0/content").asText()).isEqualTo("sys");
        assertThat(anthropic.at("/messages/1/content").asText()).isEqualTo("usr");

        // a LiteLLM-style client's v3 completion gets the registry prompt (LiteLlmHandler ignores prompt)
        gateway.post("/v2/code/completions", "{" + FILE + three + ",\"model_provider\":\"litellm\"}");
        assertThat(upstream.last().rawPath()).isEqualTo("/v1/completions");
        assertThat(JSON.readTree(upstream.last().body()).get("prompt").asText()).isEqualTo("def fib(n):\n    ");
    }

    @Test
    void aiGatewayStreamsAreRawText() {
        upstream.answer((req, resp) -> resp.putHeader("Content-Type", "text/event-stream").end(
                "data: {\"choices\":[{\"index\":0,\"text\":\"return \"}]}\n\n"
                        + "data: {\"choices\":[{\"index\":0,\"text\":\"fib(n-1)\",\"finish_reason\":\"stop\"}]}\n\n"
                        + "data: [DONE]\n\n"));
        HttpResponse<String> r = gateway.post("/v2/code/completions", "{" + FILE + ",\"stream\":true}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        assertThat(r.body()).isEqualTo("return fib(n-1)");
    }

    @Test
    void aiGatewayStreamIsLive() {
        CompletableFuture<Void> seen = new CompletableFuture<>();
        upstream.answer((req, resp) -> {
            resp.setChunked(true).putHeader("Content-Type", "text/event-stream")
                    .write("data: {\"choices\":[{\"index\":0,\"text\":\"first\\n\"}]}\n\n");
            seen.thenRun(() -> upstream.later(v -> resp.end(
                    "data: {\"choices\":[{\"index\":0,\"text\":\"second\"}]}\n\ndata: [DONE]\n\n")));
        });
        HttpResponse<Stream<String>> r = gateway.postStreaming("/v2/code/completions", "{" + FILE + ",\"stream\":true}");
        Iterator<String> lines = r.body().iterator();
        assertThat(lines.next()).isEqualTo("first");
        seen.complete(null);
        assertThat(lines.next()).isEqualTo("second");
    }

    @Test
    void promptsEndpointRendersARegistryPromptAndAnswersAJsonString() throws Exception {
        HttpResponse<String> r = gateway.post("/v1/prompts/chat/explain_code", """
                {"inputs": {"selected_text": "x = fib(3)", "language": "python", "file_name": "a.py", "extra": 1},
                 "prompt_version": "^1.0.0", "model_metadata": {"name": "llama"}}""");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).asText()).isEqualTo("chat answer");
        assertThat(JSON.readTree(upstream.last().body()).at("/messages/1/content").asText()).contains("x = fib(3)");
    }

    @Test
    void promptsEndpointNamesAMissingInput() throws Exception {
        HttpResponse<String> r = gateway.post("/v1/prompts/generate_commit_message", "{\"inputs\": {}}");
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(r.body()).get("detail").asText()).contains("'diff'");
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void modelsListsTheAliases() throws Exception {
        HttpResponse<String> r = gateway.get("/v1/models");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("data").findValuesAsText("id"))
                .containsExactlyInAnyOrder("codestral", "llama", "mystery");
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "/v1/chat/completions | {bad json                                                   | 400 | malformed JSON",
            "/v2/code/completions | {not json                                                   | 422 | malformed JSON",
            "/v1/prompts/chat/explain_code | {not json                                          | 422 | malformed JSON",
            "/v2/code/completions | {\"prompt_version\": 1}                                     | 422 | current_file",
            "/v2/code/completions | {\"current_file\": {\"file_name\": \"a.py\"}}              | 422 | content_above_cursor",
            "/v2/code/completions | {\"current_file\": \"x\"}                                  | 422 | current_file",
            "/v2/code/completions | {\"current_file\": {\"file_name\": \"a\", \"content_above_cursor\": \"x\"}, \"prompt_version\": \"one\"} | 422 | prompt_version",
            "/v1/chat/completions | {\"model\": \"llama\", \"messages\": \"hi\"}               | 422 | messages",
            "/v1/chat/completions | {\"model\": \"llama\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": \"many\"} | 422 | max_tokens",
            "/v1/chat/completions | {\"model\": \"nope\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]} | 404 | unknown model 'nope'",
            "/v1/chat/completions | {\"model\": \"mystery\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]} | 400 | unknown provider 'watsonx'",
            "/v1/prompts/no/such/prompt | {\"inputs\": {}}                                       | 404 | unknown prompt 'no/such/prompt'",
            "/v2/code/completions | {\"current_file\": {\"file_name\": \"a\", \"content_above_cursor\": \"x\"}, \"model_identifier\": \"nope/x\"} | 404 | unknown model"})
    void badInputGetsTheContractsStatusAndJson(String path, String body, int status, String message) throws Exception {
        HttpResponse<String> r = gateway.post(path, body);
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        assertThat(r.headers().firstValue("content-length")).isPresent();
        JsonNode json = JSON.readTree(r.body());
        String text = path.startsWith("/v1/chat") ? json.at("/error/message").asText() : json.get("detail").asText();
        assertThat(text).contains(message);
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void anOversizeBodyIs413() throws Exception {
        String big = "x".repeat(70_000);
        HttpResponse<String> r = gateway.post("/v1/chat/completions",
                "{\"model\":\"llama\",\"messages\":[{\"role\":\"user\",\"content\":\"" + big + "\"}]}");
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(r.body()).at("/error/message").asText()).contains("larger");
    }

    @Test
    void clientChosenEndpointsAreRefusedUnlessAllowed() throws Exception {
        HttpResponse<String> r = gateway.post("/v2/code/completions", "{" + FILE + ",\"model_endpoint\":"
                + "\"http://169.254.169.254/latest\",\"model_identifier\":\"custom_openai/x\",\"model_api_key\":\"k\"}");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(upstream.requests()).isEmpty();

        HttpResponse<String> ok = gateway.post("/v2/code/completions", "{" + FILE + ",\"model_endpoint\":\""
                + upstream.baseUrl() + "/allowed/v1\",\"model_identifier\":\"custom_openai/my-model\","
                + "\"model_name\":\"codestral\",\"model_api_key\":\"client-key\"}");
        assertThat(ok.statusCode()).isEqualTo(200);
        // model_name is the family GitLab's admin chose: codestral's fill-in-the-middle prompt, whatever the served name
        assertThat(upstream.last().rawPath()).isEqualTo("/allowed/v1/completions");
        assertThat(upstream.last().header("authorization")).isEqualTo("Bearer client-key");
    }

    @Test
    void upstreamFailuresAreRetriedThenMapped() throws Exception {
        upstream.answer((req, resp) -> resp.setStatusCode(429).putHeader("Retry-After", "0")
                .putHeader("Content-Type", "application/json").end("{\"error\":{\"message\":\"slow down\"}}"));
        HttpResponse<String> r = gateway.post("/v1/chat/completions",
                "{\"model\":\"llama\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("retry-after")).isPresent();
        assertThat(JSON.readTree(r.body()).at("/error/message").asText()).contains("slow down");
        assertThat(upstream.requests()).hasSize(3);

        upstream.requests().clear();
        upstream.answer((req, resp) -> resp.setStatusCode(400).end("{\"error\":{\"message\":\"bad max_tokens\"}}"));
        HttpResponse<String> bad = gateway.post("/v1/chat/completions",
                "{\"model\":\"llama\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("bad max_tokens");
        assertThat(upstream.requests()).hasSize(1);
    }

    @Test
    void unknownPathsAnswerJson() throws Exception {
        HttpResponse<String> r = GatewayTestServer.send(HttpRequest.newBuilder(gateway.uri("/v2/nothing-here"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(r.body()).has("detail")).isTrue();
    }
}
