package dev.modelgateway.auth;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * The signing keys a GitLab instance publishes (OIDC discovery: {@code <gitlab-url>/.well-known/openid-configuration}
 * names {@code jwks_uri}), fetched with the gateway's Vert.x client so no thread waits, and cached: for a day, as the
 * AI Gateway does (docs/auth.md there), and fetched again at once when a token names a key id the cache lacks (the
 * instance rotated its key), at most once per {@code minRefresh} so made-up key ids cannot make it fetch per request.
 * One fetch at a time: requests that need keys meanwhile wait for that same fetch.
 */
public final class GitLabKeys {

    private static final Logger LOG = LoggerFactory.getLogger(GitLabKeys.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIME_TO_LIVE = Duration.ofHours(24);
    private static final int TIMEOUT_MS = 10_000;

    private final HttpClient client;
    private final String gitlabUrl;
    private final long minRefreshMillis;
    private final LongSupplier clock;
    private final AtomicReference<CompletableFuture<JWKSet>> fetching = new AtomicReference<>();
    private volatile JWKSet keys;
    private volatile long fetchedAt;
    private volatile long lastFetchStarted = Long.MIN_VALUE / 2;

    public GitLabKeys(Vertx vertx, String gitlabUrl, Duration minRefresh) {
        this(vertx, gitlabUrl, minRefresh, System::currentTimeMillis);
    }

    GitLabKeys(Vertx vertx, String gitlabUrl, Duration minRefresh, LongSupplier clock) {
        this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(TIMEOUT_MS)
                .setIdleTimeout(TIMEOUT_MS / 1000).setMaxPoolSize(2));
        this.gitlabUrl = gitlabUrl.replaceAll("/+$", "");
        this.minRefreshMillis = minRefresh.toMillis();
        this.clock = clock;
    }

    public String gitlabUrl() {
        return gitlabUrl;
    }

    /**
     * The instance's RSA signing keys with this key id (any, when the token names none): from the cache, or from a
     * fetch when the cache has none for it. Empty when the instance publishes no such key.
     */
    public CompletableFuture<List<JWK>> forKeyId(String kid) {
        JWKSet cached = keys;
        long now = clock.getAsLong();
        if (cached != null) {
            List<JWK> found = select(cached, kid);
            boolean stale = now - fetchedAt > TIME_TO_LIVE.toMillis();
            if (!found.isEmpty()) {
                if (stale) {
                    refresh(); // in the background: the cached key still serves this request
                }
                return CompletableFuture.completedFuture(found);
            }
            if (!stale && now - lastFetchStarted < minRefreshMillis) {
                return CompletableFuture.completedFuture(List.of());
            }
        }
        return refresh().thenApply(set -> select(set, kid));
    }

    /** Fetches the keys now (or joins the fetch under way); the cache keeps the old keys when it fails. */
    public CompletableFuture<JWKSet> refresh() {
        CompletableFuture<JWKSet> mine = new CompletableFuture<>();
        CompletableFuture<JWKSet> running = fetching.compareAndExchange(null, mine);
        if (running != null) {
            return running;
        }
        lastFetchStarted = clock.getAsLong();
        String discovery = gitlabUrl + "/.well-known/openid-configuration";
        get(discovery).compose(body -> {
            JsonNode config;
            try {
                config = JSON.readTree(body.getBytes());
            } catch (Exception e) {
                return Future.failedFuture(discovery + " is not JSON");
            }
            String jwksUri = config == null ? null : config.path("jwks_uri").asText(null);
            if (jwksUri == null || jwksUri.isBlank()) {
                return Future.failedFuture(discovery + " names no jwks_uri");
            }
            return get(jwksUri);
        }).onComplete(result -> {
            fetching.set(null);
            if (result.failed()) {
                LOG.warn("could not fetch the signing keys of GitLab instance {}: {}", gitlabUrl,
                        result.cause().getMessage());
                mine.completeExceptionally(result.cause());
                return;
            }
            try {
                JWKSet set = JWKSet.parse(result.result().toString()).toPublicJWKSet();
                keys = set;
                fetchedAt = clock.getAsLong();
                LOG.info("signing keys of GitLab instance {}: {}", gitlabUrl,
                        set.getKeys().stream().map(JWK::getKeyID).toList());
                mine.complete(set);
            } catch (Exception e) {
                LOG.warn("the signing keys of GitLab instance {} do not parse: {}", gitlabUrl, e.getMessage());
                mine.completeExceptionally(e);
            }
        });
        return mine;
    }

    private Future<Buffer> get(String url) {
        return client.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url)
                        .putHeader("Accept", "application/json").setIdleTimeout(TIMEOUT_MS))
                .compose(req -> req.send())
                .compose(resp -> resp.statusCode() == 200 ? resp.body()
                        : Future.failedFuture(url + " answered " + resp.statusCode()));
    }

    private static List<JWK> select(JWKSet set, String kid) {
        JWKMatcher.Builder matcher = new JWKMatcher.Builder().keyType(KeyType.RSA).keyUses(KeyUse.SIGNATURE, null);
        if (kid != null) {
            matcher.keyID(kid);
        }
        return new JWKSelector(matcher.build()).select(set);
    }
}
