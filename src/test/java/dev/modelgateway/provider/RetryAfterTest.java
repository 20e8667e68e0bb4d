package dev.modelgateway.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.vertx.core.MultiMap;

import dev.modelgateway.api.GatewayException;

/** Upstream wait hints: Azure's retry-after-ms is honoured to the millisecond, and a wait too long is not waited. */
class RetryAfterTest {

    final Retrier retrier = new Retrier(null, new UpstreamSettings(2, Duration.ofMillis(100), Duration.ofMillis(200),
            Duration.ofSeconds(5), Duration.ofSeconds(5)));

    static GatewayException throttled(String retryAfter) {
        return new GatewayException(429, "rate_limit_error", "slow down", retryAfter, null);
    }

    @Test
    void retryAfterMsStaysFractional() {
        assertThat(UpstreamHttp.retryAfter(MultiMap.caseInsensitiveMultiMap().add("retry-after-ms", "150")
                .add("retry-after", "1"))).isEqualTo("0.15");
        assertThat(UpstreamHttp.retryAfter(MultiMap.caseInsensitiveMultiMap().add("retry-after", "7"))).isEqualTo("7");
    }

    @Test
    void aShortHintIsWaitedExactlyAndALongOneNotAtAll() {
        assertThat(retrier.delayMillis(throttled("0.15"), 0)).isEqualTo(150);
        assertThat(retrier.delayMillis(throttled("30"), 0)).isEqualTo(-1);
    }

    @Test
    void aDeploymentsMaxRetriesWinsAndMayBeWrittenAsADecimal() {
        UpstreamSettings defaults = new UpstreamSettings(2, Duration.ofMillis(100), Duration.ofMillis(200),
                Duration.ofSeconds(5), Duration.ofSeconds(5));
        for (var c : java.util.Map.of("0", 0, "3", 3, "2.0", 2).entrySet()) {
            var d = new dev.modelgateway.config.ModelDeployment("m",
                    dev.modelgateway.config.ModelIdentifier.parse("openai/m"), "general",
                    java.util.Map.of("max_retries", c.getKey()));
            var request = new ModelRequest(d, java.util.List.of(), null, null, false, null);
            assertThat(defaults.limits(request).maxRetries()).as(c.getKey()).isEqualTo(c.getValue());
        }
    }

    @Test
    void anHttpDateIsAWaitUntilThen() {
        String soon = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(60));
        assertThat(Retrier.retryAfterMillis(soon)).isBetween(58_000L, 60_000L);
        assertThat(retrier.delayMillis(throttled(soon), 0)).as("longer than max-backoff: not waited").isEqualTo(-1);
        assertThat(Retrier.retryAfterMillis("Thu, 01 Jan 1970 00:00:00 GMT")).isZero();
        assertThat(Retrier.retryAfterMillis("soon-ish")).isNull();
    }

    @Test
    void withoutAHintTheBackoffGrowsWithJitterUpToItsCap() {
        for (int tried = 0; tried < 5; tried++) {
            long delay = retrier.delayMillis(throttled(null), tried);
            long ceiling = Math.min(200, 100L << tried);
            assertThat(delay).isBetween(ceiling / 2, ceiling);
        }
    }
}
