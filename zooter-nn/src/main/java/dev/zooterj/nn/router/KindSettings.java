package dev.zooterj.nn.router;

import java.util.List;
import java.util.Map;

/**
 * The named settings of a {@link RouterKind}: an immutable record with defaults whose every setting can be read and
 * replaced by name, as scikit-learn's {@code get_params}/{@code set_params}. That is what lets a {@link Tuner} search a
 * grid of any kind's settings, and {@code train --set name=value} set them, without knowing the kind.
 *
 * @param <S> the settings type itself
 */
public interface KindSettings<S extends KindSettings<S>> {
    /** Seeds everything random in fitting (initialisation, shuffling, k-means, validation hold-outs). */
    long seed();

    /** Every setting by name, as text, in a stable order: what {@code router.json} and reports record. */
    Map<String, String> values();

    /**
     * A copy with one setting replaced.
     *
     * @throws IllegalArgumentException naming the setting and what was expected, or the settings there are
     */
    S with(String name, String value);

    /** A copy with several settings replaced, in the map's order. */
    @SuppressWarnings("unchecked")
    default S with(Map<String, String> changes) {
        S s = (S) this;
        for (Map.Entry<String, String> e : changes.entrySet()) {
            s = s.with(e.getKey(), e.getValue());
        }
        return s;
    }

    // ----- parsing helpers for implementations: one clear message per bad value -----

    static IllegalArgumentException unknown(String kind, String name, Map<String, String> values) {
        return new IllegalArgumentException(kind + " has no setting '" + name + "'; its settings are " + List.copyOf(values.keySet()));
    }

    static int parseInt(String name, String value, int min) {
        try {
            int v = Integer.parseInt(value.trim());
            if (v < min) {
                throw new IllegalArgumentException("setting '" + name + "': expected an integer >= " + min + ", got " + value);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting '" + name + "': expected an integer, got '" + value + "'");
        }
    }

    static double parseDouble(String name, String value, double min, double max) {
        double v;
        try {
            v = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting '" + name + "': expected a number, got '" + value + "'");
        }
        if (!(v >= min && v <= max)) {
            throw new IllegalArgumentException("setting '" + name + "': expected a number in [" + min + ", " + max + "], got " + value);
        }
        return v;
    }

    static long parseLong(String name, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting '" + name + "': expected an integer, got '" + value + "'");
        }
    }

    static boolean parseBoolean(String name, String value) {
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new IllegalArgumentException("setting '" + name + "': expected true or false, got '" + value + "'");
        };
    }

    static String oneOf(String name, String value, List<String> allowed) {
        if (!allowed.contains(value.trim())) {
            throw new IllegalArgumentException("setting '" + name + "': expected one of " + allowed + ", got '" + value + "'");
        }
        return value.trim();
    }
}
