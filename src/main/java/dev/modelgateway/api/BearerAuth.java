package dev.modelgateway.api;

import java.util.List;
import java.util.concurrent.CompletionStage;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.AsyncProcessorSupport;

import dev.modelgateway.auth.TokenCheck;
import dev.modelgateway.auth.TokenCheck.Outcome;
import dev.modelgateway.auth.TokenCheck.Verdict;

/**
 * The API's authentication step: asks each configured {@link TokenCheck} in turn (static tokens, a GitLab instance's
 * signed tokens); the first that accepts lets the request in, a rejection or no acceptance is 401. With no check
 * configured every caller is let in, which is why the shipped settings bind to loopback. A check may need to fetch
 * keys first: the step is asynchronous, so no thread waits for that.
 */
public final class BearerAuth extends AsyncProcessorSupport {

    private final List<TokenCheck> checks;

    public BearerAuth(List<TokenCheck> checks) {
        this.checks = List.copyOf(checks);
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        if (checks.isEmpty()) {
            callback.done(true);
            return true;
        }
        Message message = exchange.getMessage();
        String header = message.getHeader("Authorization", String.class);
        String bearer = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).trim() : null;
        CompletionStage<Verdict> verdict = ask(0, bearer, message);
        var done = verdict.toCompletableFuture();
        if (done.isDone()) {
            finish(exchange, done.join(), bearer);
            callback.done(true);
            return true;
        }
        verdict.whenComplete((v, error) -> {
            if (error != null) {
                exchange.setException(new GatewayException(401, "authentication_error", "the token could not be "
                        + "checked"));
            } else {
                finish(exchange, v, bearer);
            }
            callback.done(false);
        });
        return false;
    }

    private CompletionStage<Verdict> ask(int index, String bearer, Message message) {
        return checks.get(index).check(bearer, name -> message.getHeader(name, String.class))
                .thenCompose(v -> v.outcome() == Outcome.PASS && index + 1 < checks.size()
                        ? ask(index + 1, bearer, message) : java.util.concurrent.CompletableFuture.completedFuture(v));
    }

    private static void finish(Exchange exchange, Verdict verdict, String bearer) {
        switch (verdict.outcome()) {
            case ACCEPT -> {
            }
            case REJECT -> exchange.setException(new GatewayException(401, "authentication_error", verdict.reason()));
            case PASS -> exchange.setException(new GatewayException(401, "authentication_error",
                    bearer == null ? "missing bearer token" : "invalid bearer token"));
        }
    }
}
