package dev.modelgateway.kamelet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.LifecycleStrategySupport;

import io.vertx.core.Vertx;

import dev.modelgateway.config.ModelDeployment;
import dev.modelgateway.config.ModelFamily;
import dev.modelgateway.config.ModelIdentifier;
import dev.modelgateway.provider.ChatMessage;
import dev.modelgateway.provider.GenerationParams;
import dev.modelgateway.provider.ModelProvider;
import dev.modelgateway.provider.ModelRequest;
import dev.modelgateway.provider.UpstreamErrors;
import dev.modelgateway.provider.UpstreamHttp;
import dev.modelgateway.provider.UpstreamSettings;
import dev.modelgateway.provider.azure.AzureProvider;
import dev.modelgateway.provider.openai.OpenAiCompatibleProvider;
import dev.modelgateway.provider.vertex.VertexProvider;

/**
 * The bean behind the vertex, azure-openai and openai-compatible sink kamelets: the body, as a user message, goes to one
 * model through the gateway's own provider client (token exchange, URL building, error mapping), without its HTTP
 * server or catalogue; the body becomes the answer. Properties mirror models.yaml's litellm_params.
 */
public final class ProviderSink extends AsyncProcessorSupport implements CamelContextAware {

    private CamelContext context;
    private String provider;
    private String model;
    private final Map<String, String> params = new LinkedHashMap<>();
    private String systemPrompt;
    private Integer maxTokens;
    private volatile ModelProvider client;
    private volatile ModelDeployment deployment;

    /** {@code vertex}, {@code azure} or {@code openai}: which provider client to use. */
    public void setProvider(String provider) {
        this.provider = provider;
    }

    /** The model identifier as models.yaml writes it, e.g. {@code vertex_ai/codestral@2405}. */
    public void setModel(String model) {
        this.model = model;
    }

    public void setApiBase(String value) {
        param("api_base", value);
    }

    public void setApiKey(String value) {
        param("api_key", value);
    }

    public void setApiVersion(String value) {
        param("api_version", value);
    }

    public void setProject(String value) {
        param("vertex_ai_project", value);
    }

    public void setLocation(String value) {
        param("vertex_ai_location", value);
    }

    public void setCredentials(String value) {
        param("vertex_credentials", value);
    }

    public void setSystemPrompt(String systemPrompt) {
        this.systemPrompt = systemPrompt;
    }

    public void setMaxTokens(String maxTokens) {
        this.maxTokens = maxTokens == null || maxTokens.isBlank() ? null : Integer.valueOf(maxTokens.trim());
    }

    private void param(String key, String value) {
        if (value != null && !value.isBlank()) {
            params.put(key, value.trim());
        }
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.context = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        ModelRequest request;
        try {
            request = request(exchange.getMessage().getBody(String.class));
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        client().complete(request).whenComplete((response, error) -> {
            if (error != null) {
                exchange.setException(UpstreamErrors.unwrap(error, deployment.provider()));
            } else {
                exchange.getMessage().setBody(response.text());
                exchange.getMessage().setHeader("gatewayFinishReason", response.finishReason());
            }
            callback.done(false);
        });
        return false;
    }

    private ModelRequest request(String body) {
        List<ChatMessage> messages = new ArrayList<>(2);
        if (systemPrompt != null && !systemPrompt.isBlank()) {
            messages.add(new ChatMessage("system", systemPrompt));
        }
        messages.add(new ChatMessage("user", body == null ? "" : body));
        return ModelRequest.chat(deployment(), messages, new GenerationParams(maxTokens, null, null, null), false);
    }

    private ModelDeployment deployment() {
        if (deployment == null) {
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException("the sink needs a model");
            }
            Map<String, String> all = new LinkedHashMap<>(params);
            all.put("model", model);
            ModelIdentifier id = ModelIdentifier.parse(model);
            deployment = new ModelDeployment(model, id, ModelFamily.infer(id.name()), all);
        }
        return deployment;
    }

    private ModelProvider client() {
        if (client == null) {
            synchronized (this) {
                if (client == null) {
                    UpstreamHttp http = new UpstreamHttp(vertx(), UpstreamSettings.DEFAULTS);
                    client = switch (provider == null ? "" : provider) {
                        case "vertex" -> new VertexProvider(http);
                        case "azure" -> new AzureProvider(http);
                        case "openai" -> new OpenAiCompatibleProvider(http);
                        default -> throw new IllegalArgumentException("unknown sink provider '" + provider
                                + "' (vertex, azure or openai)");
                    };
                }
            }
        }
        return client;
    }

    /** The gateway's Vert.x when the sink runs inside it; otherwise one of its own, closed with the context. */
    private Vertx vertx() {
        Vertx shared = context == null ? null : context.getRegistry().lookupByNameAndType("vertx", Vertx.class);
        if (shared != null) {
            return shared;
        }
        Vertx own = Vertx.vertx();
        if (context != null) {
            context.addLifecycleStrategy(LifecycleStrategySupport.adapt(LifecycleStrategySupport.onCamelContextStopped(
                    c -> own.close())));
        }
        return own;
    }
}
