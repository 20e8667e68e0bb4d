package dev.modelgateway.api;

import java.util.Locale;
import java.util.Map;

/** The programming language of a file, from its extension, else from the client's language_identifier. */
public final class Languages {

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("py", "python"), Map.entry("js", "javascript"), Map.entry("mjs", "javascript"),
            Map.entry("jsx", "javascript"), Map.entry("ts", "typescript"), Map.entry("tsx", "typescript"),
            Map.entry("java", "java"), Map.entry("kt", "kotlin"), Map.entry("kts", "kotlin"),
            Map.entry("scala", "scala"), Map.entry("go", "go"), Map.entry("rs", "rust"), Map.entry("rb", "ruby"),
            Map.entry("php", "php"), Map.entry("c", "c"), Map.entry("h", "c"), Map.entry("cc", "cpp"),
            Map.entry("cpp", "cpp"), Map.entry("cxx", "cpp"), Map.entry("hpp", "cpp"), Map.entry("cs", "csharp"),
            Map.entry("swift", "swift"), Map.entry("m", "objective-c"), Map.entry("sh", "shell"),
            Map.entry("bash", "shell"), Map.entry("sql", "sql"), Map.entry("html", "html"), Map.entry("css", "css"),
            Map.entry("scss", "scss"), Map.entry("vue", "vue"), Map.entry("svelte", "svelte"),
            Map.entry("yaml", "yaml"), Map.entry("yml", "yaml"), Map.entry("json", "json"), Map.entry("tf", "terraform"),
            Map.entry("hcl", "hcl"), Map.entry("lua", "lua"), Map.entry("dart", "dart"), Map.entry("ex", "elixir"),
            Map.entry("exs", "elixir"), Map.entry("erl", "erlang"), Map.entry("hs", "haskell"),
            Map.entry("clj", "clojure"), Map.entry("r", "r"), Map.entry("pl", "perl"), Map.entry("md", "markdown"),
            Map.entry("groovy", "groovy"), Map.entry("ps1", "powershell"), Map.entry("zig", "zig"));

    private Languages() {
    }

    /**
     * The language code suggestions are rendered for: as {@link #detect}, else the file's extension as the AI Gateway
     * falls back to it (code_suggestions/completions.py); "" when there is none, and a completion is then empty.
     */
    public static String forCode(String fileName, String languageIdentifier) {
        String language = detect(fileName, languageIdentifier);
        if (!language.isEmpty() || fileName == null) {
            return language;
        }
        String base = fileName.substring(fileName.lastIndexOf('/') + 1);
        int dot = base.lastIndexOf('.');
        return dot > 0 && dot < base.length() - 1 ? base.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    }

    public static String detect(String fileName, String languageIdentifier) {
        if (fileName != null) {
            int dot = fileName.lastIndexOf('.');
            if (dot >= 0 && dot < fileName.length() - 1) {
                String language = BY_EXTENSION.get(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
                if (language != null) {
                    return language;
                }
            }
        }
        return languageIdentifier == null || languageIdentifier.isBlank() ? "" : languageIdentifier.trim().toLowerCase(Locale.ROOT);
    }
}
