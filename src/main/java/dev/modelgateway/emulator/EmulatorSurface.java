package dev.modelgateway.emulator;

import io.vertx.ext.web.Router;

/** One provider API the emulator imitates; each registers its own paths. */
public interface EmulatorSurface {
    void register(Router router);
}
