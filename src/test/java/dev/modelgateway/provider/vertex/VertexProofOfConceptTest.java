package dev.modelgateway.provider.vertex;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;
import dev.modelgateway.support.Golden;

/**
 * The proof of concept: the LiteLLM config a customer ran, unchanged but for api_base and a service-account
 * key whose token_uri points at the local test server, serves code completions through Codestral on Vertex.
 */
class VertexProofOfConceptTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String PROOF_OF_CONCEPT = """
            model_list:
              - model_name: codestral
                litellm_params:
                  model: vertex_ai/codestral@2405
                  vertex_ai_project: my-project
                  vertex_ai_location: us-central1
            features: {code_completions: codestral}
            """;

    @Test
    void proofOfConceptConfigServesCodeCompletionsViaRawPredictWithTheTokenItWasIssued() throws Exception {
        try (CaptureServer upstream = new CaptureServer()) {
            upstream.answer((req, resp) -> {
                resp.putHeader("Content-Type", "application/json");
                if (req.rawPath().equals("/token")) {
                    resp.end("{\"access_token\":\"ya29.issued-by-test-server\",\"expires_in\":3600,"
                            + "\"token_type\":\"Bearer\"}");
                } else {
                    resp.end("""
                            {"id":"cmpl-1","object":"chat.completion","model":"codestral","choices":[{"index":0,
                            "message":{"role":"assistant","content":"return n if n < 2 else fibonacci(n - 1) + fibonacci(n - 2)"},
                            "finish_reason":"stop"}],"usage":{"prompt_tokens":14,"completion_tokens":21,"total_tokens":35}}""");
                }
            });
            Path key = TestServiceAccount.file(upstream.baseUrl() + "/token");
            String config = PROOF_OF_CONCEPT.replace("      vertex_ai_location: us-central1\n",
                    "      vertex_ai_location: us-central1\n"
                            + "      api_base: " + upstream.baseUrl() + "\n"
                            + "      vertex_credentials: " + key + "\n");
            try (GatewayTestServer gateway = GatewayTestServer.start(config)) {
                HttpResponse<String> response = gateway.post("/v2/code/completions", """
                        {"current_file": {"file_name": "fib.py", "content_above_cursor": "def fibonacci(n):\\n    ",
                         "content_below_cursor": "\\n\\nprint(fibonacci(10))\\n"}}""");

                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                JsonNode answer = JSON.readTree(response.body());
                assertThat(answer.at("/choices/0/text").asText()).startsWith("return n if n < 2");
                assertThat(upstream.requests()).hasSize(2);

                CaptureServer.Captured exchange = upstream.requests().get(0);
                assertThat(exchange.method()).isEqualTo("POST");
                assertThat(exchange.rawPath()).isEqualTo("/token");
                Map<String, String> form = form(exchange.body());
                assertThat(form).containsEntry("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
                String[] jwt = form.get("assertion").split("\\.");
                assertThat(JSON.readTree(Base64.getUrlDecoder().decode(jwt[0])).get("alg").asText()).isEqualTo("RS256");
                JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(jwt[1]));
                assertThat(claims.get("iss").asText()).isEqualTo(TestServiceAccount.EMAIL);
                assertThat(claims.get("scope").asText()).isEqualTo("https://www.googleapis.com/auth/cloud-platform");
                // posted to the key's token_uri, yet addressed to Google's token endpoint, like the Node SDK's grant
                JsonNode goldenClaims = Golden.load("vertex_gemini/token-exchange.json").json().get("assertion_claims");
                assertThat(claims.get("aud").asText()).isEqualTo(goldenClaims.get("aud").asText());
                assertThat(claims.get("scope").asText()).isEqualTo(goldenClaims.get("scope").asText());

                CaptureServer.Captured predict = upstream.requests().get(1);
                Golden golden = Golden.load("vertex_mistral/fim.json");
                assertThat(predict.rawPath()).isEqualTo(golden.path())
                        .isEqualTo("/v1/projects/my-project/locations/us-central1/publishers/mistralai/models/"
                                + "codestral@2405:rawPredict");
                assertThat(predict.header("authorization")).isEqualTo("Bearer ya29.issued-by-test-server");
                JsonNode body = JSON.readTree(predict.body());
                // the shipped codestral prompt's own settings, in the golden's FIM body shape
                assertThat(fieldNames(body)).isEqualTo(fieldNames(golden.body()));
                assertThat(body.get("model").asText()).isEqualTo("codestral");
                assertThat(body.get("prompt").asText()).isEqualTo("def fibonacci(n):\n    ");
                assertThat(body.get("suffix").asText()).isEqualTo("\n\nprint(fibonacci(10))\n");
                assertThat(body.get("stream").asBoolean(true)).isFalse();
                assertThat(response.body()).doesNotContain("ya29");
            }
        }
    }

    private static java.util.Set<String> fieldNames(JsonNode node) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Map<String, String> form(String body) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            m.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return m;
    }
}
