package dev.modelgateway.provider.bedrock;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;
import software.amazon.eventstream.MessageDecoder;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.provider.UpstreamErrors;
import dev.modelgateway.stream.StreamListener;

/**
 * Reads a Bedrock stream's body: AWS event-stream frames (prelude, headers, payload, CRC32s), decoded by the AWS
 * event-stream library's {@link MessageDecoder}, the codec the AWS SDK decodes them with. Event frames go to the
 * operation's handler by {@code :event-type}; an exception frame ({@code :exception-type}) or an error frame ends the
 * stream with Bedrock's error. Only a partial frame is buffered, and a frame longer than gateway.upstream.max-event-bytes
 * is refused (502, connection reset) as it arrives; a body that ends inside a frame was cut off (502).
 *
 * <p>Back-pressure, as {@link dev.modelgateway.stream.SseEvents#decode} applies it: after the frames of a chunk are
 * handed on, a full client write queue pauses the body until the client drains it, so a client that reads slowly
 * holds a small buffer, not the answer. When the listener is cancelled (its client hung up) the body is aborted and
 * nothing more is handed on.
 */
final class BedrockEventStream {

    /** Receives the event frames of one operation. Failures it throws end the stream. */
    interface Events {
        void onEvent(String eventType, byte[] payload);
    }

    private final ReadStream<Buffer> body;
    private final StreamListener listener;
    private final Events events;
    private final Consumer<GatewayException> onFailure;
    private final Runnable abort;
    private final int maxFrameBytes;
    /** Bytes fed to the decoder that are not yet part of a decoded frame: the frame being received. */
    private long pending;
    private boolean done;

    private BedrockEventStream(ReadStream<Buffer> body, int maxFrameBytes, StreamListener listener, Events events,
            Consumer<GatewayException> onFailure, Runnable abort) {
        this.body = body;
        this.maxFrameBytes = maxFrameBytes;
        this.listener = listener;
        this.events = events;
        this.onFailure = onFailure;
        this.abort = abort;
    }

    /**
     * Decodes the (paused) body and resumes it. {@code onEnd} runs after the last frame of a body that ended normally;
     * {@code onFailure} at most once, for an exception frame, an unreadable, oversized or cut-off frame or a broken
     * connection ({@code abort} then stops the upstream call).
     */
    static void decode(ReadStream<Buffer> body, int maxFrameBytes, StreamListener listener, Events events,
            Runnable onEnd, Consumer<GatewayException> onFailure, Runnable abort) {
        BedrockEventStream stream = new BedrockEventStream(body, maxFrameBytes, listener, events, onFailure, abort);
        MessageDecoder decoder = new MessageDecoder(stream::dispatch);
        body.handler(chunk -> stream.feed(decoder, chunk));
        body.exceptionHandler(e -> stream.fail(BedrockErrors.map(e), false));
        body.endHandler(v -> {
            if (stream.done) {
                return;
            }
            if (stream.pending > 0) {
                stream.fail(UpstreamErrors.garbage(BedrockErrors.PROVIDER, "the stream ended inside an event-stream "
                        + "frame (" + stream.pending + " bytes of it arrived)"), false);
                return;
            }
            stream.done = true;
            onEnd.run();
        });
        body.resume();
    }

    private void feed(MessageDecoder decoder, Buffer chunk) {
        if (done) {
            return;
        }
        if (hungUp()) {
            return;
        }
        pending += chunk.length();
        try {
            decoder.feed(chunk.getBytes());
            if (!done && pending > maxFrameBytes) {
                fail(tooLarge(), true);
            }
        } catch (GatewayException e) {
            fail(e, true);
        } catch (RuntimeException badFrame) {
            fail(UpstreamErrors.garbage(BedrockErrors.PROVIDER, "an event-stream frame could not be read ("
                    + badFrame.getMessage() + ")"), true);
        }
        if (!done && listener.writeQueueFull()) {
            body.pause();
            listener.onDrain(body::resume);
        }
    }

    /** The client went away: the body is aborted, nothing more is decoded. */
    private boolean hungUp() {
        if (!listener.isCancelled()) {
            return false;
        }
        done = true;
        abort.run();
        return true;
    }

    private void dispatch(Message message) {
        if (done || hungUp()) {
            return;
        }
        // the frame's length as encoded: prelude and CRCs, headers, payload
        int length = 16 + Message.encodeHeaders(message.getHeaders().entrySet()).length + message.getPayload().length;
        pending -= length;
        if (length > maxFrameBytes) {
            fail(tooLarge(), true);
            return;
        }
        String type = header(message, ":message-type");
        if ("event".equals(type)) {
            events.onEvent(header(message, ":event-type"), message.getPayload());
        } else if ("exception".equals(type)) {
            fail(BedrockErrors.fromExceptionFrame(header(message, ":exception-type"), message.getPayload()), true);
        } else {
            String code = header(message, ":error-code");
            String text = header(message, ":error-message");
            fail(UpstreamErrors.garbage(BedrockErrors.PROVIDER, "an error frame " + (code == null ? "" : code + ": ")
                    + (text == null ? new String(message.getPayload(), StandardCharsets.UTF_8) : text)), true);
        }
    }

    private GatewayException tooLarge() {
        return UpstreamErrors.tooLarge(BedrockErrors.PROVIDER, "an event-stream frame",
                "gateway.upstream.max-event-bytes", maxFrameBytes);
    }

    private void fail(GatewayException error, boolean stopUpstream) {
        if (done) {
            return;
        }
        done = true;
        if (stopUpstream) {
            abort.run();
        }
        onFailure.accept(error);
    }

    private static String header(Message message, String name) {
        HeaderValue value = message.getHeaders().get(name);
        return value == null ? null : value.getString();
    }
}
