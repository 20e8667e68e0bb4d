package dev.modelgateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A client at the socket level, for tests of clients that read slowly, stop reading or leave: it sends a request and
 * then reads only as much as the test says. Also the memory probes those tests measure the gateway with (it runs in
 * the test's JVM).
 */
public final class RawClient {

    private RawClient() {
    }

    /**
     * POSTs {@code json} to /v1/chat/completions; {@code receiveBuffer} (bytes, 0 = the system's) keeps what the
     * kernel takes on the client's behalf small.
     */
    public static Socket postChat(int port, String json, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        OutputStream out = s.getOutputStream();
        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return s;
    }

    /** Reads until {@code marker} has arrived (at most {@code timeoutMillis} per read); returns what was read. */
    public static String readUntil(Socket s, String marker, int timeoutMillis) throws IOException {
        s.setSoTimeout(timeoutMillis);
        InputStream in = s.getInputStream();
        StringBuilder seen = new StringBuilder();
        byte[] buf = new byte[1024];
        while (seen.indexOf(marker) < 0) {
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("closed before '" + marker + "': " + seen);
            }
            seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
        return seen.toString();
    }

    /** Heap in use after a GC. */
    public static long usedHeap() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    /** The JDK's direct buffers and Netty's own (allocated without a cleaner, so not in the JDK's count). */
    public static long directMemory() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum()
                + Math.max(0, io.netty.util.internal.PlatformDependent.usedDirectMemory());
    }
}
