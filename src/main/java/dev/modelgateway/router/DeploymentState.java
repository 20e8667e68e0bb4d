package dev.modelgateway.router;

import java.time.Duration;

/**
 * What the router remembers about each deployment, keyed by its id ({@code model_info.id}): failures of the current
 * minute and cooldowns, requests and tokens of the current minute (rpm/tpm), requests in flight and latency. In memory
 * here ({@link InMemoryDeploymentState}); several gateway instances would share one store behind this interface.
 * It outlives a models.yaml reload, since it is keyed by id and not held by the catalogue.
 */
public interface DeploymentState {

    /** What /status and the deployment-state metric show. */
    enum Health { OK, COOLING_DOWN, FAILING, RATE_LIMITED }

    /** Epoch millis until which the deployment cools down; 0 when it does not. */
    long coolingUntil(String id, long now);

    /**
     * Counts a failure in the current minute; past {@code allowedFails} the deployment cools down for
     * {@code cooldown}. True when this failure started a cooldown.
     */
    boolean failed(String id, int allowedFails, Duration cooldown, long now);

    /** A successful call: its latency (whole call, or the time to first token of a stream) and tokens used. */
    void succeeded(String id, long latencyMillis, long tokens, long now);

    /** Takes one request of this minute's {@code rpm}; false (nothing taken) when the deployment is at rpm or tpm. */
    boolean tryTake(String id, Integer rpm, Integer tpm, long now);

    /** Whether the deployment is at its rpm or tpm for the current minute. */
    boolean atLimit(String id, Integer rpm, Integer tpm, long now);

    void started(String id);

    void ended(String id);

    int inFlight(String id);

    /** Average latency in millis over recent successes; 0 when none is known yet (LiteLLM tries those first). */
    double latencyMillis(String id);

    /** Tokens used in the current minute. */
    long tokensThisMinute(String id, long now);

    Health health(String id, Integer rpm, Integer tpm, long now);

    /** Millis until the next rpm/tpm window (the next minute). */
    static long millisToNextWindow(long now) {
        return 60_000 - now % 60_000;
    }
}
