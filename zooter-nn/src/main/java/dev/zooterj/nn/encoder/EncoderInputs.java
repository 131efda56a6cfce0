package dev.zooterj.nn.encoder;

/** Checks of a padded (ids, mask) batch, shared by both forward paths. */
final class EncoderInputs {

    private EncoderInputs() {
    }

    /** Same number of rows, every row of both as long as the first, mask values 0 or 1. */
    static void check(int[][] ids, int[][] mask) {
        if (ids == null || mask == null) {
            throw new IllegalArgumentException("ids and mask must not be null");
        }
        if (ids.length != mask.length) {
            throw new IllegalArgumentException("ids has " + ids.length + " rows but mask has " + mask.length);
        }
        int t = ids.length == 0 ? 0 : ids[0].length;
        for (int b = 0; b < ids.length; b++) {
            if (ids[b].length != t || mask[b].length != t) {
                throw new IllegalArgumentException("row " + b + " has " + ids[b].length + " ids and " + mask[b].length
                        + " mask values; every row must be padded to the same length " + t);
            }
            for (int m : mask[b]) {
                if (m != 0 && m != 1) {
                    throw new IllegalArgumentException("mask values must be 0 or 1, row " + b + " has " + m);
                }
            }
        }
    }

    /** {@link #check(int[][], int[][])}, plus ids inside the vocabulary and no more than maxPositions tokens. */
    static void check(int[][] ids, int[][] mask, BertConfig c) {
        check(ids, mask);
        if (ids.length > 0 && ids[0].length > c.maxPositions()) {
            throw new IllegalArgumentException("sequences are " + ids[0].length + " tokens long; this encoder takes at most "
                    + c.maxPositions() + " (truncate when tokenizing)");
        }
        for (int b = 0; b < ids.length; b++) {
            for (int id : ids[b]) {
                if (id < 0 || id >= c.vocabSize()) {
                    throw new IllegalArgumentException("token id " + id + " in row " + b + " is outside the vocabulary [0, "
                            + c.vocabSize() + ")");
                }
            }
        }
    }
}
