package dev.modelgateway.provider;

import java.util.concurrent.CompletableFuture;

import dev.modelgateway.stream.StreamListener;

/**
 * A provider's client: one per provider package, non-blocking. Failures are {@link dev.modelgateway.api.GatewayException}s
 * carrying the status the client should see.
 */
public interface ModelProvider {

    /** The whole answer. */
    CompletableFuture<ModelResponse> complete(ModelRequest request);

    /**
     * Streams the answer to the listener as the upstream produces it. The returned future completes once the upstream
     * has accepted the call (before the first token), or fails if it refused; retries happen only before that point.
     * Later failures reach {@link StreamListener#onError}.
     */
    CompletableFuture<Void> stream(ModelRequest request, StreamListener listener);
}
