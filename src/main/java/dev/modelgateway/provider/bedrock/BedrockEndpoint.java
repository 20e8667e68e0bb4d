package dev.modelgateway.provider.bedrock;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.endpoints.BedrockRuntimeEndpointParams;
import software.amazon.awssdk.services.bedrockruntime.endpoints.BedrockRuntimeEndpointProvider;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * Where and as whom one Bedrock configuration is called: the endpoint (the override, else the one the SDK's own
 * endpoint rules give for the region), the region and the credentials; and the SigV4 signature of a request, made by
 * the SDK's own signer ({@link AwsV4HttpSigner}, signing name {@code bedrock}), which also encodes the path into the
 * canonical request a second time, as AWS expects. The model id goes into the path encoded once, the way the SDK's
 * marshaller encodes a path label ({@link SdkHttpUtils#urlEncode}: {@code :} as {@code %3A}, an ARN's {@code /} as
 * {@code %2F}).
 */
final class BedrockEndpoint {

    static final String SIGNING_NAME = "bedrock";
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

    private final String baseUrl;
    private final String region;
    private final BedrockCredentials credentials;

    BedrockEndpoint(BedrockSettings settings, BedrockCredentials credentials) {
        this.region = settings.region();
        this.credentials = credentials;
        this.baseUrl = stripSlash(settings.endpoint() != null ? settings.endpoint() : BedrockRuntimeEndpointProvider
                .defaultProvider().resolveEndpoint(BedrockRuntimeEndpointParams.builder()
                        .region(Region.of(settings.region())).build())
                .join().url().toString());
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    String baseUrl() {
        return baseUrl;
    }

    BedrockCredentials credentials() {
        return credentials;
    }

    /** {@code <endpoint>/model/<id>/<operation>}, the id encoded as one path segment. */
    String url(String modelId, String operation) {
        return baseUrl + "/model/" + SdkHttpUtils.urlEncode(modelId) + "/" + operation;
    }

    /**
     * The headers to send: the given ones plus what the signer adds (X-Amz-Date, X-Amz-Security-Token for session
     * credentials, Authorization). Host is left to the HTTP client, which derives the same value from the URL.
     * Completes at once when credentials are held (see {@link BedrockCredentials}).
     */
    CompletableFuture<Map<String, String>> sign(String url, Map<String, String> headers, byte[] body) {
        return credentials.current().thenApply(identity -> signed(identity, url, headers, body));
    }

    private Map<String, String> signed(AwsCredentialsIdentity identity, String url, Map<String, String> headers,
            byte[] body) {
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(URI.create(url));
        headers.forEach(request::putHeader);
        SignedRequest signed = SIGNER.sign(r -> r.identity(identity)
                .request(request.build())
                .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SIGNING_NAME));
        Map<String, String> out = new LinkedHashMap<>();
        signed.request().forEachHeader((name, values) -> {
            if (!"host".equalsIgnoreCase(name) && !values.isEmpty()) {
                out.put(name, values.get(0));
            }
        });
        return out;
    }
}
