package dev.modelgateway.provider.azure;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.config.ModelDeployment;
import dev.modelgateway.provider.ModelRequest;
import dev.modelgateway.provider.OpenAiFormat;

/**
 * Where and what an Azure call sends (providers.md section 3), checked against the official SDKs' captures:
 * <ul>
 * <li>{@code azure/<deployment>} with a dated {@code api_version}: {@code {api_base}/openai/deployments/<deployment>/
 * chat/completions?api-version=...} (text completions: {@code .../completions}), as {@code AzureOpenAI} sends it,
 * {@code model} kept in the body.</li>
 * <li>{@code azure/<deployment>} with no {@code api_version}, or {@code v1} / {@code preview}: the
 * {@code {api_base}/openai/v1/chat/completions} surface, {@code model} = the deployment.</li>
 * <li>{@code azure_ai/<deployment>}: Foundry model inference, {@code {api_base}/models/chat/completions} with the
 * Mistral-SDK body ({@code stream} always present, no {@code stream_options}); {@code api-version} as configured,
 * by default {@code 2024-05-01-preview}, except on an {@code api_base} ending in {@code /v1} (the serverless surface
 * {@code @mistralai/mistralai-azure} calls, which takes none).</li>
 * </ul>
 * The auth headers are added by {@link AzureProvider}; {@link #auth} says which style this target uses.
 */
record AzureTarget(String provider, String url, Map<String, String> headers, ObjectNode body, AuthStyle auth) {

    static final String FOUNDRY_API_VERSION = "2024-05-01-preview";

    /** How a key is presented: {@code api-key} alone, {@code api-key} and Bearer (v1 surface), or Bearer alone. */
    enum AuthStyle { API_KEY, API_KEY_AND_BEARER, BEARER }

    static AzureTarget of(ModelRequest request) {
        ModelDeployment model = request.model();
        String base = base(model);
        return "azure_ai".equals(model.provider()) ? foundry(request, base) : openAi(request, base);
    }

    private static AzureTarget openAi(ModelRequest request, String base) {
        ModelDeployment model = request.model();
        String deployment = model.servedName();
        String version = model.param("api_version");
        boolean v1 = base.endsWith("/openai/v1") || version == null || version.isBlank()
                || "v1".equalsIgnoreCase(version) || "preview".equalsIgnoreCase(version)
                || "latest".equalsIgnoreCase(version);
        String operation = request.isFim() ? "completions" : "chat/completions";
        String url;
        if (v1) {
            String root = base.endsWith("/openai/v1") ? base : base + "/openai/v1";
            boolean preview = "preview".equalsIgnoreCase(version);
            url = root + "/" + operation + (preview ? "?api-version=preview" : "");
        } else {
            url = base + "/openai/deployments/" + URLEncoder.encode(deployment, StandardCharsets.UTF_8)
                    .replace("+", "%20") + "/" + operation + "?api-version=" + query(version);
        }
        ObjectNode body = request.isFim()
                ? OpenAiFormat.completionBody(request, deployment, !"tokens".equals(model.param("fim_mode")))
                : OpenAiFormat.chatBody(request, deployment);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Accept", "application/json");
        return new AzureTarget("azure", url, headers, body, v1 ? AuthStyle.API_KEY_AND_BEARER : AuthStyle.API_KEY);
    }

    private static AzureTarget foundry(ModelRequest request, String base) {
        ModelDeployment model = request.model();
        String version = model.param("api_version", base.endsWith("/v1") ? null : FOUNDRY_API_VERSION);
        String query = version == null || version.isBlank() || "none".equalsIgnoreCase(version) ? ""
                : "?api-version=" + query(version);
        // Foundry's inference API has no text-completion route; Codestral's fill-in-the-middle is Mistral's own
        String path = request.isFim() ? "/fim/completions" : "/models/chat/completions";
        ObjectNode body = request.isFim()
                ? OpenAiFormat.completionBody(request, model.servedName(), true)
                : OpenAiFormat.chatBody(request, model.servedName());
        body.remove("stream_options");
        body.put("stream", request.stream());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Accept", request.stream() ? "text/event-stream" : "application/json");
        String extra = model.param("extra_parameters");
        if (extra != null && !extra.isBlank()) {
            headers.put("extra-parameters", extra);
        }
        return new AzureTarget("azure_ai", base + path + query, headers, body, AuthStyle.BEARER);
    }

    private static String base(ModelDeployment model) {
        String base = model.param("api_base");
        if (base == null || base.isBlank()) {
            throw new GatewayException(500, "configuration_error", "model '" + model.alias()
                    + "' has no api_base in models.yaml (the Azure resource's endpoint)");
        }
        base = base.strip();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base;
    }

    private static String query(String value) {
        return URLEncoder.encode(value.strip(), StandardCharsets.UTF_8);
    }
}
