package dev.modelgateway.provider;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;

import dev.modelgateway.stream.StreamListener;

/**
 * One OpenAI-style call: a JSON body POSTed to a URL with the given headers, retried while unanswered (connection
 * failure, 429, 5xx), the answer parsed whole or its SSE chunks relayed live. Providers differ only in how they build
 * URL, headers and body.
 */
public final class OpenAiCall {

    private OpenAiCall() {
    }

    public static CompletableFuture<ModelResponse> complete(UpstreamHttp http, ModelRequest request, String provider,
            String url, Map<String, String> headers, JsonNode body) {
        return http.retrier().call(provider, request, () -> http.post(request, provider, url, headers,
                OpenAiFormat.buffer(body)).thenApply(resp -> {
                    if (resp.status() / 100 != 2) {
                        throw UpstreamErrors.fromStatus(provider, resp.status(), resp.body(),
                                UpstreamHttp.retryAfter(resp.headers()));
                    }
                    return OpenAiFormat.parse(provider, resp.bytes().getBytes());
                }));
    }

    /** Completes once the upstream accepted the call; the text then reaches the listener as it arrives. */
    public static CompletableFuture<Void> stream(UpstreamHttp http, ModelRequest request, String provider, String url,
            Map<String, String> headers, JsonNode body, StreamListener listener) {
        return http.retrier().call(provider, request,
                        () -> http.openStream(request, provider, url, headers, OpenAiFormat.buffer(body)))
                .thenAccept(response -> OpenAiFormat.relay(provider, response, listener));
    }
}
