package dev.modelgateway.observe;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * {@code check --models}: starts the gateway's beans and routes with its servers on free loopback ports (no queue,
 * no reload), runs the model check against every group of models.yaml and prints a table; exit 1 when any deployment
 * failed.
 */
final class ModelsTable {

    private ModelsTable() {
    }

    /** {@code mains} builds the gateway's Main with these settings over the usual ones (App knows how). */
    static int run(PrintStream out, Function<Map<String, String>, Main> mains) {
        // ports picked here, not 0: the HTTP engine finds its Vert.x router by the configured port
        Main main = mains.apply(Map.of("camel.server.port", freePort(), "camel.management.port", freePort(),
                "camel.server.host", "127.0.0.1", "camel.management.host", "127.0.0.1",
                "gateway.queue.enabled", "false", "gateway.reload.enabled", "false"));
        try {
            main.start();
            CamelContext context = main.getCamelContext();
            ModelCheck check = context.getRegistry().lookupByNameAndType("modelCheck", ModelCheck.class);
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"MODEL", "DEPLOYMENT", "PROVIDER", "SERVED NAME", "RESULT", "MS", "ERROR"});
            boolean allOk = true;
            for (String alias : check.aliases()) {
                ModelCheck.Result r = check.check(alias).get(90, TimeUnit.SECONDS);
                allOk &= r.ok();
                for (ModelCheck.DeploymentResult d : r.deployments()) {
                    rows.add(new String[] {alias, d.id(), d.provider(), d.servedName(),
                        d.ok() ? "ok" : "FAILED " + d.status(), String.valueOf(d.latencyMs()),
                        d.error() == null ? "" : d.error()});
                }
            }
            print(out, rows);
            return allOk ? 0 : 1;
        } catch (Exception e) {
            out.println("model check could not run: " + e.getMessage());
            return 1;
        } finally {
            main.stop();
        }
    }

    private static String freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return String.valueOf(socket.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port for the model check", e);
        }
    }

    static void print(PrintStream out, List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length - 1; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                sb.append(i == r.length - 1 ? r[i] : String.format("%-" + widths[i] + "s  ", r[i]));
            }
            out.println(sb.toString().stripTrailing());
        }
    }
}
