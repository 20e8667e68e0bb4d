package dev.modelgateway.reload;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Route;
import org.apache.camel.Suspendable;
import org.apache.camel.SuspendableService;
import org.apache.camel.component.direct.DirectComponent;
import org.apache.camel.component.direct.DirectConsumer;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.platform.http.vertx.AsyncPlatformHttpConsumer;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * Live edits of the route files (contract section 11) without the gap of Camel's own route reload, which removes
 * every route before adding the new ones. Per edited file: its routes are read into definitions (YAML syntax first,
 * for a line number), each must have an id; then each is swapped on its own:
 * <ol>
 * <li>the new route is added beside the old under a temporary id ({@code <id>--next}, its step ids likewise), from an
 * equivalent endpoint URI (one default parameter spelled out, so Camel sees a second endpoint, not a second consumer
 * of the old one), created and started: a route that does not start is removed again and the edit refused, the old
 * routes untouched;</li>
 * <li>the old route's consumer stops: for platform-http the Vert.x route of the old consumer goes and the new one,
 * already registered for the same path, answers the next request (no 404, no 503); a {@code direct:} endpoint has one
 * consumer slot, so the old consumer leaves it just before the new one takes it, and a caller arriving in between
 * waits for it (direct's {@code block}) instead of failing;</li>
 * <li>exchanges in flight on the old route (a stream) finish on it; once none is left it is removed and the new route
 * is added again under its real id (same order: start, then stop the temporary consumer), and the temporary route
 * retires the same way.</li>
 * </ol>
 * Route ids and step ids are therefore the file's own again once the streams of the old version end. While a file
 * still has a route retiring, its next edit waits for that (a long stream delays it, nothing fails).
 */
final class RouteReload implements LiveReload.Group {

    private static final Logger LOG = LoggerFactory.getLogger(RouteReload.class);
    static final String NEXT = "--next";

    private final CamelContext context;
    private final List<Source> sources = new ArrayList<>();
    private final Map<Path, LiveReload.Watched> files = new LinkedHashMap<>();
    /** Route ids by the file that defines them; filled from Camel's model at the first look after start. */
    private final Map<Path, Set<String>> routesOfFile = new LinkedHashMap<>();
    /** Old routes and temporary routes waiting for their exchanges in flight to end. */
    private final List<Retirement> retiring = new ArrayList<>();
    private boolean mapped;
    /** The routeConfiguration blocks of each file as loaded: Camel applies them when a route is created. */
    private final Map<Path, String> configurations = new LinkedHashMap<>();

    /** A {@code file:dir/glob} entry of camel.main.routes-include-pattern. */
    private record Source(Path dir, PathMatcher matcher) {
    }

    /**
     * How long a route whose consumer stopped stays before it may be removed, even with nothing counted in flight: a
     * caller that picked the old consumer just before it stopped reaches the route within this.
     */
    static final long GRACE_MILLIS = 1000;

    /** A route to stop and remove once nothing is in flight on it (and not before the grace), then what next. */
    private record Retirement(Path file, String routeId, Runnable then, long notBefore) {
        Retirement(Path file, String routeId, Runnable then) {
            this(file, routeId, then, System.currentTimeMillis() + GRACE_MILLIS);
        }
    }

    RouteReload(CamelContext context, String includePattern) {
        this.context = context;
        for (String entry : includePattern.split(",")) {
            String e = entry.trim();
            if (!e.startsWith("file:")) {
                // classpath: routes are part of the jar: nothing to watch
                continue;
            }
            Path p = Path.of(e.substring("file:".length()));
            Path dir = p.getParent() == null ? Path.of(".") : p.getParent();
            sources.add(new Source(dir, FileSystems.getDefault().getPathMatcher("glob:" + p.getFileName())));
        }
        // fingerprints now, before Camel reads the files: an edit made during start-up is still an edit
        for (Path f : list()) {
            files.put(f, watched(f, Fingerprint.of(f)));
            configurations.put(f, configurations(f));
        }
    }

    private static LiveReload.Watched watched(Path f, String version) {
        return new LiveReload.Watched(f.toString(), version, () -> Fingerprint.of(f), v -> {
        });
    }

    @Override
    public synchronized List<LiveReload.Watched> files() {
        return List.copyOf(files.values());
    }

    private List<Path> list() {
        List<Path> all = new ArrayList<>();
        for (Source s : sources) {
            if (!Files.isDirectory(s.dir())) {
                continue;
            }
            try (Stream<Path> l = Files.list(s.dir())) {
                l.filter(p -> s.matcher().matches(p.getFileName()) && Files.isRegularFile(p)).sorted()
                        .forEach(all::add);
            } catch (IOException e) {
                LOG.debug("cannot list {}: {}", s.dir(), e.toString());
            }
        }
        return all;
    }

    @Override
    public synchronized void look(LiveReload reload) {
        if (!context.isStarted()) {
            return;
        }
        if (!mapped) {
            mapRoutes();
            mapped = true;
        }
        retire();
        Set<Path> now = new LinkedHashSet<>(list());
        now.addAll(files.keySet());
        for (Path f : now) {
            LiveReload.Watched w = files.computeIfAbsent(f, p -> watched(p, Fingerprint.MISSING));
            String version = Fingerprint.of(f);
            if (busy(f) || !reload.changedAndSettled(w, version)) {
                continue;
            }
            try {
                apply(f, version);
                reload.applied(w, version);
            } catch (Exception e) {
                reload.refused(w, version, e);
            }
            if (Fingerprint.MISSING.equals(version) && routesOfFile.getOrDefault(f, Set.of()).isEmpty()) {
                files.remove(f);
            }
        }
    }

    private boolean busy(Path f) {
        return retiring.stream().anyMatch(r -> r.file().equals(f));
    }

    private void mapRoutes() {
        for (RouteDefinition d : model().getRouteDefinitions()) {
            Resource r = d.getResource();
            if (r == null || r.getLocation() == null || !r.getLocation().startsWith("file:")) {
                continue;
            }
            Path from = Path.of(r.getLocation().substring("file:".length())).toAbsolutePath().normalize();
            for (Path f : files.keySet()) {
                if (f.toAbsolutePath().normalize().equals(from)) {
                    routesOfFile.computeIfAbsent(f, k -> new LinkedHashSet<>()).add(d.getRouteId());
                }
            }
        }
    }

    // ---- one edited file

    private void apply(Path file, String version) throws Exception {
        List<RouteDefinition> next = Fingerprint.MISSING.equals(version) ? List.of() : read(file);
        Set<String> ids = new LinkedHashSet<>();
        for (RouteDefinition d : next) {
            if (d.getRouteId() == null || !d.hasCustomIdAssigned()) {
                throw new IllegalArgumentException(file + ": route from " + d.getInput().getUri() + " has no id; "
                        + "live edits replace routes by id");
            }
            if (!ids.add(d.getRouteId())) {
                throw new IllegalArgumentException(file + ": route id " + d.getRouteId() + " appears twice");
            }
            for (Map.Entry<Path, Set<String>> other : routesOfFile.entrySet()) {
                if (!other.getKey().equals(file) && other.getValue().contains(d.getRouteId())) {
                    throw new IllegalArgumentException(file + ": route id " + d.getRouteId() + " is already defined "
                            + "in " + other.getKey());
                }
            }
        }
        // a second, untouched reading: the final routes (the first is turned into the temporary ones)
        List<RouteDefinition> finals = next.isEmpty() ? List.of() : read(file);
        Set<String> old = new LinkedHashSet<>(routesOfFile.getOrDefault(file, Set.of()));
        // 1. every new route beside the old one, created and started; any failure undoes this step only
        List<RouteDefinition> temps = new ArrayList<>();
        Set<String> switched = new LinkedHashSet<>();
        try {
            for (RouteDefinition d : next) {
                temps.add(temporary(d));
            }
            for (RouteDefinition t : temps) {
                dormant(t);
                t.setAutoStartup("false");
            }
            model().addRouteDefinitions(temps);
            // routes that can share their endpoint (platform-http, jms ...) start behind the old ones, which still
            // take every request
            for (RouteDefinition t : temps) {
                if (!isDirect(t)) {
                    start(t.getRouteId());
                }
            }
            // direct: one consumer slot each, the old consumer leaves it and the new one takes it (reversible)
            for (RouteDefinition t : temps) {
                if (isDirect(t)) {
                    String oldId = oldIdOf(t.getRouteId());
                    switchSlot(old.contains(oldId) ? oldId : null, t.getRouteId());
                    switched.add(oldId);
                }
            }
        } catch (Exception e) {
            undo(temps, old, switched);
            throw new IllegalArgumentException(file + ": " + describe(e), e);
        }
        // nothing can fail any more: the old consumers of shared endpoints stop taking requests
        for (RouteDefinition t : temps) {
            String oldId = oldIdOf(t.getRouteId());
            if (!isDirect(t) && old.contains(oldId)) {
                stopTaking(oldId);
            }
        }
        // 2. the old routes retire when their exchanges end; then the real ids come back
        Map<String, RouteDefinition> finalById = new LinkedHashMap<>();
        finals.forEach(d -> finalById.put(d.getRouteId(), d));
        for (String id : old) {
            RouteDefinition fin = finalById.get(id);
            retiring.add(new Retirement(file, id, fin == null ? () -> {
            } : () -> restoreId(file, fin)));
        }
        for (RouteDefinition fin : finals) {
            if (!old.contains(fin.getRouteId())) {
                restoreId(file, fin);
            }
        }
        routesOfFile.put(file, new LinkedHashSet<>(ids));
        String config = configurations(file);
        if (!config.equals(configurations.getOrDefault(file, ""))) {
            // Camel applies a route configuration when it creates a route: the running ones keep the start-up version
            LOG.warn("{}: its routeConfiguration blocks changed: they apply after a restart (the routes of the file "
                    + "were reloaded with the configuration read at start-up)", file);
            configurations.put(file, config);
        }
        LOG.info("{}: routes {} replaced without a gap (old versions retire when their exchanges in flight end)",
                file, ids);
        retire();
    }

    /** Routes whose file says autoStartup false (placeholders resolved): replaced, never started by a live edit. */
    private final Set<String> dormant = new java.util.HashSet<>();

    private void dormant(RouteDefinition d) {
        String auto = d.getAutoStartup();
        boolean start = true;
        if (auto != null) {
            try {
                start = org.apache.camel.support.CamelContextHelper.parseBoolean(context, auto);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("route " + d.getRouteId() + ": autoStartup '" + auto + "': "
                        + e.getMessage(), e);
            }
        }
        if (start) {
            dormant.remove(d.getRouteId());
        } else {
            dormant.add(d.getRouteId());
        }
    }

    private static boolean isDirect(RouteDefinition d) {
        return d.getInput().getUri().startsWith("direct:");
    }

    private static String oldIdOf(String tempId) {
        return tempId.substring(0, tempId.length() - NEXT.length());
    }

    /**
     * Starts a route added with autoStartup=false: its (suspendable) consumer was created suspended, and starting the
     * route leaves it so (it would answer 503): resume it too.
     */
    private void start(String routeId) throws Exception {
        if (dormant.contains(routeId)) {
            // autoStartup false in the file (the queue route with gateway.queue.enabled=false): created, not started
            return;
        }
        context.getRouteController().startRoute(routeId);
        Route route = context.getRoute(routeId);
        if (route != null && route.getConsumer() instanceof SuspendableService s && s.isSuspended()) {
            s.resume();
        }
    }

    /**
     * direct: the consumer of {@code oldId} leaves its slot and the route {@code nextId} starts into it; a caller in
     * between waits for the slot (direct's block). On failure the old consumer gets its slot back.
     */
    private void switchSlot(String oldId, String nextId) throws Exception {
        if (dormant.contains(nextId)) {
            return;
        }
        Route old = oldId == null ? null : context.getRoute(oldId);
        if (old == null || !(old.getConsumer() instanceof DirectConsumer direct)) {
            start(nextId);
            return;
        }
        DirectComponent slots = (DirectComponent) direct.getEndpoint().getComponent();
        slots.removeConsumer(slotKey(direct), direct);
        try {
            start(nextId);
        } catch (Exception e) {
            slots.addConsumer(slotKey(direct), direct);
            throw e;
        }
    }

    /**
     * The consumer of a shared endpoint stops taking requests, without being stopped: stopping a consumer stops its
     * route's processors under the exchanges still in flight. platform-http: its Vert.x route goes, and the new
     * consumer's, registered behind it for the same path, answers the next request.
     */
    private void stopTaking(String routeId) {
        Route route = context.getRoute(routeId);
        Consumer consumer = route == null ? null : route.getConsumer();
        if (consumer == null || !org.apache.camel.support.service.ServiceHelper.isStarted(consumer)) {
            // never started (autoStartup false): it takes nothing
            return;
        }
        AsyncPlatformHttpConsumer http = route == null ? null : http(route);
        if (http != null) {
            if (!http.detach()) {
                LOG.warn("route {}: its HTTP consumer could not be taken off the router; it answers until its "
                        + "exchanges end and it is removed", routeId);
            }
        } else if (consumer instanceof SuspendableService s && consumer instanceof Suspendable) {
            // e.g. a JMS listener: no new messages; those being processed finish
            s.suspend();
            if (consumer instanceof org.apache.camel.component.jms.JmsConsumer jms) {
                closeIdleConsumers(routeId, jms);
            }
        }
    }

    /**
     * A suspended JMS listener keeps its idle consumers open, each waiting to be resumed. With no prefetch (the
     * gateway's consumer window is 0), a message the broker hands one just as its receive gives up stays in that
     * consumer's buffer until it closes: at the old route's retirement, after its slowest request. Shutting the
     * listener down closes the idle consumers at once (such a message goes back to the queue, to the new route) and
     * lets the busy ones finish their requests; it waits for those, so it runs on a thread of its own. A consumer whose
     * receive was under way at the suspension may still take one message: it answers it on the old route.
     */
    private void closeIdleConsumers(String routeId, org.apache.camel.component.jms.JmsConsumer jms) {
        org.springframework.jms.listener.AbstractMessageListenerContainer listener;
        try {
            listener = jms.getListenerContainer();
        } catch (Exception e) {
            LOG.debug("route {}: no JMS listener to shut down: {}", routeId, describe(e));
            return;
        }
        if (listener == null) {
            return;
        }
        Thread closing = new Thread(() -> {
            try {
                // else a shutdown interrupts a consumer still busy after one receive timeout: its request would fail
                // and be redelivered, although it may finish on the old route
                listener.setAcceptMessagesWhileStopping(true);
                listener.shutdown();
            } catch (RuntimeException e) {
                LOG.debug("route {}: its JMS listener did not shut down: {}", routeId, describe(e));
            }
        }, context.getExecutorServiceManager().resolveThreadName("gateway-retire " + routeId));
        closing.setDaemon(true);
        closing.start();
    }

    /** The gateway's HTTP consumer of a platform-http route (Camel wraps it in its own), or null. */
    private static AsyncPlatformHttpConsumer http(Route route) {
        Consumer c = route.getConsumer();
        if (c instanceof org.apache.camel.component.platform.http.spi.PlatformHttpConsumerAware aware) {
            c = aware.getPlatformHttpConsumer() != null ? aware.getPlatformHttpConsumer() : c;
        }
        return c instanceof AsyncPlatformHttpConsumer http ? http : null;
    }

    /** DirectEndpoint's key: its URI before the options (direct://name), shared by every spelling of the options. */
    private static String slotKey(DirectConsumer consumer) {
        String uri = consumer.getEndpoint().getEndpointUri();
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    /** A refused edit: every direct slot switched goes back to the old consumer, every new route goes. */
    private void undo(List<RouteDefinition> temps, Set<String> old, Set<String> switched) {
        for (RouteDefinition t : temps) {
            String tempId = t.getRouteId();
            String oldId = oldIdOf(tempId);
            try {
                Route o = old.contains(oldId) ? context.getRoute(oldId) : null;
                Route temp = context.getRoute(tempId);
                if (o != null && switched.contains(oldId) && o.getConsumer() instanceof DirectConsumer direct) {
                    DirectComponent slots = (DirectComponent) direct.getEndpoint().getComponent();
                    if (temp != null && temp.getConsumer() instanceof DirectConsumer taken) {
                        slots.removeConsumer(slotKey(taken), taken);
                    }
                    slots.addConsumer(slotKey(direct), direct);
                }
                RouteDefinition d = model().getRouteDefinition(tempId);
                if (d != null) {
                    model().removeRouteDefinition(d);
                } else if (temp != null) {
                    context.getRouteController().stopRoute(tempId);
                    context.removeRoute(tempId);
                }
            } catch (Exception e) {
                LOG.warn("could not remove the temporary route {} of a refused edit: {}", tempId, describe(e));
            }
        }
    }

    /** The old route is gone: the new one comes back under its real id, and the temporary one retires. */
    private void restoreId(Path file, RouteDefinition fin) {
        String id = fin.getRouteId();
        String tempId = id + NEXT;
        boolean hasTemp = context.getRoute(tempId) != null;
        try {
            dormant(fin);
            fin.setAutoStartup("false");
            model().addRouteDefinition(fin);
            if (isDirect(fin)) {
                switchSlot(hasTemp ? tempId : null, id);
            } else {
                start(id);
                if (hasTemp) {
                    stopTaking(tempId);
                }
            }
            if (hasTemp) {
                retiring.add(new Retirement(file, tempId, () -> {
                }));
            }
        } catch (Exception e) {
            // the temporary route keeps serving the new version: nothing is lost but the id
            LOG.warn("{}: route {} serves as {} (its real id could not be restored: {})", file, id, tempId,
                    describe(e));
            try {
                RouteDefinition d = model().getRouteDefinition(id);
                if (d != null) {
                    model().removeRouteDefinition(d);
                }
            } catch (Exception ignored) {
                LOG.debug("route {} could not be removed: {}", id, ignored.toString());
            }
        }
    }

    /** Removes the retiring routes that have nothing in flight, and runs what follows each. */
    private void retire() {
        boolean progress = true;
        while (progress) {
            progress = false;
            for (Retirement r : List.copyOf(retiring)) {
                Route route = context.getRoute(r.routeId());
                if (route != null && (System.currentTimeMillis() < r.notBefore()
                        || context.getInflightRepository().size(r.routeId()) > 0
                        // platform-http: requests handed over whose body is still arriving are not in Camel's count yet
                        || http(route) != null && http(route).open() > 0)) {
                    continue;
                }
                retiring.remove(r);
                try {
                    RouteDefinition d = model().getRouteDefinition(r.routeId());
                    if (d != null) {
                        model().removeRouteDefinition(d);
                    } else if (context.getRoute(r.routeId()) != null) {
                        context.getRouteController().stopRoute(r.routeId());
                        context.removeRoute(r.routeId());
                    }
                } catch (Exception e) {
                    LOG.warn("route {} could not be removed after a live edit: {}", r.routeId(), describe(e));
                }
                r.then().run();
                progress = true;
            }
        }
    }

    /** The file's routeConfiguration entries, as YAML text (empty when none or unreadable). */
    private static String configurations(Path file) {
        try {
            com.fasterxml.jackson.databind.JsonNode root = new YAMLMapper().readTree(file.toFile());
            StringBuilder sb = new StringBuilder();
            if (root != null && root.isArray()) {
                root.forEach(n -> {
                    if (n.has("routeConfiguration")) {
                        sb.append(n).append('\n');
                    }
                });
            }
            return sb.toString();
        } catch (IOException e) {
            return "";
        }
    }

    // ---- reading a route file

    /** The file's routes as definitions, nothing added to Camel; YAML errors name their line. */
    private List<RouteDefinition> read(Path file) throws Exception {
        try {
            new YAMLMapper().readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ":" + (e.getLocation() == null ? "" : e.getLocation()
                    .getLineNr() + ":") + " not valid YAML: " + LiveReload.oneLine(e.getOriginalMessage()));
        }
        Resource resource = ResourceHelper.resolveMandatoryResource(context, "file:" + file);
        Collection<RoutesBuilder> builders = PluginHelper.getRoutesLoader(context).findRoutesBuilders(resource);
        List<RouteDefinition> defs = new ArrayList<>();
        for (RoutesBuilder b : builders) {
            if (b instanceof RouteBuilder rb) {
                for (RouteDefinition d : rb.configureRoutes(context).getRoutes()) {
                    d.setResource(resource);
                    defs.add(d);
                }
            }
        }
        return defs;
    }

    /** The new route as it first runs beside the old: temporary route and step ids, an equivalent endpoint URI. */
    private static RouteDefinition temporary(RouteDefinition d) {
        d.setId(d.getRouteId() + NEXT);
        d.setStartupOrder(null);
        for (ProcessorDefinition<?> p : ProcessorDefinitionHelper.filterTypeInOutputs(d.getOutputs(),
                ProcessorDefinition.class)) {
            if (p.getId() != null && p.hasCustomIdAssigned()) {
                p.setId(p.getId() + NEXT);
            }
        }
        if (d.getInput().getId() != null) {
            d.getInput().setId(d.getInput().getId() + NEXT);
        }
        d.getInput().setUri(equivalent(d.getInput().getUri()));
        return d;
    }

    /**
     * The same endpoint with one parameter at its default value spelled out: Camel refuses a second consumer of an
     * identical endpoint URI, while the consumer itself (a Vert.x route on the same path, a direct slot) is the same.
     */
    static String equivalent(String uri) {
        List<String> candidates;
        if (uri.startsWith("platform-http:")) {
            candidates = List.of("matchOnUriPrefix=false", "useCookieHandler=false");
        } else if (uri.startsWith("direct:")) {
            candidates = List.of("timeout=30000", "block=true");
        } else {
            return uri;
        }
        String query = uri.contains("?") ? uri.substring(uri.indexOf('?') + 1) : "";
        for (String c : candidates) {
            String key = c.substring(0, c.indexOf('=') + 1);
            if (!("&" + query).contains("&" + key)) {
                return uri + (uri.contains("?") ? "&" : "?") + c;
            }
        }
        return uri;
    }

    private ModelCamelContext model() {
        return (ModelCamelContext) context;
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(e.getMessage() == null ? e.toString() : e.getMessage());
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null && !sb.toString().contains(t.getMessage())) {
                sb.append(": ").append(t.getMessage());
            }
        }
        return LiveReload.oneLine(sb.toString());
    }
}
