package dev.modelgateway.reload;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelgateway.observe.StatusSection;

/**
 * Live edits (contract section 11): every {@link #PERIOD_MILLIS} one thread hashes the watched files (models.yaml,
 * the prompts tree, each route file); content that changed and stayed the same over two looks (an editor's save is
 * complete) is loaded beside what serves, checked whole, and swapped in one step. An edit that does not load is
 * rejected with one WARN line naming the file and the entry or line; what served keeps serving. Nothing here runs per
 * request: requests read the swap points ({@link Current}).
 */
public final class LiveReload extends ServiceSupport implements StatusSection {

    private static final Logger LOG = LoggerFactory.getLogger(LiveReload.class);
    /** How often the files are hashed; an edit applies two looks later (about 0.5 s). */
    public static final long PERIOD_MILLIS = 250;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    /** What a watched thing does on an edit: load the new version beside the old, check it, swap it in. */
    public interface Loader {
        /** Loads and swaps; throws with a message naming the file and the entry or line when the edit is refused. */
        void load(String version) throws Exception;
    }

    /** A file (or tree) watched as one unit. */
    public static final class Watched {
        final String label;
        final Supplier<String> fingerprint;
        final Loader loader;
        volatile String version;
        volatile long loadedAt;
        volatile String pending;
        volatile String refused;

        Watched(String label, String version, Supplier<String> fingerprint, Loader loader) {
            this.label = label;
            this.version = version;
            this.loadedAt = System.currentTimeMillis();
            this.fingerprint = fingerprint;
            this.loader = loader;
        }

        public String label() {
            return label;
        }

        public String version() {
            return version;
        }

        public long loadedAt() {
            return loadedAt;
        }
    }

    /** The last edit that was refused: file, why, when. */
    public record Rejected(String file, String reason, long atMillis) {
    }

    /** A set of files whose edits load together (the route files: one route may call another). */
    public interface Group {
        /** Called every look; returns the files it watches now, for /status and /observe/info. */
        List<Watched> files();

        /** One look: reload what changed and stayed stable; report refusals through {@code rejected}. */
        void look(LiveReload reload);
    }

    private final CamelContext context;
    private final boolean enabled;
    private final List<Watched> singles = new CopyOnWriteArrayList<>();
    private final List<Group> groups = new CopyOnWriteArrayList<>();
    private volatile Rejected lastRejected;
    private volatile int applied;
    private ScheduledExecutorService timer;

    public LiveReload(CamelContext context, boolean enabled) {
        this.context = context;
        this.enabled = enabled;
    }

    /** Watches one file or tree: {@code version} is the fingerprint of what was loaded at start-up. */
    public Watched watch(String label, String version, Supplier<String> fingerprint, Loader loader) {
        Watched w = new Watched(label, version, fingerprint, loader);
        singles.add(w);
        return w;
    }

    public void watch(Group group) {
        groups.add(group);
    }

    public boolean enabled() {
        return enabled;
    }

    @Override
    protected void doStart() {
        if (!enabled) {
            LOG.info("live edits are off (gateway.reload.enabled=false): edits of models.yaml, prompts/ and routes/ "
                    + "need a restart");
            return;
        }
        timer = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "gateway-live-reload");
        timer.scheduleWithFixedDelay(this::lookSafely, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        if (timer != null) {
            context.getExecutorServiceManager().shutdownNow(timer);
            timer = null;
        }
    }

    private void lookSafely() {
        try {
            look();
        } catch (RuntimeException | Error e) {
            // the timer must keep running whatever one look met
            LOG.warn("live edits: a look at the watched files failed: {}", e.toString(), e);
        }
    }

    /** One look at every watched file; public for tests that drive it without the timer. */
    public synchronized void look() {
        for (Watched w : singles) {
            look(w);
        }
        for (Group g : groups) {
            g.look(this);
        }
    }

    private void look(Watched w) {
        String now = w.fingerprint.get();
        if (!changedAndSettled(w, now)) {
            return;
        }
        try {
            w.loader.load(now);
            applied(w, now);
        } catch (Exception e) {
            refused(w, now, e);
        }
    }

    /** True when the content differs from what serves, was not refused already, and is the same as at the last look. */
    public boolean changedAndSettled(Watched w, String now) {
        if (now.equals(w.version)) {
            w.pending = null;
            w.refused = null;
            return false;
        }
        if (now.equals(w.refused)) {
            return false;
        }
        if (!now.equals(w.pending)) {
            w.pending = now;
            return false;
        }
        w.pending = null;
        return true;
    }

    public void applied(Watched w, String version) {
        w.version = version;
        w.loadedAt = System.currentTimeMillis();
        w.refused = null;
        applied++;
        LOG.info("live edit applied: {} is now version {}", w.label, version);
    }

    public void refused(Watched w, String version, Exception e) {
        w.refused = version;
        String reason = oneLine(e.getMessage() == null ? e.toString() : e.getMessage());
        if (!reason.contains(w.label)) {
            reason = w.label + ": " + reason;
        }
        lastRejected = new Rejected(w.label, reason, System.currentTimeMillis());
        LOG.warn("live edit rejected, version {} of {} keeps serving: {}", w.version, w.label, reason);
    }

    public Rejected lastRejected() {
        return lastRejected;
    }

    /** Every watched file with its loaded version. */
    public List<Watched> files() {
        List<Watched> all = new ArrayList<>(singles);
        groups.forEach(g -> all.addAll(g.files()));
        return all;
    }

    // ---- /status and /observe/info

    @Override
    public String title() {
        return "Live edits";
    }

    @Override
    public String level() {
        // something on disk that is not what serves: the operator's edit did not take
        return files().stream().anyMatch(w -> w.refused != null) ? "warn" : "ok";
    }

    @Override
    public List<Map.Entry<String, String>> rows() {
        List<Map.Entry<String, String>> rows = new ArrayList<>();
        rows.add(row("live edits", enabled ? "on (gateway.reload.enabled), files looked at every " + PERIOD_MILLIS
                + " ms, " + applied + " edits applied" : "off (gateway.reload.enabled=false): edits need a restart"));
        for (Watched w : files()) {
            rows.add(row(w.label, "version " + w.version + ", loaded " + TIME.format(Instant.ofEpochMilli(w.loadedAt))
                    + (w.refused != null ? "; on disk: version " + w.refused + ", rejected" : "")));
        }
        Rejected r = lastRejected;
        rows.add(row("last rejected edit", r == null ? "none" : r.reason() + " (" + TIME.format(Instant.ofEpochMilli(
                r.atMillis())) + ")"));
        return rows;
    }

    /** The "reload" object of /observe/info. */
    public Map<String, Object> info() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("enabled", enabled);
        info.put("applied", applied);
        List<Map<String, Object>> files = new ArrayList<>();
        for (Watched w : files()) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("file", w.label);
            f.put("version", w.version);
            f.put("loaded_at", Instant.ofEpochMilli(w.loadedAt).toString());
            if (w.refused != null) {
                f.put("rejected_version", w.refused);
            }
            files.add(f);
        }
        info.put("files", files);
        Rejected r = lastRejected;
        if (r != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", r.file());
            m.put("reason", r.reason());
            m.put("at", Instant.ofEpochMilli(r.atMillis()).toString());
            info.put("last_rejected", m);
        } else {
            info.put("last_rejected", null);
        }
        return info;
    }

    private static Map.Entry<String, String> row(String k, String v) {
        return new AbstractMap.SimpleImmutableEntry<>(k, v);
    }

    static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
