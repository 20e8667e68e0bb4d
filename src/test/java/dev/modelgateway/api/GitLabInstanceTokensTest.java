package dev.modelgateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

import dev.modelgateway.support.CaptureServer;
import dev.modelgateway.support.GatewayTestServer;

/**
 * Instance-signed tokens (contract 5.4): a local stand-in for a GitLab instance publishes its keys by OIDC discovery
 * and signs tokens as Rails' self-issued ones (audience gitlab-ai-gateway, RS256, an hour to live); the gateway
 * checks them, keeps the static tokens working beside them, and picks up a rotated key without a restart.
 */
class GitLabInstanceTokensTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final long MIN_REFRESH_MS = 1000;
    static final Vertx VERTX = Vertx.vertx();
    static HttpServer gitlab;
    static final AtomicReference<JWKSet> published = new AtomicReference<>();
    static final AtomicInteger keyFetches = new AtomicInteger();
    static RSAKey key1;
    static CaptureServer upstream;
    static GatewayTestServer gateway;

    @BeforeAll
    static void start() throws Exception {
        key1 = new RSAKeyGenerator(2048).keyID("kid-1").generate();
        published.set(new JWKSet(key1.toPublicJWK()));
        gitlab = VERTX.createHttpServer().requestHandler(req -> {
            String base = "http://127.0.0.1:" + req.connection().localAddress().port();
            switch (req.path()) {
                case "/.well-known/openid-configuration" -> req.response().putHeader("Content-Type", "application/json")
                        .end("{\"issuer\":\"" + base + "\",\"jwks_uri\":\"" + base + "/oauth/discovery/keys\"}");
                case "/oauth/discovery/keys" -> {
                    keyFetches.incrementAndGet();
                    req.response().putHeader("Content-Type", "application/json")
                            .end(published.get().toString(true));
                }
                default -> req.response().setStatusCode(404).end();
            }
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        upstream = new CaptureServer().answerJson(200,
                "{\"choices\":[{\"index\":0,\"text\":\"ok()\",\"finish_reason\":\"stop\"}]}");
        gateway = GatewayTestServer.start("""
                model_list:
                  - model_name: code
                    litellm_params: {model: custom_openai/code, api_base: "%s/v1"}
                    model_info: {family: codestral}
                features: {code_completions: code}
                """.formatted(upstream.baseUrl()), Map.of(
                "gateway.auth.gitlab-url", "http://127.0.0.1:" + gitlab.actualPort() + "/",
                "gateway.auth.gitlab-keys-min-refresh", MIN_REFRESH_MS + "ms",
                "gateway.auth.tokens", "static-token"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
        VERTX.close();
    }

    @BeforeEach
    void publishKey1() {
        published.set(new JWKSet(key1.toPublicJWK()));
    }

    static String token(RSAKey key, String audience, Instant expires) throws Exception {
        // Gitlab::CloudConnector::SelfIssuedToken: iss the instance, sub its instance id, aud gitlab-ai-gateway
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("http://127.0.0.1:" + gitlab.actualPort())
                .subject("4f8e7b7e-0000-4000-8000-000000000001").audience(audience)
                .issueTime(new Date()).notBeforeTime(new Date(System.currentTimeMillis() - 5_000))
                .expirationTime(Date.from(expires)).jwtID("jti-" + System.nanoTime())
                .claim("gitlab_realm", "self-managed").claim("scopes", List.of("code_suggestions")).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    static String valid(RSAKey key) throws Exception {
        return token(key, "gitlab-ai-gateway", Instant.now().plusSeconds(3600));
    }

    static HttpResponse<String> call(String bearer, boolean oidc) {
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.uri("/v2/code/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"current_file\":{\"file_name\":\"a.py\","
                        + "\"content_above_cursor\":\"def f():\\n\",\"content_below_cursor\":\"\"},"
                        + "\"prompt_version\":2,\"prompt\":null}"));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        if (oidc) {
            b.header("X-Gitlab-Authentication-Type", "oidc").header("X-Gitlab-Realm", "self-managed")
                    .header("X-Gitlab-Instance-Id", "4f8e7b7e-0000-4000-8000-000000000001");
        }
        return GatewayTestServer.send(b.build());
    }

    static String error(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("error").isTextual()).as(r.body()).isTrue();
        return body.get("error").asText();
    }

    @Test
    void aTokenTheInstanceSignedGetsIn() throws Exception {
        HttpResponse<String> r = call(valid(key1), true);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).at("/choices/0/text").asText()).isEqualTo("ok()");
        // cached: another request does not fetch the keys again
        int fetches = keyFetches.get();
        assertThat(call(valid(key1), true).statusCode()).isEqualTo(200);
        assertThat(keyFetches.get()).isEqualTo(fetches);
    }

    @Test
    void expiredForeignAndMisaddressedTokensAre401() throws Exception {
        int before = upstream.requests().size();
        assertThat(error(call(token(key1, "gitlab-ai-gateway", Instant.now().minusSeconds(3600)), true)))
                .containsIgnoringCase("expired");
        // another key under the same key id: the signature does not verify
        RSAKey impostor = new RSAKeyGenerator(2048).keyID("kid-1").generate();
        assertThat(error(call(valid(impostor), true))).contains("signature");
        assertThat(error(call(token(key1, "some-other-service", Instant.now().plusSeconds(3600)), true)))
                .containsIgnoringCase("audience");
        assertThat(error(call("not-a-jwt", true))).contains("JWT");
        assertThat(error(call(null, true))).contains("missing");
        assertThat(upstream.requests()).hasSize(before);
    }

    @Test
    void aSignedTokenWithoutTheOidcHeaderIsNotTakenForOne() throws Exception {
        assertThat(error(call(valid(key1), false))).isEqualTo("invalid bearer token");
    }

    @Test
    void staticTokensKeepWorkingBesideIt() {
        assertThat(call("static-token", false).statusCode()).isEqualTo(200);
        assertThat(call("static-token", true).statusCode()).isEqualTo(200);
        assertThat(call("wrong", false).statusCode()).isEqualTo(401);
        assertThat(gateway.get("/monitoring/healthz").statusCode()).isEqualTo(200);
    }

    @Test
    void aRotatedKeyIsPickedUpWithoutARestart() throws Exception {
        assertThat(call(valid(key1), true).statusCode()).isEqualTo(200);
        RSAKey key2 = new RSAKeyGenerator(2048).keyID("kid-2").generate();
        published.set(new JWKSet(List.of(key2.toPublicJWK(), key1.toPublicJWK())));
        String rotated = valid(key2);
        // an unknown key id fetches the keys again (at most once per gateway.auth.gitlab-keys-min-refresh)
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> call(rotated, true).statusCode() == 200);
        // made-up key ids do not make the gateway fetch per request
        int fetches = keyFetches.get();
        RSAKey unknown = new RSAKeyGenerator(2048).keyID("kid-made-up").generate();
        String madeUp = valid(unknown);
        long start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            assertThat(call(madeUp, true).statusCode()).isEqualTo(401);
        }
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(keyFetches.get()).isLessThanOrEqualTo(fetches + 1 + (int) (elapsedMs / MIN_REFRESH_MS));
    }
}
