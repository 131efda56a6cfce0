package dev.zooterj.nn.tokenizer;

/**
 * A batch of token id sequences padded to the longest sequence in the batch, ready for the encoder.
 *
 * @param ids           [batch][sequenceLength] token ids; positions past a row's length hold the pad id
 * @param attentionMask [batch][sequenceLength] 1 for real tokens (including [CLS]/[SEP]), 0 for padding
 * @param lengths       [batch] number of real tokens in each row
 */
public record TokenizedBatch(int[][] ids, int[][] attentionMask, int[] lengths) {

    public TokenizedBatch {
        if (ids.length != attentionMask.length || ids.length != lengths.length) {
            throw new IllegalArgumentException("ids, attentionMask and lengths must have one row per text, got "
                    + ids.length + ", " + attentionMask.length + " and " + lengths.length);
        }
    }

    /** Number of texts in the batch. */
    public int batchSize() {
        return ids.length;
    }

    /** Padded length shared by all rows; 0 for an empty batch. */
    public int sequenceLength() {
        return ids.length == 0 ? 0 : ids[0].length;
    }
}
