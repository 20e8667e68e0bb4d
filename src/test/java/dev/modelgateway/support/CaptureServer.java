package dev.modelgateway.support;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * A local stand-in for a provider: records every request (raw path with its encoding, query, headers, body) and
 * answers with whatever the test scripts. The script gets the request and its response and may answer late, in
 * pieces, to prove that streams are relayed live.
 */
public final class CaptureServer implements AutoCloseable {

    /** One request as it arrived on the wire. */
    public record Captured(String method, String rawPath, String query, MultiMap headers, String body) {
        public String header(String name) {
            return headers.get(name);
        }
    }

    /** Answers one request. */
    public interface Script {
        void answer(Captured request, HttpServerResponse response);
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final List<Captured> requests = new CopyOnWriteArrayList<>();
    private final List<HttpVersion> versions = new CopyOnWriteArrayList<>();
    private volatile Script script = (req, resp) -> resp.setStatusCode(500).end("no script");

    public CaptureServer() {
        this(new HttpServerOptions());
    }

    /**
     * A server that speaks HTTP/1.1 only, like LocalStack, an egress proxy or a plain test double: no h2c, so an
     * HTTP/2 preface sent with prior knowledge is refused.
     */
    public static CaptureServer http11Only() {
        return new CaptureServer(new HttpServerOptions().setHttp2ClearTextEnabled(false)
                .setAlpnVersions(List.of(HttpVersion.HTTP_1_1)));
    }

    private CaptureServer(HttpServerOptions options) {
        try {
            server = vertx.createHttpServer(options).requestHandler(this::handle).listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("capture server did not start", e);
        }
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            String uri = request.uri();
            int q = uri.indexOf('?');
            Captured captured = new Captured(request.method().name(), q < 0 ? uri : uri.substring(0, q),
                    q < 0 ? "" : uri.substring(q + 1), MultiMap.caseInsensitiveMultiMap().addAll(request.headers()),
                    body.toString());
            requests.add(captured);
            versions.add(request.version());
            script.answer(captured, request.response());
        });
    }

    public CaptureServer answer(Script script) {
        this.script = script;
        return this;
    }

    /** Answers every request with this JSON and status. */
    public CaptureServer answerJson(int status, String json) {
        return answer((req, resp) -> resp.setStatusCode(status).putHeader("Content-Type", "application/json").end(json));
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    public int port() {
        return server.actualPort();
    }

    public Vertx vertx() {
        return vertx;
    }

    public List<Captured> requests() {
        return requests;
    }

    /** The HTTP version each request arrived with, in order. */
    public List<HttpVersion> versions() {
        return versions;
    }

    public Captured last() {
        if (requests.isEmpty()) {
            throw new AssertionError("the capture server received no request");
        }
        return requests.get(requests.size() - 1);
    }

    /** Runs on the server's event loop later, e.g. to send the rest of a stream. */
    public void later(Consumer<Void> action) {
        vertx.runOnContext(v -> action.accept(null));
    }

    public static Map<String, String> headersOf(Captured c) {
        Map<String, String> m = new java.util.TreeMap<>();
        c.headers().forEach(e -> m.put(e.getKey().toLowerCase(), e.getValue()));
        return m;
    }

    @Override
    public void close() {
        vertx.close();
    }
}
