package dev.modelgateway.observe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The last 15 minutes of each deployment, per minute (requests, errors, latency and time-to-first-token samples,
 * tokens), its state and its last check: what /status shows and readiness reads. Keyed by deployment id, so it
 * survives a models.yaml reload. The state comes from the router's cooldown state when one is set
 * ({@link #stateSource}), else from the deployment's own last outcomes.
 */
public final class DeploymentStats {

    public static final int MINUTES = 15;
    /** How long a failure keeps a deployment "failing" when nothing has succeeded since. */
    static final long FAILING_MILLIS = 60_000;
    private static final int SAMPLES = 64;

    public static final String OK = "ok";
    public static final String FAILING = "failing";
    public static final String RATE_LIMITED = "rate_limited";
    public static final String COOLING_DOWN = "cooling_down";
    public static final List<String> STATES = List.of(OK, COOLING_DOWN, FAILING, RATE_LIMITED);

    /** The result of the last model check of a deployment. */
    public record Check(long atMillis, boolean ok, int status, long latencyMs, String error) {
    }

    /** One minute of one deployment, copied out for rendering. */
    public record Minute(long minute, int requests, int errors, long tokensIn, long tokensOut, long latencyMeanMs) {
    }

    /** What /status shows for a deployment over the window. */
    public record Summary(int requests, int errors, long p50Ms, long p95Ms, long ttftP50Ms, long ttftP95Ms,
            long tokensIn, long tokensOut, List<Minute> minutes) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final LongSupplier clock;
    private volatile Function<String, String> stateSource;

    public DeploymentStats() {
        this(System::currentTimeMillis);
    }

    DeploymentStats(LongSupplier clock) {
        this.clock = clock;
    }

    /**
     * Lets the router (cooldowns, rate limits) say a deployment's state; it returns null for "no opinion", and the
     * deployment's own outcomes decide.
     */
    public void stateSource(Function<String, String> source) {
        this.stateSource = source;
    }

    Entry entry(String id) {
        return entries.computeIfAbsent(id, k -> new Entry());
    }

    /** A finished request served (or failed) by this deployment. */
    public void request(String id, long latencyMs, long ttftMs, int tokensIn, int tokensOut, boolean error) {
        entry(id).record(clock.getAsLong(), latencyMs, ttftMs, tokensIn, tokensOut, error);
    }

    /** An upstream outcome: a success clears a failure; a server, auth or rate-limit failure marks the deployment. */
    public void outcome(String id, int status) {
        Entry e = entry(id);
        long now = clock.getAsLong();
        if (status < 400) {
            e.lastOkAt = now;
        } else if (status >= 500 || status == 401 || status == 403 || status == 404 || status == 429) {
            e.lastFailureStatus = status;
            e.lastFailureAt = now;
        }
    }

    public void check(String id, Check check) {
        entry(id).lastCheck = check;
        outcome(id, check.ok() ? 200 : check.status() == 0 ? 503 : check.status());
    }

    public Check lastCheck(String id) {
        Entry e = entries.get(id);
        return e == null ? null : e.lastCheck;
    }

    public String state(String id) {
        Function<String, String> source = stateSource;
        String routed = source == null ? null : source.apply(id);
        if (routed != null) {
            return routed;
        }
        Entry e = entries.get(id);
        if (e == null || e.lastFailureAt <= e.lastOkAt || clock.getAsLong() - e.lastFailureAt > FAILING_MILLIS) {
            return OK;
        }
        return e.lastFailureStatus == 429 ? RATE_LIMITED : FAILING;
    }

    /**
     * Usable = may serve a request now: not cooling down (the router's judgement of failed requests), and not failing
     * its last model check with nothing served since. One failed request alone does not make it unusable.
     */
    public boolean usable(String id) {
        if (COOLING_DOWN.equals(state(id))) {
            return false;
        }
        Entry e = entries.get(id);
        Check c = e == null ? null : e.lastCheck;
        return c == null || c.ok() || e.lastOkAt > c.atMillis();
    }

    public Summary summary(String id) {
        Entry e = entries.get(id);
        long nowMinute = clock.getAsLong() / 60_000;
        List<Minute> minutes = new ArrayList<>(MINUTES);
        if (e == null) {
            for (long m = nowMinute - MINUTES + 1; m <= nowMinute; m++) {
                minutes.add(new Minute(m, 0, 0, 0, 0, 0));
            }
            return new Summary(0, 0, 0, 0, 0, 0, 0, 0, minutes);
        }
        return e.summary(nowMinute);
    }

    static final class Entry {
        private final Slot[] slots = new Slot[MINUTES];
        volatile long lastOkAt;
        volatile long lastFailureAt;
        volatile int lastFailureStatus;
        volatile Check lastCheck;

        Entry() {
            for (int i = 0; i < MINUTES; i++) {
                slots[i] = new Slot();
            }
        }

        synchronized void record(long nowMillis, long latencyMs, long ttftMs, int in, int out, boolean error) {
            long minute = nowMillis / 60_000;
            Slot s = slots[(int) (minute % MINUTES)];
            if (s.minute != minute) {
                s.reset(minute);
            }
            s.requests++;
            if (error) {
                s.errors++;
            }
            s.tokensIn += in;
            s.tokensOut += out;
            s.latencySum += latencyMs;
            s.latency[s.requests <= SAMPLES ? s.requests - 1 : (int) (nowMillis % SAMPLES)] = latencyMs;
            if (ttftMs >= 0) {
                s.ttftCount++;
                s.ttft[s.ttftCount <= SAMPLES ? s.ttftCount - 1 : (int) (nowMillis % SAMPLES)] = ttftMs;
            }
        }

        synchronized Summary summary(long nowMinute) {
            List<Minute> minutes = new ArrayList<>(MINUTES);
            long[] lat = new long[MINUTES * SAMPLES];
            long[] ttft = new long[MINUTES * SAMPLES];
            int nLat = 0;
            int nTtft = 0;
            int requests = 0;
            int errors = 0;
            long in = 0;
            long out = 0;
            for (long m = nowMinute - MINUTES + 1; m <= nowMinute; m++) {
                Slot s = slots[(int) (m % MINUTES)];
                if (s.minute != m || s.requests == 0) {
                    minutes.add(new Minute(m, 0, 0, 0, 0, 0));
                    continue;
                }
                minutes.add(new Minute(m, s.requests, s.errors, s.tokensIn, s.tokensOut, s.latencySum / s.requests));
                requests += s.requests;
                errors += s.errors;
                in += s.tokensIn;
                out += s.tokensOut;
                int kept = Math.min(s.requests, SAMPLES);
                System.arraycopy(s.latency, 0, lat, nLat, kept);
                nLat += kept;
                int keptTtft = Math.min(s.ttftCount, SAMPLES);
                System.arraycopy(s.ttft, 0, ttft, nTtft, keptTtft);
                nTtft += keptTtft;
            }
            return new Summary(requests, errors, percentile(lat, nLat, 50), percentile(lat, nLat, 95),
                    percentile(ttft, nTtft, 50), percentile(ttft, nTtft, 95), in, out, minutes);
        }

        private static long percentile(long[] values, int n, int p) {
            if (n == 0) {
                return 0;
            }
            long[] sorted = Arrays.copyOf(values, n);
            Arrays.sort(sorted);
            return sorted[Math.min(n - 1, (int) Math.ceil(p / 100.0 * n) - 1)];
        }
    }

    private static final class Slot {
        long minute = -1;
        int requests;
        int errors;
        long tokensIn;
        long tokensOut;
        long latencySum;
        int ttftCount;
        final long[] latency = new long[SAMPLES];
        final long[] ttft = new long[SAMPLES];

        void reset(long m) {
            minute = m;
            requests = 0;
            errors = 0;
            tokensIn = 0;
            tokensOut = 0;
            latencySum = 0;
            ttftCount = 0;
        }
    }
}
