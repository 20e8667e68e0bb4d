package dev.modelgateway.provider.vertex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.config.ModelDeployment;
import dev.modelgateway.config.ModelIdentifier;

/** Hosts and paths: regional, global, an api_base that keeps the standard path, and the publisher per model. */
class VertexTargetTest {

    static VertexTarget target(String served, String location, String apiBase) {
        Map<String, String> params = new HashMap<>();
        params.put("vertex_ai_project", "my-project");
        if (location != null) {
            params.put("vertex_ai_location", location);
        }
        if (apiBase != null) {
            params.put("api_base", apiBase);
        }
        return VertexTarget.of(new ModelDeployment("m", ModelIdentifier.parse("vertex_ai/" + served), "general",
                params));
    }

    @Test
    void regionalLocationUsesTheRegionalHost() {
        assertThat(target("codestral@2405", "europe-west4", null).publisherUrl("rawPredict")).isEqualTo(
                "https://europe-west4-aiplatform.googleapis.com/v1/projects/my-project/locations/europe-west4"
                        + "/publishers/mistralai/models/codestral@2405:rawPredict");
    }

    @Test
    void globalLocationUsesTheGlobalHost() {
        assertThat(target("claude-sonnet-4-5@20250929", "global", null).publisherUrl("streamRawPredict")).isEqualTo(
                "https://aiplatform.googleapis.com/v1/projects/my-project/locations/global"
                        + "/publishers/anthropic/models/claude-sonnet-4-5@20250929:streamRawPredict");
    }

    @Test
    void noLocationMeansUsCentral1() {
        assertThat(target("gemini-2.0-flash-001", null, null).publisherUrl("generateContent")).startsWith(
                "https://us-central1-aiplatform.googleapis.com/v1/projects/my-project/locations/us-central1/");
    }

    @Test
    void apiBaseReplacesTheHostAndKeepsTheStandardPath() {
        String path = "/projects/my-project/locations/us-east5/publishers/anthropic/models/claude-3-5-haiku@20241022:rawPredict";
        assertThat(target("claude-3-5-haiku@20241022", "us-east5", "https://vertex-psc.p.googleapis.com")
                .publisherUrl("rawPredict")).isEqualTo("https://vertex-psc.p.googleapis.com/v1" + path);
        assertThat(target("claude-3-5-haiku@20241022", "us-east5", "https://proxy.internal/vertex/v1/")
                .publisherUrl("rawPredict")).isEqualTo("https://proxy.internal/vertex/v1" + path);
        assertThat(target("claude-3-5-haiku@20241022", "global", "http://127.0.0.1:8090/vertex")
                .publisherUrl("rawPredict")).isEqualTo("http://127.0.0.1:8090/vertex/v1"
                        + path.replace("us-east5", "global"));
    }

    @Test
    void publisherAndBodyModelFollowTheServedName() {
        assertThat(target("codestral@2405", null, null).bodyModel()).isEqualTo("codestral");
        assertThat(target("codestral-2405", null, null).publisherUrl("rawPredict")).endsWith("/codestral@2405:rawPredict");
        assertThat(target("codestral-2501", null, null).publisherUrl("rawPredict")).endsWith("/mistralai/models/codestral-2501:rawPredict");
        assertThat(target("mistral-large@2407", null, null).family()).isEqualTo(VertexTarget.Family.MISTRAL);
        assertThat(target("gemini-2.5-pro", null, null).family()).isEqualTo(VertexTarget.Family.GEMINI);
        VertexTarget llama = target("meta/llama-3.3-70b-instruct-maas", null, null);
        assertThat(llama.openApiUrl()).isEqualTo("https://us-central1-aiplatform.googleapis.com/v1/projects/my-project"
                + "/locations/us-central1/endpoints/openapi/chat/completions");
        assertThat(llama.openApiModel()).isEqualTo("meta/llama-3.3-70b-instruct-maas");
        assertThat(target("llama-3.1-8b-instruct-maas", null, null).openApiModel())
                .isEqualTo("meta/llama-3.1-8b-instruct-maas");
    }

    @Test
    void missingProjectIsAConfigurationError() {
        VertexTarget t = VertexTarget.of(new ModelDeployment("m", ModelIdentifier.parse("vertex_ai/codestral@2405"),
                "codestral", Map.of()));
        assertThatThrownBy(() -> t.publisherUrl("rawPredict")).isInstanceOf(GatewayException.class)
                .hasMessageContaining("vertex_ai_project");
    }
}
