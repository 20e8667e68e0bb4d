package dev.modelgateway.stream;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.provider.Usage;

/** How one API family frames a streamed answer on the wire. Each method returns the bytes to write, or null. */
public interface StreamFormat {

    String contentType();

    String text(String text);

    /** A tool-call piece (see {@link StreamListener#onToolCall}); formats without tool calls never get one. */
    default String toolCall(int index, String id, String name, String arguments) {
        throw new UnsupportedOperationException("this answer format has no tool calls");
    }

    String end(String finishReason, Usage usage);

    String error(GatewayException error);
}
