package dev.modelgateway.provider;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.vertx.core.Vertx;

import dev.modelgateway.api.GatewayException;

/**
 * Retries an upstream call that was not answered (a connection failure, 429, a 5xx before any body) with exponential
 * backoff and full jitter, honouring a short Retry-After; never a 4xx, a timeout of ours, or an answer whose body
 * turned out bad (the model ran: a retry would run and bill it again). A cancelled request is not tried again, and a
 * backoff in progress ends at once. Waiting is a Vert.x timer: no thread sleeps.
 */
public final class Retrier {

    private final Vertx vertx;
    private final UpstreamSettings settings;

    public Retrier(Vertx vertx, UpstreamSettings settings) {
        this.vertx = vertx;
        this.settings = settings;
    }

    /** With the request's own limits ({@link UpstreamSettings#limits}) and its cancellation signal. */
    public <T> CompletableFuture<T> call(String provider, ModelRequest request, Supplier<CompletableFuture<T>> attempt) {
        return call(provider, request.call(), settings.limits(request).maxRetries(), attempt);
    }

    public <T> CompletableFuture<T> call(String provider, UpstreamCall signal, int maxRetries,
            Supplier<CompletableFuture<T>> attempt) {
        CompletableFuture<T> result = new CompletableFuture<>();
        run(provider, signal, maxRetries, attempt, 0, result);
        return result;
    }

    private <T> void run(String provider, UpstreamCall signal, int maxRetries, Supplier<CompletableFuture<T>> attempt,
            int tried, CompletableFuture<T> result) {
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
            if (delay < 0) {
                result.completeExceptionally(failure);
                return;
            }
            AtomicReference<Runnable> unhook = new AtomicReference<>(() -> {
            });
            long timer = vertx.setTimer(Math.max(1, delay), id -> {
                unhook.get().run();
                run(provider, signal, maxRetries, attempt, tried + 1, result);
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
