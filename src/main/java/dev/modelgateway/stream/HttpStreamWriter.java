package dev.modelgateway.stream;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.provider.Usage;

/**
 * Relays a stream to the client as it arrives: each piece is written (and flushed, chunked) to the Vert.x response the
 * moment the provider hands it over. The response is committed by the first piece; until then an error can still
 * become an ordinary JSON error with its own status, which is why {@link #onError} before commit is left to the caller.
 *
 * <p>Back-pressure: the bytes written but not yet taken by the socket are counted (a write's future completes when
 * Netty has written it); above {@link #MAX_QUEUED} the queue is full and the relay pauses its upstream until it has
 * drained to half. A client that takes nothing for the idle-write timeout while the queue is full is disconnected.
 */
public final class HttpStreamWriter implements StreamListener {

    /** The most a stream holds for a slow client, besides the socket's own buffers. */
    public static final int MAX_QUEUED = 64 * 1024;

    private final Vertx vertx;
    private final HttpServerResponse response;
    private final StreamFormat format;
    private final long idleWriteMillis;
    private final Runnable onFinished;
    private final Runnable onStalled;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile boolean committed;
    private long queued;
    private Runnable drain;
    private long stallTimer = -1;

    /**
     * @param onFinished runs once, when the stream has ended (completed, failed, or its client gone)
     * @param onStalled runs when the client took nothing for {@code idleWrite} with the queue full (it is then
     *        disconnected)
     */
    public HttpStreamWriter(Vertx vertx, HttpServerResponse response, StreamFormat format, Duration idleWrite,
            Runnable onFinished, Runnable onStalled) {
        this.vertx = vertx;
        this.response = response;
        this.format = format;
        this.idleWriteMillis = Math.max(1, idleWrite.toMillis());
        this.onFinished = onFinished;
        this.onStalled = onStalled;
    }

    /** The client hung up: nothing more is written, and the stream counts as ended. */
    public void clientGone() {
        if (finished.compareAndSet(false, true)) {
            release();
            onFinished.run();
        }
    }

    @Override
    public boolean isCancelled() {
        return finished.get() && !response.ended() || response.closed();
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

    @Override
    public synchronized boolean writeQueueFull() {
        return queued > MAX_QUEUED;
    }

    @Override
    public void onDrain(Runnable resume) {
        synchronized (this) {
            if (queued > MAX_QUEUED / 2 && !finished.get()) {
                drain = resume;
                armStall();
                return;
            }
        }
        resume.run();
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
        if (chunk == null || chunk.isEmpty() || response.ended() || response.closed()) {
            return;
        }
        Buffer bytes = Buffer.buffer(chunk);
        int n = bytes.length();
        synchronized (this) {
            queued += n;
        }
        try {
            response.write(bytes).onComplete(ar -> written(n));
        } catch (IllegalStateException closedMeanwhile) {
            written(n);
        }
    }

    /** The socket took a write: the client made progress; resume the relay once half the queue is gone. */
    private void written(int n) {
        Runnable resume = null;
        synchronized (this) {
            queued -= n;
            if (drain != null) {
                if (queued <= MAX_QUEUED / 2) {
                    resume = drain;
                    drain = null;
                    disarmStall();
                } else {
                    armStall();
                }
            }
        }
        if (resume != null && !finished.get()) {
            resume.run();
        }
    }

    private void armStall() {
        disarmStall();
        stallTimer = vertx.setTimer(idleWriteMillis, id -> {
            synchronized (this) {
                if (stallTimer != id) {
                    return;
                }
                stallTimer = -1;
                drain = null;
            }
            response.reset();
            onStalled.run();
        });
    }

    private void disarmStall() {
        if (stallTimer >= 0) {
            vertx.cancelTimer(stallTimer);
            stallTimer = -1;
        }
    }

    private synchronized void release() {
        drain = null;
        disarmStall();
    }

    private void end() {
        if (!response.ended() && !response.closed()) {
            response.end();
        }
        release();
        onFinished.run();
    }
}
