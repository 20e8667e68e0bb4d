package dev.modelgateway.api;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place failures become answers (contract 5.3): the status and JSON shape of the endpoint's API family, the
 * upstream's Retry-After passed through, and for anything unexpected a plain 500 (the details go to the log only).
 */
public final class ErrorResponder implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponder.class);
    private static final String DEFAULT_RETRY_AFTER_SECONDS = "2";

    @Override
    public void process(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        GatewayException error = asGatewayException(caught);
        String path = exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class);
        ApiFamily family = exchange.getProperty(ExchangeKeys.API, ApiFamily.class);
        if (family == null) {
            family = ApiFamily.forPath(path);
        }
        if (family == ApiFamily.PROMPTS && error.upstreamStatus() != null) {
            LOG.warn("{} {}: the model answered {}", exchange.getProperty(ExchangeKeys.IDENTIFIER, "-", String.class),
                    path, error.getMessage());
            error = modelError(error.upstreamStatus());
        } else if (error.status() >= 500) {
            LOG.warn("{} {} failed: {} {}", exchange.getProperty(ExchangeKeys.IDENTIFIER, "-", String.class),
                    path, error.status(), error.getMessage());
            if (error.getCause() != null && !(error.getCause() instanceof GatewayException)) {
                LOG.debug("cause", error.getCause());
            }
        }
        ResponseWriter.json(exchange.getMessage(), error.status(), ErrorBodies.body(family, error));
        if (error.retryAfter() != null) {
            exchange.getMessage().setHeader("Retry-After", wholeSeconds(error.retryAfter()));
        } else if (error.status() == 429 || error.status() == 503) {
            // the upstream named no wait: tell clients to back off a little rather than nothing
            exchange.getMessage().setHeader("Retry-After", DEFAULT_RETRY_AFTER_SECONDS);
        }
    }

    /**
     * A model's own error on /v1/prompts, as the AI Gateway answers it (api/v1/prompts/invoke.py): 421 Misdirected
     * Request with "status: reason", which GitLab shows as "The self-hosted model server returned code ...".
     */
    static GatewayException modelError(int upstreamStatus) {
        return new GatewayException(421, "model_error", upstreamStatus + ": "
                + HttpResponseStatus.valueOf(upstreamStatus).reasonPhrase());
    }

    /** Retry-After on the wire is whole seconds (or an HTTP date, passed through as the upstream wrote it). */
    static String wholeSeconds(String retryAfter) {
        try {
            return String.valueOf(Math.max(1, (long) Math.ceil(Double.parseDouble(retryAfter.trim()))));
        } catch (NumberFormatException httpDate) {
            return retryAfter;
        }
    }

    static GatewayException asGatewayException(Throwable caught) {
        Throwable t = caught;
        while (t != null && !(t instanceof GatewayException) && t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        if (t instanceof FailoverException f && f.getCause() instanceof GatewayException original) {
            return original;
        }
        if (t instanceof GatewayException ge) {
            return ge;
        }
        LOG.error("unexpected failure", caught);
        return new GatewayException(500, "internal_error", "internal error; see the gateway log");
    }
}
