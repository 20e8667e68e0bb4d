package dev.modelgateway.provider.bedrock;

import java.util.concurrent.atomic.AtomicBoolean;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.provider.Usage;
import dev.modelgateway.stream.StreamListener;

/**
 * Guards one attempt at a Bedrock stream: marks the moment its first text arrives (until then a failure, even an
 * exception frame after the HTTP 200, may still be retried, since the client has seen nothing), ends it exactly once,
 * and hands nothing on once the client has gone. It keeps no clock of its own: the first-token and gap timeout is the
 * upstream body's ({@link dev.modelgateway.provider.UpstreamStream}, stopped while the client is the slow one), and a
 * client that reads nothing is the edge's idle-write timeout. Back-pressure passes through unchanged.
 */
final class StreamGuard implements StreamListener {

    private final StreamListener listener;
    private final Runnable onFirstText;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();

    StreamGuard(StreamListener listener, Runnable onFirstText) {
        this.listener = listener;
        this.onFirstText = onFirstText;
    }

    @Override
    public boolean isCancelled() {
        return listener.isCancelled();
    }

    @Override
    public boolean writeQueueFull() {
        return listener.writeQueueFull();
    }

    @Override
    public void onDrain(Runnable resume) {
        listener.onDrain(resume);
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
        if (ended.get() || listener.isCancelled()) {
            return false;
        }
        if (started.compareAndSet(false, true)) {
            onFirstText.run();
        }
        return true;
    }

    @Override
    public void onComplete(String finishReason, Usage usage) {
        if (ended.compareAndSet(false, true)) {
            listener.onComplete(finishReason, usage);
        }
    }

    @Override
    public void onError(GatewayException error) {
        if (ended.compareAndSet(false, true)) {
            listener.onError(error);
        }
    }

    /** Ends the attempt without telling the listener (it failed before its first text: it is retried). */
    void cancel() {
        ended.set(true);
    }
}
