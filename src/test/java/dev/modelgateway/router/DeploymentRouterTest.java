package dev.modelgateway.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.config.ModelDeployment;
import dev.modelgateway.config.ModelIdentifier;
import dev.modelgateway.config.RouterSettings;

/** Each routing strategy picks as LiteLLM documents it; order tiers, cooldowns and rpm limits come first. */
class DeploymentRouterTest {

    final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    final InMemoryDeploymentState state = new InMemoryDeploymentState();
    final DeploymentRouter router = new DeploymentRouter(state, now::get);

    static ModelDeployment d(String id, String... params) {
        Map<String, String> p = new HashMap<>();
        p.put("model", "openai/" + id);
        for (int i = 0; i < params.length; i += 2) {
            p.put(params[i], params[i + 1]);
        }
        return new ModelDeployment("g", ModelIdentifier.parse("openai/" + id), "general", p, id);
    }

    static RouterSettings strategy(String name) {
        return new RouterSettings(name, 1, Duration.ofSeconds(10), Map.of(), Map.of(), Map.of(), Map.of());
    }

    String first(List<ModelDeployment> group, String strategy) {
        return router.order(group, strategy(strategy)).get(0).id();
    }

    @Test
    void simpleShuffleIsWeightedByWeight() {
        List<ModelDeployment> group = List.of(d("heavy", "weight", "9"), d("light", "weight", "1"));
        int heavy = 0;
        for (int i = 0; i < 2000; i++) {
            heavy += first(group, "simple-shuffle").equals("heavy") ? 1 : 0;
        }
        assertThat(heavy).isBetween(1700, 1900);
    }

    @Test
    void simpleShuffleIsWeightedByRpmWhenNoWeightIsSet() {
        List<ModelDeployment> group = List.of(d("big", "rpm", "900"), d("small", "rpm", "100"));
        int big = 0;
        for (int i = 0; i < 2000; i++) {
            big += first(group, "simple-shuffle").equals("big") ? 1 : 0;
        }
        assertThat(big).isBetween(1700, 1900);
    }

    @Test
    void simpleShuffleWithoutWeightsSpreadsEvenly() {
        List<ModelDeployment> group = List.of(d("a"), d("b"));
        int a = 0;
        for (int i = 0; i < 2000; i++) {
            a += first(group, "simple-shuffle").equals("a") ? 1 : 0;
        }
        assertThat(a).isBetween(850, 1150);
    }

    @Test
    void leastBusyPicksTheDeploymentWithFewestRequestsInFlight() {
        List<ModelDeployment> group = List.of(d("a"), d("b"), d("c"));
        state.started("a");
        state.started("a");
        state.started("c");
        assertThat(router.order(group, strategy("least-busy"))).extracting(ModelDeployment::id)
                .containsExactly("b", "c", "a");
    }

    @Test
    void latencyBasedRoutingPicksTheFastestAndTriesUnmeasuredOnesFirst() {
        List<ModelDeployment> group = List.of(d("slow"), d("fast"), d("new"));
        state.succeeded("slow", 900, 0, now.get());
        state.succeeded("fast", 100, 0, now.get());
        assertThat(router.order(group, strategy("latency-based-routing"))).extracting(ModelDeployment::id)
                .containsExactly("new", "fast", "slow");
    }

    @Test
    void usageBasedRoutingPicksTheLowestTokenUsageOfTheMinute() {
        List<ModelDeployment> group = List.of(d("busy"), d("idle"));
        state.succeeded("busy", 10, 5000, now.get());
        state.succeeded("idle", 10, 50, now.get());
        assertThat(first(group, "usage-based-routing")).isEqualTo("idle");
        assertThat(first(group, "usage-based-routing-v2")).isEqualTo("idle");
        now.addAndGet(60_000); // a new minute: usage starts again
        assertThat(state.tokensThisMinute("busy", now.get())).isZero();
    }

    @Test
    void lowerOrderComesFirstWhateverTheStrategy() {
        List<ModelDeployment> group = List.of(d("backup", "order", "2"), d("primary", "order", "1"), d("last"));
        for (int i = 0; i < 20; i++) {
            assertThat(router.order(group, strategy("simple-shuffle"))).extracting(ModelDeployment::id)
                    .containsExactly("primary", "backup", "last");
        }
    }

    @Test
    void aDeploymentCoolsDownAfterMoreThanAllowedFailsAndComesBack() {
        List<ModelDeployment> group = List.of(d("a"), d("b"));
        assertThat(state.failed("a", 1, Duration.ofSeconds(10), now.get())).isFalse();
        assertThat(state.failed("a", 1, Duration.ofSeconds(10), now.get())).isTrue();
        assertThat(router.order(group, strategy("simple-shuffle"))).extracting(ModelDeployment::id)
                .containsExactly("b");
        assertThat(state.health("a", null, null, now.get())).isEqualTo(DeploymentState.Health.COOLING_DOWN);
        now.addAndGet(10_001);
        assertThat(router.order(group, strategy("simple-shuffle"))).hasSize(2);
    }

    @Test
    void aGroupWhollyCoolingDownIs503AndWhollyAtItsLimitIs429WithTheWaitToTheNextMinute() {
        ModelDeployment a = d("a");
        state.failed("a", 0, Duration.ofSeconds(7), now.get());
        GatewayException cooling = router.unavailable("g", List.of(a));
        assertThat(cooling.status()).isEqualTo(503);
        assertThat(cooling.retryAfter()).isEqualTo("7");

        ModelDeployment limited = d("l", "rpm", "1");
        assertThat(state.tryTake("l", 1, null, now.get())).isTrue();
        assertThat(state.tryTake("l", 1, null, now.get())).isFalse();
        assertThat(router.order(List.of(limited), strategy("simple-shuffle"))).isEmpty();
        GatewayException atLimit = router.unavailable("g", List.of(limited));
        assertThat(atLimit.status()).isEqualTo(429);
        assertThat(atLimit.retryAfter()).isEqualTo(String.valueOf((60_000 - now.get() % 60_000 + 999) / 1000));
        assertThat(state.health("l", 1, null, now.get())).isEqualTo(DeploymentState.Health.RATE_LIMITED);
    }

    @Test
    void tpmCountsTokensOfTheMinute() {
        state.succeeded("t", 10, 1000, now.get());
        assertThat(state.atLimit("t", null, 1000, now.get())).isTrue();
        assertThat(state.atLimit("t", null, 1001, now.get())).isFalse();
    }
}
