package dev.modelgateway.provider;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import dev.modelgateway.api.GatewayException;

/**
 * The pooled, non-blocking HTTP client every HTTP-speaking provider shares. It runs on the Vert.x instance that also
 * serves the API, so no extra threads are involved in calling a model.
 */
public final class UpstreamHttp {

    private final Vertx vertx;
    private final UpstreamSettings settings;
    private final Retrier retrier;
    /**
     * One client per event loop, each used only from its own loop's context. A response's future must complete on
     * the context that owns its connection, so that a stream is paused before its first byte is dispatched: a call
     * started from another context (Camel's worker, or a pooled connection of another loop) gets the future a task
     * later, by which time a short answer may have been dispatched with no handler and dropped.
     */
    private final Lane[] lanes;
    private final AtomicInteger next = new AtomicInteger();

    /** {@code tls}: the same pool settings, HTTP/2 offered through ALPN (for callers that ask for it, see {@link #alpn}). */
    private record Lane(Context context, HttpClient client, HttpClient tls) {
    }

    /** Whether https:// calls offer HTTP/2 through ALPN (HTTP/1.1 if the server declines); http:// is HTTP/1.1. */
    private final boolean alpn;

    public UpstreamHttp(Vertx vertx, UpstreamSettings settings) {
        this(vertx, settings, 64);
    }

    /** maxConnections: per upstream host, over all lanes (gateway.http.max-in-flight: one per request at most). */
    public UpstreamHttp(Vertx vertx, UpstreamSettings settings, int maxConnections) {
        this.vertx = vertx;
        this.settings = settings;
        this.retrier = new Retrier(vertx, settings);
        HttpClientOptions options = new HttpClientOptions()
                .setKeepAlive(true)
                .setConnectTimeout(10_000)
                .setTryUseCompression(false)
                .setDecompressionSupported(true);
        int n = Math.max(2, Runtime.getRuntime().availableProcessors());
        this.lanes = new Lane[n];
        for (int i = 0; i < n; i++) {
            PoolOptions pool = new PoolOptions().setHttp1MaxSize(Math.max(8, maxConnections / n));
            lanes[i] = new Lane(newEventLoopContext(vertx), vertx.createHttpClient(options, pool),
                    vertx.createHttpClient(new HttpClientOptions(options).setUseAlpn(true)
                            .setProtocolVersion(HttpVersion.HTTP_2)
                            .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1)), pool));
        }
        this.alpn = false;
    }

    private UpstreamHttp(UpstreamHttp shared, boolean alpn) {
        this.vertx = shared.vertx;
        this.settings = shared.settings;
        this.retrier = shared.retrier;
        this.lanes = shared.lanes;
        this.alpn = alpn;
    }

    /**
     * The same client (lanes, pools, retrier) for a provider whose SDK negotiates HTTP/2 over TLS (Bedrock): its
     * https:// calls offer h2 and http/1.1 through ALPN; http:// stays HTTP/1.1 (no h2c preface or upgrade).
     */
    public UpstreamHttp alpn() {
        return new UpstreamHttp(this, true);
    }

    /** getOrCreateContext() on a thread outside Vert.x gives a new event-loop context (spread over the loops). */
    private static Context newEventLoopContext(Vertx vertx) {
        CompletableFuture<Context> ctx = new CompletableFuture<>();
        new Thread(() -> ctx.complete(vertx.getOrCreateContext()), "upstream-context").start();
        return ctx.join();
    }

    /** Runs a call on the next lane's loop, with that lane's client. */
    private void onLane(String url, java.util.function.Consumer<HttpClient> call) {
        Lane lane = lanes[Math.floorMod(next.getAndIncrement(), lanes.length)];
        HttpClient client = alpn && url.regionMatches(true, 0, "https:", 0, 6) ? lane.tls() : lane.client();
        lane.context().runOnContext(v -> call.accept(client));
    }

    /** An upstream answer read whole. */
    /** A header the caller sets to name the IP address to connect to (never sent upstream). */
    public static final String CONNECT_TO = "x-model-gateway-connect-to";

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
        onLane(url, client -> client.request(options(url, headers, settings.timeout().toMillis()))
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
        return openStream(url, headers, body, (status, text, retryAfter) -> UpstreamErrors.fromStatus(provider, status,
                text, retryAfter));
    }

    /** Maps a refused call (status, body, Retry-After seconds) to the client's error, for providers that read more. */
    public interface ErrorMapper {
        GatewayException map(int status, String body, String retryAfter);

        /** For providers whose refusals say more in other headers (Bedrock's {@code x-amzn-ErrorType}). */
        default GatewayException map(int status, String body, io.vertx.core.MultiMap headers) {
            return map(status, body, retryAfter(headers));
        }
    }

    /** As {@link #openStream(String, String, Map, Buffer)}, with the provider's own error mapping. */
    public CompletableFuture<HttpClientResponse> openStream(String url, Map<String, String> headers, Buffer body,
            ErrorMapper errors) {
        CompletableFuture<HttpClientResponse> result = new CompletableFuture<>();
        // idle timeout: the first token, and every later one, must arrive within first-token-timeout
        onLane(url, client -> client.request(options(url, headers, settings.firstTokenTimeout().toMillis()))
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
                        resp.body().onComplete(b -> result.completeExceptionally(errors.map(resp.statusCode(),
                                b.succeeded() ? b.result().toString() : "", resp.headers())));
                    }
                }));
        return result;
    }

    /**
     * Retry-After in seconds from {@code retry-after-ms} (Azure; kept fractional, so the retrier can honour a short
     * wait exactly) or {@code retry-after}.
     */
    public static String retryAfter(io.vertx.core.MultiMap headers) {
        String ms = headers.get("retry-after-ms");
        if (ms != null) {
            try {
                return String.valueOf(Math.max(0, Double.parseDouble(ms)) / 1000);
            } catch (NumberFormatException ignored) {
                // fall through to retry-after
            }
        }
        return headers.get("retry-after");
    }

    private RequestOptions options(String url, Map<String, String> headers, long idleMillis) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
                .setIdleTimeout(idleMillis);
        headers.forEach((name, value) -> {
            if (name.equals(CONNECT_TO)) {
                // connect to the address checked for this host; Host header and TLS SNI keep the name
                options.setServer(io.vertx.core.net.SocketAddress.inetSocketAddress(options.getPort(), value));
            } else {
                options.putHeader(name, value);
            }
        });
        return options;
    }

    public void close() {
        for (Lane lane : lanes) {
            lane.client().close();
            lane.tls().close();
        }
    }
}
