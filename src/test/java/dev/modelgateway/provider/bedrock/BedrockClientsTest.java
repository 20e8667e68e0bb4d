package dev.modelgateway.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

import dev.modelgateway.config.ModelDeployment;
import dev.modelgateway.config.ModelIdentifier;
import dev.modelgateway.provider.UpstreamSettings;

/** Credentials choice from the litellm_params, one client set per distinct configuration, no secret in toString. */
class BedrockClientsTest {

    static BedrockSettings settings(Map<String, String> params) {
        return BedrockSettings.of(new ModelDeployment("m", ModelIdentifier.parse("bedrock/meta.llama3-3-70b-instruct-v1:0"),
                "llama3", params));
    }

    @Test
    void credentialsFollowTheSettings() {
        assertThat(BedrockClients.credentials(settings(Map.of()))).isInstanceOf(DefaultCredentialsProvider.class);
        assertThat(BedrockClients.credentials(settings(Map.of("aws_profile_name", "dev"))))
                .isInstanceOf(ProfileCredentialsProvider.class);
        var withToken = BedrockClients.credentials(settings(Map.of("aws_access_key_id", "AKID",
                "aws_secret_access_key", "secret", "aws_session_token", "token")));
        assertThat(withToken).isInstanceOf(StaticCredentialsProvider.class);
        assertThat(withToken.resolveCredentials()).isInstanceOf(AwsSessionCredentials.class);
        assertThat(BedrockClients.credentials(settings(Map.of("aws_role_name", "arn:aws:iam::1:role/r"))))
                .isInstanceOf(StsAssumeRoleCredentialsProvider.class);
    }

    @Test
    void equalSettingsShareOneClientSet() throws Exception {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.start();
            BedrockClients clients = new BedrockClients(camel, UpstreamSettings.DEFAULTS, vertx.nettyEventLoopGroup());
            Map<String, String> params = Map.of("aws_region_name", "eu-west-1", "aws_access_key_id", "AKID",
                    "aws_secret_access_key", "secret");
            var first = clients.forSettings(settings(params));
            var second = clients.forSettings(settings(Map.copyOf(params)));
            var other = clients.forSettings(settings(Map.of("aws_region_name", "us-west-2")));
            assertThat(second).isSameAs(first);
            assertThat(other).isNotSameAs(first);
            assertThat(clients.size()).isEqualTo(2);
            clients.stop();
        } finally {
            vertx.close();
        }
    }

    @Test
    void settingsNeverPrintSecrets() {
        String shown = settings(Map.of("aws_access_key_id", "AKIDSHOWN", "aws_secret_access_key", "s3cr3t",
                "aws_session_token", "t0ken")).toString();
        assertThat(shown).doesNotContain("s3cr3t").doesNotContain("t0ken").doesNotContain("AKIDSHOWN");
    }
}
