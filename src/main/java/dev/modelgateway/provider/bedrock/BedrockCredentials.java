package dev.modelgateway.provider.bedrock;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The credentials of one Bedrock configuration, as the AWS SDK's providers give them (default chain, static keys,
 * profile, STS assume-role), held ready for signing. The providers may block (a file, the instance metadata service,
 * an STS call), so they are only ever asked on {@code executor}, never on the calling (event-loop) thread: a call
 * signs with the held credentials at once; credentials that expire within {@link #REFRESH_AHEAD} (or, without an
 * expiry, were fetched more than {@link #RECHECK} ago) are refreshed in the background meanwhile; only the first call,
 * or one after the credentials have expired, waits for the provider. A failed fetch is not kept.
 */
final class BedrockCredentials {

    /** Refresh this long before the credentials expire (the SDK's own providers prefetch about as early). */
    static final Duration REFRESH_AHEAD = Duration.ofMinutes(5);
    /** Credentials without an expiry (static, env, profile) are asked again this often, to follow a rotation. */
    static final Duration RECHECK = Duration.ofMinutes(5);
    /** Not used closer to their expiry than this: a request signed now must still be valid when it arrives. */
    static final Duration USABLE_UNTIL = Duration.ofSeconds(30);

    private record Held(AwsCredentialsIdentity identity, Instant fetched) {
    }

    private final AwsCredentialsProvider provider;
    private final Executor executor;
    private final Clock clock;
    private volatile Held held;
    private final AtomicReference<CompletableFuture<AwsCredentialsIdentity>> fetching = new AtomicReference<>();

    BedrockCredentials(AwsCredentialsProvider provider, Executor executor, Clock clock) {
        this.provider = provider;
        this.executor = executor;
        this.clock = clock;
    }

    AwsCredentialsProvider provider() {
        return provider;
    }

    /** Credentials to sign with now; completes at once unless none usable are held. */
    CompletableFuture<AwsCredentialsIdentity> current() {
        Held h = held;
        Instant now = clock.instant();
        if (h != null && usable(h, now)) {
            if (dueForRefresh(h, now)) {
                fetch();
            }
            return CompletableFuture.completedFuture(h.identity());
        }
        return fetch();
    }

    private static boolean usable(Held h, Instant now) {
        return h.identity().expirationTime().map(e -> now.isBefore(e.minus(USABLE_UNTIL))).orElse(true);
    }

    private static boolean dueForRefresh(Held h, Instant now) {
        return h.identity().expirationTime().map(e -> !now.isBefore(e.minus(REFRESH_AHEAD)))
                .orElse(!now.isBefore(h.fetched().plus(RECHECK)));
    }

    /** One fetch at a time, on the executor; callers arriving meanwhile share it. */
    private CompletableFuture<AwsCredentialsIdentity> fetch() {
        CompletableFuture<AwsCredentialsIdentity> mine = new CompletableFuture<>();
        CompletableFuture<AwsCredentialsIdentity> running = fetching.compareAndExchange(null, mine);
        if (running != null) {
            return running;
        }
        try {
            executor.execute(() -> {
                try {
                    AwsCredentialsIdentity identity = provider.resolveCredentials();
                    held = new Held(identity, clock.instant());
                    fetching.set(null);
                    mine.complete(identity);
                } catch (RuntimeException e) {
                    fetching.set(null);
                    mine.completeExceptionally(e);
                }
            });
        } catch (RuntimeException rejected) {
            fetching.set(null);
            mine.completeExceptionally(rejected);
        }
        return mine;
    }
}
