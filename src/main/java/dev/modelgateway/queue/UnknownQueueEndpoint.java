package dev.modelgateway.queue;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.modelgateway.api.GatewayException;

/** A queued request that names no endpoint, or one the gateway does not have: answered, not dropped. */
public final class UnknownQueueEndpoint implements Processor {

    @Override
    public void process(Exchange exchange) {
        String endpoint = exchange.getMessage().getHeader(QueueFailures.ENDPOINT, String.class);
        if (endpoint == null || endpoint.isBlank()) {
            throw GatewayException.badRequest("string property '" + QueueFailures.ENDPOINT + "' is required: "
                    + "code_completions, code_generations, chat_completions, completions or prompts/<prompt_id>");
        }
        throw GatewayException.notFound("no such endpoint: '" + endpoint + "'");
    }
}
