package dev.zooterj.data.sim;

import java.util.List;

/**
 * A fictional candidate model: its latent expertise per {@link Domain} (in standard units of answer quality,
 * 0 is an average answer), how much hard queries hurt it, and how long its answers run.
 *
 * @param name                  the model name shown everywhere, e.g. {@code sim-coder-7b}
 * @param expertise             quality offset per domain, indexed by {@link Domain#ordinal()}
 * @param difficultySensitivity how strongly a hard query lowers its quality; small models suffer most
 * @param typicalOutputTokens   mean answer length in tokens on a query of average length
 */
record ModelProfile(String name, double[] expertise, double difficultySensitivity, double typicalOutputTokens) {

    ModelProfile {
        if (expertise.length != Domain.values().length) {
            throw new IllegalArgumentException(name + ": " + expertise.length + " expertise values for "
                    + Domain.values().length + " domains");
        }
        expertise = expertise.clone();
    }

    @Override
    public double[] expertise() {
        return expertise.clone();
    }

    double expertise(Domain domain) {
        return expertise[domain.ordinal()];
    }

    /**
     * Every model the simulator knows, the default six first. The generalist is best on average (the 34b
     * knowledge model a close second), but each specialist beats it on its own domains by about half a
     * standard unit, which is what gives routing by domain its headroom. The four extras (used when a config
     * asks for more than six) keep that shape; the 1b model is weak everywhere, a candidate to avoid.
     */
    static List<ModelProfile> catalogue() {
        return CATALOGUE;
    }

    private static final List<ModelProfile> CATALOGUE = List.of(
            //                                            code  math  writ  know  role  reas  extr  stem  huma  comm
            new ModelProfile("sim-coder-7b",       array(1.0,  0.3, -0.3, -0.1, -0.5,  0.3,  0.4,  0.2, -0.4, -0.1), 0.9, 260),
            new ModelProfile("sim-math-7b",        array(0.2,  1.0, -0.4, -0.1, -0.5,  0.7,  0.0,  0.5, -0.3,  0.0), 0.9, 220),
            new ModelProfile("sim-writer-13b",     array(-0.4, -0.4, 1.0,  0.2,  0.8, -0.1,  0.2, -0.2,  0.7,  0.3), 0.8, 450),
            new ModelProfile("sim-generalist-13b", array(0.35, 0.35, 0.55, 0.5,  0.45, 0.55, 0.5,  0.4,  0.5,  0.6), 0.8, 320),
            new ModelProfile("sim-chat-3b",        array(-0.6, -0.7, 0.3, -0.3,  0.7, -0.4, -0.2, -0.5,  0.0,  0.3), 1.0, 380),
            new ModelProfile("sim-knowledge-34b",  array(0.0,  0.1,  0.0,  0.95, -0.3, 0.4,  0.55, 0.8,  0.55, 0.3), 0.7, 280),
            new ModelProfile("sim-reasoner-34b",   array(0.4,  0.7, -0.2,  0.3, -0.3,  1.0,  0.3,  0.4,  0.1,  0.3), 0.7, 300),
            new ModelProfile("sim-extractor-7b",   array(0.2, -0.2, -0.1,  0.2, -0.4,  0.1,  1.0,  0.0, -0.1,  0.1), 0.9, 180),
            new ModelProfile("sim-science-13b",    array(0.1,  0.4, -0.2,  0.4, -0.4,  0.3,  0.2,  1.0,  0.1,  0.0), 0.8, 340),
            new ModelProfile("sim-tiny-1b",        array(-0.8, -0.9, -0.3, -0.6, -0.1, -0.7, -0.4, -0.7, -0.5, -0.2), 1.1, 200));

    private static double[] array(double... values) {
        return values;
    }
}
