package dev.modelgateway.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Checks the client's bearer token against gateway.auth.tokens (contract section 9). With no tokens configured every
 * caller is let in, which is why the shipped settings bind to loopback. Comparison is constant-time.
 */
public final class BearerAuth implements Processor {

    private final List<byte[]> tokens;

    public BearerAuth(List<String> tokens) {
        this.tokens = tokens.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
    }

    @Override
    public void process(Exchange exchange) {
        if (tokens.isEmpty()) {
            return;
        }
        String header = exchange.getMessage().getHeader("Authorization", String.class);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new GatewayException(401, "authentication_error", "missing bearer token");
        }
        byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (byte[] token : tokens) {
            ok |= MessageDigest.isEqual(token, given);
        }
        if (!ok) {
            throw new GatewayException(401, "authentication_error", "invalid bearer token");
        }
    }
}
