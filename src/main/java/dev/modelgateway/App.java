package dev.modelgateway;

import org.apache.camel.main.Main;

/** Starts the gateway from the working directory: ./application.properties, ./models.yaml, ./routes, ./prompts. */
public final class App {

    private App() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main(App.class);
        String settings = System.getenv().getOrDefault("GATEWAY_CONFIG", "application.properties");
        main.setPropertyPlaceholderLocations(
                "file:" + settings + ";optional=true,classpath:gateway-defaults.properties");
        main.run(args);
    }
}
