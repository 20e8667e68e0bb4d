package dev.modelgateway.provider.vertex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.google.auth.oauth2.GoogleCredentials;

import dev.modelgateway.support.CaptureServer;

/** google-auth-library behind the provider: key files and inline keys, cached tokens, the quota-project header. */
class VertexCredentialsTest {

    final CaptureServer tokenServer = new CaptureServer().answerJson(200,
            "{\"access_token\":\"ya29.user-token\",\"expires_in\":3600,\"token_type\":\"Bearer\"}");
    final VertexCredentials credentials = new VertexCredentials(tokenServer.vertx());
    final URI vertex = URI.create("https://us-central1-aiplatform.googleapis.com/v1/projects/p");

    @AfterEach
    void stop() {
        tokenServer.close();
    }

    Map<String, String> headers(String setting) throws Exception {
        GoogleCredentials c = credentials.credentials(setting, null).get(10, TimeUnit.SECONDS);
        return credentials.headers(c, vertex).get(10, TimeUnit.SECONDS);
    }

    @Test
    void userCredentialsWithAQuotaProjectSendXGoogUserProject() throws Exception {
        String authorizedUser = """
                {"type": "authorized_user", "client_id": "cid.apps.googleusercontent.com", "client_secret": "cs",
                 "refresh_token": "rt", "quota_project_id": "billing-project", "token_uri": "%s/token"}"""
                .formatted(tokenServer.baseUrl());

        Map<String, String> headers = headers(authorizedUser);

        assertThat(headers).containsEntry("Authorization", "Bearer ya29.user-token")
                .containsEntry("x-goog-user-project", "billing-project");
        assertThat(tokenServer.last().body()).contains("grant_type=refresh_token");
    }

    @Test
    void aKeyFileIsLoadedOnceAndItsTokenReused() throws Exception {
        String key = TestServiceAccount.file(tokenServer.baseUrl() + "/token").toString();
        assertThat(headers(key)).containsEntry("Authorization", "Bearer ya29.user-token")
                .doesNotContainKey("x-goog-user-project");
        headers(key);
        assertThat(credentials.credentials(key, null).get()).isSameAs(credentials.credentials(key, null).get());
        assertThat(VertexCredentials.projectOf(credentials.credentials(key, null).get())).isEqualTo("my-project");
        assertThat(tokenServer.requests()).hasSize(1);
    }

    @Test
    void aRelativeTokenUriIsResolvedAgainstApiBase() throws Exception {
        String key = TestServiceAccount.json("/vertex/token");
        GoogleCredentials c = credentials.credentials(key, tokenServer.baseUrl() + "/vertex").get(10, TimeUnit.SECONDS);
        assertThat(credentials.headers(c, vertex).get(10, TimeUnit.SECONDS))
                .containsEntry("Authorization", "Bearer ya29.user-token");
        assertThat(tokenServer.last().rawPath()).isEqualTo("/vertex/token");
    }

    @Test
    void aMissingKeyFileIsAConfigurationErrorThatNamesThePathOnly() {
        assertThatThrownBy(() -> headers("/nonexistent/sa.json")).hasRootCauseInstanceOf(
                dev.modelgateway.api.GatewayException.class).rootCause().hasMessageContaining("/nonexistent/sa.json");
    }

    @Test
    void aRefusedTokenExchangeIsAnUpstreamAuthErrorWithoutTheKey() {
        tokenServer.answerJson(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}");
        String inline = TestServiceAccount.json(tokenServer.baseUrl() + "/token");
        assertThatThrownBy(() -> headers(inline)).rootCause().isInstanceOf(dev.modelgateway.api.GatewayException.class)
                .hasMessageContaining("Google access token").hasMessageNotContaining("PRIVATE KEY");
    }
}
