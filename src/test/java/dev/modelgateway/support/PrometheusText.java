package dev.modelgateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

/** Reads samples out of /observe/metrics' Prometheus text. */
public final class PrometheusText {

    private PrometheusText() {
    }

    /** The value of the one sample whose name and labels are all these. */
    public static double sample(String text, String name, String... labels) {
        List<Double> found = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            boolean all = true;
            for (String l : labels) {
                all &= line.contains(l + ",") || line.contains(l + "}");
            }
            if (all) {
                found.add(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            }
        }
        assertThat(found).as(name + " " + String.join(",", labels)).hasSize(1);
        return found.get(0);
    }
}
