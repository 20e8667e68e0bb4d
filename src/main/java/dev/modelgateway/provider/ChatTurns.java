package dev.modelgateway.provider;

import java.util.ArrayList;
import java.util.List;

/** For APIs that want strictly alternating user/assistant turns (Claude, Bedrock Converse). */
public final class ChatTurns {

    private ChatTurns() {
    }

    /** Non-system turns with consecutive turns of one role joined by a blank line; any non-assistant role is user. */
    public static List<ChatMessage> alternating(List<ChatMessage> conversation) {
        List<ChatMessage> out = new ArrayList<>();
        for (ChatMessage m : conversation) {
            if ("system".equals(m.role())) {
                continue;
            }
            String role = "assistant".equals(m.role()) ? "assistant" : "user";
            if (!out.isEmpty() && out.get(out.size() - 1).role().equals(role)) {
                ChatMessage last = out.remove(out.size() - 1);
                out.add(new ChatMessage(role, last.content() + "\n\n" + m.content()));
            } else {
                out.add(new ChatMessage(role, m.content()));
            }
        }
        return out;
    }
}
