package dev.modelgateway.provider;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.impl.ContextInternal;

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
    /**
     * Lanes of the loops callers run on (the API's requests are routed on their own event loop): a call made there
     * stays on that loop, so a request costs no thread hand-off to reach its upstream and none to come back.
     */
    private final Map<io.netty.channel.EventLoop, Lane> byLoop;
    private final HttpClientOptions options;
    private final PoolOptions pool;
    /**
     * Each URL's method, host, port, TLS and path, parsed once (setAbsoluteURI parses a java.net.URL): a deployment's
     * URLs are few; client-named endpoints are parsed per call once this holds {@value #TARGETS} URLs.
     */
    private final Map<String, RequestOptions> targets;
    private static final int TARGETS = 1024;

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
        this.options = options;
        // spread over every loop that may call (Vert.x has 2 per core by default)
        this.pool = new PoolOptions().setHttp1MaxSize(Math.max(8, maxConnections / (2 * n)));
        this.byLoop = new java.util.concurrent.ConcurrentHashMap<>();
        this.targets = new java.util.concurrent.ConcurrentHashMap<>();
        this.lanes = new Lane[n];
        for (int i = 0; i < n; i++) {
            lanes[i] = newLane(newEventLoopContext(vertx));
            byLoop.putIfAbsent(((ContextInternal) lanes[i].context()).nettyEventLoop(), lanes[i]);
        }
        this.alpn = false;
    }

    private UpstreamHttp(UpstreamHttp shared, boolean alpn) {
        this.vertx = shared.vertx;
        this.settings = shared.settings;
        this.retrier = shared.retrier;
        this.lanes = shared.lanes;
        this.byLoop = shared.byLoop;
        this.options = shared.options;
        this.pool = shared.pool;
        this.targets = shared.targets;
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

    private Lane newLane(Context context) {
        return new Lane(context, vertx.createHttpClient(options, pool),
                vertx.createHttpClient(new HttpClientOptions(options).setUseAlpn(true)
                        .setProtocolVersion(HttpVersion.HTTP_2)
                        .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1)), pool));
    }

    /**
     * Runs a call with a lane's client on that lane's loop: at once on the caller's own loop when it is one of this
     * Vert.x's event loops (no hand-off), else as a task of the next lane's loop (a queue consumer, a worker).
     */
    private void onLane(String url, BiConsumer<Context, HttpClient> call) {
        Context current = Context.isOnEventLoopThread() ? Vertx.currentContext() : null;
        if (current instanceof ContextInternal here && here.owner() == vertx) {
            Lane lane = byLoop.get(here.nettyEventLoop());
            if (lane == null) {
                lane = byLoop.computeIfAbsent(here.nettyEventLoop(), loop -> newLane(here.unwrap()));
            }
            Lane mine = lane;
            ((ContextInternal) mine.context()).dispatch(v -> call.accept(mine.context(), client(mine, url)));
            return;
        }
        Lane lane = lanes[Math.floorMod(next.getAndIncrement(), lanes.length)];
        lane.context().runOnContext(v -> call.accept(lane.context(), client(lane, url)));
    }

    private HttpClient client(Lane lane, String url) {
        return alpn && url.regionMatches(true, 0, "https:", 0, 6) ? lane.tls() : lane.client();
    }

    /** An upstream answer read whole. */
    /** A header the caller sets to name the IP address to connect to (never sent upstream). */
    public static final String CONNECT_TO = "x-model-gateway-connect-to";

    /** An upstream's whole answer; {@code bytes} as read (parsers take them as they are), {@link #body()} as text. */
    public record Response(int status, Buffer bytes, io.vertx.core.MultiMap headers) {
        public String body() {
            return bytes.toString();
        }
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

    /**
     * POSTs and reads the whole answer, whatever its status: a 2xx body up to gateway.upstream.max-response-bytes
     * (past it: 502, connection reset), any other body up to {@link UpstreamSettings#MAX_ERROR_BYTES} (the rest is not
     * read). The request's cancellation signal resets the connection and fails the future with its reason.
     */
    public CompletableFuture<Response> post(ModelRequest request, String provider, String url,
            Map<String, String> headers, Buffer body) {
        // a call with no deadline of its own (the provider sink kamelet's) still may not wait for its head forever
        long headTimeoutMillis = request.call().hasDeadline() ? 0 : settings.limits(request).timeout().toMillis();
        return post(request.call(), headTimeoutMillis, provider, url, headers, body);
    }

    private CompletableFuture<Response> post(UpstreamCall signal, long headTimeoutMillis, String provider, String url,
            Map<String, String> headers, Buffer body) {
        CompletableFuture<Response> result = new CompletableFuture<>();
        if (signal.isCancelled()) {
            result.completeExceptionally(signal.reason());
            return result;
        }
        long limit = settings.maxResponseBytes();
        onLane(url, (context, client) -> client.request(options(url, headers, headTimeoutMillis))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        result.completeExceptionally(ar.cause());
                        return;
                    }
                    HttpClientRequest req = ar.result();
                    Runnable unhook = signal.onCancel(why -> {
                        result.completeExceptionally(why);
                        context.runOnContext(v -> req.reset(0, why));
                    });
                    result.whenComplete((r, e) -> unhook.run());
                    req.send(body).onComplete(sent -> {
                        if (sent.failed()) {
                            result.completeExceptionally(sent.cause());
                            return;
                        }
                        HttpClientResponse resp = sent.result();
                        boolean ok = resp.statusCode() / 100 == 2;
                        readAtMost(req, resp, ok ? limit : UpstreamSettings.MAX_ERROR_BYTES, !ok).onComplete(b -> {
                            if (b.succeeded()) {
                                result.complete(new Response(resp.statusCode(), b.result(), resp.headers()));
                            } else if (b.cause() instanceof TooLarge) {
                                result.completeExceptionally(UpstreamErrors.tooLarge(provider, "an answer",
                                        "gateway.upstream.max-response-bytes", limit));
                            } else if (ok) {
                                result.completeExceptionally(UpstreamErrors.cutOff(provider, b.cause()));
                            } else {
                                result.completeExceptionally(b.cause());
                            }
                        });
                    });
                }));
        return result;
    }

    /** Maps a refused call (status, body, Retry-After seconds) to the client's error, for providers that read more. */
    public interface ErrorMapper {
        GatewayException map(int status, String body, String retryAfter);

        /** For providers whose refusals say more in other headers (Bedrock's {@code x-amzn-ErrorType}). */
        default GatewayException map(int status, String body, io.vertx.core.MultiMap headers) {
            return map(status, body, retryAfter(headers));
        }
    }

    /**
     * POSTs and, on a 2xx, hands over the body as an {@link UpstreamStream}, paused, so that no byte is missed before
     * the caller has attached its handlers (the caller resumes it). A non-2xx is read (at most
     * {@link UpstreamSettings#MAX_ERROR_BYTES}) and fails the future with the mapped error. No body byte within the
     * request's first-token timeout (from the start, head or not) is a 504; cancellation resets the connection.
     */
    public CompletableFuture<UpstreamStream> openStream(ModelRequest request, String provider, String url,
            Map<String, String> headers, Buffer body) {
        return openStream(request, provider, url, headers, body, (status, text, retryAfter) ->
                UpstreamErrors.fromStatus(provider, status, text, retryAfter));
    }

    /** As {@link #openStream(ModelRequest, String, String, Map, Buffer)}, with the provider's own error mapping. */
    public CompletableFuture<UpstreamStream> openStream(ModelRequest request, String provider, String url,
            Map<String, String> headers, Buffer body, ErrorMapper errors) {
        CompletableFuture<UpstreamStream> result = new CompletableFuture<>();
        UpstreamCall signal = request.call();
        if (signal.isCancelled()) {
            result.completeExceptionally(signal.reason());
            return result;
        }
        long idle = settings.limits(request).firstTokenTimeout().toMillis();
        onLane(url, (context, client) -> client.request(options(url, headers, 0)).onComplete(ar -> {
            if (ar.failed()) {
                result.completeExceptionally(ar.cause());
                return;
            }
            HttpClientRequest req = ar.result();
            UpstreamStream stream = new UpstreamStream(vertx, context, req, Math.max(1, idle), provider,
                    settings.maxEventBytes());
            stream.start(signal, result::completeExceptionally);
            req.send(body).onComplete(sent -> {
                if (sent.failed()) {
                    stream.fail(UpstreamErrors.unwrap(sent.cause(), provider));
                    return;
                }
                HttpClientResponse resp = sent.result();
                if (resp.statusCode() / 100 == 2) {
                    stream.attach(resp);
                    result.complete(stream);
                    return;
                }
                readAtMost(req, resp, UpstreamSettings.MAX_ERROR_BYTES, true).onComplete(b -> {
                    GatewayException refused = errors.map(resp.statusCode(),
                            b.succeeded() ? b.result().toString() : "", resp.headers());
                    stream.fail(refused);
                });
            });
        }));
        return result;
    }

    /** A Content-Length (1-18 digits, else ignored: the read counts) over the limit; no regex per response. */
    static boolean declaredOver(String length, long limit) {
        if (length == null || length.isEmpty() || length.length() > 18) {
            return false;
        }
        long value = 0;
        for (int i = 0; i < length.length(); i++) {
            char c = length.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            value = value * 10 + (c - '0');
        }
        return value > limit;
    }

    /** Signals a body over a size limit. */
    private static final class TooLarge extends RuntimeException {
        TooLarge() {
            super(null, null, false, false);
        }
    }

    /**
     * Reads a body of at most {@code limit} bytes. Past it, the connection is reset and the read either ends with
     * what it has ({@code cut}: an error body, of which only the start is shown) or fails with {@link TooLarge}.
     */
    private static Future<Buffer> readAtMost(HttpClientRequest req, HttpClientResponse resp, long limit, boolean cut) {
        Promise<Buffer> promise = Promise.promise();
        String length = resp.getHeader("content-length");
        if (!cut && declaredOver(length, limit)) {
            req.reset();
            promise.fail(new TooLarge());
            return promise.future();
        }
        Buffer acc = Buffer.buffer();
        resp.handler(chunk -> {
            if (promise.future().isComplete()) {
                return;
            }
            if (acc.length() + chunk.length() <= limit) {
                acc.appendBuffer(chunk);
                return;
            }
            if (cut) {
                acc.appendBuffer(chunk, 0, (int) (limit - acc.length()));
                promise.tryComplete(acc);
            } else {
                promise.tryFail(new TooLarge());
            }
            req.reset();
        });
        resp.exceptionHandler(promise::tryFail);
        resp.endHandler(v -> promise.tryComplete(acc));
        return promise.future();
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

    /**
     * {@code idleMillis}: Vert.x's idle timeout, which ends when the head arrives; 0 when the call's own deadline
     * (ProviderCall) covers the wait for the head and the rest, so that a request arms one timer, not two.
     */
    private RequestOptions options(String url, Map<String, String> headers, long idleMillis) {
        RequestOptions target = targets.get(url);
        if (target == null) {
            target = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url);
            if (targets.size() < TARGETS) {
                targets.put(url, target);
            }
        }
        RequestOptions options = new RequestOptions(target).setIdleTimeout(idleMillis);
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
        java.util.Set<Lane> all = new java.util.HashSet<>(byLoop.values());
        all.addAll(List.of(lanes));
        for (Lane lane : all) {
            lane.client().close();
            lane.tls().close();
        }
    }
}
