package dev.modelgateway.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PfxOptions;

import dev.modelgateway.config.ModelDeployment;
import dev.modelgateway.config.ModelIdentifier;
import dev.modelgateway.provider.ChatMessage;
import dev.modelgateway.provider.GenerationParams;
import dev.modelgateway.provider.ModelRequest;
import dev.modelgateway.provider.ModelResponse;
import dev.modelgateway.provider.UpstreamHttp;
import dev.modelgateway.provider.UpstreamSettings;
import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;
import dev.modelgateway.support.Golden;

/**
 * Microsoft Entra auth through azure-identity (client credentials) against a local token endpoint: the request
 * matches the AzureOpenAI golden for an Entra token, the token is cached, refreshed once it runs out, and fetched
 * without blocking an event loop.
 */
class AzureEntraAuthTest {

    static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a careful "
            + "coding assistant.\"},{\"role\":\"user\",\"content\":\"Write a haiku about Camel routes.\"}],"
            + "\"max_tokens\":128,\"temperature\":0.2}";
    static final String ANSWER = "{\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"message\":{\"role\":"
            + "\"assistant\",\"content\":\"Routes bend like dunes\"}}]}";
    static final String CA = "src/test/resources/azure/entra-test-ca.pem";

    /** The local Entra: {@code POST /{tenant}/oauth2/v2.0/token}, client credentials grant, over TLS. */
    static Vertx entraVertx;
    static HttpServer entra;
    static final List<Map<String, String>> tokenRequests = new CopyOnWriteArrayList<>();
    static final Map<String, AtomicInteger> issued = new ConcurrentHashMap<>();
    static CaptureServer upstream;
    static GatewayTestServer gateway;

    @BeforeAll
    static void start() throws Exception {
        entraVertx = Vertx.vertx();
        entra = entraVertx.createHttpServer(new HttpServerOptions().setSsl(true).setKeyCertOptions(
                new PfxOptions().setPath("src/test/resources/azure/entra-test-tls.p12").setPassword("test-only")))
                .requestHandler(req -> req.body().onSuccess(body -> {
                    Map<String, String> form = form(body.toString());
                    form.put("path", req.path());
                    tokenRequests.add(form);
                    String client = form.getOrDefault("client_id", "");
                    if (!"entra-secret".equals(form.get("client_secret"))) {
                        req.response().setStatusCode(401).putHeader("Content-Type", "application/json")
                                .end("{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid "
                                        + "client secret provided.\",\"error_codes\":[7000215]}");
                        return;
                    }
                    int n = issued.computeIfAbsent(client, c -> new AtomicInteger()).incrementAndGet();
                    // the "short" client gets tokens that run out at once, so the next call must refresh
                    int expiresIn = client.startsWith("short") ? 1 : 3600;
                    String token = client.startsWith("short") ? "entra-short-" + n : "entra-test-token";
                    req.response().putHeader("Content-Type", "application/json").end("{\"token_type\":\"Bearer\","
                            + "\"expires_in\":" + expiresIn + ",\"ext_expires_in\":" + expiresIn
                            + ",\"access_token\":\"" + token + "\"}");
                }))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        upstream = new CaptureServer();
        gateway = GatewayTestServer.start("""
                model_list:
                  - model_name: gpt-4o-entra
                    litellm_params:
                      model: azure/gpt-4o
                      api_base: %1$s
                      api_version: "2024-10-21"
                      tenant_id: my-tenant
                      client_id: gateway-app
                      client_secret: entra-secret
                      azure_authority_host: %2$s
                      ssl_verify: %3$s
                  - model_name: gpt-4o-short
                    litellm_params:
                      model: azure/gpt-4o
                      api_base: %1$s
                      api_version: "2024-10-21"
                      tenant_id: my-tenant
                      client_id: short-lived-app
                      client_secret: entra-secret
                      azure_authority_host: %2$s
                      ssl_verify: %3$s
                  - model_name: gpt-4o-wrong-secret
                    litellm_params:
                      model: azure/gpt-4o
                      api_base: %1$s
                      api_version: "2024-10-21"
                      tenant_id: my-tenant
                      client_id: other-app
                      client_secret: not-the-secret
                      azure_authority_host: %2$s
                      ssl_verify: %3$s
                """.formatted(upstream.baseUrl(), authority(), CA));
        upstream.answerJson(200, ANSWER);
    }

    static String authority() {
        return "https://127.0.0.1:" + entra.actualPort();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
        entraVertx.close();
    }

    @BeforeEach
    void reset() {
        upstream.requests().clear();
    }

    @Test
    void entraTokenFromClientCredentialsMatchesTheGoldenAndIsCached() {
        HttpResponse<String> first = gateway.post("/v1/chat/completions", CHAT.formatted("gpt-4o-entra"));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        HttpResponse<String> second = gateway.post("/v1/chat/completions", CHAT.formatted("gpt-4o-entra"));
        assertThat(second.statusCode()).isEqualTo(200);

        CaptureServer.Captured sent = upstream.last();
        Golden.load("azure/chat-entra.json").assertMatches(sent).assertHeaders(sent, "content-type", "accept");
        assertThat(sent.header("authorization")).isEqualTo("Bearer entra-test-token");
        assertThat(sent.header("api-key")).as("AzureOpenAI with a token provider sends no api-key").isNull();

        List<Map<String, String>> mine = tokenRequests.stream()
                .filter(r -> "gateway-app".equals(r.get("client_id"))).toList();
        assertThat(mine).as("one token for both calls").hasSize(1);
        assertThat(mine.get(0)).containsEntry("path", "/my-tenant/oauth2/v2.0/token")
                .containsEntry("grant_type", "client_credentials")
                .containsKey("scope");
        assertThat(mine.get(0).get("scope")).as("MSAL adds its OIDC scopes").contains(
                "https://cognitiveservices.azure.com/.default");
    }

    @Test
    void anExpiredTokenIsRefreshed() {
        assertThat(gateway.post("/v1/chat/completions", CHAT.formatted("gpt-4o-short")).statusCode()).isEqualTo(200);
        assertThat(upstream.last().header("authorization")).isEqualTo("Bearer entra-short-1");
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).until(() -> {
            gateway.post("/v1/chat/completions", CHAT.formatted("gpt-4o-short"));
            return upstream.last().header("authorization").matches("Bearer entra-short-[2-9]");
        });
    }

    @Test
    void aRefusedClientSecretIsAnAuthErrorWithoutSecrets() {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", CHAT.formatted("gpt-4o-wrong-secret"));
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("Microsoft Entra refused").contains("invalid_client")
                .doesNotContain("not-the-secret");
        assertThat(upstream.requests()).as("no model call without a token").isEmpty();
    }

    @Test
    void tokenIsFetchedWithoutBlockingTheOnlyEventLoop() throws Exception {
        // one event loop: if anything waited on it for the token, the token's own HTTP answer could never arrive
        Vertx single = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        try {
            AzureProvider provider = new AzureProvider(new UpstreamHttp(single, UpstreamSettings.DEFAULTS));
            Map<String, String> params = new HashMap<>(Map.of("api_base", upstream.baseUrl(), "api_version",
                    "2024-10-21", "tenant_id", "my-tenant", "client_id", "loop-app", "client_secret", "entra-secret",
                    "azure_authority_host", authority(), "ssl_verify", CA));
            ModelDeployment model = new ModelDeployment("loop", ModelIdentifier.parse("azure/gpt-4o"), "gpt", params);
            ModelRequest request = ModelRequest.chat(model, List.of(new ChatMessage("user", "hi")),
                    GenerationParams.DEFAULTS, false);
            CompletableFuture<ModelResponse> answer = new CompletableFuture<>();
            single.runOnContext(v -> provider.complete(request).whenComplete((r, e) -> {
                if (e != null) {
                    answer.completeExceptionally(e);
                } else {
                    answer.complete(r);
                }
            }));
            assertThat(answer.get(20, TimeUnit.SECONDS).text()).isEqualTo("Routes bend like dunes");
            assertThat(upstream.last().header("authorization")).isEqualTo("Bearer entra-test-token");
        } finally {
            single.close();
        }
    }

    static Map<String, String> form(String body) {
        Map<String, String> m = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                m.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return m;
    }
}
