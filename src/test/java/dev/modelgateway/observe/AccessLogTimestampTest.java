package dev.modelgateway.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;

class AccessLogTimestampTest {

    @Test
    void theTimestampIsWhatInstantWrites() {
        long[] fixed = {0, 1, 999, 1000, 1001, 1_795_880_341_000L, 1_795_880_341_120L, 1_795_880_341_007L, -1, -1001};
        for (long ms : fixed) {
            assertThat(format(ms)).as("%d", ms).isEqualTo(Instant.ofEpochMilli(ms).toString());
        }
        long base = 1_795_880_341_000L;
        for (int i = 0; i < 10_000; i++) {
            long ms = base + ThreadLocalRandom.current().nextLong(-5_000_000, 5_000_000);
            assertThat(format(ms)).as("%d", ms).isEqualTo(Instant.ofEpochMilli(ms).toString());
        }
    }

    private static String format(long ms) {
        StringBuilder sb = new StringBuilder();
        AccessLog.timestamp(sb, ms);
        return sb.toString();
    }
}
