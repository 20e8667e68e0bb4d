package dev.modelgateway.support;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Checks a captured request's SigV4 signature the way AWS does: the AWS SDK's own signer re-signs the request as it
 * arrived (raw path, the headers it claims to have signed, the body, its x-amz-date) with the given credentials, and
 * the signatures must be equal. No hand-made signing.
 */
public final class SigV4Verifier {

    private static final Pattern AUTH = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private SigV4Verifier() {
    }

    /** Whether the request was signed with this key pair; the region and service come from its Credential scope. */
    public static boolean verify(CaptureServer.Captured captured, String host, String accessKeyId, String secretKey) {
        String authorization = captured.header("authorization");
        Matcher m = authorization == null ? null : AUTH.matcher(authorization);
        if (m == null || !m.matches() || !m.group(1).equals(accessKeyId)) {
            return false;
        }
        List<String> signedHeaders = Arrays.asList(m.group(5).split(";"));
        Instant date = Instant.from(AMZ_DATE.parse(captured.header("x-amz-date")));
        URI uri = URI.create(host + captured.rawPath() + (captured.query().isEmpty() ? "" : "?" + captured.query()));
        SdkHttpRequest.Builder request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.fromValue(captured.method()))
                .uri(uri);
        for (String name : signedHeaders) {
            if (!name.equals("host") && !name.equals("x-amz-date")) {
                request.putHeader(name, captured.headers().getAll(name));
            }
        }
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(accessKeyId, secretKey))
                .request(request.build())
                .payload(ContentStreamProvider.fromUtf8String(captured.body()))
                .putProperty(AwsV4HttpSigner.REGION_NAME, m.group(3))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, m.group(4))
                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, true)
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(date, ZoneOffset.UTC)));
        String resigned = signed.request().firstMatchingHeader("Authorization").orElse("");
        Matcher again = AUTH.matcher(resigned);
        return again.matches() && again.group(5).equals(m.group(5)) && again.group(6).equals(m.group(6));
    }
}
