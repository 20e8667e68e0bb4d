package dev.modelgateway.reload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.modelgateway.prompt.PromptRegistry;

/**
 * A prompts/ directory as the kubelet lays out a ConfigMap volume with items (deploy/kubernetes): the visible
 * directories are symlinks into {@code ..data}, itself a symlink to {@code ..<timestamp>/}, and an update writes a new
 * timestamp directory and swaps {@code ..data}. The registry reads each prompt once under its own id, and the
 * fingerprint the live reload compares changes with the swap.
 */
class ConfigMapLayoutTest {

    @Test
    void promptsInAConfigMapVolumeAreReadOnceAndAnUpdateChangesTheirVersion(@TempDir Path mount) throws IOException {
        Path first = mount.resolve("..2026_11_28_12_00_00.1");
        write(first.resolve("chat/explain_code/base/1.0.0.yml"), "Explain:");
        Files.createSymbolicLink(mount.resolve("..data"), first.getFileName());
        Files.createSymbolicLink(mount.resolve("chat"), Path.of("..data/chat"));

        PromptRegistry registry = PromptRegistry.load(mount);
        assertThat(registry.all()).containsOnlyKeys("chat/explain_code");
        assertThat(registry.all().get("chat/explain_code").get("base")).hasSize(1);
        String before = LiveEdits.promptsFingerprint(mount);
        assertThat(before).isNotEqualTo(Fingerprint.MISSING);

        // the kubelet's update: a new timestamp directory, then ..data swapped to it in one rename
        Path second = mount.resolve("..2026_11_28_12_05_00.2");
        write(second.resolve("chat/explain_code/base/1.0.0.yml"), "Explain, edited:");
        Path tmpLink = mount.resolve("..data_tmp");
        Files.createSymbolicLink(tmpLink, second.getFileName());
        Files.move(tmpLink, mount.resolve("..data"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);

        assertThat(LiveEdits.promptsFingerprint(mount)).isNotEqualTo(before);
        assertThat(PromptRegistry.load(mount).all()).containsOnlyKeys("chat/explain_code");
    }

    private static void write(Path file, String system) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
                name: explain
                prompt_template:
                  system: "%s"
                  user: "{{ selected_text }}"
                """.formatted(system));
    }
}
