package dev.modelgateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;

import dev.modelgateway.support.GatewayTestServer;

/**
 * The gateway serves over Linux's native epoll on both architectures its image is built for (the base image is
 * multi-arch): the native library of each is shipped, and here, on Linux, the gateway's Vert.x runs on it.
 */
class NativeTransportTest {

    @Test
    void theNativeEpollLibraryShipsForX8664AndAarch64() {
        ClassLoader loader = getClass().getClassLoader();
        for (String arch : new String[] {"x86_64", "aarch_64"}) {
            assertThat(loader.getResource("META-INF/native/libnetty_transport_native_epoll_" + arch + ".so"))
                    .as("netty-transport-native-epoll for linux-" + arch).isNotNull();
        }
    }

    @Test
    void theGatewaysVertxRunsOnNativeEpollOnLinux() {
        assumeThat(System.getProperty("os.name")).isEqualTo("Linux");
        try (GatewayTestServer gateway = GatewayTestServer.start(GatewayTestServer.ONE_UNREACHABLE_MODEL)) {
            Vertx vertx = gateway.context().getRegistry().lookupByNameAndType("vertx", Vertx.class);
            assertThat(vertx.isNativeTransportEnabled()).as(String.valueOf(vertx.unavailableNativeTransportCause()))
                    .isTrue();
        }
    }
}
