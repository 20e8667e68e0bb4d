package dev.modelgateway.bench;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;

/**
 * bench/soak (not in CI): mixed traffic (chat, chat stream, code completions) against a local upstream that injects
 * faults (500, 429 with retry-after, slow answers past the deployment timeout, resets), for a set time. Prints
 * answers by status, latency percentiles and heap after a full GC at start and end. Usage: Soak <seconds> [threads].
 */
public final class Soak {

    public static void main(String[] args) throws Exception {
        int seconds = Integer.parseInt(args.length > 0 ? args[0] : "60");
        int threads = Integer.parseInt(args.length > 1 ? args[1] : "8");
        CaptureServer upstream = new CaptureServer();
        upstream.answer((req, resp) -> {
            int dice = ThreadLocalRandom.current().nextInt(100);
            boolean stream = req.body().contains("\"stream\":true");
            if (dice < 4) {
                resp.setStatusCode(500).end("{\"error\":{\"message\":\"injected 500\"}}");
            } else if (dice < 8) {
                resp.setStatusCode(429).putHeader("retry-after", "1").end("{\"error\":{\"message\":\"injected 429\"}}");
            } else if (dice < 10) {
                upstream.vertx().setTimer(2500, t -> resp.end("{}"));
            } else if (dice < 12) {
                resp.reset();
            } else if (stream) {
                resp.setChunked(true).putHeader("Content-Type", "text/event-stream").write("data: {\"choices\":[{\"index\":0,\"delta\":"
                        + "{\"content\":\"hel\"}}]}\n\n");
                upstream.vertx().setTimer(5, t -> resp.end("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":"
                        + "\"lo\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"));
            } else {
                resp.putHeader("Content-Type", "application/json").end("{\"choices\":[{\"index\":0,\"message\":"
                        + "{\"content\":\"hello\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,"
                        + "\"completion_tokens\":1,\"total_tokens\":6}}");
            }
        });
        String base = upstream.baseUrl();
        GatewayTestServer gateway = GatewayTestServer.start("""
                router_settings: {allowed_fails: 20, cooldown_time: 1, routing_strategy: least-busy}
                litellm_settings: {num_retries: 1, request_timeout: 1.5, fallbacks: [{"main": ["backup"]}]}
                model_list:
                  - model_name: main
                    litellm_params: {model: openai/a, api_base: "BASE/a/v1"}
                  - model_name: main
                    litellm_params: {model: openai/b, api_base: "BASE/b/v1"}
                  - model_name: backup
                    litellm_params: {model: openai/c, api_base: "BASE/c/v1"}
                features: {code_completions: main}
                """.replace("BASE", base), Map.of("gateway.upstream.max-retries", "1",
                "gateway.upstream.timeout", "1500ms", "gateway.upstream.first-token-timeout", "1500ms"));
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long heapStart = heapAfterGc();
        Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicLongArray buckets = new java.util.concurrent.atomic.AtomicLongArray(60_001);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                int i = 0;
                while (System.nanoTime() < end) {
                    String kind;
                    String path;
                    String body;
                    switch (i++ % 3) {
                        case 0 -> {
                            kind = "chat";
                            path = "/v1/chat/completions";
                            body = "{\"model\":\"main\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
                        }
                        case 1 -> {
                            kind = "stream";
                            path = "/v1/chat/completions";
                            body = "{\"model\":\"main\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
                        }
                        default -> {
                            kind = "code";
                            path = "/v2/code/completions";
                            body = "{\"current_file\":{\"file_name\":\"a.py\",\"content_above_cursor\":\"def f(\"}}";
                        }
                    }
                    long t0 = System.nanoTime();
                    String outcome;
                    try {
                        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                + gateway.port() + path)).timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        outcome = classify(kind, r);
                    } catch (Exception e) {
                        outcome = "UNEXPECTED client error " + e.getClass().getSimpleName();
                    }
                    buckets.incrementAndGet((int) Math.min(60_000, (System.nanoTime() - t0) / 1_000_000));
                    outcomes.computeIfAbsent(kind + " " + outcome, k -> new AtomicLong()).incrementAndGet();
                }
            });
            w.start();
            workers.add(w);
        }
        for (Thread w : workers) {
            w.join();
        }
        int attempts = upstream.requests().size();
        upstream.requests().clear();
        long heapEnd = heapAfterGc();
        long total = 0;
        for (int i = 0; i < buckets.length(); i++) {
            total += buckets.get(i);
        }
        String metrics = GatewayTestServer.send(HttpRequest.newBuilder(gateway.managementUri("/observe/metrics"))
                .GET().build()).body();
        System.out.println("soak: " + seconds + " s, " + threads + " client threads, " + total + " requests, "
                + "upstream saw " + attempts + " attempts");
        new TreeMap<>(outcomes).forEach((k, v) -> System.out.println("  " + k + ": " + v));
        long unexpected = outcomes.entrySet().stream().filter(e -> e.getKey().contains("UNEXPECTED"))
                .mapToLong(e -> e.getValue().get()).sum();
        System.out.println("unexpected: " + unexpected);
        Map<String, Double> byOutcome = new TreeMap<>();
        for (String line : metrics.split("\n")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                    "^gateway_upstream_attempts_total\\{.*outcome=\"(\\w+)\".*} ([0-9.eE+]+)$").matcher(line);
            if (m.matches()) {
                byOutcome.merge(m.group(1), Double.parseDouble(m.group(2)), Double::sum);
            }
        }
        System.out.println("gateway_upstream_attempts_total by outcome: " + byOutcome);
        System.out.printf("latency ms: p50 %d  p95 %d  p99 %d  max %d%n", p(buckets, total, 50), p(buckets, total, 95),
                p(buckets, total, 99), p(buckets, total, 100));
        System.out.printf("heap after full GC: start %.1f MB, end %.1f MB%n", heapStart / 1e6, heapEnd / 1e6);
        gateway.close();
        upstream.close();
        System.exit(0);
    }

    /**
     * The kind of an answer: status and error type (503s of a cooling group apart from upstream failures); what the
     * injected faults cannot explain is marked UNEXPECTED (a 500, a 502, a client-side failure, a stream that did not
     * end with [DONE] or that carried an error event).
     */
    static String classify(String kind, HttpResponse<String> r) {
        int status = r.statusCode();
        if (status == 200) {
            if (kind.equals("stream") && (!r.body().endsWith("data: [DONE]\n\n") || r.body().contains("{\"error\""))) {
                return "200 UNEXPECTED stream without its end";
            }
            return "200";
        }
        String type = "?";
        String message = "";
        try {
            com.fasterxml.jackson.databind.JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(r.body());
            com.fasterxml.jackson.databind.JsonNode error = body.path("error");
            type = error.isObject() ? error.path("type").asText() : "{detail}";
            message = error.isObject() ? error.path("message").asText() : body.path("detail").asText();
        } catch (Exception notJson) {
            return status + " UNEXPECTED body not JSON";
        }
        String why = message.contains("cooling down") ? " (group cooling down, nothing sent)"
                : message.contains("rpm/tpm") ? " (at limit)" : "";
        boolean expected = status == 429 || status == 503 || status == 504;
        return status + " " + type + why + (expected ? "" : " UNEXPECTED");
    }

    private static int p(java.util.concurrent.atomic.AtomicLongArray buckets, long total, int pct) {
        long want = Math.max(1, (long) Math.ceil(total * pct / 100.0));
        long seen = 0;
        for (int i = 0; i < buckets.length(); i++) {
            seen += buckets.get(i);
            if (seen >= want) {
                return i;
            }
        }
        return buckets.length() - 1;
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
