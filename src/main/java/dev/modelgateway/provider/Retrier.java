package dev.modelgateway.provider;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import io.vertx.core.Vertx;

import dev.modelgateway.api.GatewayException;

/**
 * Retries an upstream call on 429 and 5xx with exponential backoff and full jitter, honouring a short Retry-After;
 * never on 4xx. Waiting is a Vert.x timer: no thread sleeps.
 */
public final class Retrier {

    private final Vertx vertx;
    private final UpstreamSettings settings;

    public Retrier(Vertx vertx, UpstreamSettings settings) {
        this.vertx = vertx;
        this.settings = settings;
    }

    public <T> CompletableFuture<T> call(String provider, Supplier<CompletableFuture<T>> attempt) {
        CompletableFuture<T> result = new CompletableFuture<>();
        run(provider, attempt, 0, result);
        return result;
    }

    private <T> void run(String provider, Supplier<CompletableFuture<T>> attempt, int tried, CompletableFuture<T> result) {
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
            GatewayException failure = UpstreamErrors.unwrap(error, provider);
            long delay = tried < settings.maxRetries() && failure.isTransient() ? delayMillis(failure, tried) : -1;
            if (delay < 0) {
                result.completeExceptionally(failure);
                return;
            }
            vertx.setTimer(Math.max(1, delay), id -> run(provider, attempt, tried + 1, result));
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

    private static Long retryAfterMillis(String retryAfter) {
        if (retryAfter == null) {
            return null;
        }
        try {
            return Math.round(Double.parseDouble(retryAfter.trim()) * 1000);
        } catch (NumberFormatException httpDate) {
            return null;
        }
    }
}
