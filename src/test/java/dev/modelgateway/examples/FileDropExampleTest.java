package dev.modelgateway.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.modelgateway.emulator.EmulatedText;
import dev.modelgateway.support.GatewayTestServer;

/**
 * examples/file-drop, as its README runs it (the gateway with --extra-routes examples/file-drop, i.e.
 * gateway.extra-routes), against the emulator: each code file dropped into the in directory gets one review through
 * the chat/explain_code prompt (the feature kamelet), written as name.review.md; the file moves to .done.
 */
class FileDropExampleTest {

    @TempDir
    Path dir;

    @Test
    void eachDroppedFileGetsOneReviewThroughExplainCode() throws IOException {
        int emulator = GatewayTestServer.freePort();
        Path in = dir.resolve("in");
        Path out = dir.resolve("out");
        String models = """
                model_list:
                  - model_name: llama
                    litellm_params: {model: hosted_vllm/meta-llama/Llama-3.3-70B-Instruct, api_base: "http://127.0.0.1:%d/openai/v1"}
                features:
                  chat: llama
                """.formatted(emulator);
        try (dev.modelgateway.support.AccessLogCapture log = new dev.modelgateway.support.AccessLogCapture();
                GatewayTestServer gateway = GatewayTestServer.start(models, Map.of(
                "gateway.emulator.enabled", "true", "gateway.emulator.port", String.valueOf(emulator),
                "gateway.extra-routes", "examples/file-drop",
                "examples.file-drop.in", in.toString(), "examples.file-drop.out", out.toString()))) {
            // dropped as the README says: copied in (written elsewhere, then moved, so never read half-written)
            for (String name : new String[] {"fib.py", "Greeter.java"}) {
                Path staged = dir.resolve(name);
                Files.copy(Path.of("examples/file-drop/samples", name), staged);
                Files.createDirectories(in);
                Files.move(staged, in.resolve(name));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(out.resolve("fib.py.review.md"))
                    && Files.exists(out.resolve("Greeter.java.review.md")));

            String fib = Files.readString(out.resolve("fib.py.review.md"), StandardCharsets.UTF_8);
            // the chat model got the explain_code prompt: the template's text around the file's code (the emulator
            // echoes the prompt's length and its end)
            assertThat(fib).startsWith("# Review of fib.py\n\n" + EmulatedText.LABEL).contains("Llama-3.3-70B")
                    .contains("return a");
            assertThat(promptLength(fib)).isGreaterThan(Files.size(Path.of("examples/file-drop/samples/fib.py")));
            String greeter = Files.readString(out.resolve("Greeter.java.review.md"), StandardCharsets.UTF_8);
            assertThat(greeter).startsWith("# Review of Greeter.java\n\n" + EmulatedText.LABEL)
                    .contains("name.strip()");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(in.resolve(".done/fib.py"))
                    && Files.exists(in.resolve(".done/Greeter.java")));
            try (var left = Files.list(out)) {
                assertThat(left).as("one review per file").hasSize(2);
            }
            // each review is a request the operations surface sees: an access-log line naming the model
            await().atMost(Duration.ofSeconds(10)).until(() -> log.lines().stream()
                    .filter(l -> l.contains("\"model\":\"llama\"") && l.contains("\"status\":200")).count() == 2);
            assertThat(gateway.management("GET", "/observe/metrics").body())
                    .contains("gateway_requests_total{api=\"other\",model=\"llama\",provider=\"hosted_vllm\",status=\"200\"} 2.0");
        }
    }

    private static long promptLength(String review) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("received (\\d+) characters").matcher(review);
        assertThat(m.find()).as(review).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void aMissingExtraRoutesDirectoryStopsStartUpNamingIt() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GatewayTestServer.start(
                GatewayTestServer.ONE_UNREACHABLE_MODEL,
                Map.of("gateway.extra-routes", dir.resolve("nowhere").toString())).close())
                .hasStackTraceContaining("gateway.extra-routes").hasStackTraceContaining("nowhere");
    }
}
