// What the operations surface adds to one request on the hot path, measured in-process (no network noise): the
// observe-request step (request id, observation, completion hook), the provider-call events of one attempt (ok, with
// usage), and the completion (metrics, 15-minute window, access-log line through the async appender).
// Run from the repository root after `mvn -q -DskipTests package`:
//   java -cp "target/classes:target/lib/*" bench/ObserveOverhead.java > /dev/null   (results go to stderr)
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.support.DefaultExchange;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import dev.modelgateway.config.ModelCatalog;
import dev.modelgateway.config.ModelDeployment;
import dev.modelgateway.observe.AccessLog;
import dev.modelgateway.observe.DeploymentStats;
import dev.modelgateway.observe.GatewayMetrics;
import dev.modelgateway.observe.RequestObserver;
import dev.modelgateway.provider.CallEvents;
import dev.modelgateway.provider.ChatMessage;
import dev.modelgateway.provider.ModelRequest;
import dev.modelgateway.provider.Usage;
import dev.modelgateway.reload.Current;

public class ObserveOverhead {
    public static void main(String[] args) throws Exception {
        DefaultCamelContext context = new DefaultCamelContext();
        context.start();
        ModelCatalog catalog = ModelCatalog.load(Path.of("models.yaml"), System::getenv);
        ModelDeployment d = catalog.group("llama").get(0);
        ModelRequest request = ModelRequest.chat(d, List.of(new ChatMessage("user", "hi")), null, false);
        DeploymentStats stats = new DeploymentStats();
        GatewayMetrics metrics = new GatewayMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), stats);
        RequestObserver observer = new RequestObserver(new Current<>(catalog, "bench"), metrics, stats,
                new AccessLog(), false);
        Usage usage = new Usage(18, 42);
        int batch = 1000;
        long[] base = new long[400];
        long[] observed = new long[400];
        for (int round = 0; round < 2; round++) { // the first round warms up
            for (int b = 0; b < base.length; b++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < batch; i++) {
                    Exchange e = exchange(context);
                    complete(e);
                }
                long t1 = System.nanoTime();
                for (int i = 0; i < batch; i++) {
                    Exchange e = exchange(context);
                    e.getExchangeExtension().setFromRouteId("chat-completions");
                    observer.process(e);
                    CallEvents events = CallEvents.of(e);
                    events.attempt(d, request);
                    events.answered(d, d.servedName(), usage);
                    e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
                    complete(e);
                }
                long t2 = System.nanoTime();
                base[b] = (t1 - t0) / batch;
                observed[b] = (t2 - t1) / batch;
                Thread.sleep(1); // lets the access log's background thread drain
            }
        }
        Arrays.sort(base);
        Arrays.sort(observed);
        long[] diff = new long[base.length];
        System.err.printf("per request, ns: bare exchange p50 %d; observed p50 %d p90 %d; added p50 %d ns = %.1f us%n",
                base[base.length / 2], observed[observed.length / 2], observed[observed.length * 9 / 10],
                observed[observed.length / 2] - base[base.length / 2],
                (observed[observed.length / 2] - base[base.length / 2]) / 1000.0);
        context.stop();
        System.exit(0);
    }

    static Exchange exchange(DefaultCamelContext context) {
        Exchange e = new DefaultExchange(context);
        e.getMessage().setHeader(Exchange.HTTP_PATH, "/v1/chat/completions");
        return e;
    }

    static void complete(Exchange e) {
        List<Synchronization> done = e.getExchangeExtension().handoverCompletions();
        if (done != null) {
            for (Synchronization s : done) {
                s.onComplete(e);
            }
        }
    }
}
