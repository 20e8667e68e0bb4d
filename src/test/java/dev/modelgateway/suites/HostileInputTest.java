package dev.modelgateway.suites;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;

/**
 * The hostile-input suite: malformed, truncated and deeply nested JSON, wrong types, nulls, huge strings and arrays,
 * invalid UTF-8, path tricks in prompt ids, identifiers with control characters, endpoints at internal addresses,
 * oversize headers. Each case has its status and JSON body; the upstream sees only what it should; the gateway
 * serves normally afterwards.
 */
class HostileInputTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String CHAT = "/v1/chat/completions";
    static final String CODE = "/v2/code/completions";
    static final String PRE = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"a";
    static final String POST = "b\"}]}";
    static final String FILE = "\"current_file\":{\"file_name\":\"a.py\",\"content_above_cursor\":\"def f(\"}";
    static CaptureServer upstream;
    static GatewayTestServer gateway;

    /** One hostile request: what is sent and what must come back ({@code pointer} in the JSON body contains text). */
    record Case(String name, String method, String path, String contentType, byte[] body, Map<String, String> headers,
            int status, String pointer, String contains) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case post(String name, String path, String body, int status, String pointer, String contains) {
        return new Case(name, "POST", path, "application/json", body.getBytes(StandardCharsets.UTF_8), Map.of(),
                status, pointer, contains);
    }

    static Case raw(String name, String path, String contentType, byte[] body, int status, String pointer,
            String contains) {
        return new Case(name, "POST", path, contentType, body, Map.of(), status, pointer, contains);
    }

    static byte[] bytes(String before, int[] bad, String after) {
        byte[] a = before.getBytes(StandardCharsets.UTF_8);
        byte[] c = after.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[a.length + bad.length + c.length];
        System.arraycopy(a, 0, out, 0, a.length);
        for (int i = 0; i < bad.length; i++) {
            out[a.length + i] = (byte) bad[i];
        }
        System.arraycopy(c, 0, out, a.length + bad.length, c.length);
        return out;
    }

    static String chat(String messages) {
        return "{\"model\":\"m\",\"messages\":" + messages + "}";
    }

    static String code(String extra) {
        return "{" + FILE + extra + "}";
    }

    static String endpoint(String url) {
        return "{" + FILE + ",\"model_provider\":\"litellm\",\"model_name\":\"codestral\",\"model_identifier\":"
                + "\"custom_openai/m\",\"model_endpoint\":\"" + url + "\"}";
    }

    static Stream<Case> cases() {
        String msg = "[{\"role\":\"user\",\"content\":\"hi\"}]";
        String deep = "[".repeat(5000) + "]".repeat(5000);
        String E = "/error/message";
        String D = "/detail";
        List<Case> c = new ArrayList<>(List.of(
                // malformed, truncated, empty, not an object
                post("malformed JSON", CHAT, "{\"model\":", 400, E, "malformed JSON"),
                post("truncated JSON", CHAT, "{\"model\":\"m\",\"messages\":[{\"role\":\"user\"", 400, E,
                        "malformed JSON"),
                post("trailing garbage", CHAT, chat(msg) + "}}}", 400, E, "malformed JSON"),
                post("empty body", CHAT, "", 400, E, "empty"),
                post("a JSON array", CHAT, "[]", 422, E, "JSON object"),
                post("JSON null", CHAT, "null", 422, E, "JSON object"),
                post("a JSON string", CHAT, "\"hi\"", 422, E, "JSON object"),
                post("deeply nested JSON", CHAT, deep, 422, E, "JSON object"),
                post("deeply nested messages", CHAT, chat(deep), 422, E, "messages"),
                post("deeply nested extra field", CHAT, "{\"model\":\"m\",\"x\":" + deep + ",\"messages\":" + msg
                        + "}", 400, E, "nesting depth"),
                // contract 5.4: the AI Gateway answers an undecodable body with its validation status, 422
                post("AI Gateway: malformed JSON", CODE, "{\"current_file\":", 422, D, "malformed JSON"),
                post("AI Gateway: empty body", CODE, "", 422, D, "empty"),
                // wrong types and nulls
                post("model is a number (read as a name)", CHAT, "{\"model\":5,\"messages\":" + msg + "}", 404, E,
                        "unknown model '5'"),
                post("model is null", CHAT, "{\"model\":null,\"messages\":" + msg + "}", 422, E, "model"),
                post("messages is a string", CHAT, chat("\"hi\""), 422, E, "messages"),
                post("messages holds null", CHAT, chat("[null]"), 422, E, "messages"),
                post("role is a number", CHAT, chat("[{\"role\":1,\"content\":\"x\"}]"), 422, E, "role"),
                post("stream is a string", CHAT, "{\"model\":\"m\",\"stream\":\"yes\",\"messages\":" + msg + "}",
                        422, E, "stream"),
                post("temperature is a word", CHAT, "{\"model\":\"m\",\"temperature\":\"hot\",\"messages\":" + msg
                        + "}", 422, E, "temperature"),
                post("max_tokens overflows", CHAT, "{\"model\":\"m\",\"max_tokens\":99999999999999999999,"
                        + "\"messages\":" + msg + "}", 422, E, "max_tokens"),
                post("current_file is a string", CODE, "{\"current_file\":\"a.py\"}", 422, D, "current_file"),
                post("current_file is missing", CODE, "{}", 422, D, "current_file"),
                post("file_name is null", CODE, "{\"current_file\":{\"file_name\":null,\"content_above_cursor\":"
                        + "\"x\"}}", 422, D, "current_file.file_name"),
                post("prompt_version is a word", CODE, code(",\"prompt_version\":\"x\""), 422, D, "prompt_version"),
                post("prompt_version 9", CODE, code(",\"prompt_version\":9"), 422, D, "prompt_version"),
                post("completions prompt is a number", "/v1/completions", "{\"model\":\"m\",\"prompt\":5}", 422, E,
                        "prompt"),
                post("prompt inputs is a string", "/v1/prompts/chat/explain_code", "{\"inputs\":\"x\"}", 422, D,
                        "inputs"),
                // huge strings and arrays
                post("body over the size limit", CHAT, chat("[{\"role\":\"user\",\"content\":\""
                        + "x".repeat(1_100_000) + "\"}]"), 413, E, "larger than"),
                post("content over the AI Gateway's limit", CODE, "{\"current_file\":{\"file_name\":\"a.py\","
                        + "\"content_above_cursor\":\"" + "x".repeat(100_001) + "\"}}", 422, D, "100000"),
                post("file_name of 256 characters", CODE, "{\"current_file\":{\"file_name\":\"" + "a".repeat(253)
                        + ".py\",\"content_above_cursor\":\"x\"}}", 422, D, "current_file.file_name"),
                post("a huge array of wrong type", CHAT, "{\"model\":\"m\",\"stop\":[" + "1,".repeat(100_000)
                        + "1],\"messages\":" + msg + "}", 422, E, "stop"),
                // invalid UTF-8
                raw("invalid UTF-8 in a value", CHAT, "application/json", bytes(PRE, new int[] {0xff, 0xfe}, POST),
                        400, E, "not valid UTF-8"),
                raw("invalid UTF-8 in a key", CHAT, "application/json", bytes("{\"mo", new int[] {0xc3},
                        "del\":\"m\"}"), 400, E, "not valid UTF-8"),
                raw("overlong UTF-8 encoding", CHAT, "application/json", bytes(PRE, new int[] {0xc0, 0xaf}, POST),
                        400, E, "not valid UTF-8"),
                raw("UTF-8 encoded surrogate", CODE, "application/json", bytes("{\"current_file\":{\"file_name\":\"a",
                        new int[] {0xed, 0xa0, 0x80}, ".py\",\"content_above_cursor\":\"x\"}}"), 422, D,
                        "not valid UTF-8"),
                raw("truncated UTF-8 sequence", CHAT, "application/json", bytes(PRE, new int[] {0xe2, 0x82}, POST),
                        400, E, "not valid UTF-8"),
                raw("invalid UTF-8 sent as a form", CHAT, "application/x-www-form-urlencoded",
                        bytes(PRE, new int[] {0xff}, POST), 400, E, "not valid UTF-8"),
                // path tricks in prompt ids
                post("prompt id climbing with %2f", "/v1/prompts/..%2f..%2fetc%2fpasswd", "{\"inputs\":{}}", 404, D,
                        "unknown prompt"),
                post("prompt id with a NUL", "/v1/prompts/chat%00explain_code", "{\"inputs\":{}}", 404, D,
                        "unknown prompt"),
                post("prompt id with CRLF", "/v1/prompts/x%0d%0aSet-Cookie:%20a=b", "{\"inputs\":{}}", 404, D,
                        "unknown prompt"),
                post("prompt id with encoded dots", "/v1/prompts/chat/%2e%2e/%2e%2e/models", "{\"inputs\":{}}", 404, D,
                        "no such endpoint"),
                // identifiers with control characters
                post("model with CRLF", CHAT, "{\"model\":\"m\\r\\nX-Injected: 1\",\"messages\":" + msg + "}", 404,
                        E, "unknown model"),
                post("model_identifier with control characters", CODE, code(",\"model_identifier\":\"x\\u0000\\u001b[31m\""),
                        404, D, "unknown model"),
                // endpoints at internal addresses (custom models on, one allowed endpoint)
                post("endpoint at link-local metadata", CODE, endpoint("http://169.254.169.254/latest/meta-data"), 403,
                        D, "model endpoint"),
                post("endpoint at the metadata name", CODE, endpoint("http://metadata.google.internal/computeMetadata/v1"),
                        403, D, "model endpoint"),
                post("endpoint at loopback", CODE, endpoint("http://127.0.0.1:1/v1"), 403, D, "model endpoint"),
                post("endpoint at IPv6 loopback", CODE, endpoint("http://[::1]:1/v1"), 403, D, "model endpoint"),
                post("endpoint with user info", CODE, endpoint("http://allowed.example@127.0.0.1:1/v1"), 403, D,
                        "user info"),
                post("endpoint as a file URL", CODE, endpoint("file:///etc/passwd"), 403, D, "model endpoint"),
                post("endpoint at a decimal IP", CODE, endpoint("http://2130706433/v1"), 403, D, "model endpoint"),
                // methods and paths
                new Case("GET on a POST endpoint", "GET", CHAT, null, null, Map.of(), 405, E, "not allowed"),
                new Case("unknown path", "POST", "/v1/../../etc/passwd", "application/json", "{}".getBytes(),
                        Map.of(), 404, D, "no such endpoint")));
        return c.stream();
    }

    @BeforeAll
    static void start() {
        upstream = new CaptureServer().answerJson(200,
                "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"fine\"},\"finish_reason\":\"stop\"}]}");
        gateway = GatewayTestServer.start("model_list:\n  - model_name: m\n    litellm_params: {model: openai/m, "
                + "api_base: \"" + upstream.baseUrl() + "/v1\"}\nfeatures: {code_completions: m}\n", Map.of(
                "gateway.custom-models.enabled", "true",
                "gateway.custom-models.allowed-endpoints", "http://allowed.example/v1"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void hostileInputGetsItsStatusAndAJsonBody(Case c) throws Exception {
        upstream.requests().clear();
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.uri(c.path())).timeout(java.time.Duration.ofSeconds(10));
        if (c.contentType() != null) {
            b.header("Content-Type", c.contentType());
        }
        c.headers().forEach(b::header);
        b.method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(c.body()));
        HttpResponse<String> r = GatewayTestServer.send(b.build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(c.status());
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(
                "application/json"));
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.at(c.pointer()).asText()).as(r.body()).contains(c.contains());
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.headers().firstValue("X-Injected")).isEmpty();
        assertThat(upstream.requests()).as("nothing reaches the upstream").isEmpty();
    }

    @Test
    void jsonIsReadWhateverTheContentTypeSays() throws Exception {
        for (String type : new String[] {"application/x-www-form-urlencoded", "text/plain", null}) {
            HttpRequest.Builder b = HttpRequest.newBuilder(gateway.uri(CHAT)).timeout(java.time.Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(chat("[{\"role\":\"user\",\"content\":\"hi\"}]")));
            if (type != null) {
                b.header("Content-Type", type);
            }
            HttpResponse<String> r = GatewayTestServer.send(b.build());
            assertThat(r.statusCode()).as(type + ": " + r.body()).isEqualTo(200);
            assertThat(JSON.readTree(r.body()).at("/choices/0/message/content").asText()).isEqualTo("fine");
        }
    }

    @Test
    void aFileNameOf255CharactersIsFine() {
        HttpResponse<String> r = gateway.post(CODE, "{\"current_file\":{\"file_name\":\"" + "a".repeat(252)
                + ".py\",\"content_above_cursor\":\"def f(\"}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void anOversizeHeaderIsRefusedAndTheGatewayStillServes() throws Exception {
        // a raw socket: the JDK client would keep the refused connection in its pool
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST " + CHAT + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "X-Big: " + "x".repeat(20_000) + "\r\nContent-Length: 2\r\n\r\n{}").getBytes(StandardCharsets.UTF_8));
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8)).readLine();
            assertThat(status).startsWith("HTTP/1.1 431");
        }
        assertThat(upstream.requests()).isEmpty();
        HttpResponse<String> ok = gateway.post(CHAT, chat("[{\"role\":\"user\",\"content\":\"still there?\"}]"));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(upstream.last().body()).contains("still there?");
    }
}
