package dev.modelgateway.suggestions;

/**
 * One item of a code request's {@code context[]}, as GitLab's editor extensions send it: an open tab or import
 * ({@code file}) or a piece of code ({@code snippet}). Templates read {@code type}, {@code name} and {@code content}.
 */
public record ContextEntry(String type, String name, String content) {

    public ContextEntry {
        type = type == null ? "file" : type;
        name = name == null ? "" : name;
        content = content == null ? "" : content;
    }
}
