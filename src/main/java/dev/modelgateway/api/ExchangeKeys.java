package dev.modelgateway.api;

/** Exchange properties the routes and processors share. */
public final class ExchangeKeys {

    /** Which API family answers: drives the error and response shapes ({@link ApiFamily}). */
    public static final String API = "gatewayApi";
    /** The deployments to try, in order ({@code List<ModelDeployment>}). */
    public static final String CANDIDATES = "gatewayCandidates";
    /** The {@code ModelRequest} for the deployment being tried. */
    public static final String MODEL_REQUEST = "gatewayModelRequest";
    /** The provider prefix of the deployment being tried: what the content-based router looks at. */
    public static final String PROVIDER = "modelProvider";
    /** The identifier as written, for messages. */
    public static final String IDENTIFIER = "modelIdentifier";
    /** The normalised {@code ModelResponse}. */
    public static final String MODEL_RESPONSE = "gatewayModelResponse";
    /** How to frame a live stream ({@code StreamFormat}); absent when the answer is not streamed. */
    public static final String STREAM_FORMAT = "gatewayStreamFormat";
    /** The Vert.x response a live stream is written to. */
    public static final String HTTP_RESPONSE = "gatewayHttpResponse";
    /** Details for the response body (language for AI Gateway answers). */
    public static final String LANGUAGE = "gatewayLanguage";

    private ExchangeKeys() {
    }
}
