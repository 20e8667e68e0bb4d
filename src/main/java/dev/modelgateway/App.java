package dev.modelgateway;

import java.util.List;
import java.util.Map;

import org.apache.camel.main.Main;

import dev.modelgateway.observe.ConfigCheck;

/** Starts the gateway from the working directory: ./application.properties, ./models.yaml, ./routes, ./prompts. */
public final class App {

    private App() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && "check".equals(args[0])) {
            // like nginx -t: validate the files, start nothing (check --models starts the gateway on ephemeral ports)
            System.exit(ConfigCheck.check(List.of(args), App::gateway, System.out));
        }
        List<String> rest = new java.util.ArrayList<>();
        List<String> extraRoutes = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if ("--extra-routes".equals(args[i]) && i + 1 < args.length) {
                extraRoutes.add(args[++i]);
            } else if (args[i].startsWith("--extra-routes=")) {
                extraRoutes.add(args[i].substring("--extra-routes=".length()));
            } else {
                rest.add(args[i]);
            }
        }
        // --extra-routes DIR: also run an integration's route files (examples/), as gateway.extra-routes does
        Main main = gateway(extraRoutes.isEmpty() ? Map.of()
                : Map.of("gateway.extra-routes", String.join(",", extraRoutes)));
        int code;
        try {
            code = main.run(rest.toArray(String[]::new));
        } catch (Exception e) {
            // the message names what is wrong (file, entry, field; a port in use); the trace is noise for an operator
            System.err.println("model-gateway did not start: " + rootMessage(e));
            code = 1;
        }
        // Vert.x and broker threads must not keep a gateway that failed (or finished) alive
        System.exit(code);
    }

    /** The gateway's Main: ./application.properties over the built-in defaults, these settings over both. */
    static Main gateway(Map<String, String> overrides) {
        Main main = new Main(App.class);
        String settings = System.getenv().getOrDefault("GATEWAY_CONFIG", "application.properties");
        main.setPropertyPlaceholderLocations(
                "file:" + settings + ";optional=true,classpath:gateway-defaults.properties");
        if (!overrides.isEmpty()) {
            main.setOverrideProperties(new java.util.Properties() {
                {
                    putAll(overrides);
                }
            });
        }
        return main;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t
                && (t.getMessage() == null || t.getMessage().startsWith("java.") || t.getCause().getMessage() != null
                        && t.getMessage().endsWith(t.getCause().getMessage()))) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
