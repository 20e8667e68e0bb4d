package dev.modelgateway.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static dev.modelgateway.support.RawClient.directMemory;
import static dev.modelgateway.support.RawClient.usedHeap;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.vertx.core.buffer.Buffer;

import dev.modelgateway.emulator.EventStreamFrames;
import dev.modelgateway.http.InFlightLimit;
import dev.modelgateway.support.GatewayTestServer;
import dev.modelgateway.support.RawClient;
import dev.modelgateway.support.ScriptedUpstream;

/**
 * Issue 8, "same for a Bedrock event-stream": a fast local Bedrock serves 100 MB of event-stream frames
 * (ConverseStream and InvokeModelWithResponseStream, encoded by the AWS event-stream library) to clients that stop
 * reading. The gateway pauses each upstream (what it let the upstream send levels off far below the answer), its
 * memory stays flat, other requests are answered meanwhile; a client that leaves has its upstream closed at once, the
 * ones that stay but read nothing are disconnected after gateway.http.idle-write-timeout, and then nothing is left:
 * every upstream connection closed, no request in flight.
 */
class BedrockBackPressureTest {

    static final long HUNDRED_MB = 100L << 20;
    static final String TEXT = "x".repeat(1_000);
    /** Frames as Bedrock sends them, with its padding field {@code p}. */
    static final Buffer CONVERSE_DELTA = EventStreamFrames.event("contentBlockDelta",
            "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"" + TEXT + "\"},\"p\":\"abcdefgh\"}");
    static final Buffer CLAUDE_DELTA = EventStreamFrames.chunk(
            "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"" + TEXT
                    + "\"}}");
    static final String EVENT_STREAM_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: " + EventStreamFrames.CONTENT_TYPE
            + "\r\nConnection: close\r\n\r\n";
    static final String MEANWHILE = """
            {"output":{"message":{"role":"assistant","content":[{"text":"meanwhile"}]}},
             "stopReason":"end_turn","usage":{"inputTokens":1,"outputTokens":1,"totalTokens":2}}""";

    static ScriptedUpstream upstream;
    static GatewayTestServer gateway;

    static String model(String alias, String id) {
        return """
                  - model_name: %s
                    litellm_params:
                      model: bedrock/%s
                      aws_region_name: us-east-1
                      aws_bedrock_runtime_endpoint: %s
                      aws_access_key_id: AKIDEXAMPLE
                      aws_secret_access_key: wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
                """.formatted(alias, id, upstream.baseUrl());
    }

    @BeforeAll
    @Timeout(value = 3, unit = TimeUnit.MINUTES) // a gateway boot, slow on a loaded machine
    static void start() {
        upstream = new ScriptedUpstream();
        gateway = GatewayTestServer.start("model_list:\n"
                + model("llama", "meta.llama3-3-70b-instruct-v1:0")
                + model("claude", "us.anthropic.claude-sonnet-4-20250514-v1:0"), Map.of(
                        "gateway.upstream.first-token-timeout", "10s",
                        "gateway.http.idle-write-timeout", "4s"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void clientsThatStopReadingPauseTheirBedrockStreamAndEverythingIsReleasedWhenTheyGo() throws Exception {
        // streams: 100 MB of frames as fast as the gateway takes them; Converse: a small whole answer
        upstream.answer(c -> {
            String head = c.request().substring(0, c.request().indexOf("\r\n"));
            if (head.contains("/converse-stream ")) {
                c.write(EVENT_STREAM_HEAD).write(EventStreamFrames.event("messageStart", "{\"role\":\"assistant\"}"))
                        .pump(CONVERSE_DELTA, HUNDRED_MB);
            } else if (head.contains("/invoke-with-response-stream ")) {
                c.write(EVENT_STREAM_HEAD).pump(CLAUDE_DELTA, HUNDRED_MB);
            } else {
                c.whole(200, "application/json", MEANWHILE);
            }
        });
        long heapBefore = usedHeap();
        long directBefore = directMemory();
        List<Socket> clients = new ArrayList<>();
        for (String model : List.of("llama", "claude", "llama")) {
            Socket client = streamRequest(model);
            RawClient.readUntil(client, "data: ", 15_000);
            clients.add(client);
        }
        // one upstream connection per client, in the clients' order (each opened after the previous one streamed)
        List<ScriptedUpstream.Conn> streams = List.copyOf(upstream.conns());
        assertThat(streams).hasSize(3);
        assertThat(streams.get(1).request()).contains("/invoke-with-response-stream ");

        // paused: what each upstream got to send stops growing (for 1.5 s: longer than a GC pause of this JVM, which
        // also stops the upstream's pump), far short of the whole answer
        AtomicLong last = new AtomicLong(-1);
        AtomicLong since = new AtomicLong();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).until(() -> {
            long now = streams.stream().mapToLong(ScriptedUpstream.Conn::sent).sum();
            if (last.getAndSet(now) != now) {
                since.set(System.nanoTime());
                return false;
            }
            return System.nanoTime() - since.get() >= TimeUnit.MILLISECONDS.toNanos(1_500);
        });
        long heapGrowth = usedHeap() - heapBefore;
        long directGrowth = directMemory() - directBefore;
        System.out.printf("stalled Bedrock streams: upstream sent %s bytes of 100 MB each; heap %+d KiB, "
                + "direct %+d KiB%n", streams.stream().map(c -> String.valueOf(c.sent())).toList(), heapGrowth >> 10,
                directGrowth >> 10);
        assertThat(streams).allSatisfy(c -> assertThat(c.sent()).as("bytes the upstream got to send")
                .isLessThan(16L << 20));
        assertThat(heapGrowth).as("heap growth with three stalled 100 MB streams").isLessThan(48L << 20);
        assertThat(directGrowth).as("direct memory growth").isLessThan(48L << 20);

        // other requests are answered meanwhile
        HttpResponse<String> other = gateway.post("/v1/chat/completions",
                "{\"model\":\"llama\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(other.statusCode()).as(other.body()).isEqualTo(200);
        assertThat(other.body()).contains("meanwhile");

        // a client that leaves: its upstream is closed at once
        clients.get(0).close();
        await().atMost(Duration.ofSeconds(3)).until(() -> streams.get(0).closed());

        // the two that stay but read nothing are disconnected after the idle-write timeout, upstreams cancelled
        await().atMost(Duration.ofSeconds(15)).until(() -> streams.stream().allMatch(ScriptedUpstream.Conn::closed));
        for (Socket client : clients.subList(1, 3)) {
            assertThat(drainsToTheEnd(client)).as("the gateway closed the stalled client's connection").isTrue();
        }
        assertThat(streams).allSatisfy(c -> assertThat(c.sent()).isLessThan(16L << 20));
        InFlightLimit inFlight = gateway.context().getRegistry().lookupByNameAndType("httpInFlight",
                InFlightLimit.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> inFlight.inFlight() == 0);
        for (Socket client : clients) {
            client.close();
        }
    }

    static Socket streamRequest(String model) throws IOException {
        return RawClient.postChat(gateway.port(), "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}],\"stream\":true}", 8 * 1024);
    }

    /** Reads what the gateway had sent before it let the client go: true if the connection then ends. */
    static boolean drainsToTheEnd(Socket s) throws IOException {
        s.setSoTimeout(5_000);
        InputStream in = s.getInputStream();
        byte[] buf = new byte[64 * 1024];
        try {
            while (in.read(buf) >= 0) {
                // what was in flight when the gateway reset the connection
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }
}
