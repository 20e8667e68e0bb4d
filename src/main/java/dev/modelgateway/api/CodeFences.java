package dev.modelgateway.api;

import java.util.regex.Pattern;

/**
 * Removes Markdown code fences from generated code, as the AI Gateway does for code generations
 * (ai_gateway/code_suggestions/processing/post/ops.py strip_code_block_markdown; streams line by line as its
 * StreamingPostProcessor in post/generations.py): every line that opens or closes a fence goes, and trailing backticks.
 */
public final class CodeFences {

    private static final Pattern FENCE_LINE = Pattern.compile("^`{3}\\S*\\n", Pattern.MULTILINE);

    private CodeFences() {
    }

    /** strip_code_block_markdown. */
    public static String strip(String text) {
        String out = FENCE_LINE.matcher(text).replaceAll("");
        int end = out.length();
        while (end > 0 && out.charAt(end - 1) == '`') {
            end--;
        }
        return out.substring(0, end);
    }

    /** A whole generation: fences removed, and nothing at all when only whitespace is left (strip_whitespaces). */
    public static String generation(String text) {
        if (text == null) {
            return "";
        }
        String out = strip(text);
        return out.isBlank() ? "" : out;
    }

    /** Streams: text is held until its line is complete, then the line is passed on without fences. */
    public static final class Lines {
        private final StringBuilder buffer = new StringBuilder();

        /** The complete lines of what has arrived so far, fences removed; "" while a line is still open. */
        public String add(String text) {
            buffer.append(text);
            int lastNewline = buffer.lastIndexOf("\n");
            if (lastNewline < 0) {
                return "";
            }
            StringBuilder out = new StringBuilder();
            int start = 0;
            while (start <= lastNewline) {
                int nl = buffer.indexOf("\n", start);
                out.append(strip(buffer.substring(start, nl + 1)));
                start = nl + 1;
            }
            buffer.delete(0, lastNewline + 1);
            return out.toString();
        }

        /** The last, unfinished line at the end of the stream. */
        public String rest() {
            String out = buffer.isEmpty() ? "" : strip(buffer.toString());
            buffer.setLength(0);
            return out;
        }
    }
}
