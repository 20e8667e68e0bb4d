package dev.modelgateway.stream;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.core.streams.ReadStream;

import dev.modelgateway.api.GatewayException;

/**
 * Reads Server-Sent Events from an upstream body: Vert.x's RecordParser cuts the lines (LF or CRLF), and each event's
 * {@code data:} lines are joined and handed on when the blank line that ends the event arrives. Comments, ids and
 * retry fields are dropped; the event name is passed along for APIs that use it (Anthropic's).
 */
public final class SseEvents {

    /** One event: its name (null for the default "message") and its data. */
    public record Event(String name, String data) {
    }

    private final Consumer<Event> onEvent;
    private final int maxEventBytes;
    private final StringBuilder data = new StringBuilder();
    private String name;
    private boolean hasData;

    private SseEvents(Consumer<Event> onEvent, int maxEventBytes) {
        this.onEvent = onEvent;
        this.maxEventBytes = maxEventBytes;
    }

    /**
     * Decodes an upstream body for a listener, with the client's back-pressure: when the listener's write queue is
     * full the body is paused, and resumed when it drains, so a client that reads slowly holds a small buffer, not the
     * answer. When the listener is cancelled (its client hung up), the body is aborted at the next chunk and nothing
     * more is handed on. A line or event over {@code maxEventBytes} throws a 502 out of the handler (the body's owner
     * resets the connection and reports it through the exception handler).
     */
    public static void decode(ReadStream<Buffer> body, int maxEventBytes, StreamListener listener,
            Consumer<Event> onEvent, Runnable onEnd, Consumer<Throwable> onError, Runnable abort) {
        AtomicBoolean cancelled = new AtomicBoolean();
        SseEvents events = new SseEvents(event -> {
            if (!cancelled.get()) {
                onEvent.accept(event);
            }
        }, maxEventBytes);
        RecordParser lines = RecordParser.newDelimited("\n", events::line).maxRecordSize(maxEventBytes);
        // the parser is fed by hand rather than bound to the stream: a RecordParser bound to a stream drops the
        // records still buffered when the stream's end arrives during a resume (the tail of a short answer)
        body.handler(chunk -> {
            if (cancelled.get()) {
                return;
            }
            if (listener.isCancelled()) {
                cancelled.set(true);
                abort.run();
                return;
            }
            events.feed(lines, chunk);
            if (!cancelled.get() && listener.writeQueueFull()) {
                body.pause();
                listener.onDrain(body::resume);
            }
        });
        body.exceptionHandler(error -> {
            if (!cancelled.get()) {
                onError.accept(error);
            }
        });
        body.endHandler(v -> {
            if (!cancelled.get()) {
                events.feed(lines, Buffer.buffer("\n"));
                events.dispatch();
                onEnd.run();
            }
        });
        body.resume();
    }

    private void feed(RecordParser lines, Buffer chunk) {
        try {
            lines.handle(chunk);
        } catch (IllegalStateException tooLong) {
            throw tooLarge("an SSE line");
        }
    }

    private GatewayException tooLarge(String what) {
        return new GatewayException(502, "upstream_error", "the upstream sent " + what + " longer than "
                + maxEventBytes + " bytes (gateway.upstream.max-event-bytes)");
    }

    private void line(Buffer raw) {
        String line = raw.toString();
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        if (line.isEmpty()) {
            dispatch();
            return;
        }
        if (line.startsWith(":")) {
            return;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        if (field.equals("data")) {
            if (data.length() + value.length() > maxEventBytes) {
                throw tooLarge("an SSE event");
            }
            if (hasData) {
                data.append('\n');
            }
            data.append(value);
            hasData = true;
        } else if (field.equals("event")) {
            name = value;
        }
    }

    private void dispatch() {
        if (hasData) {
            onEvent.accept(new Event(name, data.toString()));
        }
        data.setLength(0);
        hasData = false;
        name = null;
    }
}
