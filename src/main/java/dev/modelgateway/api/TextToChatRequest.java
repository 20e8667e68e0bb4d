package dev.modelgateway.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** For the chat kamelet: turns a text body into the OpenAI chat request the chat endpoint's processor reads. */
public final class TextToChatRequest implements Processor {

    @Override
    public void process(Exchange exchange) {
        String text = exchange.getMessage().getBody(String.class);
        String model = exchange.getProperty("gatewayChatModel", String.class);
        String system = exchange.getProperty("gatewayChatSystem", String.class);
        List<Map<String, String>> messages = new ArrayList<>(2);
        if (system != null && !system.isBlank()) {
            messages.add(Map.of("role", "system", "content", system));
        }
        messages.add(Map.of("role", "user", "content", text == null ? "" : text));
        exchange.getMessage().setBody(Json.write(Map.of("model", model, "messages", messages)));
    }
}
