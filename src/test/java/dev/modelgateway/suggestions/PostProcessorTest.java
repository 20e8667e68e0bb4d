package dev.modelgateway.suggestions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.modelgateway.suggestions.PostProcessor.Step;

class PostProcessorTest {

    /** Runs the answer through whole and as a stream cut into small pieces; both must agree. */
    private static String both(PostProcessor p, String answer) {
        String whole = p.process(answer).text();
        CompletionStream stream = new CompletionStream(p);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < answer.length(); i += 3) {
            out.append(stream.accept(answer.substring(i, Math.min(answer.length(), i + 3))));
        }
        out.append(stream.finish());
        assertThat(stream.diverged()).isFalse();
        assertThat(out.toString()).as("streamed").isEqualTo(whole);
        return whole;
    }

    @Test
    void aCommentOnlyCompletionIsDropped() {
        PostProcessor p = new PostProcessor("def add(a, b):\n    ", "\n", "python", Set.of());
        PostProcessor.Result r = p.process("# add the numbers\n    # and return them\n");
        assertThat(r.text()).isEmpty();
        assertThat(r.changes()).extracting(PostProcessor.Change::step).containsExactly(Step.REMOVE_COMMENT_ONLY);
        assertThat(r.changes().get(0).dropped()).isTrue();
        assertThat(both(p, "# add the numbers\n    # and return them\n")).isEmpty();
        assertThat(both(p, "# sum\n    return a + b")).isEqualTo("# sum\n    return a + b");
    }

    @Test
    void anEchoedCursorMarkerIsStripped() {
        PostProcessor p = new PostProcessor("x = ", "", "python", Set.of());
        assertThat(both(p, "compute(<|cursor|>1, 2)")).isEqualTo("compute(1, 2)");
        PostProcessor plain = new PostProcessor("x = ", "", "", Set.of());
        assertThat(both(plain, "foo<|cur")).isEqualTo("foo<|cur");
        assertThat(both(plain, "a<|cursor|>b<|cursor|>")).isEqualTo("ab");
    }

    @Test
    void aRepeatOfTheSuffixFirstLineIsCutOff() {
        String prefix = "function total(items) {\n  let sum = 0;\n";
        String suffix = "  return sum;\n}\n";
        PostProcessor p = new PostProcessor(prefix, suffix, "text", Set.of());
        String answer = "  for (const i of items) sum += i;\n  return sum;\n}\n";
        PostProcessor.Result r = p.process(answer);
        assertThat(r.text()).isEqualTo("  for (const i of items) sum += i;");
        assertThat(r.changes()).extracting(PostProcessor.Change::step).contains(Step.CUT_SUFFIX_REPEAT);
        assertThat(both(p, answer)).isEqualTo("  for (const i of items) sum += i;");
        // on the cursor's own line: the closing text the suffix already has
        PostProcessor call = new PostProcessor("print(", ")\n", "text", Set.of());
        assertThat(both(call, "'hello')")).isEqualTo("'hello'");
    }

    @Test
    void aReflectedBlockOfThePrefixIsDropped() {
        String prefix = "import os\nimport sys\n\n# read the settings\nname = os.environ.get('NAME')\n"
                + "value = os.environ.get('VALUE')\nmode = os.environ.get('MODE')\nlevel = os.environ.get('LEVEL')\n"
                + "other = os.environ.get('OTHER')\n";
        String reflected = "print(name)\n# read the settings\n";
        PostProcessor p = new PostProcessor(prefix, "", "text", Set.of());
        assertThat(both(p, reflected)).isEqualTo("print(name)");
        PostProcessor.Result r = p.process(reflected);
        assertThat(r.changes()).extracting(PostProcessor.Change::step).contains(Step.CLEAN_MODEL_REFLECTION);
        // five lines of ordinary words that repeat the prefix: a block the model reflected
        String words = "alpha beta gamma\ndelta epsilon zeta\neta theta iota\nkappa lambda mu\nnu xi omicron\n";
        PostProcessor prose = new PostProcessor("# notes\n" + words, "", "text", Set.of());
        assertThat(both(prose, "pi rho sigma\n" + words + "tau upsilon")).isEqualTo("pi rho sigma\ntau upsilon");
    }

    @Test
    void whitespaceIsTrimmedAndBlankBecomesEmpty() {
        PostProcessor p = new PostProcessor("x = ", "", "python", Set.of());
        assertThat(both(p, "  \n\t\n ")).isEmpty();
        assertThat(both(p, "42  \n\n")).isEqualTo("42");
    }

    @Test
    void theSmallestBlockAroundTheCursorIsKept() {
        String prefix = "def area(r):\n    ";
        String answer = "pi = 3.14159\n    return pi * r * r\n\ndef perimeter(r):\n    return 2 * 3.14159 * r\n";
        PostProcessor p = new PostProcessor(prefix, "", "python", Set.of());
        assertThat(both(p, answer)).isEqualTo("pi = 3.14159\n    return pi * r * r");
        assertThat(p.process(answer).changes()).extracting(PostProcessor.Change::step)
                .contains(Step.TRIM_BY_SMALLEST_BLOCK);
    }

    @Test
    void excludedStepsDoNotRun() {
        PostProcessor p = new PostProcessor("x = ", "", "python",
                Set.of(Step.REMOVE_COMMENT_ONLY, Step.STRIP_WHITESPACE, Step.CLEAN_CURSOR_MARKERS));
        assertThat(p.process("# just a note  ").text()).isEqualTo("# just a note  ");
        assertThat(p.process("a<|cursor|>").text()).isEqualTo("a<|cursor|>");
    }

    @Test
    void aStreamRelaysSettledLinesBeforeItEnds() {
        String prefix = "def f(xs):\n    ";
        PostProcessor p = new PostProcessor(prefix, "", "python", Set.of());
        CompletionStream s = new CompletionStream(p);
        List<String> relayed = new ArrayList<>();
        for (String piece : List.of("total = 0\n", "    for x in xs:\n", "        total += x\n", "    return total\n")) {
            relayed.add(s.accept(piece));
        }
        // all but the last whole line are out before the stream ends (the last may still start a repeat)
        assertThat(String.join("", relayed)).startsWith("total = 0\n    for x in xs:\n");
        String rest = s.finish();
        assertThat(String.join("", relayed) + rest).isEqualTo("total = 0\n    for x in xs:\n        total += x\n"
                + "    return total");
        // without the line-bound steps, text goes out as it comes, less trailing whitespace
        PostProcessor light = new PostProcessor(prefix, "", "python", Set.of(Step.TRIM_BY_SMALLEST_BLOCK,
                Step.CUT_SUFFIX_REPEAT, Step.CLEAN_MODEL_REFLECTION));
        CompletionStream live = new CompletionStream(light);
        assertThat(live.accept("return sum(")).isEqualTo("return sum(");
        assertThat(live.accept("xs) ")).isEqualTo("xs)");
    }

    @Test
    void stepNamesAreTheAiGatewayOnes() {
        assertThat(Step.names()).containsExactly("remove_comment_only_completion", "clean_irrelevant_keywords",
                "trim_by_min_allowed_context", "fix_end_block_errors", "clean_model_reflection", "strip_whitespaces");
    }
}
