package dev.modelgateway.provider.bedrock;

import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * One {@link BedrockEndpoint} per distinct {@link BedrockSettings}, built on first use and kept for the gateway's life
 * (never one per request): endpoint, region and the AWS SDK credentials provider the settings name. Credentials
 * providers may block, so they run on this service's own small pool ({@value #CREDENTIAL_THREADS} threads), never on
 * an event loop.
 */
final class BedrockEndpoints extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(BedrockEndpoints.class);
    static final int CREDENTIAL_THREADS = 2;

    private final CamelContext camel;
    private final Map<BedrockSettings, BedrockEndpoint> cache = new ConcurrentHashMap<>();
    private volatile ExecutorService credentialThreads;

    BedrockEndpoints(CamelContext camel) {
        this.camel = camel;
    }

    BedrockEndpoint forSettings(BedrockSettings settings) {
        return cache.computeIfAbsent(settings, this::build);
    }

    int size() {
        return cache.size();
    }

    private BedrockEndpoint build(BedrockSettings s) {
        BedrockEndpoint endpoint = new BedrockEndpoint(s,
                new BedrockCredentials(credentials(s), credentialThreads(), Clock.systemUTC()));
        LOG.info("Bedrock endpoint {} for {}", endpoint.baseUrl(), s);
        return endpoint;
    }

    private ExecutorService credentialThreads() {
        if (credentialThreads == null) {
            synchronized (this) {
                if (credentialThreads == null) {
                    credentialThreads = camel.getExecutorServiceManager().newFixedThreadPool(this,
                            "bedrock-credentials", CREDENTIAL_THREADS);
                }
            }
        }
        return credentialThreads;
    }

    static AwsCredentialsProvider credentials(BedrockSettings s) {
        AwsCredentialsProvider base;
        if (s.staticKeys()) {
            base = StaticCredentialsProvider.create(s.sessionToken() == null
                    ? AwsBasicCredentials.create(s.accessKeyId(), s.secretAccessKey())
                    : AwsSessionCredentials.create(s.accessKeyId(), s.secretAccessKey(), s.sessionToken()));
        } else if (s.profileName() != null) {
            base = ProfileCredentialsProvider.create(s.profileName());
        } else {
            base = DefaultCredentialsProvider.builder().build();
        }
        if (s.roleArn() == null) {
            return base;
        }
        StsClient sts = StsClient.builder()
                .region(Region.of(s.region()))
                .credentialsProvider(base)
                .applyMutation(b -> {
                    if (s.stsEndpoint() != null) {
                        b.endpointOverride(URI.create(s.stsEndpoint()));
                    }
                })
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
        return StsAssumeRoleCredentialsProvider.builder()
                .stsClient(sts)
                .refreshRequest(r -> r.roleArn(s.roleArn())
                        .roleSessionName(s.roleSessionName() == null ? "model-gateway" : s.roleSessionName()))
                .asyncCredentialUpdateEnabled(true)
                .build();
    }

    @Override
    protected void doStop() {
        for (BedrockEndpoint e : cache.values()) {
            if (e.credentials().provider() instanceof SdkAutoCloseable closeable) {
                closeable.close();
            }
        }
        cache.clear();
        if (credentialThreads != null) {
            camel.getExecutorServiceManager().shutdown(credentialThreads);
            credentialThreads = null;
        }
    }
}
