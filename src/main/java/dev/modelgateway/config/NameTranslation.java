package dev.modelgateway.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * Short model names to the names providers serve ({@code vertex_ai/codestral} is served as {@code codestral@2405}).
 * The shipped table lives in {@code name-translations.yaml}; operators extend it with {@code name_translations}
 * in models.yaml. A name that is not a key (one that already carries
 * a version, an ARN, a profile id) passes through untouched.
 */
public final class NameTranslation {

    private final Map<String, String> table;

    private NameTranslation(Map<String, String> table) {
        this.table = Map.copyOf(table);
    }

    public static NameTranslation shipped() {
        return withOverrides(Map.of());
    }

    public static NameTranslation withOverrides(Map<String, String> overrides) {
        Map<String, String> table = new LinkedHashMap<>(loadShipped());
        overrides.forEach((k, v) -> table.put(k.trim(), v.trim()));
        return new NameTranslation(table);
    }

    /** The identifier with its served name; flavour and provider are kept. */
    public ModelIdentifier translate(ModelIdentifier id) {
        String served = table.get(id.provider() + "/" + id.name());
        return served == null ? id : id.withName(served);
    }

    public Map<String, String> table() {
        return table;
    }

    private static Map<String, String> loadShipped() {
        try (InputStream in = NameTranslation.class.getResourceAsStream("name-translations.yaml")) {
            if (in == null) {
                throw new IllegalStateException("name-translations.yaml missing from the classpath");
            }
            return new YAMLMapper().readValue(in, new TypeReference<LinkedHashMap<String, String>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
