package dev.modelgateway.api;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Random ids for requests and answers: version 4 UUIDs from the thread's own generator. They name things in logs and
 * answers and are no secret, so they need not pay for {@link UUID#randomUUID()}'s shared SecureRandom per request.
 */
public final class Ids {

    private Ids() {
    }

    public static UUID uuid() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = random.nextLong() & ~0xF000L | 0x4000L;
        long low = random.nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L;
        return new UUID(high, low);
    }

    /** The UUID's 32 hex digits, as OpenAI's ids carry them ({@code chatcmpl-<hex>}). */
    public static String hex() {
        UUID id = uuid();
        return hex16(id.getMostSignificantBits()) + hex16(id.getLeastSignificantBits());
    }

    private static String hex16(long v) {
        String s = Long.toHexString(v);
        return s.length() == 16 ? s : "0".repeat(16 - s.length()) + s;
    }
}
