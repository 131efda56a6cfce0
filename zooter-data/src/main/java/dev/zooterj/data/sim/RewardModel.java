package dev.zooterj.data.sim;

import java.util.SplittableRandom;

/**
 * The reward model's view of a query's answers: the training signal. Like a real reward model its scores
 * are unbounded and only meaningful relative to each other within a query: each query gets its own offset,
 * each answer its own error, and longer answers are mildly favoured (a known reward-model bias, which also
 * makes reward-model ranking fall short of the oracle for a reason other than noise).
 */
final class RewardModel {
    private static final double QUALITY_SCALE = 2.0;
    private static final double QUERY_OFFSET_MEAN = 1.0;
    private static final double QUERY_OFFSET_SPREAD = 1.5;
    private static final double ANSWER_ERROR = 0.8;
    private static final double LENGTH_BIAS = 0.4;
    private static final double NEUTRAL_LENGTH_TOKENS = 300;

    private RewardModel() {
    }

    static double[] rewards(QueryOutcome outcome, SplittableRandom random) {
        double queryOffset = QUERY_OFFSET_MEAN + QUERY_OFFSET_SPREAD * random.nextGaussian();
        double[] quality = outcome.quality();
        double[] rewards = new double[quality.length];
        for (int m = 0; m < quality.length; m++) {
            double lengthBias = LENGTH_BIAS * Math.log(outcome.outputTokens()[m] / NEUTRAL_LENGTH_TOKENS);
            rewards[m] = queryOffset + QUALITY_SCALE * quality[m] + lengthBias + ANSWER_ERROR * random.nextGaussian();
        }
        return rewards;
    }
}
