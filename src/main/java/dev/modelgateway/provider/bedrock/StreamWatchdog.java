package dev.modelgateway.provider.bedrock;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.vertx.core.Vertx;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.provider.Usage;
import dev.modelgateway.stream.StreamListener;

/**
 * Guards one Bedrock stream: ends it exactly once, and gives up when no text arrives within the first-token timeout
 * (gateway.upstream.first-token-timeout, also the limit between tokens). The SDK's own timeouts cannot say this:
 * its read timeout must allow a whole unary answer.
 */
final class StreamWatchdog implements StreamListener {

    private final Vertx vertx;
    private final long idleMillis;
    private final StreamListener listener;
    private final Consumer<StreamWatchdog> onIdle;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile long timer = -1;

    StreamWatchdog(Vertx vertx, Duration idle, StreamListener listener, Consumer<StreamWatchdog> onIdle) {
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
    public void onText(String text) {
        if (!ended.get()) {
            arm();
            listener.onText(text);
        }
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

    /** Stops the clock without telling the listener (the attempt failed before Bedrock accepted it). */
    void cancel() {
        ended.set(true);
        disarm();
    }
}
