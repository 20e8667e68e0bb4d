package dev.modelgateway.stream;

import java.util.function.Consumer;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.core.streams.ReadStream;

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
    private final StringBuilder data = new StringBuilder();
    private String name;
    private boolean hasData;

    private SseEvents(Consumer<Event> onEvent) {
        this.onEvent = onEvent;
    }

    /**
     * Decodes the (possibly paused) stream and resumes it; {@code onEvent} runs on the stream's thread, {@code onEnd}
     * after the last event.
     */
    public static void decode(ReadStream<Buffer> body, Consumer<Event> onEvent, Runnable onEnd,
            Consumer<Throwable> onError) {
        SseEvents events = new SseEvents(onEvent);
        // the parser is fed by hand rather than bound to the stream: a RecordParser bound to a stream drops the
        // records still buffered when the stream's end arrives during a resume (the tail of a short answer)
        RecordParser lines = RecordParser.newDelimited("\n", events::line);
        body.handler(lines::handle);
        body.exceptionHandler(onError::accept);
        body.endHandler(v -> {
            lines.handle(Buffer.buffer("\n"));
            events.dispatch();
            onEnd.run();
        });
        body.resume();
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
