package dev.modelgateway.kamelet;

import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.aws2.bedrock.runtime.BedrockConstants;

import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.InferenceConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.SystemContentBlock;

/**
 * For the bedrock sink kamelet: the text body becomes the aws-bedrock component's Converse headers (one user turn, an
 * optional system prompt, max tokens), which the component only takes as SDK objects.
 */
public final class ConverseMessages implements Processor {

    private String systemPrompt;
    private Integer maxTokens;

    public void setSystemPrompt(String systemPrompt) {
        this.systemPrompt = systemPrompt;
    }

    public void setMaxTokens(String maxTokens) {
        this.maxTokens = maxTokens == null || maxTokens.isBlank() ? null : Integer.valueOf(maxTokens.trim());
    }

    @Override
    public void process(Exchange exchange) {
        String text = exchange.getMessage().getBody(String.class);
        org.apache.camel.Message message = exchange.getMessage();
        message.setHeader(BedrockConstants.CONVERSE_MESSAGES, List.of(Message.builder().role(ConversationRole.USER)
                .content(ContentBlock.fromText(text == null ? "" : text)).build()));
        if (systemPrompt != null && !systemPrompt.isBlank()) {
            message.setHeader(BedrockConstants.CONVERSE_SYSTEM, List.of(SystemContentBlock.fromText(systemPrompt)));
        }
        if (maxTokens != null) {
            message.setHeader(BedrockConstants.CONVERSE_INFERENCE_CONFIG,
                    InferenceConfiguration.builder().maxTokens(maxTokens).build());
        }
    }
}
