package dev.modelgateway.support;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * Reads an SSE answer the way the live-stream tests prove relaying: the first {@code data:} event is read while the
 * test upstream still holds back the rest, then {@code release} lets it send the rest, which is read to the end.
 */
public record LiveSse(String first, List<String> rest) {

    public static LiveSse read(HttpResponse<Stream<String>> response, CompletableFuture<Void> release) {
        Iterator<String> lines = response.body().filter(l -> l.startsWith("data: ")).iterator();
        String first = lines.next();
        release.complete(null);
        List<String> rest = new ArrayList<>();
        lines.forEachRemaining(rest::add);
        return new LiveSse(first, rest);
    }
}
