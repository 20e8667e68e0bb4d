package dev.modelgateway;

import org.apache.camel.main.Main;

/** Starts the gateway from the working directory: ./application.properties, ./models.yaml, ./routes, ./prompts. */
public final class App {

    private App() {
    }

    public static void main(String[] args) {
        Main main = new Main(App.class);
        String settings = System.getenv().getOrDefault("GATEWAY_CONFIG", "application.properties");
        main.setPropertyPlaceholderLocations(
                "file:" + settings + ";optional=true,classpath:gateway-defaults.properties");
        int code;
        try {
            code = main.run(args);
        } catch (Exception e) {
            // the message names what is wrong (file, entry, field; a port in use); the trace is noise for an operator
            System.err.println("model-gateway did not start: " + rootMessage(e));
            code = 1;
        }
        // Vert.x and broker threads must not keep a gateway that failed (or finished) alive
        System.exit(code);
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
