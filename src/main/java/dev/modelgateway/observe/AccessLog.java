package dev.modelgateway.observe;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * One JSON line per request on the logger {@value #LOGGER} (contract section 10). Only ids, names from models.yaml,
 * numbers and the request path: never prompt or completion text, never a header value other than the request id.
 *
 * <p>Lines of requests served on a Vert.x event loop wait in that loop's batch and go to the logger together, at the
 * latest {@value #FLUSH_MILLIS} ms later (as nginx's {@code access_log buffer= flush=}): one log event per line cost
 * a hand-over to the appender's thread, and its wake-up, per request. {@link #flush()} writes out what waits.
 */
public final class AccessLog {

    public static final String LOGGER = "model-gateway.access";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
    private static final int MAX_PATH = 256;
    static final int FLUSH_MILLIS = 50;
    private static final int FLUSH_CHARS = 16 * 1024;

    /** The batches of the event loops (one each), for {@link #flush()}. */
    private final List<Batch> batches = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Batch> batch = ThreadLocal.withInitial(() -> {
        Batch b = new Batch();
        batches.add(b);
        return b;
    });

    /** One event loop's lines not yet written; the lock is only ever contended by {@link #flush()}. */
    private static final class Batch {
        private final StringBuilder lines = new StringBuilder(FLUSH_CHARS + 1024);
        private boolean timerSet;

        synchronized String take() {
            timerSet = false;
            String out = lines.toString();
            lines.setLength(0);
            return out;
        }
    }

    /** {@code fallbackFrom}: the group the request named when a fallback group served it (gatewayFallbackFrom). */
    void write(RequestObservation o, int status, long durationNanos, long ttftNanos, String fallbackFrom) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        StringBuilder sb = start(o.startMillis, o.requestId, o.api, o.path);
        string(sb, "model", o.model.isEmpty() ? null : o.model);
        string(sb, "provider", o.provider.isEmpty() ? null : o.provider);
        string(sb, "deployment", o.deployment.isEmpty() ? null : o.deployment);
        sb.append(",\"status\":").append(status);
        sb.append(",\"duration_ms\":").append(millis(durationNanos));
        sb.append(",\"ttft_ms\":").append(ttftNanos < 0 ? "null" : millis(ttftNanos));
        sb.append(",\"input_tokens\":").append(o.usageReported ? String.valueOf(o.inputTokens) : "null");
        sb.append(",\"output_tokens\":").append(o.usageReported ? String.valueOf(o.outputTokens) : "null");
        sb.append(",\"attempts\":").append(o.attempts);
        string(sb, "fallback_from", fallbackFrom);
        sb.append('}');
        emit(sb);
    }

    /** A request the HTTP edge answered itself (404, 405, 413, 503 over the in-flight limit): no model, no attempt. */
    void writeEdge(long startMillis, String requestId, String api, String path, int status, long durationNanos) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        StringBuilder sb = start(startMillis, requestId, api, path);
        string(sb, "model", null);
        string(sb, "provider", null);
        string(sb, "deployment", null);
        sb.append(",\"status\":").append(status);
        sb.append(",\"duration_ms\":").append(millis(durationNanos));
        sb.append(",\"ttft_ms\":null,\"input_tokens\":null,\"output_tokens\":null,\"attempts\":0");
        string(sb, "fallback_from", null);
        sb.append('}');
        emit(sb);
    }

    private void emit(CharSequence line) {
        Context context = Context.isOnEventLoopThread() ? Vertx.currentContext() : null;
        if (context == null) {
            LOG.info(line.toString());
            return;
        }
        Batch b = batch.get();
        boolean full;
        boolean setTimer;
        synchronized (b) {
            if (!b.lines.isEmpty()) {
                b.lines.append('\n');
            }
            b.lines.append(line);
            full = b.lines.length() >= FLUSH_CHARS;
            setTimer = !full && !b.timerSet;
            b.timerSet |= setTimer;
        }
        if (full) {
            writeOut(b);
        } else if (setTimer) {
            try {
                context.owner().setTimer(FLUSH_MILLIS, id -> writeOut(b));
            } catch (RuntimeException closing) {
                // the loop is shutting down and takes no timer: the line goes out now
                writeOut(b);
            }
        }
    }

    private static void writeOut(Batch b) {
        String lines = b.take();
        if (!lines.isEmpty()) {
            LOG.info(lines);
        }
    }

    /** Writes out every line still waiting in a batch (at shutdown: a timer would no longer fire). */
    public void flush() {
        batches.forEach(AccessLog::writeOut);
    }

    private static StringBuilder start(long startMillis, String requestId, String api, String path) {
        StringBuilder sb = new StringBuilder(320);
        sb.append("{\"ts\":\"");
        timestamp(sb, startMillis);
        sb.append('"');
        string(sb, "request_id", requestId);
        string(sb, "api", api);
        string(sb, "path", path == null ? null : path.length() > MAX_PATH ? path.substring(0, MAX_PATH) : path);
        return sb;
    }

    /** The second's text, made once per second per thread: Instant's ISO formatting per line showed in profiles. */
    private static final ThreadLocal<Object[]> SECOND = ThreadLocal.withInitial(() -> new Object[] {Long.MIN_VALUE, ""});

    /** As {@link Instant#toString()} of the millisecond: {@code 2026-11-28T16:31:05.120Z}, no fraction when it is 0. */
    static void timestamp(StringBuilder sb, long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        int millis = (int) Math.floorMod(epochMillis, 1000);
        Object[] cached = SECOND.get();
        if ((long) cached[0] != second) {
            String text = Instant.ofEpochSecond(second).toString();
            cached[0] = second;
            cached[1] = text.substring(0, text.length() - 1);
        }
        sb.append((String) cached[1]);
        if (millis != 0) {
            sb.append('.').append((char) ('0' + millis / 100)).append((char) ('0' + millis / 10 % 10))
                    .append((char) ('0' + millis % 10));
        }
        sb.append('Z');
    }

    private static String millis(long nanos) {
        long tenths = nanos / 100_000;
        return (tenths / 10) + "." + (tenths % 10);
    }

    private static void string(StringBuilder sb, String key, String value) {
        sb.append(",\"").append(key).append("\":");
        if (value == null) {
            sb.append("null");
            return;
        }
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }
}
