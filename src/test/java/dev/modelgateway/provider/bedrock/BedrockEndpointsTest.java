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

/** Credentials choice from the litellm_params, one endpoint per distinct configuration, no secret in toString. */
class BedrockEndpointsTest {

    static BedrockSettings settings(Map<String, String> params) {
        return BedrockSettings.of(new ModelDeployment("m", ModelIdentifier.parse("bedrock/meta.llama3-3-70b-instruct-v1:0"),
                "llama3", params));
    }

    @Test
    void credentialsFollowTheSettings() {
        assertThat(BedrockEndpoints.credentials(settings(Map.of()))).isInstanceOf(DefaultCredentialsProvider.class);
        assertThat(BedrockEndpoints.credentials(settings(Map.of("aws_profile_name", "dev"))))
                .isInstanceOf(ProfileCredentialsProvider.class);
        var withToken = BedrockEndpoints.credentials(settings(Map.of("aws_access_key_id", "AKID",
                "aws_secret_access_key", "secret", "aws_session_token", "token")));
        assertThat(withToken).isInstanceOf(StaticCredentialsProvider.class);
        assertThat(withToken.resolveCredentials()).isInstanceOf(AwsSessionCredentials.class);
        assertThat(BedrockEndpoints.credentials(settings(Map.of("aws_role_name", "arn:aws:iam::1:role/r"))))
                .isInstanceOf(StsAssumeRoleCredentialsProvider.class);
    }

    @Test
    void equalSettingsShareOneEndpoint() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.start();
            BedrockEndpoints endpoints = new BedrockEndpoints(camel);
            Map<String, String> params = Map.of("aws_region_name", "eu-west-1", "aws_access_key_id", "AKID",
                    "aws_secret_access_key", "secret");
            var first = endpoints.forSettings(settings(params));
            var second = endpoints.forSettings(settings(Map.copyOf(params)));
            var other = endpoints.forSettings(settings(Map.of("aws_region_name", "us-west-2")));
            assertThat(second).isSameAs(first);
            assertThat(other).isNotSameAs(first);
            assertThat(endpoints.size()).isEqualTo(2);
            endpoints.stop();
        }
    }

    @Test
    void withoutAnOverrideTheEndpointComesFromTheSdksRulesForTheRegion() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.start();
            BedrockEndpoints endpoints = new BedrockEndpoints(camel);
            assertThat(endpoints.forSettings(settings(Map.of("aws_region_name", "eu-west-1"))).baseUrl())
                    .isEqualTo("https://bedrock-runtime.eu-west-1.amazonaws.com");
            assertThat(endpoints.forSettings(settings(Map.of("aws_region_name", "cn-north-1"))).baseUrl())
                    .isEqualTo("https://bedrock-runtime.cn-north-1.amazonaws.com.cn");
            BedrockEndpoint vpce = endpoints.forSettings(settings(Map.of("aws_region_name", "us-east-1",
                    "aws_bedrock_runtime_endpoint", "https://vpce-1.bedrock-runtime.us-east-1.vpce.amazonaws.com/")));
            assertThat(vpce.url("arn:aws:bedrock:us-east-1:1:application-inference-profile/x", "converse"))
                    .isEqualTo("https://vpce-1.bedrock-runtime.us-east-1.vpce.amazonaws.com/model/"
                            + "arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Aapplication-inference-profile%2Fx/converse");
            endpoints.stop();
        }
    }

    @Test
    void settingsNeverPrintSecrets() {
        String shown = settings(Map.of("aws_access_key_id", "AKIDSHOWN", "aws_secret_access_key", "s3cr3t",
                "aws_session_token", "t0ken")).toString();
        assertThat(shown).doesNotContain("s3cr3t").doesNotContain("t0ken").doesNotContain("AKIDSHOWN");
    }
}
