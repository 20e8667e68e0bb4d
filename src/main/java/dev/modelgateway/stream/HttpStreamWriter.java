package dev.modelgateway.stream;

import java.util.concurrent.atomic.AtomicBoolean;

import io.vertx.core.http.HttpServerResponse;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.provider.Usage;

/**
 * Relays a stream to the client as it arrives: each piece is written (and flushed, chunked) to the Vert.x response the
 * moment the provider hands it over. The response is committed by the first piece; until then an error can still
 * become an ordinary JSON error with its own status, which is why {@link #onError} before commit is left to the caller.
 */
public final class HttpStreamWriter implements StreamListener {

    private final HttpServerResponse response;
    private final StreamFormat format;
    private final Runnable onFinished;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile boolean committed;

    public HttpStreamWriter(HttpServerResponse response, StreamFormat format, Runnable onFinished) {
        this.response = response;
        this.format = format;
        this.onFinished = onFinished;
        // a client that hangs up ends the exchange at once; the provider notices through isCancelled()
        response.closeHandler(v -> {
            if (finished.compareAndSet(false, true)) {
                onFinished.run();
            }
        });
    }

    @Override
    public boolean isCancelled() {
        return response.closed();
    }

    public boolean committed() {
        return committed;
    }

    @Override
    public void onText(String text) {
        if (text == null || text.isEmpty() || finished.get()) {
            return;
        }
        commit();
        write(format.text(text));
    }

    @Override
    public void onToolCall(int index, String id, String name, String arguments) {
        if (finished.get()) {
            return;
        }
        commit();
        write(format.toolCall(index, id, name, arguments));
    }

    @Override
    public void onComplete(String finishReason, Usage usage) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        commit();
        write(format.end(finishReason, usage));
        end();
    }

    @Override
    public void onError(GatewayException error) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        commit();
        write(format.error(error));
        end();
    }

    private void commit() {
        if (committed) {
            return;
        }
        committed = true;
        if (!response.headWritten()) {
            response.setStatusCode(200);
            response.setChunked(true);
            response.putHeader("Content-Type", format.contentType());
            response.putHeader("Cache-Control", "no-cache");
            response.putHeader("X-Accel-Buffering", "no");
        }
    }

    private void write(String chunk) {
        if (chunk != null && !chunk.isEmpty() && !response.ended() && !response.closed()) {
            response.write(chunk);
        }
    }

    private void end() {
        if (!response.ended() && !response.closed()) {
            response.end();
        }
        onFinished.run();
    }
}
