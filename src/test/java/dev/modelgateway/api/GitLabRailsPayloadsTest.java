package dev.modelgateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;

/**
 * The requests a self-managed GitLab instance sends for self-hosted models, bodies and headers as its Rails code builds
 * them (ee/lib/code_suggestions/prompts/code_completion/ai_gateway_code_completion_message.rb,
 * .../code_generation/ai_gateway_self_hosted_messages.rb, ee/lib/code_suggestions/tasks/base.rb,
 * ee/lib/gitlab/llm/ai_gateway/self_hosted_models/tasks/model_config_check.rb, ee/lib/gitlab/ai_gateway.rb headers),
 * replayed against the gateway: what the client gets, and what reaches the model's server.
 */
class GitLabRailsPayloadsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static CaptureServer model;
    static GatewayTestServer gateway;
    static Path prompts;

    @BeforeAll
    static void start() throws IOException {
        model = new CaptureServer();
        prompts = Files.createTempDirectory("prompts-");
        copyTree(Path.of("prompts"), prompts);
        // a prompt that shows the current_date input /v1/prompts adds, as the AI Gateway does
        Path dated = Files.createDirectories(prompts.resolve("dated/check/base"));
        Files.writeString(dated.resolve("1.0.0.yml"), "name: dated\nprompt_template:\n  user: \"Today is {{ current_date }}\"\n");
        gateway = GatewayTestServer.start("""
                model_list:
                  - model_name: default-code
                    litellm_params: {model: custom_openai/default-code, api_base: "%1$s/v1"}
                features:
                  code_completions: default-code
                  code_generations: default-code
                  chat: default-code
                """.formatted(model.baseUrl()), Map.of(
                "gateway.prompts-dir", prompts.toString(),
                "gateway.custom-models.enabled", "true",
                "gateway.custom-models.allowed-endpoints", model.baseUrl() + "/"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        model.close();
    }

    @BeforeEach
    void answerText() {
        model.requests().clear();
        answer("completed()", "    return f\"{first} {last}\"\n");
    }

    @AfterEach
    void stillServing() {
        assertThat(gateway.get("/monitoring/healthz").statusCode()).isEqualTo(200);
    }

    /** The model server answers FIM and chat requests with these texts. */
    static void answer(String fim, String chat) {
        model.answer((req, resp) -> {
            boolean isChat = req.rawPath().endsWith("/chat/completions");
            resp.putHeader("Content-Type", "application/json").end(isChat
                    ? "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                            + JSON.valueToTree(chat) + "},\"finish_reason\":\"stop\"}]}"
                    : "{\"choices\":[{\"index\":0,\"text\":" + JSON.valueToTree(fim) + ",\"finish_reason\":\"stop\"}]}");
        });
    }

    // ee/lib/code_suggestions/tasks/base.rb: the IDE's parameters passed through, merged with the prompt's
    static final String CURRENT_FILE = """
            "current_file": {"file_name": "app/models/user.rb", "language_identifier": "ruby",
              "content_above_cursor": "class User\\n  def full_name\\n", "content_below_cursor": "  end\\nend\\n"},
            "context": [{"type": "file", "name": "app/models/account.rb", "content": "class Account\\n  has_many :users\\nend"}],
            "project_path": "group/project", "project_id": 7""";

    /** AiGatewayCodeCompletionMessage#request_params: litellm, prompt_version 2, prompt nil. */
    static String completion(boolean stream) {
        return "{" + CURRENT_FILE + ", \"intent\": \"completion\", \"stream\": " + stream + ","
                + "\"model_provider\": \"litellm\", \"prompt_version\": 2, \"prompt\": null,"
                + "\"model_endpoint\": \"" + model.baseUrl() + "/v1\", \"model_name\": \"codestral\","
                + "\"model_api_key\": \"admin-entered-key\", \"model_identifier\": \"custom_openai/served-22b\"}";
    }

    /** AiGatewaySelfHostedMessages#request_params: prompt "" (or the instruction), prompt_id, prompt_version 2. */
    static String generation(boolean stream, String family) {
        return "{" + CURRENT_FILE + ", \"intent\": \"generation\", \"generation_type\": \"comment\", \"stream\": "
                + stream + ", \"model_provider\": \"litellm\", \"prompt\": \"\","
                + "\"model_endpoint\": \"" + model.baseUrl() + "/v1\", \"model_api_key\": \"admin-entered-key\","
                + "\"model_name\": \"" + family + "\", \"model_identifier\": \"custom_openai/served-model\","
                + "\"prompt_version\": 2, \"prompt_id\": \"code_suggestions/generations\"}";
    }

    /** Gitlab::AiGateway.headers as a self-managed instance sends them. */
    static HttpRequest.Builder rails(String path) {
        return HttpRequest.newBuilder(gateway.uri(path))
                .header("Content-Type", "application/json")
                .header("X-Gitlab-Authentication-Type", "oidc")
                .header("Authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln")
                .header("X-Request-ID", "01JDRAILS")
                .header("X-Gitlab-Rails-Send-Start", "1764320000.123")
                .header("X-Gitlab-Instance-Id", "4f8e7b7e-0000-4000-8000-000000000001")
                .header("X-Gitlab-Global-User-Id", "Ve8Ks2w0rJ7vxTQ")
                .header("X-Gitlab-Host-Name", "gitlab.example.com")
                .header("X-Gitlab-Realm", "self-managed")
                .header("X-Gitlab-Version", "18.6.0")
                .header("X-Gitlab-Feature-Enabled-By-Namespace-Ids", "")
                .header("User-Agent", "gitlab-workhorse");
    }

    static HttpResponse<String> post(String path, String body) {
        return GatewayTestServer.send(rails(path).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    @Test
    void selfHostedCompletionWithPromptNullRendersTheFamilysPromptFromTheFileAndItsContext() throws Exception {
        HttpResponse<String> r = post("/v2/code/completions", completion(false));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.at("/choices/0/text").asText()).isEqualTo("completed()");
        assertThat(body.at("/model/lang").asText()).isEqualTo("ruby");

        CaptureServer.Captured sent = model.last();
        // model_name "codestral" picks Codestral's fill-in-the-middle variant though the served name says nothing
        assertThat(sent.rawPath()).isEqualTo("/v1/completions");
        assertThat(sent.header("authorization")).isEqualTo("Bearer admin-entered-key");
        assertThat(sent.headers().names()).noneMatch(h -> h.toLowerCase().startsWith("x-gitlab"));
        JsonNode req = JSON.readTree(sent.body());
        assertThat(req.get("model").asText()).isEqualTo("served-22b");
        // the context snippet in front of the code above the cursor, in Codestral's multi-file layout
        assertThat(req.get("prompt").asText()).isEqualTo("+++++ app/models/account.rb\nclass Account\n"
                + "  has_many :users\nend\n+++++ app/models/user.rb\nclass User\n  def full_name\n");
        assertThat(req.get("suffix").asText()).isEqualTo("  end\nend\n");
        // the definition's parameters (prompts/code_suggestions/completions/codestral/1.0.0.yml)
        assertThat(req.get("max_tokens").asInt()).isEqualTo(128);
        assertThat(req.get("temperature").asDouble()).isEqualTo(0.0);
        assertThat(req.get("stop").get(0).asText()).isEqualTo("\n\n\n");
        assertThat(req.get("stop").get(1).asText()).isEqualTo("\n+++++");
    }

    @Test
    void theSameCompletionStreamedIsRawText() {
        model.answer((req, resp) -> resp.putHeader("Content-Type", "text/event-stream").end(
                "data: {\"choices\":[{\"index\":0,\"text\":\"compl\"}]}\n\n"
                        + "data: {\"choices\":[{\"index\":0,\"text\":\"eted()\",\"finish_reason\":\"stop\"}]}\n\n"
                        + "data: [DONE]\n\n"));
        HttpResponse<String> r = post("/v2/code/completions", completion(true));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        assertThat(r.body()).isEqualTo("completed()");
        assertThat(model.last().body()).contains("\"stream\":true").contains("has_many :users");
    }

    @Test
    void generationWithPromptIdRendersTheRegistryPromptForTheFamilyAndStripsCodeFences() throws Exception {
        answer("", "```ruby\n    \"#{first} #{last}\"\n```");
        HttpResponse<String> r = post("/v2/code/generations", generation(false, "claude_3"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).at("/choices/0/text").asText()).isEqualTo("    \"#{first} #{last}\"\n");

        JsonNode req = JSON.readTree(model.last().body());
        assertThat(model.last().rawPath()).isEqualTo("/v1/chat/completions");
        // Claude's variant (prompts/code_suggestions/generations/claude_3): XML tags, a prefill, its stop and params
        assertThat(req.at("/messages/0/role").asText()).isEqualTo("system");
        String user = req.at("/messages/1/content").asText();
        assertThat(user).contains("<file name=\"app/models/user.rb\">")
                .contains("<before>class User\n  def full_name\n</before>")
                .contains("<related type=\"file\" name=\"app/models/account.rb\">class Account");
        assertThat(req.at("/messages/0/content").asText()).contains("expert ruby programmer");
        assertThat(req.at("/messages/2/content").asText()).isEqualTo("<new_code>");
        assertThat(req.get("stop").get(0).asText()).isEqualTo("</new_code>");
        assertThat(req.get("max_tokens").asInt()).isEqualTo(2048);
    }

    @Test
    void aGenerationStreamLosesItsCodeFencesLineByLine() {
        model.answer((req, resp) -> resp.putHeader("Content-Type", "text/event-stream").end(
                "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"```rub\"}}]}\n\n"
                        + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"y\\n  x = 1\\n\"}}]}\n\n"
                        + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"  y = 2\\n``\"}}]}\n\n"
                        + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"`\"},\"finish_reason\":\"stop\"}]}\n\n"
                        + "data: [DONE]\n\n"));
        HttpResponse<String> r = post("/v2/code/generations", generation(true, "llama3"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("  x = 1\n  y = 2\n");
    }

    @Test
    void aStreamThatFailsMidwayJustEndsWithoutErrorText() {
        model.answer((req, resp) -> {
            resp.setChunked(true).putHeader("Content-Type", "text/event-stream")
                    .write("data: {\"choices\":[{\"index\":0,\"text\":\"first part\"}]}\n\n");
            // then garbage: the gateway cannot read the rest of the model's stream
            model.later(v -> resp.end("data: {this is not json\n\n"));
        });
        HttpResponse<String> r = post("/v2/code/completions", completion(true));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("first part");
    }

    @Test
    void aStreamWhoseConnectionBreaksMidwayJustEnds() throws Exception {
        model.answer((req, resp) -> {
            resp.setChunked(true).putHeader("Content-Type", "text/event-stream")
                    .write("data: {\"choices\":[{\"index\":0,\"text\":\"first part\"}]}\n\n");
            model.later(v -> resp.reset());
        });
        HttpResponse<String> r = HttpClient.newHttpClient().send(rails("/v2/code/completions")
                .POST(HttpRequest.BodyPublishers.ofString(completion(true))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("first part");
    }

    @Test
    void aStreamThatFailsBeforeTheFirstByteIsAnErrorStatus() throws Exception {
        model.answerJson(400, "{\"error\":{\"message\":\"prompt too long\"}}");
        HttpResponse<String> r = post("/v2/code/completions", completion(true));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("detail").asText()).contains("prompt too long");
    }

    @Test
    void testConnectionWithTheEncodedPathChecksTheModel() throws Exception {
        answer("", "OK");
        // ModelConfigCheck: endpoint_name 'model_configuration%2Fcheck', body inputs {}, stream false, model_metadata
        HttpResponse<String> r = post("/v1/prompts/model_configuration%2Fcheck", """
                {"inputs": {}, "stream": false, "model_metadata": {"name": "mistral", "endpoint": "%s/v1",
                 "api_key": "admin-entered-key", "provider": "openai", "identifier": "custom_openai/served-model"}}"""
                .formatted(model.baseUrl()));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).asText()).isEqualTo("OK");
        JsonNode req = JSON.readTree(model.last().body());
        assertThat(req.get("model").asText()).isEqualTo("served-model");
        assertThat(req.at("/messages/0/content").asText()).isEqualTo("Reply with the single word OK.");
        assertThat(req.get("max_tokens").asInt()).isEqualTo(16);
    }

    @Test
    void testConnectionReportsTheModelServersErrorAs421() throws Exception {
        model.answerJson(401, "{\"error\":{\"message\":\"invalid api key\"}}");
        HttpResponse<String> r = post("/v1/prompts/model_configuration%2Fcheck", """
                {"inputs": {}, "stream": false, "model_metadata": {"name": "mistral", "endpoint": "%s/v1",
                 "api_key": "wrong", "provider": "openai", "identifier": "custom_openai/served-model"}}"""
                .formatted(model.baseUrl()));
        // CodeSuggestionsClient#test_model_connection reads 421's detail as "The self-hosted model server returned
        // code <detail>"
        assertThat(r.statusCode()).isEqualTo(421);
        assertThat(JSON.readTree(r.body()).get("detail").asText()).isEqualTo("401: Unauthorized");
    }

    @Test
    void promptsGetCurrentDate() throws Exception {
        answer("", "fine");
        assertThat(post("/v1/prompts/dated%2Fcheck", "{\"inputs\": {}}").statusCode()).isEqualTo(200);
        String sent = JSON.readTree(model.last().body()).at("/messages/0/content").asText();
        assertThat(sent).matches("Today is [A-Z][a-z]+ \\d{2}, \\d{4}");
        post("/v1/prompts/dated/check", "{\"inputs\": {\"current_date\": \"the day before\"}}");
        assertThat(JSON.readTree(model.last().body()).at("/messages/0/content").asText())
                .isEqualTo("Today is the day before");
    }

    @Test
    void aCompletionWithNoDetectableLanguageIsEmptyWithoutAModelCall() throws Exception {
        String body = completion(true).replace("app/models/user.rb", "Procfile").replace("\"ruby\"", "null");
        HttpResponse<String> r = post("/v2/code/completions", body);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode json = JSON.readTree(r.body());
        assertThat(json.get("choices")).isEmpty();
        assertThat(json.at("/model/lang").asText()).isEmpty();
        assertThat(model.requests()).isEmpty();
    }

    @Test
    void anEmptyCompletionHasNoChoice() throws Exception {
        answer("", "");
        HttpResponse<String> r = post("/v2/code/completions", completion(false));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("choices")).isEmpty();
        HttpResponse<String> g = post("/v2/code/generations", generation(false, "llama3"));
        assertThat(JSON.readTree(g.body()).get("choices")).isEmpty();
    }

    @Test
    void malformedJsonAndEmptyBodiesAre422OnTheAiGatewayRoutesAnd400OnOpenAis() throws Exception {
        for (String path : new String[] {"/v2/code/completions", "/v2/code/generations", "/v1/prompts/chat%2Fexplain_code"}) {
            assertThat(post(path, "{not json").statusCode()).as(path).isEqualTo(422);
            HttpResponse<String> empty = post(path, "");
            assertThat(empty.statusCode()).as(path).isEqualTo(422);
            assertThat(JSON.readTree(empty.body()).get("detail").asText()).contains("empty");
        }
        assertThat(post("/v1/chat/completions", "{not json").statusCode()).isEqualTo(400);
        assertThat(model.requests()).isEmpty();
    }

    @Test
    void readyAnswersLikeHealthz() throws Exception {
        HttpResponse<String> r = gateway.get("/monitoring/ready");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("status").asText()).isEqualTo("ok");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }
}
