package dev.zooterj.bench.report;

import dev.zooterj.bench.BenchResults;
import dev.zooterj.bench.MethodResult;

import java.awt.Color;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One colour per method, the same in every chart: the single models in light tones (the background the
 * ensembles are measured against), each ensemble method in a strong colour of its own, Zooter in red.
 */
final class MethodPalette {
    private static final Map<String, Color> NAMED = Map.of(
            "zooter", new Color(0xD62728),
            "task_best", new Color(0x1F77B4),
            "cluster_best", new Color(0x8C564B),
            "dataset_oracle", new Color(0x98DF8A),
            "hard_label", new Color(0x9467BD),
            "knn", new Color(0x17BECF),
            "random", new Color(0x7F7F7F),
            "bma", new Color(0x3B3B3B),
            "rmr", new Color(0xFF7F0E),
            "oracle", new Color(0x2CA02C));
    /** Tableau's light tones, for the single candidates. */
    private static final Color[] LIGHT = {new Color(0xAEC7E8), new Color(0xFFBB78), new Color(0x98DF8A),
        new Color(0xFF9896), new Color(0xC5B0D5), new Color(0xC49C94), new Color(0xF7B6D2), new Color(0xDBDB8D),
        new Color(0x9EDAE5), new Color(0xC7C7C7)};
    /** Strong tones for methods without a colour of their own (β-sweep routers, other rankers). */
    private static final Color[] STRONG = {new Color(0x1F77B4), new Color(0x8C564B), new Color(0xE377C2),
        new Color(0xBCBD22), new Color(0x393B79), new Color(0x637939), new Color(0x843C39)};

    private MethodPalette() {
    }

    static Map<String, Color> of(BenchResults results) {
        Map<String, Color> out = new LinkedHashMap<>();
        List<String> models = results.models();
        int light = 0;
        int strong = 0;
        for (MethodResult m : results.methods()) {
            String name = m.method();
            if (NAMED.containsKey(name)) {
                out.put(name, NAMED.get(name));
            } else if (models.contains(name)) {
                out.put(name, LIGHT[light++ % LIGHT.length]);
            } else {
                out.put(name, STRONG[strong++ % STRONG.length]);
            }
        }
        return out;
    }
}
