package dev.zooterj.nn.encoder;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Token ids in, one vector per text out. Implementations are thread-safe for inference. */
public interface TextEncoder {

    /** Length of each pooled vector. */
    int dimension();

    /**
     * Encodes a padded batch.
     *
     * @param ids  [B][T] token ids, every row padded to the batch's longest sequence
     * @param mask [B][T] 1 for real tokens, 0 for padding
     * @return pooled embeddings [B, dimension()], FLOAT
     */
    INDArray encode(int[][] ids, int[][] mask);
}
