package dev.modelgateway.provider.openai;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.config.ModelDeployment;
import dev.modelgateway.provider.ModelProvider;
import dev.modelgateway.provider.ModelRequest;
import dev.modelgateway.provider.ModelResponse;
import dev.modelgateway.provider.OpenAiCall;
import dev.modelgateway.provider.OpenAiFormat;
import dev.modelgateway.provider.UpstreamHttp;
import dev.modelgateway.stream.StreamListener;

/**
 * Any OpenAI-compatible server (vLLM, Ollama, TGI, OpenAI itself): {@code custom_openai/}, {@code openai/},
 * {@code hosted_vllm/}, {@code ollama/}. Chat goes to {@code {api_base}/chat/completions}; fill-in-the-middle to
 * {@code {api_base}/completions}, with {@code suffix} as a field, or, for servers that reject it (vLLM, or
 * {@code fim_mode: tokens}), with the family's FIM tokens in the prompt.
 */
public final class OpenAiCompatibleProvider implements ModelProvider {

    private static final Map<String, String> DEFAULT_BASES = Map.of(
            "openai", "https://api.openai.com/v1",
            "ollama", "http://localhost:11434/v1");

    private final UpstreamHttp http;

    public OpenAiCompatibleProvider(UpstreamHttp http) {
        this.http = http;
    }

    @Override
    public CompletableFuture<ModelResponse> complete(ModelRequest request) {
        Call call = call(request);
        return OpenAiCall.complete(http, request, call.provider, call.url, call.headers, call.body);
    }

    @Override
    public CompletableFuture<Void> stream(ModelRequest request, StreamListener listener) {
        Call call = call(request);
        return OpenAiCall.stream(http, request, call.provider, call.url, call.headers, call.body, listener);
    }

    private record Call(String provider, String url, Map<String, String> headers, ObjectNode body) {
    }

    private Call call(ModelRequest request) {
        ModelDeployment model = request.model();
        String base = model.param("api_base", DEFAULT_BASES.get(model.provider()));
        if (base == null || base.isBlank()) {
            throw new GatewayException(500, "configuration_error", "model '" + model.alias()
                    + "' has no api_base in models.yaml");
        }
        base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        Map<String, String> headers = new HashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Accept", "application/json");
        if (model.param(ModelDeployment.CONNECT_TO) != null) {
            headers.put(UpstreamHttp.CONNECT_TO, model.param(ModelDeployment.CONNECT_TO));
        }
        String key = model.param("api_key");
        if (key != null && !key.isBlank()) {
            headers.put("Authorization", "Bearer " + key);
        }
        String provider = model.provider();
        if (request.isFim()) {
            boolean suffixField = !"tokens".equals(model.param("fim_mode",
                    "hosted_vllm".equals(provider) ? "tokens" : "suffix"));
            return new Call(provider, base + "/completions", headers,
                    OpenAiFormat.completionBody(request, model.servedName(), suffixField));
        }
        return new Call(provider, base + "/chat/completions", headers,
                OpenAiFormat.chatBody(request, model.servedName()));
    }
}
