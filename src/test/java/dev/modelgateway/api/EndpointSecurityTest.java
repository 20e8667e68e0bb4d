package dev.modelgateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;

/**
 * Client-chosen endpoints over real HTTP: look-alikes, user info, path climbing, names of loopback or metadata
 * addresses and redirects are refused and nothing reaches them; an allowed endpoint works, on the address checked.
 */
class EndpointSecurityTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static CaptureServer allowed;
    static CaptureServer victim;
    static GatewayTestServer gateway;

    @BeforeAll
    static void start() {
        allowed = new CaptureServer();
        victim = new CaptureServer();
        int a = allowed.port();
        gateway = GatewayTestServer.start("model_list:\n  - model_name: m\n    litellm_params: {model: openai/m, "
                + "api_base: \"http://127.0.0.1:9/v1\"}\n", Map.of(
                "gateway.custom-models.enabled", "true",
                "gateway.custom-models.allowed-endpoints", String.join(",",
                        "http://127.0.0.1:" + a + "/allowed/",
                        "http://localhost:" + a + "/byname/",
                        "http://vllm.internal",
                        "http://localhost:" + victim.port() + "/v1"),
                "gateway.upstream.max-retries", "0"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        allowed.close();
        victim.close();
    }

    @BeforeEach
    void scripts() {
        allowed.requests().clear();
        victim.requests().clear();
        allowed.answerJson(200, "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}");
        victim.answerJson(200, "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"leaked\"},\"finish_reason\":\"stop\"}]}");
    }

    static HttpResponse<String> completion(String endpoint) {
        return gateway.post("/v2/code/completions", "{\"current_file\":{\"file_name\":\"a.py\",\"content_above_cursor\":"
                + "\"def f(\"},\"model_provider\":\"litellm\",\"model_name\":\"codestral\",\"model_identifier\":"
                + "\"custom_openai/m\",\"model_endpoint\":\"" + endpoint + "\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://vllm.internal@127.0.0.1:VICTIM/v1",
            "http://vllm.internal.evil.example/v1",
            "http://127.0.0.1:ALLOWED/allowed/../v1",
            "http://127.0.0.1:ALLOWED/allowedx/v1",
            "http://localhost:VICTIM/v1",
            "http://169.254.169.254/latest/meta-data",
            "http://[::ffff:127.0.0.1]:VICTIM/v1",
    })
    void refusedWith403AndNothingIsSent(String endpoint) throws Exception {
        HttpResponse<String> r = completion(endpoint.replace("VICTIM", String.valueOf(victim.port()))
                .replace("ALLOWED", String.valueOf(allowed.port())));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(r.body()).get("detail").asText()).startsWith("model endpoint");
        assertThat(victim.requests()).isEmpty();
        assertThat(allowed.requests()).isEmpty();
    }

    @Test
    void anAllowedEndpointWorks() {
        HttpResponse<String> r = completion("http://127.0.0.1:" + allowed.port() + "/allowed/v1");
        assertThat(r.statusCode()).isEqualTo(200);
        // a code completion reaches the allowed server's chat or FIM surface, per the prompt variant of its family
        assertThat(allowed.last().rawPath()).startsWith("/allowed/v1/").endsWith("completions");
    }

    @Test
    void aNameIsConnectedToAtTheAddressCheckedWithItsHostHeaderKept() {
        HttpResponse<String> r = completion("http://localhost:" + allowed.port() + "/byname/v1");
        // localhost resolves to 127.0.0.1, which an entry lists with this port
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(allowed.last().header("Host")).isEqualTo("localhost:" + allowed.port());
        assertThat(allowed.last().header(dev.modelgateway.provider.UpstreamHttp.CONNECT_TO)).isNull();
    }

    @Test
    void aRedirectIsNotFollowed() {
        allowed.answer((req, resp) -> resp.setStatusCode(302)
                .putHeader("Location", "http://127.0.0.1:" + victim.port() + "/v1/chat/completions").end());
        HttpResponse<String> r = completion("http://127.0.0.1:" + allowed.port() + "/allowed/v1");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("redirect");
        assertThat(victim.requests()).isEmpty();
    }
}
