package dev.modelgateway.suggestions;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the code-suggestion steps did, counted for operators: completions trimmed or dropped per post-processing step,
 * prompts whose code was cut to the budget, context entries left out. Each event is also one INFO line naming the
 * deployment, so the log shows which rule changed which answer.
 */
public final class SuggestionStats {

    private static final Logger LOG = LoggerFactory.getLogger("dev.modelgateway.suggestions");

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    public void completion(String deployment, List<PostProcessor.Change> changes) {
        for (PostProcessor.Change c : changes) {
            add(c.step().id() + "/" + c.outcome());
            LOG.info("completion {} by {} ({} characters) on deployment {}", c.outcome(), c.step().id(),
                    c.charsRemoved(), deployment);
        }
    }

    public void budget(String deployment, TokenBudget.Fitted f) {
        if (f.prefixCharsCut() > 0 || f.suffixCharsCut() > 0) {
            add("budget/code_trimmed");
            LOG.info("code trimmed to the token budget of deployment {}: {} characters cut before the cursor, {} after",
                    deployment, f.prefixCharsCut(), f.suffixCharsCut());
        }
        if (f.droppedContext() > 0) {
            add("budget/context_dropped");
            LOG.info("{} context entries left out of the token budget of deployment {}", f.droppedContext(),
                    deployment);
        }
    }

    /** A stream whose processed text stopped matching what was already sent (should stay 0). */
    public void diverged(String deployment) {
        add("stream/diverged");
        LOG.warn("completion stream on deployment {} stopped: post-processing changed text already sent", deployment);
    }

    private void add(String key) {
        counts.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    /** {@code "<step>/<trimmed|dropped>"}, {@code budget/code_trimmed}, {@code budget/context_dropped} -> count. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
