package dev.modelgateway.stream;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.provider.Usage;

/**
 * Receives a model's answer as it is produced. Calls come from I/O threads, one at a time, in order. A relay applies
 * the client's back-pressure: after handing on what it read, it checks {@link #writeQueueFull()} and, if full, stops
 * reading its upstream (a Vert.x stream's pause, an SDK publisher's demand) until {@link #onDrain} calls back.
 */
public interface StreamListener {

    void onText(String text);

    /**
     * A piece of a tool call, as OpenAI streams it: the first piece of call {@code index} carries its {@code id} and
     * {@code name} (arguments may be empty), later pieces carry only argument fragments (id and name null).
     */
    default void onToolCall(int index, String id, String name, String arguments) {
        throw new UnsupportedOperationException("this stream cannot carry tool calls");
    }

    /** The end of a successful stream; finishReason is canonical (stop, length, tool_calls, content_filter). */
    void onComplete(String finishReason, Usage usage);

    /** The stream failed after it had started; no further calls follow. */
    void onError(GatewayException error);

    /** True once nobody is listening any more (the client went away): the provider should stop reading upstream. */
    default boolean isCancelled() {
        return false;
    }

    /** True while the client has more unwritten bytes queued than the small buffer a stream may hold. */
    default boolean writeQueueFull() {
        return false;
    }

    /**
     * Runs {@code resume} once the client's queue has drained (at once if it is not full), on any thread. Called at
     * most once per pause; it is not called if the stream ends meanwhile.
     */
    default void onDrain(Runnable resume) {
        resume.run();
    }
}
