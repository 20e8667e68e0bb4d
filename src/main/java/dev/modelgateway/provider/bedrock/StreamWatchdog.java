package dev.modelgateway.provider.bedrock;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.vertx.core.Vertx;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.provider.Usage;
import dev.modelgateway.stream.StreamListener;

/**
 * Guards one Bedrock stream: marks the moment its first text arrives (until then a failure, even an exception frame
 * after the HTTP 200, may still be retried, since the client has seen nothing), ends it exactly once, and gives up
 * when no text arrives within the first-token timeout (gateway.upstream.first-token-timeout, also the limit between
 * tokens). The SDK's own timeouts cannot say this: its read timeout must allow a whole unary answer.
 */
final class StreamWatchdog implements StreamListener {

    private final Vertx vertx;
    private final long idleMillis;
    private final StreamListener listener;
    private final Consumer<StreamWatchdog> onIdle;
    private final Runnable onFirstText;
    private final Runnable onHangUp;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile long timer = -1;

    StreamWatchdog(Vertx vertx, Duration idle, StreamListener listener, Runnable onFirstText,
            Consumer<StreamWatchdog> onIdle, Runnable onHangUp) {
        this.onFirstText = onFirstText;
        this.onHangUp = onHangUp;
        this.vertx = vertx;
        this.idleMillis = Math.max(1, idle.toMillis());
        this.listener = listener;
        this.onIdle = onIdle;
        arm();
    }

    private void arm() {
        long previous = timer;
        if (previous >= 0) {
            vertx.cancelTimer(previous);
        }
        if (!ended.get()) {
            timer = vertx.setTimer(idleMillis, id -> {
                if (timer == id && !ended.get()) {
                    onIdle.accept(this);
                }
            });
        }
    }

    private void disarm() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    boolean ended() {
        return ended.get();
    }

    @Override
    public boolean isCancelled() {
        return listener.isCancelled();
    }

    @Override
    public void onText(String text) {
        if (relaying()) {
            listener.onText(text);
        }
    }

    @Override
    public void onToolCall(int index, String id, String name, String arguments) {
        if (relaying()) {
            listener.onToolCall(index, id, name, arguments);
        }
    }

    /** A piece of the answer arrived: false when it must not be relayed (ended, or the client hung up). */
    private boolean relaying() {
        if (!ended.get() && listener.isCancelled()) {
            // the client hung up: stop the call rather than stream a generation nobody reads
            cancel();
            onHangUp.run();
            return false;
        }
        if (ended.get()) {
            return false;
        }
        arm();
        if (started.compareAndSet(false, true)) {
            onFirstText.run();
        }
        return true;
    }

    @Override
    public void onComplete(String finishReason, Usage usage) {
        if (ended.compareAndSet(false, true)) {
            disarm();
            listener.onComplete(finishReason, usage);
        }
    }

    @Override
    public void onError(GatewayException error) {
        if (ended.compareAndSet(false, true)) {
            disarm();
            listener.onError(error);
        }
    }

    /** Stops the clock without telling the listener (the attempt failed before its first text: it is retried). */
    void cancel() {
        ended.set(true);
        disarm();
    }
}
