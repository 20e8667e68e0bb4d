package dev.modelgateway.api;

/** Exchange properties the routes and processors share. */
public final class ExchangeKeys {

    /** Which API family answers: drives the error and response shapes ({@link ApiFamily}). */
    public static final String API = "gatewayApi";
    /** The {@code ModelRequest} for the deployment being tried. */
    public static final String MODEL_REQUEST = "gatewayModelRequest";
    /** The provider prefix of the deployment being tried: what the content-based router looks at. */
    public static final String PROVIDER = "modelProvider";
    /** The identifier as written, for messages. */
    public static final String IDENTIFIER = "modelIdentifier";
    /** The normalised {@code ModelResponse}. */
    public static final String MODEL_RESPONSE = "gatewayModelResponse";
    /**
     * Whether invoke-model's group-failover loop tries another deployment: set by routing-strategy, taken by
     * next-deployment, set again by deployment-failed when the next deployment or a fallback group may help.
     */
    public static final String TRY_NEXT = "gatewayTryNext";
    /** The Vert.x response a live stream is written to. */
    public static final String HTTP_RESPONSE = "gatewayHttpResponse";

    private ExchangeKeys() {
    }
}
