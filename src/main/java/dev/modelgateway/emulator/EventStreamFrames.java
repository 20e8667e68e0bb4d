package dev.modelgateway.emulator;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

import io.vertx.core.buffer.Buffer;

/**
 * Bedrock's streaming answers are AWS event-stream frames (prelude, headers, payload, CRC32s), not SSE. They are
 * encoded by the AWS event-stream library the SDK itself decodes them with, never by hand.
 */
public final class EventStreamFrames {

    public static final String CONTENT_TYPE = "application/vnd.amazon.eventstream";

    private EventStreamFrames() {
    }

    /** An event frame, e.g. {@code contentBlockDelta} of converse-stream or {@code chunk} of invoke. */
    public static Buffer event(String eventType, String jsonPayload) {
        Map<String, HeaderValue> headers = new LinkedHashMap<>();
        headers.put(":event-type", HeaderValue.fromString(eventType));
        headers.put(":content-type", HeaderValue.fromString("application/json"));
        headers.put(":message-type", HeaderValue.fromString("event"));
        return frame(headers, jsonPayload);
    }

    /**
     * An invoke-with-response-stream {@code chunk}: the model's own event, base64 in {@code bytes}, with the random
     * padding field {@code p} Bedrock adds.
     */
    public static Buffer chunk(String modelEventJson) {
        String bytes = Base64.getEncoder().encodeToString(modelEventJson.getBytes(StandardCharsets.UTF_8));
        return event("chunk", "{\"bytes\":\"" + bytes + "\",\"p\":\"abcdefghij\"}");
    }

    /** An exception frame, as Bedrock sends when a stream fails after it has started. */
    public static Buffer exception(String exceptionType, String message) {
        Map<String, HeaderValue> headers = new LinkedHashMap<>();
        headers.put(":exception-type", HeaderValue.fromString(exceptionType));
        headers.put(":content-type", HeaderValue.fromString("application/json"));
        headers.put(":message-type", HeaderValue.fromString("exception"));
        return frame(headers, "{\"message\":" + OpenAiSurface.JSON.valueToTree(message) + "}");
    }

    private static Buffer frame(Map<String, HeaderValue> headers, String payload) {
        ByteBuffer encoded = new Message(headers, payload.getBytes(StandardCharsets.UTF_8)).toByteBuffer();
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        return Buffer.buffer(bytes);
    }
}
