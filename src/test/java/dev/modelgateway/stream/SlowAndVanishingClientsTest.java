package dev.modelgateway.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static dev.modelgateway.support.RawClient.directMemory;
import static dev.modelgateway.support.RawClient.usedHeap;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.modelgateway.support.GatewayTestServer;
import dev.modelgateway.support.RawClient;
import dev.modelgateway.support.ScriptedUpstream;

/**
 * Streams under clients that read slowly or go away (issue 8 item 2, issue 15): a client that stops reading pauses its
 * upstream (memory stays flat, the upstream has not sent its whole answer) while other requests are answered; a client
 * that leaves releases everything; one that reads nothing for gateway.http.idle-write-timeout is disconnected; and a
 * thousand clients that leave mid-stream leave no file descriptor, thread or heap behind and log nothing.
 */
class SlowAndVanishingClientsTest {

    static final String STREAM = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}";
    static final String UNARY = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String EVENT = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + "x".repeat(1_000)
            + "\"}}]}\n\n";
    static final long HUNDRED_MB = 100L << 20;

    static ScriptedUpstream upstream;
    static GatewayTestServer gateway;

    @BeforeAll
    @Timeout(value = 3, unit = TimeUnit.MINUTES) // a gateway boot, slow on a loaded machine
    static void start() {
        upstream = new ScriptedUpstream();
        gateway = GatewayTestServer.start("model_list:\n  - model_name: m\n    litellm_params: {model: hosted_vllm/m, "
                + "api_base: \"" + upstream.baseUrl() + "/v1\"}\n", Map.of(
                        "gateway.upstream.first-token-timeout", "10s",
                        "gateway.http.idle-write-timeout", "4s"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    @Test
    void clientsThatStopReadingPauseTheirUpstreamAndAreLetGoWhenTheyLeaveOrStall() throws Exception {
        // streams: 100 MB as fast as the gateway takes it; anything else: a small whole answer
        upstream.answer(c -> {
            if (c.request().contains("\"stream\":true")) {
                c.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n")
                        .pump(EVENT, HUNDRED_MB);
            } else {
                c.whole(200, "application/json",
                        "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"meanwhile\"},\"finish_reason\":\"stop\"}]}");
            }
        });
        long heapBefore = usedHeap();
        long directBefore = directMemory();
        List<Socket> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Socket client = request(STREAM, 8 * 1024);
            readUntil(client, "data: ");
            clients.add(client);
        }
        // paused: what each upstream sent stops growing, far short of the whole answer
        List<ScriptedUpstream.Conn> streams = upstream.conns();
        await().atMost(Duration.ofSeconds(10)).until(() -> streams.size() == 3);
        AtomicLong last = new AtomicLong(-1);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).until(() -> {
            long now = streams.stream().mapToLong(ScriptedUpstream.Conn::sent).sum();
            return last.getAndSet(now) == now;
        });
        System.out.printf("stalled streams: upstream sent %s bytes of 100 MB each; heap +%d KiB, direct +%d KiB%n",
                streams.stream().map(c -> String.valueOf(c.sent())).toList(), (usedHeap() - heapBefore) >> 10,
                (directMemory() - directBefore) >> 10);
        assertThat(streams).allSatisfy(c -> assertThat(c.sent()).as("bytes the upstream got to send")
                .isLessThan(16L << 20));
        assertThat(usedHeap() - heapBefore).as("heap growth with three stalled 100 MB streams").isLessThan(48L << 20);
        assertThat(directMemory() - directBefore).as("direct memory growth").isLessThan(48L << 20);

        // other requests are answered meanwhile
        HttpResponse<String> other = gateway.post("/v1/chat/completions", UNARY);
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.body()).contains("meanwhile");

        // a client that leaves: its upstream is closed at once
        clients.get(0).close();
        await().atMost(Duration.ofSeconds(1)).until(() -> streams.stream().filter(c -> !c.closed()).count() <= 2);

        // the two that stay but read nothing are disconnected after the idle-write timeout, upstreams cancelled
        await().atMost(Duration.ofSeconds(10)).until(() -> streams.stream().noneMatch(c -> !c.closed()));
        assertThat(streams).allSatisfy(c -> assertThat(c.sent()).isLessThan(HUNDRED_MB));
        for (Socket client : clients) {
            client.close();
        }
    }

    @Test
    void aThousandClientsThatLeaveMidStreamLeaveNothingBehind() throws Exception {
        upstream.answer(c -> c.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
                + EVENT));
        // warm up, then measure
        leaveMidStream(50);
        await().atMost(Duration.ofSeconds(5)).until(() -> upstream.open() == 0);
        long fds = openFiles();
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        long heap = usedHeap();
        AtomicInteger logged = new AtomicInteger();
        AbstractAppender counter = new AbstractAppender("disconnects", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                logged.incrementAndGet();
            }
        };
        counter.start();
        LoggerContext logs = (LoggerContext) LogManager.getContext(false);
        logs.getConfiguration().getRootLogger().addAppender(counter, Level.INFO, null);
        logs.updateLoggers();
        try {
            upstream.reset();
            leaveMidStream(1_000);
            await().atMost(Duration.ofSeconds(10)).until(() -> upstream.open() == 0);
        } finally {
            logs.getConfiguration().getRootLogger().removeAppender("disconnects");
            logs.updateLoggers();
        }
        System.out.printf("1,000 disconnects: %d log lines, fds %+d, threads %+d, heap %+d KiB%n", logged.get(),
                openFiles() - fds, ManagementFactory.getThreadMXBean().getThreadCount() - threads,
                (usedHeap() - heap) >> 10);
        assertThat(upstream.requests()).as("one upstream call per client, none retried").isEqualTo(1_000);
        assertThat(logged.get()).as("log lines for 1,000 clients that left").isLessThan(10);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(openFiles() - fds).as("file descriptors left open").isLessThan(40);
            assertThat(ManagementFactory.getThreadMXBean().getThreadCount() - threads).as("threads").isLessThan(10);
            assertThat(usedHeap() - heap).as("heap").isLessThan(32L << 20);
        });
    }

    /** n clients, 20 at a time, each reading until its first event and then hanging up. */
    static void leaveMidStream(int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                done.add(pool.submit(() -> {
                    try (Socket client = request(STREAM, 0)) {
                        readUntil(client, "data: ");
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static Socket request(String json, int receiveBuffer) throws IOException {
        return RawClient.postChat(gateway.port(), json, receiveBuffer);
    }

    static void readUntil(Socket s, String marker) throws IOException {
        RawClient.readUntil(s, marker, 10_000);
    }

    static long openFiles() throws IOException {
        try (var files = Files.list(Path.of("/proc/self/fd"))) {
            return files.count();
        }
    }
}
