package dev.modelgateway.router;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * {@link DeploymentState} for one gateway instance: a small record per deployment id, updated under its own lock.
 * Windows are calendar minutes, as LiteLLM's usage and failure counters are.
 */
public final class InMemoryDeploymentState implements DeploymentState {

    private static final int LATENCY_SAMPLES = 10;

    private final ConcurrentMap<String, Entry> entries = new ConcurrentHashMap<>();

    private static final class Entry {
        long minute = -1;
        int failures;
        int requests;
        long tokens;
        long coolingUntil;
        int inFlight;
        long lastFailureAt;
        final long[] latencies = new long[LATENCY_SAMPLES];
        int samples;
        int next;

        /** Resets the counters when a new minute began. */
        void roll(long now) {
            long m = now / 60_000;
            if (m != minute) {
                minute = m;
                failures = 0;
                requests = 0;
                tokens = 0;
            }
        }

        boolean atLimit(Integer rpm, Integer tpm) {
            return rpm != null && requests >= rpm || tpm != null && tokens >= tpm;
        }
    }

    private Entry entry(String id) {
        return entries.computeIfAbsent(id, k -> new Entry());
    }

    @Override
    public long coolingUntil(String id, long now) {
        Entry e = entries.get(id);
        if (e == null) {
            return 0;
        }
        synchronized (e) {
            return e.coolingUntil > now ? e.coolingUntil : 0;
        }
    }

    @Override
    public boolean failed(String id, int allowedFails, Duration cooldown, long now) {
        Entry e = entry(id);
        synchronized (e) {
            e.roll(now);
            e.failures++;
            e.lastFailureAt = now;
            if (e.failures > allowedFails && e.coolingUntil <= now) {
                e.coolingUntil = now + cooldown.toMillis();
                e.failures = 0;
                return true;
            }
            return false;
        }
    }

    @Override
    public void succeeded(String id, long latencyMillis, long tokens, long now) {
        Entry e = entry(id);
        synchronized (e) {
            e.roll(now);
            e.tokens += Math.max(0, tokens);
            e.latencies[e.next] = latencyMillis;
            e.next = (e.next + 1) % LATENCY_SAMPLES;
            e.samples = Math.min(LATENCY_SAMPLES, e.samples + 1);
        }
    }

    @Override
    public boolean tryTake(String id, Integer rpm, Integer tpm, long now) {
        Entry e = entry(id);
        synchronized (e) {
            e.roll(now);
            if (e.atLimit(rpm, tpm)) {
                return false;
            }
            e.requests++;
            return true;
        }
    }

    @Override
    public boolean atLimit(String id, Integer rpm, Integer tpm, long now) {
        if (rpm == null && tpm == null) {
            return false;
        }
        Entry e = entry(id);
        synchronized (e) {
            e.roll(now);
            return e.atLimit(rpm, tpm);
        }
    }

    @Override
    public void started(String id) {
        Entry e = entry(id);
        synchronized (e) {
            e.inFlight++;
        }
    }

    @Override
    public void ended(String id) {
        Entry e = entry(id);
        synchronized (e) {
            e.inFlight = Math.max(0, e.inFlight - 1);
        }
    }

    @Override
    public int inFlight(String id) {
        Entry e = entries.get(id);
        if (e == null) {
            return 0;
        }
        synchronized (e) {
            return e.inFlight;
        }
    }

    @Override
    public double latencyMillis(String id) {
        Entry e = entries.get(id);
        if (e == null) {
            return 0;
        }
        synchronized (e) {
            if (e.samples == 0) {
                return 0;
            }
            long sum = 0;
            for (int i = 0; i < e.samples; i++) {
                sum += e.latencies[i];
            }
            return (double) sum / e.samples;
        }
    }

    @Override
    public long tokensThisMinute(String id, long now) {
        Entry e = entries.get(id);
        if (e == null) {
            return 0;
        }
        synchronized (e) {
            e.roll(now);
            return e.tokens;
        }
    }

    @Override
    public Health health(String id, Integer rpm, Integer tpm, long now) {
        Entry e = entries.get(id);
        if (e == null) {
            return Health.OK;
        }
        synchronized (e) {
            e.roll(now);
            if (e.coolingUntil > now) {
                return Health.COOLING_DOWN;
            }
            if (e.atLimit(rpm, tpm)) {
                return Health.RATE_LIMITED;
            }
            return e.failures > 0 ? Health.FAILING : Health.OK;
        }
    }
}
