package dev.zooterj.core.ensemble;

import dev.zooterj.core.label.ProbabilityVectors;

import java.util.Arrays;

/**
 * What an ensemble method does with one query.
 *
 * @param weights   probability with which each candidate's answer is the one returned; a router puts 1 on its pick, a
 *                  random pick spreads it evenly, ranking splits it among tied maxima
 * @param generated which candidates generate an answer: null when only the returned one does (one generation, whose
 *                  cost is the expectation over {@code weights}); all true when every candidate answers (ranking,
 *                  oracle); a subset for route-or-rerank and fixed sets
 */
public record Selection(double[] weights, boolean[] generated) {
    public Selection {
        weights = weights.clone();
        if (generated != null) {
            if (generated.length != weights.length) {
                throw new IllegalArgumentException(generated.length + " generation flags for " + weights.length + " candidates");
            }
            generated = generated.clone();
            for (int i = 0; i < weights.length; i++) {
                if (weights[i] > 0 && !generated[i]) {
                    throw new IllegalArgumentException("candidate " + i + " is returned with weight " + weights[i]
                            + " but does not generate");
                }
            }
        }
    }

    /** One generation ({@code generatesAll} false) or every candidate answering (true). */
    public Selection(double[] weights, boolean generatesAll) {
        this(weights, generatesAll ? all(weights.length) : null);
    }

    /** The answer of the set's candidate with the highest reward (ties split evenly); only the set generates. */
    public static Selection bestOfSet(int[] set, double[] rewards) {
        boolean[] in = new boolean[rewards.length];
        double best = Double.NEGATIVE_INFINITY;
        for (int i : set) {
            in[i] = true;
            best = Math.max(best, rewards[i]);
        }
        double[] w = new double[rewards.length];
        int ties = 0;
        for (int i : set) {
            if (rewards[i] == best) {
                ties++;
            }
        }
        for (int i : set) {
            if (rewards[i] == best) {
                w[i] = 1.0 / ties;
            }
        }
        return new Selection(w, in);
    }

    private static boolean[] all(int n) {
        boolean[] b = new boolean[n];
        Arrays.fill(b, true);
        return b;
    }

    @Override
    public double[] weights() {
        return weights.clone();
    }

    @Override
    public boolean[] generated() {
        return generated == null ? null : generated.clone();
    }

    /** True when every candidate answers. */
    public boolean generatesAll() {
        if (generated == null) {
            return false;
        }
        for (boolean b : generated) {
            if (!b) {
                return false;
            }
        }
        return true;
    }

    /** How many LLM generations the query costs. */
    public int generations() {
        if (generated == null) {
            return 1;
        }
        int n = 0;
        for (boolean b : generated) {
            n += b ? 1 : 0;
        }
        return n;
    }

    /** The expected evaluation score of the returned answer. */
    public double expectedScore(double[] scores) {
        return ProbabilityVectors.expectation(weights, scores);
    }

    /** The expected cost: the costs of every candidate that generates, or the returned one's for one generation. */
    public double expectedCost(double[] cost) {
        if (generated == null) {
            return ProbabilityVectors.expectation(weights, cost);
        }
        double s = 0;
        for (int i = 0; i < cost.length; i++) {
            s += generated[i] ? cost[i] : 0;
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Selection s && Arrays.equals(weights, s.weights) && Arrays.equals(generated, s.generated);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(weights) * 31 + Arrays.hashCode(generated);
    }

    @Override
    public String toString() {
        return "Selection[" + Arrays.toString(weights) + ", generations " + generations() + "]";
    }
}
