package dev.modelgateway.stream;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.provider.Usage;

/** Receives a model's answer as it is produced. Calls come from I/O threads, one at a time, in order. */
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
}
