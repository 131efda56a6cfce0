package dev.zooterj.nn.encoder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A padded batch with the padding taken out: the real tokens of all texts one after another (N rows in all), each
 * with its position in its own text. Texts are packed shortest first, so that texts of similar length are
 * neighbours and can share an attention {@link Group} with little padding.
 */
final class PackedBatch {

    /** Texts k in [first, first + count) of the packed order, attended together padded to {@code length}. */
    record Group(int first, int count, int length) {
    }

    private final int[] order;      // [B] original index of the k-th packed text
    private final int[] starts;     // [B + 1] first row of the k-th packed text
    private final int[] tokenIds;   // [N]
    private final int[] positions;  // [N] position of each token in its text

    private PackedBatch(int[] order, int[] starts, int[] tokenIds, int[] positions) {
        this.order = order;
        this.starts = starts;
        this.tokenIds = tokenIds;
        this.positions = positions;
    }

    /** Keeps the tokens whose mask is 1; a token keeps the position it had in its padded row. */
    static PackedBatch of(int[][] ids, int[][] mask) {
        int[] lengths = Arrays.stream(mask).mapToInt(row -> Arrays.stream(row).sum()).toArray();
        int[] order = IntStream.range(0, ids.length).boxed()
                .sorted(Comparator.comparingInt(b -> lengths[b])).mapToInt(Integer::intValue).toArray();
        int n = Arrays.stream(lengths).sum();
        int[] tokenIds = new int[n];
        int[] positions = new int[n];
        int[] starts = new int[ids.length + 1];
        int row = 0;
        for (int k = 0; k < order.length; k++) {
            starts[k] = row;
            int b = order[k];
            for (int t = 0; t < ids[b].length; t++) {
                if (mask[b][t] == 1) {
                    tokenIds[row] = ids[b][t];
                    positions[row] = t;
                    row++;
                }
            }
        }
        starts[ids.length] = row;
        return new PackedBatch(order, starts, tokenIds, positions);
    }

    /** B. */
    int size() {
        return order.length;
    }

    /** N. */
    int tokens() {
        return tokenIds.length;
    }

    /** First packed row of the k-th packed text. */
    int start(int k) {
        return starts[k];
    }

    int length(int k) {
        return starts[k + 1] - starts[k];
    }

    /** Original (caller's) index of the k-th packed text. */
    int original(int k) {
        return order[k];
    }

    /** Word id of packed row {@code row}. */
    int tokenId(int row) {
        return tokenIds[row];
    }

    /** Position of packed row {@code row} in its text's padded row. */
    int position(int row) {
        return positions[row];
    }

    /** [N] INT word ids. */
    INDArray tokenIdArray() {
        return Nd4j.createFromArray(tokenIds);
    }

    /** [N] INT positions. */
    INDArray positionArray() {
        return Nd4j.createFromArray(positions);
    }

    /**
     * Splits the texts (shortest first) into groups that attention runs one at a time, each padded to its longest
     * text. Chooses the split with the least estimated cost: {@code callCost} per group, plus one per padded
     * attention score (count·length² per head). An exact dynamic program over the B+1 cut points.
     */
    List<Group> attentionGroups(double callCost) {
        int b = size();
        double[] best = new double[b + 1];          // best[k]: cost of texts [0, k)
        int[] cut = new int[b + 1];
        for (int k = 1; k <= b; k++) {
            best[k] = Double.MAX_VALUE;
            long longest = Math.max(1, length(k - 1));   // texts are sorted: the last is the longest
            for (int first = 0; first < k; first++) {
                double cost = best[first] + callCost + (double) (k - first) * longest * longest;
                if (cost < best[k]) {
                    best[k] = cost;
                    cut[k] = first;
                }
            }
        }
        List<Group> groups = new ArrayList<>();
        for (int k = b; k > 0; k = cut[k]) {
            groups.add(0, new Group(cut[k], k - cut[k], length(k - 1)));
        }
        return groups;
    }

    /** Packed rows of group g: [start(first), start(first + count)). */
    int groupStart(Group g) {
        return starts[g.first()];
    }

    int groupEnd(Group g) {
        return starts[g.first() + g.count()];
    }

    /** True unless every text of g has its full length (always so for one text). */
    boolean hasPadding(Group g) {
        return groupEnd(g) - groupStart(g) != g.count() * g.length();
    }

    /** [count·length] INT: the group-relative packed row of each padded row; padding points at row 0. */
    INDArray paddedToPacked(Group g) {
        int[] rows = new int[g.count() * g.length()];
        for (int i = 0; i < g.count(); i++) {
            int k = g.first() + i;
            for (int t = 0; t < length(k); t++) {
                rows[i * g.length() + t] = starts[k] + t - groupStart(g);
            }
        }
        return Nd4j.createFromArray(rows);
    }

    /** [rows of g] INT: the padded row (i·length + t) of each of the group's packed rows. */
    INDArray packedToPadded(Group g) {
        int[] rows = new int[groupEnd(g) - groupStart(g)];
        for (int i = 0; i < g.count(); i++) {
            int k = g.first() + i;
            for (int t = 0; t < length(k); t++) {
                rows[starts[k] + t - groupStart(g)] = i * g.length() + t;
            }
        }
        return Nd4j.createFromArray(rows);
    }

    /** [count, 1, 1, length] FLOAT: 0 for a token, {@code masked} for padding; added to attention scores. */
    INDArray scoreBias(Group g, float masked) {
        float[] bias = new float[g.count() * g.length()];
        for (int i = 0; i < g.count(); i++) {
            Arrays.fill(bias, i * g.length() + length(g.first() + i), (i + 1) * g.length(), masked);
        }
        return Nd4j.create(bias, new long[] {g.count(), 1, 1, g.length()}, 'c');
    }

    /** Each text's pooled row, in the caller's order: {@link #meanPool} or {@link #clsPool}. */
    INDArray pool(INDArray x, Pooling pooling) {
        return pooling == Pooling.CLS ? clsPool(x) : meanPool(x);
    }

    /** Each text's first row ([CLS]), in the caller's order, as one matmul with a [B, N] selection matrix. */
    INDArray clsPool(INDArray x) {
        int n = tokens();
        float[] weights = new float[size() * n];
        for (int k = 0; k < size(); k++) {
            if (length(k) > 0) {
                weights[order[k] * n + starts[k]] = 1f;
            }
        }
        return Nd4j.create(weights, new long[] {size(), n}, 'c').mmul(x);
    }

    /** Mean of each text's rows, in the caller's order, as one matmul with a [B, N] averaging matrix. */
    INDArray meanPool(INDArray x) {
        int n = tokens();
        float[] weights = new float[size() * n];
        for (int k = 0; k < size(); k++) {
            float share = 1f / Math.max(1, length(k));
            Arrays.fill(weights, order[k] * n + starts[k], order[k] * n + starts[k + 1], share);
        }
        return Nd4j.create(weights, new long[] {size(), n}, 'c').mmul(x);
    }
}
