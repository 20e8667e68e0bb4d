package dev.modelgateway.provider;

import java.util.List;

/**
 * For chat-only APIs (Bedrock, Claude anywhere): a fill-in-the-middle request becomes a conversation that asks for
 * exactly the missing code. A plain text completion (no suffix) asks for the continuation.
 */
public final class FimAsChat {

    static final String SYSTEM = "You complete code. Answer with only the code that belongs at the cursor: no "
            + "explanations, no Markdown fences, and do not repeat the code before or after the cursor.";

    private FimAsChat() {
    }

    /** The request itself when it is already a conversation. */
    public static ModelRequest toChat(ModelRequest request) {
        if (!request.isFim()) {
            return request;
        }
        FimPrompt fim = request.fim();
        String user = fim.suffix() == null
                ? "Continue this text from where it stops:\n<prefix>" + fim.prefix() + "</prefix>"
                : "Write the code that goes between <prefix> and <suffix>.\n<prefix>" + fim.prefix()
                        + "</prefix>\n<suffix>" + fim.suffix() + "</suffix>";
        return request.asChat(List.of(new ChatMessage("system", SYSTEM), new ChatMessage("user", user)));
    }
}
