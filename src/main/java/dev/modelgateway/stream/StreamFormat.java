package dev.modelgateway.stream;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.provider.Usage;

/** How one API family frames a streamed answer on the wire. Each method returns the bytes to write, or null. */
public interface StreamFormat {

    String contentType();

    String text(String text);

    String end(String finishReason, Usage usage);

    String error(GatewayException error);
}
