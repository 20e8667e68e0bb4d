package dev.modelgateway.api;

import dev.modelgateway.provider.ModelResponse;
import dev.modelgateway.stream.StreamFormat;

/** How one endpoint answers: the whole-answer body and the live stream framing. */
public interface ResponseShape {

    /** The JSON body of a whole answer. */
    byte[] body(ModelResponse response);

    StreamFormat streamFormat();
}
