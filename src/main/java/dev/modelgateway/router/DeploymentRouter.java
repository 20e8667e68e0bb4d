package dev.modelgateway.router;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.config.ModelDeployment;
import dev.modelgateway.config.RouterSettings;

/**
 * LiteLLM's router, per request: drops the deployments that cool down or are at their rpm/tpm, puts those with the
 * lowest {@code order} first, and orders each tier by the routing strategy. The first is tried; the rest are the
 * group's own fail-over.
 */
public final class DeploymentRouter {

    private final DeploymentState state;
    private final LongSupplier clock;

    public DeploymentRouter(DeploymentState state, LongSupplier clock) {
        this.state = state;
        this.clock = clock;
    }

    public DeploymentState state() {
        return state;
    }

    public long now() {
        return clock.getAsLong();
    }

    /** The usable deployments of a group in the order to try them; empty when every one cools down or is at limit. */
    public List<ModelDeployment> order(List<ModelDeployment> group, RouterSettings settings) {
        long now = clock.getAsLong();
        Map<Integer, List<ModelDeployment>> tiers = new TreeMap<>();
        for (ModelDeployment d : group) {
            if (state.coolingUntil(d.id(), now) == 0 && !state.atLimit(d.id(), d.rpm(), d.tpm(), now)) {
                tiers.computeIfAbsent(d.order(), k -> new ArrayList<>()).add(d);
            }
        }
        List<ModelDeployment> ordered = new ArrayList<>();
        tiers.values().forEach(tier -> ordered.addAll(byStrategy(tier, settings.strategy(), now)));
        return ordered;
    }

    /** Why nothing of the group can be used: 429 when some are at their limit, else 503; Retry-After either way. */
    public GatewayException unavailable(String group, List<ModelDeployment> members) {
        long now = clock.getAsLong();
        long coolingWait = Long.MAX_VALUE;
        boolean limited = false;
        for (ModelDeployment d : members) {
            long until = state.coolingUntil(d.id(), now);
            if (until > 0) {
                coolingWait = Math.min(coolingWait, until - now);
            } else {
                limited = true;
            }
        }
        if (limited) {
            long wait = Math.min(coolingWait, DeploymentState.millisToNextWindow(now));
            return new GatewayException(429, "rate_limit_error", "every deployment of model '" + group
                    + "' is at its rpm/tpm limit for this minute", seconds(wait), null);
        }
        return new GatewayException(503, "upstream_unavailable", "every deployment of model '" + group
                + "' is cooling down after repeated failures", seconds(coolingWait), null);
    }

    private static String seconds(long millis) {
        return String.valueOf(Math.max(1, (millis + 999) / 1000));
    }

    private List<ModelDeployment> byStrategy(List<ModelDeployment> tier, String strategy, long now) {
        if (tier.size() < 2) {
            return tier;
        }
        List<ModelDeployment> shuffled = new ArrayList<>(tier);
        java.util.Collections.shuffle(shuffled, ThreadLocalRandom.current());
        return switch (strategy) {
            case "least-busy" -> sorted(shuffled, d -> state.inFlight(d.id()));
            case "latency-based-routing" -> sorted(shuffled, d -> state.latencyMillis(d.id()));
            case "usage-based-routing", "usage-based-routing-v2" ->
                    sorted(shuffled, d -> state.tokensThisMinute(d.id(), now));
            default -> weightedShuffle(shuffled);
        };
    }

    private static List<ModelDeployment> sorted(List<ModelDeployment> list, ToDoubleFunction<ModelDeployment> key) {
        list.sort(Comparator.comparingDouble(key)); // stable: ties keep their random order
        return list;
    }

    /**
     * simple-shuffle: a random order, weighted by {@code weight} when a deployment sets it, else by {@code rpm}, else
     * by {@code tpm} (a deployment without the key weighs 0), else uniform.
     */
    static List<ModelDeployment> weightedShuffle(List<ModelDeployment> list) {
        ToDoubleFunction<ModelDeployment> weight;
        if (list.stream().anyMatch(d -> d.weight() != null)) {
            weight = d -> d.weight() == null ? 0 : d.weight();
        } else if (list.stream().anyMatch(d -> d.rpm() != null)) {
            weight = d -> d.rpm() == null ? 0 : d.rpm();
        } else if (list.stream().anyMatch(d -> d.tpm() != null)) {
            weight = d -> d.tpm() == null ? 0 : d.tpm();
        } else {
            return list;
        }
        List<ModelDeployment> left = new ArrayList<>(list);
        List<ModelDeployment> out = new ArrayList<>(list.size());
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (!left.isEmpty()) {
            double total = left.stream().mapToDouble(weight).sum();
            int pick = 0;
            if (total > 0) {
                double r = random.nextDouble(total);
                for (int i = 0; i < left.size(); i++) {
                    r -= weight.applyAsDouble(left.get(i));
                    if (r < 0) {
                        pick = i;
                        break;
                    }
                }
            }
            out.add(left.remove(pick));
        }
        return out;
    }
}
