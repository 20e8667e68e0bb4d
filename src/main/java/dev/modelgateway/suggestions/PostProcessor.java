package dev.modelgateway.suggestions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The AI Gateway's clean-up of code completions (code_suggestions/processing/post), in its order. Each step runs on
 * the whole answer ({@link #process}) or, for a stream, on the text received so far ({@link #partial}), where it also
 * says how much of its output can no longer change: the stream relays that much and holds back the rest.
 */
public final class PostProcessor {

    /** The steps, in the order they run; names are the AI Gateway's PostProcessorOperation values. */
    public enum Step {
        /** Drop an answer that is only comments (tree-sitter languages). */
        REMOVE_COMMENT_ONLY("remove_comment_only_completion"),
        /** Remove the cursor marker a model echoes. */
        CLEAN_CURSOR_MARKERS("clean_irrelevant_keywords"),
        /** Keep the smallest block around the cursor (tree-sitter languages). */
        TRIM_BY_SMALLEST_BLOCK("trim_by_min_allowed_context"),
        /** Cut where the answer starts repeating the suffix's first non-blank line. */
        CUT_SUFFIX_REPEAT("fix_end_block_errors"),
        /** Drop comment lines and larger blocks that repeat the prefix. */
        CLEAN_MODEL_REFLECTION("clean_model_reflection"),
        /** Trim trailing whitespace; nothing left means an empty answer. */
        STRIP_WHITESPACE("strip_whitespaces");

        private final String id;

        Step(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Step byName(String name) {
            for (Step s : values()) {
                if (s.id.equals(name)) {
                    return s;
                }
            }
            return null;
        }

        public static List<String> names() {
            return Arrays.stream(values()).map(Step::id).toList();
        }
    }

    /** What a step changed in a whole answer: trimmed it, or dropped it entirely. */
    public record Change(Step step, boolean dropped, int charsRemoved) {
        public String outcome() {
            return dropped ? "dropped" : "trimmed";
        }
    }

    /** A processed answer and the changes made, in step order. */
    public record Result(String text, List<Change> changes) {
    }

    /** A step's output on partial input: {@code text.substring(0, stable)} will not change whatever follows. */
    record Partial(String text, int stable) {
    }

    static final List<String> CURSOR_MARKERS = List.of("<|cursor|>");
    private static final String[] COMMENT_PREFIXES = {"/*", "//", "#"};
    private static final String SPECIAL_CHARS = "()[];.,$%&^*@#!{}/";

    private final String prefix;
    private final String suffix;
    private final String language;
    private final List<Step> steps;

    /**
     * @param prefix the code before the cursor, as sent to the model
     * @param suffix the code after the cursor, as sent
     * @param language the language name (Languages.detect); parser steps run only for {@link CodeParser#LANGUAGES}
     */
    public PostProcessor(String prefix, String suffix, String language, Set<Step> excluded) {
        this.prefix = prefix == null ? "" : prefix;
        this.suffix = suffix == null ? "" : suffix;
        this.language = language;
        EnumSet<Step> on = EnumSet.allOf(Step.class);
        on.removeAll(excluded == null ? Set.of() : excluded);
        if (!CodeParser.supports(language)) {
            on.remove(Step.REMOVE_COMMENT_ONLY);
            on.remove(Step.TRIM_BY_SMALLEST_BLOCK);
        }
        this.steps = List.copyOf(on);
    }

    public List<Step> steps() {
        return steps;
    }

    /** Whether any step needs to see a whole line before it lets it through. */
    boolean holdsLines() {
        return steps.stream().anyMatch(s -> s == Step.TRIM_BY_SMALLEST_BLOCK || s == Step.CUT_SUFFIX_REPEAT
                || s == Step.CLEAN_MODEL_REFLECTION);
    }

    /** The whole answer, processed. */
    public Result process(String completion) {
        String text = completion == null ? "" : completion;
        List<Change> changes = new ArrayList<>();
        for (Step step : steps) {
            String out = apply(step, text, text.length(), true).text();
            if (!out.equals(text)) {
                changes.add(new Change(step, out.isEmpty(), text.length() - out.length()));
            }
            text = out;
            if (text.isEmpty()) {
                break;
            }
        }
        return new Result(text, List.copyOf(changes));
    }

    /** The answer received so far: the tentative output and how much of it is final. */
    Partial partial(String received) {
        Partial p = new Partial(received, received.length());
        for (Step step : steps) {
            p = apply(step, p.text(), p.stable(), false);
        }
        return p;
    }

    private Partial apply(Step step, String in, int stable, boolean done) {
        return switch (step) {
            case REMOVE_COMMENT_ONLY -> commentOnly(in, stable, done);
            case CLEAN_CURSOR_MARKERS -> cursorMarkers(in, stable);
            case TRIM_BY_SMALLEST_BLOCK -> smallestBlock(in, stable, done);
            case CUT_SUFFIX_REPEAT -> suffixRepeat(in, stable, done);
            case CLEAN_MODEL_REFLECTION -> reflection(in, stable, done);
            case STRIP_WHITESPACE -> whitespace(in, stable, done);
        };
    }

    private Partial commentOnly(String in, int stable, boolean done) {
        if (in.isBlank()) {
            return new Partial(in, done ? in.length() : 0);
        }
        if (done) {
            return CodeParser.commentsOnly(language, in) ? new Partial("", 0) : new Partial(in, in.length());
        }
        String seen = in.substring(0, stable);
        String head = seen.stripLeading();
        // code is known once the answer starts with a character no comment starts with, or a whole line is code
        if (!head.isEmpty() && CodeParser.commentStarts(language).indexOf(head.charAt(0)) < 0) {
            return new Partial(in, stable);
        }
        int lines = lastLineStart(seen);
        if (lines > 0 && !CodeParser.commentsOnly(language, seen.substring(0, lines))) {
            return new Partial(in, stable);
        }
        return new Partial(in, 0);
    }

    private static Partial cursorMarkers(String in, int stable) {
        int safe = stable;
        for (String marker : CURSOR_MARKERS) {
            // a tail that may still become a marker stays back
            for (int k = Math.min(marker.length() - 1, safe); k > 0; k--) {
                if (in.startsWith(marker.substring(0, k), safe - k)) {
                    safe = Math.min(safe, stable - k);
                    break;
                }
            }
        }
        String out = in;
        String head = in.substring(0, safe);
        for (String marker : CURSOR_MARKERS) {
            out = out.replace(marker, "");
            head = head.replace(marker, "");
        }
        return new Partial(out, head.length());
    }

    private Partial smallestBlock(String in, int stable, boolean done) {
        int at = firstNonWhitespace(in);
        if (at < 0) {
            return new Partial(in, done ? in.length() : 0);
        }
        String code = prefix + in;
        int end = CodeParser.smallestBlockEnd(language, code, prefix.length() + at);
        int cut = end < 0 ? in.length() : Math.max(0, Math.min(in.length(), end - prefix.length()));
        if (done) {
            return new Partial(in.substring(0, cut), cut);
        }
        int lines = lastLineStart(in.substring(0, stable));
        // the block has ended once a whole non-blank line follows the cut
        if (cut < lines && !in.substring(cut, lines).isBlank() && in.substring(cut, lines).indexOf('\n') >= 0
                && hasLineAfter(in, cut, lines)) {
            return new Partial(in.substring(0, cut), cut);
        }
        // text past the block's current end waits: the block may grow over it, or end before it
        return new Partial(in, Math.min(Math.min(stable, lines), cut));
    }

    private static boolean hasLineAfter(String in, int cut, int lines) {
        int nl = in.indexOf('\n', cut);
        return nl >= 0 && nl + 1 < lines && !in.substring(nl + 1, lines).isBlank();
    }

    private Partial suffixRepeat(String in, int stable, boolean done) {
        String needle = firstNonBlankLine(suffix);
        if (needle.isEmpty()) {
            return new Partial(in, stable);
        }
        int limit = done ? in.length() : lastLineStart(in.substring(0, stable));
        int lineStart = in.indexOf('\n');
        // a later line that starts with the suffix's first line: the model went past the cursor's block
        while (lineStart >= 0 && lineStart + 1 <= limit) {
            int start = lineStart + 1;
            int end = in.indexOf('\n', start);
            if (!done && (end < 0 || end >= limit)) {
                break;
            }
            String line = in.substring(start, end < 0 ? in.length() : end);
            if (line.strip().startsWith(needle)) {
                return new Partial(in.substring(0, start), start);
            }
            lineStart = end;
        }
        if (done) {
            // the cursor's own line ending in the suffix's first line, which the suffix already has
            int firstEnd = in.indexOf('\n');
            String first = (firstEnd < 0 ? in : in.substring(0, firstEnd)).stripTrailing();
            if (firstEnd < 0 && first.endsWith(needle) && first.length() > needle.length()) {
                String cut = first.substring(0, first.length() - needle.length());
                return new Partial(cut, cut.length());
            }
            return new Partial(in, in.length());
        }
        return new Partial(in, Math.min(stable, limit));
    }

    private Partial reflection(String in, int stable, boolean done) {
        if (done) {
            String out = cleanModelReflection(prefix, in, -1);
            return new Partial(out, out.length());
        }
        int lines = lastLineStart(in.substring(0, stable));
        if (lines == 0) {
            return new Partial(in, 0);
        }
        // groups that may still grow (touching the last whole line) are held back with everything after them
        int[] openFrom = new int[1];
        String settled = cleanModelReflectionSettled(prefix, in.substring(0, lines), openFrom);
        return new Partial(settled + in.substring(openFrom[0]), settled.length());
    }

    private static Partial whitespace(String in, int stable, boolean done) {
        if (done) {
            String out = in.stripTrailing();
            return new Partial(out, out.length());
        }
        return new Partial(in, in.substring(0, stable).stripTrailing().length());
    }

    // --- the AI Gateway's clean_model_reflection, ported -------------------------------------------------------

    static String cleanModelReflection(String context, String completion, int unused) {
        String text = context + completion;
        int br = findNewlinePosition(text, context.length());
        if (br == -1) {
            return completion;
        }
        List<String> before = splitCodeLines(text.substring(0, br));
        List<String> after = splitCodeLines(text.substring(br));
        List<int[]> groups = findCommonLines(strip(before), strip(after));
        StringBuilder out = new StringBuilder(text.substring(context.length(), br));
        int prev = 0;
        for (int[] g : groups) {
            List<String> target = after.subList(g[0], g[1] + 1);
            after.subList(prev, g[0]).forEach(out::append);
            if (!(isSingleLineComment(target) || isLargeGroup(g, target))) {
                target.forEach(out::append);
            }
            prev = g[1] + 1;
        }
        after.subList(prev, after.size()).forEach(out::append);
        return out.toString();
    }

    /**
     * As {@link #cleanModelReflection} on whole lines, leaving out the last group of repeated lines if it reaches the
     * last line (more lines may join it); {@code openFrom[0]} gets where, in the completion, the held part starts.
     */
    static String cleanModelReflectionSettled(String context, String completion, int[] openFrom) {
        String text = context + completion;
        int br = findNewlinePosition(text, context.length());
        openFrom[0] = completion.length();
        if (br == -1) {
            return completion;
        }
        List<String> before = splitCodeLines(text.substring(0, br));
        List<String> after = splitCodeLines(text.substring(br));
        List<int[]> groups = findCommonLines(strip(before), strip(after));
        int[] offsets = new int[after.size() + 1];
        offsets[0] = br - context.length();
        for (int i = 0; i < after.size(); i++) {
            offsets[i + 1] = offsets[i] + after.get(i).length();
        }
        StringBuilder out = new StringBuilder(text.substring(context.length(), br));
        int prev = 0;
        for (int[] g : groups) {
            if (g[1] >= after.size() - 2) {
                after.subList(prev, g[0]).forEach(out::append);
                openFrom[0] = offsets[g[0]];
                return out.toString();
            }
            List<String> target = after.subList(g[0], g[1] + 1);
            after.subList(prev, g[0]).forEach(out::append);
            if (!(isSingleLineComment(target) || isLargeGroup(g, target))) {
                target.forEach(out::append);
            }
            prev = g[1] + 1;
        }
        after.subList(prev, after.size()).forEach(out::append);
        return out.toString();
    }

    private static boolean isSingleLineComment(List<String> lines) {
        if (lines.size() != 1) {
            return false;
        }
        String l = lines.get(0).stripLeading();
        for (String c : COMMENT_PREFIXES) {
            if (l.startsWith(c)) {
                return true;
            }
        }
        return false;
    }

    /** Five lines or more, of ordinary code (few special characters, low diversity): a block the model reflected. */
    private static boolean isLargeGroup(int[] group, List<String> lines) {
        Map<Character, Integer> counter = new HashMap<>();
        for (String line : lines) {
            for (char c : line.strip().toCharArray()) {
                counter.merge(c, 1, Integer::sum);
            }
        }
        int total = counter.values().stream().mapToInt(Integer::intValue).sum();
        if (group[2] < 5 || total == 0) {
            return false;
        }
        int special = 0;
        for (char c : SPECIAL_CHARS.toCharArray()) {
            special += counter.getOrDefault(c, 0);
        }
        boolean withSpecial = (double) special / total >= 0.25;
        boolean diverse = (double) counter.size() / total >= 0.35;
        return !withSpecial && !diverse;
    }

    /** The AI Gateway's find_newline_position. */
    static int findNewlinePosition(String value, int start) {
        String head = value.substring(0, start);
        String trimmed = head.replaceAll("[ \t]+$", "");
        if (trimmed.endsWith("\n")) {
            return head.length();
        }
        int nl = value.indexOf('\n', start);
        return nl < 0 ? -1 : nl + 1;
    }

    /** The AI Gateway's _split_code_lines: every line after the first carries its leading newline. */
    static List<String> splitCodeLines(String s) {
        List<String> raw = TokenCounter.lines(s);
        List<String> out = new ArrayList<>(raw.size() + 1);
        for (int i = 0; i < raw.size(); i++) {
            String line = raw.get(i);
            if (line.endsWith("\n")) {
                line = line.substring(0, line.length() - 1);
            }
            out.add(i > 0 ? "\n" + line : line);
        }
        if (!raw.isEmpty() && raw.get(raw.size() - 1).endsWith("\n")) {
            out.add("\n");
        }
        return out;
    }

    private static List<String> strip(List<String> lines) {
        return lines.stream().map(String::strip).collect(Collectors.toList());
    }

    /**
     * The AI Gateway's find_common_lines: the target lines that repeat source lines, grouped where they repeat
     * consecutive source lines. Groups are {first, last, count} target indexes: as there, a group may skip target
     * lines (it follows the source), and everything from its first to its last line is treated as the group.
     */
    static List<int[]> findCommonLines(List<String> source, List<String> target) {
        int ns = source.size();
        int nt = target.size();
        int[][] l = new int[ns + 1][nt + 1];
        for (int i = 1; i <= ns; i++) {
            for (int j = 1; j <= nt; j++) {
                if (source.get(i - 1).equals(target.get(j - 1))) {
                    int prev = l[i - 1][j - 1];
                    l[i - 1][j - 1] = prev == 1 ? prev + 1 : prev;
                    l[i][j] = l[i - 1][j - 1] + 1;
                }
            }
        }
        List<Integer> idx = new ArrayList<>();
        List<Integer> matches = new ArrayList<>();
        for (int j = 1; j <= nt; j++) {
            int best = 0;
            int arg = 0;
            for (int i = 0; i <= ns; i++) {
                if (l[i][j] > best) {
                    best = l[i][j];
                    arg = i;
                }
            }
            if (arg > 0) {
                idx.add(j - 1);
                matches.add(arg);
            }
        }
        List<int[]> groups = new ArrayList<>();
        for (int k = 0; k < idx.size(); k++) {
            if (k > 0 && matches.get(k) - matches.get(k - 1) == 1) {
                int[] last = groups.get(groups.size() - 1);
                last[1] = idx.get(k);
                last[2]++;
            } else {
                groups.add(new int[] {idx.get(k), idx.get(k), 1});
            }
        }
        return groups;
    }

    // --- helpers -------------------------------------------------------------------------------------------

    static String firstNonBlankLine(String text) {
        for (String line : text.split("\n", -1)) {
            if (!line.isBlank()) {
                return line.strip();
            }
        }
        return "";
    }

    /** Index just after the last newline (0 when there is none): where the line still being written starts. */
    static int lastLineStart(String text) {
        return text.lastIndexOf('\n') + 1;
    }

    private static int firstNonWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
