package dev.modelgateway.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A route step tests weave into a child gateway's routes: the first time it runs it kills the JVM on the spot (as
 * kill -9 would), leaving a marker file so the restarted gateway passes through.
 */
public final class HaltOnce {

    public void halt() throws IOException {
        Path marker = Path.of(System.getProperty("halt.marker"));
        if (!Files.exists(marker)) {
            Files.writeString(marker, "halted");
            Runtime.getRuntime().halt(137);
        }
    }
}
