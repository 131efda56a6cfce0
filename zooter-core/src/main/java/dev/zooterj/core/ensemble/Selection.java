package dev.zooterj.core.ensemble;

/**
 * What an ensemble method does with one query.
 *
 * @param weights      probability with which each candidate's answer is the one returned; a router puts
 *                     1 on its pick, a random pick spreads it evenly, ranking splits it among tied maxima
 * @param generatesAll true when every candidate must answer (ranking, oracle), false when only the picked one does
 */
public record Selection(double[] weights, boolean generatesAll) {
    /** How many LLM generations the query costs. */
    public int generations() {
        return generatesAll ? weights.length : 1;
    }

    /** The expected evaluation score of the returned answer. */
    public double expectedScore(double[] scores) {
        return dev.zooterj.core.label.ProbabilityVectors.expectation(weights, scores);
    }

    /** The expected cost: all candidates' costs when all generate, else the returned one's. */
    public double expectedCost(double[] cost) {
        if (!generatesAll) {
            return dev.zooterj.core.label.ProbabilityVectors.expectation(weights, cost);
        }
        double s = 0;
        for (double c : cost) {
            s += c;
        }
        return s;
    }
}
