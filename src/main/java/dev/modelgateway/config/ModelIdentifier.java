package dev.modelgateway.config;

import java.util.Locale;

/**
 * A LiteLLM-style model identifier, {@code <provider>/<served-model-name>}, split at the first slash.
 * Bedrock identifiers may carry a flavour ({@code bedrock/converse/<id>}, {@code bedrock/invoke/<id>}).
 */
public record ModelIdentifier(String provider, String flavour, String name) {

    public static final String DEFAULT_PROVIDER = "custom_openai";

    public static ModelIdentifier parse(String identifier) {
        if (identifier == null || identifier.isBlank()) {
            throw new IllegalArgumentException("model identifier is empty");
        }
        String id = identifier.trim();
        int slash = id.indexOf('/');
        if (slash < 0) {
            return new ModelIdentifier(DEFAULT_PROVIDER, null, id);
        }
        String provider = id.substring(0, slash).toLowerCase(Locale.ROOT);
        String rest = id.substring(slash + 1);
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("model identifier '" + id + "' names no model after '" + provider + "/'");
        }
        if ("bedrock".equals(provider)) {
            for (String flavour : new String[] {"converse", "invoke"}) {
                if (rest.startsWith(flavour + "/") && rest.length() > flavour.length() + 1) {
                    return new ModelIdentifier(provider, flavour, rest.substring(flavour.length() + 1));
                }
            }
        }
        return new ModelIdentifier(provider, null, rest);
    }

    public ModelIdentifier withName(String newName) {
        return new ModelIdentifier(provider, flavour, newName);
    }

    /** The identifier as written, flavour included. */
    @Override
    public String toString() {
        return provider + "/" + (flavour == null ? "" : flavour + "/") + name;
    }
}
