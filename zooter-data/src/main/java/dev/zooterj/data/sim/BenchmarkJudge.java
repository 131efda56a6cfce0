package dev.zooterj.data.sim;

import java.util.SplittableRandom;

/**
 * The benchmark's view of a query's answers: the evaluation metric on the subset's own scale. It sees the
 * same latent quality as the reward model but with its own, independent error, so that reward and score
 * disagree the way two real judges do.
 */
final class BenchmarkJudge {
    private static final double JUDGE_ERROR = 0.3;
    // AlpacaEval's judge calls a tie when the two answers are this close.
    private static final double TIE_MARGIN = 0.15;
    // GPT-4 scores: fraction of the scale = sigmoid(slope * quality + leniency); lenient, like GPT-4.
    private static final double SCORE_SLOPE = 1.0;
    private static final double SCORE_LENIENCY = 0.4;
    // Exact-answer benchmarks: P(correct) = sigmoid(slope * quality - hardness); most answers miss.
    private static final double CORRECTNESS_SLOPE = 1.5;
    private static final double BENCHMARK_HARDNESS = 1.4;

    private BenchmarkJudge() {
    }

    static double[] scores(BenchmarkSubset subset, QueryOutcome outcome, SplittableRandom random) {
        double[] quality = outcome.quality();
        double[] scores = new double[quality.length];
        for (int m = 0; m < quality.length; m++) {
            scores[m] = switch (subset.metric()) {
                case PaperLayout.METRIC_WIN_RATE -> verdict(quality[m] - outcome.referenceQuality(), random);
                case PaperLayout.METRIC_GPT4_SCORE -> gpt4Score(subset, quality[m], random);
                case PaperLayout.METRIC_ACCURACY, PaperLayout.METRIC_PASS_AT_1 -> correctness(quality[m], random);
                default -> throw new IllegalArgumentException("unknown metric " + subset.metric());
            };
        }
        return scores;
    }

    private static double verdict(double advantage, SplittableRandom random) {
        double judged = advantage + JUDGE_ERROR * random.nextGaussian();
        if (Math.abs(judged) < TIE_MARGIN) {
            return 0.5;
        }
        return judged > 0 ? 1 : 0;
    }

    private static double gpt4Score(BenchmarkSubset subset, double quality, SplittableRandom random) {
        double judged = quality + JUDGE_ERROR * random.nextGaussian();
        double fraction = sigmoid(SCORE_SLOPE * judged + SCORE_LENIENCY);
        double score = subset.minScore() + (subset.maxScore() - subset.minScore()) * fraction;
        // Judges give one decimal; the clamp keeps a rounded end of the scale inside it.
        double rounded = Math.round(score * 10) / 10.0;
        return Math.min(subset.maxScore(), Math.max(subset.minScore(), rounded));
    }

    private static double correctness(double quality, SplittableRandom random) {
        return random.nextDouble() < sigmoid(CORRECTNESS_SLOPE * quality - BENCHMARK_HARDNESS) ? 1 : 0;
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
