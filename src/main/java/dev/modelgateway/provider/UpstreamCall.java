package dev.modelgateway.provider;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import dev.modelgateway.api.GatewayException;

/**
 * One request's cancellation signal, shared by every attempt, retry and fail-over made for it. It fires once, with
 * the reason the client is given (or none, when the client has gone): a client that leaves, a prompt's
 * {@code params.timeout}, the whole-call deadline, a client that stopped reading. Whatever holds upstream resources
 * registers {@link #onCancel} (reset the connection, cancel the SDK call, stop a timer); retries and fail-over check
 * {@link #isCancelled}. Thread-safe: it is fired from the client's event loop and read from the upstream's.
 */
public final class UpstreamCall {

    private final List<Consumer<GatewayException>> hooks = new ArrayList<>();
    private GatewayException reason;
    private boolean cancelled;
    private volatile CallEvents events = CallEvents.NONE;
    /** System.nanoTime() of the whole-call deadline; 0: none. */
    private volatile long deadline;

    /** A call that only its holder can cancel (no deadline): what a request gets until ProviderCall starts it. */
    public static UpstreamCall detached() {
        return new UpstreamCall();
    }

    /** Who hears of this request's retries (the request's {@link CallEvents}); set once by whoever makes the call. */
    public UpstreamCall reportingTo(CallEvents listener) {
        this.events = listener == null ? CallEvents.NONE : listener;
        return this;
    }

    public CallEvents events() {
        return events;
    }

    /** The whole-call deadline, as a {@link System#nanoTime()} value: a retry that could only start after it waits not. */
    public UpstreamCall until(long deadlineNanos) {
        this.deadline = deadlineNanos;
        return this;
    }

    /** Whether a whole-call deadline is armed (ProviderCall arms one; a call made outside a route has none). */
    public boolean hasDeadline() {
        return deadline != 0;
    }

    /** Millis left before the whole-call deadline; {@link Long#MAX_VALUE} when there is none. */
    public long millisLeft() {
        long d = deadline;
        return d == 0 ? Long.MAX_VALUE : Math.max(0, (d - System.nanoTime()) / 1_000_000);
    }

    public synchronized boolean isCancelled() {
        return cancelled;
    }

    /** Why the call was cancelled: the client's answer (504 for a deadline), or {@link #clientGone} if nobody waits. */
    public synchronized GatewayException reason() {
        return reason;
    }

    /** Fires the signal once: every hook runs (on the caller's thread); later calls do nothing and return false. */
    public boolean cancel(GatewayException why) {
        List<Consumer<GatewayException>> run;
        synchronized (this) {
            if (cancelled) {
                return false;
            }
            cancelled = true;
            reason = why;
            run = new ArrayList<>(hooks);
            hooks.clear();
        }
        for (Consumer<GatewayException> hook : run) {
            try {
                hook.accept(why);
            } catch (RuntimeException ignored) {
                // a hook that fails must not keep the others from releasing what they hold
            }
        }
        return true;
    }

    /**
     * Runs {@code hook} when the call is cancelled (at once if it already is). Returns what removes it again, for a
     * resource released earlier (an attempt that ended, a timer that fired).
     */
    public Runnable onCancel(Consumer<GatewayException> hook) {
        GatewayException already;
        synchronized (this) {
            if (!cancelled) {
                hooks.add(hook);
                return () -> {
                    synchronized (this) {
                        hooks.remove(hook);
                    }
                };
            }
            already = reason;
        }
        hook.accept(already);
        return () -> {
        };
    }

    /** Drops the hooks of a call that ended normally, so nothing it held stays reachable. */
    public synchronized void release() {
        hooks.clear();
    }

    /** The reason for a client that went away: nobody reads the answer, so nothing is written or logged above DEBUG. */
    public static GatewayException clientGone() {
        return new GatewayException(499, "client_closed_request", "the client closed the connection");
    }

    public static boolean isClientGone(GatewayException e) {
        return e != null && e.status() == 499;
    }
}
