package dev.modelgateway.support;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

/**
 * An upstream that misbehaves on purpose, at the byte level: each request gets a {@link Conn} on which the test's
 * script writes raw HTTP (a head then silence, a few events then silence, an endless body), and the test can see
 * whether the gateway still holds the connection and how many bytes it let through. Every answer says
 * {@code Connection: close}: one request per connection.
 */
public final class ScriptedUpstream implements AutoCloseable {

    /** Answers one request on its connection. */
    public interface Script {
        void answer(Conn conn);
    }

    /** One client connection of the gateway, and the request that came on it. */
    public final class Conn {
        private final NetSocket socket;
        private volatile boolean closed;
        private final AtomicLong sent = new AtomicLong();
        private volatile String request = "";

        Conn(NetSocket socket) {
            this.socket = socket;
        }

        /** The request as it arrived (head and body). */
        public String request() {
            return request;
        }

        /** Writes raw bytes (on the upstream's event loop). */
        public Conn write(String text) {
            vertx.runOnContext(v -> {
                if (!closed) {
                    Buffer b = Buffer.buffer(text);
                    socket.write(b).onSuccess(x -> sent.addAndGet(b.length()));
                }
            });
            return this;
        }

        /** A chunked 200 head with this content type, and nothing else. */
        public Conn head(String contentType) {
            return write("HTTP/1.1 200 OK\r\nContent-Type: " + contentType
                    + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
        }

        /** One HTTP chunk. */
        public Conn chunk(String data) {
            return write(Integer.toHexString(data.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + data + "\r\n");
        }

        /** A whole answer with Content-Length. */
        public Conn whole(int status, String contentType, String body) {
            return write("HTTP/1.1 " + status + " X\r\nContent-Type: " + contentType + "\r\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + body);
        }

        /**
         * Sends {@code total} bytes made of {@code piece} (repeated) as fast as the gateway takes them: the next write
         * waits for the socket to drain, so what {@link #sent()} counts is what the gateway actually read.
         */
        public Conn pump(String piece, long total) {
            return pump(Buffer.buffer(piece), total);
        }

        /** As {@link #pump(String, long)}, for binary pieces (an event-stream frame). */
        public Conn pump(Buffer piece, long total) {
            vertx.runOnContext(v -> pumpMore(piece, total));
            return this;
        }

        /** Writes raw bytes (on the upstream's event loop). */
        public Conn write(Buffer bytes) {
            vertx.runOnContext(v -> {
                if (!closed) {
                    socket.write(bytes).onSuccess(x -> sent.addAndGet(bytes.length()));
                }
            });
            return this;
        }

        private void pumpMore(Buffer piece, long total) {
            while (!closed && sent.get() < total) {
                if (socket.writeQueueFull()) {
                    socket.drainHandler(v -> pumpMore(piece, total));
                    return;
                }
                sent.addAndGet(piece.length());
                socket.write(piece);
            }
        }

        public boolean closed() {
            return closed;
        }

        /** Closes the connection from the upstream's side. */
        public void close() {
            vertx.runOnContext(v -> socket.close());
        }

        /** Resets the connection (TCP RST: SO_LINGER 0, then close), after what was written so far has gone out. */
        public void reset() {
            vertx.runOnContext(v -> {
                io.netty.channel.Channel channel = ((io.vertx.core.net.impl.NetSocketInternal) socket)
                        .channelHandlerContext().channel();
                channel.config().setOption(io.netty.channel.ChannelOption.SO_LINGER, 0);
                channel.close();
            });
        }

        /** Bytes written to the gateway so far. */
        public long sent() {
            return sent.get();
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final NetServer server;
    private final List<Conn> conns = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile Script script = conn -> { };

    public ScriptedUpstream() {
        try {
            server = vertx.createNetServer().connectHandler(this::connected).listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("scripted upstream did not start", e);
        }
    }

    private void connected(NetSocket socket) {
        Conn conn = new Conn(socket);
        conns.add(conn);
        socket.closeHandler(v -> conn.closed = true);
        Buffer seen = Buffer.buffer();
        socket.handler(data -> {
            seen.appendBuffer(data);
            String text = seen.toString(StandardCharsets.ISO_8859_1);
            int headEnd = text.indexOf("\r\n\r\n");
            if (headEnd < 0) {
                return;
            }
            int length = 0;
            for (String line : text.substring(0, headEnd).split("\r\n")) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            if (seen.length() >= headEnd + 4 + length) {
                // one request per connection is all these scripts need: later bytes are ignored
                socket.handler(ignored -> { });
                conn.request = text;
                requests.incrementAndGet();
                script.answer(conn);
            }
        });
    }

    public ScriptedUpstream answer(Script s) {
        this.script = s;
        return this;
    }

    public Vertx vertx() {
        return vertx;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    /** Requests received so far. */
    public int requests() {
        return requests.get();
    }

    public List<Conn> conns() {
        return conns;
    }

    /** Connections the gateway still holds open. */
    public long open() {
        return conns.stream().filter(c -> !c.closed).count();
    }

    public void reset() {
        conns.clear();
        requests.set(0);
    }

    @Override
    public void close() {
        vertx.close();
    }
}
