package dev.modelgateway.auth;

import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;

/**
 * One way a client may prove it may use the gateway. The API's authentication step asks each configured check in turn:
 * the first that accepts lets the request in, one that rejects ends it with 401 and its reason, and a request no check
 * accepts is refused. Static tokens (gateway.auth.tokens, LiteLLM's master_key) and GitLab instance tokens are checks.
 */
public interface TokenCheck {

    /**
     * @param bearer the token after {@code Authorization: Bearer}, or null when there is none
     * @param headers the request's headers by name (case-insensitive)
     */
    CompletionStage<Verdict> check(String bearer, UnaryOperator<String> headers);

    /** What a check says about a request. */
    record Verdict(Outcome outcome, String reason) {

        public static final Verdict ACCEPT = new Verdict(Outcome.ACCEPT, null);
        public static final Verdict PASS = new Verdict(Outcome.PASS, null);

        public static Verdict reject(String reason) {
            return new Verdict(Outcome.REJECT, reason);
        }
    }

    enum Outcome {
        /** The credentials are good. */
        ACCEPT,
        /** Not this check's kind of credentials: ask the next one. */
        PASS,
        /** This check's kind of credentials, and they are bad. */
        REJECT
    }
}
