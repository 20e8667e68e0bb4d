package dev.modelgateway.reload;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The one swap point of a live-edited file (contract section 11): readers call {@link #get()} once per request and
 * keep what they got, so a request never sees half of an old catalogue and half of a new one; a reload builds the new
 * value beside the old and {@link #swap swaps} it in one step.
 */
public final class Current<T> implements Supplier<T> {

    /** What is loaded now, and from which version of its file. */
    public record Loaded<T>(T value, String version, long loadedAtMillis) {
    }

    private final AtomicReference<Loaded<T>> loaded;
    private final List<Consumer<T>> listeners = new CopyOnWriteArrayList<>();

    public Current(T value, String version) {
        this.loaded = new AtomicReference<>(new Loaded<>(Objects.requireNonNull(value), version,
                System.currentTimeMillis()));
    }

    /** A holder that never changes (tests, embedded uses). */
    public static <T> Current<T> of(T value) {
        return new Current<>(value, "fixed");
    }

    @Override
    public T get() {
        return loaded.get().value();
    }

    public Loaded<T> loaded() {
        return loaded.get();
    }

    /** Replaces the value; requests already holding the old one finish with it. Returns the value replaced. */
    public T swap(T value, String version) {
        T old = loaded.getAndSet(new Loaded<>(Objects.requireNonNull(value), version, System.currentTimeMillis()))
                .value();
        listeners.forEach(l -> l.accept(value));
        return old;
    }

    /** Runs after each swap with the new value (on the reloading thread): for beans that index the value once. */
    public void onSwap(Consumer<T> listener) {
        listeners.add(listener);
    }
}
