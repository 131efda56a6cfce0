package dev.zooterj.cli;

import dev.zooterj.nn.router.RouterKinds;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The registered router kinds, for {@code --help}, and the parsing of {@code --set} options. */
final class KindNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
        return RouterKinds.names().iterator();
    }

    /** {@code KIND.NAME=VALUE} options → kind → (setting → value); each kind and setting name is checked. */
    /**
     * {@code --subset-weight SUBSET=W} options: the routing objective's weight of each subset (W ≥ 0); when
     * {@code known} is not null every SUBSET must be one of it.
     */
    static Map<String, Double> parseSubsetWeights(List<String> options, java.util.Collection<String> known) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String s : options == null ? List.<String>of() : options) {
            int eq = s.lastIndexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("--subset-weight " + s + ": expected SUBSET=WEIGHT, e.g. arc_easy=0");
            }
            String subset = s.substring(0, eq);
            double w;
            try {
                w = Double.parseDouble(s.substring(eq + 1));
            } catch (NumberFormatException e) {
                w = Double.NaN;
            }
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("--subset-weight " + s + ": expected a finite weight ≥ 0 after '='");
            }
            if (known != null && !known.contains(subset)) {
                throw new IllegalArgumentException("--subset-weight " + s + ": no subset '" + subset + "' in the training rows; expected one of "
                        + new java.util.TreeSet<>(known));
            }
            out.put(subset, w);
        }
        return out;
    }

    static Map<String, Map<String, String>> parseSets(List<String> sets) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (String s : sets == null ? List.<String>of() : sets) {
            int eq = s.indexOf('=');
            int dot = s.indexOf('.');
            if (eq < 0 || dot < 0 || dot > eq) {
                throw new IllegalArgumentException("--set " + s + ": expected KIND.NAME=VALUE, e.g. cluster_best.k=16");
            }
            String kind = s.substring(0, dot);
            String name = s.substring(dot + 1, eq);
            String value = s.substring(eq + 1);
            try {
                RouterKinds.get(kind).defaults().with(name, value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--set " + s + ": " + e.getMessage());
            }
            out.computeIfAbsent(kind, k -> new LinkedHashMap<>()).put(name, value);
        }
        return out;
    }

    /** {@code NAME=VALUE} options of one kind. */
    static Map<String, String> parseKindSets(String kind, List<String> sets) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String s : sets == null ? List.<String>of() : sets) {
            int eq = s.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("--set " + s + ": expected NAME=VALUE, e.g. k=16");
            }
            try {
                RouterKinds.get(kind).defaults().with(s.substring(0, eq), s.substring(eq + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--set " + s + ": " + e.getMessage());
            }
            out.put(s.substring(0, eq), s.substring(eq + 1));
        }
        return out;
    }
}
