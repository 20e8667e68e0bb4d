package dev.modelgateway.reload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The version of a watched file or directory: a hash of its content, not its modification time, so a Kubernetes
 * ConfigMap update (a {@code ..data} symlink swapped under the mount) and a bind-mounted file edited in place are seen
 * alike, and a save that changes nothing is no edit.
 */
public final class Fingerprint {

    /** What a missing file or directory hashes to. */
    public static final String MISSING = "missing";

    private Fingerprint() {
    }

    /** The first 12 hex digits of the SHA-256 of the file's bytes, or {@link #MISSING}. */
    public static String of(Path file) {
        try {
            MessageDigest sha = sha256();
            sha.update(Files.readAllBytes(file));
            return hex(sha);
        } catch (IOException e) {
            return MISSING;
        }
    }

    /** Every file under {@code dir} that {@code include} accepts, by relative path and content, in a stable order. */
    public static String ofTree(Path dir, Predicate<Path> include) {
        if (!Files.isDirectory(dir)) {
            return MISSING;
        }
        List<Path> files;
        // a ConfigMap mount: visible names are symlinks into ..data -> ..<timestamp>/: follow them, skip the ..* entries
        try (Stream<Path> walk = Files.walk(dir, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
            files = walk.filter(p -> !dir.relativize(p).toString().startsWith(".."))
                    .filter(Files::isRegularFile).filter(include).sorted().toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            return MISSING;
        }
        MessageDigest sha = sha256();
        for (Path f : files) {
            sha.update(dir.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            try {
                sha.update(Files.readAllBytes(f));
            } catch (IOException e) {
                sha.update(MISSING.getBytes(StandardCharsets.UTF_8));
            }
            sha.update((byte) 0);
        }
        return hex(sha);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(MessageDigest sha) {
        return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
    }
}
