package dev.modelgateway.suggestions;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;

/**
 * Code suggestions over real HTTP against a local upstream (an OpenAI-compatible server playing Codestral and a chat
 * model): the token budget, context[] and each post-processing step, unary and streamed.
 */
class CodeSuggestionsHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static CaptureServer upstream;
    private static GatewayTestServer gateway;
    /** What the upstream answers next, as the model's text. */
    private static volatile String answer = "";

    @BeforeAll
    static void start() {
        upstream = new CaptureServer().answer((req, resp) -> {
            boolean stream = req.body().contains("\"stream\":true");
            boolean chat = req.rawPath().endsWith("/chat/completions");
            if (!stream) {
                ObjectNode body = JSON.createObjectNode().put("id", "x").put("object", "text_completion");
                ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
                if (chat) {
                    choice.putObject("message").put("role", "assistant").put("content", answer);
                } else {
                    choice.put("text", answer);
                }
                choice.put("finish_reason", "stop");
                resp.putHeader("Content-Type", "application/json").end(body.toString());
                return;
            }
            resp.setChunked(true).putHeader("Content-Type", "text/event-stream");
            String text = answer;
            for (int i = 0; i < text.length(); i += 4) {
                String piece = text.substring(i, Math.min(text.length(), i + 4));
                ObjectNode chunk = JSON.createObjectNode().put("id", "x").put("object", "text_completion");
                ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
                if (chat) {
                    choice.putObject("delta").put("content", piece);
                } else {
                    choice.put("text", piece);
                }
                choice.putNull("finish_reason");
                resp.write("data: " + chunk + "\n\n");
            }
            ObjectNode last = JSON.createObjectNode().put("id", "x").put("object", "text_completion");
            last.putArray("choices").addObject().put("index", 0).put("text", "").put("finish_reason", "stop");
            resp.end("data: " + last + "\n\ndata: [DONE]\n\n");
        });
        String models = """
                model_list:
                  - model_name: codestral
                    litellm_params:
                      model: hosted_vllm/codestral-22b
                      api_base: %1$s/v1
                    model_info:
                      family: codestral
                      max_input_tokens: 2000
                  - model_name: chat
                    litellm_params:
                      model: hosted_vllm/some-chat-model
                      api_base: %1$s/v1
                    model_info:
                      max_input_tokens: 2000
                      suggestions_post_processing_exclude: [clean_model_reflection]
                features:
                  code_completions: codestral
                  code_generations: codestral
                  chat: chat
                """.formatted(upstream.baseUrl());
        gateway = GatewayTestServer.start(models);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static String request(String fileName, String above, String below, List<Map<String, String>> context,
            boolean stream, String model) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("current_file").put("file_name", fileName).put("content_above_cursor", above)
                .put("content_below_cursor", below);
        ArrayNode ctx = body.putArray("context");
        context.forEach(c -> ctx.add(JSON.valueToTree(c)));
        body.put("prompt_version", 1).put("stream", stream);
        if (model != null) {
            body.put("model_name", model);
        }
        return body.toString();
    }

    /** The completion text the client gets, unary or streamed; "" for choices: []. */
    private static String complete(String fileName, String above, String below, boolean stream, String model)
            throws Exception {
        HttpResponse<String> r = gateway.post("/v2/code/completions", request(fileName, above, below, List.of(),
                stream, model));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        if (stream) {
            return r.body();
        }
        JsonNode choices = JSON.readTree(r.body()).path("choices");
        return choices.isEmpty() ? "" : choices.get(0).path("text").asText();
    }

    private static String lastPrompt() throws Exception {
        JsonNode body = JSON.readTree(upstream.last().body());
        if (body.has("messages")) {
            StringBuilder sb = new StringBuilder();
            body.path("messages").forEach(m -> sb.append(m.path("content").asText()).append('\n'));
            return sb.toString();
        }
        return body.path("prompt").asText() + "\u0000" + body.path("suffix").asText();
    }

    static String lines(String tag, int count) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            sb.append(tag).append("_").append(i).append(" = compute(").append(i).append(", 'value')\n");
        }
        return sb.toString();
    }

    @Test
    void aHundredThousandCharacterPrefixIsCutToTheDeploymentsBudget() throws Exception {
        String above = lines("first", 1).replace("first_0", "the_first_line");
        while (above.length() < 100_000) {
            above += lines("line" + above.length(), 1);
        }
        above = above.substring(0, 99_950);
        above = above.substring(0, above.lastIndexOf('\n') + 1) + "line_before_cursor = 1\nresult = ";
        String below = "\nline_after_cursor = 2\n" + lines("tail", 2000).substring(0, 60_000);
        answer = "42";
        assertThat(above.length()).isGreaterThan(99_000);
        assertThat(complete("app.py", above, below, false, null)).isEqualTo("42");
        JsonNode sent = JSON.readTree(upstream.last().body());
        String prompt = sent.path("prompt").asText();
        String all = prompt + sent.path("suffix").asText();
        assertThat(TokenCounter.count(all)).isLessThanOrEqualTo(2000);
        assertThat(all).contains("line_before_cursor = 1\nresult = ").doesNotContain("the_first_line")
                .contains("\nline_after_cursor = 2\n").doesNotContain("tail_1999");
        // Codestral's FIM layout on an OpenAI-style server: [SUFFIX]<suffix>[PREFIX]<prefix>
        assertThat(prompt).startsWith("[SUFFIX]\nline_after_cursor = 2\n").endsWith("line_before_cursor = 1\nresult = ");
    }

    @Test
    void contextReachesThePromptWhenItFitsAndIsDroppedWhenItDoesNot() throws Exception {
        answer = "total()";
        List<Map<String, String>> context = List.of(
                Map.of("type", "file", "name", "near.py", "content", "def near():\n    return 'NEAR'\n"),
                Map.of("type", "file", "name", "big.py", "content", lines("big", 400)),
                Map.of("type", "snippet", "name", "far.py", "content", "FAR = 'FAR'\n"));
        HttpResponse<String> r = gateway.post("/v2/code/completions",
                request("app.py", "import near\nx = ", "\n", context, false, null));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String prompt = lastPrompt();
        assertThat(prompt).contains("+++++ near.py\ndef near():", "+++++ far.py\nFAR = 'FAR'", "+++++ app.py\nimport near")
                .doesNotContain("big_0");
        assertThat(prompt.indexOf("near.py")).isLessThan(prompt.indexOf("far.py"));
        // in a chat variant, in the user message
        gateway.post("/v2/code/completions", request("app.py", "import near\nx = ", "\n", context, false, "chat"));
        JsonNode sent = JSON.readTree(upstream.last().body());
        assertThat(sent.path("messages").get(1).path("content").asText()).contains("Related code from near.py")
                .contains("FAR = 'FAR'").doesNotContain("big_0");
    }

    @Test
    void aCommentOnlyCompletionBecomesEmpty() throws Exception {
        answer = "# TODO: add the numbers\n";
        assertThat(complete("calc.py", "def add(a, b):\n    ", "\n", false, null)).isEmpty();
        assertThat(complete("calc.py", "def add(a, b):\n    ", "\n", true, null)).isEmpty();
    }

    @Test
    void anEchoedCursorMarkerIsStripped() throws Exception {
        answer = "a + <|cursor|>b";
        assertThat(complete("calc.py", "def add(a, b):\n    return ", "\n", false, null)).isEqualTo("a + b");
        assertThat(complete("calc.py", "def add(a, b):\n    return ", "\n", true, null)).isEqualTo("a + b");
    }

    @Test
    void aRepeatOfTheSuffixIsCut() throws Exception {
        answer = "let s = 0;\n  return s;\n}\n";
        String above = "function sum() {\n  ";
        String below = "\n  return s;\n}\n";
        assertThat(complete("sum.js", above, below, false, null)).isEqualTo("let s = 0;");
        assertThat(complete("sum.js", above, below, true, null)).isEqualTo("let s = 0;");
    }

    @Test
    void aReflectionOfThePrefixIsDropped() throws Exception {
        String above = "# configure the service\nhost = 'localhost'\nport = 8080\n";
        answer = "timeout = 30\n# configure the service\nretries = 3\n";
        assertThat(complete("cfg.rb", above, "", false, null)).isEqualTo("timeout = 30\nretries = 3");
        assertThat(complete("cfg.rb", above, "", true, null)).isEqualTo("timeout = 30\nretries = 3");
        // switched off for the chat deployment
        assertThat(complete("cfg.rb", above, "", false, "chat")).isEqualTo("timeout = 30\n# configure the service\n"
                + "retries = 3");
    }

    @Test
    void whitespaceOnlyIsAnEmptyCompletion() throws Exception {
        answer = "   \n\t\n";
        assertThat(complete("x.go", "package x\n\nfunc f() {\n\t", "\n}\n", false, null)).isEmpty();
        assertThat(complete("x.go", "package x\n\nfunc f() {\n\t", "\n}\n", true, null)).isEmpty();
    }

    @Test
    void theSmallestBlockAroundTheCursorIsKept() throws Exception {
        answer = "return a + b\n\ndef other():\n    pass\n";
        assertThat(complete("calc.py", "def add(a, b):\n    ", "", false, null)).isEqualTo("return a + b");
        assertThat(complete("calc.py", "def add(a, b):\n    ", "", true, null)).isEqualTo("return a + b");
    }
}
