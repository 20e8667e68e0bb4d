package dev.modelgateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;

/** Fixed bearer tokens (gateway.auth.tokens, general_settings.master_key), compared in constant time. */
public final class StaticTokens implements TokenCheck {

    private final List<byte[]> tokens;

    public StaticTokens(List<String> tokens) {
        this.tokens = tokens.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
    }

    public boolean isEmpty() {
        return tokens.isEmpty();
    }

    @Override
    public CompletionStage<Verdict> check(String bearer, UnaryOperator<String> headers) {
        if (bearer == null) {
            return CompletableFuture.completedFuture(Verdict.PASS);
        }
        byte[] given = bearer.getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (byte[] token : tokens) {
            ok |= MessageDigest.isEqual(token, given);
        }
        return CompletableFuture.completedFuture(ok ? Verdict.ACCEPT : Verdict.PASS);
    }
}
