package dev.modelgateway.suggestions;

import java.util.ArrayList;
import java.util.List;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

/**
 * Counts tokens with tiktoken's cl100k_base (jtokkit, the encoding ships inside its jar, nothing is downloaded). One
 * tokenizer for every family, as the AI Gateway uses one (Salesforce codegen2) for all: the per-family safety margin
 * in {@link TokenBudget} covers the families whose own tokenizers cut code into more pieces.
 */
public final class TokenCounter {

    private static final Encoding ENCODING = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

    private TokenCounter() {
    }

    public static String name() {
        return "cl100k_base";
    }

    /** Special-token text (such as {@code <|endoftext|>}) in code counts as ordinary text. */
    public static int count(String text) {
        return text == null || text.isEmpty() ? 0 : ENCODING.countTokensOrdinary(text);
    }

    /**
     * The longest run of whole lines at the end of {@code text} within {@code maxTokens}: what a prefix keeps (the code
     * nearest the cursor). When not even the last line fits, the end of that line, cut by tokens.
     */
    public static String keepEnd(String text, int maxTokens) {
        if (maxTokens <= 0 || text.isEmpty()) {
            return "";
        }
        if (count(text) <= maxTokens) {
            return text;
        }
        List<String> lines = lines(text);
        int used = 0;
        int first = lines.size();
        while (first > 0) {
            int cost = count(lines.get(first - 1));
            if (used + cost > maxTokens) {
                break;
            }
            used += cost;
            first--;
        }
        String kept = String.join("", lines.subList(first, lines.size()));
        // BPE merges differ at line joins: confirm, dropping one more line if the whole came out over
        while (first < lines.size() && count(kept) > maxTokens) {
            kept = kept.substring(lines.get(first++).length());
        }
        if (first == lines.size()) {
            return tokenTail(lines.get(lines.size() - 1), maxTokens);
        }
        return kept;
    }

    /** The longest run of whole lines at the start of {@code text} within {@code maxTokens}: what a suffix keeps. */
    public static String keepStart(String text, int maxTokens) {
        if (maxTokens <= 0 || text.isEmpty()) {
            return "";
        }
        if (count(text) <= maxTokens) {
            return text;
        }
        List<String> lines = lines(text);
        int used = 0;
        int end = 0;
        while (end < lines.size()) {
            int cost = count(lines.get(end));
            if (used + cost > maxTokens) {
                break;
            }
            used += cost;
            end++;
        }
        String kept = String.join("", lines.subList(0, end));
        while (end > 0 && count(kept) > maxTokens) {
            kept = kept.substring(0, kept.length() - lines.get(--end).length());
        }
        return kept;
    }

    /** Lines with their terminators, so joining them gives the text back. */
    static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                lines.add(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < text.length()) {
            lines.add(text.substring(start));
        }
        return lines;
    }

    private static String tokenTail(String line, int maxTokens) {
        IntArrayList tokens = ENCODING.encodeOrdinary(line);
        IntArrayList tail = new IntArrayList(maxTokens);
        for (int i = Math.max(0, tokens.size() - maxTokens); i < tokens.size(); i++) {
            tail.add(tokens.get(i));
        }
        String decoded = ENCODING.decode(tail);
        // a token may start inside a multi-byte character: drop the replacement character it decodes to
        return decoded.startsWith("\uFFFD") ? decoded.substring(1) : decoded;
    }
}
