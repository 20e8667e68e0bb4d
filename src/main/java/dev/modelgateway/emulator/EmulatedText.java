package dev.modelgateway.emulator;

import java.util.ArrayList;
import java.util.List;

/** The emulator's answers: deterministic for a given prompt, and always labelled as coming from a test double. */
public final class EmulatedText {

    public static final String LABEL = "[model-gateway emulator: test double, no model was called]";

    private EmulatedText() {
    }

    /** An answer that names the model and quotes the end of the prompt, so a user can see what was sent. */
    public static String answer(String model, String prompt) {
        String p = prompt == null ? "" : prompt.strip().replaceAll("\\s+", " ");
        String tail = p.length() <= 60 ? p : "..." + p.substring(p.length() - 60);
        return LABEL + " Model " + model + " received " + p.length() + " characters ending with \"" + tail + "\".";
    }

    /** Rough token count for usage figures: words and punctuation runs. */
    public static int tokens(String text) {
        return text == null || text.isBlank() ? 0 : text.strip().split("\\s+").length;
    }

    /** The answer cut into small pieces, as a model would stream it. */
    public static List<String> chunks(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == ' ') {
                out.add(text.substring(start, i));
                start = i;
            }
        }
        return out;
    }
}
