package dev.zooterj.core.label;

import dev.zooterj.core.data.RewardDataset;
import dev.zooterj.core.data.RewardRecord;

import java.util.List;

/**
 * What a dataset's labels look like: per-model mean reward and argmax share, the entropy of the normalised
 * rewards (a histogram over [0, log N]), and how well tags cover the queries.
 *
 * @param models             candidate names
 * @param meanReward         per model, mean raw reward
 * @param argmaxShare        per model, share of queries where it has the top reward (ties split evenly)
 * @param labelArgmaxShare   per model, share of queries where it tops the (enhanced) training label
 * @param meanEntropy        mean entropy of s = softmax(norm(r)/tau), in nats
 * @param meanLabelEntropy   mean entropy of the training label s*
 * @param entropyHistogram   counts of H(s) in {@code entropyBins} equal bins over [0, log N]
 * @param taggedShare        share of queries with at least one tag
 * @param knownTagShare      share of queries with a tag seen in the training records
 * @param distinctTags       number of distinct tags in the training records
 */
public record LabelStatistics(List<String> models, double[] meanReward, double[] argmaxShare, double[] labelArgmaxShare,
                              double meanEntropy, double meanLabelEntropy, long[] entropyHistogram,
                              double taggedShare, double knownTagShare, int distinctTags, int queries) {

    public static LabelStatistics of(RewardDataset data, TagEnhancedLabels labels, int entropyBins) {
        int n = data.models().size();
        double[] meanReward = data.meanRewards();
        double[] argmaxShare = new double[n];
        double[] labelArgmaxShare = new double[n];
        long[] hist = new long[entropyBins];
        double maxEntropy = Math.log(n);
        double sumH = 0;
        double sumLabelH = 0;
        int tagged = 0;
        int known = 0;
        for (RewardRecord r : data.records()) {
            add(argmaxShare, ProbabilityVectors.uniformOverArgmax(r.rewards()));
            double[] label = labels.label(r);
            add(labelArgmaxShare, ProbabilityVectors.uniformOverArgmax(label));
            double h = ProbabilityVectors.entropy(labels.normalised(r));
            sumH += h;
            sumLabelH += ProbabilityVectors.entropy(label);
            int bin = maxEntropy == 0 ? 0 : (int) Math.min(entropyBins - 1, Math.floor(h / maxEntropy * entropyBins));
            hist[bin]++;
            if (!r.tags().isEmpty()) {
                tagged++;
            }
            if (labels.tagStatistics().meanOverTags(r.tags()).isPresent()) {
                known++;
            }
        }
        int q = Math.max(1, data.size());
        for (int i = 0; i < n; i++) {
            argmaxShare[i] /= q;
            labelArgmaxShare[i] /= q;
        }
        return new LabelStatistics(data.models(), meanReward, argmaxShare, labelArgmaxShare, sumH / q, sumLabelH / q,
                hist, (double) tagged / q, (double) known / q, labels.tagStatistics().tagCount(), data.size());
    }

    private static void add(double[] acc, double[] v) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += v[i];
        }
    }
}
