package dev.modelgateway.api;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.modelgateway.api.Requests.CodeContext;
import dev.modelgateway.api.Requests.CodeRequest;
import dev.modelgateway.api.Requests.CurrentFile;

/**
 * The one place where a code suggestions request (current_file, context[], user_instruction) becomes the inputs of a
 * registry prompt. The AI Gateway (ai_gateway/code_suggestions/completions.py with processing/pre/prefix_based.py)
 * joins the context snippets into the prefix; here they stay apart as {@code context}, a list of {type, name,
 * content}, and each prompt lays them out for its family (Codestral's "+++++ file" blocks, Claude's tags), so
 * {@code prefix} is the code above the cursor as it is. Token budgets and snippet trimming plug in here
 * (docs/gitlab.md, /work/team/interfaces.md).
 */
public final class CodeSuggestionInputs {

    /** The AI Gateway's format of {@code current_date} (Python's {@code %B %d, %Y}). */
    private static final DateTimeFormatter CURRENT_DATE = DateTimeFormatter.ofPattern("MMMM dd, yyyy", Locale.ENGLISH);

    private CodeSuggestionInputs() {
    }

    /** The feature a request is for. */
    public enum Feature {
        COMPLETIONS, GENERATIONS
    }

    /**
     * The template inputs: {@code prefix}, {@code suffix}, {@code language}, {@code file_name}, {@code instruction}
     * (and its AI Gateway alias {@code user_instruction}), {@code context} (a list of {type, name, content}),
     * {@code content_above_cursor}, {@code content_below_cursor} and {@code current_date}.
     */
    public static Map<String, Object> of(CodeRequest request, String language, Feature feature) {
        CurrentFile file = request.currentFile();
        String above = file.contentAboveCursor();
        String below = file.contentBelowCursor() == null ? "" : file.contentBelowCursor();
        List<CodeContext> context = request.context() == null ? List.of() : request.context();
        String instruction = request.userInstruction() == null ? "" : request.userInstruction();
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("prefix", above);
        inputs.put("suffix", below);
        inputs.put("language", language);
        inputs.put("file_name", file.fileName());
        inputs.put("instruction", instruction);
        inputs.put("user_instruction", instruction);
        inputs.put("context", contextInputs(context));
        inputs.put("content_above_cursor", above);
        inputs.put("content_below_cursor", below);
        inputs.put("current_date", currentDate());
        return inputs;
    }

    /** Today as the AI Gateway writes it for prompts ("November 28, 2026"). */
    public static String currentDate() {
        return LocalDate.now().format(CURRENT_DATE);
    }

    private static List<Map<String, String>> contextInputs(List<CodeContext> context) {
        List<Map<String, String>> list = new ArrayList<>(context.size());
        for (CodeContext c : context) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("type", c.type() == null ? "" : c.type());
            m.put("name", c.name() == null ? "" : c.name());
            m.put("content", c.content() == null ? "" : c.content());
            list.add(m);
        }
        return list;
    }
}
