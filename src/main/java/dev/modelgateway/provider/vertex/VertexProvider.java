package dev.modelgateway.provider.vertex;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.modelgateway.provider.AnthropicMessages;
import dev.modelgateway.provider.FimAsChat;
import dev.modelgateway.provider.ModelProvider;
import dev.modelgateway.provider.ModelRequest;
import dev.modelgateway.provider.ModelResponse;
import dev.modelgateway.provider.OpenAiFormat;
import dev.modelgateway.provider.UpstreamErrors;
import dev.modelgateway.provider.UpstreamHttp;
import dev.modelgateway.provider.UpstreamStream;
import dev.modelgateway.stream.SseEvents;
import dev.modelgateway.stream.StreamListener;

/**
 * Vertex AI ({@code vertex_ai/}) over its REST API, with Google credentials: Claude and Codestral/Mistral through
 * rawPredict / streamRawPredict, Gemini through generateContent / streamGenerateContent, Llama and other open models
 * through the OpenAI-compatible {@code endpoints/openapi} surface (providers.md section 1). Every attempt asks the
 * credentials for its headers (cached token, refreshed off the event loop), then calls through the shared client.
 */
public final class VertexProvider implements ModelProvider {

    /** Claude's Messages API version on Vertex, sent in the body. */
    static final String ANTHROPIC_VERSION = "vertex-2023-10-16";

    private final UpstreamHttp http;
    private final VertexCredentials credentials;

    public VertexProvider(UpstreamHttp http) {
        this.http = http;
        this.credentials = new VertexCredentials(http.vertx());
    }

    /** One prepared attempt: URL, headers with a current token, body. */
    private record Call(VertexTarget target, String url, Map<String, String> headers, ObjectNode body) {
    }

    @Override
    public CompletableFuture<ModelResponse> complete(ModelRequest request) {
        ModelRequest r = request.stream() ? request.withStream(false) : request;
        return surfaced(http.retrier().call(VertexErrors.PROVIDER, r, () -> prepare(r).thenCompose(call ->
                http.post(r, VertexErrors.PROVIDER, call.url, call.headers, OpenAiFormat.buffer(call.body))
                        .thenApply(resp -> {
                    if (resp.status() / 100 != 2) {
                        throw VertexErrors.fromStatus(call.target, resp.status(), resp.body(),
                                UpstreamHttp.retryAfter(resp.headers()));
                    }
                    return parse(call.target, resp.body());
                }))));
    }

    @Override
    public CompletableFuture<Void> stream(ModelRequest request, StreamListener listener) {
        ModelRequest r = request.stream() ? request : request.withStream(true);
        VertexTarget.Family family = VertexTarget.Family.of(r.model().servedName());
        return surfaced(http.retrier().call(VertexErrors.PROVIDER, r, () -> prepare(r).thenCompose(call ->
                http.openStream(r, VertexErrors.PROVIDER, call.url, call.headers, OpenAiFormat.buffer(call.body),
                        (status, body, retryAfter) -> VertexErrors.fromStatus(call.target, status, body, retryAfter)))))
                .thenAccept(response -> relay(family, response, listener));
    }

    /** Once retries are spent, the failure as the client should see it. */
    private static <T> CompletableFuture<T> surfaced(CompletableFuture<T> call) {
        return call.handle((value, error) -> {
            if (error != null) {
                throw new CompletionException(VertexErrors.surfaced(error));
            }
            return value;
        });
    }

    private CompletableFuture<Call> prepare(ModelRequest r) {
        VertexTarget configured = VertexTarget.of(r.model());
        return credentials.credentials(r.model().firstParam("vertex_credentials"), r.model().param("api_base")).thenCompose(creds -> {
            VertexTarget target = configured.project() != null ? configured
                    : configured.withProject(VertexCredentials.projectOf(creds));
            String url = url(target, r.stream());
            return credentials.headers(creds, URI.create(url)).thenApply(auth -> {
                Map<String, String> headers = new HashMap<>(auth);
                headers.put("Content-Type", "application/json");
                headers.put("Accept", r.stream() && target.family() != VertexTarget.Family.CLAUDE
                        && target.family() != VertexTarget.Family.GEMINI ? "text/event-stream" : "application/json");
                if (target.family() == VertexTarget.Family.CLAUDE) {
                    headers.put("anthropic-version", "2023-06-01");
                }
                return new Call(target, url, headers, body(target, r));
            });
        });
    }

    private static String url(VertexTarget target, boolean stream) {
        return switch (target.family()) {
            case CLAUDE, MISTRAL -> target.publisherUrl(stream ? "streamRawPredict" : "rawPredict");
            case GEMINI -> stream ? target.publisherUrl("streamGenerateContent") + "?alt=sse"
                    : target.publisherUrl("generateContent");
            case OPENAPI -> target.openApiUrl();
        };
    }

    private static ObjectNode body(VertexTarget target, ModelRequest r) {
        return switch (target.family()) {
            case CLAUDE -> {
                ObjectNode body = AnthropicMessages.body(r, ANTHROPIC_VERSION);
                if (r.stream()) {
                    body.put("stream", true);
                }
                yield body;
            }
            case MISTRAL -> {
                // Mistral's SDK always sends stream, false included, and no stream_options
                ModelRequest unstreamed = r.withStream(false);
                ObjectNode body = r.isFim() ? OpenAiFormat.completionBody(unstreamed, target.bodyModel(), true)
                        : OpenAiFormat.chatBody(unstreamed, target.bodyModel());
                yield body.put("stream", r.stream());
            }
            case GEMINI -> GeminiFormat.body(FimAsChat.toChat(r));
            case OPENAPI -> OpenAiFormat.chatBody(FimAsChat.toChat(r), target.openApiModel());
        };
    }

    private static ModelResponse parse(VertexTarget target, String body) {
        return switch (target.family()) {
            case CLAUDE -> {
                JsonNode json;
                try {
                    json = OpenAiFormat.JSON.readTree(body);
                } catch (Exception e) {
                    throw UpstreamErrors.garbage(VertexErrors.PROVIDER, "not JSON");
                }
                yield AnthropicMessages.parse(VertexErrors.PROVIDER, json);
            }
            case MISTRAL, OPENAPI -> OpenAiFormat.parse(VertexErrors.PROVIDER, body);
            case GEMINI -> GeminiFormat.parse(body);
        };
    }

    private static void relay(VertexTarget.Family family, UpstreamStream response, StreamListener listener) {
        switch (family) {
            case CLAUDE -> relayClaude(response, listener);
            case MISTRAL, OPENAPI -> OpenAiFormat.relay(VertexErrors.PROVIDER, response, listener);
            case GEMINI -> GeminiFormat.relay(response, listener);
        }
    }

    private static void relayClaude(UpstreamStream response, StreamListener listener) {
        AnthropicMessages.StreamState state = new AnthropicMessages.StreamState(VertexErrors.PROVIDER);
        AtomicBoolean broken = new AtomicBoolean();
        SseEvents.decode(response, response.maxEventBytes(), listener, event -> {
            if (state.finished() || broken.get()) {
                return;
            }
            JsonNode json;
            try {
                json = OpenAiFormat.JSON.readTree(event.data());
            } catch (Exception e) {
                broken.set(true);
                response.abort();
                listener.onError(UpstreamErrors.garbage(VertexErrors.PROVIDER, "a stream event is not JSON"));
                return;
            }
            state.onEvent(event.name(), json, listener);
        }, () -> {
            if (!state.finished() && broken.compareAndSet(false, true)) {
                listener.onError(UpstreamErrors.garbage(VertexErrors.PROVIDER, "the stream ended before message_stop"));
            }
        }, error -> {
            if (!state.finished() && broken.compareAndSet(false, true)) {
                listener.onError(UpstreamErrors.unwrap(error, VertexErrors.PROVIDER));
            }
        }, response::abort);
    }
}
