package dev.modelgateway.provider.bedrock;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.Producer;
import org.apache.camel.component.aws2.bedrock.runtime.BedrockComponent;
import org.apache.camel.component.aws2.bedrock.runtime.BedrockConfiguration;
import org.apache.camel.component.aws2.bedrock.runtime.BedrockEndpoint;
import org.apache.camel.component.aws2.bedrock.runtime.BedrockOperations;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.utils.SdkAutoCloseable;

import dev.modelgateway.provider.UpstreamSettings;

/**
 * One set of Bedrock clients per distinct {@link BedrockSettings}, built on first use and kept for the gateway's life
 * (never one per request). A set shares one credentials provider, region and endpoint between
 * <ul>
 * <li>the Camel {@code aws-bedrock} component's endpoint (operation {@code converse}, {@code pojoRequest}), which
 * serves unary Converse, and</li>
 * <li>the SDK's {@link BedrockRuntimeAsyncClient}, which serves what the component cannot: live streaming (its
 * streaming operations collect the whole stream before they return) and InvokeModel for Claude (its
 * {@code invokeTextModel} picks the response parser by a hard-coded model list that lacks inference profiles, ARNs
 * and newer ids, failing after the billed call; with {@code pojoRequest} it switches on a null model id).</li>
 * </ul>
 * The SDK's own retries are off: the gateway's {@code Retrier} retries with its configured backoff, so that no
 * retry happens after the first streamed byte and a persistent 429 reaches the client with its Retry-After.
 */
final class BedrockClients extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(BedrockClients.class);

    /** The clients of one settings value. */
    record Clients(BedrockRuntimeAsyncClient async, BedrockRuntimeClient sync, Producer converse,
            AwsCredentialsProvider credentials) {
    }

    private final CamelContext camel;
    private final UpstreamSettings upstream;
    private final SdkEventLoopGroup eventLoops;
    private final Map<BedrockSettings, Clients> cache = new ConcurrentHashMap<>();

    BedrockClients(CamelContext camel, UpstreamSettings upstream, io.netty.channel.EventLoopGroup vertxLoops) {
        this.camel = camel;
        this.upstream = upstream;
        // the SDK's Netty client runs on the gateway's own (Vert.x) event loops: no second set of I/O threads, and
        // no wake-up of an idle pool on every call
        this.eventLoops = SdkEventLoopGroup.create(vertxLoops);
    }

    Clients forSettings(BedrockSettings settings) {
        return cache.computeIfAbsent(settings, this::build);
    }

    int size() {
        return cache.size();
    }

    private Clients build(BedrockSettings s) {
        AwsCredentialsProvider credentials = credentials(s);
        Region region = Region.of(s.region());
        URI endpoint = s.endpoint() == null ? null : URI.create(s.endpoint());
        BedrockRuntimeAsyncClient async = BedrockRuntimeAsyncClient.builder()
                .region(region)
                .credentialsProvider(credentials)
                .applyMutation(b -> {
                    if (endpoint != null) {
                        b.endpointOverride(endpoint);
                    }
                })
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                // complete futures on the Netty thread that read the answer: the SDK's default hands every
                // completion to a thread pool, a hop that cost a measurable part of each call; our continuations
                // only map the answer and hand it to Camel, they never block
                .asyncConfiguration(a -> a.advancedOption(SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR,
                        Runnable::run))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .eventLoopGroup(eventLoops)
                        // unary InvokeModel answers only when the model is done: the idle limit is the whole-call one
                        .readTimeout(upstream.timeout())
                        .connectionTimeout(java.time.Duration.ofSeconds(10))
                        .maxConcurrency(256))
                .build();
        BedrockRuntimeClient sync = BedrockRuntimeClient.builder()
                .region(region)
                .credentialsProvider(credentials)
                .applyMutation(b -> {
                    if (endpoint != null) {
                        b.endpointOverride(endpoint);
                    }
                })
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(upstream.timeout()))
                .httpClientBuilder(ApacheHttpClient.builder()
                        .socketTimeout(upstream.timeout())
                        .connectionTimeout(java.time.Duration.ofSeconds(10))
                        .maxConnections(256))
                .build();
        Producer converse = converseProducer(sync, async);
        LOG.info("Bedrock clients for {}", s);
        return new Clients(async, sync, converse, credentials);
    }

    /** The component's converse endpoint, handed our clients so it shares credentials and endpoint. */
    private Producer converseProducer(BedrockRuntimeClient sync, BedrockRuntimeAsyncClient async) {
        BedrockConfiguration configuration = new BedrockConfiguration();
        configuration.setOperation(BedrockOperations.converse);
        configuration.setPojoRequest(true);
        configuration.setBedrockRuntimeClient(sync);
        configuration.setBedrockRuntimeAsyncClient(async);
        BedrockComponent component = camel.getComponent("aws-bedrock", BedrockComponent.class);
        BedrockEndpoint endpoint = new BedrockEndpoint("aws-bedrock://converse-" + (cache.size() + 1)
                + "?operation=converse&pojoRequest=true", component, configuration);
        try {
            camel.addEndpoint(endpoint.getEndpointUri(), endpoint);
            Producer producer = endpoint.createProducer();
            ServiceHelper.startService(producer);
            return producer;
        } catch (Exception e) {
            throw new IllegalStateException("the aws-bedrock endpoint could not start: " + e.getMessage(), e);
        }
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
        for (Clients c : cache.values()) {
            ServiceHelper.stopService(c.converse());
            c.async().close();
            c.sync().close();
            if (c.credentials() instanceof SdkAutoCloseable closeable) {
                closeable.close();
            }
        }
        cache.clear();
    }
}
