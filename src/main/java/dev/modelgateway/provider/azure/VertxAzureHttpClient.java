package dev.modelgateway.provider.azure;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.BinaryData;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * azure-core's HTTP client SPI on the gateway's own Vert.x: azure-identity's token requests run on the same event
 * loops as everything else instead of a second Netty and reactor-netty stack. Token answers are small, so bodies are
 * read whole.
 */
final class VertxAzureHttpClient implements HttpClient {

    /** The event-loop context every request starts on, so its answer's callbacks run as its bytes arrive. */
    private final Context context;
    private final io.vertx.core.http.HttpClient client;
    private final long timeoutMillis;

    /**
     * @param caBundle a PEM file of extra CAs to trust for the token endpoint (LiteLLM's {@code ssl_verify} path), or
     *        null for the JVM's trust store
     */
    VertxAzureHttpClient(Vertx vertx, String caBundle, long timeoutMillis) {
        HttpClientOptions options = new HttpClientOptions().setKeepAlive(true).setConnectTimeout(10_000);
        if (caBundle != null && !caBundle.isBlank()) {
            options.setTrustOptions(new PemTrustOptions().addCertPath(caBundle));
        }
        this.context = eventLoopContext(vertx);
        this.client = vertx.createHttpClient(options);
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request) {
        return Mono.create(sink -> {
            RequestOptions options = new RequestOptions()
                    .setMethod(HttpMethod.valueOf(request.getHttpMethod().name()))
                    .setAbsoluteURI(request.getUrl().toString())
                    .setIdleTimeout(timeoutMillis);
            request.getHeaders().forEach(h -> options.putHeader(h.getName(), h.getValue()));
            BinaryData data = request.getBodyAsBinaryData();
            Buffer body = data == null ? null : Buffer.buffer(data.toBytes());
            // MSAL calls from its own threads: start on the client's event loop so no byte of the answer is missed
            context.runOnContext(v -> client.request(options)
                    .compose(req -> body == null ? req.send() : req.send(body))
                    .compose(resp -> resp.body().map(b -> {
                        HttpHeaders headers = new HttpHeaders();
                        resp.headers().forEach(e -> headers.add(e.getKey(), e.getValue()));
                        return (HttpResponse) new Whole(request, resp.statusCode(), headers, b.getBytes());
                    }))
                    .onComplete(ar -> {
                        if (ar.succeeded()) {
                            sink.success(ar.result());
                        } else {
                            sink.error(ar.cause());
                        }
                    }));
        });
    }

    /** getOrCreateContext() on a thread outside Vert.x gives a fresh event-loop context, never a worker's. */
    private static Context eventLoopContext(Vertx vertx) {
        CompletableFuture<Context> context = new CompletableFuture<>();
        new Thread(() -> context.complete(vertx.getOrCreateContext()), "azure-identity-context").start();
        return context.join();
    }

    void close() {
        client.close();
    }

    /** An answer read whole. */
    private static final class Whole extends HttpResponse {
        private final int status;
        private final HttpHeaders headers;
        private final byte[] body;

        Whole(HttpRequest request, int status, HttpHeaders headers, byte[] body) {
            super(request);
            this.status = status;
            this.headers = headers;
            this.body = body;
        }

        @Override
        public int getStatusCode() {
            return status;
        }

        @Override
        @SuppressWarnings("deprecation")
        public String getHeaderValue(String name) {
            return headers.getValue(name);
        }

        @Override
        public HttpHeaders getHeaders() {
            return headers;
        }

        @Override
        public Flux<ByteBuffer> getBody() {
            return Flux.just(ByteBuffer.wrap(body));
        }

        @Override
        public Mono<byte[]> getBodyAsByteArray() {
            return Mono.just(body);
        }

        @Override
        public Mono<String> getBodyAsString() {
            return getBodyAsString(StandardCharsets.UTF_8);
        }

        @Override
        public Mono<String> getBodyAsString(Charset charset) {
            return Mono.just(new String(body, charset));
        }

        @Override
        public BinaryData getBodyAsBinaryData() {
            return BinaryData.fromBytes(body);
        }
    }
}
