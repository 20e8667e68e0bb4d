// The floor under Camel (bench/run.sh's "vertx" rows): a bare Vert.x reverse proxy on the gateway's Vert.x and Netty
// (native epoll), one event loop per core as the gateway serves, forwarding the chat request's body to the bench
// upstream's OpenAI path on a pooled keep-alive client and answering with the upstream's body. No Camel, no JSON.
// Started by bench/run.sh (PASS_THROUGH=1) from the repository root:
//   java -cp "target/lib/*" bench/VertxPassThrough.java PORT UPSTREAM_PORT
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

public class VertxPassThrough extends AbstractVerticle {

    private static int port;
    private static int upstreamPort;

    public static void main(String[] args) {
        port = Integer.parseInt(args[0]);
        upstreamPort = Integer.parseInt(args[1]);
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        int loops = Runtime.getRuntime().availableProcessors();
        vertx.deployVerticle(VertxPassThrough::new, new DeploymentOptions().setInstances(loops))
                .onSuccess(id -> System.out.println("Vert.x pass-through on 127.0.0.1:" + port + ", " + loops
                        + " event loops, native transport " + vertx.isNativeTransportEnabled()))
                .onFailure(e -> {
                    e.printStackTrace();
                    System.exit(1);
                });
    }

    @Override
    public void start() {
        // one client per event loop, used only from it: a request and its upstream call stay on one thread
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(16));
        RequestOptions chat = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
                .setPort(upstreamPort).setURI("/openai/v1/chat/completions")
                .putHeader("Content-Type", "application/json");
        vertx.createHttpServer().requestHandler(request -> request.body()
                .compose(body -> client.request(chat).compose(call -> call.send(body)))
                .compose(answer -> answer.body())
                .onSuccess(answer -> request.response().putHeader("Content-Type", "application/json").end(answer))
                .onFailure(failure -> request.response().setStatusCode(502).end()))
                .listen(port, "127.0.0.1");
    }
}
