package dev.modelgateway.provider;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * The pooled, non-blocking HTTP client every HTTP-speaking provider shares. It runs on the Vert.x instance that also
 * serves the API, so no extra threads are involved in calling a model.
 */
public final class UpstreamHttp {

    private final Vertx vertx;
    private final HttpClient client;
    private final UpstreamSettings settings;
    private final Retrier retrier;

    public UpstreamHttp(Vertx vertx, UpstreamSettings settings) {
        this.vertx = vertx;
        this.settings = settings;
        this.retrier = new Retrier(vertx, settings);
        HttpClientOptions options = new HttpClientOptions()
                .setKeepAlive(true)
                .setConnectTimeout(10_000)
                .setTryUseCompression(false)
                .setDecompressionSupported(true);
        this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(64));
    }

    /** An upstream answer read whole. */
    public record Response(int status, String body, io.vertx.core.MultiMap headers) {
    }

    public Vertx vertx() {
        return vertx;
    }

    public UpstreamSettings settings() {
        return settings;
    }

    public Retrier retrier() {
        return retrier;
    }

    /** POSTs and reads the whole answer, whatever its status. */
    public CompletableFuture<Response> post(String url, Map<String, String> headers, Buffer body) {
        CompletableFuture<Response> result = new CompletableFuture<>();
        onEventLoop(() -> client.request(options(url, headers, settings.timeout().toMillis()))
                .compose(req -> req.send(body))
                .compose(resp -> resp.body().map(b -> new Response(resp.statusCode(), b.toString(), resp.headers())))
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        result.complete(ar.result());
                    } else {
                        result.completeExceptionally(ar.cause());
                    }
                }));
        return result;
    }

    /**
     * POSTs and, on a 2xx, hands over the response paused, so that no byte is missed before the caller has attached
     * its handlers (the caller resumes it). A non-2xx is read whole and fails the future with the mapped error.
     */
    public CompletableFuture<HttpClientResponse> openStream(String provider, String url, Map<String, String> headers,
            Buffer body) {
        CompletableFuture<HttpClientResponse> result = new CompletableFuture<>();
        // idle timeout: the first token, and every later one, must arrive within first-token-timeout
        onEventLoop(() -> client.request(options(url, headers, settings.firstTokenTimeout().toMillis()))
                .compose(req -> req.send(body))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        result.completeExceptionally(ar.cause());
                        return;
                    }
                    HttpClientResponse resp = ar.result();
                    if (resp.statusCode() / 100 == 2) {
                        resp.pause();
                        result.complete(resp);
                    } else {
                        resp.body().onComplete(b -> result.completeExceptionally(UpstreamErrors.fromStatus(provider,
                                resp.statusCode(), b.succeeded() ? b.result().toString() : "",
                                retryAfter(resp.headers()))));
                    }
                }));
        return result;
    }

    /**
     * Starts a request on an event-loop context of this Vert.x. Called from elsewhere (a Camel worker thread, a timer
     * of another Vert.x), the response's callbacks ran a turn later than its bytes, so a small answer's body could
     * arrive before {@code body()} was asked for and be lost, leaving the call hanging until its idle timeout.
     */
    private void onEventLoop(Runnable request) {
        runOnEventLoop(vertx, request);
    }

    /** Runs the action on the current event-loop context of this Vert.x, or on a fresh one. */
    public static void runOnEventLoop(Vertx vertx, Runnable action) {
        io.vertx.core.Context current = Vertx.currentContext();
        if (current != null && current.owner() == vertx && current.isEventLoopContext()
                && Context.isOnEventLoopThread()) {
            action.run();
        } else {
            // never a worker context: its ordered queue may be the very one blocked waiting for this call
            ((io.vertx.core.impl.VertxInternal) vertx).createEventLoopContext().runOnContext(v -> action.run());
        }
    }

    /** Retry-After in seconds from {@code retry-after-ms} (Azure) or {@code retry-after}. */
    public static String retryAfter(io.vertx.core.MultiMap headers) {
        String ms = headers.get("retry-after-ms");
        if (ms != null) {
            try {
                return String.valueOf(Math.max(1, (long) Math.ceil(Double.parseDouble(ms) / 1000)));
            } catch (NumberFormatException ignored) {
                // fall through to retry-after
            }
        }
        return headers.get("retry-after");
    }

    private RequestOptions options(String url, Map<String, String> headers, long idleMillis) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
                .setIdleTimeout(idleMillis);
        headers.forEach(options::putHeader);
        return options;
    }

    public void close() {
        client.close();
    }
}
