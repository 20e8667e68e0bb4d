package dev.modelgateway.emulator;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Azure under {@code /azure}: Azure OpenAI's deployments surface ({@code /azure/openai/deployments/{d}/chat/completions}
 * and {@code /completions}, {@code api-version} required) and its {@code /azure/openai/v1} surface, and Azure AI Foundry
 * model inference ({@code /azure/models/chat/completions}, Codestral FIM at {@code /azure/fim/completions}). Like Azure,
 * it wants an {@code api-key} or a Bearer token, and starts every stream with a chunk that has no choices, only
 * {@code prompt_filter_results}.
 */
public final class AzureSurface implements EmulatorSurface {

    static final String PROMPT_FILTER_CHUNK = "data: {\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\","
            + "\"object\":\"\",\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":{"
            + "\"hate\":{\"filtered\":false,\"severity\":\"safe\"},\"self_harm\":{\"filtered\":false,\"severity\":"
            + "\"safe\"},\"sexual\":{\"filtered\":false,\"severity\":\"safe\"},\"violence\":{\"filtered\":false,"
            + "\"severity\":\"safe\"}}}]}\n\n";

    @Override
    public void register(Router router) {
        router.post("/azure/openai/deployments/:deployment/chat/completions").handler(ctx -> deployment(ctx, true));
        router.post("/azure/openai/deployments/:deployment/completions").handler(ctx -> deployment(ctx, false));
        router.post("/azure/openai/v1/chat/completions").handler(ctx -> answer(ctx, true));
        router.post("/azure/openai/v1/completions").handler(ctx -> answer(ctx, false));
        router.post("/azure/models/chat/completions").handler(ctx -> answer(ctx, true));
        router.post("/azure/v1/models/chat/completions").handler(ctx -> answer(ctx, true));
        router.post("/azure/fim/completions").handler(ctx -> answer(ctx, false));
        router.post("/azure/v1/fim/completions").handler(ctx -> answer(ctx, false));
    }

    private static void deployment(RoutingContext ctx, boolean chat) {
        if (ctx.queryParam("api-version").isEmpty()) {
            OpenAiSurface.error(ctx, 404, "Resource not found: the deployments surface needs ?api-version=");
            return;
        }
        answer(ctx, chat);
    }

    private static void answer(RoutingContext ctx, boolean chat) {
        String key = ctx.request().getHeader("api-key");
        String bearer = ctx.request().getHeader("Authorization");
        if ((key == null || key.isBlank()) && (bearer == null || !bearer.startsWith("Bearer "))) {
            OpenAiSurface.error(ctx, 401, "Access denied: send an api-key header or an Authorization: Bearer token");
            return;
        }
        OpenAiSurface.answer(ctx, chat, PROMPT_FILTER_CHUNK);
    }
}
