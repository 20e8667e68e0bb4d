package dev.modelgateway.suggestions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * One test per tree-sitter language: its grammar's native part loads on this platform, comment-only answers are
 * recognised, and the smallest-block step keeps the cursor's block and drops what the model wrote after it.
 */
class TreeSitterLanguagesTest {

    private static void smallestBlock(String language, String prefix, String answer, String expected) {
        PostProcessor p = new PostProcessor(prefix, "", language,
                Set.of(PostProcessor.Step.CLEAN_MODEL_REFLECTION, PostProcessor.Step.CUT_SUFFIX_REPEAT));
        PostProcessor.Result r = p.process(answer);
        assertThat(r.text()).isEqualTo(expected);
        assertThat(r.changes()).extracting(PostProcessor.Change::step)
                .contains(PostProcessor.Step.TRIM_BY_SMALLEST_BLOCK);
        CompletionStream s = new CompletionStream(p);
        StringBuilder out = new StringBuilder();
        for (String line : answer.split("(?<=\n)")) {
            out.append(s.accept(line));
        }
        out.append(s.finish());
        assertThat(s.diverged()).isFalse();
        assertThat(out.toString()).isEqualTo(expected);
    }

    @Test
    void python() {
        CodeParser.load("python");
        assertThat(CodeParser.commentsOnly("python", "# one\n# two\n")).isTrue();
        assertThat(CodeParser.commentsOnly("python", "# one\nx = 1\n")).isFalse();
        smallestBlock("python", "class Shop:\n    def total(self, items):\n        ",
                "s = sum(items)\n        return s\n\n    def count(self, items):\n        return len(items)\n",
                "s = sum(items)\n        return s");
    }

    @Test
    void javascript() {
        CodeParser.load("javascript");
        assertThat(CodeParser.commentsOnly("javascript", "// one\n/* two */\n")).isTrue();
        assertThat(CodeParser.commentsOnly("javascript", "// one\nlet x = 1;\n")).isFalse();
        smallestBlock("javascript", "function total(items) {\n  ",
                "let s = 0;\n  for (const i of items) s += i;\n  return s;\n}\n\nfunction count(items) {\n"
                        + "  return items.length;\n}\n",
                "let s = 0;\n  for (const i of items) s += i;\n  return s;\n}");
    }

    @Test
    void typescript() {
        CodeParser.load("typescript");
        assertThat(CodeParser.commentsOnly("typescript", "// typed note\n")).isTrue();
        assertThat(CodeParser.commentsOnly("typescript", "const n: number = 1;\n")).isFalse();
        smallestBlock("typescript", "function total(items: number[]): number {\n  ",
                "let s: number = 0;\n  for (const i of items) s += i;\n  return s;\n}\n\n"
                        + "function count(items: number[]): number {\n  return items.length;\n}\n",
                "let s: number = 0;\n  for (const i of items) s += i;\n  return s;\n}");
    }

    @Test
    void java() {
        CodeParser.load("java");
        assertThat(CodeParser.commentsOnly("java", "// one\n/* two */\n/** three */\n")).isTrue();
        assertThat(CodeParser.commentsOnly("java", "// one\nint x = 1;\n")).isFalse();
        smallestBlock("java", "class Shop {\n    int total(int[] items) {\n        ",
                "int s = 0;\n        for (int i : items) s += i;\n        return s;\n    }\n\n"
                        + "    int count(int[] items) {\n        return items.length;\n    }\n}\n",
                "int s = 0;\n        for (int i : items) s += i;\n        return s;\n    }");
    }

    @Test
    void go() {
        CodeParser.load("go");
        assertThat(CodeParser.commentsOnly("go", "// one\n// two\n")).isTrue();
        assertThat(CodeParser.commentsOnly("go", "// one\nx := 1\n")).isFalse();
        smallestBlock("go", "package shop\n\nfunc Total(items []int) int {\n\t",
                "s := 0\n\tfor _, i := range items {\n\t\ts += i\n\t}\n\treturn s\n}\n\n"
                        + "func Count(items []int) int {\n\treturn len(items)\n}\n",
                // Go's grammar has a statement_list inside the braces: the smallest block is the body's statements
                "s := 0\n\tfor _, i := range items {\n\t\ts += i\n\t}\n\treturn s");
    }

    @Test
    void ruby() {
        CodeParser.load("ruby");
        assertThat(CodeParser.commentsOnly("ruby", "# one\n# two\n")).isTrue();
        assertThat(CodeParser.commentsOnly("ruby", "# one\nx = 1\n")).isFalse();
        smallestBlock("ruby", "class Shop\n  def total(items)\n    ",
                "s = items.sum\n    s\n  end\n\n  def count(items)\n    items.size\n  end\nend\n",
                // Ruby's grammar: the method's body_statement, without its end
                "s = items.sum\n    s");
    }

    @Test
    void otherLanguagesSkipTheParserSteps() {
        PostProcessor p = new PostProcessor("fn main() {\n    ", "", "rust", Set.of());
        assertThat(p.steps()).doesNotContain(PostProcessor.Step.REMOVE_COMMENT_ONLY,
                PostProcessor.Step.TRIM_BY_SMALLEST_BLOCK);
        assertThat(p.process("// only a comment").text()).isEqualTo("// only a comment");
    }
}
