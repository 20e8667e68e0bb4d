package dev.modelgateway.provider.azure;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.config.ModelDeployment;
import dev.modelgateway.provider.ModelProvider;
import dev.modelgateway.provider.ModelRequest;
import dev.modelgateway.provider.ModelResponse;
import dev.modelgateway.provider.OpenAiCall;
import dev.modelgateway.provider.UpstreamHttp;
import dev.modelgateway.stream.StreamListener;

/**
 * Azure OpenAI ({@code azure/}) and Azure AI Foundry ({@code azure_ai/}). Both speak the OpenAI chat format, so the
 * call itself (retries honouring {@code retry-after} / {@code retry-after-ms}, parsing, SSE relay that skips Azure's
 * {@code prompt_filter_results} chunk) is {@link OpenAiCall}; this class adds the Azure URL ({@link AzureTarget}) and
 * authentication: {@code api_key}, a fixed {@code azure_ad_token}, or a Microsoft Entra token from azure-identity
 * ({@link EntraTokens}).
 */
public final class AzureProvider implements ModelProvider {

    private final UpstreamHttp http;
    private final EntraTokens entra;

    public AzureProvider(UpstreamHttp http) {
        this.http = http;
        this.entra = new EntraTokens(http.vertx());
    }

    @Override
    public CompletableFuture<ModelResponse> complete(ModelRequest request) {
        try {
            AzureTarget target = AzureTarget.of(request);
            return headers(request.model(), target).thenCompose(headers ->
                    OpenAiCall.complete(http, request, target.provider(), target.url(), headers, target.body()));
        } catch (RuntimeException e) {
            // a provider must not throw: the Camel step waits for the future
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Void> stream(ModelRequest request, StreamListener listener) {
        try {
            AzureTarget target = AzureTarget.of(request);
            return headers(request.model(), target).thenCompose(headers ->
                    OpenAiCall.stream(http, request, target.provider(), target.url(), headers, target.body(), listener));
        } catch (RuntimeException e) {
            // a provider must not throw: the Camel step waits for the future
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The target's headers plus authentication; an Entra token may need a (non-blocking) fetch first. */
    private CompletableFuture<Map<String, String>> headers(ModelDeployment model, AzureTarget target) {
        Map<String, String> headers = new LinkedHashMap<>(target.headers());
        String key = model.param("api_key");
        if (key != null && !key.isBlank()) {
            if (target.auth() != AzureTarget.AuthStyle.BEARER) {
                headers.put("api-key", key);
            }
            if (target.auth() != AzureTarget.AuthStyle.API_KEY) {
                headers.put("Authorization", "Bearer " + key);
            }
            return CompletableFuture.completedFuture(headers);
        }
        String fixed = model.param("azure_ad_token");
        if (fixed != null && !fixed.isBlank()) {
            headers.put("Authorization", "Bearer " + fixed);
            return CompletableFuture.completedFuture(headers);
        }
        if (EntraTokens.configured(model)) {
            return entra.token(model).thenApply(token -> {
                headers.put("Authorization", "Bearer " + token);
                return headers;
            });
        }
        return CompletableFuture.failedFuture(new GatewayException(500, "configuration_error", "model '"
                + model.alias() + "' has no Azure credentials in models.yaml: set api_key, azure_ad_token, "
                + "tenant_id + client_id + client_secret, or azure_use_managed_identity"));
    }
}
