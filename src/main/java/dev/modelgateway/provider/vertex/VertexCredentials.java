package dev.modelgateway.provider.vertex;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.auth.RequestMetadataCallback;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

import dev.modelgateway.api.GatewayException;

/**
 * Google credentials for Vertex calls, through google-auth-library: the service-account (or authorized-user) key of
 * {@code vertex_credentials} (a file path, or the key's JSON inline as LiteLLM allows), else Application Default
 * Credentials. One credentials object per key, kept for the gateway's life: the library caches the access token and
 * refreshes it before it expires (a key file's {@code token_uri} is honoured), and adds {@code x-goog-user-project}
 * for credentials that carry a quota project. Loading and refreshing block, so they run on a Vert.x worker, never on
 * the event loop. Tokens never leave this class except as the request's Authorization header.
 */
final class VertexCredentials {

    static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";
    private static final String ADC = "application-default";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Vertx vertx;
    private final Executor worker;

    private final Map<Source, CompletableFuture<GoogleCredentials>> byKey = new ConcurrentHashMap<>();

    VertexCredentials(Vertx vertx) {
        this.vertx = vertx;
        this.worker = task -> vertx.executeBlocking(() -> {
            task.run();
            return null;
        }, false);
    }

    /**
     * The credentials for this {@code vertex_credentials} setting (null = Application Default Credentials). A key whose
     * {@code token_uri} is a path rather than a URL (the shipped emulator key's {@code /vertex/token}) has it resolved
     * against {@code apiBase}'s scheme, host and port, so the emulator key follows the emulator's port.
     */
    CompletableFuture<GoogleCredentials> credentials(String setting, String apiBase) {
        String key = setting == null || setting.isBlank() ? ADC : setting.trim();
        Source source = new Source(key, apiBase == null || apiBase.isBlank() ? null : apiBase.trim());
        CompletableFuture<GoogleCredentials> loaded = byKey.computeIfAbsent(source, this::load);
        // a failed load (file missing, metadata server down) is retried on the next request, not cached for good
        loaded.whenComplete((c, e) -> {
            if (e != null) {
                byKey.remove(source, loaded);
            }
        });
        return loaded;
    }

    /** What a credentials object is made from. */
    private record Source(String key, String apiBase) {
    }

    /** The project a key names, for entries that set none. */
    static String projectOf(GoogleCredentials credentials) {
        if (credentials instanceof ServiceAccountCredentials sa) {
            return sa.getProjectId();
        }
        return credentials.getQuotaProjectId();
    }

    /** Authorization (and, with a quota project, x-goog-user-project) for a call to this URL. */
    CompletableFuture<Map<String, String>> headers(GoogleCredentials credentials, URI uri) {
        CompletableFuture<Map<String, String>> result = new CompletableFuture<>();
        Context caller = context();
        // answers at once from the cached token; a refresh runs on the worker executor
        credentials.getRequestMetadata(uri, worker, new RequestMetadataCallback() {
            @Override
            public void onSuccess(Map<String, List<String>> metadata) {
                Map<String, String> headers = new HashMap<>();
                metadata.forEach((name, values) -> {
                    if (!values.isEmpty()) {
                        headers.put(name, values.get(0));
                    }
                });
                // back on the caller's context, out of the blocking refresh task
                caller.runOnContext(v -> result.complete(headers));
            }

            @Override
            public void onFailure(Throwable exception) {
                caller.runOnContext(v -> result.completeExceptionally(new GatewayException(502, "upstream_auth_error",
                        "could not obtain a Google access token for Vertex AI (" + exception.getClass().getSimpleName()
                                + "): check vertex_credentials or Application Default Credentials")));
            }
        });
        return result;
    }

    private CompletableFuture<GoogleCredentials> load(Source source) {
        CompletableFuture<GoogleCredentials> result = new CompletableFuture<>();
        Context caller = context();
        caller.executeBlocking(() -> read(source), false).onComplete(ar -> {
            if (ar.succeeded()) {
                result.complete(ar.result());
            } else {
                result.completeExceptionally(ar.cause() instanceof GatewayException ge ? ge
                        : new GatewayException(500, "configuration_error", "Vertex AI credentials could not be "
                                + "loaded from " + describe(source.key()) + " ("
                                + ar.cause().getClass().getSimpleName() + ")"));
            }
        });
        return result;
    }

    /** The calling request's context, or a new event-loop context when called from elsewhere. */
    private Context context() {
        Context current = Vertx.currentContext();
        return current != null ? current : vertx.getOrCreateContext();
    }

    private static GoogleCredentials read(Source source) throws IOException {
        String key = source.key();
        GoogleCredentials credentials;
        if (ADC.equals(key)) {
            credentials = GoogleCredentials.getApplicationDefault();
        } else {
            byte[] json;
            if (key.startsWith("{")) {
                json = key.getBytes(StandardCharsets.UTF_8);
            } else {
                Path file = Path.of(key);
                if (!Files.isReadable(file)) {
                    throw new GatewayException(500, "configuration_error", "vertex_credentials file "
                            + describe(key) + " does not exist or is not readable");
                }
                json = Files.readAllBytes(file);
            }
            try (InputStream in = new ByteArrayInputStream(resolveTokenUri(json, source))) {
                credentials = GoogleCredentials.fromStream(in);
            }
        }
        return credentials.createScopedRequired() ? credentials.createScoped(List.of(SCOPE)) : credentials;
    }

    private static byte[] resolveTokenUri(byte[] json, Source source) throws IOException {
        JsonNode parsed = JSON.readTree(json);
        String tokenUri = parsed == null ? null : parsed.path("token_uri").asText(null);
        if (tokenUri == null || !tokenUri.startsWith("/")) {
            return json;
        }
        if (source.apiBase() == null) {
            throw new GatewayException(500, "configuration_error", "the key " + describe(source.key())
                    + " has a relative token_uri, which needs api_base");
        }
        URI base = URI.create(source.apiBase());
        ((ObjectNode) parsed).put("token_uri", base.getScheme() + "://" + base.getRawAuthority() + tokenUri);
        return JSON.writeValueAsBytes(parsed);
    }

    /** Names a key without showing it: a path is fine, inline JSON is not. */
    private static String describe(String key) {
        return ADC.equals(key) ? "Application Default Credentials" : key.startsWith("{") ? "the inline JSON key"
                : "'" + key + "'";
    }
}
