package dev.modelgateway.provider;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.vertx.core.Vertx;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.config.ModelDeployment;

/**
 * Retries an upstream call that was not answered (a connection failure, 429, a 5xx before any body) with exponential
 * backoff and full jitter, honouring a short Retry-After; never a 4xx, a timeout of ours, or an answer whose body
 * turned out bad (the model ran: a retry would run and bill it again). A cancelled request is not tried again, and a
 * backoff in progress ends at once. A wait the upstream asks for that is longer than gateway.upstream.max-backoff, or
 * that would end past the request's deadline, is not waited: the client gets the upstream's answer and its
 * Retry-After at once. Each retry is reported to the request's {@link CallEvents}. Waiting is a Vert.x timer: no
 * thread sleeps.
 */
public final class Retrier {

    private final Vertx vertx;
    private final UpstreamSettings settings;

    public Retrier(Vertx vertx, UpstreamSettings settings) {
        this.vertx = vertx;
        this.settings = settings;
    }

    /**
     * With the request's own limits ({@link UpstreamSettings#limits}: the deployment's {@code max_retries}, else
     * router/litellm {@code num_retries}, else gateway.upstream.max-retries), its cancellation signal and deadline.
     */
    public <T> CompletableFuture<T> call(String provider, ModelRequest request, Supplier<CompletableFuture<T>> attempt) {
        CompletableFuture<T> result = new CompletableFuture<>();
        run(provider, request.model(), request.call(), settings.limits(request).maxRetries(), attempt, 0, result);
        return result;
    }

    public <T> CompletableFuture<T> call(String provider, UpstreamCall signal, int maxRetries,
            Supplier<CompletableFuture<T>> attempt) {
        CompletableFuture<T> result = new CompletableFuture<>();
        run(provider, null, signal, maxRetries, attempt, 0, result);
        return result;
    }

    private <T> void run(String provider, ModelDeployment deployment, UpstreamCall signal, int maxRetries,
            Supplier<CompletableFuture<T>> attempt, int tried, CompletableFuture<T> result) {
        if (signal.isCancelled()) {
            result.completeExceptionally(signal.reason());
            return;
        }
        CompletableFuture<T> future;
        try {
            future = attempt.get();
        } catch (RuntimeException e) {
            result.completeExceptionally(UpstreamErrors.unwrap(e, provider));
            return;
        }
        future.whenComplete((value, error) -> {
            if (error == null) {
                result.complete(value);
                return;
            }
            GatewayException failure = signal.isCancelled() ? signal.reason() : UpstreamErrors.unwrap(error, provider);
            long delay = tried < maxRetries && !signal.isCancelled() && UpstreamErrors.retryable(failure)
                    ? delayMillis(failure, tried) : -1;
            if (delay >= 0 && delay >= signal.millisLeft()) {
                // the wait would outlast the request: the upstream's own answer now beats our 504 later
                delay = -1;
            }
            if (delay < 0) {
                result.completeExceptionally(failure);
                return;
            }
            if (deployment != null) {
                signal.events().retrying(deployment, failure);
            }
            AtomicReference<Runnable> unhook = new AtomicReference<>(() -> {
            });
            long timer = vertx.setTimer(Math.max(1, delay), id -> {
                unhook.get().run();
                run(provider, deployment, signal, maxRetries, attempt, tried + 1, result);
            });
            unhook.set(signal.onCancel(why -> {
                if (vertx.cancelTimer(timer)) {
                    result.completeExceptionally(why);
                }
            }));
        });
    }

    /** Backoff for the given attempt, or -1 when the upstream asks for a longer wait than we are allowed. */
    long delayMillis(GatewayException failure, int tried) {
        long cap = settings.maxBackoff().toMillis();
        Long asked = retryAfterMillis(failure.retryAfter());
        if (asked != null) {
            return asked > cap ? -1 : asked;
        }
        long ceiling = Math.min(cap, settings.initialBackoff().toMillis() << Math.min(tried, 20));
        return ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
    }

    /** Seconds (fractional from retry-after-ms) or an HTTP date (RFC 9110 10.2.3); null when unreadable. */
    static Long retryAfterMillis(String retryAfter) {
        if (retryAfter == null) {
            return null;
        }
        try {
            return Math.max(0, Math.round(Double.parseDouble(retryAfter.trim()) * 1000));
        } catch (NumberFormatException httpDate) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(retryAfter.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, at.toInstant().toEpochMilli() - System.currentTimeMillis());
            } catch (DateTimeParseException unreadable) {
                return null;
            }
        }
    }
}
