package dev.modelgateway.observe;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.modelgateway.config.ModelCatalog;
import dev.modelgateway.config.ModelDeployment;

/**
 * GET /status: one self-contained HTML page (inline styles and SVG, no script, font or stylesheet from anywhere, so
 * it works air-gapped and without JavaScript), rendered on the server from {@link DeploymentStats}: one row per
 * deployment with its coloured state, last check, requests, errors, p50/p95 latency and time to first token, tokens,
 * and sparklines of the last 15 minutes. A meta refresh reloads it. Extra blocks come from {@link StatusSection} beans.
 */
public final class StatusPage {

    static final int REFRESH_SECONDS = 10;
    private static final java.time.format.DateTimeFormatter TIME = java.time.format.DateTimeFormatter
            .ofPattern("HH:mm:ss 'UTC'").withZone(java.time.ZoneOffset.UTC);

    private final Supplier<ModelCatalog> catalog;
    private final DeploymentStats stats;
    private final Supplier<Collection<StatusSection>> sections;

    public StatusPage(Supplier<ModelCatalog> catalog, DeploymentStats stats,
            Supplier<Collection<StatusSection>> sections) {
        this.catalog = catalog;
        this.stats = stats;
        this.sections = sections;
    }

    public String render() {
        ModelCatalog models = catalog.get();
        StringBuilder h = new StringBuilder(8192);
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"refresh\" content=\"").append(REFRESH_SECONDS).append("\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>model-gateway status</title><style>").append(CSS).append("</style></head><body>")
                .append("<h1>model-gateway</h1><p class=\"sub\">Deployments over the last ")
                .append(DeploymentStats.MINUTES).append(" minutes &middot; rendered ")
                .append(esc(TIME.format(Instant.now()))).append(" &middot; refreshes every ").append(REFRESH_SECONDS)
                .append(" s</p>");
        h.append("<table id=\"deployments\"><thead><tr><th>model</th><th>deployment</th><th>provider</th>")
                .append("<th>served name</th><th>where</th><th>state</th><th>last check</th><th>requests</th>")
                .append("<th>errors</th><th>latency p50 / p95</th><th>TTFT p50 / p95</th><th>tokens in / out</th>")
                .append("<th>latency, 15 min</th><th>tokens, 15 min</th></tr></thead><tbody>");
        Map<String, String> features = models.features();
        for (Map.Entry<String, List<ModelDeployment>> group : models.groups().entrySet()) {
            for (ModelDeployment d : group.getValue()) {
                row(h, models, d, features);
            }
        }
        h.append("</tbody></table>");
        List<StatusSection> extra = sections.get().stream().sorted(Comparator.comparing(StatusSection::title))
                .toList();
        for (StatusSection s : extra) {
            h.append("<h2 class=\"").append(level(s.level())).append("\">").append(esc(s.title()))
                    .append("</h2><table class=\"kv\"><tbody>");
            for (Map.Entry<String, String> r : s.rows()) {
                h.append("<tr><th>").append(esc(r.getKey())).append("</th><td>").append(esc(r.getValue()))
                        .append("</td></tr>");
            }
            h.append("</tbody></table>");
        }
        h.append("<p class=\"sub\">Metrics: /observe/metrics &middot; health: /observe/health &middot; check a model:"
                + " POST /observe/models/{alias}/check</p></body></html>");
        return h.toString();
    }

    private void row(StringBuilder h, ModelCatalog models, ModelDeployment d, Map<String, String> features) {
        String id = Deployments.id(models, d);
        String state = stats.state(id);
        DeploymentStats.Summary s = stats.summary(id);
        DeploymentStats.Check check = stats.lastCheck(id);
        List<String> serves = features.entrySet().stream().filter(f -> f.getValue().equals(d.alias()))
                .map(Map.Entry::getKey).toList();
        h.append("<tr data-deployment=\"").append(esc(id)).append("\" data-state=\"").append(esc(state))
                .append("\"><td>").append(esc(d.alias()));
        if (!serves.isEmpty()) {
            h.append("<div class=\"sub\">").append(esc(String.join(", ", serves))).append("</div>");
        }
        h.append("</td><td>").append(esc(id)).append("</td><td>").append(esc(d.provider())).append("</td><td>")
                .append(esc(d.servedName())).append("</td><td>").append(esc(Deployments.location(d)))
                .append("</td><td><span class=\"state ").append(esc(state)).append("\">")
                .append(esc(state.replace('_', ' '))).append("</span></td><td>");
        if (check == null) {
            h.append("<span class=\"sub\">never</span>");
        } else {
            h.append(check.ok() ? "<span class=\"okt\">ok</span>" : "<span class=\"badt\">failed</span>")
                    .append(" <span class=\"sub\">").append(esc(TIME.format(Instant.ofEpochMilli(check.atMillis()))))
                    .append(", ").append(check.latencyMs()).append(" ms</span>");
            if (!check.ok()) {
                h.append("<div class=\"err\">").append(check.status()).append(": ")
                        .append(esc(check.error() == null ? "" : check.error())).append("</div>");
            }
        }
        h.append("</td><td class=\"n\">").append(s.requests()).append("</td><td class=\"n\">").append(s.errors())
                .append("</td><td class=\"n\">").append(ms(s.requests(), s.p50Ms())).append(" / ")
                .append(ms(s.requests(), s.p95Ms())).append("</td><td class=\"n\">")
                .append(ms(s.ttftP50Ms() + s.ttftP95Ms(), s.ttftP50Ms())).append(" / ")
                .append(ms(s.ttftP50Ms() + s.ttftP95Ms(), s.ttftP95Ms())).append("</td><td class=\"n\">")
                .append(s.tokensIn()).append(" / ").append(s.tokensOut()).append("</td><td>");
        long[] latency = s.minutes().stream().mapToLong(DeploymentStats.Minute::latencyMeanMs).toArray();
        long[] tokens = s.minutes().stream().mapToLong(m -> m.tokensIn() + m.tokensOut()).toArray();
        sparkline(h, latency, "#3b6fd1", "mean latency per minute, ms");
        h.append("</td><td>");
        sparkline(h, tokens, "#8a4fc7", "tokens per minute");
        h.append("</td></tr>");
    }

    private static String ms(long count, long value) {
        return count == 0 ? "&ndash;" : value + " ms";
    }

    /** A small inline SVG polyline of one value per minute, oldest first; max in the tooltip. */
    static void sparkline(StringBuilder h, long[] values, String colour, String what) {
        int w = 120;
        int ht = 24;
        long max = 1;
        for (long v : values) {
            max = Math.max(max, v);
        }
        h.append("<svg class=\"spark\" width=\"").append(w).append("\" height=\"").append(ht)
                .append("\" viewBox=\"0 0 ").append(w).append(' ').append(ht)
                .append("\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\"><title>").append(esc(what))
                .append(", max ").append(max).append("</title><polyline fill=\"none\" stroke=\"").append(colour)
                .append("\" stroke-width=\"1.5\" points=\"");
        for (int i = 0; i < values.length; i++) {
            double x = values.length == 1 ? 0 : i * (w - 2.0) / (values.length - 1) + 1;
            double y = ht - 2 - values[i] * (ht - 4.0) / max;
            h.append(String.format(java.util.Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        h.append("\"/></svg>");
    }

    private static String level(String level) {
        return "bad".equals(level) ? "badt" : "warn".equals(level) ? "warnt" : "okt";
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static final String CSS = "body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;"
            + "color:#1d2330;background:#f7f8fa}h1{font-size:20px;margin:0}h2{font-size:15px;margin:24px 0 6px}"
            + ".sub{color:#6b7280;font-size:12px}table{border-collapse:collapse;background:#fff;"
            + "box-shadow:0 1px 2px rgba(0,0,0,.08);margin-top:12px}th,td{padding:6px 10px;text-align:left;"
            + "border-bottom:1px solid #e5e7eb;vertical-align:top}thead th{font-size:12px;color:#4b5563;"
            + "background:#eef0f4}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
            + ".state{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;"
            + "color:#fff}.state.ok{background:#1f9d55}.state.failing{background:#d64545}"
            + ".state.cooling_down{background:#d98b19}.state.rate_limited{background:#b7791f}"
            + ".okt{color:#1f9d55}.badt{color:#d64545}.warnt{color:#b7791f}.err{color:#d64545;font-size:12px;"
            + "max-width:280px}table.kv th{width:220px}";
}
