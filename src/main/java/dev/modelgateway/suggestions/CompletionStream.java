package dev.modelgateway.suggestions;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Post-processes a streamed completion: each piece received is added to what came before, the steps run over the
 * whole, and what they will no longer change is relayed; the rest (the line still being written, a group of lines
 * that may turn out to repeat the prefix, trailing whitespace, a partial cursor marker) is held back until it is
 * settled or the stream ends. Not thread-safe: a stream's pieces arrive one at a time, in order.
 */
public final class CompletionStream {

    private static final Logger LOG = LoggerFactory.getLogger(CompletionStream.class);

    private final PostProcessor processor;
    private final boolean lineBound;
    private final StringBuilder received = new StringBuilder();
    private final StringBuilder relayed = new StringBuilder();
    private PostProcessor.Result result;
    private boolean diverged;

    public CompletionStream(PostProcessor processor) {
        this.processor = processor;
        this.lineBound = processor.holdsLines();
    }

    /** Takes the next piece; answers the text that can be relayed now (maybe empty). */
    public String accept(String piece) {
        if (piece == null || piece.isEmpty()) {
            return "";
        }
        received.append(piece);
        // steps that hold whole lines cannot settle more until a line ends
        if (lineBound && piece.indexOf('\n') < 0) {
            return "";
        }
        PostProcessor.Partial p = processor.partial(received.toString());
        return release(p.text(), p.stable());
    }

    /** The stream ended: runs the steps on the whole answer and answers what is left to relay. */
    public String finish() {
        result = processor.process(received.toString());
        return release(result.text(), result.text().length());
    }

    /** The whole-answer result, after {@link #finish()}. */
    public PostProcessor.Result result() {
        return result;
    }

    /** True when a step changed text already relayed (the processed answer no longer began with it). */
    public boolean diverged() {
        return diverged;
    }

    private String release(String text, int stable) {
        if (diverged || stable <= relayed.length()) {
            return "";
        }
        if (!text.startsWith(relayed.toString())) {
            // should not happen: each step settles only what later text cannot change; counted, never hidden
            diverged = true;
            LOG.warn("completion post-processing changed text already streamed; the rest of this stream is dropped");
            return "";
        }
        String out = text.substring(relayed.length(), stable);
        relayed.append(out);
        return out;
    }

    /** What was relayed so far. */
    public String relayed() {
        return relayed.toString();
    }
}
