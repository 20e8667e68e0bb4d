package dev.modelgateway.api;

/** The router has no route for the identifier's provider prefix; thrown from routes/router.camel.yaml. */
public class UnknownProviderException extends GatewayException {

    public UnknownProviderException(String identifier) {
        super(400, "invalid_request_error", "unknown provider '" + provider(identifier) + "' in model identifier '"
                + identifier + "': routes/router.camel.yaml has no route for it");
    }

    private static String provider(String identifier) {
        int slash = identifier.indexOf('/');
        return slash < 0 ? identifier : identifier.substring(0, slash);
    }
}
