package dev.modelgateway.provider.azure;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.microsoft.aad.msal4j.MsalServiceException;

import io.vertx.core.Vertx;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.config.ModelDeployment;
import dev.modelgateway.provider.UpstreamErrors;

/**
 * Microsoft Entra tokens through azure-identity: client credentials ({@code tenant_id}, {@code client_id},
 * {@code client_secret}) or a managed identity ({@code azure_use_managed_identity: true}, {@code client_id} for a
 * user-assigned one). One credential per distinct configuration, each behind a {@link Cached} token: reused until
 * shortly before it expires, refreshed once for all concurrent callers, and fetched without blocking (the Mono is
 * subscribed, never blocked on; azure-identity's HTTP runs on the gateway's Vert.x).
 */
final class EntraTokens {

    static final String DEFAULT_SCOPE = "https://cognitiveservices.azure.com/.default";

    private final Vertx vertx;
    private final Map<String, Cached> caches = new ConcurrentHashMap<>();

    EntraTokens(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Runs a task on a Vert.x worker: a token fetch is started there, never on the caller's event loop. */
    private void offLoop(Runnable task) {
        vertx.executeBlocking(() -> {
            task.run();
            return null;
        }, false);
    }

    /** Whether the deployment is configured for an Entra credential that azure-identity obtains. */
    static boolean configured(ModelDeployment model) {
        return managedIdentity(model) || model.firstParam("tenant_id") != null
                && model.firstParam("client_id") != null && model.firstParam("client_secret") != null;
    }

    private static boolean managedIdentity(ModelDeployment model) {
        return Boolean.parseBoolean(model.param("azure_use_managed_identity", "false"));
    }

    /** A bearer token for the deployment; the future completes off the caller's thread when a fetch is needed. */
    CompletableFuture<String> token(ModelDeployment model) {
        String scope = model.param("azure_scope", DEFAULT_SCOPE);
        Cached cached = caches.computeIfAbsent(key(model, scope),
                k -> new Cached(credential(model), new TokenRequestContext().addScopes(scope), this::offLoop));
        CompletableFuture<String> result = new CompletableFuture<>();
        cached.get().whenComplete((token, error) -> {
            if (error != null) {
                result.completeExceptionally(failure(model, error));
            } else {
                result.complete(token.getToken());
            }
        });
        return result;
    }

    /**
     * One credential's token. azure-core's SimpleTokenCache waits 30 s between refresh attempts even for an expired
     * token, which stalls requests after a short-lived token; this one refreshes as soon as the token is due.
     */
    static final class Cached {
        /** Refresh this long before expiry, at most half the token's lifetime. */
        private static final Duration MARGIN = Duration.ofMinutes(5);

        private final TokenCredential credential;
        private final TokenRequestContext context;
        private final java.util.concurrent.Executor startOn;
        private AccessToken token;
        private OffsetDateTime refreshAt;
        private CompletableFuture<AccessToken> inFlight;

        /**
         * {@code startOn}: where a fetch is subscribed. azure-identity may do blocking work on the subscribing thread
         * (building its MSAL client, a managed identity's probe), and a request may ask from an event loop.
         */
        Cached(TokenCredential credential, TokenRequestContext context, java.util.concurrent.Executor startOn) {
            this.credential = credential;
            this.context = context;
            this.startOn = startOn;
        }

        synchronized CompletableFuture<AccessToken> get() {
            OffsetDateTime now = OffsetDateTime.now();
            if (token != null && now.isBefore(refreshAt)) {
                return CompletableFuture.completedFuture(token);
            }
            CompletableFuture<AccessToken> fetch = inFlight;
            if (fetch == null) {
                fetch = CompletableFuture.supplyAsync(() -> credential.getToken(context).toFuture(), startOn)
                        .thenCompose(f -> f);
                inFlight = fetch;
                fetch.whenComplete((fresh, error) -> settle(fresh, now));
            }
            if (token != null && !token.isExpired()) {
                // due for refresh but still valid: serve it while the new one is fetched
                return CompletableFuture.completedFuture(token);
            }
            return fetch;
        }

        private synchronized void settle(AccessToken fresh, OffsetDateTime fetchedAt) {
            inFlight = null;
            if (fresh != null) {
                token = fresh;
                Duration lifetime = Duration.between(fetchedAt, fresh.getExpiresAt());
                Duration margin = lifetime.dividedBy(2).compareTo(MARGIN) < 0 ? lifetime.dividedBy(2) : MARGIN;
                refreshAt = fresh.getExpiresAt().minus(margin);
            }
        }
    }

    private TokenCredential credential(ModelDeployment model) {
        String authority = model.param("azure_authority_host");
        VertxAzureHttpClient http = new VertxAzureHttpClient(vertx, model.param("ssl_verify"), 30_000);
        if (managedIdentity(model)) {
            ManagedIdentityCredentialBuilder builder = new ManagedIdentityCredentialBuilder().httpClient(http);
            String clientId = model.firstParam("client_id");
            if (clientId != null) {
                builder.clientId(clientId);
            }
            return builder.build();
        }
        ClientSecretCredentialBuilder builder = new ClientSecretCredentialBuilder()
                .tenantId(model.param("tenant_id"))
                .clientId(model.param("client_id"))
                .clientSecret(model.param("client_secret"))
                .httpClient(http);
        if (authority != null && !authority.isBlank()) {
            // a sovereign cloud, Azure Stack or a private endpoint: taken as given, no instance discovery
            builder.authorityHost(authority).disableInstanceDiscovery();
        }
        return builder.build();
    }

    /** Never the secret itself: its digest tells configurations apart. */
    private static String key(ModelDeployment model, String scope) {
        return String.join("|", String.valueOf(managedIdentity(model)), model.param("azure_authority_host", ""),
                model.param("tenant_id", ""), model.param("client_id", ""), digest(model.param("client_secret", "")),
                model.param("ssl_verify", ""), scope);
    }

    private static String digest(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Entra's refusal is a credentials problem; anything else means the token endpoint could not be reached. */
    private static GatewayException failure(ModelDeployment model, Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && !(cause instanceof MsalServiceException)) {
            cause = cause.getCause();
        }
        if (cause instanceof MsalServiceException msal) {
            return new GatewayException(502, "upstream_auth_error", "Microsoft Entra refused the credentials of model '"
                    + model.alias() + "' (" + msal.errorCode() + ", HTTP " + msal.statusCode() + ")");
        }
        GatewayException unreachable = UpstreamErrors.unwrap(error, "azure");
        return new GatewayException(503, "upstream_unavailable", "could not obtain a Microsoft Entra token for model '"
                + model.alias() + "': " + unreachable.getMessage());
    }
}
