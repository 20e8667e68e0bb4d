package dev.modelgateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A LiteLLM config.yaml: the keys of contract 4.1 are read; every other key is named in one warning. */
class LiteLlmKeysTest {

    @TempDir
    Path dir;

    ModelCatalog load(String yaml) throws IOException {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, yaml);
        return ModelCatalog.load(file, Map.of("MASTER", "sk-from-env")::get);
    }

    static final String CONFIG = """
            general_settings:
              master_key: os.environ/MASTER
              database_url: postgres://db
              alerting: ["slack"]
            litellm_settings:
              num_retries: 3
              request_timeout: 600
              drop_params: true
              success_callback: ["langfuse"]
              cache: true
              content_policy_fallbacks: [{"a": ["b"]}]
            router_settings:
              routing_strategy: least-busy
              allowed_fails: 2
              cooldown_time: 45
              timeout: 30
              fallbacks: [{"a": ["b"]}]
              context_window_fallbacks: [{"a": ["b"]}]
              model_group_alias: {"gpt-4": "a", "hidden-one": {"model": "b", "hidden": true}}
              redis_host: localhost
            environment_variables: {X: y}
            guardrails: []
            model_list:
              - model_name: a
                litellm_params: {model: openai/a, api_base: "http://a/v1", rpm: 60, tpm: 1000, order: 1,
                                 weight: 2, timeout: 5, stream_timeout: 2, max_retries: 1,
                                 input_cost_per_token: 0.1}
                model_info: {id: a-east, base_model: gpt-4, mode: chat}
              - model_name: a
                litellm_params: {model: openai/a2, api_base: "http://a2/v1", input_cost_per_token: 0.1}
              - model_name: b
                litellm_params: {model: openai/b, api_base: "http://b/v1"}
            """;

    @Test
    void everyHonouredKeyIsRead() throws IOException {
        ModelCatalog c = load(CONFIG);
        assertThat(c.masterKey()).isEqualTo("sk-from-env");
        RouterSettings r = c.router();
        assertThat(r.strategy()).isEqualTo("least-busy");
        assertThat(r.allowedFails()).isEqualTo(2);
        assertThat(r.cooldown()).isEqualTo(Duration.ofSeconds(45));
        assertThat(r.fallbacksFor("a", RouterSettings.FailureKind.ANY)).containsExactly("b");
        assertThat(r.fallbacksFor("a", RouterSettings.FailureKind.CONTEXT_WINDOW)).containsExactly("b");
        assertThat(r.fallbacksFor("a", RouterSettings.FailureKind.CONTENT_POLICY)).containsExactly("b");
        assertThat(c.groupOrAlias("gpt-4")).isEqualTo(c.group("a"));
        assertThat(c.groupOrAlias("hidden-one")).isEqualTo(c.group("b"));

        ModelDeployment a = c.group("a").get(0);
        assertThat(a.id()).isEqualTo("a-east");
        assertThat(a.rpm()).isEqualTo(60);
        assertThat(a.tpm()).isEqualTo(1000);
        assertThat(a.order()).isEqualTo(1);
        assertThat(a.weight()).isEqualTo(2.0);
        assertThat(a.param("timeout")).isEqualTo("5");
        assertThat(a.param("stream_timeout")).isEqualTo("2");
        assertThat(a.param("max_retries")).isEqualTo("1");
        // defaults from router_settings / litellm_settings where the deployment sets none
        ModelDeployment a2 = c.group("a").get(1);
        assertThat(a2.id()).isEqualTo("a#1");
        assertThat(a2.param("timeout")).isEqualTo("30");
        assertThat(a2.param("max_retries")).isEqualTo("3");
        assertThat(a2.param("drop_params")).isEqualTo("true");
        assertThat(c.group("b").get(0).id()).isEqualTo("b#0");
    }

    @Test
    void everyUnusedKeyAndSectionGetsOneWarningNamingIt() throws IOException {
        List<String> warnings = load(CONFIG).warnings();
        assertThat(warnings).allMatch(w -> w.endsWith("is not used by model-gateway"));
        assertThat(String.join("\n", warnings))
                .contains("general_settings.database_url", "general_settings.alerting",
                        "litellm_settings.success_callback", "litellm_settings.cache", "router_settings.redis_host",
                        "environment_variables (top-level section)", "guardrails (top-level section)",
                        "model_info.base_model (a-east)", "model_info.mode (a-east)",
                        "litellm_params.input_cost_per_token (a-east, a#1)")
                .doesNotContain("master_key", "num_retries", "routing_strategy", "allowed_fails", "cooldown_time",
                        "fallbacks", "model_group_alias", "drop_params", "rpm", "tpm", "weight", "order",
                        "stream_timeout", "max_retries", "request_timeout", "litellm_params.model ");
        assertThat(warnings).hasSize(10);
    }

    @Test
    void wrongValuesStopLoadingNamingTheKey() {
        assertThatThrownBy(() -> load("router_settings: {routing_strategy: cost-based-routing}\n"
                + "model_list: [{model_name: a, litellm_params: {model: openai/a}}]\n"))
                .hasMessageContaining("router_settings.routing_strategy must be one of");
        assertThatThrownBy(() -> load("model_list: [{model_name: a, litellm_params: {model: openai/a, rpm: lots}}]\n"))
                .hasMessageContaining("litellm_params.rpm must be a number");
        assertThatThrownBy(() -> load("router_settings: {fallbacks: [{a: [nope]}]}\n"
                + "model_list: [{model_name: a, litellm_params: {model: openai/a}}]\n"))
                .hasMessageContaining("router_settings.fallbacks[0].a: 'nope' is not a model_name");
        assertThatThrownBy(() -> load("model_list: [{model_name: a, litellm_params: {model: openai/a}, "
                + "model_info: {id: x}}, {model_name: b, litellm_params: {model: openai/b}, model_info: {id: x}}]\n"))
                .hasMessageContaining("model_info.id 'x' is used by another entry");
    }
}
