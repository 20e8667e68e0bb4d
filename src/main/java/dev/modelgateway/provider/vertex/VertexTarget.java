package dev.modelgateway.provider.vertex;

import java.util.Locale;
import java.util.regex.Pattern;

import dev.modelgateway.api.GatewayException;
import dev.modelgateway.config.ModelDeployment;

/**
 * Where a Vertex model lives: API family (from the served name, contract section 3), host and path.
 * Hosts: regional {@code https://{location}-aiplatform.googleapis.com/v1}, {@code global} on
 * {@code https://aiplatform.googleapis.com/v1}, or {@code api_base} (Private Service Connect, a proxy, the emulator),
 * which replaces the host but keeps the standard path; {@code /v1} is added to it unless it already names a version.
 */
record VertexTarget(Family family, String versionBase, String project, String location, String model) {

    static final String DEFAULT_LOCATION = "us-central1";

    /** The four ways Vertex serves models. */
    enum Family {
        /** publisher anthropic, rawPredict / streamRawPredict with the Messages body. */
        CLAUDE("anthropic"),
        /** publisher mistralai, rawPredict / streamRawPredict with a chat or FIM body. */
        MISTRAL("mistralai"),
        /** publisher google, generateContent / streamGenerateContent. */
        GEMINI("google"),
        /** Llama and other open models: the OpenAI-compatible endpoints/openapi surface. */
        OPENAPI(null);

        final String publisher;

        Family(String publisher) {
            this.publisher = publisher;
        }

        static Family of(String servedName) {
            String n = servedName.toLowerCase(Locale.ROOT);
            if (n.startsWith("claude")) {
                return CLAUDE;
            }
            if (n.startsWith("codestral") || n.startsWith("mistral") || n.startsWith("mixtral")) {
                return MISTRAL;
            }
            if (n.startsWith("gemini")) {
                return GEMINI;
            }
            return OPENAPI;
        }
    }

    /** Compiled once: a target is made for every request (String.matches/replaceAll compile theirs per call). */
    private static final Pattern TRAILING_SLASHES = Pattern.compile("/+$");
    private static final Pattern VERSIONED = Pattern.compile(".*/v1(beta1)?$");

    /** The target of a deployment; project may still be null here (then it comes from the credentials). */
    static VertexTarget of(ModelDeployment model) {
        String location = model.firstParam("vertex_ai_location", "vertex_location");
        location = location == null ? DEFAULT_LOCATION : location.trim();
        String base = model.param("api_base");
        String versionBase;
        if (base != null && !base.isBlank()) {
            base = TRAILING_SLASHES.matcher(base.trim()).replaceAll("");
            versionBase = VERSIONED.matcher(base).matches() ? base : base + "/v1";
        } else if ("global".equals(location)) {
            versionBase = "https://aiplatform.googleapis.com/v1";
        } else {
            versionBase = "https://" + location + "-aiplatform.googleapis.com/v1";
        }
        String project = model.firstParam("vertex_ai_project", "vertex_project");
        return new VertexTarget(Family.of(model.servedName()), versionBase, project == null ? null : project.trim(),
                location, urlModel(model.servedName()));
    }

    VertexTarget withProject(String p) {
        return new VertexTarget(family, versionBase, p, location, model);
    }

    /** {@code .../publishers/{publisher}/models/{model}:{verb}}. */
    String publisherUrl(String verb) {
        return locationUrl() + "/publishers/" + family.publisher + "/models/" + model + ":" + verb;
    }

    /** {@code .../endpoints/openapi/chat/completions}. */
    String openApiUrl() {
        return locationUrl() + "/endpoints/openapi/chat/completions";
    }

    private String locationUrl() {
        if (project == null || project.isBlank()) {
            throw new GatewayException(500, "configuration_error", "Vertex AI model " + model
                    + " has no project: set vertex_ai_project in models.yaml");
        }
        return versionBase + "/projects/" + project + "/locations/" + location;
    }

    /** The name in the body: Mistral models go without their {@code @version}. */
    String bodyModel() {
        int at = model.indexOf('@');
        return at < 0 ? model : model.substring(0, at);
    }

    /** Open models are addressed as {@code publisher/model}; a bare Llama name gets Meta's. */
    String openApiModel() {
        return model.contains("/") || !model.toLowerCase(Locale.ROOT).startsWith("llama") ? model : "meta/" + model;
    }

    /**
     * The served name as it goes into the URL. Mistral's own SDK writes the dated ids {@code codestral-2405},
     * {@code mistral-large-2407} and {@code mistral-nemo-2407} as {@code name@version}; so do we.
     */
    private static String urlModel(String served) {
        return switch (served) {
            case "codestral-2405" -> "codestral@2405";
            case "mistral-large-2407" -> "mistral-large@2407";
            case "mistral-nemo-2407" -> "mistral-nemo@2407";
            default -> served;
        };
    }
}
