package dev.zooterj.nn.encoder;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A padded batch with the padding taken out: the real tokens of all sequences one after another (N in all), each
 * with its position in its own sequence. Sequence {@code s} owns rows [start(s), start(s) + length(s)).
 */
final class PackedBatch {

    private final int[] tokenIds;   // [N]
    private final int[] positions;  // [N]
    private final int[] starts;     // [B + 1]

    private PackedBatch(int[] tokenIds, int[] positions, int[] starts) {
        this.tokenIds = tokenIds;
        this.positions = positions;
        this.starts = starts;
    }

    /** Keeps the tokens whose mask is 1; a token keeps the position it had in the padded row. */
    static PackedBatch of(int[][] ids, int[][] mask) {
        int n = 0;
        for (int[] row : mask) {
            for (int m : row) {
                n += m;
            }
        }
        int[] tokenIds = new int[n];
        int[] positions = new int[n];
        int[] starts = new int[ids.length + 1];
        int k = 0;
        for (int b = 0; b < ids.length; b++) {
            starts[b] = k;
            for (int t = 0; t < ids[b].length; t++) {
                if (mask[b][t] == 1) {
                    tokenIds[k] = ids[b][t];
                    positions[k] = t;
                    k++;
                }
            }
        }
        starts[ids.length] = k;
        return new PackedBatch(tokenIds, positions, starts);
    }

    int size() {
        return starts.length - 1;
    }

    int tokens() {
        return tokenIds.length;
    }

    int start(int s) {
        return starts[s];
    }

    int length(int s) {
        return starts[s + 1] - starts[s];
    }

    int[] tokenIds() {
        return tokenIds;
    }

    int[] positions() {
        return positions;
    }

    /** Mean of each sequence's rows, as one matmul with a [B, N] averaging matrix: [N, H] → [B, H]. */
    INDArray meanPool(INDArray x) {
        float[] weights = new float[size() * tokens()];
        for (int s = 0; s < size(); s++) {
            float share = 1f / Math.max(1, length(s));
            for (int r = start(s); r < start(s) + length(s); r++) {
                weights[s * tokens() + r] = share;
            }
        }
        return Nd4j.create(weights, new long[] {size(), tokens()}, 'c').mmul(x);
    }
}
