package dev.modelgateway.suggestions;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.treesitter.TSLanguage;
import org.treesitter.TSNode;
import org.treesitter.TSParser;
import org.treesitter.TSTree;
import org.treesitter.TreeSitterGo;
import org.treesitter.TreeSitterJava;
import org.treesitter.TreeSitterJavascript;
import org.treesitter.TreeSitterPython;
import org.treesitter.TreeSitterRuby;
import org.treesitter.TreeSitterTypescript;

/**
 * Tree-sitter for the post-processing steps that need a parser (the AI Gateway's prompts/parsers): whether a text is
 * only comments, and where the smallest block around a point ends. Grammars and their native parts come inside the
 * io.github.bonede jars; a language without a grammar here is simply not parsed (those steps are skipped for it).
 */
public final class CodeParser {

    /** A grammar, its root node type and its comment node types (the AI Gateway's comment visitors). */
    private record Grammar(TSLanguage language, Set<String> commentOnlyTypes, String commentStarts) {
    }

    private static final Map<String, Supplier<Grammar>> FACTORIES = Map.of(
            "python", () -> new Grammar(new TreeSitterPython(), Set.of("module", "comment"), "#"),
            "javascript", () -> new Grammar(new TreeSitterJavascript(), Set.of("program", "comment"), "/"),
            "typescript", () -> new Grammar(new TreeSitterTypescript(), Set.of("program", "comment"), "/"),
            "java", () -> new Grammar(new TreeSitterJava(), Set.of("program", "line_comment", "block_comment"), "/"),
            "go", () -> new Grammar(new TreeSitterGo(), Set.of("source_file", "comment"), "/"),
            "ruby", () -> new Grammar(new TreeSitterRuby(), Set.of("program", "comment"), "#="));

    /** Languages (as Languages.detect names them) that have a grammar. */
    public static final Set<String> LANGUAGES = FACTORIES.keySet();

    /** Characters of code before the cursor that the smallest-block step parses. */
    static final int PARSE_WINDOW = 20_000;

    private static final Map<String, Grammar> GRAMMARS = new java.util.concurrent.ConcurrentHashMap<>();

    private CodeParser() {
    }

    public static boolean supports(String language) {
        return language != null && FACTORIES.containsKey(language);
    }

    /** Loads a grammar's native library now (first use otherwise); fails loudly if this platform has none. */
    public static void load(String language) {
        grammar(language);
    }

    private static Grammar grammar(String language) {
        return GRAMMARS.computeIfAbsent(language, l -> FACTORIES.get(l).get());
    }

    /** The characters a comment can start with in this language (cheap pre-check before parsing). */
    static String commentStarts(String language) {
        return grammar(language).commentStarts();
    }

    /** True when the text parses to nothing but comments (and whitespace). */
    public static boolean commentsOnly(String language, String text) {
        Grammar g = grammar(language);
        try (Parsed parsed = parse(g, text)) {
            return onlyTypes(parsed.tree.getRootNode(), g.commentOnlyTypes());
        }
    }

    private static boolean onlyTypes(TSNode node, Set<String> allowed) {
        if (!allowed.contains(node.getType())) {
            return false;
        }
        for (int i = 0; i < node.getChildCount(); i++) {
            if (!onlyTypes(node.getChild(i), allowed)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The end (a char index into {@code code}) of the smallest node of at least two lines that holds the character
     * at {@code at}, or -1 when only the whole file does. The AI Gateway's MinAllowedBlockVisitor(min_block_size=2).
     */
    public static int smallestBlockEnd(String language, String code, int at) {
        // only the code near the cursor is parsed: a long file costs tens of milliseconds per parse, and a stream
        // parses once per line
        int from = at <= PARSE_WINDOW ? 0 : code.lastIndexOf('\n', at - PARSE_WINDOW) + 1;
        if (from > 0) {
            int end = smallestBlockEnd(language, code.substring(from), at - from);
            return end < 0 ? -1 : end + from;
        }
        Grammar g = grammar(language);
        byte[] utf8 = code.getBytes(StandardCharsets.UTF_8);
        int atByte = code.substring(0, at).getBytes(StandardCharsets.UTF_8).length;
        try (Parsed parsed = parse(g, code)) {
            TSNode root = parsed.tree.getRootNode();
            TSNode node = root.getDescendantForByteRange(atByte, atByte + 1);
            while (node != null && !node.isNull()) {
                if (TSNode.eq(node, root)) {
                    return -1;
                }
                if (node.getEndPoint().getRow() > node.getStartPoint().getRow()) {
                    return new String(utf8, 0, node.getEndByte(), StandardCharsets.UTF_8).length();
                }
                node = node.getParent();
            }
            return -1;
        }
    }

    /** Parsed as UTF-8 (the binding's UTF-16 input is not usable): node offsets are UTF-8 bytes. */
    private static Parsed parse(Grammar g, String text) {
        TSParser parser = new TSParser();
        parser.setLanguage(g.language());
        TSTree tree = parser.parseString(null, text);
        return new Parsed(parser, tree);
    }

    private record Parsed(TSParser parser, TSTree tree) implements AutoCloseable {
        @Override
        public void close() {
            tree.close();
            parser.close();
        }
    }
}
