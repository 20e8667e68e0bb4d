package dev.modelgateway.observe;

import java.util.List;
import java.util.Map;

/**
 * A block of extra rows on /status (loaded file versions, the last rejected edit, trimmed completions ...): bind a
 * bean of this type in the Camel registry and the page shows it under its title, rows as label and value. Values are
 * text (the page escapes them); never put a secret in one.
 */
public interface StatusSection {

    String title();

    List<Map.Entry<String, String>> rows();

    /** "ok", "warn" or "bad": colours the block's title. */
    default String level() {
        return "ok";
    }
}
